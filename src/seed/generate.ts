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
import type { Block, Direction, Interaction, Participant, Transcript } from "../domain/interaction.ts"
import type { MediaType } from "../domain/media.ts"
import type { BlockTopicRow } from "../store/InteractionStore.ts"
import { Agents, catalogue, Divisions } from "./catalogue.ts"
import type { Language } from "./phrases.ts"
import { hash32, hashString, Rng } from "./random.ts"
import { greetingPool, type PhraseList, topicPool, utterance } from "./utterances.ts"

export { Agents, Divisions, exampleModel, exampleModelPath, UnmappedQueue } from "./catalogue.ts"

export interface SeedOptions {
  readonly seed: number
  readonly count: number
  /** ISO instant, inclusive. */
  readonly from: string
  /** ISO instant, exclusive. */
  readonly to: string
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
