/**
 * countInScope / pageInScope against the reference predicate `inScope` over seeded data,
 * keyset paging, block loading, and idempotent re-insertion.
 */
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import type { InteractionMeta, PageKey } from "../../../src/domain/interaction.ts"
import { MediaTypes, type MediaType } from "../../../src/domain/media.ts"
import { inScope, type Scope } from "../../../src/domain/scope.ts"
import { Agents, Divisions, exampleModel, generateInteractions, initialTopics, UnmappedQueue } from "../../../src/seed/generate.ts"
import { seedStore } from "../../../src/seed/seedStore.ts"
import { type BlockRow, InteractionStore } from "../../../src/store/InteractionStore.ts"
import { type Backend, backends } from "../../helpers/clickhouse.ts"
import { testStoreLayer } from "./storeTestLayer.ts"

const seed = { seed: 11, count: 2_500, from: "2026-02-20T00:00:00Z", to: "2026-03-10T00:00:00Z" }
const all = [...generateInteractions(seed)].sort((a, b) =>
  a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
)
const metaOf = ({ transcripts: _, ...meta }: (typeof all)[number]): InteractionMeta => meta
const model = exampleModel()
const programIds = model.programs.map((p) => p.id)
const queueIds = [...new Set(all.map((i) => i.queueId))].sort()

const everything: Scope = {
  dateStart: seed.from,
  dateEnd: seed.to,
  programs: programIds,
  mediaTypes: [...MediaTypes]
}

const seeded = (backend: Backend) =>
  Layer.effectDiscard(seedStore({ ...seed, batchSize: 600 }).pipe(Effect.orDie)).pipe(
    Layer.provideMerge(testStoreLayer("scope", backend))
  )

/** Page through a scope with keyset paging; returns every id in order. */
const pageAll = (store: InteractionStore["Service"], scope: Scope, size: number) =>
  Effect.gen(function*() {
    const out: Array<InteractionMeta> = []
    let after: PageKey | undefined
    for (;;) {
      const page = yield* store.pageInScope(scope, after, size)
      assert.isAtMost(page.length, size)
      out.push(...page)
      if (page.length < size) break
      const last = page[page.length - 1]!
      after = { startTime: last.startTime, id: last.id }
    }
    return out
  })

const expectedIds = (scope: Scope) => all.filter((i) => inScope(i, scope)).map((i) => i.id)

const checkScope = (scope: Scope, pageSizes: ReadonlyArray<number> = [997]) =>
  Effect.gen(function*() {
    const store = yield* InteractionStore
    const expected = expectedIds(scope)
    assert.strictEqual(yield* store.countInScope(scope), expected.length, `count of ${JSON.stringify(scope)}`)
    for (const size of pageSizes) {
      const got = (yield* pageAll(store, scope, size)).map((i) => i.id)
      assert.strictEqual(new Set(got).size, got.length, "no interaction twice")
      assert.deepStrictEqual(got, expected, `page size ${size} of ${JSON.stringify(scope)}`)
    }
    return expected.length
  })

/** Deterministic pseudo-random subset (never empty when `nonEmpty`). */
const subset = <A>(xs: ReadonlyArray<A>, r: () => number, p: number, nonEmpty = false): Array<A> => {
  const out = xs.filter(() => r() < p)
  if (nonEmpty && out.length === 0) out.push(xs[Math.floor(r() * xs.length)]!)
  return out
}

const lcg = (s: number) => () => {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0
  return s / 4294967296
}

