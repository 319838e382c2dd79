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
import { type Phrase, programsByTopic, type Topic, type TopicModel } from "../domain/topicModel.ts"
import { normalizeWords } from "./normalize.ts"
import { MAX_GAP, maxGapOf } from "./strictness.ts"
import { ScanBuffer, type Vocabulary, VocabularyBuilder, type VocabularyTables } from "./vocabulary.ts"

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

interface Output {
  readonly topic: number
  readonly phrase: string
}

/** What a pattern reports: distinct (topic, phrase text) pairs and their distinct topics. */
interface Outputs {
  readonly outputs: Array<Output>
  readonly topics: Array<number>
}

export interface GappedPattern extends Outputs {
  readonly words: Int32Array
  readonly gap: number
}

/** Everything one participant's blocks are matched against. */
export interface Matcher {
  /** No topic listens to this participant. */
  readonly empty: boolean
  /** Number of distinct topics listening to this participant. */
  readonly topicCount: number
  // Aho–Corasick over word ids (gap-0 and one-word patterns). Node 0 is the root.
  /** Root transition by word id (0: stay at the root). */
  readonly rootNext: Int32Array
  readonly fail: Int32Array
  /** Number of children of a node (a leaf's transitions are its failure node's). */
  readonly childCount: Int32Array
  /** Edges of non-root nodes: (node, word) → child, open addressing; edgeFrom -1 = empty. */
  readonly edgeFrom: Int32Array
  readonly edgeWord: Int32Array
  readonly edgeTo: Int32Array
  readonly edgeMask: number
  /** The longest pattern ending at a node: the node itself or a suffix node (0: none). */
  readonly firstOut: Int32Array
  /** The next shorter pattern node in the suffix chain of an output node (0: none). */
  readonly dictNext: Int32Array
  /** Pattern length (words) of a node. */
  readonly depth: Int32Array
  /**
   * Distinct topics of every pattern ending at state v (v's own and its suffixes', i.e. along
   * the output chain from `firstOut[v]`): `nodeTopics[nodeTopicStart[v] .. nodeTopicStart[v + 1])`.
   */
  readonly nodeTopicStart: Int32Array
  readonly nodeTopics: Int32Array
  /** (topic, phrase) outputs of the pattern ending at a node (undefined: none). */
  readonly nodeOutputs: ReadonlyArray<Outputs | undefined>
  // Gapped patterns, indexed by their first two word ids.
  readonly gapped: ReadonlyArray<GappedPattern>
  /** Largest gap of the gapped patterns starting with word id w (0: none starts with w). */
  readonly gMaxGap: Int8Array
  /**
   * Per first word id w, a 64-bit signature of the second words of its gapped patterns (bit
   * `v & 63` of `gSecond[2w .. 2w + 1]` for second word v): skips most pair lookups.
   */
  readonly gSecond: Int32Array
  /** (first, second) word ids → `gapped[gByPair[pairStart[slot] .. pairEnd[slot])]`, largest gap first; pairFirst -1 = empty. */
  readonly pairFirst: Int32Array
  readonly pairSecond: Int32Array
  readonly pairStart: Int32Array
  readonly pairEnd: Int32Array
  readonly pairMask: number
  readonly gByPair: Int32Array
}

interface CompiledPhrase {
  readonly text: string
  readonly words: ReadonlyArray<number>
  readonly gap: number
}

const listens = (topic: Topic, participant: Participant): boolean =>
  topic.participants === "all" || topic.participants === participant

/**
 * A topic's phrases with their strictness (a string phrase takes the topic's default).
 * Same as `phrasesOf` of src/domain/topicModel.ts, repeated here so that this module (loaded by
 * every pool worker) needs no runtime import beyond src/topics.
 */
const phrasesOfTopic = (t: Topic): ReadonlyArray<Phrase> =>
  t.phrases.map((p) =>
    typeof p === "string"
      ? (t.strictness === undefined ? { text: p } : { text: p, strictness: t.strictness })
      : (p.strictness === undefined && t.strictness !== undefined ? { text: p.text, strictness: t.strictness } : p)
  )

const addOutput = (o: Outputs, topic: number, phrase: string): void => {
  if (!o.outputs.some((x) => x.topic === topic && x.phrase === phrase)) o.outputs.push({ topic, phrase })
  if (!o.topics.includes(topic)) o.topics.push(topic)
}

/** Slot of (node or first word, word) in an open-addressing table of `mask + 1` slots (engine.c has the same). */
export const edgeSlot = (from: number, word: number, mask: number): number => {
  let h = Math.imul(from ^ Math.imul(word, 0x9e3779b1), 0x85ebca6b)
  h ^= h >>> 15
  return h & mask
}

const samePair = (a: GappedPattern, b: GappedPattern): boolean => a.words[0] === b.words[0] && a.words[1] === b.words[1]

