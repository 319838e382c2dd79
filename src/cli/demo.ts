import { Console, Effect, Layer, Logger, Option, References } from "effect"
import { Command, Flag } from "effect/cli"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { type AllSettings, AllSettingsConfig, daemonLayer } from "../daemon/main.ts"
import { getExport } from "../nats/Exports.ts"
import { startNatsServer } from "../nats/localServer.ts"
import { requestApi } from "../nats/Service.ts"
import { ModelRepo } from "../repos/ModelRepo.ts"
import { exampleModelPath } from "../seed/generate.ts"
import { loadTopicModelFile } from "../topics/loadModel.ts"
import { publishCommand } from "./client.ts"
import { CliFailure } from "./output.ts"
import { seedWithProgress } from "./seed.ts"
import { watchJob } from "./watch.ts"

const say = (s: string) => Console.log(`\x1b[1m▸\x1b[0m ${s}`)

/** A private nats-server unless NATS_URL is set; stopped when the demo ends. */
const natsUrl = (dir: string) =>
  process.env["NATS_URL"]
    ? Effect.succeed({ url: process.env["NATS_URL"], own: false })
    : Effect.acquireRelease(
      Effect.tryPromise({
        try: () => startNatsServer({ storeDir: `${dir}/nats` }),
        catch: (e) => new CliFailure(e instanceof Error ? e.message : String(e))
      }),
      (h) => Effect.promise(() => h.stop())
    ).pipe(Effect.map((h) => ({ url: h.url, own: true })))

const run = (f: { count: number; seed: number; dir: string; keep: boolean }) =>
  Effect.gen(function*() {
    const dir = resolve(f.dir)
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    const nats = yield* natsUrl(dir)
    yield* say(nats.own ? `started a private nats-server -js at ${nats.url}` : `using NATS at ${nats.url}`)

    const base = yield* AllSettingsConfig
    const settings: AllSettings = {
      nats: { ...base.nats, servers: [nats.url] },
      clickhouse: { ...base.clickhouse, dataDir: dir },
      daemon: { ...base.daemon, httpPort: base.daemon.httpPort }
    }
    yield* say(settings.clickhouse.url ? "using ClickHouse at CLICKHOUSE_URL" : `embedded ClickHouse (chdb) under ${dir}/clickhouse`)

    const from = "2026-01-01T00:00:00Z"
    const to = "2026-02-01T00:00:00Z"
    yield* Effect.gen(function*() {
      yield* say(`seeding ${f.count.toLocaleString("en-US")} synthetic interactions (January 2026, seed ${f.seed})…`)
      const seeded = yield* seedWithProgress({ count: f.count, seed: f.seed, from, to })
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

      const jobId = "demo-reprocess"
      const commandId = `demo-${Date.now().toString(36)}`
      yield* publishCommand("job.create", { ...scope, name: "Demo: reprocess January with the new model", jobId, commandId, createdBy: "demo" })
      yield* say(`published rewind.cmd.job.create → job ${jobId}`)
      const final = yield* watchJob(jobId, { commandId })
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
      if (f.keep) {
        yield* say(`--keep: daemon and NATS stay up (NATS_URL=${nats.url}); try \`NATS_URL=${nats.url} npm run rewind -- job list\`. Ctrl-C to stop.`)
        return yield* Effect.never
      }
      yield* say("demo done; stopping the daemon")
    }).pipe(Effect.provide(daemonLayer(settings)))
  }).pipe(Effect.scoped)

export const demoCommand = Command.make("demo", {
  count: Flag.Int("count").pipe(Flag.withDescription("Interactions to seed"), Flag.withDefault(5_000)),
  seed: Flag.Int("seed").pipe(Flag.withDefault(42)),
  dir: Flag.String("dir").pipe(Flag.withDescription("Working directory (wiped first)"), Flag.withDefault(".rewind/demo")),
  keep: Flag.Boolean("keep").pipe(Flag.withDescription("Keep the daemon running after the job"), Flag.withDefault(false))
}, (f) =>
  run(f).pipe(
    Effect.provide(Layer.mergeAll(Logger.layer([Logger.consolePretty()]), Layer.succeed(References.MinimumLogLevel, "Warn")))
  )).pipe(Command.withDescription(
  "End to end on embedded defaults: private nats-server, embedded ClickHouse, seed data, push the example model, run a reprocessing job, print the export"
))
