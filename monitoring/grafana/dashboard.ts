/**
 * The Grafana dashboard of Rewind (monitoring/grafana/rewind.json), written from this file:
 * `node monitoring/grafana/dashboard.ts` after a change (a test fails while the two differ).
 *
 * Classic dashboard JSON (schemaVersion 39, Grafana 11+), provisionable as it is: a `datasource`
 * variable (any Prometheus) and an `instance` variable (the daemons' scrape targets), used by
 * every panel and every query. Figures the daemons read from NATS (jobs, dead letters, backlog,
 * watermarks) are the same on every daemon: panels take their `max`. Counters are per daemon:
 * panels sum their rates. The top row is the key figures `rewind status` and the TUI show.
 */
import { writeFileSync } from "node:fs"
import { join } from "node:path"

/** The instance filter every selector carries. */
const I = `instance=~"$instance"`
const RATE = "$__rate_interval"
const ds = { type: "prometheus", uid: "${datasource}" } as const

export interface Target {
  readonly expr: string
  readonly legend?: string
}

interface PanelSpec {
  readonly title: string
  readonly description: string
  readonly targets: ReadonlyArray<Target>
  readonly unit?: string
  readonly w: number
  readonly h?: number
  /** Stat panels: text for values (NATS 1/0), thresholds (red above). */
  readonly mappings?: ReadonlyArray<{ readonly value: string; readonly text: string; readonly color: string }>
  readonly redAbove?: number
  readonly decimals?: number
  /** Time series: stacked bars (counts per interval) instead of lines. */
  readonly bars?: boolean
}

type Section = { readonly row: string; readonly panels: ReadonlyArray<PanelSpec> }

const remaining = `max(rewind_running_jobs_interactions{${I}}) - max(rewind_running_jobs_processed_interactions{${I}})`
const reprocessRate = `sum(rate(rewind_interactions_processed_total{pipeline="reprocess",${I}}[${RATE}]))`

/** The key figures, as `rewind status` lists them and the TUI shows them under its header. */
const topRow: ReadonlyArray<PanelSpec> = [
  { title: "Running", description: "Jobs InProgress (all daemons).", w: 2, targets: [{ expr: `max(rewind_jobs{status="InProgress",${I}})` }] },
  { title: "Queued", description: "Jobs waiting for a free slot.", w: 2, targets: [{ expr: `max(rewind_jobs{status="Queued",${I}})` }] },
  { title: "Failed", description: "Jobs Failed (continue one with rewind job retry ID).", w: 2, redAbove: 1, targets: [{ expr: `max(rewind_jobs{status="Failed",${I}})` }] },
  {
    title: "Progress",
    description: "Processed share of the running jobs' scope, all together.",
    w: 3,
    unit: "percentunit",
    decimals: 1,
    targets: [{ expr: `max(rewind_running_jobs_processed_interactions{${I}}) / max(rewind_running_jobs_interactions{${I}})` }]
  },
  { title: "Rate", description: "Interactions reprocessed per second, all daemons.", w: 3, unit: "short", decimals: 1, targets: [{ expr: reprocessRate }] },
  {
    title: "ETA",
    description: "Time left for the running jobs at the current rate (no value while nothing moves).",
    w: 2,
    unit: "s",
    targets: [{ expr: `(${remaining}) / (${reprocessRate} > 0)` }]
  },
  { title: "Dead letters", description: "Messages in the dead-letter stream.", w: 2, redAbove: 1, targets: [{ expr: `max(rewind_dead_letter_messages{${I}})` }] },
  {
    title: "Backlog",
    description: "Messages waiting in the shared consumers (commands, work items, ingest), together.",
    w: 2,
    targets: [{ expr: `sum(max by (consumer) (rewind_consumer_pending_messages{${I}}))` }]
  },
  {
    title: "Recovery lag",
    description: "How far the automatic recovery watermark is behind now (at least the settle delay).",
    w: 3,
    unit: "s",
    targets: [{ expr: `max(rewind_watermark_lag_seconds{watermark="recovery",${I}})` }]
  },
  {
    title: "NATS",
    description: "Every daemon connected to NATS (the least connected one).",
    w: 3,
    mappings: [{ value: "1", text: "connected", color: "green" }, { value: "0", text: "disconnected", color: "red" }],
    targets: [{ expr: `min(rewind_nats_connected{${I}})` }]
  }
]

