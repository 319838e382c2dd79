import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import type { RecoveryRun } from "../domain/recovery.ts"
import { displayServers, displayStoreUrl } from "../domain/redact.ts"
import { startSim } from "../sim/server.ts"
import { Command, Flag } from "effect/cli"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { type AllSettings, AllSettingsConfig, daemonLayer } from "../daemon/main.ts"
import { getExport } from "../nats/Exports.ts"
import { startNatsCluster } from "../nats/localCluster.ts"
import { startNatsServer } from "../nats/localServer.ts"
import { startClickHouseServer } from "../store/localServer.ts"
import type { PreviewAnswer } from "../domain/preview.ts"
import type { NatsSettings } from "../nats/NatsConfig.ts"
import { requestApi } from "../nats/Service.ts"
import { ModelRepo } from "../repos/ModelRepo.ts"
import { exampleModelPath } from "../seed/generate.ts"
import { loadTopicModelFile } from "../topics/loadModel.ts"
import { publishCommand } from "../client/natsClient.ts"
import { listenForRejection } from "./commandOutcome.ts"
import { CliFailure } from "./output.ts"
import { seedWithProgress } from "./seed.ts"
import { watchJob } from "./watch.ts"

/** How long `rewind demo` waits for its recovery run to end (the default data takes seconds). */
export const DemoRecoveryWaitMs = 10 * 60_000

/** How long `rewind demo` waits for its reprocessing job to end (the default data takes seconds, 250,000 interactions about a minute). */
export const DemoJobWaitMs = 30 * 60_000

/**
 * Polls `recovery.get` until the run ends, for at most `timeoutMs`: a run that never shows up (its
 * command refused: `rejection`, see commandOutcome.ts) or never ends fails, saying where it stood,
 * instead of waiting forever. A run of this id asked for by another command (`commandId`) is an
 * older one, not this one.
 */
export const waitForRecovery = (runId: string, opts: {
  readonly commandId?: string
  readonly rejection?: () => string | undefined
  readonly timeoutMs?: number
} = {}) =>
  Effect.gen(function*() {
    const timeoutMs = opts.timeoutMs ?? DemoRecoveryWaitMs
    const started = Date.now()
    const seconds = Math.round(timeoutMs / 1000)
    let last: RecoveryRun | undefined
    for (;;) {
      const refused = opts.rejection?.()
      if (refused !== undefined) return yield* Effect.fail(new CliFailure(`recovery run ${runId} was refused: ${refused}`))
      const left = timeoutMs - (Date.now() - started)
      const got = yield* requestApi("recovery.get", { runId }, Math.max(1_000, Math.min(10_000, left))).pipe(Effect.option)
      if (Option.isSome(got)) {
        last = got.value as RecoveryRun
        if (opts.commandId !== undefined && last.commandId !== undefined && last.commandId !== opts.commandId) {
          return yield* Effect.fail(new CliFailure(`recovery run ${runId} already exists (${last.status}), asked for by another command: this one is refused`))
        }
        if (last.status === "Completed" || last.status === "Failed") return last
      }
      if (Date.now() - started >= timeoutMs) {
        return yield* Effect.fail(new CliFailure(
          last === undefined
            ? `recovery run ${runId} did not start within ${seconds} s (no daemon reported it)`
            : `recovery run ${runId} did not end within ${seconds} s: still ${last.status}, ` +
              `${last.totals.recovered} of ${last.totals.missing} missing conversations recovered, ${last.platformCalls} platform calls`
        ))
      }
      yield* Effect.sleep("300 millis")
    }
  })

const say = (s: string) => Console.log(`\x1b[1m▸\x1b[0m ${s}`)

/** Stops a private server or cluster when the demo ends. */
const ownNats = <H extends { stop(): Promise<void> }>(start: () => Promise<H>) =>
  Effect.acquireRelease(
    Effect.tryPromise({ try: start, catch: (e) => new CliFailure(e instanceof Error ? e.message : String(e)) }),
      (h) => Effect.promise(() => h.stop())
  )

/**
 * The ClickHouse server of `--store server`: CLICKHOUSE_URL when set, else a private one
 * (src/store/localServer.ts) under the demo's directory, stopped when the demo ends.
 */
const clickhouseUrl = (dir: string, configured: string | undefined) =>
  configured !== undefined
    ? Effect.succeed({ url: configured, own: false })
    : Effect.acquireRelease(
      Effect.tryPromise({
        try: () => startClickHouseServer({ path: `${dir}/clickhouse-server` }),
        catch: (e) => new CliFailure(e instanceof Error ? e.message : String(e))
      }),
      (h) => Effect.promise(() => h.stop())
    ).pipe(Effect.map((h) => ({ url: h.url, own: true })))

/**
 * NATS for the demo: NATS_URL when set (its replicas from REWIND_NATS_REPLICAS), else a private
 * nats-server — or, with --nats-cluster, a private cluster of three keeping 3 replicas.
 */
