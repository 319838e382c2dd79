import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { tempDataDir } from "../../helpers/daemon.ts"
import { embeddedStoreSeries, familiesOf, metricNames, type Panel, panelQueries, replayTests, samplesOf } from "../../helpers/monitoring.ts"
import { uniquePrefix } from "../../helpers/nats.ts"
import { daemonEnv, processes, promtool, root, until } from "../../helpers/processes.ts"

const main = join(root, "src/cli/main.ts")
const dataDir = tempDataDir("cli")
/** The daemon's temporary directory, where Node's compile cache goes by default (empty before it starts). */
const daemonTmp = join(dataDir, "tmp")
const { env, rewind, startDaemon, http, killAll } = processes()

afterAll(killAll)

describe("the rewind CLI and daemon as processes", { timeout: 180_000 }, () => {
  it("seeds, pushes the model, and refuses a bad model file naming the field", async () => {
    Object.assign(env, await daemonEnv(uniquePrefix(), dataDir), {
      REWIND_PAGE_SIZE: "10"
    })
    const seeded = rewind("seed", "--count", "1500", "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-05T00:00:00Z")
    expect(seeded.stderr + seeded.stdout).toContain("seeded 1,500 interactions")
    expect(seeded.code).toBe(0)

    const pushed = rewind("topics", "push", join(root, "config/topics.example.yaml"))
    expect(pushed.stdout).toContain("pushed topic model revision 1")
    expect(pushed.code).toBe(0)

    const bad = join(dataDir, "bad.yaml")
    writeFileSync(bad, "programs:\n  - id: p1\n    name: P1\n    topics: [t-missing]\n    queues: []\ntopics: []\n")
    const refused = rewind("topics", "push", bad)
    expect(refused.code).not.toBe(0)
    expect(refused.stderr + refused.stdout).toContain("unknown topic id \"t-missing\"")
  })

  it("refuses a bad setting at start, naming the key", () => {
    const r = spawnSync(process.execPath, [main, "daemon"], { cwd: root, env: { ...process.env, ...env, REWIND_PAGE_SIZE: "5" }, encoding: "utf8", timeout: 60_000 })
    expect(r.status).not.toBe(0)
    expect(r.stdout + r.stderr).toContain("REWIND_PAGE_SIZE")
    // More jobs at once than the capped heap (npm run daemon's flags) holds: refused, saying what to change.
    const heap = spawnSync(process.execPath, ["--max-old-space-size=256", main, "daemon"], { cwd: root, env: { ...process.env, ...env, REWIND_JOB_CONCURRENCY: "3" }, encoding: "utf8", timeout: 60_000 })
    expect(heap.status).not.toBe(0)
    expect(heap.stdout + heap.stderr).toContain("REWIND_JOB_CONCURRENCY=3 needs a V8 heap of at least 512 MB")
  })

  it("serves health and metrics, stops cleanly on SIGTERM mid-job, and a restarted daemon finishes the job", async () => {
    mkdirSync(daemonTmp)
    const d1 = startDaemon({ TMPDIR: daemonTmp })
    await until(async () => ((await http("/readyz")).status === 200 ? true : undefined), "readyz")
    expect((await http("/healthz")).text).toBe("ok\n")
    // Logs are JSON lines.
    const first = JSON.parse(d1.lines[0]!) as { message: unknown; level: string }
    expect(JSON.stringify(first.message)).toContain("rewind daemon starting")
    // Started with Node's defaults, it set its own heap limit (256 MB for one job at once).
    const heapLimitMB = Number(/"heapLimitMB":(\d+)/.exec(d1.lines[0]!)?.[1])
    expect(heapLimitMB).toBeGreaterThanOrEqual(256)
    expect(heapLimitMB).toBeLessThan(300)
    // …two malloc arenas and a fixed mmap threshold (the tests' environment sets neither).
    expect(process.env["MALLOC_ARENA_MAX"]).toBeUndefined()
    expect(process.env["MALLOC_MMAP_THRESHOLD_"]).toBeUndefined()
    expect(d1.lines[0]).toContain('"mallocArenaMax":"2"')
    expect(d1.lines[0]).toContain('"mallocMmapThreshold":"2097152"')
    // Node's compile cache is on (src/cli/main.ts; Node's default is off), in the environment for
    // the pool's workers, and written already (what the first process compiled before it started
    // itself again).
    const compileCache = join(daemonTmp, "node-compile-cache")
    expect(d1.lines[0]).toContain(`"compileCache":${JSON.stringify(compileCache)}`)
    expect(readdirSync(compileCache, { recursive: true }).length).toBeGreaterThan(100)

    const est = rewind("job", "estimate", "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-05T00:00:00Z", "--program", "p-retention", "--program", "p-billing", "--program", "p-tech-support", "--media", "voice", "--media", "chat", "--media", "email", "--media", "message", "--media", "callback", "--json")
    expect(est.stderr).toBe("")
    expect(est.code).toBe(0)
    const estimate = JSON.parse(est.stdout) as { interactionCount: number }
    expect(estimate.interactionCount).toBeGreaterThan(100)

    const created = rewind("job", "create", "--name", "cli job", "--job-id", "sig-1", "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-05T00:00:00Z", "--program", "p-retention", "--program", "p-billing", "--program", "p-tech-support", "--media", "voice", "--media", "chat", "--media", "email", "--media", "message", "--media", "callback")
    expect(created.code).toBe(0)
    expect(created.stdout).toContain("job sig-1")

    // Some progress, seen through the metrics endpoint (quick to poll).
    await until(async () => (/rewind_interactions_processed_total\{[^}]*\} [1-9]/.test((await http("/metrics")).text) ? true : undefined), "progress")
    d1.child.kill("SIGTERM")
    const code = await Promise.race([d1.exited, new Promise((r) => setTimeout(() => r("timeout"), 30_000))])
    const log = d1.lines.join("\n")
    if (code === "timeout") d1.child.kill("SIGKILL") // not left holding the store for a retry
    // Every line names the instance (REWIND_INSTANCE, by default rewind-<pid>): several daemons share a job.
    for (const l of d1.lines) expect(l).toMatch(/"instance":"rewind-\d+"/)
    // On a timeout, what the daemon did last says where its stop hung.
    expect(code, `no exit 30 s after SIGTERM; its last log lines:\n${d1.lines.slice(-15).join("\n")}\n${d1.stderr()}`).not.toBe("timeout")
    // Stopped mid-job (pages of 10 take far longer than the wait above): handed back at its checkpoint.
    expect(log).toContain("job released at its checkpoint")
    expect(log).toContain("rewind daemon stopped")
    expect(code).toBe(0)

    const d2 = startDaemon()
    await until(async () => ((await http("/readyz")).status === 200 ? true : undefined), "readyz again")
    const watched = rewind("job", "watch", "sig-1")
    expect(watched.code).toBe(0)
    expect(watched.stdout).toContain("Completed")
    const done = JSON.parse(rewind("job", "show", "sig-1", "--json").stdout) as { jobStatus: string; processedInteractionsCount: number }
    expect(done).toMatchObject({ jobStatus: "Completed", processedInteractionsCount: estimate.interactionCount })

    // The same id again with --wait: the Completed job found is the old one, which this create is
    // refused for — not a success. A job nobody made: an error after a short wait, not a wait forever.
    const again = rewind("job", "create", "--name", "cli job again", "--job-id", "sig-1", "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z", "--program", "p-retention", "--media", "chat", "--wait")
    expect(again.code).not.toBe(0)
    expect(again.stderr).toMatch(/job "sig-1" already exists|the command was rejected: job "sig-1" already exists/)
    const nobody = rewind("job", "watch", "no-such-job")
    expect(nobody.code).not.toBe(0)
    expect(nobody.stderr).toContain('no job "no-such-job"')

    const out = join(dataDir, "sig-1.csv")
    const exported = rewind("job", "export", "sig-1", "--out", out)
    expect(exported.code).toBe(0)
    expect(readFileSync(out, "utf8").split("\r\n")[0]).toBe("interactionId,newTopicIds,newTopicNames")

    const metrics = (await http("/metrics")).text
    expect(metrics).toMatch(/rewind_interactions_processed_total\{pipeline="reprocess",outcome="updated"\} [1-9]/)
    expect(metrics).toContain("rewind_stage_duration_seconds_bucket")
    expect(metrics).toMatch(/rewind_jobs\{status="Completed"\} 1/)
    expect(metrics).toMatch(/rewind_clickhouse_insert_rows_total\{table="job_results"\} [1-9]/)
    expect(metrics).toContain("rewind_clickhouse_insert_duration_seconds_bucket")
    // The job read its pages: some time with a read in flight, and less than this test has run.
    const readBusy = Number(/^rewind_clickhouse_read_busy_seconds_total (\S+)$/m.exec(metrics)?.[1])
    expect(readBusy).toBeGreaterThan(0)
    expect(readBusy).toBeLessThan(process.uptime())
    expect(metrics).toMatch(/rewind_consumer_pending_messages\{consumer="commands"\} 0/)
    expect(metrics).toContain("rewind_process_cpu_seconds_total")
    // The embedded engine's own count of its memory: some, and part of the process's resident memory.
    const engineBytes = Number(/^rewind_clickhouse_engine_memory_bytes (\S+)$/m.exec(metrics)?.[1])
    const residentBytes = Number(/^rewind_process_resident_memory_bytes (\S+)$/m.exec(metrics)?.[1])
    expect(engineBytes).toBeGreaterThan(1_000_000)
    expect(engineBytes).toBeLessThan(residentBytes)
    // The dashboard's queries of the series only the embedded store has (the monitoring test's
    // daemon runs on a ClickHouse server): exported here, and with data when replayed through promtool.
    const dashboard = JSON.parse(readFileSync(join(root, "monitoring/grafana/rewind.json"), "utf8")) as { panels: Array<Panel> }
    const embeddedQueries = panelQueries(dashboard.panels).filter((q) => metricNames(q.promql).some((name) => embeddedStoreSeries.has(name)))
    expect(embeddedQueries.map((q) => q.panel)).toContain("Memory")
    const samples = samplesOf(metrics)
    for (const name of embeddedStoreSeries) expect(samples.some((x) => x.name === name), `${name} is exported`).toBe(true)
    const replayDir = mkdtempSync(join(tmpdir(), "rewind-replay-"))
    writeFileSync(join(replayDir, "rules.yml"), readFileSync(join(root, "monitoring/prometheus/rules.yml")))
    writeFileSync(join(replayDir, "replay.yml"), replayTests({
      samples,
      families: familiesOf(metrics),
      instance: `127.0.0.1:${env["REWIND_HTTP_PORT"]}`,
      rulesFile: "rules.yml",
      queries: embeddedQueries.map((q) => ({ name: `${q.panel} ${q.refId}`, promql: q.promql })),
      alerts: []
    }))
    const replay = spawnSync(promtool(), ["test", "rules", "replay.yml"], { cwd: replayDir, encoding: "utf8", timeout: 120_000 })
    expect(replay.stdout + replay.stderr).toContain("SUCCESS")
    // Prometheus' own linter accepts every name, type and help text of the live endpoint.
    const lint = spawnSync(promtool(), ["check", "metrics"], { input: metrics, encoding: "utf8", timeout: 30_000 })
    expect(lint.stdout + lint.stderr).toBe("")
    expect(lint.status).toBe(0)
    expect(metrics).toMatch(/^rewind_nodejs_active_handles\{type="\w+"\} \d+$/m)

    const missing = rewind("job", "show", "nope")
    expect(missing.code).not.toBe(0)
    expect(missing.stderr + missing.stdout).toContain("no job with id")

    d2.child.kill("SIGTERM")
    expect(await d2.exited).toBe(0)
  })
})
