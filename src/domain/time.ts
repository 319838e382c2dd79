import * as Schema from "effect/Schema"

const isoPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/
const isoParts = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(?:Z|[+-](\d{2}):?(\d{2}))$/

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate()

/**
 * Why an instant of the right shape names no real time, or undefined when it does. `Date.parse`
 * alone takes any day up to 31 in any month and hour 24, and moves them on silently
 * (2026-02-30 becomes 2026-03-02): a job would run over days nobody asked for.
 */
export const unrealInstant = (s: string): string | undefined => {
  const m = isoParts.exec(s)
  if (m === null) return "not an ISO-8601 date-time with a zone"
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((k) => Number(m[k] ?? 0)) as [number, number, number, number, number, number]
  if (month < 1 || month > 12) return `there is no month ${month}`
  const days = daysIn(year, month)
  if (day < 1 || day > days) return `${m[1]}-${m[2]} has ${days} days, not ${day}`
  if (hour > 23) return `hour ${hour} is out of range (00–23)`
  if (minute > 59) return `minute ${minute} is out of range (00–59)`
  if (second > 59) return `second ${second} is out of range (00–59)`
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return `the zone offset ${s.slice(s.length - (s.includes(":", 19) ? 6 : 5))} is out of range`
  return Number.isNaN(Date.parse(s)) ? "not a date-time JavaScript can read" : undefined
}

/** An ISO-8601 instant with an explicit offset, e.g. `2026-03-01T00:00:00Z`. */
export const IsoInstant = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter(
      (s: string) => {
        const shown = JSON.stringify(s.slice(0, 40))
        if (!isoPattern.test(s)) return `expected an ISO-8601 date-time with a zone, e.g. 2026-03-01T00:00:00Z, got ${shown}`
        const why = unrealInstant(s)
        return why === undefined ? true : `expected a real date-time, got ${shown}: ${why}`
      },
      // the shape exactly; that the values are in range (no month 13, no 30 February) only the daemon checks
      {
        description: "an ISO-8601 date-time with a zone, e.g. 2026-03-01T00:00:00Z (a real one: no month 13, no 30 February, no hour 24)",
        toJsonSchema: () => [{ pattern: isoPattern.source }, true]
      }
    )
  )
)

/** Milliseconds since the epoch of an ISO instant (already validated). */
export const toMillis = (iso: string): number => Date.parse(iso)

/** Canonical form used everywhere we write instants: UTC, milliseconds. */
export const toIso = (ms: number): string => new Date(ms).toISOString()
