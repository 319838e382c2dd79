/**
 * Benchmark inputs: realistic transcript text from the seed generator (src/seed/generate.ts)
 * and random topic models of a given phrase count over a vocabulary drawn from that text
 * (plus made-up words, for the long tail of product names and jargon real models carry).
 */
import type { Block, Participant } from "../src/domain/interaction.ts"
import type { Strictness, Topic, TopicModel } from "../src/domain/topicModel.ts"
import { exampleModel, generateInteractions } from "../src/seed/generate.ts"
import { prng } from "../src/seed/random.ts"
import { normalizeWords } from "../src/topics/normalize.ts"

/** Seeded numbers (mulberry32). */
export const rng = prng

export interface Corpus {
  readonly blocks: ReadonlyArray<Block>
  /** UTF-8 bytes of all block texts. */
  readonly bytes: number
  /** Distinct normalized words of the text, most frequent first. */
  readonly words: ReadonlyArray<string>
}

/**
 * The blocks of `interactions` seed interactions (≈20 blocks, ≈90 characters each), with flat
 * strings as the store hands them out (decoded from one buffer, not concatenation trees).
 */
export const seedCorpus = (interactions: number, seed = 11): Corpus => {
  const texts: Array<string> = []
  const participants: Array<Participant> = []
  const offsets: Array<number> = []
  for (const i of generateInteractions({ seed, count: interactions, from: "2025-01-01T00:00:00Z", to: "2025-07-01T00:00:00Z" })) {
    for (const t of i.transcripts) {
      for (const b of t.blocks) {
        texts.push(b.text)
        participants.push(b.participant)
        offsets.push(b.offsetMs)
      }
    }
  }
  // One decode, then slices: the strings look like the ones parsed out of a store response.
  const flat = Buffer.from(texts.join("\n"), "utf8").toString("utf8").split("\n")
  const blocks: Array<Block> = flat.map((text, k) => ({ participant: participants[k]!, offsetMs: offsets[k]!, text }))
  const freq = new Map<string, number>()
  let bytes = 0
  for (const [k, text] of flat.entries()) {
    bytes += Buffer.byteLength(text, "utf8")
    if (k < 20_000) for (const w of normalizeWords(text)) freq.set(w, (freq.get(w) ?? 0) + 1)
  }
  const words = [...freq].sort((a, b) => b[1] - a[1]).map(([w]) => w)
  return { blocks, bytes, words }
}

const STRICTNESS: ReadonlyArray<Strictness> = ["1", "55", "65", "72", "85", "90"]
const SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "pre", "con", "tel", "net", "ix", "or", "an", "qu"]

export interface RandomModelOptions {
  readonly seed?: number
  /** Total topics (default: made-up topics of 10 phrases each). */
  readonly topics?: number
  /** Link the made-up topics to the example model's programs, round robin (default false). */
  readonly linkPrograms?: boolean
}

/**
 * A model with `phraseCount` phrases: the example model's topics (its real phrases, which the
 * seed text contains) and then made-up topics (10 phrases each, or as many as spread the
 * phrases over `topics`). Made-up phrases have 1–4 words, taken from the text's vocabulary
 * (skipping its 40 most frequent words for single-word phrases) or invented; a quarter carries
 * a strictness; a few phrases are shared by two topics.
 */
export const randomModel = (phraseCount: number, vocabulary: ReadonlyArray<string>, options: RandomModelOptions = {}): TopicModel => {
  const seed = options.seed ?? 5
  const r = rng(seed)
  const base = exampleModel()
  const topics: Array<Topic> = []
  let count = 0
  for (const t of base.topics) {
    if (count >= phraseCount) break
    const phrases = t.phrases.slice(0, phraseCount - count)
    topics.push({ ...t, phrases })
    count += phrases.length
  }
  const invented = (): string => {
    let w = ""
    for (let k = 0, n = 2 + r.int(3); k < n; k++) w += r.pick(SYLLABLES)
    return w
  }
  const common = vocabulary.slice(0, 40)
  const rare = vocabulary.slice(40)
  const word = (single: boolean): string =>
    r.chance(0.3) ? invented() : single ? r.pick(rare.length > 0 ? rare : vocabulary) : r.chance(0.4) ? r.pick(common) : r.pick(vocabulary)
  const made: Array<string> = []
  const baseTopics = topics.length
  /** Phrases of the next made-up topic: 10, or an even share of what is left over the topics left. */
  const perTopic = (t: number): number =>
    options.topics === undefined || options.topics <= baseTopics + t
      ? 10
      : Math.max(1, Math.round((phraseCount - count) / (options.topics - baseTopics - t)))
  let t = 0
  while (count < phraseCount) {
    const phrases: Array<Topic["phrases"][number]> = []
    for (let k = 0, n = perTopic(t); k < n && count < phraseCount; k++, count++) {
      let text: string
      if (made.length > 0 && r.chance(0.05)) text = r.pick(made)
      else {
        const n = r.chance(0.25) ? 1 : 2 + r.int(3)
        text = Array.from({ length: n }, () => word(n === 1)).join(" ")
        made.push(text)
      }
      phrases.push(r.chance(0.25) ? { text, strictness: r.pick(STRICTNESS) } : text)
    }
    topics.push({
      id: `t-bench-${t}`,
      name: `Bench ${t}`,
      participants: r.pick(["external", "internal", "all", "all"] as const),
      phrases
    })
    t++
  }
  const programs = options.linkPrograms !== true
    ? base.programs
    : base.programs.map((p, k) => ({
      ...p,
      topics: [...p.topics, ...topics.slice(base.topics.length).filter((_, i) => i % base.programs.length === k).map((x) => x.id)]
    }))
  return { programs, topics }
}