const buildMatcher = (
  topics: ReadonlyArray<Topic>,
  phrases: ReadonlyArray<ReadonlyArray<CompiledPhrase>>,
  participant: Participant,
  vocabularySize: number
): Matcher => {
  // The trie, built with plain maps, then frozen into typed arrays.
  const stride = vocabularySize + 1
  const trie = new Map<number, number>() // node * stride + word → child
  const children: Array<Array<number>> = [[]] // child nodes, in insertion order
  const childWords: Array<Array<number>> = [[]]
  const depthOf: Array<number> = [0]
  const outputsOf: Array<Outputs | undefined> = [undefined]
  const gapped: Array<GappedPattern> = []
  const gappedByKey = new Map<string, GappedPattern>()
  const topicSet = new Set<number>()

  for (let t = 0; t < topics.length; t++) {
    if (!listens(topics[t]!, participant)) continue
    topicSet.add(t)
    for (const p of phrases[t]!) {
      let target: Outputs
      if (p.words.length === 1 || p.gap === 0) {
        let node = 0
        for (const w of p.words) {
          const key = node * stride + w
          let child = trie.get(key)
          if (child === undefined) {
            child = depthOf.length
            trie.set(key, child)
            children[node]!.push(child)
            childWords[node]!.push(w)
            children.push([])
            childWords.push([])
            depthOf.push(depthOf[node]! + 1)
            outputsOf.push(undefined)
          }
          node = child
        }
        target = outputsOf[node] ??= { outputs: [], topics: [] }
      } else {
        const key = `${p.gap}:${p.words.join(",")}`
        let pattern = gappedByKey.get(key)
        if (pattern === undefined) {
          pattern = { words: Int32Array.from(p.words), gap: p.gap, outputs: [], topics: [] }
          gappedByKey.set(key, pattern)
          gapped.push(pattern)
        }
        target = pattern
      }
      addOutput(target, t, p.text)
    }
  }

  const nodes = depthOf.length
  const rootNext = new Int32Array(vocabularySize)
  const childCount = new Int32Array(nodes)
  let edges = 0
  for (let v = 0; v < nodes; v++) {
    childCount[v] = children[v]!.length
    if (v > 0) edges += children[v]!.length
  }
  for (let k = 0; k < children[0]!.length; k++) rootNext[childWords[0]![k]!] = children[0]![k]!
  let edgeSize = 16
  while (edgeSize < edges * 2) edgeSize *= 2
  const edgeMask = edgeSize - 1
  const edgeFrom = new Int32Array(edgeSize).fill(-1)
  const edgeWord = new Int32Array(edgeSize)
  const edgeTo = new Int32Array(edgeSize)
  for (let v = 1; v < nodes; v++) {
    for (let k = 0; k < children[v]!.length; k++) {
      const w = childWords[v]![k]!
      let slot = edgeSlot(v, w, edgeMask)
      while (edgeFrom[slot] !== -1) slot = (slot + 1) & edgeMask
      edgeFrom[slot] = v
      edgeWord[slot] = w
      edgeTo[slot] = children[v]![k]!
    }
  }

  // Failure and output links, breadth first (a node's failure node is shallower).
  const fail = new Int32Array(nodes)
  const firstOut = new Int32Array(nodes)
  const dictNext = new Int32Array(nodes)
  const queue: Array<number> = [...children[0]!]
  for (let q = 0; q < queue.length; q++) {
    const u = queue[q]!
    firstOut[u] = outputsOf[u] !== undefined ? u : firstOut[fail[u]!]!
    dictNext[u] = firstOut[fail[u]!]!
    for (let k = 0; k < children[u]!.length; k++) {
      const v = children[u]![k]!
      const w = childWords[u]![k]!
      let f = fail[u]!
      for (;;) {
        const x = trie.get(f * stride + w)
        if (x !== undefined) {
          fail[v] = x
          break
        }
        if (f === 0) {
          fail[v] = 0
          break
        }
        f = fail[f]!
      }
      queue.push(v)
    }
  }

  const nodeTopicStart = new Int32Array(nodes + 1)
  const allTopics: Array<number> = []
  const mark = new Int32Array(topics.length).fill(-1)
  for (let v = 0; v < nodes; v++) {
    for (let o = firstOut[v]!; o !== 0; o = dictNext[o]!) {
      for (const t of outputsOf[o]!.topics) {
        if (mark[t] === v) continue
        mark[t] = v
        allTopics.push(t)
      }
    }
    nodeTopicStart[v + 1] = allTopics.length
  }
  const nodeTopics = Int32Array.from(allTopics)

  // Gapped patterns grouped by their first two words, largest gap first within a group.
  const gMaxGap = new Int8Array(vocabularySize)
  const gSecond = new Int32Array(vocabularySize * 2)
  for (const p of gapped) gSecond[p.words[0]! * 2 + ((p.words[1]! >> 5) & 1)]! |= 1 << (p.words[1]! & 31)
  const order = gapped.map((_, i) => i).sort((a, b) => {
    const x = gapped[a]!
    const y = gapped[b]!
    return x.words[0]! - y.words[0]! || x.words[1]! - y.words[1]! || y.gap - x.gap
  })
  const gByPair = Int32Array.from(order)
  let pairs = 0
  for (let k = 0; k < order.length; k++) {
    const p = gapped[order[k]!]!
    if (p.gap > gMaxGap[p.words[0]!]!) gMaxGap[p.words[0]!] = p.gap
    if (k === 0 || !samePair(gapped[order[k - 1]!]!, p)) pairs++
  }
  let pairSize = 16
  while (pairSize < pairs * 2) pairSize *= 2
  const pairMask = pairSize - 1
  const pairFirst = new Int32Array(pairSize).fill(-1)
  const pairSecond = new Int32Array(pairSize)
  const pairStart = new Int32Array(pairSize)
  const pairEnd = new Int32Array(pairSize)
  for (let k = 0; k < order.length;) {
    const p = gapped[order[k]!]!
    let end = k + 1
    while (end < order.length && samePair(gapped[order[end]!]!, p)) end++
    let slot = edgeSlot(p.words[0]!, p.words[1]!, pairMask)
    while (pairFirst[slot] !== -1) slot = (slot + 1) & pairMask
    pairFirst[slot] = p.words[0]!
    pairSecond[slot] = p.words[1]!
    pairStart[slot] = k
    pairEnd[slot] = end
    k = end
  }

  return {
    empty: topicSet.size === 0 || (nodes === 1 && gapped.length === 0),
    topicCount: topicSet.size,
    rootNext,
    fail,
    childCount,
    edgeFrom,
    edgeWord,
    edgeTo,
    edgeMask,
    firstOut,
    dictNext,
    depth: Int32Array.from(depthOf),
    nodeTopicStart,
    nodeTopics,
    nodeOutputs: outputsOf,
    gapped,
    gMaxGap,
    gSecond,
    pairFirst,
    pairSecond,
    pairStart,
    pairEnd,
    pairMask,
    gByPair
  }
}

