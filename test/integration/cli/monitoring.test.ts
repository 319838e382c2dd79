/**
 * The monitoring pack against a live daemon: `rewind daemon` as a process with the platform
 * configured against `rewind sim` (a process too), after a job, a manual and an automatic
 * recovery run and a refused command, so that every metric family has samples. Its `/metrics`
 * passes promtool check metrics; every metric the dashboard and the alert rules use is exported;
 * every dashboard query returns data and no alert fires on these healthy figures (the scrape
 * replayed through promtool); the README's metrics table lists exactly the exported families;
 * and `rewind status` shows the figures the metrics show. (The daemon runs on a ClickHouse server:
 * the series only the embedded store has are held to the dashboard in daemonProcess.test.ts.)
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { StatusAnswer } from "../../../src/domain/contract.ts"
import { clickhouseEnv, uniqueDatabase } from "../../helpers/clickhouse.ts"
import { tempDataDir } from "../../helpers/daemon.ts"
import {
  embeddedStoreSeries,
  type Family,
  familiesOf,
  metricNames,
  panelQueries,
  type Panel,
  prometheusSeries,
  replayTests,
  ruleExpressions,
  samplesOf
} from "../../helpers/monitoring.ts"
import { uniquePrefix } from "../../helpers/nats.ts"
import { daemonEnv, processes, promtool, root, until } from "../../helpers/processes.ts"
import { metricsTable, readmeMetricsFamilies } from "../../helpers/readmeMetrics.ts"

const main = join(root, "src/cli/main.ts")
const data = { seed: "7", count: "400", from: "2026-01-05T00:00:00Z", to: "2026-01-08T00:00:00Z", missingShare: "0.1" }
const { env, rewind, startDaemon, http, killAll } = processes()
let sim: ChildProcess | undefined
let scrape = ""
let families: ReadonlyArray<Family> = []

/** `rewind sim` on a free port; resolves with its URL (its --json line). */
const startSim = (): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      main, "sim", "--port", "0", "--json", "--seed", data.seed, "--count", data.count, "--from", data.from, "--to", data.to, "--missing-share", data.missingShare
    ], { cwd: root, stdio: ["ignore", "pipe", "pipe"] })
    sim = child
    let out = ""
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString()
      const line = out.split("\n").find((l) => l.startsWith("{"))
      if (line !== undefined) resolve((JSON.parse(line) as { url: string }).url)
    })
    child.on("exit", (code) => reject(new Error(`rewind sim exited (${code}) before it was ready`)))
  })

const value = (name: string, labels: Record<string, string> = {}): number | undefined =>
  samplesOf(scrape).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value

afterAll(() => {
  killAll()
  sim?.kill("SIGKILL")
})

