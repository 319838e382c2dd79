/**
 * Deterministic synthetic interactions for demos, tests and benchmarks.
 *
 * Same options → same interactions, byte for byte: every interaction is generated from its own
 * pseudo-random stream seeded by (seed, index), so the data does not depend on how it is
 * consumed. Interactions come out in start-time order, lazily (a generator), so 250,000 of them
 * never sit in memory at once.
 *
 * The catalogue (queues, programs, topics) is the example topic model
 * (config/topics.example.yaml): the queues are those of its program mappings plus one
 * unmapped queue, an interaction's programs are the programs mapping its queue, and the
 * transcripts contain its phrases — with case changes, punctuation, accents and sometimes
 * filler words between a phrase's words (so phrase strictness matters). A share of the
 * interactions contains no topic phrase at all.
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Schema } from "effect"
import * as Yaml from "yaml"
import type { Block, Direction, Interaction, Participant, Transcript } from "../domain/interaction.ts"
import type { MediaType } from "../domain/media.ts"
import { phrasesOf, type Topic, TopicModel } from "../domain/topicModel.ts"
import type { BlockTopicRow } from "../store/InteractionStore.ts"
import { firstNames, foreignPhrases, type Language, neutral } from "./phrases.ts"
import { mulberry32 } from "./random.ts"

export interface SeedOptions {
  readonly seed: number
  readonly count: number
  /** ISO instant, inclusive. */
  readonly from: string
  /** ISO instant, exclusive. */
  readonly to: string
}

/** Absolute path of config/topics.example.yaml. */
export const exampleModelPath: string = fileURLToPath(new URL("../../config/topics.example.yaml", import.meta.url))

let cachedModel: TopicModel | undefined

/** The example topic model, decoded and validated (read once). */
export const exampleModel = (): TopicModel => {
  if (cachedModel === undefined) {
    const input: unknown = Yaml.parse(readFileSync(exampleModelPath, "utf8"))
    cachedModel = Schema.decodeUnknownSync(TopicModel)(input, { onExcessProperty: "error" })
  }
  return cachedModel
}

/** The queue no program maps: its interactions belong to no program. */
export const UnmappedQueue = "q-overflow"

export const Divisions: ReadonlyArray<string> = ["div-north", "div-south", "div-east", "div-west"]

export const Agents: ReadonlyArray<string> = Array.from({ length: 48 }, (_, i) => `ag-${String(i + 1).padStart(3, "0")}`)

// ---------------------------------------------------------------------------------------------
// Pseudo-random numbers

/** 32-bit integer hash (murmur3 finalizer over a combination of the inputs). */
const hash32 = (...xs: ReadonlyArray<number>): number => {
  let h = 0x9e3779b9
  for (const x of xs) {
    h = Math.imul(h ^ (x >>> 0), 0x85ebca6b)
    h ^= h >>> 13
    h = Math.imul(h, 0xc2b2ae35)
    h ^= h >>> 16
  }
  return h >>> 0
}