/** The automaton's next state from `state` on word `w`. */
const step = (m: Matcher, state: number, w: number): number => {
  let s = state
  for (;;) {
    if (s === 0) return m.rootNext[w]!
    if (m.childCount[s]! > 0) {
      const edgeFrom = m.edgeFrom
      const mask = m.edgeMask
      let slot = edgeSlot(s, w, mask)
      for (;;) {
        const from = edgeFrom[slot]!
        if (from === -1) break
        if (from === s && m.edgeWord[slot] === w) return m.edgeTo[slot]!
        slot = (slot + 1) & mask
      }
    }
    s = m.fail[s]!
  }
}

/**
 * Does the gapped pattern match, given its second word at pair `k` (the earliest occurrence
 * within the gap after its first word), taking each next word at its earliest occurrence within
 * the gap? Works on the scan's (id, position) pairs.
 */
const gappedRest = (ids: Int32Array, positions: Int32Array, count: number, k: number, words: Int32Array, gap: number): boolean => {
  let prev = positions[k]!
  let at = k
  for (let x = 2; x < words.length; x++) {
    const want = words[x]!
    const limit = prev + 1 + gap
    at++
    while (at < count && positions[at]! <= limit && ids[at] !== want) at++
    if (at >= count || positions[at]! > limit) return false
    prev = positions[at]!
  }
  return true
}

/** Slot of the (first, second) pair in the matcher's pair table, or -1. */
const pairSlot = (m: Matcher, first: number, second: number): number => {
  const pairFirst = m.pairFirst
  const mask = m.pairMask
  let slot = edgeSlot(first, second, mask)
  for (;;) {
    const f = pairFirst[slot]!
    if (f === -1) return -1
    if (f === first && m.pairSecond[slot] === second) return slot
    slot = (slot + 1) & mask
  }
}

/**
 * Calls `onMatch` for every gapped pattern matching with its first word at pair `j`. The window
 * after the first word (up to the largest gap of the patterns starting with it) is walked once;
 * for each distinct word there, at its first occurrence (the one the greedy rule binds), the
 * patterns starting with (first word, that word) whose gap reaches it are checked further.
 * `onMatch` returns false to stop early.
 */
const forGappedMatches = (
  m: Matcher,
  ids: Int32Array,
  positions: Int32Array,
  count: number,
  j: number,
  seen: Int32Array,
  onMatch: (pattern: GappedPattern) => boolean
): void => {
  const w = ids[j]!
  const p = positions[j]!
  const limit = p + 1 + m.gMaxGap[w]!
  let nSeen = 0
  for (let k = j + 1; k < count && positions[k]! <= limit; k++) {
    const v = ids[k]!
    // No pattern starts with (w, v): skip (then v need not be remembered either).
    if (((m.gSecond[w * 2 + ((v >> 5) & 1)]! >>> (v & 31)) & 1) === 0) continue
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
    for (let g = m.pairStart[slot]!, end = m.pairEnd[slot]!; g < end; g++) {
      const pattern = m.gapped[m.gByPair[g]!]!
      if (pattern.gap < distance) break
      if (gappedRest(ids, positions, count, k, pattern.words, pattern.gap) && !onMatch(pattern)) return
    }
  }
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
