import { Effect, Layer } from "effect"
import * as prom from "prom-client"
import { ClickHouse } from "../store/ClickHouse.ts"
import { Metrics } from "./Metrics.ts"

/**
 * `rewind_clickhouse_read_busy_seconds_total`: seconds during which at least one store read was
 * in flight (ClickHouse.readBusy), read at each scrape. Its rate is the share of time the store
 * was reading: near 1, reads never stopped (the embedded engine runs them one at a time).
 */
export const StoreMetricsLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const { readBusy } = yield* ClickHouse
    const { registry } = yield* Metrics
    let counted = 0
    new prom.Counter({
      name: "rewind_clickhouse_read_busy_seconds_total",
      help: "Seconds during which at least one ClickHouse read was running or queued",
      registers: [registry],
      collect() {
        const seconds = readBusy.seconds()
        if (seconds > counted) {
          this.inc(seconds - counted)
          counted = seconds
        }
      }
    })
  })
)
