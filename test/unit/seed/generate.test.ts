import { Schema } from "effect"
import { readFileSync } from "node:fs"
import * as Yaml from "yaml"
import { describe, expect, it } from "vitest"
import type { Interaction } from "../../../src/domain/interaction.ts"
import { MediaTypes } from "../../../src/domain/media.ts"
import { phrasesOf, TopicModel } from "../../../src/domain/topicModel.ts"
import {
  exampleModel,
  exampleModelPath,
  generateInteractions,
  initialTopics,
  type SeedOptions,
  UnmappedQueue
} from "../../../src/seed/generate.ts"
import { foreignPhrases, Languages, neutral } from "../../../src/seed/phrases.ts"

const options: SeedOptions = { seed: 42, count: 1_500, from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z" }
const data = [...generateInteractions(options)]
const model = exampleModel()

/** Word normalization as documented in src/topics/normalize.ts (the matcher's definition). */
const words = (text: string): Array<string> =>
  text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/ς/g, "σ").replace(/['’ʼ]/g, "")
    .match(/[\p{L}\p{N}]+/gu) ?? []

/** Does `phrase` occur in `text` with at most `gap` extra words between consecutive phrase words? */
const occurs = (phrase: ReadonlyArray<string>, text: ReadonlyArray<string>, gap: number): boolean => {
  for (let s = 0; s < text.length; s++) {
    if (text[s] !== phrase[0]) continue
    // Greedy earliest match is optimal for "each gap ≤ g".
    let pos = s
    let ok = true
    for (let k = 1; k < phrase.length && ok; k++) {
      let found = -1
      for (let j = pos + 1; j <= Math.min(text.length - 1, pos + 1 + gap); j++) {
        if (text[j] === phrase[k]) {
          found = j
          break
        }
      }
      if (found < 0) ok = false
      else pos = found
    }
    if (ok) return true
  }
  return false
}

const allPhrases = model.topics.flatMap((t) => phrasesOf(t).map((p) => ({ topicId: t.id, words: words(p.text) })))
/** The widest gap any strictness allows; a text clear of phrases at this gap is clear at every strictness. */
const MaxGap = 5
const detectsAny = (text: string, gap = MaxGap) => {
  const w = words(text)
  return allPhrases.some((p) => occurs(p.words, w, gap))
}

const blocksOf = (i: Interaction) => i.transcripts.flatMap((t) => t.blocks)

describe("example topic model", () => {
  it("parses and validates (no unknown keys)", () => {
    const input: unknown = Yaml.parse(readFileSync(exampleModelPath, "utf8"))
    const decoded = Schema.decodeUnknownSync(TopicModel)(input, { onExcessProperty: "error", errors: "all" })
    expect(decoded.topics.length).toBeGreaterThanOrEqual(35)
    expect(decoded.programs.length).toBeGreaterThanOrEqual(6)
  })

  it("is a realistic model: ids, participants, phrase counts, strictness, accents, a shared phrase", () => {
    for (const t of model.topics) {
      expect(t.id).toMatch(/^t-[a-z-]+$/)
      expect(t.phrases.length).toBeGreaterThanOrEqual(3)
      expect(t.phrases.length).toBeLessThanOrEqual(15)
    }
    for (const p of model.programs) {
      expect(p.id).toMatch(/^p-[a-z-]+$/)
      for (const q of p.queues) expect(q).toMatch(/^q-[a-z-]+$/)
    }
    expect(new Set(model.topics.map((t) => t.participants))).toEqual(new Set(["external", "internal", "all"]))
    const strictness = new Set(model.topics.flatMap((t) => phrasesOf(t).flatMap((p) => (p.strictness ? [p.strictness] : []))))
    for (const s of ["55", "72", "90"]) expect(strictness).toContain(s)
    const texts = model.topics.flatMap((t) => phrasesOf(t).map((p) => p.text))
    expect(texts.some((t) => /[éèàç]/.test(t))).toBe(true)
    expect(texts.some((t) => /[äöüß]/.test(t))).toBe(true)
    expect(texts.some((t) => /[ñáí]/.test(t))).toBe(true)
    const shared = texts.filter((t, k) => texts.indexOf(t) !== k)
    expect(shared.length).toBeGreaterThanOrEqual(1)
    // Every topic is linked to a program; one program has no topics (rule 5).
    const linked = new Set(model.programs.flatMap((p) => p.topics))
    for (const t of model.topics) expect(linked).toContain(t.id)
    expect(model.programs.some((p) => p.topics.length === 0)).toBe(true)
  })

  it("lists, for each foreign phrase of the seed, a phrase of that topic", () => {
    for (const byTopic of Object.values(foreignPhrases)) {
      for (const [topicId, list] of Object.entries(byTopic)) {
        const topic = model.topics.find((t) => t.id === topicId)
        expect(topic, topicId).toBeDefined()
        for (const p of list) expect(phrasesOf(topic!).map((x) => x.text)).toContain(p)
      }
    }
  })
})

describe("seed phrase banks", () => {
  it("neutral sentences never contain a topic phrase, at any strictness", () => {
    for (const lang of Languages) {
      const bank = neutral[lang]
      for (const s of [...bank.external, ...bank.internal]) {
        const text = s.replace("{n}", "12345").replace("{name}", "Alex")
        expect(detectsAny(text), `${lang}: ${s}`).toBe(false)
      }
    }
  })
})

describe("generateInteractions", () => {
  it("is deterministic: same options, same data; another seed, other data", () => {
    const again = [...generateInteractions(options)]
    expect(again).toEqual(data)
    const other = [...generateInteractions({ ...options, seed: 43 })]
    expect(other.length).toBe(data.length)
    expect(other.filter((x, k) => x.id === data[k]!.id).length).toBe(0)
    const texts = (xs: ReadonlyArray<Interaction>) => xs.slice(0, 50).flatMap((i) => blocksOf(i).map((b) => b.text)).join("\n")
    expect(texts(other)).not.toBe(texts(data))
  })

  it("does not depend on how much is consumed (prefix of a longer run is the same)", () => {
    const longer = generateInteractions({ ...options, count: options.count })
    const first = Array.from({ length: 20 }, () => longer.next().value as Interaction)
    expect(first).toEqual(data.slice(0, 20))
  })

  it("is lazy", () => {
    const huge = generateInteractions({ ...options, count: 1_000_000_000 })
    const started = performance.now()
    for (let k = 0; k < 3; k++) huge.next()
    expect(performance.now() - started).toBeLessThan(1_000)
  })

  it("produces count interactions with stable, unique ids in start-time order within [from, to)", () => {
    expect(data.length).toBe(options.count)
    expect(new Set(data.map((i) => i.id)).size).toBe(data.length)
    for (const i of data) expect(i.id).toMatch(/^ix-\d{6}-[0-9a-f]{8}$/)
    const from = Date.parse(options.from)
    const to = Date.parse(options.to)
    let previous = -Infinity
    for (const i of data) {
      const start = Date.parse(i.startTime)
      expect(i.startTime).toBe(new Date(start).toISOString())
      expect(start).toBeGreaterThanOrEqual(from)
      expect(start).toBeLessThan(to)
      expect(start).toBeGreaterThanOrEqual(previous)
      expect(Date.parse(i.endTime)).toBeGreaterThan(start)
      previous = start
    }
  })

  it("has realistic transcripts: 6–40 blocks (about 20), offsets increasing, ids per transcript", () => {
    let total = 0
    for (const i of data) {
      const blocks = blocksOf(i)
      expect(blocks.length).toBeGreaterThanOrEqual(6)
      expect(blocks.length).toBeLessThanOrEqual(40)
      total += blocks.length
      expect(new Set(i.transcripts.map((t) => t.id)).size).toBe(i.transcripts.length)
      let last = -1
      for (const b of blocks) {
        expect(b.offsetMs).toBeGreaterThan(last)
        expect(b.text.length).toBeGreaterThan(0)
        last = b.offsetMs
      }
    }
    const mean = total / data.length
    expect(mean).toBeGreaterThan(17)
    expect(mean).toBeLessThan(23)
    expect(data.some((i) => i.transcripts.length > 1)).toBe(true)
  })

  it("covers every media type, participant, language, direction, division and queue", () => {
    expect(new Set(data.map((i) => i.mediaType))).toEqual(new Set(MediaTypes))
    expect(new Set(data.flatMap((i) => blocksOf(i).map((b) => b.participant)))).toEqual(new Set(["external", "internal"]))
    expect(new Set(data.map((i) => i.language))).toEqual(new Set(Languages))
    expect(data.filter((i) => i.language === "en-us").length).toBeGreaterThan(data.length / 2)
    expect(new Set(data.map((i) => i.direction))).toEqual(new Set(["inbound", "outbound"]))
    const mapped = new Set(model.programs.flatMap((p) => p.queues))
    expect(new Set(data.map((i) => i.queueId))).toEqual(new Set([...mapped, UnmappedQueue]))
    expect(new Set(data.map((i) => i.agentIds.length))).toEqual(new Set([1, 2]))
    expect(new Set(data.map((i) => i.divisionId)).size).toBeGreaterThanOrEqual(3)
  })

  it("derives programs from the model's queue mapping", () => {
    for (const i of data) {
      const expected = model.programs.filter((p) => p.queues.includes(i.queueId)).map((p) => p.id)
      expect(i.programIds).toEqual(expected)
    }
    expect(data.filter((i) => i.queueId === UnmappedQueue).every((i) => i.programIds.length === 0)).toBe(true)
  })

  it("contains the model's phrases — in every language, with accents, case changes and filler words", () => {
    const text = data.flatMap((i) => blocksOf(i).map((b) => b.text)).join("\n")
    const detectedTopics = new Set<string>()
    for (const i of data.slice(0, 400)) {
      for (const b of blocksOf(i)) {
        const w = words(b.text)
        for (const p of allPhrases) if (occurs(p.words, w, 0)) detectedTopics.add(p.topicId)
      }
    }
    expect(detectedTopics.size).toBeGreaterThan(model.topics.length * 0.8)
    expect(text).toMatch(/résilier mon abonnement|RÉSILIER MON ABONNEMENT|Résilier mon abonnement/)
    expect(text).toMatch(/Rückerstattung|RÜCKERSTATTUNG|rückerstattung/)
    expect(text).toMatch(/[A-Z]{3,} [A-Z]{3,}/)
    // A filler word between phrase words: found only when a gap is allowed.
    const gapOnly = data.some((i) =>
      blocksOf(i).some((b) => {
        const w = words(b.text)
        return allPhrases.some((p) => p.words.length > 1 && !occurs(p.words, w, 0) && occurs(p.words, w, 1))
      })
    )
    expect(gapOnly).toBe(true)
  })

  it("leaves some interactions without any topic phrase (they fail reprocessing)", () => {
    const none = data.filter((i) => blocksOf(i).every((b) => !detectsAny(b.text)))
    expect(none.length).toBeGreaterThan(data.length * 0.03)
    expect(none.length).toBeLessThan(data.length * 0.15)
  })
})

describe("initialTopics", () => {
  it("is deterministic, on real blocks, with model topics, and differs by seed", () => {
    const topicIds = new Set(model.topics.map((t) => t.id))
    let rows = 0
    let blocks = 0
    for (const i of data.slice(0, 200)) {
      const a = initialTopics(i, options.seed)
      expect(initialTopics(i, options.seed)).toEqual(a)
      const keys = new Set<string>()
      for (const r of a) {
        expect(r.interactionId).toBe(i.id)
        const t = i.transcripts.find((x) => x.id === r.transcriptId)
        expect(t).toBeDefined()
        expect(r.blockIndex).toBeLessThan(t!.blocks.length)
        expect(topicIds).toContain(r.topicId)
        const k = `${r.transcriptId}/${r.blockIndex}/${r.topicId}`
        expect(keys.has(k)).toBe(false)
        keys.add(k)
      }
      rows += a.length
      blocks += blocksOf(i).length
    }
    expect(rows / blocks).toBeGreaterThan(0.2)
    expect(rows / blocks).toBeLessThan(0.5)
    const i = data[0]!
    expect(initialTopics(i, 1)).not.toEqual(initialTopics(i, 2))
  })
})