describe("the monitoring pack against a live daemon", () => {
  beforeAll(async () => {
    const simUrl = await startSim()
    Object.assign(env, await daemonEnv(uniquePrefix(), tempDataDir("monitoring")), clickhouseEnv("server", uniqueDatabase("rewind_monitoring")), {
      PLATFORM_API_URL: simUrl,
      PLATFORM_LOGIN_URL: simUrl,
      PLATFORM_CLIENT_ID: "rewind-test",
      PLATFORM_CLIENT_SECRET: "rewind-test",
      PLATFORM_RATE_LIMIT_PER_MINUTE: "30000",
      REWIND_PAGE_SIZE: "50"
    })
    const seeded = rewind("seed", "--seed", data.seed, "--count", data.count, "--from", data.from, "--to", data.to, "--missing-share", data.missingShare)
    expect(seeded.code, seeded.stderr).toBe(0)
    expect(rewind("topics", "push", join(root, "config/topics.example.yaml")).code).toBe(0)
    startDaemon()
    await until(async () => ((await http("/readyz")).status === 200 ? true : undefined), "readyz")

    const job = rewind("job", "create", "--name", "monitoring", "--job-id", "mon-1", "--from", data.from, "--to", data.to,
      "--program", "p-billing", "--program", "p-retention", "--media", "chat", "--media", "email", "--media", "voice", "--wait")
    expect(job.code, job.stderr + job.stdout).toBe(0)
    const manual = rewind("recovery", "run", "--from", data.from, "--to", data.to, "--run-id", "mon-manual", "--wait", "--json")
    expect(manual.code, manual.stderr).toBe(0)
    expect((JSON.parse(manual.stdout) as { totals: { recovered: number } }).totals.recovered).toBeGreaterThan(0)
    // Without a period: the automatic period, which sets the watermark.
    const automatic = rewind("recovery", "run", "--run-id", "mon-auto", "--wait")
    expect(automatic.code, automatic.stderr).toBe(0)
    // A refused command: a dead letter (the job has ended: nothing to cancel), and the CLI says so.
    const refused = rewind("job", "cancel", "mon-1")
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain("nothing to cancel")

    // The figures read from NATS every 5 s: wait for the last of them.
    scrape = await until(async () => {
      const text = (await http("/metrics")).text
      const ready = /^rewind_dead_letter_messages 1$/m.test(text) && /^rewind_watermark_lag_seconds\{watermark="recovery"\} \d+$/m.test(text) &&
        /^rewind_jobs\{status="Completed"\} 1$/m.test(text)
      return ready ? text : undefined
    }, "the figures after the job, the runs and the refusal", 60_000)
    families = familiesOf(scrape)
  }, 300_000)

  it("/metrics passes promtool check metrics", () => {
    const lint = spawnSync(promtool(), ["check", "metrics"], { input: scrape, encoding: "utf8", timeout: 30_000 })
    expect(lint.stdout + lint.stderr).toBe("")
    expect(lint.status).toBe(0)
  })

  it("the new families have the samples the job, the runs and the refusal leave", () => {
    expect(value("rewind_commands_rejected_total", { reason: "conflict" })).toBe(1)
    expect(value("rewind_recovery_runs_total", { trigger: "manual", status: "Completed" })).toBe(1)
    // the command's, and the daemon's own at start (every 15 minutes)
    expect(value("rewind_recovery_runs_total", { trigger: "automatic", status: "Completed" })).toBeGreaterThanOrEqual(1)
    expect(value("rewind_recovery_runs_total", { trigger: "automatic", status: "Failed" })).toBe(0)
    const recovered = ["chat", "email", "message"].reduce((n, media) => n + (value("rewind_recovery_conversations_total", { media, outcome: "recovered" }) ?? 0), 0)
    expect(recovered).toBe(value("rewind_interactions_processed_total", { pipeline: "recovery", outcome: "recovered" }))
    expect(recovered).toBeGreaterThan(0)
    expect(value("rewind_platform_request_duration_seconds_count", { endpoint: "conversations.query", status: "2xx" })).toBeGreaterThan(0)
    expect(value("rewind_platform_request_duration_seconds_count", { endpoint: "token", status: "2xx" })).toBeGreaterThan(0)
    expect(value("rewind_clickhouse_errors_total", { operation: "read" })).toBe(0)
    expect(value("rewind_running_jobs_interactions")).toBe(0)
    expect(value("rewind_recovery_interval_seconds")).toBe(15 * 60)
    expect(value("rewind_consumer_pending_messages", { consumer: "ingest" })).toBe(0)
  })

  it("every metric the dashboard and the alert rules use is exported", () => {
    const exported = new Set(samplesOf(scrape).map((s) => s.name))
    const dashboard = JSON.parse(readFileSync(join(root, "monitoring/grafana/rewind.json"), "utf8")) as { panels: Array<Panel> }
    const used = [
      ...panelQueries(dashboard.panels).map((q) => ({ where: `panel "${q.panel}" ${q.refId}`, expr: q.promql })),
      ...ruleExpressions().map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))
    ]
    let checked = 0
    for (const u of used) {
      for (const name of metricNames(u.expr)) {
        if (prometheusSeries.has(name) || embeddedStoreSeries.has(name)) continue
        expect(exported.has(name), `${u.where} uses ${name}, which the daemon does not export`).toBe(true)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(60)
  })

  it("replayed through promtool, every dashboard query returns data and no alert fires", () => {
    const dir = mkdtempSync(join(tmpdir(), "rewind-replay-"))
    writeFileSync(join(dir, "rules.yml"), readFileSync(join(root, "monitoring/prometheus/rules.yml")))
    const dashboard = JSON.parse(readFileSync(join(root, "monitoring/grafana/rewind.json"), "utf8")) as { panels: Array<Panel> }
    writeFileSync(join(dir, "replay.yml"), replayTests({
      samples: samplesOf(scrape),
      families,
      instance: `127.0.0.1:${env["REWIND_HTTP_PORT"]}`,
      rulesFile: "rules.yml",
      queries: panelQueries(dashboard.panels)
        .filter((q) => !metricNames(q.promql).some((name) => embeddedStoreSeries.has(name)))
        .map((q) => ({ name: `${q.panel} ${q.refId}`, promql: q.promql })),
      alerts: ruleExpressions().map((r) => r.alert)
    }))
    const r = spawnSync(promtool(), ["test", "rules", "replay.yml"], { cwd: dir, encoding: "utf8", timeout: 120_000 })
    expect(r.stdout + r.stderr).toContain("SUCCESS")
    expect(r.status).toBe(0)
  })

  it("the README's metrics table lists exactly the exported rewind_* families, with their types, help and labels", () => {
    const exported = families.filter((f) => f.name.startsWith("rewind_"))
    const hint = `README.md's table between the metrics markers, from this scrape:\n${metricsTable(exported)}`
    const documented = new Map(readmeMetricsFamilies().map((f) => [f.name, f]))
    expect([...documented.keys()].sort(), hint).toEqual(exported.map((f) => f.name).sort())
    for (const f of exported) {
      const d = documented.get(f.name)!
      expect({ type: d.type, help: d.help }, `${f.name}: ${hint}`).toEqual({ type: f.type, help: f.help })
      // a label is documented once seen (some appear only while there is something to count)
      for (const l of f.labels) expect(d.labels, `${f.name}: label ${l}`).toContain(l)
    }
  })

  it("rewind status shows the figures the metrics show", () => {
    const r = rewind("status", "--json")
    expect(r.code, r.stderr).toBe(0)
    const s = JSON.parse(r.stdout) as typeof StatusAnswer.Type
    const o = s.overview
    expect(o.jobs.completed).toBe(value("rewind_jobs", { status: "Completed" }))
    expect(o.jobs.running).toBe(value("rewind_jobs", { status: "InProgress" }))
    expect(o.jobs.failed).toBe(value("rewind_jobs", { status: "Failed" }))
    expect(o.running).toMatchObject({ interactions: value("rewind_running_jobs_interactions"), processed: value("rewind_running_jobs_processed_interactions"), etaSeconds: null })
    expect(o.deadLetters).toBe(value("rewind_dead_letter_messages"))
    for (const consumer of ["commands", "work", "ingest"] as const) {
      expect(o.backlog[consumer]?.pending, consumer).toBe(value("rewind_consumer_pending_messages", { consumer }))
    }
    const lag = value("rewind_watermark_lag_seconds", { watermark: "recovery" })!
    expect(Math.abs(o.recovery.watermarkLagSeconds! - lag)).toBeLessThan(60)
    expect(o.nats).toEqual({ connected: value("rewind_nats_connected") === 1, disconnects: value("rewind_nats_disconnects_total") })
    // The key figures, as the TUI shows them under its header and the dashboard's top row.
    const human = rewind("status")
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/^running +0$/m)
    expect(human.stdout).toMatch(/^failed +0$/m)
    expect(human.stdout).toMatch(/^DLQ +1$/m)
    expect(human.stdout).toMatch(/^NATS +connected$/m)
    expect(human.stdout).toMatch(/^recovery lag +\d+m\d\ds$/m)
  })
})
