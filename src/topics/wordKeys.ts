/**
 * How the vocabulary keys a word without building a string (src/topics/vocabulary.ts scans).
 *
 * "Short ASCII" words (normalized form made of a–z and 0–9 only — most words of most texts) are
 * keyed exactly, without hashing or comparing strings: each character has a 6-bit code (1–36),
 * and the last ten characters of a word are kept in two 30-bit integers (`lo` = last five, `hi` =
 * the five before). A word of at most ten characters is determined by (lo, hi) (codes are never
 * 0, so the length shows), so a table hit needs no check; a longer word is stored with a flag in
 * `hi` and also compares its length and characters.
 *
 * The tables are built with `mix` (src/topics/vocabularyTables.ts); the scan's loop computes the
 * same mix inline (src/topics/vocabulary.ts, `fastRun`): any drift between the two fails every
 * lookup in the tests.
 */
import { ASCII } from "./normalize.ts"

/** 6-bit code of an ASCII word character's normalized unit (1–36), else 0. */
export const CODE = new Int8Array(128)
for (let c = 0; c < 10; c++) CODE[48 + c] = 1 + c
for (let c = 0; c < 26; c++) CODE[97 + c] = 11 + c

/** Per ASCII code unit of text: its 6-bit code (> 0), BREAK or SKIP (the apostrophe). */
export const ASCII_CODE = new Int8Array(128)
for (let c = 0; c < 128; c++) ASCII_CODE[c] = ASCII[c]! >= 0 ? CODE[ASCII[c]!]! : ASCII[c]!

export const MASK30 = 0x3fffffff
/** Longest word a (lo, hi) key determines. */
export const EXACT_LENGTH = 10
/** Set in the stored `hi` of longer words (and looked up with it): exact keys never meet them. */
export const LONG = 0x40000000

export const mix = (lo: number, hi: number): number => {
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b)
  h ^= h >>> 16
  return h
}

/** Is `word` made of a–z, 0–9 only (a short-ASCII-table word)? */
export const isAsciiWord = (word: string): boolean => {
  for (let k = 0; k < word.length; k++) {
    const u = word.charCodeAt(k)
    if (u >= 128 || CODE[u] === 0) return false
  }
  return true
}