const hashString = (s: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** Seeded numbers for the generator (mulberry32, src/seed/random.ts). */
class Rng {
  readonly next: () => number
  constructor(seed: number) {
    this.next = mulberry32(seed)
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<A>(xs: ReadonlyArray<A>): A {
    return xs[Math.floor(this.next() * xs.length)]!
  }
  weighted<A>(xs: ReadonlyArray<readonly [A, number]>): A {
    let total = 0
    for (const [, w] of xs) total += w
    let r = this.next() * total
    for (const [x, w] of xs) {
      r -= w
      if (r < 0) return x
    }
    return xs[xs.length - 1]![0]
  }
}

// ---------------------------------------------------------------------------------------------
// Catalogue derived from the model

interface Catalogue {
  readonly queues: ReadonlyArray<readonly [string, number]>
  readonly programsByQueue: ReadonlyMap<string, ReadonlyArray<string>>
  readonly topicsByProgram: ReadonlyMap<string, ReadonlyArray<string>>
  /** language → participant → topic id → phrases usable there. */
  readonly phrases: ReadonlyMap<Language, Readonly<Record<Participant, ReadonlyMap<string, ReadonlyArray<string>>>>>
  readonly topicIds: ReadonlyArray<string>
}

let cachedCatalogue: Catalogue | undefined

const listens = (t: Topic, p: Participant): boolean => t.participants === "all" || t.participants === p

const catalogue = (): Catalogue => {
  if (cachedCatalogue !== undefined) return cachedCatalogue
  const model = exampleModel()
  const programsByQueue = new Map<string, Array<string>>()
  for (const p of model.programs) {
    for (const q of p.queues) {
      const list = programsByQueue.get(q) ?? []
      if (!list.includes(p.id)) list.push(p.id)
      programsByQueue.set(q, list)
    }
  }
  const queueNames = [...programsByQueue.keys()].sort()
  // Busier queues first in the weights: general and billing see the most traffic.
  const weightOf = (q: string): number =>
    q === "q-general" ? 6 : q === "q-billing" ? 5 : q === "q-tech-support" ? 5 : q === "q-retention" ? 3 : 2
  const queues: Array<readonly [string, number]> = [...queueNames.map((q) => [q, weightOf(q)] as const), [UnmappedQueue, 1]]

  const foreignTexts = new Set<string>()
  for (const byTopic of Object.values(foreignPhrases)) {
    for (const list of Object.values(byTopic)) for (const p of list) foreignTexts.add(p)
  }
  const phrases = new Map<Language, Record<Participant, Map<string, Array<string>>>>()
  const add = (lang: Language, t: Topic, text: string) => {
    let byParticipant = phrases.get(lang)
    if (byParticipant === undefined) {
      byParticipant = { external: new Map(), internal: new Map() }
      phrases.set(lang, byParticipant)
    }
    for (const p of ["external", "internal"] as const) {
      if (!listens(t, p)) continue
      const list = byParticipant[p].get(t.id) ?? []
      list.push(text)
      byParticipant[p].set(t.id, list)
    }
  }
  for (const t of model.topics) {
    for (const ph of phrasesOf(t)) if (!foreignTexts.has(ph.text)) add("en-us", t, ph.text)
    for (const [lang, byTopic] of Object.entries(foreignPhrases) as Array<[Language, Record<string, ReadonlyArray<string>>]>) {
      for (const text of byTopic[t.id] ?? []) add(lang, t, text)
    }
  }
  cachedCatalogue = {
    queues,
    programsByQueue,
    topicsByProgram: new Map(model.programs.map((p) => [p.id, p.topics])),
    phrases,
    topicIds: model.topics.map((t) => t.id)
  }
  return cachedCatalogue
}

// ---------------------------------------------------------------------------------------------
// Text

const fill = (template: string, rng: Rng): string => {
  if (!template.includes("{")) return template
  return template.replace("{n}", String(rng.int(1000, 99999))).replace("{name}", rng.pick(firstNames))
}

/** A phrase as a person would type or say it: case changes, maybe filler words inside. */
const decorate = (phrase: string, lang: Language, rng: Rng): string => {
  let words = phrase.split(" ")
  if (words.length >= 2 && rng.chance(0.16)) {
    const fillers = neutral[lang].fillers
    const at = rng.int(1, words.length - 1)
    const inserted = rng.chance(0.25) ? [rng.pick(fillers), rng.pick(fillers)] : [rng.pick(fillers)]
    words = [...words.slice(0, at), ...inserted, ...words.slice(at)]
  }
  let text = words.join(" ")
  const c = rng.next()
  if (c < 0.2) text = text.toLowerCase()
  else if (c < 0.3) text = text.toUpperCase()
  else if (c < 0.45) text = text.charAt(0).toUpperCase() + text.slice(1)
  // Accents dropped by a hurried typist (matching is accent-insensitive).
  if (lang !== "en-us" && rng.chance(0.1)) text = text.normalize("NFD").replace(/\p{M}/gu, "")
  return text
}

const endings = [".", ".", ".", "!", "?", "...", ","] as const

const sentenceWithPhrase = (phrase: string, lang: Language, rng: Rng): string => {
  const lead = rng.pick(neutral[lang].leads)
  const body = decorate(phrase, lang, rng)
  const end = rng.pick(endings)
  const start = lead === "" ? body.charAt(0).toUpperCase() + body.slice(1) : lead + body
  return end === "," ? `${start}, ${rng.chance(0.5) ? "right" : "you know"}?` : start + end
}

/** Topics (and their phrases) one speaker may utter: all, and those of the interaction's programs. */
interface TopicPool {
  readonly all: ReadonlyArray<PhraseList>
  readonly preferred: ReadonlyArray<PhraseList>
}

interface PhraseList {
  readonly topicId: string
  readonly phrases: ReadonlyArray<string>
}

const poolCache = new Map<string, TopicPool>()

const topicPool = (lang: Language, participant: Participant, queueId: string): TopicPool => {
  const key = `${lang}|${participant}|${queueId}`
  const cached = poolCache.get(key)
  if (cached !== undefined) return cached
  const cat = catalogue()
  const byTopic = cat.phrases.get(lang)?.[participant] ?? new Map<string, ReadonlyArray<string>>()
  const all = [...byTopic].map(([topicId, phrases]) => ({ topicId, phrases }))
  const preferredIds = new Set((cat.programsByQueue.get(queueId) ?? []).flatMap((p) => cat.topicsByProgram.get(p) ?? []))
  const pool = { all, preferred: all.filter((p) => preferredIds.has(p.topicId)) }
  poolCache.set(key, pool)
  return pool
}

const greetings = new Map<Language, PhraseList | undefined>()
const greetingPool = (lang: Language): PhraseList | undefined => {
  if (!greetings.has(lang)) greetings.set(lang, topicPool(lang, "internal", UnmappedQueue).all.find((p) => p.topicId === "t-greeting"))
  return greetings.get(lang)
}

/** 1–4 sentences, 2.5 on average (≈ 90 characters of text per block). */
const sentenceCount = (rng: Rng): number => {
  const r = rng.next()
  return r < 0.15 ? 1 : r < 0.5 ? 2 : r < 0.85 ? 3 : 4
}

/** One block's text: 1–4 neutral sentences, and maybe a topic phrase among them. */
const utterance = (lang: Language, participant: Participant, phrases: PhraseList | undefined, rng: Rng): string => {
  const bank = neutral[lang][participant]
  const sentences = sentenceCount(rng)
  const phraseAt = phrases === undefined ? -1 : rng.int(0, sentences)
  let text = ""
  for (let k = 0; k <= sentences; k++) {
    let sentence: string | undefined
    if (k === phraseAt && phrases !== undefined) sentence = sentenceWithPhrase(rng.pick(phrases.phrases), lang, rng)
    else if (k < sentences) sentence = fill(rng.pick(bank), rng)
    if (sentence !== undefined) text = text === "" ? sentence : `${text} ${sentence}`
  }
  return text
}

// ---------------------------------------------------------------------------------------------
// Interactions

const mediaWeights: ReadonlyArray<readonly [MediaType, number]> = [
  ["voice", 42],
  ["chat", 20],
  ["message", 15],
  ["email", 13],
  ["callback", 10]
]

const languageWeights: ReadonlyArray<readonly [Language, number]> = [
  ["en-us", 80],
  ["fr-fr", 8],
  ["de-de", 7],
  ["es-es", 5]
]

/** Share of interactions with no topic phrase at all. */
const NoTopicShare = 0.07

const blockCount = (rng: Rng): number => {
  // 6–40 blocks, about 20 on average.
  const x = (rng.next() + rng.next()) / 2
  return Math.min(40, 6 + Math.floor(35 * x ** 1.3))
}

/** Milliseconds between two consecutive blocks of a transcript. */
const gapMs = (media: MediaType, rng: Rng): number => {
  switch (media) {
    case "voice":
    case "callback":
      return rng.int(2_000, 20_000)
    case "chat":
      return rng.int(8_000, 120_000)
    case "message":
      return rng.int(30_000, 1_800_000)
    case "email":
      return rng.int(500, 3_000)
  }
}

const hex8 = (n: number): string => n.toString(16).padStart(8, "0")

export const interactionId = (seed: number, index: number): string =>
  `ix-${String(index).padStart(6, "0")}-${hex8(hash32(seed, index, 0x1d))}`

const generateOne = (o: SeedOptions, index: number, fromMs: number, spanMs: number): Interaction => {
  const rng = new Rng(hash32(o.seed, index))
  const cat = catalogue()
  const id = interactionId(o.seed, index)
  const startMs = fromMs + Math.floor(((index + rng.next()) * spanMs) / o.count)
  const mediaType = rng.weighted(mediaWeights)
  const direction: Direction =
    mediaType === "callback" ? "outbound" : rng.chance(mediaType === "voice" || mediaType === "email" ? 0.15 : 0.05) ? "outbound" : "inbound"
  const queueId = rng.weighted(cat.queues)
  const programIds = cat.programsByQueue.get(queueId) ?? []
  const language = rng.weighted(languageWeights)
  const agentCount = rng.chance(0.15) ? 2 : 1
  const agentIds: Array<string> = []
  while (agentIds.length < agentCount) {
    const a = rng.pick(Agents)
    if (!agentIds.includes(a)) agentIds.push(a)
  }
  const divisionId = rng.pick(Divisions)
  const noTopic = rng.chance(NoTopicShare)
  const phraseRate = 0.2 + rng.next() * 0.3
  const internalPool = topicPool(language, "internal", queueId)
  const externalPool = topicPool(language, "external", queueId)

  // Transcripts: one per communication. Emails are threads of messages; a voice call is
  // sometimes transferred (a second communication).
  const total = blockCount(rng)
  const transcriptCount =
    mediaType === "email" ? rng.int(1, 3) : (mediaType === "voice" || mediaType === "callback") && rng.chance(0.1) ? 2 : 1
  const agentFirst = mediaType === "voice" || mediaType === "callback" || direction === "outbound"
  const transcripts: Array<Transcript> = []
  let offset = 0
  let remaining = total
  for (let k = 0; k < transcriptCount; k++) {
    const n = k === transcriptCount - 1 ? remaining : Math.max(1, Math.floor(remaining / (transcriptCount - k)))
    remaining -= n
    const blocks: Array<Block> = []
    let participant: Participant =
      mediaType === "email" ? (k % 2 === 0) === (direction === "inbound") ? "external" : "internal" : agentFirst ? "internal" : "external"
    for (let b = 0; b < n; b++) {
      let phrases: PhraseList | undefined
      if (!noTopic) {
        if (b === 0 && participant === "internal" && rng.chance(0.6)) phrases = greetingPool(language)
        else if (rng.chance(phraseRate)) {
          const pool = participant === "internal" ? internalPool : externalPool
          const from = pool.preferred.length > 0 && rng.chance(0.8) ? pool.preferred : pool.all
          if (from.length > 0) phrases = rng.pick(from)
        }
      }
      blocks.push({ participant, offsetMs: offset, text: utterance(language, participant, phrases, rng) })
      offset += gapMs(mediaType, rng)
      // Emails: one author per message; conversations: mostly alternating turns.
      if (mediaType !== "email" && rng.chance(0.75)) participant = participant === "internal" ? "external" : "internal"
    }
    transcripts.push({ id: `${id}-c${k + 1}`, blocks })
    if (mediaType === "email") offset += rng.int(600_000, 43_200_000)
  }
  const endMs = startMs + offset + rng.int(1_000, 60_000)
  return {
    id,
    startTime: new Date(startMs).toISOString(),
    endTime: new Date(endMs).toISOString(),
    mediaType,
    direction,
    queueId,
    divisionId,
    agentIds,
    language,
    programIds,
    transcripts
  }
}

/**
 * Deterministic synthetic interactions (same options → same data), in start-time order, with
 * start times spread over [from, to). Generated lazily.
 */
export function* generateInteractions(o: SeedOptions): Generator<Interaction> {
  const [fromMs, toMs] = period(o)
  for (let index = 0; index < o.count; index++) yield generateOne(o, index, fromMs, toMs - fromMs)
}

const period = (o: SeedOptions): readonly [number, number] => {
  const fromMs = Date.parse(o.from)
  const toMs = Date.parse(o.to)
  if (Number.isNaN(fromMs) || Number.isNaN(toMs) || toMs <= fromMs) {
    throw new Error(`seed: invalid period [${o.from}, ${o.to})`)
  }
  return [fromMs, toMs]
}

/**
 * The interaction at `index` (0 ≤ index < count) of `generateInteractions(o)`, generated on its
 * own: the same value the generator yields at that position (random access for the simulator).
 */
export const generateInteractionAt = (o: SeedOptions, index: number): Interaction => {
  if (!Number.isInteger(index) || index < 0 || index >= o.count) {
    throw new Error(`seed: index ${index} outside [0, ${o.count})`)
  }
  const [fromMs, toMs] = period(o)
  return generateOne(o, index, fromMs, toMs - fromMs)
}

/**
 * Initial topics as an older model would have left them: pseudo-random topic ids of the
 * example model on about a third of the blocks (deterministic per seed and interaction).
 */
export const initialTopics = (i: Interaction, seed: number): ReadonlyArray<BlockTopicRow> => {
  const { topicIds } = catalogue()
  const rng = new Rng(hash32(seed, hashString(i.id), 0x7091c5))
  const out: Array<BlockTopicRow> = []
  for (const t of i.transcripts) {
    t.blocks.forEach((_, blockIndex) => {
      if (!rng.chance(0.3)) return
      const first = rng.pick(topicIds)
      out.push({ interactionId: i.id, transcriptId: t.id, blockIndex, topicId: first })
      if (rng.chance(0.15)) {
        const second = rng.pick(topicIds)
        if (second !== first) out.push({ interactionId: i.id, transcriptId: t.id, blockIndex, topicId: second })
      }
    })
  }
  return out
}
