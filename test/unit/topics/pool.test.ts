import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Block } from "../../../src/domain/interaction.ts"
import type { Topic, TopicModel } from "../../../src/domain/topicModel.ts"
import type { BatchTopics } from "../../../src/topics/batchTopics.ts"
import { compileDetector, type Detector } from "../../../src/topics/detector.ts"
import { type DetectorPool, detectorPool, type DetectorPoolOptions, makeDetectorPool } from "../../../src/topics/pool.ts"
import { toUnitChunks } from "../../../src/topics/unitChunks.ts"
import { type Prng, prng } from "./reference.ts"

const WORDS = ["cancel", "my", "account", "refund", "the", "order", "please", "отменить", "заказ", "キャンセル", "café", "don't", "telecommunications", "x", "y"]

const randomModel = (rng: Prng): TopicModel => {
  const topics: Array<Topic> = []
  for (let t = 0; t < 1 + rng.int(30); t++) {
    const phrases = Array.from({ length: 1 + rng.int(4) }, () => {
      const text = Array.from({ length: 1 + rng.int(3) }, () => rng.pick(WORDS)).join(" ")
      return rng.chance(0.3) ? { text, strictness: rng.pick(["1", "55", "85"] as const) } : text
    })
    topics.push({ id: `t${t}`, name: `T${t}`, participants: rng.pick(["external", "internal", "all"] as const), phrases })
  }
  return { programs: [], topics }
}

const randomBlocks = (rng: Prng, n: number): Array<Block> =>
  Array.from({ length: n }, () => ({
    participant: rng.chance(0.5) ? "external" : "internal",
    offsetMs: 0,
    text: Array.from({ length: rng.int(rng.chance(0.02) ? 2000 : 30) }, () => rng.pick(WORDS)).join(rng.pick([" ", ", ", "\n"]))
  }))

setFlagsFromString("--expose-gc")

/** Run `f` with a pool over `detector`, closed after whatever way `f` ends. */
const withPool = async (detector: Detector, options: DetectorPoolOptions, f: (pool: DetectorPool) => Promise<void>) => {
  const pool = makeDetectorPool(detector, options)
  try {
    await f(pool)
  } finally {
    await pool.close()
  }
}

/** A batch's answer as an array of sets. */
const arrayOf = async (p: Promise<BatchTopics>) => (await p).toArray()

/** Sets as arrays, keeping their order (the pool must return the detector's sets exactly). */
const asArrays = (sets: ReadonlyArray<ReadonlySet<string>>) => sets.map((s) => [...s])

