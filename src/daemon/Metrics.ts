import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as prom from "prom-client"
import { PipelineMetrics } from "../pipelines/PipelineMetrics.ts"
import { RejectionKinds } from "./jobs/errors.ts"

/**
 * Prometheus metrics, `rewind_` prefix. Labels are bounded sets (command type, outcome,
 * status, stage) — never ids — so cardinality stays sane.
 */
export interface MetricsShape {
  readonly registry: prom.Registry
  readonly commands: prom.Counter<"type" | "outcome">
  readonly commandsRejected: prom.Counter<"reason">
  readonly jobs: prom.Gauge<"status">
  readonly interactions: prom.Counter<"pipeline" | "outcome">
  readonly topicsDetected: prom.Counter<"pipeline">
  readonly textBytes: prom.Counter<"pipeline">
  readonly stageSeconds: prom.Histogram<"pipeline" | "stage">
  readonly insertRows: prom.Counter<"table">
  readonly insertSeconds: prom.Histogram<"table">
  readonly recoveryConversations: prom.Counter<"media" | "outcome">
  readonly recoveryRuns: prom.Counter<"trigger" | "status">
  readonly apiRequests: prom.Counter<"endpoint" | "outcome">
  readonly jobsWaiting: prom.Gauge<"on">
  readonly natsConnected: prom.Gauge
  readonly natsDisconnects: prom.Counter
}

/**
 * prom-client's defaults include gauges named `*_total` (`nodejs_active_handles_total`, …), which
 * Prometheus reserves for counters (`promtool check metrics` refuses them). They are dropped: each
 * is the sum of its by-type gauge (`rewind_nodejs_active_handles{type}`, …).
 */
const dropNonCounterTotals = (registry: prom.Registry) => {
  for (const m of registry.getMetricsAsArray()) {
    if (m.name.endsWith("_total") && String(m.type) !== "counter") registry.removeSingleMetric(m.name)
  }
}

/**
 * Counters whose label sets are known start at 0, so that `rate()` and `increase()` see their
 * first increment (a series born at 1 hides it) and the alerts on them work from the start.
 */
const startAtZero = (m: MetricsShape) => {
  for (const outcome of ["updated", "unchanged", "failed"]) m.interactions.inc({ pipeline: "reprocess", outcome }, 0)
  for (const reason of RejectionKinds) m.commandsRejected.inc({ reason }, 0)
}

export const makeMetrics = (): MetricsShape => {
  const registry = new prom.Registry()
  prom.collectDefaultMetrics({ register: registry, prefix: "rewind_" })
  dropNonCounterTotals(registry)
  const r = [registry]
  const metrics: MetricsShape = {
    registry,
    commands: new prom.Counter({
      name: "rewind_commands_total",
      help: "Commands consumed, by type and outcome (accepted, rejected, duplicate, retried)",
      labelNames: ["type", "outcome"],
      registers: r
    }),
    commandsRejected: new prom.Counter({
      name: "rewind_commands_rejected_total",
      help: "Commands refused (dead-lettered), by reason class (malformed, invalid, unknown_command, edit, unknown_job, conflict, limit, unavailable, infrastructure)",
      labelNames: ["reason"],
      registers: r
    }),
    jobs: new prom.Gauge({ name: "rewind_jobs", help: "Jobs known, by status", labelNames: ["status"], registers: r }),
    interactions: new prom.Counter({
      name: "rewind_interactions_processed_total",
      help: "Interactions processed, by pipeline and outcome",
      labelNames: ["pipeline", "outcome"],
      registers: r
    }),
    topicsDetected: new prom.Counter({
      name: "rewind_topics_detected_total",
      help: "Topic detections (block × topic)",
      labelNames: ["pipeline"],
      registers: r
    }),
    textBytes: new prom.Counter({
      name: "rewind_text_bytes_total",
      help: "Transcript text scanned by topic detection, in UTF-16 code units",
      labelNames: ["pipeline"],
      registers: r
    }),
    stageSeconds: new prom.Histogram({
      name: "rewind_stage_duration_seconds",
      help: "Duration of pipeline stages per page",
      labelNames: ["pipeline", "stage"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: r
    }),
    insertRows: new prom.Counter({
      name: "rewind_clickhouse_insert_rows_total",
      help: "Rows inserted into ClickHouse, by table",
      labelNames: ["table"],
      registers: r
    }),
    insertSeconds: new prom.Histogram({
      name: "rewind_clickhouse_insert_duration_seconds",
      help: "ClickHouse insert latency, by table",
      labelNames: ["table"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: r
    }),
    recoveryConversations: new prom.Counter({
      name: "rewind_recovery_conversations_total",
      help: "Conversations seen by ended recovery runs, by media type and count (platform, store, missing, recovered, pending, failed)",
      labelNames: ["media", "outcome"],
      registers: r
    }),
    recoveryRuns: new prom.Counter({
      name: "rewind_recovery_runs_total",
      help: "Recovery runs ended by this daemon, by trigger (manual, automatic) and status (Completed, Failed)",
      labelNames: ["trigger", "status"],
      registers: r
    }),
    apiRequests: new prom.Counter({
      name: "rewind_api_requests_total",
      help: "Service API requests, by endpoint and outcome (ok, error)",
      labelNames: ["endpoint", "outcome"],
      registers: r
    }),
    jobsWaiting: new prom.Gauge({
      name: "rewind_jobs_waiting",
      help: "Jobs this daemon runs that are paused waiting, by what they wait for (nats: NATS does not answer)",
      labelNames: ["on"],
      registers: r
    }),
    natsConnected: new prom.Gauge({
      name: "rewind_nats_connected",
      help: "1 while the daemon's NATS connection is up, 0 while it is reconnecting",
      registers: r
    }),
    natsDisconnects: new prom.Counter({
      name: "rewind_nats_disconnects_total",
      help: "Times the daemon's NATS connection was lost (it reconnects by itself)",
      registers: r
    })
  }
  startAtZero(metrics)
  return metrics
}

export class Metrics extends Context.Service<Metrics, MetricsShape>()("rewind/daemon/Metrics") {
  static readonly layer = Layer.sync(Metrics, makeMetrics)
}

/** The pipelines' metrics (src/pipelines/PipelineMetrics.ts), from the daemon's registry. */
export const PipelineMetricsLive = Layer.effect(PipelineMetrics, Effect.gen(function*() { return yield* Metrics }))

/** The daemon's metrics, and the pipelines' share of them. */
export const MetricsLive = PipelineMetricsLive.pipe(Layer.provideMerge(Metrics.layer))
