import { Context, Effect, Layer } from "effect"
import * as prom from "prom-client"
import { PipelineMetrics } from "../pipelines/PipelineMetrics.ts"

/**
 * Prometheus metrics, `rewind_` prefix. Labels are bounded sets (command type, outcome,
 * status, stage) — never ids — so cardinality stays sane.
 */
export interface MetricsShape {
  readonly registry: prom.Registry
  readonly commands: prom.Counter<"type" | "outcome">
  readonly jobs: prom.Gauge<"status">
  readonly interactions: prom.Counter<"pipeline" | "outcome">
  readonly topicsDetected: prom.Counter<"pipeline">
  readonly textBytes: prom.Counter<"pipeline">
  readonly stageSeconds: prom.Histogram<"pipeline" | "stage">
  readonly insertRows: prom.Counter<"table">
  readonly insertSeconds: prom.Histogram<"table">
  readonly consumerPending: prom.Gauge<"consumer">
  readonly consumerAckPending: prom.Gauge<"consumer">
  readonly consumerRedelivered: prom.Gauge<"consumer">
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

export const makeMetrics = (): MetricsShape => {
  const registry = new prom.Registry()
  prom.collectDefaultMetrics({ register: registry, prefix: "rewind_" })
  dropNonCounterTotals(registry)
  const r = [registry]
  return {
    registry,
    commands: new prom.Counter({
      name: "rewind_commands_total",
      help: "Commands consumed, by type and outcome (accepted, rejected, duplicate, retried)",
      labelNames: ["type", "outcome"],
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
    consumerPending: new prom.Gauge({
      name: "rewind_consumer_pending_messages",
      help: "Messages waiting in a JetStream consumer",
      labelNames: ["consumer"],
      registers: r
    }),
    consumerAckPending: new prom.Gauge({
      name: "rewind_consumer_ack_pending_messages",
      help: "Messages delivered by a JetStream consumer and not yet acknowledged",
      labelNames: ["consumer"],
      registers: r
    }),
    consumerRedelivered: new prom.Gauge({
      name: "rewind_consumer_redelivered_messages",
      help: "Messages of a JetStream consumer currently redelivered",
      labelNames: ["consumer"],
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
}

export class Metrics extends Context.Service<Metrics, MetricsShape>()("rewind/daemon/Metrics") {
  static readonly layer = Layer.sync(Metrics, makeMetrics)
}

/** The pipelines' metrics (src/pipelines/PipelineMetrics.ts), from the daemon's registry. */
export const PipelineMetricsLive = Layer.effect(PipelineMetrics, Effect.gen(function*() { return yield* Metrics }))

/** The daemon's metrics, and the pipelines' share of them. */
export const MetricsLive = PipelineMetricsLive.pipe(Layer.provideMerge(Metrics.layer))