describe.each(backends)("store on %s", (backend) => {
  layer(seeded(backend), { timeout: 120_000 })("InteractionStore scope queries", (it) => {
    it.effect("the seeded data reads back exactly (metadata and order)", () =>
      Effect.gen(function*() {
        const store = yield* InteractionStore
        const got = yield* pageAll(store, everything, 1000)
        assert.deepStrictEqual(got, all.filter((i) => i.programIds.length > 0).map(metaOf))
        assert.isAbove(all.filter((i) => i.programIds.length === 0).length, 0, "the unmapped queue is in the data")
      }))

    it.effect("keyset paging with odd page sizes covers every row exactly once", () =>
      Effect.gen(function*() {
        const n = yield* checkScope(everything, [7, 113, 1000, 5000])
        assert.isAbove(n, 2000)
        const narrow = yield* checkScope({ ...everything, programs: ["p-sales"], mediaTypes: ["chat", "message"] }, [1, 2])
        assert.isAbove(narrow, 20)
      }), 120_000)

    it.effect("media types, programs and dialects", () =>
      Effect.gen(function*() {
        assert.isAbove(
          yield* checkScope({ ...everything, programs: ["p-billing"], mediaTypes: ["chat", "email"], dialects: ["fr-fr", "de-de"] }, [13]),
          0
        )
        assert.isAbove(yield* checkScope({ ...everything, mediaTypes: ["callback"] }), 0)
        assert.isAbove(yield* checkScope({ ...everything, programs: ["p-pilot", "p-sales"], dialects: ["es-es"] }), 0)
        // Unknown program, no media type: nothing.
        assert.strictEqual(yield* checkScope({ ...everything, programs: ["p-unknown"] }), 0)
        assert.strictEqual(yield* checkScope({ ...everything, mediaTypes: [] }), 0)
      }))

    it.effect("advanced filters: queues, divisions, directions, agents, duration bounds", () =>
      Effect.gen(function*() {
        assert.isAbove(yield* checkScope({ ...everything, filters: { queues: ["q-billing", UnmappedQueue] } }, [31]), 0)
        assert.isAbove(yield* checkScope({ ...everything, filters: { divisions: ["div-north"], directions: ["outbound"] } }), 0)
        assert.isAbove(yield* checkScope({ ...everything, filters: { agents: ["ag-001", "ag-002", "ag-003"] } }), 0)
        // Duration bounds exactly at an interaction's duration: inclusive on both ends.
        const i = all.find((x) => x.programIds.length > 0)!
        const d = Date.parse(i.endTime) - Date.parse(i.startTime)
        const exact = yield* checkScope({ ...everything, filters: { minDurationMs: d, maxDurationMs: d } })
        assert.isAtLeast(exact, 1)
        assert.isAbove(yield* checkScope({ ...everything, filters: { minDurationMs: 600_000 } }), 0)
        assert.isAbove(yield* checkScope({ ...everything, filters: { maxDurationMs: 300_000 } }), 0)
        // Empty arrays mean "no filter".
        const none = yield* checkScope({ ...everything, dialects: [], filters: { queues: [], divisions: [], directions: [], agents: [] } })
        assert.strictEqual(none, expectedIds(everything).length)
      }))

    it.effect("date bounds: start inclusive, end exclusive, any zone notation", () =>
      Effect.gen(function*() {
        const start = all[100]!.startTime
        const end = all[2000]!.startTime
        const scope = { ...everything, dateStart: start, dateEnd: end }
        const ids = expectedIds(scope)
        assert.include(ids, all.filter((i) => i.startTime === start && i.programIds.length > 0)[0]?.id ?? ids[0])
        assert.notInclude(ids, all[2000]!.id)
        yield* checkScope(scope, [101])
        // The same instants written with an offset.
        const shifted = (iso: string) => {
          const d = new Date(Date.parse(iso) + 2 * 3_600_000).toISOString().slice(0, 23)
          return `${d}+02:00`
        }
        const store = yield* InteractionStore
        assert.strictEqual(
          yield* store.countInScope({ ...scope, dateStart: shifted(start), dateEnd: shifted(end) }),
          ids.length
        )
        // One millisecond either side.
        const ms = (iso: string, delta: number) => new Date(Date.parse(iso) + delta).toISOString()
        yield* checkScope({ ...everything, dateStart: ms(start, 1), dateEnd: ms(end, 1) })
        yield* checkScope({ ...everything, dateStart: ms(start, -1), dateEnd: ms(end, -1) })
        // Empty and inverted ranges.
        assert.strictEqual(yield* checkScope({ ...everything, dateStart: start, dateEnd: start }), 0)
        assert.strictEqual(yield* checkScope({ ...everything, dateStart: end, dateEnd: start }), 0)
      }))

    it.effect("random scopes agree with inScope", () =>
      Effect.gen(function*() {
        const r = lcg(20260301)
        const span = Date.parse(seed.to) - Date.parse(seed.from)
        for (let k = 0; k < 30; k++) {
          const a = Date.parse(seed.from) - 86_400_000 + Math.floor(r() * (span + 86_400_000))
          const b = a + Math.floor(r() * span)
          const filters = {
            ...(r() < 0.4 ? { queues: subset(queueIds, r, 0.4) } : {}),
            ...(r() < 0.3 ? { divisions: subset(Divisions, r, 0.5) } : {}),
            ...(r() < 0.3 ? { directions: subset(["inbound", "outbound"] as const, r, 0.5) } : {}),
            ...(r() < 0.3 ? { agents: subset(Agents, r, 0.2) } : {}),
            ...(r() < 0.3 ? { minDurationMs: Math.floor(r() * 900_000) } : {}),
            ...(r() < 0.3 ? { maxDurationMs: 900_000 + Math.floor(r() * 3_600_000) } : {})
          }
          const scope: Scope = {
            dateStart: new Date(a).toISOString(),
            dateEnd: new Date(b).toISOString(),
            programs: subset(programIds, r, 0.35, true),
            mediaTypes: subset<MediaType>(MediaTypes, r, 0.6, true),
            ...(r() < 0.3 ? { dialects: subset(["en-us", "fr-fr", "de-de", "es-es"], r, 0.5) } : {}),
            ...(r() < 0.7 ? { filters } : {})
          }
          yield* checkScope(scope, [k % 2 === 0 ? 250 : 999])
        }
      }), 120_000)

    it.effect("loadBlocks returns every block of the page, in order, text intact", () =>
      Effect.gen(function*() {
        const store = yield* InteractionStore
        const page = yield* store.pageInScope({ ...everything, dialects: ["fr-fr", "de-de", "es-es"] }, undefined, 300)
        assert.isAbove(page.length, 100)
        const byId = new Map(all.map((i) => [i.id, i]))
        const expected: Array<BlockRow> = []
        for (const id of page.map((p) => p.id).sort()) {
          const i = byId.get(id)!
          for (const t of [...i.transcripts].sort((x, y) => (x.id < y.id ? -1 : 1))) {
            t.blocks.forEach((b, blockIndex) =>
              expected.push({ interactionId: id, transcriptId: t.id, blockIndex, participant: b.participant, offsetMs: b.offsetMs, text: b.text })
            )
          }
        }
        assert.deepStrictEqual(yield* store.loadBlocks(page), expected)
        assert.isTrue(expected.some((b) => /[éüñç]/i.test(b.text)), "accented text round-trips")
        assert.deepStrictEqual(yield* store.loadBlocks([]), [])
      }))

    it.effect("idsInPeriod lists the interactions whose start is in [from, to)", () =>
      Effect.gen(function*() {
        const store = yield* InteractionStore
        const from = all[10]!.startTime
        const to = all[700]!.startTime
        const expected = all
          .filter((i) => Date.parse(i.startTime) >= Date.parse(from) && Date.parse(i.startTime) < Date.parse(to))
          .map((i) => i.id)
          .sort()
        assert.deepStrictEqual(yield* store.idsInPeriod(from, to), expected)
      }))

    it.effect("idsIn answers for the 10,000 ids recovery may ask about at once (more than one HTTP parameter holds)", () =>
      Effect.gen(function*() {
        const store = yield* InteractionStore
        // Platform ids are UUIDs: 7,500 unknown ones, and the 2,500 seeded ids, shuffled in.
        const unknown = Array.from({ length: 7_500 }, (_, k) => `${String(k).padStart(8, "0")}-0000-4000-8000-${String(k).padStart(12, "0")}`)
        const known = all.map((i) => i.id)
        const asked = unknown.flatMap((id, k) => (k % 3 === 0 && known[k / 3] !== undefined ? [id, known[k / 3]!] : [id]))
        assert.strictEqual(asked.length, 10_000)
        assert.deepStrictEqual(yield* store.idsIn(asked), [...known].sort())
      }))

    it.effect("re-inserting the same interactions (and seeding again) leaves no duplicates", () =>
      Effect.gen(function*() {
        const store = yield* InteractionStore
        const before = yield* store.countInScope(everything)
        const first = all.slice(0, 400)
        yield* store.insertInteractions(first, "ingest")
        yield* store.insertInteractions(first, "recovery", first.flatMap((i) => initialTopics(i, seed.seed)), 0)
        yield* seedStore({ ...seed, batchSize: 1_000 })
        assert.strictEqual(yield* store.countInScope(everything), before)
        yield* checkScope(everything, [499])
        const page = yield* store.pageInScope(everything, undefined, 150)
        const blocks = yield* store.loadBlocks(page)
        const keys = blocks.map((b) => `${b.interactionId}/${b.transcriptId}/${b.blockIndex}`)
        assert.strictEqual(new Set(keys).size, keys.length, "no block twice")
        const byId = new Map(all.map((i) => [i.id, i]))
        assert.strictEqual(
          blocks.length,
          page.reduce((n, p) => n + byId.get(p.id)!.transcripts.reduce((m, t) => m + t.blocks.length, 0), 0)
        )
        const topics = yield* store.currentTopics(page.map((p) => p.id))
        const expected = page
          .flatMap((p) => initialTopics(byId.get(p.id)!, seed.seed))
          .map((t) => `${t.interactionId}/${t.transcriptId}/${t.blockIndex}/${t.topicId}`)
          .sort()
        assert.deepStrictEqual(topics.map((t) => `${t.interactionId}/${t.transcriptId}/${t.blockIndex}/${t.topicId}`).sort(), expected)
        assert.deepStrictEqual(yield* store.idsInPeriod(seed.from, seed.to), all.map((i) => i.id).sort())
      }), 120_000)
  })
})

describe("reference data", () => {
  layer(Layer.empty)((it) => {
    it.effect("covers the edge cases the scope tests rely on", () =>
      Effect.sync(() => {
        assert.includeMembers([...new Set(all.map((i) => i.mediaType))], [...MediaTypes])
        assert.isAbove(all.filter((i) => i.agentIds.length === 2).length, 0)
      }))
  })
})
