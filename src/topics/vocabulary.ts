/**
 * The distinct normalized words of a compiled model's phrases, each with a dense id, and a
 * lookup from a word of a `WordBuffer` to its id without building a string (open addressing
 * on the hash `tokenize` already computed).
 */
import { hashWord, type WordBuffer } from "./normalize.ts"

export class Vocabulary {
  /** Word of each id. */
  readonly words: ReadonlyArray<string>
  private readonly hashes: Int32Array
  /** Open-addressing table: id + 1, or 0 for an empty slot. */
  private readonly slots: Int32Array
  private readonly mask: number

  constructor(words: ReadonlyArray<string>) {
    this.words = words
    this.hashes = Int32Array.from(words, hashWord)
    let size = 16
    while (size < words.length * 3) size *= 2
    this.slots = new Int32Array(size)
    this.mask = size - 1
    for (let id = 0; id < words.length; id++) {
      let slot = this.hashes[id]! & this.mask
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask
      this.slots[slot] = id + 1
    }
  }

  get size(): number {
    return this.words.length
  }

  /** Id of word `w` of `buf`, or -1 when it is not a phrase word. */
  lookup(buf: WordBuffer, w: number): number {
    const h = buf.hashes[w]!
    const slots = this.slots
    const mask = this.mask
    let slot = h & mask
    for (;;) {
      const entry = slots[slot]!
      if (entry === 0) return -1
      const id = entry - 1
      if (this.hashes[id] === h && buf.wordEquals(w, this.words[id]!)) return id
      slot = (slot + 1) & mask
    }
  }
}

/** Collects words during compilation and hands out their ids. */
export class VocabularyBuilder {
  private readonly ids = new Map<string, number>()
  private readonly words: Array<string> = []

  idOf(word: string): number {
    let id = this.ids.get(word)
    if (id === undefined) {
      id = this.words.length
      this.words.push(word)
      this.ids.set(word, id)
    }
    return id
  }

  build(): Vocabulary {
    return new Vocabulary(this.words)
  }
}
