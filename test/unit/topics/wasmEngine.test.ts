import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import type { Block } from "../../../src/domain/interaction.ts"
import type { Topic, TopicModel } from "../../../src/domain/topicModel.ts"
import { compileDetector, type Detector, detectorCore } from "../../../src/topics/detector.ts"
import { toUnitChunks } from "../../../src/topics/unitChunks.ts"
import { type BatchEngine, type BatchResult, jsBatchEngine, wasmBatchEngine } from "../../../src/topics/wasmEngine.ts"
import { BASE_WORDS, randomBlock, randomModel, SEPARATORS, variant } from "./corpora.ts"
import { prng, refTopics } from "./reference.ts"

const engines = (d: Detector): { wasm: BatchEngine; js: BatchEngine } => {
  const core = detectorCore(d)!
  const wasm = wasmBatchEngine(core)
  if (wasm === undefined) throw new Error("WebAssembly engine unavailable")
  return { wasm, js: jsBatchEngine(core) }
}

const run = (engine: BatchEngine, blocks: ReadonlyArray<Pick<Block, "participant" | "text">>): BatchResult => {
  // One chunk, as the pool cuts and sends it.
  const b = toUnitChunks(blocks, Number.MAX_SAFE_INTEGER)[0] ?? { units: new Uint16Array(0), starts: new Int32Array(1), participants: new Uint8Array(0) }
  return engine.detectUnits(b.units, b.starts, b.participants)
}

/** Each block's topic ids, in detection order. */
const topicLists = (d: Detector, r: BatchResult): Array<Array<string>> => {
  const ids = [...d.topicIds]
  return Array.from({ length: r.offsets.length - 1 }, (_, k) => [...r.topics.subarray(r.offsets[k]!, r.offsets[k + 1]!)].map((t) => ids[t]!))
}

const topic = (id: string, phrases: Topic["phrases"], extra: Partial<Topic> = {}): Topic => ({ id, name: id, participants: "all", phrases, ...extra })

