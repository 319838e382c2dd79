import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as prom from "prom-client"
import { ClickHouse } from "../store/ClickHouse.ts"
import { StoreOperations } from "../store/errorCounts.ts"
import { Metrics } from "./Metrics.ts"

/**
 * The store's own measures, read at each scrape:
 * - `rewind_clickhouse_read_busy_seconds_total`: seconds during which at least one store read was
 *   in flight (ClickHouse.readBusy). Its rate is the share of time the store was reading: near 1,
 *   reads never stopped (the embedded engine runs them one at a time).
 * - `rewind_clickhouse_errors_total{operation}`: failed ClickHouse calls (ClickHouse.errors), by
 *   operation: read, insert, command. Every operation starts at 0, so the first error shows.
 * - `rewind_clickhouse_engine_memory_bytes` (embedded engine only): the memory the engine in
 *   this process counts as its own (ClickHouse's `MemoryTracking`: queries, inserts, merges,
 *   caches). The daemon's resident memory less this is, roughly, Node's (V8's heap, buffers, the
 *   topic workers) and what the allocators keep. A ClickHouse server reports its own memory.
 */
export const StoreMetricsLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const { embedded, engineMemoryBytes, readBusy, errors } = yield* ClickHouse
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
    const failed = new Map<string, number>()
    new prom.Counter({
      name: "rewind_clickhouse_errors_total",
      help: "Failed ClickHouse calls, by operation (read, insert, command); not the calls the daemon aborts itself (a job cancelled or stopped, a shutdown)",
      labelNames: ["operation"],
      registers: [registry],
      collect() {
        const now = errors.counts()
        for (const operation of StoreOperations) {
          const before = failed.get(operation) ?? 0
          this.inc({ operation }, Math.max(0, now[operation] - before))
          failed.set(operation, Math.max(before, now[operation]))
        }
      }
    })
    if (embedded) {
      new prom.Gauge({
        name: "rewind_clickhouse_engine_memory_bytes",
        help: "Memory the embedded ClickHouse engine in this process counts as its own (MemoryTracking: queries, inserts, merges, caches)",
        registers: [registry],
        async collect() {
          const bytes = await engineMemoryBytes()
          if (bytes !== undefined) this.set(bytes)
        }
      })
    }
  })
)
