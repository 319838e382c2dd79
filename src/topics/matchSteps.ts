/**
 * Walking a participant's matcher (src/topics/matcher.ts) over a block's phrase words: the
 * automaton's steps and the gapped patterns' greedy checks, over the scan's (word id, word
 * index) pairs. The hot loops of the JavaScript engine (src/topics/detector.ts).
 */
import { edgeSlot, type GappedPattern, type Matcher } from "./matcher.ts"

/** The automaton's next state from `state` on word `w`. */
export const step = (m: Matcher, state: number, w: number): number => {
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
export const gappedRest = (ids: Int32Array, positions: Int32Array, count: number, k: number, words: Int32Array, gap: number): boolean => {
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
export const pairSlot = (m: Matcher, first: number, second: number): number => {
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
export const forGappedMatches = (
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
