/**
 * The distinct normalized words of a compiled model's phrases, each with a dense id, and the
 * fused scanner of the hot path: one pass over a text that tokenizes it exactly like
 * `tokenize` (src/topics/normalize.ts) and looks every word up without building strings.
 * Only phrase words are recorded — (id, word index) pairs — so everything after the scan works
 * on a handful of entries per block.
 *
 * Two kinds of words, two tables (src/topics/vocabularyTables.ts): "short ASCII" words, keyed
 * exactly by their last ten characters' 6-bit codes (src/topics/wordKeys.ts), and every other
 * word (accents folded to ASCII included: "café" → "cafe" is a short ASCII word), hashed (FNV-1a
 * over its normalized UTF-16 code units) and compared unit by unit.
 *
 * Scanning has two modes. Fast (`fastRun`): the current word's
 * characters are all ASCII, so its normalized form is its source text lowercased with apostrophes
 * dropped; it is keyed as it goes and nothing is copied. A non-ASCII character switches to the
 * general mode (`generalRun`) for the rest of that word: the word so far is copied to a scratch
 * buffer and every code unit goes through the normalization table (sequences, surrogate pairs);
 * the word is keyed at its end from the buffer; the next word starts in fast mode again.
 *
 * Where the time goes (V8, 2 GHz Xeon): most of it is the per-character loop of the fast mode,
 * and within it `String.prototype.charCodeAt`, which the optimizing compiler lowers to a
 * dispatch on the string's representation at every call. Reading UTF-8 bytes instead was
 * measured: the loop gets ≈ 35% faster, but encoding the text first costs about as much.
 *
 * The scan stays in one module (the class, its state's layout, `record`, `fastRun`): spread over
 * modules, with the state's indexes and helpers imported, the JavaScript engine ran ≈ 5–8% slower
 * (interleaved passes, 200 and 2,000 phrases) — V8 loads and checks an imported binding at every
 * use. What it does not need at scan time lives beside it: the word keys (wordKeys.ts), the
 * tables' construction (vocabularyTables.ts), the output buffer (scanBuffer.ts), the builder.
 */
import {
  ASCII,
  astralSequence,
  BREAK,
  BREAK_SEQ,
  computeEntry,
  FNV_OFFSET,
  FNV_PRIME,
  HIGH_SURROGATE,
  SEQUENCES,
  SKIP,
  TABLE,
  UNKNOWN
} from "./normalize.ts"
import { ScanBuffer } from "./scanBuffer.ts"
import { ASCII_CODE as ASCII_CODE_, CODE, EXACT_LENGTH as EXACT_LENGTH_, LONG, MASK30, mix as mix_ } from "./wordKeys.ts"
import { buildVocabularyTables, type VocabularyTables } from "./vocabularyTables.ts"

export { ScanBuffer } from "./scanBuffer.ts"
export type { VocabularyTables } from "./vocabularyTables.ts"

// What every block's scan uses, as this module's own constants: an imported binding is loaded and
// checked at each use (measured: the JavaScript engine ≈ 2–4% slower at 200 phrases).
const ASCII_CODE = ASCII_CODE_
const EXACT_LENGTH = EXACT_LENGTH_
const mix = mix_

export class Vocabulary {
  /** Word of each id. */
  readonly words: ReadonlyArray<string>
  /** The lookup tables' fields (see VocabularyTables). */
  private readonly chars: Uint16Array
  private readonly starts: Int32Array
  private readonly aSlots: Int32Array
  private readonly aMask: number
  private readonly gIds: Int32Array
  private readonly gHashes: Int32Array
  private readonly gMask: number
  private readonly maxLength: number
  private readonly lengthBits: number
  /** Scratch for the word being scanned in general mode (never written past maxLength). */
  private readonly current: Uint16Array
  /** Scan state shared by the modes (see S_I …). */
  private readonly state = new Int32Array(8)

