/**
 * Topic detection: which topics' phrases occur in a transcript block.
 *
 * Matching semantics (the contract; test/unit/topics checks it against a brute-force reference):
 *
 * - Words: text and phrases are split into normalized words by `normalizeWords`
 *   (src/topics/normalize.ts): NFKD, combining marks removed, lowercased, Greek final sigma
 *   folded to σ, apostrophes (' ’ ʼ) removed ("don't" → "dont"), then a word is a maximal run
 *   of Unicode letters/digits; everything else separates words. "Réclamation!" and
 *   "reclamation" are the same word; a run of CJK ideographs is one word.
 * - A phrase is its normalized word list; a phrase with zero words is ignored. Its gap G comes
 *   from its strictness (src/topics/strictness.ts: none/"90" → 0, "85" → 1, "72" → 2,
 *   "65" → 3, "55" → 4, "1" → 5); a string phrase takes its topic's default strictness.
 * - The phrase matches at word i when its first word equals word i and each following phrase
 *   word is found after the previously matched word with at most G other words in between,
 *   always taking the earliest such word (greedy; no backtracking). Whole words only:
 *   "cancel" does not match "cancellation".
 * - Participants: a topic listening to `external` only looks at `external` blocks, `internal`
 *   only at `internal` blocks, `all` at both.
 * - A phrase may belong to several topics, and phrases may be prefixes of or overlap each
 *   other; every match counts. A topic is detected in a block when any of its phrases matches
 *   anywhere in it.
 * - `detectBlock` reports one hit per distinct (topicId, wordIndex, phrase text), ordered by
 *   wordIndex, then topicId, then phrase (plain code-unit string order). `wordIndex` indexes
 *   `normalizeWords(block.text)`.
 *
 * Implementation (compiled once per model revision and topic subset):
 *
 * - Phrase words get dense ids (Vocabulary). A block is scanned in one pass that tokenizes and
 *   looks words up at once, keeping only the phrase words as (id, word index) pairs
 *   (`Vocabulary.scan`); the rest of the work is over those few pairs.
 * - Per participant, the distinct patterns (word ids, gap) the participant's topics listen to.
 *   Gap-0 patterns (and one-word patterns, where the gap is moot) form an Aho–Corasick
 *   automaton over word ids: a trie with failure links, root transitions in a direct table,
 *   other edges in an open-addressing table; two phrase words at non-consecutive word indexes
 *   restart it at the root (the words between are not phrase words, so no gap-0 pattern spans
 *   them). Every trie node that ends a pattern knows the pattern's (topic, phrase) outputs and
 *   distinct topics; `dictNext` chains the nodes of shorter patterns that end at the same word.
 * - Gapped patterns (≥ 2 words, gap > 0) are indexed by their first two word ids. Where a word
 *   starting some of them occurs, the window after it (up to their largest gap) is walked once;
 *   each distinct word there, at its first occurrence (the one the greedy rule binds), selects
 *   the patterns starting with that pair whose gap reaches it, and only those are followed
 *   further — greedily, over the recorded pairs (a non-phrase word can never be a phrase's next
 *   word, so skipping them changes nothing but speed).
 * - `detectTopics` builds no hits, stamps found topics in a typed array, skips gapped checks
 *   whose topics are all found, stops once every topic is found, and returns a shared empty set
 *   or a cached singleton when it finds zero or one topic (the common cases).
 * - The worker pool runs the same algorithm over the same tables in WebAssembly, a chunk of
 *   blocks per call (src/topics/wasmEngine.ts, src/topics/wasm/engine.c): a change to the
 *   algorithm here is made there too; the tests compare the two engines.
 */
import type { Block, Participant } from "../domain/interaction.ts"
import { programsByTopic } from "../domain/topicPrograms.ts"
import type { TopicModel } from "../domain/topicModel.ts"
import { normalizeWords } from "./normalize.ts"
import { MAX_GAP, maxGapOf } from "./strictness.ts"
import { buildMatcher, type CompiledPhrase, type Matcher, type Outputs, phrasesOfTopic } from "./matcher.ts"
import { forGappedMatches, gappedRest, pairSlot, step } from "./matchSteps.ts"
import { ScanBuffer, type Vocabulary, type VocabularyTables } from "./vocabulary.ts"
import { VocabularyBuilder } from "./vocabularyBuilder.ts"

export interface Hit {
  readonly topicId: string
  /** Programs of the model linking this topic (may be empty). */
  readonly programIds: ReadonlyArray<string>
  /** The phrase text as written in the model. */
  readonly phrase: string
  /** The block's participant. */
  readonly participant: Participant
  /** The block's offsetMs. */
  readonly offsetMs: number
  /** Index (in the block's normalized word list) of the match's first word. */
  readonly wordIndex: number
}

