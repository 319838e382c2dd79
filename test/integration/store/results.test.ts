/** Job results (export, outcome counts, delete) and monthly usage, with replayed writes. */
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Stream } from "effect"
import type { Outcome } from "../../../src/domain/rules.ts"
import { InteractionStore } from "../../../src/store/InteractionStore.ts"
import { JobResultStore, type JobResultRow } from "../../../src/store/JobResultStore.ts"
import { TopicWriter } from "../../../src/store/TopicWriter.ts"
import { UsageStore } from "../../../src/store/UsageStore.ts"
import { backends } from "../../helpers/clickhouse.ts"
import { testStoreLayer } from "./storeTestLayer.ts"

const impactedOf = (jobId: string) =>
  Effect.gen(function*() {
    return yield* Stream.runCollect((yield* JobResultStore).impactedStream(jobId))
  })

const outcomes: ReadonlyArray<Outcome> = ["updated", "unchanged", "failed"]

/** n results of a job: every third interaction updated, unchanged, failed in turn. */
const results = (jobId: string, n: number): Array<JobResultRow> =>
  Array.from({ length: n }, (_, k) => {
    const outcome = outcomes[k % 3]!
    return {
      jobId,
      interactionId: `ix-${String(n - k).padStart(5, "0")}`,
      outcome,
      newTopics: outcome === "updated" ? [`t-${k % 7}`, "t-refund-request"].sort() : []
    }
  })

describe.each(backends)("store on %s", (backend) => {
  layer(testStoreLayer("results", backend), { timeout: 60_000 })("job results and usage", (it) => {
    it.effect("impacted and outcomeCounts are exact after replayed batches", () =>
      Effect.gen(function*() {
        const store = yield* JobResultStore
        const rows = results("job-1", 3_001)
        // Batches, a full replay, and an overlapping partial replay.
        for (let k = 0; k < rows.length; k += 500) yield* store.write(rows.slice(k, k + 500))
        yield* store.write(rows)
        yield* store.write(rows.slice(1_200, 1_900))
        yield* store.write(results("job-2", 10))

        const counts = yield* store.outcomeCounts("job-1")
        assert.deepStrictEqual(counts, { updated: 1_001, unchanged: 1_000, failed: 1_000 })
        const impacted = yield* impactedOf("job-1")
        const expected = rows
          .filter((r) => r.outcome === "updated")
          .map((r) => ({ interactionId: r.interactionId, newTopics: r.newTopics }))
          .sort((x, y) => (x.interactionId < y.interactionId ? -1 : 1))
        assert.deepStrictEqual(impacted, expected)
        // Paged: the same rows whatever the page size (pages with no impacted row included).
        for (const pageSize of [97, 1_000, 3_001, 5_000]) {
          assert.deepStrictEqual(yield* Stream.runCollect(store.impactedStream("job-1", pageSize)), expected)
        }
        const job2 = yield* impactedOf("job-2")
        assert.strictEqual(job2.length, 4)
        for (const pageSize of [1, 2, 3]) assert.deepStrictEqual(yield* Stream.runCollect(store.impactedStream("job-2", pageSize)), job2)
        assert.deepStrictEqual(yield* store.outcomeCounts("job-2"), { updated: 4, unchanged: 3, failed: 3 })
        assert.deepStrictEqual(yield* store.outcomeCounts("job-none"), { updated: 0, unchanged: 0, failed: 0 })
        assert.deepStrictEqual(yield* impactedOf("job-none"), [])
        yield* store.write([])
      }))

    it.effect("deleteJob removes the job's results, not other jobs' results nor the topics it applied", () =>
      Effect.gen(function*() {
        const store = yield* JobResultStore
        const writer = yield* TopicWriter
        const interactions = yield* InteractionStore
        yield* store.write(results("job-del", 30))
        yield* store.write(results("job-keep", 30))
        const key = { interactionId: "ix-00001", transcriptId: "ix-00001-c1", blockIndex: 0 }
        yield* writer.write("job-del", 3, [{ key, added: ["t-refund-request"], removed: [] }])

        yield* store.deleteJob("job-del")
        assert.deepStrictEqual(yield* impactedOf("job-del"), [])
        assert.deepStrictEqual(yield* store.outcomeCounts("job-del"), { updated: 0, unchanged: 0, failed: 0 })
        assert.deepStrictEqual(yield* store.outcomeCounts("job-keep"), { updated: 10, unchanged: 10, failed: 10 })
        assert.deepStrictEqual(
          (yield* interactions.currentTopics(["ix-00001"])).map((r) => r.topicId),
          ["t-refund-request"]
        )
        // Deleting twice is fine; the id can be used again afterwards.
        yield* store.deleteJob("job-del")
        yield* store.write(results("job-del", 3))
        assert.deepStrictEqual(yield* store.outcomeCounts("job-del"), { updated: 1, unchanged: 1, failed: 1 })
      }))

    it.effect("usage: last value per (month, job) wins; months are separate", () =>
      Effect.gen(function*() {
        const usage = yield* UsageStore
        assert.strictEqual(yield* usage.usedInMonth("2026-03"), 0)
        yield* usage.record("2026-03", "job-1", 100)
        yield* usage.record("2026-03", "job-1", 150)
        yield* usage.record("2026-03", "job-2", 30)
        yield* usage.record("2026-03", "job-1", 150)
        yield* usage.record("2026-04", "job-1", 5)
        assert.strictEqual(yield* usage.usedInMonth("2026-03"), 180)
        assert.strictEqual(yield* usage.usedInMonth("2026-04"), 5)
        // Lower values win too: it is the job's latest total, not a maximum.
        yield* usage.record("2026-03", "job-2", 10)
        assert.strictEqual(yield* usage.usedInMonth("2026-03"), 160)
        assert.strictEqual(yield* usage.usedInMonth("2026-05"), 0)
      }))
  })
})
