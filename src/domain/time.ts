import { Schema } from "effect"

const isoPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/

/** An ISO-8601 instant with an explicit offset, e.g. `2026-03-01T00:00:00Z`. */
export const IsoInstant = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter(
      (s: string) =>
        isoPattern.test(s) && !Number.isNaN(Date.parse(s))
          ? true
          : `expected an ISO-8601 date-time with a zone, e.g. 2026-03-01T00:00:00Z, got ${JSON.stringify(s.slice(0, 40))}`,
      // the shape exactly; that the values are in range (no month 13, no hour 25) only the daemon checks
      {
        description: "an ISO-8601 date-time with a zone, e.g. 2026-03-01T00:00:00Z (a real one: no month 13, no hour 25)",
        toJsonSchema: () => [{ pattern: isoPattern.source }, true]
      }
    )
  )
)

/** Milliseconds since the epoch of an ISO instant (already validated). */
export const toMillis = (iso: string): number => Date.parse(iso)

/** Canonical form used everywhere we write instants: UTC, milliseconds. */
export const toIso = (ms: number): string => new Date(ms).toISOString()