const sections: ReadonlyArray<Section> = [
  {
    row: "Jobs",
    panels: [
      { title: "Jobs by status", description: "Every job in the jobs bucket, by status.", w: 8, targets: [{ expr: `max by (status) (rewind_jobs{${I}})`, legend: "{{status}}" }] },
      {
        title: "Running jobs: scope and processed",
        description: "The InProgress jobs together: interactions in scope, and processed so far.",
        w: 8,
        targets: [
          { expr: `max(rewind_running_jobs_interactions{${I}})`, legend: "scope" },
          { expr: `max(rewind_running_jobs_processed_interactions{${I}})`, legend: "processed" }
        ]
      },
      {
        title: "Outcomes",
        description: "Interactions reprocessed per second by outcome: updated (topics changed), unchanged, failed (nothing detected).",
        w: 8,
        unit: "short",
        targets: [{ expr: `sum by (outcome) (rate(rewind_interactions_processed_total{pipeline="reprocess",${I}}[${RATE}]))`, legend: "{{outcome}}" }]
      },
      {
        title: "ETA of the running jobs",
        description: "Time left at the current rate.",
        w: 8,
        unit: "s",
        targets: [{ expr: `(${remaining}) / (${reprocessRate} > 0)`, legend: "ETA" }]
      },
      {
        title: "Stage time per page (p95)",
        description: "95th percentile of each pipeline stage per page: load (store read), detect (topic matching), write.",
        w: 8,
        unit: "s",
        targets: [{
          expr: `histogram_quantile(0.95, sum by (le, stage) (rate(rewind_stage_duration_seconds_bucket{pipeline="reprocess",${I}}[${RATE}])))`,
          legend: "{{stage}}"
        }]
      },
      {
        title: "Matching throughput",
        description: "Transcript text scanned by topic detection (UTF-16 code units ≈ bytes) and detections per second.",
        w: 8,
        unit: "Bps",
        targets: [
          { expr: `sum(rate(rewind_text_bytes_total{${I}}[${RATE}]))`, legend: "text" },
          { expr: `sum(rate(rewind_topics_detected_total{${I}}[${RATE}]))`, legend: "detections/s" }
        ]
      }
    ]
  },
  {
    row: "Commands and queues",
    panels: [
      {
        title: "Commands",
        description: "Commands consumed per second, by type and outcome (accepted, rejected, duplicate, retried).",
        w: 8,
        targets: [{ expr: `sum by (type, outcome) (rate(rewind_commands_total{${I}}[${RATE}]))`, legend: "{{type}} {{outcome}}" }]
      },
      {
        title: "Rejections by reason",
        description: "Commands refused per interval, by reason class. The reasons themselves are in the dead letters.",
        w: 8,
        bars: true,
        targets: [{ expr: `sum by (reason) (increase(rewind_commands_rejected_total{${I}}[${RATE}]))`, legend: "{{reason}}" }]
      },
      { title: "Dead-letter depth", description: "Messages in the dead-letter stream.", w: 8, targets: [{ expr: `max(rewind_dead_letter_messages{${I}})`, legend: "dead letters" }] },
      {
        title: "Consumer pending",
        description: "Messages waiting in the shared consumers.",
        w: 8,
        targets: [{ expr: `max by (consumer) (rewind_consumer_pending_messages{${I}})`, legend: "{{consumer}}" }]
      },
      {
        title: "Consumer ack pending",
        description: "Messages delivered and not yet acknowledged (in work).",
        w: 8,
        targets: [{ expr: `max by (consumer) (rewind_consumer_ack_pending_messages{${I}})`, legend: "{{consumer}}" }]
      },
      {
        title: "Consumer redeliveries",
        description: "Messages delivered more than once and not yet acknowledged (a daemon died, or the message keeps failing).",
        w: 8,
        targets: [{ expr: `max by (consumer) (rewind_consumer_redelivered_messages{${I}})`, legend: "{{consumer}}" }]
      }
    ]
  },
  {
    row: "Recovery and ingestion",
    panels: [
      {
        title: "Recovery: conversations per media type",
        description: "Missing, recovered, pending and failed conversations of the recovery runs ended per interval, by media type.",
        w: 8,
        bars: true,
        targets: [{
          expr: `sum by (media, outcome) (increase(rewind_recovery_conversations_total{outcome=~"missing|recovered|pending|failed",${I}}[${RATE}]))`,
          legend: "{{media}} {{outcome}}"
        }]
      },
      {
        title: "Recovery runs ended",
        description: "Recovery runs ended per interval, by trigger and status.",
        w: 8,
        bars: true,
        targets: [{ expr: `sum by (trigger, status) (increase(rewind_recovery_runs_total{${I}}[${RATE}]))`, legend: "{{trigger}} {{status}}" }]
      },
      {
        title: "Watermark lag",
        description: "Now minus the watermarks: recovery (automatic runs), ingest (latest conversation ingested). Alert line: settle + 4 intervals.",
        w: 8,
        unit: "s",
        targets: [
          { expr: `max by (watermark) (rewind_watermark_lag_seconds{${I}})`, legend: "{{watermark}}" },
          { expr: `max(rewind_recovery_settle_seconds{${I}}) + 4 * max(rewind_recovery_interval_seconds{${I}})`, legend: "alert threshold" }
        ]
      },
      {
        title: "Recovered and ingested",
        description: "Interactions per second brought in by recovery and live ingestion, by outcome.",
        w: 12,
        targets: [{ expr: `sum by (pipeline, outcome) (rate(rewind_interactions_processed_total{pipeline=~"recovery|ingest",${I}}[${RATE}]))`, legend: "{{pipeline}} {{outcome}}" }]
      },
      {
        title: "Recovery: platform and store per media type",
        description: "Conversations the ended runs found on the platform and already in the store, per interval.",
        w: 12,
        bars: true,
        targets: [{ expr: `sum by (media, outcome) (increase(rewind_recovery_conversations_total{outcome=~"platform|store",${I}}[${RATE}]))`, legend: "{{media}} {{outcome}}" }]
      },
      {
        title: "Recovery: pending list",
        description: "Conversations every recovery run asks for again (content being prepared, a recording archived, still open, no usable answer from the platform yet), by media type.",
        w: 12,
        targets: [{ expr: `max by (media) (rewind_recovery_pending_conversations{${I}})`, legend: "{{media}}" }]
      },
      {
        title: "Recovery: oldest pending",
        description: "How long the oldest conversation has been on the pending list (RewindRecoveryPendingStale past 3 days; rewind recovery show RUN gives the reasons).",
        w: 12,
        unit: "s",
        targets: [{ expr: `max(rewind_recovery_pending_oldest_seconds{${I}})`, legend: "oldest" }]
      }
    ]
  },
  {
    row: "Platform",
    panels: [
      {
        title: "Platform requests",
        description: "Requests per second by endpoint (retries and token requests included).",
        w: 6,
        targets: [{ expr: `sum by (endpoint) (rate(rewind_platform_requests_total{${I}}[${RATE}]))`, legend: "{{endpoint}}" }]
      },
      {
        title: "Platform errors and 429s",
        description: "Failed requests (5xx, no answer, timeout), 429 answers and retries, per second.",
        w: 6,
        targets: [
          { expr: `sum by (status) (rate(rewind_platform_request_duration_seconds_count{status=~"5xx|error|timeout",${I}}[${RATE}])) or on() vector(0)`, legend: "{{status}}" },
          { expr: `sum(rate(rewind_platform_throttled_total{${I}}[${RATE}]))`, legend: "429" },
          { expr: `sum(rate(rewind_platform_retries_total{${I}}[${RATE}]))`, legend: "retries" }
        ]
      },
      {
        title: "Platform latency (p50, p95)",
        description: "Time to the answer's headers, by endpoint.",
        w: 6,
        unit: "s",
        targets: [
          { expr: `histogram_quantile(0.95, sum by (le, endpoint) (rate(rewind_platform_request_duration_seconds_bucket{${I}}[${RATE}])))`, legend: "p95 {{endpoint}}" },
          { expr: `histogram_quantile(0.5, sum by (le, endpoint) (rate(rewind_platform_request_duration_seconds_bucket{${I}}[${RATE}])))`, legend: "p50 {{endpoint}}" }
        ]
      },
      {
        title: "Platform rate limit",
        description: "The client's budget a minute, what the platform's last inin-ratelimit headers left, and the share of time requests waited for their turn.",
        w: 6,
        targets: [
          { expr: `max(rewind_platform_rate_limit_per_minute{${I}})`, legend: "budget a minute" },
          { expr: `min(rewind_platform_rate_limit_remaining{${I}})`, legend: "remaining in window" },
          { expr: `sum(rate(rewind_platform_rate_wait_seconds_total{${I}}[${RATE}]))`, legend: "waiting (s/s)" },
          { expr: `sum(increase(rewind_platform_window_pauses_total{${I}}[${RATE}]))`, legend: "window pauses" }
        ]
      }
    ]
  },
  {
    row: "Store",
    panels: [
      {
        title: "Store reads busy",
        description: "Share of time with a ClickHouse read in flight, per daemon: near 1, the store limits the daemon.",
        w: 6,
        unit: "percentunit",
        targets: [{ expr: `rate(rewind_clickhouse_read_busy_seconds_total{${I}}[${RATE}])`, legend: "{{instance}}" }]
      },
      {
        title: "Insert time (p95)",
        description: "95th percentile of ClickHouse inserts, by table.",
        w: 6,
        unit: "s",
        targets: [{ expr: `histogram_quantile(0.95, sum by (le, table) (rate(rewind_clickhouse_insert_duration_seconds_bucket{${I}}[${RATE}])))`, legend: "{{table}}" }]
      },
      {
        title: "Rows inserted",
        description: "Rows inserted per second, by table.",
        w: 6,
        targets: [{ expr: `sum by (table) (rate(rewind_clickhouse_insert_rows_total{${I}}[${RATE}]))`, legend: "{{table}}" }]
      },
      {
        title: "Store errors",
        description: "Failed ClickHouse calls per second, by operation.",
        w: 6,
        targets: [{ expr: `sum by (operation) (rate(rewind_clickhouse_errors_total{${I}}[${RATE}]))`, legend: "{{operation}}" }]
      }
    ]
  },
  {
    row: "Daemons: process and NATS",
    panels: [
      {
        title: "Memory",
        description: "Resident memory and V8 heap used, per daemon; on the embedded store (no CLICKHOUSE_URL), also the memory the ClickHouse engine inside the daemon counts as its own.",
        w: 6,
        unit: "bytes",
        targets: [
          { expr: `rewind_process_resident_memory_bytes{${I}}`, legend: "RSS {{instance}}" },
          { expr: `rewind_nodejs_heap_size_used_bytes{${I}}`, legend: "heap {{instance}}" },
          { expr: `rewind_clickhouse_engine_memory_bytes{${I}}`, legend: "embedded engine {{instance}}" }
        ]
      },
      {
        title: "Event-loop lag (p99)",
        description: "How late the event loop runs, per daemon: long pauses delay heartbeats and leases.",
        w: 6,
        unit: "s",
        targets: [{ expr: `rewind_nodejs_eventloop_lag_p99_seconds{${I}}`, legend: "{{instance}}" }]
      },
      {
        title: "CPU",
        description: "CPU seconds per second, per daemon (the topic-matching workers included).",
        w: 6,
        unit: "percentunit",
        targets: [{ expr: `rate(rewind_process_cpu_seconds_total{${I}}[${RATE}])`, legend: "{{instance}}" }]
      },
      {
        title: "NATS connection",
        description: "1 while a daemon is connected to NATS; its disconnects; its running jobs paused waiting for NATS.",
        w: 6,
        targets: [
          { expr: `rewind_nats_connected{${I}}`, legend: "connected {{instance}}" },
          { expr: `increase(rewind_nats_disconnects_total{${I}}[${RATE}])`, legend: "disconnects {{instance}}" },
          { expr: `sum by (instance) (rewind_jobs_waiting{on="nats",${I}})`, legend: "jobs waiting {{instance}}" }
        ]
      },
      {
        title: "Service API",
        description: "rewind.api.* requests per second, by endpoint and outcome.",
        w: 12,
        targets: [{ expr: `sum by (endpoint, outcome) (rate(rewind_api_requests_total{${I}}[${RATE}]))`, legend: "{{endpoint}} {{outcome}}" }]
      },
      {
        title: "Jobs waiting for NATS",
        description: "Running jobs paused at their checkpoint because NATS does not answer, all daemons.",
        w: 12,
        targets: [{ expr: `sum(rewind_jobs_waiting{on="nats",${I}})`, legend: "waiting" }]
      }
    ]
  }
]

