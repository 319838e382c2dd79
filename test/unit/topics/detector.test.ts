import { describe, expect, it } from "@effect/vitest"
import type { Block } from "../../../src/domain/interaction.ts"
import type { Strictness, Topic, TopicModel } from "../../../src/domain/topicModel.ts"
import { compileDetector } from "../../../src/topics/detector.ts"
import { maxGapOf, STRICTNESS_GAPS } from "../../../src/topics/strictness.ts"
import { BASE_WORDS, randomBlock, randomModel, SEPARATORS, STRICTNESS, variant } from "./corpora.ts"
import { prng, refHits, refTopics } from "./reference.ts"

const ext = (text: string, offsetMs = 0): Block => ({ participant: "external", offsetMs, text })
const int = (text: string, offsetMs = 0): Block => ({ participant: "internal", offsetMs, text })

const topic = (id: string, phrases: Topic["phrases"], extra: Partial<Topic> = {}): Topic => ({
  id,
  name: id.toUpperCase(),
  participants: "all",
  phrases,
  ...extra
})

const model = (topics: ReadonlyArray<Topic>, programs: TopicModel["programs"] = []): TopicModel => ({
  programs,
  topics
})

const topicsIn = (m: TopicModel, block: Block, ids?: ReadonlySet<string>) =>
  [...compileDetector(m, ids).detectTopics(block)].sort()

/** detectBlock/detectTopics agree with the reference (and with each other). */
const expectSameAsReference = (m: TopicModel, block: Block, ids?: ReadonlySet<string>) => {
  const d = compileDetector(m, ids)
  const want = refHits(m, block, ids)
  expect(d.detectBlock(block)).toEqual(want)
  expect([...d.detectTopics(block)].sort()).toEqual([...refTopics(m, block, ids)].sort())
}

describe("strictness", () => {
  it("maps every value to its gap", () => {
    expect(STRICTNESS_GAPS).toEqual({ "90": 0, "85": 1, "72": 2, "65": 3, "55": 4, "1": 5 })
    expect(maxGapOf(undefined)).toBe(0)
  })
})

