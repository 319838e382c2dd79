/**
 * Recovery benchmark (issue 4): recover a period of N conversations (default 100,000) with a
 * share (default 2 %) missing from the store, against `rewind sim` over real HTTP under its rate
 * limit. Reports platform calls against the minimum (result pages + one metadata call per missing
 * conversation + one content call per recording + the token) and wall time.
 *
 *   node bench/recovery.ts [--count 100000] [--missing 0.02] [--rate 50] [--no-write]
 *   (also `npm run bench -- recovery`)
 *
 * Writes bench/results/<date>-recovery.json.
 */
import { Effect, Layer, Redacted } from "effect"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { exampleModel, generateInteractions } from "../src/seed/generate.ts"
import { isMissingInteraction } from "../src/seed/missing.ts"
import { seedStore } from "../src/seed/seedStore.ts"
import { startSim } from "../src/sim/server.ts"
import { recover } from "../src/pipelines/recover/pipeline.ts"
import { totalsOf } from "../src/pipelines/recover/diff.ts"
import { PlatformClient } from "../src/platform/PlatformClient.ts"
import { storeLayer } from "../src/store/layer.ts"

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const count = arg("count", 100_000)
const share = arg("missing", 0.02)
const rate = arg("rate", 50)
const period = { seed: 7, count, from: "2026-01-01T00:00:00Z", to: "2026-01-31T00:00:00Z" }

const dir = mkdtempSync(join(tmpdir(), "rewind-bench-recovery-"))
// The simulator allows `rate` requests a second (1-second windows); the client paces rate × 60 a minute.
const sim = await startSim({ ...period, missingShare: share, clientId: "bench", clientSecret: "bench", rateLimit: rate, rateWindowSeconds: 1 })
const platform = PlatformClient.layerWith({
  apiUrl: sim.url,
  loginUrl: sim.url,
  clientId: "bench",
  clientSecret: Redacted.make("bench"),
  pageSize: 100,
  rateLimitPerMinute: rate * 60,
  timeoutMs: 30_000,
  maxRetries: 8,
  pagingLimit: 100_000
})
const layer = Layer.mergeAll(platform, storeLayer({ user: "default", database: "rewind", dataDir: dir }))

let missing = 0
let recordings = 0
for (const i of generateInteractions(period)) {
  if (isMissingInteraction(i, period.seed, share)) {
    missing++
    recordings += i.transcripts.length
  }
}

try {
  const result = await Effect.runPromise(Effect.gen(function*() {
    const seedStart = Date.now()
    yield* seedStore({ ...period, missingShare: share })
    const seedSeconds = (Date.now() - seedStart) / 1000
    sim.resetStats()
    const client = yield* PlatformClient
    const before = (yield* client.calls).total
    const start = Date.now()
    const r = yield* recover({
      runId: "bench",
      from: period.from,
      to: period.to,
      mediaTypes: ["chat", "email", "message"],
      model: exampleModel(),
      onBatch: () => Effect.void
    })
    const wallSeconds = (Date.now() - start) / 1000
    const calls = (yield* client.calls).total - before
    return { r, calls, wallSeconds, seedSeconds }
  }).pipe(Effect.provide(layer)))

  const totals = totalsOf(result.r.counts)
  const pages = Math.ceil(count / 100)
  const minimum = pages + missing + recordings
  const stats = sim.stats()
  const report = {
    suite: "recovery",
    date: new Date().toISOString(),
    node: process.version,
    conversations: count,
    missingShare: share,
    missing,
    recovered: totals.recovered,
    pending: totals.pending,
    failed: totals.failed,
    platformCalls: result.calls,
    minimumCalls: minimum,
    callsOverMinimum: Math.round((result.calls / minimum) * 1000) / 1000,
    rateLimitPerSecond: rate,
    maxRequestsInAnySecond: stats.maxPerSecond,
    throttled: stats.throttled,
    wallSeconds: Math.round(result.wallSeconds * 10) / 10,
    floorSeconds: Math.round((minimum / rate) * 10) / 10,
    seedSeconds: Math.round(result.seedSeconds * 10) / 10
  }
  console.log("\nRecovery against the simulator")
  console.table(report)
  if (!process.argv.includes("--no-write")) {
    mkdirSync(join(import.meta.dirname, "results"), { recursive: true })
    const file = join(import.meta.dirname, "results", `${report.date.slice(0, 10)}-recovery.json`)
    writeFileSync(file, JSON.stringify(report, null, 2) + "\n")
    console.log(`written ${file}`)
  }
} finally {
  await sim.stop()
  rmSync(dir, { recursive: true, force: true })
}
