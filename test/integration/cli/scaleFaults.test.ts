/**
 * Faults across daemons on the production topology: three daemon processes share one job on
 * one ClickHouse server (over HTTP) and one NATS; daemons are SIGKILLed at random moments and
 * restarted, and nats-server is restarted once, while the job runs. The job must end as an
 * undisturbed run does (the independent computation of test/helpers/expected.ts): counts,
 * export, every block's topics, and no duplicate rows — plain reads and FINAL agree.
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import { natsLayer } from "../../../src/daemon/main.ts"
import { ModelRepo } from "../../../src/repos/ModelRepo.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { seedStore } from "../../../src/seed/seedStore.ts"
import { ClickHouse } from "../../../src/store/ClickHouse.ts"
import { storeLayer } from "../../../src/store/layer.ts"
import { freePort } from "../../../src/process/childServer.ts"
import { clickhouseEnv, clickhouseSettings, uniqueDatabase } from "../../helpers/clickhouse.ts"
import { tempDataDir } from "../../helpers/daemon.ts"
import { expectedJob } from "../../helpers/expected.ts"
import { allMedia, expectUndisturbedOutcome, jobReaching, jobRecord } from "../../helpers/jobChecks.ts"
import { uniquePrefix } from "../../helpers/nats.ts"
import { type NatsServerHandle, startNatsServer } from "../../helpers/natsServer.ts"
import { type DaemonProcess, processes } from "../../helpers/processes.ts"

// Long enough that the chaos below ends before the job does on a fast machine (at 2,500 a run
// on an AMD EPYC ended the job after three kills).
const seed = { seed: 77, count: 4_000, from: "2026-03-01T00:00:00Z", to: "2026-03-11T00:00:00Z" }
const model = exampleModel()
const { env, startDaemon, killAll } = processes()
let nats: NatsServerHandle | undefined
let tools: ManagedRuntime.ManagedRuntime<any, any> | undefined

const run = <A, E>(e: Effect.Effect<A, E, any>) => tools!.runPromise(e as Effect.Effect<A, E, never>)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Stops what an attempt started: its daemons, its clients, its nats-server. */
const cleanUp = async () => {
  killAll()
  await tools?.dispose()
  tools = undefined
  await nats?.stop()
  nats = undefined
}

afterAll(cleanUp)

/** Rows of the job's results and topics, read plainly and with FINAL. */
const plainAndFinal = (jobId: string) =>
  run(Effect.gen(function*() {
    const ch = yield* ClickHouse
    const count = (table: string, final: string) =>
      Effect.promise(async () =>
        Number(((await (await ch.client.query({
          query: `SELECT count() AS n FROM ${ch.database}.${table} ${final} WHERE job_id = {job:String}`,
          query_params: { job: jobId },
          format: "JSONEachRow"
        })).json()) as Array<{ n: string }>)[0]!.n))
    return {
      results: { plain: yield* count("job_results", ""), final: yield* count("job_results", "FINAL") },
      topics: { plain: yield* count("block_topics", ""), final: yield* count("block_topics", "FINAL") }
    }
  }))

describe("three daemons on one ClickHouse server, killed at random moments, NATS restarted once", () => {
  it("end the shared job exactly as an undisturbed run, with no duplicate rows", { timeout: 300_000 }, async () => {
    // Each attempt (CI retries a failed test once) on its own NATS store, prefix and database.
    await cleanUp()
    const prefix = uniquePrefix()
    const database = uniqueDatabase("faults")
    const natsStore = tempDataDir("faults-nats")
    nats = await startNatsServer({ storeDir: natsStore })
    const natsSettings = { servers: [nats.url], prefix }
    tools = ManagedRuntime.make(Layer.mergeAll(natsLayer(natsSettings), storeLayer(clickhouseSettings("server", { dataDir: tempDataDir("faults"), database }))))
    await run(seedStore(seed))
    await run(Effect.gen(function*() { return yield* (yield* ModelRepo).push(model, "test") }))

    Object.assign(env, {
      NATS_URL: nats.url,
      REWIND_PREFIX: prefix,
      ...clickhouseEnv("server", database),
      REWIND_DATA_DIR: tempDataDir("faults-daemons"),
      REWIND_HTTP_HOST: "127.0.0.1",
      REWIND_PAGE_SIZE: "10",
      REWIND_WORK_ITEM_INTERACTIONS: "150",
      REWIND_TAKEOVER_AFTER_SECONDS: "3",
      REWIND_RECOVERY_INTERVAL_MINUTES: "0"
    })
    const start = async (name: string) => startDaemon({ REWIND_INSTANCE: name, REWIND_HTTP_PORT: String(await freePort()) })
    const daemons: Array<DaemonProcess> = [await start("d0"), await start("d1"), await start("d2")]

    const scope = { dateStart: seed.from, dateEnd: seed.to, programs: model.programs.map((p) => p.id), mediaTypes: allMedia }
    const expected = expectedJob(seed, model, scope)
    await run(publishCommand("job.create", { ...scope, name: "chaos", jobId: "chaos-1" }))

    // Chaos while the job runs: SIGKILL a random daemon (then start it again) every 0.5–1.2 s,
    // six times; restart nats-server once, after the second kill.
    const random = (() => {
      let s = 20261204
      return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296)
    })()
    let kills = 0
    let natsRestarted = false
    let ended: unknown
    while (kills < 6) {
      await sleep(500 + random() * 700)
      const job = await jobRecord(run, "chaos-1").catch(() => undefined)
      if (job?.jobStatus === "Completed" || job?.jobStatus === "Failed") {
        ended = job
        break
      }
      const k = Math.floor(random() * daemons.length)
      daemons[k]!.child.kill("SIGKILL")
      await daemons[k]!.exited
      kills++
      if (kills === 2 && !natsRestarted) {
        await nats.stop()
        nats = await startNatsServer({ storeDir: natsStore, port: nats.port })
        natsRestarted = true
      }
      daemons[k] = await start(`d${k}-${kills}`)
    }
    expect(kills, `the job ended before the chaos did (make it longer): ${JSON.stringify(ended)}`).toBeGreaterThanOrEqual(4)
    expect(natsRestarted).toBe(true)

    const done = await jobReaching(run, "chaos-1", ["Completed", "Failed"], 240_000)
    await expectUndisturbedOutcome(run, done, expected, model)
    const rows = await plainAndFinal("chaos-1")
    expect(rows.results).toEqual({ plain: expected.total, final: expected.total })
    expect(rows.topics.plain).toBe(rows.topics.final)
  })
})
