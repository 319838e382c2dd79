import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as prom from "prom-client"
import { lagSeconds, runningFigures, SharedConsumers } from "../domain/overview.ts"
import { DaemonSettingsService } from "./DaemonSettingsService.ts"
import { Metrics } from "./Metrics.ts"
import { Overview } from "./overview.ts"
import { RecoveryRunner } from "./recovery/RecoveryRunner.ts"

/**
 * The key figures (overview.ts) as gauges, read at each scrape from the last reading (every 5 s).
 * Cluster-wide: every daemon shows the same values, so the dashboard and the alerts take their
 * `max` across instances, never their sum.
 * - `rewind_consumer_pending_messages{consumer}` (and `_ack_pending_`, `_redelivered_`): the
 *   shared consumers `commands`, `work` (jobs' work items) and `ingest`;
 * - `rewind_dead_letter_messages`: the dead-letter stream's depth;
 * - `rewind_running_jobs_interactions`, `rewind_running_jobs_processed_interactions`: the scope
 *   of the InProgress jobs and what of it is processed (progress and ETA, with the rate of
 *   `rewind_interactions_processed_total`);
 * - `rewind_watermark_lag_seconds{watermark}`: now minus the `recovery` (automatic runs) and
 *   `ingest` (live ingestion) watermarks, each once it exists;
 * - `rewind_recovery_interval_seconds`: REWIND_RECOVERY_INTERVAL_MINUTES, 0 when automatic
 *   recovery is off (no platform, or the interval 0), and `rewind_recovery_settle_seconds`:
 *   the watermark alert's threshold follows them.
 */
export const OverviewMetricsLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const overview = yield* Overview
    const { registry } = yield* Metrics
    const settings = yield* DaemonSettingsService
    const recovery = yield* RecoveryRunner
    const registers = [registry]

    const consumerGauge = (name: string, help: string, value: (b: { pending: number; ackPending: number; redelivered: number }) => number) =>
      new prom.Gauge({
        name,
        help,
        labelNames: ["consumer"],
        registers,
        collect() {
          const { consumers } = overview.latest()
          for (const consumer of SharedConsumers) {
            const b = consumers[consumer]
            if (b !== undefined) this.set({ consumer }, value(b))
          }
        }
      })
    consumerGauge("rewind_consumer_pending_messages", "Messages waiting in a shared JetStream consumer (commands, work, ingest)", (b) => b.pending)
    consumerGauge("rewind_consumer_ack_pending_messages", "Messages delivered by a shared JetStream consumer and not yet acknowledged", (b) => b.ackPending)
    consumerGauge("rewind_consumer_redelivered_messages", "Messages of a shared JetStream consumer currently redelivered", (b) => b.redelivered)

    new prom.Gauge({
      name: "rewind_dead_letter_messages",
      help: "Messages in the dead-letter stream (refused commands, events that could not be ingested)",
      registers,
      collect() {
        const n = overview.latest().deadLetters
        if (n !== undefined) this.set(n)
      }
    })
    new prom.Gauge({
      name: "rewind_running_jobs_interactions",
      help: "Interactions in the scope of the InProgress jobs, all together",
      registers,
      collect() {
        this.set(runningFigures(overview.latest().jobs, null).interactions)
      }
    })
    new prom.Gauge({
      name: "rewind_running_jobs_processed_interactions",
      help: "Interactions the InProgress jobs have processed so far, all together",
      registers,
      collect() {
        this.set(runningFigures(overview.latest().jobs, null).processed)
      }
    })
    new prom.Gauge({
      name: "rewind_watermark_lag_seconds",
      help: "Seconds from a watermark to now: recovery (automatic runs covered everything before it), ingest (latest conversation end ingested)",
      labelNames: ["watermark"],
      registers,
      collect() {
        const r = overview.latest()
        const now = Date.now()
        for (const [watermark, at] of [["recovery", r.watermark], ["ingest", r.ingestWatermark]] as const) {
          const lag = lagSeconds(at, now)
          if (lag !== null) this.set({ watermark }, lag)
        }
      }
    })
    new prom.Gauge({
      name: "rewind_recovery_interval_seconds",
      help: "Seconds between automatic recovery runs (REWIND_RECOVERY_INTERVAL_MINUTES); 0 when automatic recovery is off",
      registers,
      collect() {
        this.set(recovery.configured ? settings.recoveryIntervalMinutes * 60 : 0)
      }
    })
    new prom.Gauge({
      name: "rewind_recovery_settle_seconds",
      help: "How long before now automatic recovery runs stop (REWIND_RECOVERY_SETTLE_MINUTES): the recovery watermark lags at least this much",
      registers,
      collect() {
        this.set(settings.recoverySettleMinutes * 60)
      }
    })
  })
)
