/** What the simulator saw (`GET /__sim/stats`), and the arrival times of the last requests. */

export interface SimStats {
  /** Requests to the API and token endpoints (not /__sim). */
  readonly requests: number
  readonly byRoute: Readonly<Record<string, number>>
  readonly byStatus: Readonly<Record<string, number>>
  readonly tokensIssued: number
  /** 429 answers. */
  readonly throttled: number
  /** Injected 5xx answers (HTML error pages included). */
  readonly errors: number
  /** Successful answers sent cut short (truncated JSON). */
  readonly truncated: number
  /** 202 answers for recordings not ready. */
  readonly notReady: number
  readonly unauthorized: number
  readonly stalled: number
  /** Requests that arrived while a Retry-After we gave was still running (beyond 100 ms of grace). */
  readonly earlyAfterThrottle: number
  /** Most requests seen in any sliding 1,000 ms window. */
  readonly maxPerSecond: number
  /** Most requests seen in any sliding 60,000 ms window. */
  readonly maxPerMinute: number
}

export type MutableStats = { -readonly [K in keyof SimStats]: SimStats[K] extends Readonly<Record<string, number>> ? Record<string, number> : SimStats[K] }

export const freshStats = (): MutableStats => ({
  requests: 0,
  byRoute: {},
  byStatus: {},
  tokensIssued: 0,
  throttled: 0,
  errors: 0,
  truncated: 0,
  notReady: 0,
  unauthorized: 0,
  stalled: 0,
  earlyAfterThrottle: 0,
  maxPerSecond: 0,
  maxPerMinute: 0
})

/** Arrival times, taken as early as possible: the last 10,000, and the densest second and minute. */
export const makeArrivals = () => {
  const recent: Array<number> = []
  const minute: Array<number> = []
  const arrivals: Array<number> = []
  return {
    /** Arrival times (epoch ms) of the last 10,000 requests (GET /__sim/arrivals). */
    arrivals,
    /** Records an arrival; returns the requests of the last second and minute (for `maxPer*`). */
    arrive: (now: number): { readonly lastSecond: number; readonly lastMinute: number } => {
      arrivals.push(now)
      if (arrivals.length > 10_000) arrivals.splice(0, arrivals.length - 10_000)
      recent.push(now)
      while (recent.length > 0 && recent[0]! <= now - 1000) recent.shift()
      minute.push(now)
      while (minute.length > 0 && minute[0]! <= now - 60_000) minute.shift()
      return { lastSecond: recent.length, lastMinute: minute.length }
    },
    reset: () => {
      recent.length = 0
      minute.length = 0
      arrivals.length = 0
    }
  }
}