describe("WebAssembly topic engine", () => {
  it("is built from the engine.c in the tree (rebuild with src/topics/wasm/build.sh)", () => {
    const dir = new URL("../../../src/topics/wasm/", import.meta.url)
    const source = createHash("sha256").update(readFileSync(new URL("engine.c", dir))).digest("hex")
    expect(readFileSync(new URL("engine.c.sha256", dir), "utf8").trim()).toBe(source)
  })

  it("returns exactly the JavaScript engine's topics, in the same order, on randomized models and corpora", () => {
    const rng = prng(777)
    let found = 0
    for (let c = 0; c < 200; c++) {
      const m = randomModel(rng)
      const restrict = rng.chance(0.3) ? new Set(m.topics.filter(() => rng.chance(0.5)).map((t) => t.id)) : undefined
      const d = compileDetector(m, restrict)
      const { wasm, js } = engines(d)
      const blocks = Array.from({ length: 1 + rng.int(60) }, () => randomBlock(rng))
      const want = run(js, blocks)
      const got = run(wasm, blocks)
      const context = JSON.stringify({ case: c, model: m })
      expect([...got.offsets], context).toEqual([...want.offsets])
      expect([...got.topics], context).toEqual([...want.topics])
      // And the same as the brute-force reference (as sets).
      topicLists(d, got).forEach((list, k) => expect(new Set(list), context).toEqual(refTopics(m, blocks[k]!, restrict)))
      found += got.topics.length
    }
    expect(found).toBeGreaterThan(2000)
  })

  it("folds accents, compatibility forms, non-Latin and astral text, and lone surrogates like the JavaScript engine", () => {
    const WORDS = [
      ...BASE_WORDS, "telecommunications", "abcdefghijk", "café", "CAFE", "naïve", "ﬁne", "ｃａｎｃｅｌ", "Straße", "οδός",
      "ΟΔΟΣ", "東京都", "𝐀𝐁c", "½", "①", "İstanbul", "\ud800", "\udc00x", "a\ud83d", "ﷺ",
      // Around the fast path's limits: 15–17 letters, apostrophes (one is dropped, more take the general path).
      "abcdefghijklmno", "Abcdefghijklmnop", "abcdefghijklmnopq", "y'all'd", "'tis", "dogs'", "o'", "''", "rock'n'roll",
      "it’s", "abcdefghijklmn'o", "abcdefghijklmno'p"
    ]
    const rng = prng(99)
    for (let c = 0; c < 30; c++) {
      const topics = Array.from({ length: 1 + rng.int(30) }, (_, t) =>
        topic(`t${t}`, Array.from({ length: 1 + rng.int(4) }, () => Array.from({ length: 1 + rng.int(3) }, () => rng.pick(WORDS)).join(" ")), {
          participants: rng.pick(["external", "internal", "all"] as const),
          ...(rng.chance(0.3) ? { strictness: rng.pick(["1", "55", "85"] as const) } : {})
        })
      )
      const m: TopicModel = { programs: [], topics }
      const d = compileDetector(m)
      const { wasm, js } = engines(d)
      const blocks = Array.from({ length: 40 }, () => {
        const n = rng.chance(0.1) ? 2000 : rng.int(30)
        let text = ""
        for (let k = 0; k < n; k++) text += (k === 0 ? "" : rng.pick(SEPARATORS)) + variant(rng, rng.pick(WORDS))
        return { participant: rng.chance(0.5) ? ("external" as const) : ("internal" as const), text }
      })
      const want = run(js, blocks)
      const got = run(wasm, blocks)
      expect([...got.offsets], `case ${c}`).toEqual([...want.offsets])
      expect([...got.topics], `case ${c}`).toEqual([...want.topics])
    }
  })

  it("walks on to a failure node whose transitions are too many to copy", () => {
    // Node "b a" fails to node "a", which has 40 transitions: the engine does not copy them.
    const tails = Array.from({ length: 40 }, (_, k) => `x${k}`)
    const m: TopicModel = {
      programs: [],
      topics: [
        ...tails.map((x) => topic(`a-${x}`, [`a ${x}`])),
        topic("bay", ["b a y"]),
        topic("ba-x7-z", ["b a x7 z"]),
        topic("cb", ["c b"])
      ]
    }
    const d = compileDetector(m)
    const { wasm, js } = engines(d)
    const rng = prng(5)
    const words = ["a", "b", "b a", "c b a", "y", "z", ...tails.slice(0, 10)]
    const blocks = Array.from({ length: 300 }, () => ({
      participant: "external" as const,
      offsetMs: 0,
      text: Array.from({ length: 1 + rng.int(12) }, () => rng.pick(words)).join(" ")
    }))
    const got = run(wasm, blocks)
    expect([...got.topics]).toEqual([...run(js, blocks).topics])
    topicLists(d, got).forEach((list, k) => expect(new Set(list)).toEqual(refTopics(m, blocks[k]!)))
    const named = run(wasm, [{ participant: "external", text: "c b a x7 z" }, { participant: "external", text: "b a x3" }])
    expect(topicLists(d, named)).toEqual([["cb", "a-x7", "ba-x7-z"], ["a-x3"]])
  })

  it("hands a block whose words overflow its scan buffer to the JavaScript engine", () => {
    // "⑴" normalizes to "(1)": a word per code unit, more than the buffer sized for one word per
    // two code units holds.
    const m: TopicModel = { programs: [], topics: [topic("ones", ["1 1 1"]), topic("one", ["1"]), topic("other", ["refund"])] }
    const d = compileDetector(m)
    const { wasm, js } = engines(d)
    const blocks = [
      { participant: "external" as const, text: "a refund" },
      { participant: "external" as const, text: "⑴".repeat(500) },
      { participant: "internal" as const, text: "refund ⑴" }
    ]
    const got = run(wasm, blocks)
    expect(wasm.fallbackBlocks).toBe(1)
    expect(topicLists(d, got)).toEqual([["other"], ["one", "ones"], ["other", "one"]])
    // Overflowing on the fast path: 60 words from the general path fit, the 40 short ones after do not.
    const mixed = [{ participant: "external" as const, text: "⑴".repeat(60) + " 1".repeat(40) + " refund" }]
    expect(topicLists(d, run(wasm, mixed))).toEqual([["one", "ones", "other"]])
    expect(wasm.fallbackBlocks).toBe(2)
    expect([...got.topics]).toEqual([...run(js, blocks).topics])
    // The same blocks after 40,000 code units of others: in a later string of the chunk.
    const filler = Array.from({ length: 400 }, (_, k) => ({ participant: "external" as const, text: `${k} refund `.padEnd(99, "x") }))
    const late = run(wasm, [...filler, ...blocks])
    expect(wasm.fallbackBlocks).toBe(3)
    expect(topicLists(d, late).slice(400)).toEqual([["other"], ["one", "ones"], ["other", "one"]])
    expect([...late.topics]).toEqual([...run(js, [...filler, ...blocks]).topics])
    // More phrase words than the module's scan buffers hold (32,768), whatever the batch's longest block.
    const huge = [{ participant: "external" as const, text: "1 ".repeat(40_000) + "refund" }, ...blocks]
    expect(topicLists(d, run(wasm, huge))).toEqual([["one", "ones", "other"], ["other"], ["one", "ones"], ["other", "one"]])
    expect(wasm.fallbackBlocks).toBe(4) // the huge block only: the cap is the longest block's now, so "⑴" x 500 fits
  })

  it("keeps words apart in its cache of recent words when far more words than it holds go by", () => {
    // 6,000 distinct words (the cache holds 2,048), half of them phrase words; the long ones
    // share their first 8 bytes, so only their last bytes tell them apart.
    const word = (k: number): string => (k % 3 === 0 ? `customer${k}` : k % 3 === 1 ? `w${k}` : `account${k}x`)
    const m: TopicModel = {
      programs: [],
      topics: Array.from({ length: 300 }, (_, t) => topic(`t${t}`, Array.from({ length: 10 }, (_, p) => word(2 * (t * 10 + p)))))
    }
    const d = compileDetector(m)
    const { wasm, js } = engines(d)
    const rng = prng(9)
    const batch = () =>
      Array.from({ length: 800 }, () => ({
        participant: "external" as const,
        offsetMs: 0,
        text: Array.from({ length: 1 + rng.int(20) }, () => word(rng.int(6000))).join(" ")
      }))
    let found = 0
    for (let b = 0; b < 3; b++) {
      const blocks = batch()
      const got = run(wasm, blocks)
      const want = run(js, blocks)
      expect([...got.offsets]).toEqual([...want.offsets])
      expect([...got.topics]).toEqual([...want.topics])
      topicLists(d, got).forEach((list, k) => expect(new Set(list)).toEqual(refTopics(m, blocks[k]!)))
      found += got.topics.length
    }
    expect(found).toBeGreaterThan(3000)
  })

  it("grows its output when blocks find more topics than it first made room for", () => {
    const topics = Array.from({ length: 1500 }, (_, t) => topic(`t${t}`, [t % 2 === 0 ? "refund please" : "refund"]))
    const d = compileDetector({ programs: [], topics })
    const { wasm } = engines(d)
    const blocks = Array.from({ length: 3 }, () => ({ participant: "external" as const, text: "Refund, please!" }))
    const got = run(wasm, blocks)
    expect([...got.offsets]).toEqual([0, 1500, 3000, 4500])
    expect(new Set(got.topics.subarray(0, 1500)).size).toBe(1500)
  })

  it("answers the same from the texts as UTF-16 code units (as the pool sends them) as from strings", () => {
    const rng = prng(4242)
    for (let c = 0; c < 60; c++) {
      const m = randomModel(rng)
      const d = compileDetector(m)
      const { wasm, js } = engines(d)
      const blocks = Array.from({ length: 1 + rng.int(80) }, () => randomBlock(rng))
      // Now and then a block that overflows the scan buffer (the JavaScript engine answers it)
      // and lone surrogates, which the code units keep as they are.
      if (rng.chance(0.2)) blocks.splice(rng.int(blocks.length), 0, { participant: "external", offsetMs: 0, text: "⑴".repeat(300) })
      if (rng.chance(0.2)) blocks.push({ participant: "internal", offsetMs: 0, text: "a\ud800 b \udc00" })
      const want = run(js, blocks)
      for (const engine of [wasm, js]) {
        // Several chunks of a few hundred units, as the pool cuts a batch.
        const chunks = toUnitChunks(blocks, 1 + rng.int(600))
        const offsets: Array<number> = [0]
        const topics: Array<number> = []
        for (const ch of chunks) {
          const r = engine.detectUnits(ch.units, ch.starts, ch.participants)
          for (let k = 1; k < r.offsets.length; k++) offsets.push(topics.length + r.offsets[k]! - r.offsets[0]!)
          topics.push(...r.topics)
        }
        expect(offsets, `case ${c} ${engine.kind}`).toEqual([...want.offsets])
        expect(topics, `case ${c} ${engine.kind}`).toEqual([...want.topics])
      }
    }
    // A block handed to the JavaScript engine, from code units.
    const d = compileDetector({ programs: [], topics: [topic("ones", ["1 1 1"]), topic("other", ["refund"])] })
    const { wasm } = engines(d)
    const blocks = [
      { participant: "external" as const, text: "a refund" },
      { participant: "external" as const, text: "⑴".repeat(500) },
      { participant: "internal" as const, text: "refund ⑴" }
    ]
    const [chunk] = toUnitChunks(blocks, 1 << 20)
    const got = wasm.detectUnits(chunk!.units, chunk!.starts, chunk!.participants)
    expect(wasm.fallbackBlocks).toBe(1)
    expect(topicLists(d, got)).toEqual([["other"], ["ones"], ["other"]])
  })

  it("handles empty batches, empty texts and an empty model", () => {
    const d = compileDetector({ programs: [], topics: [topic("r", ["refund"])] })
    const { wasm } = engines(d)
    expect([...run(wasm, []).offsets]).toEqual([0])
    expect(topicLists(d, run(wasm, [{ participant: "external", text: "" }, { participant: "internal", text: "REFUND" }]))).toEqual([[], ["r"]])
    const none = compileDetector({ programs: [], topics: [] })
    expect(topicLists(none, run(engines(none).wasm, [{ participant: "external", text: "refund" }]))).toEqual([[]])
  })
})
