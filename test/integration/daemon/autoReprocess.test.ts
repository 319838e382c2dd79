/**
 * After a topic model push, the daemon proposes (or queues) a job over the programs whose
 * detection changed, for the last N days; it runs once confirmed, and one over the job limit is
 * refused. Model pushes are announced with what changed.
 */
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import type { ModelDiff } from "../../../src/domain/modelDiff.ts"
import type { TopicModel } from "../../../src/domain/topicModel.ts"
import { Nats } from "../../../src/nats/Nats.ts"
import { pushModel } from "../../../src/repos/pushModel.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { seedStore } from "../../../src/seed/seedStore.ts"
import { eventually, startDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { expectedJob } from "../../helpers/expected.ts"
import { expectUndisturbedOutcome, jobReaching, jobRecord } from "../../helpers/jobChecks.ts"
import { uniquePrefix } from "../../helpers/nats.ts"

const day = 86_400_000
const now = Date.now()
// Recent data: the proposed job covers the last 5 days (from midnight UTC).
const seed = { seed: 61, count: 500, from: new Date(now - 12 * day).toISOString(), to: new Date(now - 60_000).toISOString() }
const model = exampleModel()
const billing = model.programs.find((p) => p.id === "p-billing")!
/** Revision 2: one of billing's topics gains a phrase the seed's texts use. */
const changed: TopicModel = {
  ...model,
  topics: model.topics.map((t) => (t.id === billing.topics[0] ? { ...t, phrases: [...t.phrases, "thank you"] } : t))
}

const daemons: Array<TestDaemon> = []
// One embedded store for both daemons (one data directory per process).
const dataDir = tempDataDir("auto")
afterAll(async () => {
  for (const d of daemons) await d.dispose()
})

const events = async (daemon: TestDaemon, suffix: string) => {
  const nats = await daemon.runPromise(Effect.gen(function*() { return yield* Nats }))
  const seen: Array<Record<string, any>> = []
  nats.nc.subscribe(nats.names.evt(suffix), { callback: (_e, m) => void seen.push(m.json()) })
  return seen
}

describe("auto-reprocessing after a topic model push", () => {
  let daemon: TestDaemon
  const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)

  beforeAll(async () => {
    daemon = await startDaemon(testSettings({ prefix: uniquePrefix(), dataDir, daemon: { pageSize: 20, autoReprocessDays: 5 } }))
    daemons.push(daemon)
    await run(seedStore(seed))
  })

  it("announces every push with its diff; proposes a job over the programs that changed; runs it once confirmed", async () => {
    const pushed = await events(daemon, "model.pushed")
    const proposals = await events(daemon, "model.proposal")
    await run(pushModel(model, "test"))
    await run(pushModel(changed, "test"))
    await eventually(async () => (proposals.length >= 2 && pushed.length >= 2 ? true : undefined), 30_000, "two pushes handled")

    expect(pushed.map((e) => e["revision"])).toEqual([1, 2])
    const diff = pushed[1]!["diff"] as ModelDiff
    expect(diff.topicsChanged.map((t) => t.id)).toEqual([billing.topics[0]])
    expect(diff.topicsChanged[0]!.phrasesAdded).toEqual(["thank you"])
    expect(proposals[0]).toMatchObject({ revision: 1, status: "none" })
    const affected = diff.programsAffected
    expect(affected).toContain("p-billing")
    expect(proposals[1]).toMatchObject({ revision: 2, status: "proposed", jobId: "auto-r2", programs: affected })

    const proposed = (await jobRecord(run, "auto-r2"))!
    expect(proposed).toMatchObject({ jobStatus: "Proposed", programs: affected, createdBy: "auto-reprocess", mediaTypes: ["voice", "callback", "chat", "email", "message"] })
    const midnight = Math.floor((Date.now() - 5 * day) / day) * day
    expect(Date.parse(proposed.dateStart)).toBe(midnight)
    // A proposed job does not run until confirmed.
    await new Promise((r) => setTimeout(r, 2_500))
    expect((await jobRecord(run, "auto-r2"))!.jobStatus).toBe("Proposed")

    await run(publishCommand("job.confirm", { jobId: "auto-r2" }))
    const done = await jobReaching(run, "auto-r2", ["Completed", "Failed"])
    const scope = { dateStart: proposed.dateStart, dateEnd: proposed.dateEnd, programs: [...affected], mediaTypes: [...proposed.mediaTypes] }
    await expectUndisturbedOutcome(run, done, expectedJob(seed, changed, scope), changed)
    expect(done.modelRevision).toBe(2)

    // A third push that changes no detection (a rename) proposes nothing.
    await run(pushModel({ ...changed, topics: changed.topics.map((t) => (t.id === billing.topics[0] ? { ...t, name: "Renamed" } : t)) }, "test"))
    await eventually(async () => (proposals.length >= 3 ? true : undefined), 30_000, "third push handled")
    expect(proposals[2]).toMatchObject({ revision: 3, status: "none" })
  })
})

describe("auto-reprocessing in publish mode", () => {
  it("refuses a job over the job limit like any other, and queues one within it at once", async () => {
    const prefix = uniquePrefix()
    const publishing = (maxJobInteractions: number) =>
      startDaemon(testSettings({ prefix, dataDir, daemon: { pageSize: 20, autoReprocessDays: 5, autoReprocess: "publish", maxJobInteractions } }))
    let daemon = await publishing(20)
    daemons.push(daemon)
    const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
    await run(seedStore(seed))
    const proposals = await events(daemon, "model.proposal")
    await run(pushModel(model, "test"))
    await run(pushModel(changed, "test"))
    await eventually(async () => (proposals.length >= 2 ? true : undefined), 30_000, "two pushes handled")
    expect(proposals[1]).toMatchObject({ revision: 2, status: "refused", jobId: "auto-r2", field: expect.stringContaining("dateStart") })
    expect(String(proposals[1]!["reason"])).toContain("20")
    expect(await jobRecord(run, "auto-r2")).toBeUndefined()

    // The same installation with the default limit: the next push's job is queued and runs.
    await daemon.dispose()
    daemon = await publishing(250_000)
    daemons.push(daemon)
    const later = await events(daemon, "model.proposal")
    const third: TopicModel = { ...changed, topics: changed.topics.map((t) => (t.id === billing.topics[0] ? { ...t, phrases: [...t.phrases, "my account"] } : t)) }
    await run(pushModel(third, "test"))
    await eventually(async () => (later.length >= 1 ? true : undefined), 30_000, "third push handled")
    expect(later[0]).toMatchObject({ revision: 3, status: "queued", jobId: "auto-r3" })
    expect((await jobReaching(run, "auto-r3", ["Completed", "Failed"])).jobStatus).toBe("Completed")
  })
})
