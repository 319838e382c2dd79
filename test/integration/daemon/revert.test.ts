/**
 * Reverting a completed job: every block it changed gets back the topics it had before, except
 * blocks a later job changed since (left alone, counted as conflicts); tracked like a job;
 * a second revert changes nothing.
 */
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import type { TopicModel } from "../../../src/domain/topicModel.ts"
import { Nats } from "../../../src/nats/Nats.ts"
import { pushModel } from "../../../src/repos/pushModel.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { InteractionStore } from "../../../src/store/InteractionStore.ts"
import { backends } from "../../helpers/clickhouse.ts"
import { eventually, startSeededDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { expectedJob, seededTopics, topicsAfter } from "../../helpers/expected.ts"
import { allMedia, jobEvents, jobReaching, jobRecord, storedRowCounts } from "../../helpers/jobChecks.ts"
import { uniquePrefix } from "../../helpers/nats.ts"

const seed = { seed: 71, count: 500, from: "2026-05-01T00:00:00Z", to: "2026-05-11T00:00:00Z" }
const model = exampleModel()
const billing = model.programs.find((p) => p.id === "p-billing")!
/** Revision 2: one of billing's topics also listens for phrases the seed's texts use. */
const changedModel: TopicModel = {
  ...model,
  topics: model.topics.map((t) => (t.id === billing.topics[0] ? { ...t, phrases: [...t.phrases, "thank you", "my account"] } : t))
}
const scopeA = { dateStart: seed.from, dateEnd: seed.to, programs: model.programs.map((p) => p.id), mediaTypes: allMedia }
const scopeB = { dateStart: seed.from, dateEnd: "2026-05-06T00:00:00Z", programs: ["p-billing"], mediaTypes: allMedia }

describe.each(backends)("store on %s", (backend) => {
  let daemon: TestDaemon
  const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)

  beforeAll(async () => {
    daemon = await startSeededDaemon(testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("revert"), backend, daemon: { pageSize: 25 } }), seed, model)
  })
  afterAll(async () => {
    await daemon?.dispose()
  })

  it("puts back the topics every block had before the job, except blocks a later job changed since", async () => {
    const seeded = seededTopics(seed)
    const a = expectedJob(seed, model, scopeA)
    const afterA = topicsAfter(seeded, a)
    const b = expectedJob(seed, changedModel, scopeB, afterA)
    const afterB = topicsAfter(afterA, b)
    const conflicts = [...a.changedBlocks].filter((k) => b.changedBlocks.has(k))
    expect(conflicts.length, "the later job changes some of the same blocks").toBeGreaterThan(0)
    expect(a.changedBlocks.size - conflicts.length).toBeGreaterThan(0)

    await run(publishCommand("job.create", { ...scopeA, name: "to revert", jobId: "rv-a" }))
    expect((await jobReaching(run, "rv-a", ["Completed", "Failed"])).jobStatus).toBe("Completed")
    await run(pushModel(changedModel, "test"))
    await run(publishCommand("job.create", { ...scopeB, name: "later", jobId: "rv-b" }))
    expect((await jobReaching(run, "rv-b", ["Completed", "Failed"])).jobStatus).toBe("Completed")

    const events = await jobEvents(run, "revert-rv-a")
    await run(publishCommand("job.revert", { jobId: "rv-a" }))
    const revert = await jobReaching(run, "revert-rv-a", ["Completed", "Failed"])
    await events.seen(revert.jobStatus.toLowerCase()).finally(events.stop)
    expect(revert).toMatchObject({ jobStatus: "Completed", kind: "revert", revertOf: "rv-a" })
    expect(revert.revertCounts).toEqual({ blocksReverted: a.changedBlocks.size - conflicts.length, blocksInConflict: conflicts.length })

    // Every block as predicted: a block A changed is back to the seed's topics unless B changed it since.
    const expected = new Map(afterB)
    for (const k of a.changedBlocks) if (!b.changedBlocks.has(k)) expected.set(k, seeded.get(k) ?? new Set())
    const ids = [...new Set([...a.changedBlocks].map((k) => k.split("\u0000")[0]!))]
    const rows = await run(Effect.gen(function*() { return yield* (yield* InteractionStore).currentTopics(ids) }))
    const actual = new Map<string, Array<string>>()
    for (const r of rows) {
      const k = `${r.interactionId}\u0000${r.transcriptId}\u0000${r.blockIndex}`
      actual.set(k, [...(actual.get(k) ?? []), r.topicId].sort())
    }
    const inIds = (k: string) => ids.includes(k.split("\u0000")[0]!)
    expect(actual).toEqual(new Map([...expected].filter(([k, v]) => inIds(k) && v.size > 0).map(([k, v]) => [k, [...v].sort()])))

    // Counts per interaction: updated when some block was put back, unchanged when every one was in conflict.
    const interactionsOf = (keys: Iterable<string>) => new Set([...keys].map((k) => k.split("\u0000")[0]!))
    const reverted = interactionsOf([...a.changedBlocks].filter((k) => !b.changedBlocks.has(k)))
    expect(revert).toMatchObject({
      totalInteractionsCount: ids.length,
      processedInteractionsCount: ids.length,
      updatedInteractionsCount: reverted.size,
      unchangedInteractionsCount: ids.length - reverted.size,
      failedInteractionsCount: 0
    })
    expect(await storedRowCounts(run, "revert-rv-a")).toMatchObject({ results: { rows: ids.length, unique: ids.length } })
    expect(events.types).toEqual(expect.arrayContaining(["created", "started", "progress", "completed"]))

    // Reverting again changes nothing: the first revert is a later change of every block.
    await run(publishCommand("job.revert", { jobId: "rv-a", revertId: "rv-a-again" }))
    const again = await jobReaching(run, "rv-a-again", ["Completed", "Failed"])
    expect(again.revertCounts).toEqual({ blocksReverted: 0, blocksInConflict: a.changedBlocks.size })
    const rowsAgain = await run(Effect.gen(function*() { return yield* (yield* InteractionStore).currentTopics(ids) }))
    expect(rowsAgain.length).toBe(rows.length)
  })

  it("refuses to revert a job that is not Completed, naming the field", async () => {
    const nats = await run(Effect.gen(function*() { return yield* Nats }))
    const rejections: Array<{ commandId?: string; reason: string; field?: string }> = []
    const sub = nats.nc.subscribe(nats.names.evt("command.rejected"), { callback: (_e, m) => void rejections.push(m.json()) })
    await run(publishCommand("job.revert", { jobId: "no-such-job", commandId: "rv-unknown" }))
    await run(publishCommand("job.revert", { jobId: "rv-a", commandId: "rv-dup" }))
    const seen = await eventually(async () => (rejections.length >= 2 ? rejections : undefined), 30_000, "two rejections")
    sub.unsubscribe()
    expect(seen.find((r) => r.commandId === "rv-unknown")).toMatchObject({ field: "jobId" })
    expect(seen.find((r) => r.commandId === "rv-dup")).toMatchObject({ field: "revertId", reason: expect.stringContaining("already exists") })
    expect(await jobRecord(run, "no-such-job")).toBeUndefined()
  })
})
