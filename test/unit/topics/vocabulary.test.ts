import { describe, expect, it } from "@effect/vitest"
import { normalizeWords } from "../../../src/topics/normalize.ts"
import { ScanBuffer, Vocabulary } from "../../../src/topics/vocabulary.ts"
import { type Prng, prng, refWords } from "./reference.ts"

/** What `scan` must record: every word of the reference tokenization that is a vocabulary word. */
const expected = (vocabulary: ReadonlyArray<string>, text: string) => {
  const ids = new Map(vocabulary.map((w, i) => [w, i]))
  const words = refWords(text)
  const pairs: Array<[number, number]> = []
  words.forEach((w, position) => {
    const id = ids.get(w)
    if (id !== undefined) pairs.push([id, position])
  })
  return { pairs, words: words.length }
}

const scanned = (v: Vocabulary, text: string, from = 0, to = text.length) => {
  const out = new ScanBuffer()
  const count = v.scan(text, from, to, out)
  const pairs: Array<[number, number]> = []
  for (let k = 0; k < count; k++) pairs.push([out.ids[k]!, out.positions[k]!])
  return { pairs, words: out.words }
}

// Pieces of text: ASCII words of every length around the exact-key limit (10), words that
// fold to ASCII (accents, ligatures, fullwidth), apostrophes, non-Latin words, separators,
// marks, astral letters, compatibility characters that split into several words, surrogates.
const PIECES = [
  "a", "an", "the", "cancel", "Cancel", "CANCEL", "account", "abcdefghij", "abcdefghijk", "xabcdefghij",
  "bcdefghijk", "telecommunications", "TELECOMMUNICATIONS", "telecommunication", "0123456789", "01234567890",
  "don't", "dont", "d'o'n't", "'tis", "rock'n'roll", "café", "cafe", "CAFÉ", "cafe\u0301", "ﬁne", "fine",
  "ｃａｎｃｅｌ", "naïve", "naive", "Straße", "strasse", "отменить", "ОТМЕНИТЬ", "заказ", "ακύρωση", "ΟΔΟΣ",
  "οδός", "キャンセル", "東京都", "إلغاء", "𝐀𝐁c", "abc", "½", "1", "2", "¼", "4", "①", "İstanbul", "istanbul",
  "x\u0301y", "😀", "\uD800", "\uDC00", "’", "ʼ"
]
const SEPARATORS = [" ", " ", " ", ", ", ". ", "!", "?", "\n", "\t", "-", "/", "...", "(", ")", "\"", "’ ", "\u00A0", "\u3000", ""]

const randomText = (rng: Prng, pieces: number): string => {
  let s = ""
  for (let k = 0; k < pieces; k++) s += rng.pick(PIECES) + rng.pick(SEPARATORS)
  return s
}

describe("Vocabulary.scan", () => {
  it("records exactly the vocabulary words of the reference tokenization, with their word index", () => {
    const rng = prng(77)
    for (let c = 0; c < 300; c++) {
      // Vocabulary: normalized words of random pieces, plus words that never occur.
      const words = new Set<string>()
      for (let k = rng.int(30); k > 0; k--) for (const w of normalizeWords(rng.pick(PIECES))) words.add(w)
      if (rng.chance(0.3)) words.add("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")
      if (rng.chance(0.3)) words.add("abcdefghijkl")
      const vocabulary = [...words]
      const v = new Vocabulary(vocabulary)
      for (let b = 0; b < 20; b++) {
        const text = randomText(rng, rng.int(rng.chance(0.1) ? 200 : 20))
        expect(scanned(v, text), JSON.stringify({ vocabulary, text })).toEqual(expected(vocabulary, text))
      }
    }
  })

  it("scans a range of a longer string as if it were the whole text", () => {
    const rng = prng(78)
    const vocabulary = [...new Set(PIECES.flatMap((p) => normalizeWords(p)))]
    const v = new Vocabulary(vocabulary)
    for (let c = 0; c < 500; c++) {
      const texts = Array.from({ length: 5 }, () => randomText(rng, rng.int(15)))
      const joined = texts.join(rng.pick(["\u0000", "a", "é", "\uD83D", " "]))
      let from = 0
      for (const [k, text] of texts.entries()) {
        expect(scanned(v, joined, from, from + text.length), JSON.stringify({ text, k })).toEqual(expected(vocabulary, text))
        from += text.length + 1
      }
    }
  })

  it("handles an empty vocabulary, empty text and very long words", () => {
    expect(scanned(new Vocabulary([]), "anything at all")).toEqual({ pairs: [], words: 3 })
    const v = new Vocabulary(["needle", "a".repeat(40), "é".normalize("NFKD").replace(/\p{M}/gu, "")])
    expect(scanned(v, "")).toEqual({ pairs: [], words: 0 })
    const long = `${"a".repeat(100_000)} needle ${"a".repeat(40)} ${"é".repeat(50_000)} needle`
    expect(scanned(v, long)).toEqual({ pairs: [[0, 1], [1, 2], [0, 4]], words: 5 })
  })

  it("idOf finds every vocabulary word and nothing else", () => {
    const vocabulary = ["cancel", "abcdefghijk", "bcdefghijk", "café".normalize("NFKD").replace(/\p{M}/gu, ""), "отменить", "οδοσ"]
    const v = new Vocabulary(vocabulary)
    vocabulary.forEach((w, i) => expect(v.idOf(w)).toBe(i))
    for (const w of ["cancels", "abcdefghij", "xbcdefghijk", "", "οδος"]) expect(v.idOf(w)).toBe(-1)
  })
})
