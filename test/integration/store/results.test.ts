/** Job results (export, outcome counts, delete) and monthly usage, with replayed writes. */
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Stream } from "effect"
import type { Outcome } from "../../../src/domain/rules.ts"
import { ClickHouse } from "../../../src/store/ClickHouse.ts"
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

    it.effect("a batch written again with its token is dropped by the engine: plain reads and FINAL agree", () =>
      Effect.gen(function*() {
        const store = yield* JobResultStore
        const topics = yield* TopicWriter
        const ch = yield* ClickHouse
        const plainAndFinal = (table: string, jobId: string) =>
          Effect.promise(async () => {
            const q = async (final: string) =>
              Number(((await (await ch.client.query({
                query: `SELECT count() AS n FROM ${ch.database}.${table} ${final} WHERE job_id = {job:String}`,
                query_params: { job: jobId },
                format: "JSONEachRow"
              })).json()) as Array<{ n: string }>)[0]!.n)
            return { plain: await q(""), final: await q("FINAL") }
          })
        const rows = results("job-dedup", 600)
        const changes = rows.slice(0, 50).map((r, k) => ({ key: { interactionId: r.interactionId, transcriptId: "tr-1", blockIndex: k }, added: ["t-a"], removed: [] }))
        for (let replay = 0; replay < 3; replay++) {
          // Each replay's rows carry a later processed_at: only the token says they are the same batch.
          yield* Effect.promise(() => new Promise((r) => setTimeout(r, 5)))
          yield* store.write(rows.slice(0, 300), "job-dedup/1/a")
          yield* store.write(rows.slice(300), "job-dedup/1/b")
          yield* topics.write("job-dedup", 7, changes, "job-dedup/7/a")
        }
        assert.deepStrictEqual(yield* plainAndFinal("job_results", "job-dedup"), { plain: 600, final: 600 })
        assert.deepStrictEqual(yield* plainAndFinal("block_topics", "job-dedup"), { plain: 50, final: 50 })
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