export interface Detector {
  /** The topics this detector evaluates. */
  readonly topicIds: ReadonlySet<string>
  /** Hits in one block, ordered by wordIndex then topicId then phrase; each (topicId, wordIndex, phrase) once. */
  detectBlock(block: Block): ReadonlyArray<Hit>
  /** Just the distinct topic ids detected in a block (the hot path used by the pipelines). */
  detectTopics(block: Block): ReadonlySet<string>
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const compareHits = (a: Hit, b: Hit): number =>
  a.wordIndex - b.wordIndex || compareStrings(a.topicId, b.topicId) || compareStrings(a.phrase, b.phrase)

const EMPTY_TOPICS: ReadonlySet<string> = new Set()
const NO_HITS: ReadonlyArray<Hit> = []

/**
 * The typed core of a compiled detector, for the worker pool (src/topics/pool.ts): topics as
 * indexes into `topicIdOf`, text as a range of a string (a whole batch can travel as one string).
 */
export interface DetectorCore {
  /** What it was compiled from (a pool worker compiles the same). */
  readonly model: TopicModel
  readonly topicIdsArg: ReadonlySet<string> | undefined
  /** Topic id of each topic index. */
  readonly topicIdOf: ReadonlyArray<string>
  /**
   * Detect the topics of `text[from .. to)` spoken by `participant`: returns how many, written
   * (as topic indexes, in detection order — the order of `detectTopics`' set) to `found`.
   * `found` is scratch owned by the core: read it before the next call.
   */
  topicIndexes(text: string, from: number, to: number, participant: Participant): number
  readonly found: Int32Array
  /** The set `detectTopics` returns for `found[0 .. count)` (shared sets for 0 or 1 topics). */
  setOf(found: ArrayLike<number>, from: number, count: number): ReadonlySet<string>
  /** The compiled tables, for the WebAssembly engine (src/topics/wasmEngine.ts). */
  readonly tables: CompiledTables
}

export interface CompiledTables {
  readonly vocabulary: VocabularyTables
  readonly external: Matcher
  readonly internal: Matcher
  /** Number of topics (topic indexes are 0 .. topicCount - 1). */
  readonly topicCount: number
}

const cores = new WeakMap<Detector, DetectorCore>()

/** The typed core of a detector made by `compileDetector`. */
export const detectorCore = (detector: Detector): DetectorCore | undefined => cores.get(detector)

/**
 * Compile once per model revision; `topicIds` restricts to a subset (a job's scope topics); default all topics.
 * Ids in `topicIds` that are not topics of the model are ignored (not part of `Detector.topicIds`).
 * A detector keeps scratch buffers: use it from one fiber/thread at a time (calls are synchronous).
 */
export const compileDetector = (model: TopicModel, topicIds?: ReadonlySet<string>): Detector => {
  const topics = model.topics.filter((t) => topicIds === undefined || topicIds.has(t.id))
  const programs = programsByTopic(model)
  const topicIdOf = topics.map((t) => t.id)
  const programIdsOf = topics.map((t) => programs.get(t.id) ?? [])

  const vocabularyBuilder = new VocabularyBuilder()
  const phrases: Array<Array<CompiledPhrase>> = topics.map((t) =>
    phrasesOfTopic(t).flatMap((p): Array<CompiledPhrase> => {
      const words = normalizeWords(p.text)
      if (words.length === 0) return []
      return [{ text: p.text, words: words.map((w) => vocabularyBuilder.idOf(w)), gap: maxGapOf(p.strictness) }]
    })
  )
  const vocabulary: Vocabulary = vocabularyBuilder.build()
  const external = buildMatcher(topics, phrases, "external", vocabulary.size)
  const internal = buildMatcher(topics, phrases, "internal", vocabulary.size)
  const singletons: ReadonlyArray<ReadonlySet<string>> = topicIdOf.map((id) => new Set([id]))

  // Scratch state, reused across calls (detection is synchronous).
  const scanned = new ScanBuffer()
  const topicStamp = new Int32Array(topics.length)
  const found = new Int32Array(topics.length)
  /** Distinct words of a gap window (at most MAX_GAP + 1 pairs). */
  const seen = new Int32Array(MAX_GAP + 1)
  let epoch = 0

  const matcherOf = (participant: Participant): Matcher => (participant === "external" ? external : internal)

  const topicIndexes = (text: string, from: number, to: number, participant: Participant): number => {
    const m = matcherOf(participant)
    if (m.empty) return 0
    const count = vocabulary.scan(text, from, to, scanned)
    if (count === 0) return 0
    if (epoch === 0x7fffffff) {
      topicStamp.fill(0)
      epoch = 0
    }
    const stamp = ++epoch
    const ids = scanned.ids
    const positions = scanned.positions
    const { nodeTopicStart, nodeTopics, gMaxGap, gSecond, pairStart, pairEnd, gByPair, gapped, topicCount } = m
    let n = 0
    let state = 0
    let last = -2
    for (let j = 0; j < count; j++) {
      const w = ids[j]!
      const p = positions[j]!
      if (p !== last + 1) state = 0
      last = p
      state = step(m, state, w)
      for (let k = nodeTopicStart[state]!, end = nodeTopicStart[state + 1]!; k < end; k++) {
        const t = nodeTopics[k]!
        if (topicStamp[t] !== stamp) {
          topicStamp[t] = stamp
          found[n++] = t
        }
      }
      const maxGap = gMaxGap[w]!
      if (maxGap > 0) {
        // Gapped patterns starting here (see forGappedMatches; inlined, skipping patterns whose
        // topics are all found already).
        const limit = p + 1 + maxGap
        let nSeen = 0
        for (let k = j + 1; k < count && positions[k]! <= limit; k++) {
          const v = ids[k]!
          if (((gSecond[w * 2 + ((v >> 5) & 1)]! >>> (v & 31)) & 1) === 0) continue
          let dup = false
          for (let x = 0; x < nSeen; x++) {
            if (seen[x] === v) {
              dup = true
              break
            }
          }
          if (dup) continue
          seen[nSeen++] = v
          const slot = pairSlot(m, w, v)
          if (slot < 0) continue
          const distance = positions[k]! - p - 1
          for (let g = pairStart[slot]!, end = pairEnd[slot]!; g < end; g++) {
            const pattern = gapped[gByPair[g]!]!
            if (pattern.gap < distance) break
            const pTopics = pattern.topics
            let pending = false
            for (let x = 0; x < pTopics.length; x++) {
              if (topicStamp[pTopics[x]!] !== stamp) {
                pending = true
                break
              }
            }
            if (!pending || !gappedRest(ids, positions, count, k, pattern.words, pattern.gap)) continue
            for (let x = 0; x < pTopics.length; x++) {
              const t = pTopics[x]!
              if (topicStamp[t] !== stamp) {
                topicStamp[t] = stamp
                found[n++] = t
              }
            }
          }
        }
      }
      if (n === topicCount) return n
    }
    return n
  }

  const setOf = (list: ArrayLike<number>, from: number, count: number): ReadonlySet<string> => {
    if (count === 0) return EMPTY_TOPICS
    if (count === 1) return singletons[list[from]!]!
    const s = new Set<string>()
    for (let k = from; k < from + count; k++) s.add(topicIdOf[list[k]!]!)
    return s
  }

  const detectTopics = (block: Block): ReadonlySet<string> => {
    const text = block.text
    return setOf(found, 0, topicIndexes(text, 0, text.length, block.participant))
  }

  const detectBlock = (block: Block): ReadonlyArray<Hit> => {
    const m = matcherOf(block.participant)
    if (m.empty) return NO_HITS
    const count = vocabulary.scan(block.text, 0, block.text.length, scanned)
    if (count === 0) return NO_HITS
    const ids = scanned.ids
    const positions = scanned.positions
    const { firstOut, dictNext, depth, nodeOutputs, gMaxGap } = m
    const hits: Array<Hit> = []
    const push = (o: Outputs, wordIndex: number) => {
      for (const x of o.outputs) {
        hits.push({
          topicId: topicIdOf[x.topic]!,
          programIds: programIdsOf[x.topic]!,
          phrase: x.phrase,
          participant: block.participant,
          offsetMs: block.offsetMs,
          wordIndex
        })
      }
    }
    let state = 0
    let last = -2
    for (let j = 0; j < count; j++) {
      const w = ids[j]!
      const p = positions[j]!
      if (p !== last + 1) state = 0
      last = p
      state = step(m, state, w)
      for (let o = firstOut[state]!; o !== 0; o = dictNext[o]!) push(nodeOutputs[o]!, p - depth[o]! + 1)
      if (gMaxGap[w]! > 0) {
        forGappedMatches(m, ids, positions, count, j, seen, (pattern) => {
          push(pattern, p)
          return true
        })
      }
    }
    if (hits.length < 2) return hits
    hits.sort(compareHits)
    // The same (topic, phrase text) may come from two patterns (e.g. listed twice with different strictness).
    let kept = 1
    for (let k = 1; k < hits.length; k++) {
      if (compareHits(hits[k - 1]!, hits[k]!) !== 0) hits[kept++] = hits[k]!
    }
    hits.length = kept
    return hits
  }

  const detector: Detector = { topicIds: new Set(topicIdOf), detectBlock, detectTopics }
  const tables: CompiledTables = { vocabulary: vocabulary.tables(), external, internal, topicCount: topics.length }
  cores.set(detector, { model, topicIdsArg: topicIds, topicIdOf, topicIndexes, found, setOf, tables })
  return detector
}