describe("detector pool", () => {
  it("returns exactly what the single-thread detector returns, in order, over many chunks (either engine)", async () => {
    const rng = prng(99)
    for (let c = 0; c < 8; c++) {
      const model = randomModel(rng)
      const restrict = rng.chance(0.5) ? new Set(model.topics.filter(() => rng.chance(0.5)).map((t) => t.id)) : undefined
      const detector = compileDetector(model, restrict)
      await withPool(detector, { workers: 2, chunkChars: 2048, engine: c % 2 === 0 ? "wasm" : "js" }, async (pool) => {
        const blocks = randomBlocks(rng, 1500)
        const want = blocks.map((b) => detector.detectTopics(b))
        const got = (await pool.detectTopicsBatch(blocks)).toArray()
        expect(asArrays(got)).toEqual(asArrays(want))
        // Same shared instances for zero or one topic.
        for (let k = 0; k < want.length; k++) if (want[k]!.size <= 1) expect(got[k]).toBe(want[k])
        // Concurrent batches keep their own order.
        const [a, b] = await Promise.all([pool.detectTopicsBatch(blocks.slice(0, 700)), pool.detectTopicsBatch(blocks.slice(700))])
        expect(asArrays([...a.toArray(), ...b.toArray()])).toEqual(asArrays(want))
      })
    }
  })

  it("returns blocks of several topics as read-only sets over the workers' answer, over chunks of every size", async () => {
    const d = compileDetector({
      programs: [],
      topics: [
        { id: "a", name: "A", participants: "all", phrases: ["refund"] },
        { id: "b", name: "B", participants: "all", phrases: ["my order"] },
        { id: "c", name: "C", participants: "internal", phrases: ["refund please"] }
      ]
    })
    await withPool(d, { workers: 2, chunkChars: 1024 }, async (pool) => {
      const short = (k: number): Block => ({ participant: k % 2 === 0 ? "external" : "internal", offsetMs: 0, text: `${k}: my order, a refund please` })
      // Chunks of ~1,000 units, then one block longer than a chunk (a bigger buffer), then short ones again.
      let chunks = 0
      for (const blocks of [Array.from({ length: 300 }, (_, k) => short(k)), [{ participant: "internal" as const, offsetMs: 0, text: "refund please ".repeat(500) + "my order" }], Array.from({ length: 300 }, (_, k) => short(k + 1))]) {
        const got = (await pool.detectTopicsBatch(blocks)).toArray()
        chunks += toUnitChunks(blocks, 1024).length
        const want = blocks.map((b) => d.detectTopics(b))
        expect(asArrays(got)).toEqual(asArrays(want))
        for (let k = 0; k < got.length; k++) {
          const g = got[k]!
          const w = want[k]!
          expect(g.size).toBe(w.size)
          for (const id of ["a", "b", "c", "x"]) expect(g.has(id)).toBe(w.has(id))
          expect([...g.keys()]).toEqual([...w.keys()])
          expect([...g.entries()]).toEqual([...w.entries()])
          const seen: Array<string> = []
          g.forEach((v, key, set) => {
            expect(key).toBe(v)
            expect(set).toBe(g)
            seen.push(v)
          })
          expect(seen).toEqual([...w])
        }
      }
      // Every chunk was answered, and the workers spent time in the engine.
      const stats = pool.stats()
      expect(stats).toHaveLength(2)
      expect(stats.reduce((n, s) => n + s.chunks, 0)).toBe(chunks)
      expect(stats.reduce((n, s) => n + s.engineMs, 0)).toBeGreaterThan(0)
    })
  })

  it("answers by message the chunks whose topics do not fit the shared results, and reads blocks in any order", async () => {
    // Eight topics per block: 8,000 topics for 1,000 blocks, past the room the pool keeps
    // (twice the blocks, at least 4,096), so the last chunks come back by message.
    const topics = Array.from({ length: 8 }, (_, t) => ({ id: `t${t}`, name: `T${t}`, participants: "all" as const, phrases: [`word${t}`] }))
    const d = compileDetector({ programs: [], topics })
    await withPool(d, { workers: 2, chunkChars: 1024 }, async (pool) => {
      const text = topics.map((t) => t.phrases[0]).join(" ")
      const blocks: Array<Block> = Array.from({ length: 1000 }, (_, k) => ({ participant: k % 2 === 0 ? "external" : "internal", offsetMs: 0, text: `${k} ${text}` }))
      const got = await pool.detectTopicsBatch(blocks)
      const want = blocks.map((b) => d.detectTopics(b))
      expect(got.length).toBe(1000)
      expect(asArrays(got.toArray())).toEqual(asArrays(want))
      // Backwards, and outside the batch.
      for (let k = 999; k >= 0; k -= 37) expect([...got.at(k)!]).toEqual([...want[k]!])
      expect(got.at(-1)).toBeUndefined()
      expect(got.at(1000)).toBeUndefined()
      expect([...got].length).toBe(1000)
    })
  })

  it("keeps a batch's answers intact while they are held, through later batches and collections", async () => {
    const d = compileDetector({
      programs: [],
      topics: [
        { id: "a", name: "A", participants: "all", phrases: ["refund"] },
        { id: "b", name: "B", participants: "all", phrases: ["my order"] },
        { id: "c", name: "C", participants: "all", phrases: ["cancel"] }
      ]
    })
    const collect = runInNewContext("gc") as () => void
    await withPool(d, { workers: 2, chunkChars: 1024 }, async (pool) => {
      const texts = ["my order and a refund", "cancel my order", "a refund, cancel it", "nothing", "refund"]
      const blocksOf = (shift: number): Array<Block> =>
        Array.from({ length: 800 }, (_, k) => ({ participant: "external", offsetMs: 0, text: texts[(k + shift) % texts.length]! }))
      const held = await pool.detectTopicsBatch(blocksOf(0))
      const want = asArrays(held.toArray())
      const list = held.at(0)! // a TopicList over the batch's answers
      expect([...list]).toEqual(["b", "a"])
      for (let round = 1; round < 30; round++) {
        // Later batches' answers are dropped at once, so their buffers come back and are reused.
        await pool.detectTopicsBatch(blocksOf(round))
        collect()
        await new Promise((r) => setTimeout(r, 0))
      }
      expect(asArrays(held.toArray())).toEqual(want)
      expect([...list]).toEqual(["b", "a"])
    })
  })

  it("reuses a released batch's buffer for the next batches, and refuses reads from the released one", async () => {
    const d = compileDetector({
      programs: [],
      topics: [
        { id: "a", name: "A", participants: "all", phrases: ["refund"] },
        { id: "b", name: "B", participants: "all", phrases: ["my order"] },
        { id: "c", name: "C", participants: "all", phrases: ["cancel"] }
      ]
    })
    const collect = runInNewContext("gc") as () => void
    await withPool(d, { workers: 2, chunkChars: 1024 }, async (pool) => {
      const texts = ["my order and a refund", "cancel my order", "a refund, cancel it", "nothing", "refund"]
      const blocksOf = (shift: number): Array<Block> =>
        Array.from({ length: 800 }, (_, k) => ({ participant: "external", offsetMs: 0, text: texts[(k + shift) % texts.length]! }))
      const expected = (shift: number) => asArrays(blocksOf(shift).map((b) => d.detectTopics(b)))
      const first = await pool.detectTopicsBatch(blocksOf(0))
      const list = first.at(0)!
      expect([...list]).toEqual(["b", "a"])
      first.release()
      first.release() // idempotent
      expect(() => first.at(0)).toThrow(/released/)
      expect(() => list.has("a")).toThrow(/released/)
      expect(() => [...list]).toThrow(/released/)
      // One batch, released; its answer unreachable once this returns.
      const once = async (shift: number) => {
        const got = await pool.detectTopicsBatch(blocksOf(shift))
        expect(asArrays(got.toArray())).toEqual(expected(shift))
        got.release()
      }
      for (let round = 1; round < 10; round++) {
        await once(round)
        // A released buffer must not come back a second time when its view is collected: two
        // batches at once would then share it.
        collect()
        await new Promise((r) => setTimeout(r, 10))
        const [x, y] = await Promise.all([pool.detectTopicsBatch(blocksOf(round)), pool.detectTopicsBatch(blocksOf(round + 1))])
        expect(asArrays(x.toArray())).toEqual(expected(round))
        expect(asArrays(y.toArray())).toEqual(expected(round + 1))
        x.release()
        y.release()
      }
    })
  })

  it("keeps the biggest buffers for the next batches, so batches growing a little make few new ones", async () => {
    const d = compileDetector({ programs: [], topics: [{ id: "t", name: "T", participants: "all", phrases: ["refund"] }] })
    await withPool(d, { workers: 2, chunkChars: 4096 }, async (pool) => {
      const blocks = Array.from({ length: 1300 }, (_, k): Block => ({ participant: "external", offsetMs: 0, text: `${k} a refund please` }))
      // 30 batches, each 1% bigger than the one before; one at a time, each released once read.
      for (let n = 1000; n < 1300; n += 10) {
        const got = await pool.detectTopicsBatch(blocks.slice(0, n))
        expect(got.at(n - 1)).toEqual(new Set(["t"]))
        got.release()
      }
      // Kept as they came back, the first buffers stayed and every batch bigger than them made
      // a new one (60 here); the biggest kept, with room to spare, serve the batches after them.
      expect(pool.buffersMade()).toBeLessThanOrEqual(8)
    })
  })

  it("starts the workers beyond `writingWorkers` only once the batch is written", async () => {
    const d = compileDetector({ programs: [], topics: [{ id: "t", name: "T", participants: "all", phrases: ["refund"] }] })
    await withPool(d, { workers: 2, writingWorkers: 1, chunkChars: 16_384 }, async (pool) => {
      const good = (k: number): Block => ({ participant: "external", offsetMs: 0, text: `${k} a refund please, ${"and so on ".repeat(120)}` })
      // The last block holds up the writing for 300 ms once its chunk is being written. Meanwhile
      // the first worker answers the chunks before it (≈ 10 MB of text, milliseconds of work: a
      // worker started with it would have claimed some of them), and the second, waiting for the
      // writing to end, none.
      let reads = 0
      const slow = {
        participant: "internal" as const,
        offsetMs: 0,
        get text(): string {
          if (++reads === 2) {
            const until = Date.now() + 300
            while (Date.now() < until) { /* the writing thread is busy */ }
          }
          return "a refund"
        }
      }
      const blocks = [...Array.from({ length: 4000 }, (_, k) => good(k)), slow]
      // The workers start (and compile the model) on the first batch: this one.
      await pool.detectTopicsBatch(blocks.slice(0, 100))
      const before = pool.stats()
      const got = await pool.detectTopicsBatch(blocks)
      expect(asArrays(got.toArray())).toEqual(blocks.map(() => ["t"]))
      const [first, second] = pool.stats().map((w, k) => w.chunks - before[k]!.chunks)
      expect(first).toBeGreaterThan(200)
      expect(second).toBe(0)
    })
  })

  it("fails a batch whose blocks cannot be written, lets the waiting workers go, and takes the next batch", async () => {
    const d = compileDetector({ programs: [], topics: [{ id: "t", name: "T", participants: "all", phrases: ["refund"] }] })
    // One worker starts while the batch is written, the other once the writing ends (here, fails).
    await withPool(d, { workers: 2, writingWorkers: 1, chunkChars: 1024 }, async (pool) => {
      const good = (k: number): Block => ({ participant: "external", offsetMs: 0, text: `${k} a refund please` })
      // Block 500's text can be measured (the chunks are planned) but not read (written) after.
      let reads = 0
      const bad = {
        participant: "internal" as const,
        offsetMs: 0,
        get text(): string {
          if (++reads > 1) throw new Error("unreadable text")
          return "a refund"
        }
      }
      const blocks = [...Array.from({ length: 500 }, (_, k) => good(k)), bad, ...Array.from({ length: 500 }, (_, k) => good(k))]
      await expect(pool.detectTopicsBatch(blocks)).rejects.toThrow(/could not be written.*unreadable text/)
      const next = await pool.detectTopicsBatch(Array.from({ length: 1000 }, (_, k) => good(k)))
      expect(asArrays(next.toArray())).toEqual(Array.from({ length: 1000 }, () => ["t"]))
    })
  })

  it("handles empty batches, empty texts, an empty model and non-Latin text", async () => {
    const empty = compileDetector({ programs: [], topics: [] })
    const pool = makeDetectorPool(empty, { workers: 1 })
    expect((await pool.detectTopicsBatch([])).toArray()).toEqual([])
    expect(asArrays(await arrayOf(pool.detectTopicsBatch([{ participant: "external", text: "" }, { participant: "internal", text: "cancel" }])))).toEqual([[], []])
    await pool.close()

    const d = compileDetector({ programs: [], topics: [{ id: "ru", name: "RU", participants: "all", phrases: ["отменить заказ", "キャンセル"] }] })
    const p = makeDetectorPool(d, { workers: 2 })
    const blocks: Array<Block> = [
      { participant: "external", offsetMs: 0, text: "Я хочу ОТМЕНИТЬ, заказ!" },
      { participant: "internal", offsetMs: 0, text: "" },
      { participant: "internal", offsetMs: 0, text: "注文を キャンセル したい 😀" }
    ]
    expect(asArrays(await arrayOf(p.detectTopicsBatch(blocks)))).toEqual([["ru"], [], ["ru"]])
    await p.close()
  })

  it("fails calls after close, and the scoped pool closes with its scope", async () => {
    const d = compileDetector({ programs: [], topics: [{ id: "t", name: "T", participants: "all", phrases: ["refund"] }] })
    const pool = makeDetectorPool(d, { workers: 1 })
    expect(asArrays(await arrayOf(pool.detectTopicsBatch([{ participant: "external", text: "a refund" }])))).toEqual([["t"]])
    await pool.close()
    await expect(pool.detectTopicsBatch([{ participant: "external", text: "refund" }])).rejects.toThrow(/closed/)

    let kept: Awaited<ReturnType<typeof makeDetectorPool>> | undefined
    const result = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function*() {
          const p = yield* detectorPool(d, { workers: 1 })
          kept = p
          return yield* Effect.promise(() => arrayOf(p.detectTopicsBatch([{ participant: "internal", text: "REFUND!" }])))
        })
      )
    )
    expect(asArrays(result)).toEqual([["t"]])
    await expect(arrayOf(kept!.detectTopicsBatch([]))).resolves.toEqual([])
    await expect(kept!.detectTopicsBatch([{ participant: "external", text: "refund" }])).rejects.toThrow(/closed/)
  })
})
