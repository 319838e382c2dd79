/** Collects a model's phrase words during compilation and hands out their dense ids. */
import { Vocabulary } from "./vocabulary.ts"

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