describe("compileDetector", () => {
  it("reports hits with programs, participant, offset and word index", () => {
    const m = model(
      [topic("cancel", ["cancel my account", "close account"]), topic("billing", ["invoice"])],
      [
        { id: "p1", name: "P1", topics: ["cancel"], queues: [] },
        { id: "p2", name: "P2", topics: ["cancel", "billing"], queues: [] }
      ]
    )
    const d = compileDetector(m)
    expect(d.topicIds).toEqual(new Set(["cancel", "billing"]))
    // words: hi id like to cancel(4) my account the invoice(8) is wrong
    expect(d.detectBlock(ext("Hi. I'd like to CANCEL my account; the invoice is wrong.", 1234))).toEqual([
      { topicId: "cancel", programIds: ["p1", "p2"], phrase: "cancel my account", participant: "external", offsetMs: 1234, wordIndex: 4 },
      { topicId: "billing", programIds: ["p2"], phrase: "invoice", participant: "external", offsetMs: 1234, wordIndex: 8 }
    ])
    expect(topicsIn(m, int("close, account!"))).toEqual(["cancel"])
  })

  it("ignores punctuation inside and around phrases, case and accents", () => {
    const m = model([topic("t", ["Réclamation", "don't want", "e-mail, address"])])
    for (const text of ["RECLAMATION", "réclamation.", "(Reclamation)", "I DONT want", "e mail address", "E-MAIL...ADDRESS!"]) {
      expect(topicsIn(m, ext(text)), text).toEqual(["t"])
      expectSameAsReference(m, ext(text))
    }
    expect(topicsIn(m, ext("reclamations"))).toEqual([])
  })

  it("matches whole words only", () => {
    const m = model([topic("t", ["cancel", "my account"])])
    for (const text of ["cancellation", "precancel", "cancel2", "my accounts", "myaccount", "xmy account"]) {
      expect(topicsIn(m, ext(text)), text).toEqual([])
    }
    expect(topicsIn(m, ext("cancel2 cancel"))).toEqual(["t"])
  })

  it("handles repeated words and overlapping / prefix phrases", () => {
    const m = model([
      topic("a", ["cancel"]),
      topic("b", ["cancel cancel"]),
      topic("c", ["cancel the order", "cancel the"]),
      topic("d", ["the order"])
    ])
    const block = ext("cancel cancel the order cancel")
    const hits = compileDetector(m).detectBlock(block)
    expect(hits.map((h) => [h.wordIndex, h.topicId, h.phrase])).toEqual([
      [0, "a", "cancel"],
      [0, "b", "cancel cancel"],
      [1, "a", "cancel"],
      [1, "c", "cancel the"],
      [1, "c", "cancel the order"],
      [2, "d", "the order"],
      [4, "a", "cancel"]
    ])
    expectSameAsReference(m, block)
  })

  it("reports a phrase shared by many topics once per topic", () => {
    const m = model([topic("x", ["refund"]), topic("y", ["refund", "REFUND!"]), topic("z", ["refund"], { participants: "internal" })])
    const hits = compileDetector(m).detectBlock(ext("refund please"))
    expect(hits.map((h) => [h.topicId, h.phrase])).toEqual([
      ["x", "refund"],
      ["y", "REFUND!"],
      ["y", "refund"]
    ])
    expectSameAsReference(m, ext("refund please"))
    expectSameAsReference(m, int("refund please"))
  })

  it("reports a phrase listed twice in one topic (different strictness) once", () => {
    const m = model([topic("t", ["cancel account", { text: "cancel account", strictness: "1" }])])
    expect(compileDetector(m).detectBlock(ext("cancel account")).length).toBe(1)
    expect(compileDetector(m).detectBlock(ext("cancel my account")).length).toBe(1)
    expectSameAsReference(m, ext("cancel account cancel x account"))
  })

  it("respects participants", () => {
    const m = model([
      topic("cust", ["help"], { participants: "external" }),
      topic("agent", ["help"], { participants: "internal" }),
      topic("both", ["help"], { participants: "all" })
    ])
    expect(topicsIn(m, ext("help"))).toEqual(["both", "cust"])
    expect(topicsIn(m, int("help"))).toEqual(["agent", "both"])
    expect(compileDetector(m).detectBlock(int("help"))[0]?.participant).toBe("internal")
  })

  it("applies every strictness value as a word gap", () => {
    const values: ReadonlyArray<Strictness | undefined> = [undefined, "90", "85", "72", "65", "55", "1"]
    for (const strictness of values) {
      const gap = maxGapOf(strictness)
      const phrase = strictness === undefined ? "cancel account" : { text: "cancel account", strictness }
      const m = model([topic("t", [phrase])])
      for (let extra = 0; extra <= 6; extra++) {
        const text = ["cancel", ...Array.from({ length: extra }, (_, i) => `w${i}`), "account"].join(" ")
        expect(topicsIn(m, ext(text)), `${strictness} ${extra}`).toEqual(extra <= gap ? ["t"] : [])
        expectSameAsReference(m, ext(text))
      }
    }
  })

  it("uses the topic's default strictness for string phrases only", () => {
    const m = model([topic("t", ["a b", { text: "c d", strictness: "90" }], { strictness: "85" })])
    expect(topicsIn(m, ext("a x b"))).toEqual(["t"])
    expect(topicsIn(m, ext("c x d"))).toEqual([])
  })

  it("takes the earliest continuation (greedy)", () => {
    // "a b c" at gap 1 over "a b b x c": b at 1, then c must be within 2..3 → no match.
    const m = model([topic("t", [{ text: "a b c", strictness: "85" }])])
    expect(topicsIn(m, ext("a b b x c"))).toEqual([])
    expect(topicsIn(m, ext("a b x c"))).toEqual(["t"])
    expectSameAsReference(m, ext("a b b x c"))
  })

  it("handles an empty model, phrases without words, empty and very long blocks", () => {
    const empty = compileDetector(model([]))
    expect(empty.topicIds.size).toBe(0)
    expect(empty.detectBlock(ext("anything"))).toEqual([])
    expect(empty.detectTopics(ext("anything")).size).toBe(0)

    const m = model([topic("t", ["!!!", "...", "needle in haystack"]), topic("u", ["?"])])
    const d = compileDetector(m)
    expect(d.topicIds).toEqual(new Set(["t", "u"]))
    expect(d.detectBlock(ext(""))).toEqual([])
    expect(d.detectTopics(ext("!!! ... ?")).size).toBe(0)

    const long = "hay, ".repeat(200_000) + "needle in haystack" + " hay".repeat(1000)
    const hits = d.detectBlock(ext(long))
    expect(hits).toEqual([expect.objectContaining({ topicId: "t", wordIndex: 200_000 })])
    expect([...d.detectTopics(ext(long))]).toEqual(["t"])
  })

  it("works with non-Latin text", () => {
    const m = model([
      topic("ru", ["отменить заказ"]),
      topic("el", ["ΑΚΥΡΩΣΗ παραγγελίας"]),
      topic("ja", ["キャンセル"]),
      topic("ar", ["إلغاء الطلب"])
    ])
    expect(topicsIn(m, ext("Я хочу ОТМЕНИТЬ, заказ!"))).toEqual(["ru"])
    expect(topicsIn(m, ext("ακύρωση παραγγελιας"))).toEqual(["el"])
    expect(topicsIn(m, ext("注文を キャンセル したい"))).toEqual(["ja"])
    expect(topicsIn(m, ext("注文をキャンセルしたい"))).toEqual([]) // a CJK run is one word
    expect(topicsIn(m, ext("أريد إلغاء الطلب"))).toEqual(["ar"])
  })

  it("restricts to topicIds", () => {
    const m = model([topic("a", ["alpha"]), topic("b", ["beta"]), topic("c", ["alpha beta"])])
    const ids = new Set(["b", "c", "not-in-model"])
    const d = compileDetector(m, ids)
    expect(d.topicIds).toEqual(new Set(["b", "c"]))
    expect([...d.detectTopics(ext("alpha beta"))].sort()).toEqual(["b", "c"])
    expect(compileDetector(m, new Set()).detectBlock(ext("alpha beta"))).toEqual([])
    expectSameAsReference(m, ext("alpha beta alpha"), ids)
  })

  it("is reusable across blocks (scratch state does not leak)", () => {
    const m = model([topic("a", ["alpha"]), topic("b", ["beta gamma"])])
    const d = compileDetector(m)
    expect([...d.detectTopics(ext("alpha beta gamma"))].sort()).toEqual(["a", "b"])
    expect([...d.detectTopics(ext("beta"))]).toEqual([])
    expect([...d.detectTopics(ext("gamma alpha"))]).toEqual(["a"])
    expect(d.detectBlock(ext("x".repeat(10) + " beta gamma")).map((h) => h.wordIndex)).toEqual([1])
  })
})

