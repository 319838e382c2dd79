/**
 * Text → normalized words. The single definition of a "word" for topic matching;
 * phrases and transcript text both go through it.
 *
 * Definition (equivalent to this reference, which the tests check character by character):
 *
 *   text.normalize("NFKD")        compatibility decomposition ("ﬁ" → "fi", "①" → "1", "é" → "e"+"◌́")
 *     .replace(/\p{M}/gu, "")     drop combining marks (accents)
 *     .toLowerCase()              locale-independent lowercase
 *     .replace(/ς/g, "σ")         Greek final sigma folded to σ ("ΟΔΟΣ" and "οδός" agree)
 *     .replace(/['’ʼ]/g, "")      apostrophes (U+0027, U+2019, U+02BC) removed: "don't" → "dont"
 *     .match(/[\p{L}\p{N}]+/gu)   a word is a maximal run of letters/digits; anything else separates
 *
 * Ill-formed UTF-16 (a lone surrogate) counts as U+FFFD, i.e. a separator.
 *
 * So case, accents, punctuation and spacing never matter; Cyrillic, Greek, Arabic, … work the
 * same way; a run of CJK ideographs (no spaces) is a single word.
 *
 * The fast path (`tokenize`) gets the same result in one pass without building strings: every
 * UTF-16 code unit is looked up in a lazily filled table giving its normalized form (a word
 * character, a separator, nothing, or — rarely — a short sequence such as "ﬁ" → "fi" or
 * "¼" → "1", break, "4"). Per-character normalization equals whole-string normalization here
 * because canonical reordering only moves combining marks, which are dropped, and the only
 * context-dependent lowercase rule (final sigma) is folded away.
 */

/** Table entries (≥ 0 means "append this code unit to the current word"). */
export const UNKNOWN = -1
export const BREAK = -2
export const SKIP = -3
export const COMPLEX = -4
export const HIGH_SURROGATE = -5

/** In a complex sequence: a code unit to append, or this value for a word break. */
export const SEQ_BREAK = -1

