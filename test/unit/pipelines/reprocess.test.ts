import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { type BlockKey, blockKeyString, type Interaction, type InteractionMeta } from "../../../src/domain/interaction.ts"
import type { Scope } from "../../../src/domain/scope.ts"
import { inScope } from "../../../src/domain/scope.ts"
import { scopeTopicIds } from "../../../src/domain/topicModel.ts"
import { makeMetrics, MetricsLive } from "../../../src/daemon/Metrics.ts"
import { type DecidedPage, decideDetected, decidePage } from "../../../src/pipelines/reprocess/decide.ts"
import type { LoadedPage } from "../../../src/pipelines/reprocess/load.ts"
import { detectionPages, reprocess, WriteBatchPages } from "../../../src/pipelines/reprocess/pipeline.ts"
import { exampleModel, generateInteractions, initialTopics } from "../../../src/seed/generate.ts"
import { type BlockRow, type BlockTopicRow, InteractionStore } from "../../../src/store/InteractionStore.ts"
import { JobResultStore, type JobResultRow } from "../../../src/store/JobResultStore.ts"
import { type BlockTopicChange, TopicWriter } from "../../../src/store/TopicWriter.ts"
import { compileDetector } from "../../../src/topics/detector.ts"
import { livePoolWorkers, makeDetectorPool, takePeakPoolBatches } from "../../../src/topics/pool.ts"
import { expectedJob } from "../../helpers/expected.ts"

const seed = { seed: 3, count: 400, from: "2026-02-01T00:00:00Z", to: "2026-02-08T00:00:00Z" }
const model = exampleModel()
const scope: Scope = {
  dateStart: seed.from,
  dateEnd: seed.to,
  programs: model.programs.slice(0, 4).map((p) => p.id),
  mediaTypes: ["voice", "chat", "email", "message", "callback"]
}
const scopeTopics = scopeTopicIds(model, scope.programs)