  constructor(words: ReadonlyArray<string>) {
    this.words = words
    const t = buildVocabularyTables(words)
    this.chars = t.chars
    this.starts = t.starts
    this.maxLength = t.maxLength
    this.lengthBits = t.lengthBits
    this.current = new Uint16Array(Math.max(1, t.maxLength))
    this.aSlots = t.aSlots
    this.aMask = t.aMask
    this.gIds = t.gIds
    this.gHashes = t.gHashes
    this.gMask = t.gMask
  }

  get size(): number {
    return this.words.length
  }

  /** The lookup tables, for the WebAssembly engine (src/topics/wasmEngine.ts), which copies them. */
  tables(): VocabularyTables {
    return {
      aSlots: this.aSlots,
      aMask: this.aMask,
      gIds: this.gIds,
      gHashes: this.gHashes,
      gMask: this.gMask,
      chars: this.chars,
      starts: this.starts,
      maxLength: this.maxLength,
      lengthBits: this.lengthBits
    }
  }

  /** Id of the short ASCII word keyed (lo, hi) of `length` ≤ EXACT_LENGTH, or -1. */
  private findExact(lo: number, hi: number): number {
    const slots = this.aSlots
    const mask = this.aMask
    let slot = mix(lo, hi) & mask
    for (;;) {
      const at = slot << 2
      const id = slots[at]!
      if (id < 0 || (slots[at + 1] === lo && slots[at + 2] === hi)) return id
      slot = (slot + 1) & mask
    }
  }

  /**
   * Id of a short ASCII word longer than EXACT_LENGTH, keyed (lo, hi), of `length` code units
   * which are the ASCII word characters of `text[from .. to)` (apostrophes skipped) — or, with
   * `text` undefined, `current[0 .. length)`.
   */
  private findLong(lo: number, hiBits: number, length: number, text: string | undefined, from: number, to: number): number {
    const slots = this.aSlots
    const mask = this.aMask
    const hi = hiBits | LONG
    let slot = mix(lo, hi) & mask
    for (;;) {
      const at = slot << 2
      const id = slots[at]!
      if (id < 0) return -1
      if (slots[at + 1] === lo && slots[at + 2] === hi && this.starts[id + 1]! - this.starts[id]! === length) {
        const vc = this.chars
        let k = this.starts[id]!
        if (text === undefined) {
          const cur = this.current
          let j = 0
          while (j < length && vc[k + j] === cur[j]) j++
          if (j === length) return id
        } else {
          let i = from
          for (; i < to; i++) {
            const e = ASCII[text.charCodeAt(i)]!
            if (e < 0) continue // the apostrophe
            if (vc[k] !== e) break
            k++
          }
          if (i === to) return id
        }
      }
      slot = (slot + 1) & mask
    }
  }

  /** Id of the word in `current[0 .. length)` (length ≤ maxLength), keyed by the right table. */
  private findCurrent(length: number): number {
    const cur = this.current
    let ascii = true
    for (let k = 0; k < length; k++) {
      const u = cur[k]!
      if (u >= 128 || CODE[u] === 0) {
        ascii = false
        break
      }
    }
    if (ascii) {
      let lo = 0
      let hi = 0
      for (let k = 0; k < length; k++) {
        hi = ((hi << 6) | (lo >>> 24)) & MASK30
        lo = ((lo << 6) | CODE[cur[k]!]!) & MASK30
      }
      return length <= EXACT_LENGTH ? this.findExact(lo, hi) : this.findLong(lo, hi, length, undefined, 0, 0)
    }
    let h = FNV_OFFSET
    for (let k = 0; k < length; k++) h = Math.imul(h ^ cur[k]!, FNV_PRIME)
    const gIds = this.gIds
    const mask = this.gMask
    let slot = h & mask
    for (;;) {
      const id = gIds[slot]!
      if (id < 0) return -1
      if (this.gHashes[slot] === h) {
        const start = this.starts[id]!
        if (this.starts[id + 1]! - start === length) {
          const vc = this.chars
          let k = 0
          while (k < length && vc[start + k] === cur[k]) k++
          if (k === length) return id
        }
      }
      slot = (slot + 1) & mask
    }
  }

  /** Id of a normalized word, or -1 (compile time and tests; the scan never builds strings). */
  idOf(word: string): number {
    if (word.length === 0 || word.length > this.maxLength) return -1
    for (let k = 0; k < word.length; k++) this.current[k] = word.charCodeAt(k)
    return this.findCurrent(word.length)
  }

