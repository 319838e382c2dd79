/**
 * A vocabulary's lookup tables, built once per compiled model from its distinct words (ids are
 * indexes into `words`). The JavaScript scan (src/topics/vocabulary.ts) and the WebAssembly
 * engine (src/topics/wasmEngine.ts, which copies them) look words up in the same tables.
 */
import { hashWord } from "./normalize.ts"
import { CODE, EXACT_LENGTH, isAsciiWord, LONG, MASK30, mix } from "./wordKeys.ts"

/** A Vocabulary's lookup tables. */
export interface VocabularyTables {
  /**
   * Short ASCII words: open addressing on mix(lo, hi), a slot being 4 ints [id, lo, hi, -] in
   * one array (one cache line per probe); id -1 = empty slot.
   */
  readonly aSlots: Int32Array
  readonly aMask: number
  /** Other words: open addressing on the FNV hash; id -1 = empty slot. */
  readonly gIds: Int32Array
  readonly gHashes: Int32Array
  readonly gMask: number
  /** Code units of all words back to back; word `id` is `chars[starts[id] .. starts[id + 1])`. */
  readonly chars: Uint16Array
  readonly starts: Int32Array
  /** Words longer than this cannot be phrase words. */
  readonly maxLength: number
  /** Bit `l` (l < 31) set: some word has length l; bit 31: some word is longer than 30. */
  readonly lengthBits: number
}

const tableSize = (entries: number): number => {
  // At most 1/4 full: a miss (most words of a text) nearly always lands on an empty slot.
  let size = 64
  while (size < entries * 4) size *= 2
  return size
}

export const buildVocabularyTables = (words: ReadonlyArray<string>): VocabularyTables => {
  const starts = new Int32Array(words.length + 1)
  let maxLength = 0
  let lengthBits = 0
  let asciiCount = 0
  for (let id = 0; id < words.length; id++) {
    const w = words[id]!
    starts[id + 1] = starts[id]! + w.length
    if (w.length > maxLength) maxLength = w.length
    lengthBits |= w.length < 31 ? 1 << w.length : 1 << 31
    if (isAsciiWord(w)) asciiCount++
  }
  const chars = new Uint16Array(starts[words.length]!)
  for (let id = 0; id < words.length; id++) {
    const w = words[id]!
    for (let k = 0; k < w.length; k++) chars[starts[id]! + k] = w.charCodeAt(k)
  }

  const aSize = tableSize(asciiCount)
  const aSlots = new Int32Array(aSize * 4)
  for (let k = 0; k < aSize; k++) aSlots[k * 4] = -1
  const aMask = aSize - 1
  const gSize = tableSize(words.length - asciiCount)
  const gIds = new Int32Array(gSize).fill(-1)
  const gHashes = new Int32Array(gSize)
  const gMask = gSize - 1
  for (let id = 0; id < words.length; id++) {
    const w = words[id]!
    if (isAsciiWord(w)) {
      let lo = 0
      let hi = 0
      for (let k = 0; k < w.length; k++) {
        hi = ((hi << 6) | (lo >>> 24)) & MASK30
        lo = ((lo << 6) | CODE[w.charCodeAt(k)]!) & MASK30
      }
      if (w.length > EXACT_LENGTH) hi |= LONG
      let slot = mix(lo, hi) & aMask
      while (aSlots[slot * 4] !== -1) slot = (slot + 1) & aMask
      aSlots[slot * 4] = id
      aSlots[slot * 4 + 1] = lo
      aSlots[slot * 4 + 2] = hi
    } else {
      const h = hashWord(w)
      let slot = h & gMask
      while (gIds[slot] !== -1) slot = (slot + 1) & gMask
      gIds[slot] = id
      gHashes[slot] = h
    }
  }
  return { aSlots, aMask, gIds, gHashes, gMask, chars, starts, maxLength, lengthBits }
}
