/**
 * A revert stopped mid-way (its daemon shut down) is resumed by the next daemon from its
 * checkpoint: every block ends with the topics it had before the job, and the revert's counts
 * and results are those of an undisturbed revert — nothing counted twice.
 */
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { InteractionStore } from "../../../src/store/InteractionStore.ts"
import { backends } from "../../helpers/clickhouse.ts"
import { startDaemon, startSeededDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { expectedJob, seededTopics } from "../../helpers/expected.ts"
import { allMedia, jobReaching, jobRecord, jobWhen, storedRowCounts } from "../../helpers/jobChecks.ts"
import { uniquePrefix } from "../../helpers/nats.ts"

const seed = { seed: 73, count: 600, from: "2026-06-01T00:00:00Z", to: "2026-06-08T00:00:00Z" }
const model = exampleModel()
const scope = { dateStart: seed.from, dateEnd: seed.to, programs: model.programs.map((p) => p.id), mediaTypes: allMedia }

describe.each(backends)("store on %s", (backend) => {
  const settings = testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("revert-resume"), backend, daemon: { pageSize: 10 } })
  let daemon: TestDaemon | undefined
  const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon!.runPromise(e as Effect.Effect<A, E, never>)

  afterAll(async () => {
    await daemon?.dispose()
  })

  it("a revert stopped part-way ends as an undisturbed revert would, on the next daemon", async () => {
    daemon = await startSeededDaemon(settings, seed, model)
    const seeded = seededTopics(seed)
    const job = expectedJob(seed, model, scope)
    const ids = [...new Set([...job.changedBlocks].map((k) => k.split("\u0000")[0]!))]
    expect(ids.length, "the job changes enough interactions to stop its revert part-way").toBeGreaterThan(60)

    await run(publishCommand("job.create", { ...scope, name: "to revert", jobId: "rr-a" }))
    expect((await jobReaching(run, "rr-a", ["Completed", "Failed"])).jobStatus).toBe("Completed")

    await run(publishCommand("job.revert", { jobId: "rr-a" }))
    const partial = await jobWhen(run, "revert-rr-a", (j) => j.processedInteractionsCount >= 10, "some progress", 60_000)
    await daemon.dispose()
    daemon = undefined
    expect(partial.processedInteractionsCount).toBeLessThan(ids.length)

    daemon = await startDaemon(settings)
    const stopped = await jobRecord(run, "revert-rr-a")
    expect(stopped?.jobStatus, "stopped, not ended").toBe("InProgress")
    expect(stopped!.processedInteractionsCount).toBeLessThan(ids.length)

    const revert = await jobReaching(run, "revert-rr-a", ["Completed", "Failed"])
    expect(revert).toMatchObject({
      jobStatus: "Completed",
      kind: "revert",
      revertOf: "rr-a",
      revertCounts: { blocksReverted: job.changedBlocks.size, blocksInConflict: 0 },
      totalInteractionsCount: ids.length,
      processedInteractionsCount: ids.length,
      updatedInteractionsCount: ids.length,
      unchangedInteractionsCount: 0,
      failedInteractionsCount: 0
    })
    expect(await storedRowCounts(run, "revert-rr-a")).toMatchObject({ results: { rows: ids.length, unique: ids.length } })

    // Every block the job changed has the seed's topics again.
    const rows = await run(Effect.gen(function*() { return yield* (yield* InteractionStore).currentTopics(ids) }))
    const actual = new Map<string, Array<string>>()
    for (const r of rows) {
      const k = `${r.interactionId}\u0000${r.transcriptId}\u0000${r.blockIndex}`
      actual.set(k, [...(actual.get(k) ?? []), r.topicId].sort())
    }
    for (const k of job.changedBlocks) expect(actual.get(k) ?? [], k).toEqual([...(seeded.get(k) ?? [])].sort())
  })
})
