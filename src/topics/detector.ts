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
 * Implementation: phrase words get dense ids (Vocabulary); a block is tokenized in one pass and
 * each word mapped to its id (or -1) by hash lookup; candidate phrases are indexed by first
 * word id, per participant. `detectTopics` builds no hits and skips phrases whose topics are
 * all already detected in the block.
 */
import type { Block, Participant } from "../domain/interaction.ts"
import { phrasesOf, programsByTopic, type Topic, type TopicModel } from "../domain/topicModel.ts"
import { normalizeWords, tokenize, WordBuffer } from "./normalize.ts"
import { maxGapOf } from "./strictness.ts"
import { type Vocabulary, VocabularyBuilder } from "./vocabulary.ts"

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

/** Distinct (word ids, gap) of one participant's phrases, with what a match reports. */
interface Pattern {
  readonly words: Int32Array
  readonly gap: number
  /** (topic index, phrase text) pairs, distinct. */
  readonly outputs: Array<{ readonly topic: number; readonly phrase: string }>
  /** Distinct topic indexes of `outputs`. */
  readonly topics: Array<number>
}

/** The phrases one participant's blocks are matched against, indexed by first word id. */
interface Matcher {
  readonly patterns: ReadonlyArray<Pattern>
  /** Patterns starting with word id w: `byFirst[starts[w] .. starts[w + 1])`. */
  readonly starts: Int32Array
  readonly byFirst: Int32Array
  /** Number of distinct topics of this participant. */
  readonly topicCount: number
}

interface CompiledPhrase {
  readonly text: string
  readonly words: ReadonlyArray<number>
  readonly gap: number
}

const listens = (topic: Topic, participant: Participant): boolean =>
  topic.participants === "all" || topic.participants === participant

const buildMatcher = (
  topics: ReadonlyArray<Topic>,
  phrases: ReadonlyArray<ReadonlyArray<CompiledPhrase>>,
  participant: Participant,
  vocabularySize: number
): Matcher => {
  const patterns: Array<Pattern> = []
  const byKey = new Map<string, Pattern>()
  const topicSet = new Set<number>()
  for (let t = 0; t < topics.length; t++) {
    if (!listens(topics[t]!, participant)) continue
    for (const p of phrases[t]!) {
      const key = `${p.gap}:${p.words.join(",")}`
      let pattern = byKey.get(key)
      if (pattern === undefined) {
        pattern = { words: Int32Array.from(p.words), gap: p.gap, outputs: [], topics: [] }
        byKey.set(key, pattern)
        patterns.push(pattern)
      }
      if (!pattern.outputs.some((o) => o.topic === t && o.phrase === p.text)) {
        pattern.outputs.push({ topic: t, phrase: p.text })
      }
      if (!pattern.topics.includes(t)) pattern.topics.push(t)
      topicSet.add(t)
    }
  }
  // Counting sort of patterns by first word id.
  const starts = new Int32Array(vocabularySize + 1)
  for (const p of patterns) starts[p.words[0]! + 1]!++
  for (let w = 0; w < vocabularySize; w++) starts[w + 1]! += starts[w]!
  const fill = starts.slice(0, vocabularySize)
  const byFirst = new Int32Array(patterns.length)
  for (let i = 0; i < patterns.length; i++) byFirst[fill[patterns[i]!.words[0]!]!++] = i
  return { patterns, starts, byFirst, topicCount: topicSet.size }
}

/**
 * Does `words` (gap `gap`) match the word ids `ids[0 .. n)` at `i`, given `ids[i] === words[0]`?
 * Each next word is the earliest occurrence within `gap` extra words of the previous one.
 */
