/**
 * Reading the monitoring pack (dashboard queries, alert rules) and a live `/metrics` scrape, so
 * tests can hold one against the other.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { parse } from "yaml"
import { root } from "./processes.ts"

export interface Panel {
  readonly id: number
  readonly type: string
  readonly title: string
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number }
  readonly datasource?: unknown
  readonly targets?: ReadonlyArray<{ readonly refId: string; readonly expr: string; readonly datasource?: unknown }>
}

export interface Query {
  readonly panel: string
  readonly refId: string
  /** As in the dashboard, with Grafana's variables. */
  readonly expr: string
  /** Plain PromQL: `$__rate_interval` a 5-minute range, `$instance` every instance. */
  readonly promql: string
}

export const toPromql = (expr: string): string => expr.replaceAll("$__rate_interval", "5m").replaceAll("$instance", ".*")

export const panelQueries = (panels: ReadonlyArray<Panel>): ReadonlyArray<Query> =>
  panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, refId: t.refId, expr: t.expr, promql: toPromql(t.expr) })))

/** The alert rules' expressions, by alert. */
export const ruleExpressions = (): ReadonlyArray<{ readonly alert: string; readonly expr: string }> => {
  const file = parse(readFileSync(join(root, "monitoring/prometheus/rules.yml"), "utf8")) as {
    groups: Array<{ rules: Array<{ alert: string; expr: string }> }>
  }
  return file.groups.flatMap((g) => g.rules.map((r) => ({ alert: r.alert, expr: r.expr })))
}

/** Prometheus' own series, which no exporter has: `up` (and `absent()` of it). */
export const prometheusSeries: ReadonlySet<string> = new Set(["up"])

/**
 * Series a daemon exports only on the embedded store (no `CLICKHOUSE_URL`). The monitoring test
 * scrapes a daemon on a ClickHouse server, so it leaves these to test/integration/cli/daemonProcess.test.ts,
 * whose daemon runs the embedded store and holds the dashboard's queries of them against its scrape.
 */
export const embeddedStoreSeries: ReadonlySet<string> = new Set(["rewind_clickhouse_engine_memory_bytes"])

/** The metric names a PromQL expression reads (Rewind's, and Prometheus' own `up`). */
export const metricNames = (promql: string): ReadonlyArray<string> =>
  [...new Set([...promql.matchAll(/\b(rewind_\w+|up)\b(?=\s*[{[)\s]|$)/g)].map((m) => m[1]!))]

export interface Family {
  readonly name: string
  readonly type: string
  readonly help: string
  /** Label names of its samples (`le` and `quantile` left out). */
  readonly labels: ReadonlyArray<string>
}

export interface Sample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

/** The samples of a Prometheus text exposition. */
export const samplesOf = (text: string): ReadonlyArray<Sample> =>
  text.split("\n").flatMap((line) => {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (m === null) return []
    const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]))
    return [{ name: m[1]!, labels, value: Number(m[3]) }]
  })

/** The metric families of a Prometheus text exposition, with their type, help and label names. */
export const familiesOf = (text: string): ReadonlyArray<Family> => {
  const types = new Map<string, string>()
  const helps = new Map<string, string>()
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(m[1]!, m[2]!)
  for (const m of text.matchAll(/^# HELP (\S+) (.*)$/gm)) helps.set(m[1]!, m[2]!)
  const labels = new Map<string, Set<string>>()
  for (const s of samplesOf(text)) {
    const family = types.has(s.name) ? s.name : s.name.replace(/_(bucket|sum|count)$/, "")
    const set = labels.get(family) ?? new Set<string>()
    for (const l of Object.keys(s.labels)) if (l !== "le" && l !== "quantile") set.add(l)
    labels.set(family, set)
  }
  return [...types].map(([name, type]) => ({ name, type, help: helps.get(name) ?? "", labels: [...(labels.get(name) ?? [])].sort() }))
}

/**
 * A promtool unit-test file that replays a live scrape as 30 minutes of series (one sample a
 * minute, under `instance`, `job="rewind"`, with `up` 1): gauges stay at their value, counters and
 * histograms grow by a tenth of it a minute (buckets stay ordered). It then asserts, 20 minutes
 * in, that every query returns data (`absent(query)` is empty) and that no alert fires.
 */
export const replayTests = (o: {
  readonly samples: ReadonlyArray<Sample>
  readonly families: ReadonlyArray<Family>
  readonly instance: string
  readonly rulesFile: string
  readonly queries: ReadonlyArray<{ readonly name: string; readonly promql: string }>
  readonly alerts: ReadonlyArray<string>
}): string => {
  const types = new Map(o.families.map((f) => [f.name, f.type]))
  const typeOf = (name: string) => types.get(name) ?? types.get(name.replace(/_(bucket|sum|count)$/, ""))
  const quote = (v: string) => JSON.stringify(v)
  const series = [
    { series: `up{instance=${quote(o.instance)},job="rewind"}`, values: "1x30" },
    ...o.samples.filter((s) => s.name.startsWith("rewind_")).map((s) => {
      const labels = Object.entries({ ...s.labels, instance: o.instance, job: "rewind" }).map(([k, v]) => `${k}=${quote(v)}`).join(",")
      const v = Number.isFinite(s.value) ? s.value : 0
      const growing = typeOf(s.name) === "counter" || typeOf(s.name) === "histogram"
      return { series: `${s.name}{${labels}}`, values: `${v}+${growing ? v / 10 : 0}x30` }
    })
  ]
  return JSON.stringify({
    rule_files: [o.rulesFile],
    evaluation_interval: "1m",
    tests: [{
      interval: "1m",
      input_series: series,
      promql_expr_test: o.queries.map((q) => ({ expr: `absent(${q.promql})`, eval_time: "20m", exp_samples: [] })),
      alert_rule_test: o.alerts.map((alertname) => ({ eval_time: "20m", alertname, exp_alerts: [] }))
    }]
  }, null, 1)
}
