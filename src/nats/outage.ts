import type { NatsError } from "./Nats.ts"

/**
 * Errors of the NATS client that mean "NATS is not answering right now" — a server restarting,
 * paused, unreachable, a JetStream leader being elected — rather than "this request is wrong".
 * By the client's error names, so a second copy of the client package classifies the same. A
 * RequestError counts by its cause (a timeout, no responders), found by walking the causes.
 */
const outageNames = new Set([
  "TimeoutError",
  "ConnectionError",
  "ClosedConnectionError",
  "DrainingConnectionError",
  "NoResponders",
  "NoRespondersError"
])

/** JetStream API answers that say "not now": 503 (temporarily unavailable), 408 (timed out). */
const outageStatuses = new Set([408, 503])

const causes = function*(e: unknown): Generator<unknown> {
  for (let c: unknown = e, depth = 0; c !== undefined && c !== null && depth < 8; depth++) {
    yield c
    c = typeof c === "object" && "cause" in c ? (c as { cause?: unknown }).cause : undefined
  }
}

const isOutageCause = (c: unknown): boolean => {
  if (!(c instanceof Error)) return false
  if (outageNames.has(c.name)) return true
  const status = (c as { status?: unknown; code?: unknown }).status ?? (c as { code?: unknown }).code
  if ((c.name === "JetStreamApiError" || c.name === "JetStreamStatusError") && typeof status === "number") {
    return outageStatuses.has(status)
  }
  return false
}

/**
 * True when `e` failed because NATS (or its JetStream) did not answer — worth waiting for —
 * and false when the request itself failed (a stored value that does not match its schema,
 * a permission, a bad argument): waiting would not help those.
 */
export const isNatsOutage = (e: NatsError): boolean => {
  for (const c of causes(e.cause)) if (isOutageCause(c)) return true
  return false
}