const matchesAt = (ids: Int32Array, n: number, i: number, words: Int32Array, gap: number): boolean => {
  let prev = i
  for (let k = 1; k < words.length; k++) {
    const want = words[k]!
    const limit = Math.min(n - 1, prev + 1 + gap)
    let m = prev + 1
    while (m <= limit && ids[m] !== want) m++
    if (m > limit) return false
    prev = m
  }
  return true
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const compareHits = (a: Hit, b: Hit): number =>
  a.wordIndex - b.wordIndex || compareStrings(a.topicId, b.topicId) || compareStrings(a.phrase, b.phrase)

const EMPTY_TOPICS: ReadonlySet<string> = new Set()
const NO_HITS: ReadonlyArray<Hit> = []

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
    phrasesOf(t).flatMap((p): Array<CompiledPhrase> => {
      const words = normalizeWords(p.text)
      if (words.length === 0) return []
      return [{ text: p.text, words: words.map((w) => vocabularyBuilder.idOf(w)), gap: maxGapOf(p.strictness) }]
    })
  )
  const vocabulary: Vocabulary = vocabularyBuilder.build()
  const external = buildMatcher(topics, phrases, "external", vocabulary.size)
  const internal = buildMatcher(topics, phrases, "internal", vocabulary.size)

  // Scratch state, reused across calls (detection is synchronous).
  const buffer = new WordBuffer()
  let ids = new Int32Array(256)
  const topicStamp = new Int32Array(topics.length)
  let epoch = 0

  /** Tokenize `text` and map its words to vocabulary ids in `ids`; returns the word count. */
  const scan = (text: string): number => {
    const n = tokenize(text, buffer)
    if (ids.length < n) ids = new Int32Array(Math.max(n, ids.length * 2))
    for (let w = 0; w < n; w++) ids[w] = vocabulary.lookup(buffer, w)
    return n
  }

  const matcherOf = (participant: Participant): Matcher => (participant === "external" ? external : internal)

  const detectBlock = (block: Block): ReadonlyArray<Hit> => {
    const matcher = matcherOf(block.participant)
    if (matcher.patterns.length === 0) return NO_HITS
    const n = scan(block.text)
    const { byFirst, patterns, starts } = matcher
    const hits: Array<Hit> = []
    for (let i = 0; i < n; i++) {
      const w = ids[i]!
      if (w < 0) continue
      for (let j = starts[w]!, end = starts[w + 1]!; j < end; j++) {
        const pattern = patterns[byFirst[j]!]!
        if (!matchesAt(ids, n, i, pattern.words, pattern.gap)) continue
        for (const o of pattern.outputs) {
          hits.push({
            topicId: topicIdOf[o.topic]!,
            programIds: programIdsOf[o.topic]!,
            phrase: o.phrase,
            participant: block.participant,
            offsetMs: block.offsetMs,
            wordIndex: i
          })
        }
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

  const detectTopics = (block: Block): ReadonlySet<string> => {
    const matcher = matcherOf(block.participant)
    if (matcher.patterns.length === 0) return EMPTY_TOPICS
    const n = scan(block.text)
    const { byFirst, patterns, starts, topicCount } = matcher
    if (epoch === 0x7fffffff) {
      topicStamp.fill(0)
      epoch = 0
    }
    const stamp = ++epoch
    let found: Array<string> | undefined
    for (let i = 0; i < n; i++) {
      const w = ids[i]!
      if (w < 0) continue
      for (let j = starts[w]!, end = starts[w + 1]!; j < end; j++) {
        const pattern = patterns[byFirst[j]!]!
        const pTopics = pattern.topics
        let pending = false
        for (let k = 0; k < pTopics.length; k++) {
          if (topicStamp[pTopics[k]!] !== stamp) {
            pending = true
            break
          }
        }
        if (!pending || !matchesAt(ids, n, i, pattern.words, pattern.gap)) continue
        for (let k = 0; k < pTopics.length; k++) {
          const t = pTopics[k]!
          if (topicStamp[t] === stamp) continue
          topicStamp[t] = stamp
          ;(found ??= []).push(topicIdOf[t]!)
        }
        if (found !== undefined && found.length === topicCount) return new Set(found)
      }
    }
    return found === undefined ? EMPTY_TOPICS : new Set(found)
  }

  return { topicIds: new Set(topicIdOf), detectBlock, detectTopics }
}