  /**
   * Tokenize `text[from .. to)` as `tokenize` does and record its phrase words in `out`:
   * `out.ids[k]`, `out.positions[k]` for k < `out.count`; `out.words` is the number of words.
   * Returns `out.count`.
   *
   * The fast mode is its own small function (`fastRun`): the engine then keeps its state in
   * registers, which it does not manage inside one big function with the general mode.
   */
  scan(text: string, from: number, to: number, out: ScanBuffer): number {
    const st = this.state
    st[S_I] = from
    st[S_LEN] = 0
    st[S_LO] = 0
    st[S_HI] = 0
    st[S_SEG] = from
    st[S_COUNT] = 0
    st[S_N] = 0
    let slow = false
    // Room for a pair per word of the range: the fast mode never grows the buffers.
    while (out.ids.length < ((to - from) >> 1) + 2) out.grow()
    for (;;) {
      fastRun(text, to, st, out.ids, out.positions, this.aSlots, this.aMask, this.lengthBits)
      const i: number = st[S_I]!
      if (i >= to) break
      if (text.charCodeAt(i) < 128) {
        // Stopped at the end of a long ASCII word (at the separator i).
        const len = st[S_LEN]!
        const id = this.findLong(st[S_LO]!, st[S_HI]!, len, text, st[S_SEG]!, i)
        if (id >= 0) record(out, st, id, st[S_N]!)
        st[S_N] = st[S_N]! + 1
        st[S_LEN] = 0
        st[S_LO] = 0
        st[S_HI] = 0
        st[S_I] = i + 1
        st[S_SEG] = i + 1
        continue
      }
      slow = this.generalRun(text, to, out)
      if (st[S_I]! >= to) break
    }
    const len = st[S_LEN]!
    let n = st[S_N]!
    if (len > 0) {
      if (len <= this.maxLength && (this.lengthBits & (len < 31 ? 1 << len : 1 << 31)) !== 0) {
        const lo = st[S_LO]!
        const hi = st[S_HI]!
        const id = slow ? this.findCurrent(len) : len <= EXACT_LENGTH ? this.findExact(lo, hi) : this.findLong(lo, hi, len, text, st[S_SEG]!, to)
        if (id >= 0) record(out, st, id, n)
      }
      n++
    }
    out.count = st[S_COUNT]!
    out.words = n
    return out.count
  }

  /**
   * General mode, from the non-ASCII character at `state[S_I]`: copy the word so far, then
   * every code unit through the normalization table, until no word is in progress (back to fast
   * mode) or the end. Returns whether the current word (if any, at the end) is in `current`.
   */
  private generalRun(text: string, to: number, out: ScanBuffer): boolean {
    const st = this.state
    const maxLength = this.maxLength
    const lengthBits = this.lengthBits
    const cur = this.current
    let i = st[S_I]!
    let len = st[S_LEN]!
    let n = st[S_N]!
    for (let k = st[S_SEG]!, l = 0; k < i; k++) {
      const e = ASCII[text.charCodeAt(k)]!
      if (e >= 0) {
        if (l < maxLength) cur[l] = e
        l++
      }
    }
    let inProgress = true
    while (i < to) {
      const c = text.charCodeAt(i)
      let e = TABLE[c]!
      if (e === UNKNOWN) e = computeEntry(c)
      if (e >= 0) {
        if (len < maxLength) cur[len] = e
        len++
        i++
        continue
      }
      if (e === SKIP) {
        i++
        if (len > 0) continue
        inProgress = false
        break
      }
      let seq: Int32Array
      if (e === BREAK) {
        seq = BREAK_SEQ
        i++
      } else if (e === HIGH_SURROGATE) {
        const d = i + 1 < to ? text.charCodeAt(i + 1) : 0
        if (d >= 0xdc00 && d <= 0xdfff) {
          seq = astralSequence(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000)
          i += 2
        } else {
          seq = BREAK_SEQ // lone high surrogate
          i++
        }
      } else {
        // COMPLEX
        seq = SEQUENCES.get(c)!
        i++
      }
      for (let k = 0; k < seq.length; k++) {
        const u = seq[k]!
        if (u >= 0) {
          if (len < maxLength) cur[len] = u
          len++
        } else if (len > 0) {
          if (len <= maxLength && (lengthBits & (len < 31 ? 1 << len : 1 << 31)) !== 0) {
            const id = this.findCurrent(len)
            if (id >= 0) record(out, st, id, n)
          }
          n++
          len = 0
        }
      }
      // Back to fast mode once no word is in progress.
      if (len === 0) {
        inProgress = false
        break
      }
    }
    st[S_I] = i
    st[S_N] = n
    st[S_LEN] = len
    if (!inProgress) {
      st[S_SEG] = i
      st[S_LO] = 0
      st[S_HI] = 0
    }
    return inProgress
  }
}

