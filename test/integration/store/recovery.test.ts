/** Recovery bookkeeping: counts per run and media type, pending conversations until resolved. */
import { assert, describe, layer } from "@effect/vitest"
import { Effect } from "effect"
import { RecoveryStore } from "../../../src/store/RecoveryStore.ts"
import { backends } from "../../helpers/clickhouse.ts"
import { testStoreLayer } from "./storeTestLayer.ts"

const counts = (n: number) => ({ platform: n, store: n - 2, missing: 2, recovered: 1, pending: 1, failed: 0 })

describe.each(backends)("store on %s", (backend) => {
  layer(testStoreLayer("recovery", backend), { timeout: 60_000 })("recovery store", (it) => {
    it.effect("counts per media type; recording again replaces them", () =>
      Effect.gen(function*() {
        const store = yield* RecoveryStore
        yield* store.recordCounts("run-1", { chat: counts(10), email: counts(5) })
        yield* store.recordCounts("run-1", { chat: counts(12), email: counts(5) })
        assert.deepStrictEqual(yield* store.countsOf("run-1"), { chat: counts(12), email: counts(5) })
        assert.deepStrictEqual(yield* store.countsOf("run-2"), {})
      }))

    it.effect("pending conversations stay until resolved, attempts counted, oldest first", () =>
      Effect.gen(function*() {
        const store = yield* RecoveryStore
        yield* store.markPending([{ conversationId: "c-2", mediaType: "chat", conversation: "{}" }], "run-1")
        yield* Effect.promise(() => new Promise((r) => setTimeout(r, 5)))
        yield* store.markPending([{ conversationId: "c-1", mediaType: "email", conversation: "{\"id\":\"c-1\"}" }, { conversationId: "c-2", mediaType: "chat", conversation: "{}" }], "run-2")
        const pending = yield* store.pending(10)
        assert.deepStrictEqual(pending.map((p) => [p.conversationId, p.attempts, p.runId]), [["c-2", 2, "run-2"], ["c-1", 1, "run-2"]])
        assert.strictEqual(pending[1]!.conversation, "{\"id\":\"c-1\"}")
        yield* store.resolvePending(["c-2", "c-unknown"])
        assert.deepStrictEqual((yield* store.pending(10)).map((p) => p.conversationId), ["c-1"])
        // Resolving twice, or marking nothing, changes nothing.
        yield* store.resolvePending(["c-2"])
        yield* store.markPending([], "run-3")
        assert.deepStrictEqual((yield* store.pending(10)).map((p) => p.conversationId), ["c-1"])
        // Pending again after it was resolved: its tries and first sighting start anew.
        const before = Date.now()
        yield* Effect.promise(() => new Promise((r) => setTimeout(r, 5)))
        yield* store.markPending([{ conversationId: "c-2", mediaType: "chat", conversation: "{}" }], "run-4")
        const again = (yield* store.pending(10)).find((p) => p.conversationId === "c-2")
        assert.strictEqual(again?.attempts, 1)
        assert.isAtLeast(Date.parse(again!.firstSeen), before)
        assert.deepStrictEqual((yield* store.pendingSummary()).map((s) => [s.mediaType, s.conversations]), [["chat", 1], ["email", 1]])
      }))

    it.effect("10,000 pending conversations at once (recovery's retry limit): marked, bumped, resolved", () =>
      Effect.gen(function*() {
        const store = yield* RecoveryStore
        const ids = Array.from({ length: 10_000 }, (_, k) => `${String(k).padStart(8, "0")}-0000-4000-8000-${String(k).padStart(12, "0")}`)
        const items = ids.map((conversationId) => ({ conversationId, mediaType: "chat", conversation: `{"id":"${conversationId}"}` }))
        yield* store.markPending(items, "run-big")
        yield* store.markPending(items.slice(0, 4_000), "run-big-2")
        const pending = (yield* store.pending(20_000)).filter((p) => p.runId.startsWith("run-big"))
        assert.strictEqual(pending.length, 10_000)
        assert.strictEqual(pending.filter((p) => p.attempts === 2).length, 4_000)
        yield* store.resolvePending(ids)
        assert.deepStrictEqual((yield* store.pending(20_000)).filter((p) => p.runId.startsWith("run-big")), [])
      }))
  })
})
