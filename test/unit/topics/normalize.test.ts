import { describe, expect, it } from "@effect/vitest"
import { hashWord, normalizeWords, tokenize, WordBuffer } from "../../../src/topics/normalize.ts"
import { prng, refWords } from "./reference.ts"

describe("normalizeWords", () => {
  it("splits on anything that is not a letter or digit, lowercases, drops accents", () => {
    expect(normalizeWords("  Réclamation!! I want,to-CANCEL...(now)  ")).toEqual([
      "reclamation",
      "i",
      "want",
      "to",
      "cancel",
      "now"
    ])
    expect(normalizeWords("ÀÉÎÕÜ ñ ç Ø")).toEqual(["aeiou", "n", "c", "ø"])
    expect(normalizeWords("")).toEqual([])
    expect(normalizeWords(" ,.;!? \n\t")).toEqual([])
    expect(normalizeWords("abc123 4x")).toEqual(["abc123", "4x"])
  })

  it("removes apostrophes inside words", () => {
    expect(normalizeWords("Don't won’t donʼt 'quoted' rock 'n' roll")).toEqual([
      "dont",
      "wont",
      "dont",
      "quoted",
      "rock",
      "n",
      "roll"
    ])
  })

  it("handles compatibility forms and non-Latin scripts", () => {
    expect(normalizeWords("ﬁne ¼ ① ｷｬﾝｾﾙ 𝐀𝐁c")).toEqual(["fine", "1", "4", "1", "キャンセル", "abc"])
    expect(normalizeWords("Отменить ЗАКАЗ, пожалуйста")).toEqual(["отменить", "заказ", "пожалуиста"])
    expect(normalizeWords("ΟΔΟΣ οδός")).toEqual(["οδοσ", "οδοσ"])
    expect(normalizeWords("東京都に住む。キャンセル")).toEqual(["東京都に住む", "キャンセル"])
    expect(normalizeWords("أريد إلغاء الطلب")).toEqual(refWords("أريد إلغاء الطلب"))
    expect(normalizeWords("İstanbul 😀emoji😀")).toEqual(["istanbul", "emoji"])
  })

  it("treats lone surrogates as separators", () => {
    expect(normalizeWords("ab\uD800cd\uDC00ef\uD800")).toEqual(["ab", "cd", "ef"])
    // Removing the mark does not glue the two halves into a pair.
    expect(normalizeWords("x\uD800\u0301\uDC00y")).toEqual(["x", "y"])
  })

  it("equals the reference for every BMP code unit, alone and inside a word", () => {
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c)
      for (const s of [ch, `xy${ch}z`, `${ch}${ch} q`]) {
        const got = normalizeWords(s)
        const want = refWords(s)
        if (got.length !== want.length || got.some((w, i) => w !== want[i])) {
          expect({ c: c.toString(16), got }).toEqual({ c: c.toString(16), got: want })
        }
      }
    }
  })

  it("equals the reference on random strings (marks, astral, compat, surrogates)", () => {
    const rng = prng(42)
    const pool = [
      ..."abcXYZ019 ,.'’ʼ-",
      "\u0301",
      "\u0308",
      "\u0345",
      "é",
      "Σ",
      "ς",
      "İ",
      "ß",
      "ﬁ",
      "¼",
      "①",
      "ｷ",
      "ﾞ",
      "ŉ",
      "Ⅻ",
      "㎒",
      "\uFDFA",
      "한",
      "東",
      "ж",
      "𝐀",
      "😀",
      "𠀋",
      "\uD800",
      "\uDC00"
    ]
    for (let n = 0; n < 3000; n++) {
      let s = ""
      const len = rng.int(40)
      for (let k = 0; k < len; k++) {
        s += rng.chance(0.1) ? String.fromCodePoint(rng.int(0x30000)) : rng.pick(pool)
      }
      expect(normalizeWords(s), JSON.stringify(s)).toEqual(refWords(s))
    }
  })

  it("tokenize computes hashWord of each word and reuses its buffer", () => {
    const buf = new WordBuffer()
    const long = "Żółw ".repeat(5000) + "ﬁ".repeat(3000)
    const n = tokenize(long, buf)
    expect(n).toBe(5001)
    for (let w = 0; w < n; w++) expect(buf.hashes[w]).toBe(hashWord(buf.wordAt(w)))
    expect(buf.wordAt(n - 1)).toBe("fi".repeat(3000))
    expect(tokenize("a b", buf)).toBe(2)
    expect([buf.wordAt(0), buf.wordAt(1)]).toEqual(["a", "b"])
  })
})