const statPanel = (p: PanelSpec, id: number, x: number, y: number) => ({
  id,
  type: "stat",
  title: p.title,
  description: p.description,
  datasource: ds,
  gridPos: { x, y, w: p.w, h: p.h ?? 4 },
  fieldConfig: {
    defaults: {
      unit: p.unit ?? "none",
      ...(p.decimals !== undefined ? { decimals: p.decimals } : {}),
      color: { mode: "thresholds" },
      mappings: (p.mappings ?? []).map((m) => ({ type: "value", options: { [m.value]: { text: m.text, color: m.color } } })),
      thresholds: {
        mode: "absolute",
        steps: [{ color: p.mappings !== undefined ? "red" : "green", value: null }, ...(p.redAbove !== undefined ? [{ color: "red", value: p.redAbove }] : [])]
      }
    },
    overrides: []
  },
  options: {
    reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
    colorMode: "value",
    graphMode: "none",
    justifyMode: "center",
    textMode: "value",
    orientation: "auto"
  },
  targets: targets(p.targets)
})

const timeseriesPanel = (p: PanelSpec, id: number, x: number, y: number) => ({
  id,
  type: "timeseries",
  title: p.title,
  description: p.description,
  datasource: ds,
  gridPos: { x, y, w: p.w, h: p.h ?? 8 },
  fieldConfig: {
    defaults: {
      unit: p.unit ?? "short",
      custom: p.bars === true
        ? { drawStyle: "bars", fillOpacity: 80, stacking: { mode: "normal", group: "A" }, lineWidth: 1 }
        : { drawStyle: "line", fillOpacity: 10, lineWidth: 1, spanNulls: true },
      color: { mode: "palette-classic" }
    },
    overrides: []
  },
  options: { legend: { displayMode: "list", placement: "bottom", showLegend: true }, tooltip: { mode: "multi", sort: "desc" } },
  targets: targets(p.targets)
})

