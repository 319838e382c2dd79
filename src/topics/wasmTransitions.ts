/**
 * The Aho–Corasick automaton's transitions laid out for the WebAssembly engine
 * (src/topics/wasmEngine.ts, src/topics/wasm/engine.c): each node's own edges plus, when few, its
 * failure node's, in one open-addressed table, with a signature of each node's words.
 */
import { edgeSlot, type Matcher } from "./matcher.ts"

/** Most transitions a node copies from its failure node (beyond, its walk goes on there). */
const INHERIT_MAX = 32

/**
 * The automaton's transitions as engine.c's `step` reads them. Node v's transitions are its own
 * edges plus, when its failure node has at most INHERIT_MAX transitions (resolved the same way,
 * recursively), all of those: one probe then replaces most of the walk along failure links. The
 * walk goes on at `next` (the first failure node not copied; 0: none, the root's transition).
 * Per node, a 64-bit signature of its transitions' words (bit w & 63; every bit where the walk
 * goes on), so most steps need no probe; transitions: (from, word, to, pad) slots, open addressing.
 */
export const resolvedTransitions = (m: Matcher): { sig: Int32Array; next: Int32Array; edges: Int32Array; edgeMask: number } => {
  const nodeCount = m.fail.length
  // Each node's own edges, grouped by node.
  const ownStart = new Int32Array(nodeCount + 1)
  for (let slot = 0; slot < m.edgeFrom.length; slot++) if (m.edgeFrom[slot]! >= 0) ownStart[m.edgeFrom[slot]! + 1]!++
  for (let v = 0; v < nodeCount; v++) ownStart[v + 1] = ownStart[v + 1]! + ownStart[v]!
  const ownWord = new Int32Array(ownStart[nodeCount]!)
  const ownTo = new Int32Array(ownStart[nodeCount]!)
  const fill = ownStart.slice(0, nodeCount)
  for (let slot = 0; slot < m.edgeFrom.length; slot++) {
    const from = m.edgeFrom[slot]!
    if (from < 0) continue
    ownWord[fill[from]!] = m.edgeWord[slot]!
    ownTo[fill[from]!++] = m.edgeTo[slot]!
  }
  // Node v's transitions: its own edges, then those of its failure node (resolved the same
  // way) unless that one has more than INHERIT_MAX: then v's walk goes on there (`next`).
  // Nodes are resolved in order of depth (a failure node is shallower).
  const order = Array.from({ length: nodeCount }, (_, v) => v).sort((a, b) => m.depth[a]! - m.depth[b]!)
  const resolvedStart = new Int32Array(nodeCount)
  const resolvedEnd = new Int32Array(nodeCount)
  const next = new Int32Array(nodeCount)
  const from: Array<number> = []
  const word: Array<number> = []
  const to: Array<number> = []
  const seen = new Set<number>()
  for (const v of order) {
    if (v === 0) continue
    const f = m.fail[v]!
    const start = from.length
    seen.clear()
    for (let k = ownStart[v]!; k < ownStart[v + 1]!; k++) {
      seen.add(ownWord[k]!)
      from.push(v)
      word.push(ownWord[k]!)
      to.push(ownTo[k]!)
    }
    if (f !== 0 && resolvedEnd[f]! - resolvedStart[f]! <= INHERIT_MAX) {
      for (let k = resolvedStart[f]!; k < resolvedEnd[f]!; k++) {
        if (seen.has(word[k]!)) continue
        from.push(v)
        word.push(word[k]!)
        to.push(to[k]!)
      }
      next[v] = next[f]!
    } else {
      next[v] = f
    }
    resolvedStart[v] = start
    resolvedEnd[v] = from.length
  }
  let size = 16
  while (size < from.length * 2) size *= 2
  const edges = new Int32Array(size * 4).fill(-1)
  const sig = new Int32Array(nodeCount * 2)
  for (let e = 0; e < from.length; e++) {
    let slot = edgeSlot(from[e]!, word[e]!, size - 1)
    while (edges[slot * 4]! !== -1) slot = (slot + 1) & (size - 1)
    edges.set([from[e]!, word[e]!, to[e]!, 0], slot * 4)
    setBit(sig, from[e]! * 2, word[e]! & 63)
  }
  for (let v = 1; v < nodeCount; v++) if (next[v] !== 0) sig.fill(-1, v * 2, v * 2 + 2)
  return { sig, next, edges, edgeMask: size - 1 }
}

/** Sets bit `bit` of the little-endian bit string that starts at a[at]. */
export const setBit = (a: Int32Array, at: number, bit: number): void => {
  a[at + (bit >> 5)] = a[at + (bit >> 5)]! | (1 << (bit & 31))
}