const MARKS = /\p{M}/gu
const APOSTROPHES = /['\u2019\u02BC]/gu
const FINAL_SIGMA = /\u03C2/gu
const WORD_CODE_POINT = /^[\p{L}\p{N}]$/u

/** Normalize a short string (one code point) the reference way, before splitting into words. */
const normalizeChars = (s: string): string =>
  s.normalize("NFKD").replace(MARKS, "").toLowerCase().replace(FINAL_SIGMA, "\u03C3").replace(APOSTROPHES, "")

const EMPTY_SEQ = new Int32Array(0)
/** The sequence of a lone surrogate: a word break. */
export const BREAK_SEQ: Int32Array = Int32Array.of(SEQ_BREAK)

/** The normalized form of one code point as a sequence of code units and breaks. */
const sequenceOf = (codePoint: string): Int32Array => {
  const out: Array<number> = []
  for (const ch of normalizeChars(codePoint)) {
    if (WORD_CODE_POINT.test(ch)) {
      for (let k = 0; k < ch.length; k++) out.push(ch.charCodeAt(k))
    } else if (out.length === 0 || out[out.length - 1] !== SEQ_BREAK) {
      out.push(SEQ_BREAK)
    }
  }
  return out.length === 0 ? EMPTY_SEQ : Int32Array.from(out)
}

/**
 * Entry of every UTF-16 code unit (filled lazily; ASCII eagerly): ≥ 0 the code unit it appends
 * to the current word, or UNKNOWN / BREAK / SKIP / COMPLEX / HIGH_SURROGATE. Exported for the
 * fused scanner of vocabulary.ts; only `computeEntry` writes it.
 */
export const TABLE: Int32Array = new Int32Array(0x10000).fill(UNKNOWN)
/** Sequences of BMP code units whose entry is COMPLEX, and of astral code points (key: code point). */
export const SEQUENCES: Map<number, Int32Array> = new Map()

/** Fill in (and return) the table entry of code unit `c`. */
export const computeEntry = (c: number): number => {
  let e: number
  if (c >= 0xd800 && c <= 0xdbff) e = HIGH_SURROGATE
  else if (c >= 0xdc00 && c <= 0xdfff) e = BREAK // lone low surrogate
  else {
    const seq = sequenceOf(String.fromCharCode(c))
    if (seq.length === 0) e = SKIP
    else if (seq.length === 1) e = seq[0]! === SEQ_BREAK ? BREAK : seq[0]!
    else {
      SEQUENCES.set(c, seq)
      e = COMPLEX
    }
  }
  TABLE[c] = e
  return e
}

/** The normalized sequence of an astral code point (cached). */
export const astralSequence = (codePoint: number): Int32Array => {
  let seq = SEQUENCES.get(codePoint)
  if (seq === undefined) {
    seq = sequenceOf(String.fromCodePoint(codePoint))
    SEQUENCES.set(codePoint, seq)
  }
  return seq
}

// ASCII eagerly: the common case never takes the slow path.
for (let c = 0; c < 128; c++) computeEntry(c)

/** The table entries of ASCII (word characters, BREAK, or SKIP for the apostrophe), small and hot. */
export const ASCII: Int8Array = Int8Array.from(TABLE.subarray(0, 128))

export const FNV_OFFSET: number = 0x811c9dc5 | 0
export const FNV_PRIME = 0x01000193

/**
 * Reusable output of `tokenize`: the normalized words back to back in `chars`; word `w` spans
 * `[w === 0 ? 0 : ends[w - 1], ends[w])`, and `hashes[w]` is its `hashWord`.
 */
export class WordBuffer {
  chars: Uint16Array = new Uint16Array(1024)
  ends: Int32Array = new Int32Array(512)
  hashes: Int32Array = new Int32Array(512)
  count = 0

  /** Make room for `chars` code units and `words` words in total, keeping the first `keepChars`/`keepWords`. */
  reserve(chars: number, words: number, keepChars = 0, keepWords = 0): void {
    if (this.chars.length < chars) {
      const next = new Uint16Array(Math.max(chars, this.chars.length * 2))
      next.set(this.chars.subarray(0, keepChars))
      this.chars = next
    }
    if (this.ends.length < words) {
      const size = Math.max(words, this.ends.length * 2)
      const ends = new Int32Array(size)
      ends.set(this.ends.subarray(0, keepWords))
      const hashes = new Int32Array(size)
      hashes.set(this.hashes.subarray(0, keepWords))
      this.ends = ends
      this.hashes = hashes
    }
  }

  startOf(w: number): number {
    return w === 0 ? 0 : this.ends[w - 1]!
  }

  /** Word `w` as a string. */
  wordAt(w: number): string {
    const start = this.startOf(w)
    const end = this.ends[w]!
    let s = ""
    for (let k = start; k < end; k += 4096) {
      s += String.fromCharCode.apply(null, this.chars.subarray(k, Math.min(end, k + 4096)) as unknown as Array<number>)
    }
    return s
  }

  /** Does word `w` equal `word` (a normalized word)? */
  wordEquals(w: number, word: string): boolean {
    const start = this.startOf(w)
    const end = this.ends[w]!
    if (end - start !== word.length) return false
    const chars = this.chars
    for (let k = 0; k < word.length; k++) if (chars[start + k] !== word.charCodeAt(k)) return false
    return true
  }
}

/** Hash of a normalized word, identical to the one `tokenize` computes for it (32-bit FNV-1a over code units). */
export const hashWord = (word: string): number => {
  let h = FNV_OFFSET
  for (let k = 0; k < word.length; k++) h = Math.imul(h ^ word.charCodeAt(k), FNV_PRIME)
  return h
}

/**
 * Split `text` into normalized words, written into `out` (its previous content is replaced).
 * Returns the number of words. One pass; no per-word allocation.
 */
export const tokenize = (text: string, out: WordBuffer): number => {
  const len = text.length
  // Simple entries emit at most one code unit per input unit, and a word needs a separator
  // after it, so these bounds hold until a complex entry (checked there).
  out.reserve(len, (len >> 1) + 2)
  let chars = out.chars
  let ends = out.ends
  let hashes = out.hashes
  let pos = 0
  let start = 0
  let n = 0
  let h = FNV_OFFSET
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i)
    const e = TABLE[c]!
    if (e >= 0) {
      chars[pos++] = e
      h = Math.imul(h ^ e, FNV_PRIME)
      continue
    }
    if (e === BREAK) {
      if (pos > start) {
        ends[n] = pos
        hashes[n] = h
        n++
        start = pos
        h = FNV_OFFSET
      }
      continue
    }
    if (e === SKIP) continue
    if (e === UNKNOWN) {
      computeEntry(c)
      i-- // handle c again with its entry
      continue
    }
    let seq: Int32Array
    if (e === HIGH_SURROGATE) {
      const d = i + 1 < len ? text.charCodeAt(i + 1) : 0
      if (d >= 0xdc00 && d <= 0xdfff) {
        seq = astralSequence(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000)
        i++
      } else {
        seq = BREAK_SEQ // lone high surrogate
      }
    } else {
      seq = SEQUENCES.get(c)!
    }
    const rest = len - i
    const needChars = pos + seq.length + rest
    const needWords = n + seq.length + (rest >> 1) + 2
    if (needChars > chars.length || needWords > ends.length) {
      out.reserve(needChars, needWords, pos, n)
      chars = out.chars
      ends = out.ends
      hashes = out.hashes
    }
    for (let k = 0; k < seq.length; k++) {
      const u = seq[k]!
      if (u >= 0) {
        chars[pos++] = u
        h = Math.imul(h ^ u, FNV_PRIME)
      } else if (pos > start) {
        ends[n] = pos
        hashes[n] = h
        n++
        start = pos
        h = FNV_OFFSET
      }
    }
  }
  if (pos > start) {
    ends[n] = pos
    hashes[n] = h
    n++
  }
  out.count = n
  return n
}

const scratch = new WordBuffer()

/** The normalized words of `text` (see the definition at the top of this file). */
export const normalizeWords = (text: string): Array<string> => {
  const n = tokenize(text, scratch)
  const words = new Array<string>(n)
  for (let w = 0; w < n; w++) words[w] = scratch.wordAt(w)
  return words
}