const targets = (ts: ReadonlyArray<Target>) =>
  ts.map((t, i) => ({
    datasource: ds,
    refId: String.fromCharCode(65 + i),
    expr: t.expr,
    legendFormat: t.legend ?? "__auto",
    range: true
  }))

/** Lays the panels out on Grafana's 24-column grid, a row header before each section. */
const layout = () => {
  const panels: Array<Record<string, unknown>> = []
  let id = 1
  let y = 0
  let x = 0
  for (const p of topRow) {
    panels.push(statPanel(p, id++, x, y))
    x += p.w
  }
  y += 4
  for (const s of sections) {
    panels.push({ id: id++, type: "row", title: s.row, collapsed: false, gridPos: { x: 0, y, w: 24, h: 1 }, panels: [] })
    y += 1
    x = 0
    let rowHeight = 0
    for (const p of s.panels) {
      if (x + p.w > 24) {
        x = 0
        y += rowHeight
        rowHeight = 0
      }
      panels.push(timeseriesPanel(p, id++, x, y))
      x += p.w
      rowHeight = Math.max(rowHeight, p.h ?? 8)
    }
    y += rowHeight
  }
  return panels
}

export const dashboard = () => ({
  uid: "rewind-overview",
  title: "Rewind",
  description: "Rewind daemons: reprocessing jobs, commands and queues, recovery and ingestion, platform, store, processes. From monitoring/grafana/dashboard.ts.",
  tags: ["rewind"],
  timezone: "utc",
  editable: true,
  graphTooltip: 1,
  schemaVersion: 39,
  version: 1,
  refresh: "30s",
  time: { from: "now-6h", to: "now" },
  timepicker: {},
  fiscalYearStartMonth: 0,
  liveNow: false,
  links: [],
  annotations: {
    list: [{
      builtIn: 1,
      datasource: { type: "grafana", uid: "-- Grafana --" },
      enable: true,
      hide: true,
      iconColor: "rgba(0, 211, 255, 1)",
      name: "Annotations & Alerts",
      type: "dashboard"
    }]
  },
  templating: {
    list: [
      {
        name: "datasource",
        label: "Data source",
        type: "datasource",
        query: "prometheus",
        current: {},
        hide: 0,
        includeAll: false,
        multi: false,
        options: [],
        refresh: 1,
        regex: "",
        skipUrlSync: false
      },
      {
        name: "instance",
        label: "Daemon",
        type: "query",
        datasource: ds,
        definition: "label_values(rewind_nats_connected, instance)",
        query: { query: "label_values(rewind_nats_connected, instance)", refId: "PrometheusVariableQueryEditor-VariableQuery", qryType: 1 },
        current: { selected: true, text: ["All"], value: ["$__all"] },
        hide: 0,
        includeAll: true,
        allValue: ".*",
        multi: true,
        options: [],
        refresh: 2,
        regex: "",
        skipUrlSync: false,
        sort: 1
      }
    ]
  },
  panels: layout()
})

/** The file Grafana provisions. */
export const dashboardPath = join(import.meta.dirname, "rewind.json")
export const dashboardText = (): string => `${JSON.stringify(dashboard(), null, 2)}\n`

if (import.meta.main) {
  writeFileSync(dashboardPath, dashboardText())
  console.log(`wrote ${dashboardPath}`)
}
