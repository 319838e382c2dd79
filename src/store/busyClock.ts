/**
 * How long at least one operation was in flight: the union of the operations' intervals, not
 * their sum (two reads that overlap for a second count one second). The store wraps its reads
 * with one (`ClickHouse.readBusy`): over a stretch of time, busy seconds ÷ seconds near 1 means
 * reads never stopped (the embedded engine runs parameterized queries one at a time for the
 * whole process): the store, or the cores it shares with the rest, limits the daemon.
 */
export interface BusyClock {
  /** `operation`, counted while it is pending (until it resolves or rejects). */
  track<A>(operation: Promise<A>): Promise<A>
  /** Seconds with at least one tracked operation pending, up to now. */
  seconds(): number
}

/** A busy clock reading `now` (milliseconds; default `performance.now`). */
export const makeBusyClock = (now: () => number = () => performance.now()): BusyClock => {
  let pending = 0
  let since = 0
  let busyMs = 0
  const settle = () => {
    pending--
    if (pending === 0) busyMs += now() - since
  }
  return {
    track: (operation) => {
      if (pending === 0) since = now()
      pending++
      return operation.finally(settle)
    },
    seconds: () => (busyMs + (pending > 0 ? now() - since : 0)) / 1000
  }
}