const interactions: ReadonlyArray<Interaction> = [...generateInteractions(seed)]
const inScopeSorted = interactions
  .filter((i) => inScope(i, scope))
  .sort((a, b) => (a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

const metaOf = ({ transcripts: _t, ...meta }: Interaction): InteractionMeta => meta
const blocksOf = (i: Interaction): Array<BlockRow> =>
  [...i.transcripts]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .flatMap((t) => t.blocks.map((b, blockIndex) => ({ interactionId: i.id, transcriptId: t.id, blockIndex, participant: b.participant, offsetMs: b.offsetMs, text: b.text })))

const loadedPage = (items: ReadonlyArray<Interaction>): LoadedPage => {
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const last = items[items.length - 1]!
  return {
    interactions: items.map(metaOf),
    last: { startTime: last.startTime, id: last.id },
    blocks: sorted.flatMap(blocksOf),
    before: sorted.flatMap((i) => [...initialTopics(i, seed.seed)])
  }
}

describe("decidePage", () => {
  it("decides what an independent computation (reference matcher + rules) expects", () => {
    const page = loadedPage(inScopeSorted)
    const decided = decidePage(compileDetector(model, scopeTopics), scopeTopics)(page)
    const expected = expectedJob(seed, model, scope)
    expect(decided.counts).toEqual(expected.counts)
    expect(new Map(decided.results.filter((r) => r.outcome === "updated").map((r) => [r.interactionId, r.newTopics]))).toEqual(expected.impacted)
    expect(decided.textBytes).toBe(page.blocks.reduce((n, b) => n + b.text.length, 0))
    expect(decided.detections).toBeGreaterThan(0)
  })

  it("with an empty scope, detects nothing and leaves every interaction unchanged", () => {
    const page = loadedPage(inScopeSorted.slice(0, 50))
    const decided = decidePage(compileDetector(model, new Set()), new Set())(page)
    expect(decided.counts).toEqual({ updated: 0, unchanged: 50, failed: 0 })
    expect(decided.changes).toEqual([])
    expect(decided.detections).toBe(0)
  })

  it("decides the same from the worker pool's detections as from the detector's", async () => {
    const page = loadedPage(inScopeSorted)
    const detector = compileDetector(model, scopeTopics)
    const pure = decidePage(detector, scopeTopics)(page)
    const pool = makeDetectorPool(detector, { workers: 2, chunkChars: 16_384 })
    try {
      expect(decideDetected(scopeTopics, page, await pool.detectTopicsBatch(page.blocks))).toEqual(pure)
    } finally {
      await pool.close()
    }
  })
})

/** A service with only the members the pipeline uses; any other member dies when called. */
const partialService = <S extends object>(members: Partial<S>): S =>
  new Proxy(members, {
    get: (target, key) => (key in target ? (target as Record<PropertyKey, unknown>)[key] : () => Effect.die(`${String(key)}: not used by the pipeline`))
  }) as S

/** The store, the topic writer and the result store in memory, over the generated interactions. */
const memoryStores = () => {
  const written: Array<BlockTopicChange> = []
  const results: Array<JobResultRow> = []
  const writes = { topics: 0, results: 0 }
  const store = partialService<Parameters<typeof InteractionStore.of>[0]>({
    countInScope: () => Effect.succeed(inScopeSorted.length),
    pageInScope: (_scope, after, limit) => {
      const from = after === undefined ? 0 : inScopeSorted.findIndex((i) => i.startTime > after.startTime || (i.startTime === after.startTime && i.id > after.id))
      return Effect.succeed(from < 0 ? [] : inScopeSorted.slice(from, from + limit).map(metaOf))
    },
    loadBlocks: (page) => Effect.succeed(loadedPage(interactions.filter((i) => page.some((m) => m.id === i.id))).blocks),
    topicsBefore: (page): Effect.Effect<ReadonlyArray<BlockTopicRow>> => Effect.succeed(loadedPage(interactions.filter((i) => page.some((m) => m.id === i.id))).before)
  })
  const layer = Layer.mergeAll(
    MetricsLive,
    Layer.succeed(InteractionStore, InteractionStore.of(store)),
    Layer.succeed(TopicWriter, TopicWriter.of(partialService<Parameters<typeof TopicWriter.of>[0]>({
      write: (_job, _version, changes) => Effect.sync(() => {
        writes.topics++
        written.push(...changes)
      })
    }))),
    Layer.succeed(JobResultStore, JobResultStore.of(partialService<Parameters<typeof JobResultStore.of>[0]>({
      write: (rows) => Effect.sync(() => {
        writes.results++
        results.push(...rows)
      })
    })))
  )
  return { layer, written, results, writes }
}

const runPipeline = (poolMinChars: number, pageSize: number, writeBatchPages?: number, poolWorkers = 2) => {
  const { layer, written, results, writes } = memoryStores()
  const pages: Array<DecidedPage> = []
  let workersDuringRun = 0
  return reprocess({
    jobId: "j",
    scope,
    scopeTopics,
    detector: compileDetector(model, scopeTopics),
    version: 1,
    resumeAfter: undefined,
    pageSize,
    metrics: makeMetrics(),
    poolMinChars,
    poolWorkers,
    ...(writeBatchPages === undefined ? {} : { writeBatchPages }),
    onPage: (page) => Effect.sync(() => {
      pages.push(page)
      workersDuringRun = Math.max(workersDuringRun, livePoolWorkers())
    })
  }).pipe(Effect.provide(layer), Effect.map(() => ({ pages, written, results, writes, workersDuringRun })))
}

const keyed = (changes: ReadonlyArray<{ key: BlockKey }>) => changes.map((c) => blockKeyString(c.key))

describe("reprocess pipeline", () => {
  it.effect("gives the same pages, writes and results on the worker pool as on the main thread, and stops the pool at the end", () =>
    Effect.gen(function*() {
      const before = livePoolWorkers()
      const pure = yield* runPipeline(Infinity, 60)
      expect(pure.workersDuringRun).toBe(before)
      takePeakPoolBatches()
      const pooled = yield* runPipeline(0, 60)
      expect(pooled.workersDuringRun).toBe(before + 2)
      // Two workers: two pages in detection at once, and still everything in order.
      expect(takePeakPoolBatches()).toBe(2)
      expect(pooled.pages).toEqual(pure.pages)
      expect(pooled.results).toEqual(pure.results)
      expect(keyed(pooled.written)).toEqual(keyed(pure.written))
      expect(pooled.written).toEqual(pure.written)
      expect(pure.pages.reduce((n, p) => n + p.interactions.length, 0)).toBe(inScopeSorted.length)
      // Small pages: written and checkpointed one by one, in order.
      expect(pure.pages.map((p) => p.last)).toEqual(
        pure.pages.map((_, k) => {
          const i = inScopeSorted[Math.min(inScopeSorted.length, (k + 1) * 60) - 1]!
          return { startTime: i.startTime, id: i.id }
        })
      )
      expect(pure.writes.results).toBe(pure.pages.length)
      expect(pure.results.map((r) => r.interactionId)).toEqual(inScopeSorted.map((i) => i.id))
      // Workers are gone once the pipeline is over.
      yield* Effect.promise(async () => {
        for (let k = 0; k < 100 && livePoolWorkers() > before; k++) await new Promise((r) => setTimeout(r, 20))
      })
      expect(livePoolWorkers()).toBe(before)
    }))

  it.effect("sends a single worker one page at a time, and the same pages as two workers get", () =>
    Effect.gen(function*() {
      expect([1, 2, 3, 8].map(detectionPages)).toEqual([1, 2, 2, 2])
      const two = yield* runPipeline(0, 60, 1, 2)
      takePeakPoolBatches()
      const one = yield* runPipeline(0, 60, 1, 1)
      expect(takePeakPoolBatches()).toBe(1)
      expect(one.pages).toEqual(two.pages)
      expect(one.results).toEqual(two.results)
      expect(one.written).toEqual(two.written)
    }))

  it.effect("writes and reports batches of pages as one page: same results, fewer writes, counts add up", () =>
    Effect.gen(function*() {
      const single = yield* runPipeline(Infinity, 40, 1)
      const batched = yield* runPipeline(Infinity, 40, WriteBatchPages)
      expect(single.pages.length).toBeGreaterThan(WriteBatchPages)
      expect(batched.pages.length).toBe(Math.ceil(single.pages.length / WriteBatchPages))
      expect(batched.writes.results).toBe(batched.pages.length)
      expect(batched.results).toEqual(single.results)
      expect(batched.written).toEqual(single.written)
      // Each reported page is its batch: interactions, counts and checkpoint of the batch's pages.
      batched.pages.forEach((page, b) => {
        const parts = single.pages.slice(b * WriteBatchPages, (b + 1) * WriteBatchPages)
        expect(page.interactions).toEqual(parts.flatMap((p) => p.interactions))
        expect(page.last).toEqual(parts[parts.length - 1]!.last)
        expect(page.counts).toEqual({
          updated: parts.reduce((n, p) => n + p.counts.updated, 0),
          unchanged: parts.reduce((n, p) => n + p.counts.unchanged, 0),
          failed: parts.reduce((n, p) => n + p.counts.failed, 0)
        })
        expect(page.detections).toBe(parts.reduce((n, p) => n + p.detections, 0))
      })
    }))

  it.effect("stops the pool when the pipeline fails", () =>
    Effect.gen(function*() {
      const before = livePoolWorkers()
      const { layer } = memoryStores()
      const exit = yield* reprocess({
        jobId: "j",
        scope,
        scopeTopics,
        detector: compileDetector(model, scopeTopics),
        version: 1,
        resumeAfter: undefined,
        pageSize: 60,
        metrics: makeMetrics(),
        poolMinChars: 0,
        poolWorkers: 1,
        onPage: () => Effect.fail("stop" as const)
      }).pipe(Effect.provide(layer), Effect.exit)
      expect(exit).toMatchObject({ _tag: "Failure", cause: { reasons: [{ error: "stop" }] } })
      yield* Effect.promise(async () => {
        for (let k = 0; k < 100 && livePoolWorkers() > before; k++) await new Promise((r) => setTimeout(r, 20))
      })
      expect(livePoolWorkers()).toBe(before)
    }))
})
