/**
 * The tables one participant's blocks are matched against (see src/topics/detector.ts for the
 * matching semantics): the Aho–Corasick automaton over phrase-word ids for gap-0 and one-word
 * patterns, and the gapped patterns indexed by their first two word ids. Built once per model
 * revision and topic subset; the WebAssembly engine (src/topics/wasmEngine.ts) copies the same
 * tables into its memory.
 */
import type { Participant } from "../domain/interaction.ts"
import type { Phrase, Topic } from "../domain/topicModel.ts"

export interface Output {
  readonly topic: number
  readonly phrase: string
}

/** What a pattern reports: distinct (topic, phrase text) pairs and their distinct topics. */
export interface Outputs {
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

export interface CompiledPhrase {
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
export const phrasesOfTopic = (t: Topic): ReadonlyArray<Phrase> =>
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

export const buildMatcher = (
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
