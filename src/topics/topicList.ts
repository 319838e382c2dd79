/**
 * The topics of a block with two or more, as the pool returns them: a read-only view of the
 * worker's answer, in detection order, instead of a Set built per block on this thread (that
 * cost more than the rest of this thread's share with many topics per block). `has` looks
 * through the block's few topics.
 */
export class TopicList implements ReadonlySet<string> {
  private readonly ids: ReadonlyArray<string>
  private readonly list: Int32Array
  private readonly from: number
  readonly size: number

  constructor(ids: ReadonlyArray<string>, list: Int32Array, from: number, size: number) {
    this.ids = ids
    this.list = list
    this.from = from
    this.size = size
  }

  has(id: string): boolean {
    for (let k = this.from; k < this.from + this.size; k++) if (this.ids[this.list[k]!] === id) return true
    return false
  }

  *values(): SetIterator<string> {
    for (let k = this.from; k < this.from + this.size; k++) yield this.ids[this.list[k]!]!
  }

  keys(): SetIterator<string> {
    return this.values()
  }

  *entries(): SetIterator<[string, string]> {
    for (const id of this.values()) yield [id, id]
  }

  [Symbol.iterator](): SetIterator<string> {
    return this.values()
  }

  forEach(f: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const id of this.values()) f.call(thisArg, id, id, this)
  }
}