const demoNats = (dir: string, cluster: boolean, configured: NatsSettings) =>
  process.env["NATS_URL"]
    ? Effect.succeed({ nats: configured, said: `using NATS at ${displayServers(configured.servers)}` })
    : cluster
    ? ownNats(() => startNatsCluster({ size: 3, dir: `${dir}/nats` })).pipe(Effect.map((c) => ({
      nats: { ...configured, servers: c.urls, replicas: 3 },
      said: `started a private NATS cluster of three (${c.urls.join(",")}), every stream kept on all three`
    })))
    : ownNats(() => startNatsServer({ storeDir: `${dir}/nats` })).pipe(Effect.map((h) => ({
      nats: { ...configured, servers: [h.url], replicas: 1 },
      said: `started a private nats-server -js at ${h.url}`
    })))

const run = (f: { count: number; seed: number; dir: string; keep: boolean; natsCluster: boolean; store: "embedded" | "server" }) =>
  Effect.gen(function*() {
    const dir = resolve(f.dir)
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    const base = yield* AllSettingsConfig
    const nats = yield* demoNats(dir, f.natsCluster, base.nats)
    yield* say(nats.said)

    const from = "2026-01-01T00:00:00Z"
    const to = "2026-02-01T00:00:00Z"
    const missingShare = 0.02
    // The platform of record: the simulator serves every conversation, the store lacks 2 % of the text ones.
    const sim = yield* Effect.acquireRelease(
      Effect.promise(() => startSim({ seed: f.seed, count: f.count, from, to, missingShare, clientId: "rewind-demo", clientSecret: "demo-secret" })),
      (h) => Effect.promise(() => h.stop())
    )
    yield* say(`started the platform simulator (Genesys Cloud API subset) at ${sim.url}`)

    const server = f.store === "server" ? yield* clickhouseUrl(dir, base.clickhouse.url) : undefined
    if (server?.own) yield* say(`started a private ClickHouse server (chdb's engine over HTTP) at ${server.url}`)
    const settings: AllSettings = {
      nats: nats.nats,
      clickhouse: { ...base.clickhouse, dataDir: dir, ...(server !== undefined ? { url: server.url } : {}) },
      daemon: { ...base.daemon, recoveryIntervalMinutes: 0 },
      platform: {
        apiUrl: sim.url,
        loginUrl: sim.url,
        clientId: "rewind-demo",
        clientSecret: Redacted.make("demo-secret"),
        pageSize: 100,
        rateLimitPerMinute: 3_000,
        timeoutMs: 30_000,
        maxRetries: 5,
        pagingLimit: 100_000
      }
    }
    if (!server?.own) {
      yield* say(settings.clickhouse.url !== undefined
        ? `using ClickHouse at ${displayStoreUrl(settings.clickhouse.url)} (CLICKHOUSE_URL)`
        : `embedded ClickHouse (chdb) under ${dir}/clickhouse`)
    }

    yield* Effect.gen(function*() {
      yield* say(`seeding ${f.count.toLocaleString("en-US")} synthetic interactions (January 2026, seed ${f.seed}), the store missing ${missingShare * 100}% of the text ones…`)
      const seeded = yield* seedWithProgress({ count: f.count, seed: f.seed, from, to, missingShare })
      yield* say(`seeded ${seeded.interactions.toLocaleString("en-US")} interactions, ${seeded.blocks.toLocaleString("en-US")} transcript blocks in ${seeded.seconds.toFixed(1)} s`)

      const model = yield* loadTopicModelFile(exampleModelPath)
      const rev = yield* (yield* ModelRepo).push(model, "demo")
      yield* say(`pushed the example topic model (config/topics.example.yaml) as revision ${rev.revision}: ${model.programs.length} programs, ${model.topics.length} topics`)
      yield* say(`daemon running: metrics on http://localhost:${settings.daemon.httpPort}/metrics`)

      const scope = {
        dateStart: from,
        dateEnd: to,
        programs: model.programs.map((p) => p.id),
        mediaTypes: ["voice", "callback", "chat", "email", "message"]
      }
      const estimate = (yield* requestApi("job.estimate", scope)) as { interactionCount: number; quota: { free: number; billable: number } }
      yield* say(`estimate: ${estimate.interactionCount.toLocaleString("en-US")} interactions in scope; quota: ${estimate.quota.free} free, ${estimate.quota.billable} billable`)
      const preview = (yield* requestApi("job.preview", scope, 120_000)) as PreviewAnswer
      const top = preview.topics.slice(0, 3).map((t) => `${t.name} +${t.gained}/-${t.lost}`).join(", ")
      yield* say(
        `preview on a sample of ${preview.sampleSize} (nothing written): predicted ~${preview.predicted.updated.toLocaleString("en-US")} updated, ` +
          `~${preview.predicted.unchanged.toLocaleString("en-US")} unchanged, ~${preview.predicted.failed.toLocaleString("en-US")} failed` +
          (top === "" ? "" : `; blocks gaining/losing: ${top}`)
      )

      const jobId = "demo-reprocess"
      const commandId = `demo-${Date.now().toString(36)}`
      const jobRejection = yield* listenForRejection(commandId)
      yield* publishCommand("job.create", { ...scope, name: "Demo: reprocess January with the new model", jobId, commandId, createdBy: "demo" })
      yield* say(`published rewind.cmd.job.create → job ${jobId}`)
      // Bounded like the recovery wait: a daemon that never takes or finishes the job fails the demo.
      const final = yield* watchJob(jobId, { commandId, rejection: jobRejection, timeoutMs: DemoJobWaitMs })
      if (final["jobStatus"] !== "Completed") return yield* Effect.fail(new CliFailure(`job ended ${final["jobStatus"]}`))
      const exp = (yield* requestApi("job.export", { jobId })) as { bucket: string; name: string; rows: number; size: number }
      const bytes = yield* getExport(exp.name)
      const csvPath = `${dir}/${exp.name}`
      if (Option.isSome(bytes)) writeFileSync(csvPath, bytes.value)
      const j = final as unknown as Record<string, number>
      yield* say(`job completed: ${j["processedInteractionsCount"]} processed — ${j["updatedInteractionsCount"]} updated, ${j["unchangedInteractionsCount"]} unchanged, ${j["failedInteractionsCount"]} failed (no topic detected)`)
      yield* say(`export: object store "${exp.bucket}", object "${exp.name}" (${exp.rows} impacted interactions, ${exp.size} bytes); copy written to ${csvPath}`)
      if (Option.isSome(bytes)) {
        const head = new TextDecoder().decode(bytes.value).split("\r\n").slice(0, 4).join("\n    ")
        yield* Console.log(`    ${head}`)
      }
      const before = (yield* requestApi("job.export", { jobId, withPrevious: true }, 300_000)) as { name: string; rows: number }
      const beforeBytes = yield* getExport(before.name)
      if (Option.isSome(beforeBytes)) writeFileSync(`${dir}/${before.name}`, beforeBytes.value)
      yield* say(`before/after export (previous and removed topics too): ${before.name}, copy written to ${dir}/${before.name}`)
      yield* say(`recovery: finding the text conversations the store lost in January (rewind.cmd.recovery.run)…`)
      const recoveryCommandId = `demo-rec-${Date.now().toString(36)}`
      const rejection = yield* listenForRejection(recoveryCommandId)
      yield* publishCommand("recovery.run", { runId: "demo-recovery", from, to, commandId: recoveryCommandId, requestedBy: "demo" })
      const rec = yield* waitForRecovery("demo-recovery", { commandId: recoveryCommandId, rejection })
      if (rec.status !== "Completed") return yield* Effect.fail(new CliFailure(`recovery ${rec.status}: ${rec.errorMessage ?? ""}`))
      const t = rec.totals
      yield* say(`recovery completed: the platform has ${t.platform} conversations, the store had ${t.store}; ${t.missing} text conversations were missing, ${t.recovered} recovered (${t.pending} pending, ${t.failed} failed) with ${rec.platformCalls} platform calls`)
      for (const [media, c] of Object.entries(rec.counts).sort()) {
        if (c.missing > 0) yield* Console.log(`    ${media.padEnd(8)} missing ${c.missing}, recovered ${c.recovered}`)
      }
      if (f.keep) {
        // Credentials masked; a NATS_URL of the user's is in their environment already.
        const url = displayServers(settings.nats.servers)
        const env = process.env["NATS_URL"] ? "" : `NATS_URL=${url} `
        yield* say(`--keep: daemon and NATS stay up (NATS_URL=${url}); try \`${env}npm run rewind -- job list\`, \`… job revert ${jobId} --wait\`, \`… topics diff\`. Ctrl-C to stop.`)
        return yield* Effect.never
      }
      yield* say("demo done; stopping the daemon")
    }).pipe(Effect.provide(daemonLayer(settings)))
  }).pipe(Effect.scoped)