// ---------------------------------------------------------------------------------------------
// Property tests: randomized models and corpora against the brute-force reference.

describe("compileDetector against the reference matcher", () => {
  it("returns exactly the reference's hits on randomized models and corpora", () => {
    const rng = prng(20240601)
    let hits = 0
    for (let c = 0; c < 400; c++) {
      const m = randomModel(rng)
      const restrict = rng.chance(0.3) ? new Set(m.topics.filter(() => rng.chance(0.5)).map((t) => t.id)) : undefined
      const d = compileDetector(m, restrict)
      for (let b = 0; b < 25; b++) {
        const block = randomBlock(rng)
        const want = refHits(m, block, restrict)
        hits += want.length
        const context = JSON.stringify({ case: c, block, model: m, restrict: restrict && [...restrict] })
        expect(d.detectBlock(block), context).toEqual(want)
        expect([...d.detectTopics(block)].sort(), context).toEqual([...new Set(want.map((h) => h.topicId))].sort())
      }
    }
    // The corpus must actually exercise matching.
    expect(hits).toBeGreaterThan(5000)
  })
})

describe("compileDetector against the reference matcher: automaton stress", () => {
  // A tiny alphabet makes phrases overlap, repeat, nest and share prefixes and suffixes all the
  // time (the Aho–Corasick automaton's failure and output links), and "x"/"y" are words no
  // phrase has (restarting gap-0 matching, counting toward gaps).
  const SMALL = ["a", "b", "c", "d"]
  const FILL = ["a", "b", "c", "d", "x", "y", "A", "B!", "c'", "d-"]

  it("small alphabets: overlapping, nested and repeated phrases, every gap", () => {
    const rng = prng(31337)
    let hits = 0
    for (let c = 0; c < 300; c++) {
      const topics: Array<Topic> = []
      for (let t = 0, nt = rng.int(12); t < nt; t++) {
        const phrases: Array<Topic["phrases"][number]> = []
        for (let k = 0, np = 1 + rng.int(4); k < np; k++) {
          const text = Array.from({ length: 1 + rng.int(4) }, () => rng.pick(SMALL)).join(rng.pick([" ", "-", ", "]))
          phrases.push(rng.chance(0.5) ? text : { text, strictness: rng.pick(STRICTNESS) })
        }
        topics.push({ id: `t${t}`, name: `T${t}`, participants: rng.pick(["external", "internal", "all"] as const), phrases })
      }
      const m = model(topics)
      const d = compileDetector(m)
      for (let b = 0; b < 20; b++) {
        const text = Array.from({ length: rng.int(60) }, () => rng.pick(FILL)).join(rng.pick([" ", " ", ". "]))
        const block: Block = { participant: rng.chance(0.5) ? "external" : "internal", offsetMs: b, text }
        const want = refHits(m, block)
        hits += want.length
        const context = JSON.stringify({ case: c, text, topics })
        expect(d.detectBlock(block), context).toEqual(want)
        expect([...d.detectTopics(block)].sort(), context).toEqual([...new Set(want.map((h) => h.topicId))].sort())
      }
    }
    expect(hits).toBeGreaterThan(20_000)
  })

  it("larger models with shared phrases, long and non-Latin words, very long blocks, empty models", () => {
    const rng = prng(4242)
    const WORDS = [
      ...BASE_WORDS, "telecommunications", "telecommunication", "abcdefghij", "abcdefghijk", "café", "CAFE", "naïve",
      "ﬁne", "ｃａｎｃｅｌ", "Straße", "οδός", "ΟΔΟΣ", "東京都", "𝐀𝐁c", "½", "①", "İstanbul", "x"
    ]
    for (let c = 0; c < 40; c++) {
      const empty = rng.chance(0.1)
      const shared = Array.from({ length: 10 }, () => Array.from({ length: 1 + rng.int(3) }, () => rng.pick(WORDS)).join(" "))
      const topics: Array<Topic> = empty
        ? []
        : Array.from({ length: 20 + rng.int(60) }, (_, t): Topic => ({
          id: `t${t}`,
          name: `T${t}`,
          participants: rng.pick(["external", "internal", "all"] as const),
          ...(rng.chance(0.2) ? { strictness: rng.pick(STRICTNESS) } : {}),
          phrases: Array.from({ length: 1 + rng.int(6) }, () => {
            const text = rng.chance(0.3) ? rng.pick(shared) : Array.from({ length: 1 + rng.int(4) }, () => variant(rng, rng.pick(WORDS))).join(" ")
            return rng.chance(0.6) ? text : rng.chance(0.1) ? "?!" : { text, strictness: rng.pick(STRICTNESS) }
          })
        }))
      const m = model(topics)
      const restrict = rng.chance(0.3) ? new Set(topics.filter(() => rng.chance(0.5)).map((t) => t.id)) : undefined
      const d = compileDetector(m, restrict)
      for (let b = 0; b < 8; b++) {
        const n = rng.chance(0.25) ? 3000 + rng.int(3000) : rng.int(50)
        let text = ""
        for (let k = 0; k < n; k++) text += (k === 0 ? "" : rng.pick(SEPARATORS)) + variant(rng, rng.pick(WORDS))
        const block: Block = { participant: rng.chance(0.5) ? "external" : "internal", offsetMs: 0, text }
        const want = refHits(m, block, restrict)
        const context = `case ${c} block ${b}`
        expect(d.detectBlock(block), context).toEqual(want)
        expect([...d.detectTopics(block)].sort(), context).toEqual([...new Set(want.map((h) => h.topicId))].sort())
      }
    }
  })
})