// Scan state (Vocabulary.state): position, current word's length, its (lo, hi) key, the start
// of its source range (fast mode), pairs recorded, words seen.
const S_I = 0
const S_LEN = 1
const S_LO = 2
const S_HI = 3
const S_SEG = 4
const S_COUNT = 5
const S_N = 6

const record = (out: ScanBuffer, st: Int32Array, id: number, n: number): void => {
  const count = st[S_COUNT]!
  if (count === out.ids.length) out.grow()
  out.ids[count] = id
  out.positions[count] = n
  st[S_COUNT] = count + 1
}

/**
 * Fast mode from `state[S_I]`: ASCII characters only (stops at the first other one, at `to`, or
 * after a word too long for an exact key, which the caller looks up). A word's normalized form is
 * its source range lowercased without apostrophes: it is keyed as it goes, looked up at its end,
 * nothing is copied. `out` has room for a pair per word of the range (no growing here).
 *
 * Written for the optimizing compiler: no calls in the loop, numeric literals rather than
 * imported constants (those are re-read and hole-checked on every use), parameters coerced to
 * int32 locals once.
 */
const fastRun = (text: string, toArg: number, st: Int32Array, ids: Int32Array, positions: Int32Array, aSlots: Int32Array, aMaskArg: number, lengthBitsArg: number): void => {
  const to = toArg | 0
  const aMask = aMaskArg | 0
  const lengthBits = lengthBitsArg | 0
  const codes = ASCII_CODE
  let i = st[S_I]! | 0
  let len = st[S_LEN]! | 0
  let lo = st[S_LO]! | 0
  let hi = st[S_HI]! | 0
  let seg = st[S_SEG]! | 0
  let count = st[S_COUNT]! | 0
  let n = st[S_N]! | 0
  for (; i < to; i++) {
    const c = text.charCodeAt(i)
    if (c >= 128) break
    const e = codes[c]!
    if (e > 0) {
      hi = ((hi << 6) | (lo >>> 24)) & 0x3fffffff
      lo = ((lo << 6) | e) & 0x3fffffff
      len++
    } else if (e === -2) {
      // BREAK
      if (len > 0) {
        if ((lengthBits & (len < 31 ? 1 << len : 1 << 31)) !== 0) {
          if (len > 10) break // EXACT_LENGTH: the caller looks the long word up
          // mix(lo, hi) (src/topics/wordKeys.ts), inline: an imported function costs a load and a
          // check per word in this loop
          let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b)
          h ^= h >>> 16
          let slot = h & aMask
          let id: number
          for (;;) {
            const at = slot << 2
            id = aSlots[at]!
            if (id < 0 || (aSlots[at + 1] === lo && aSlots[at + 2] === hi)) break
            slot = (slot + 1) & aMask
          }
          // Recorded without a branch on the (unpredictable) hit: a miss is overwritten.
          ids[count] = id
          positions[count] = n
          count += (id >>> 31) ^ 1
        }
        n++
        len = 0
        lo = 0
        hi = 0
      }
      seg = i + 1
    }
  }
  st[S_I] = i
  st[S_LEN] = len
  st[S_LO] = lo
  st[S_HI] = hi
  st[S_SEG] = seg
  st[S_COUNT] = count
  st[S_N] = n
}