export const demoCommand = Command.make("demo", {
  count: Flag.Int("count").pipe(Flag.withDescription("Interactions to seed"), Flag.withDefault(5_000)),
  seed: Flag.Int("seed").pipe(Flag.withDefault(42)),
  dir: Flag.String("dir").pipe(Flag.withDescription("Working directory (wiped first)"), Flag.withDefault(".rewind/demo")),
  keep: Flag.Boolean("keep").pipe(Flag.withDescription("Keep the daemon running after the job"), Flag.withDefault(false)),
  store: Flag.Literals("store", ["embedded", "server"]).pipe(
    Flag.withDescription("embedded: chdb in the daemon's process; server: over HTTP, to CLICKHOUSE_URL or a private ClickHouse server"),
    Flag.withDefault("embedded")
  ),
  natsCluster: Flag.Boolean("nats-cluster").pipe(
    Flag.withDescription("Run a private NATS cluster of three servers keeping 3 replicas (REWIND_NATS_REPLICAS=3) instead of one server"),
    Flag.withDefault(false)
  )
}, (f) =>
  run(f).pipe(
    Effect.provide(Layer.mergeAll(Logger.layer([Logger.consolePretty()]), Layer.succeed(References.MinimumLogLevel, "Warn")))
  )).pipe(Command.withDescription(
  "End to end on embedded defaults: private nats-server, embedded ClickHouse, the platform simulator, seed data, push the example model, run a reprocessing job and print its export, then recover the conversations the store lost"
))
