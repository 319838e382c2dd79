/** Whether a batch's answers were released (their buffer may then hold another batch's). */
interface Lease {
  released: boolean
}

const usedAfterRelease = (): Error =>
  new Error("topics read after their batch was released (BatchTopics.release): copy what must outlive the batch")

/**
 * The topics of a block with two or more, as the pool returns them: a read-only view of the
 * worker's answer, in detection order, instead of a Set built per block on this thread (that
 * cost more than the rest of this thread's share with many topics per block). `has` looks
 * through the block's few topics. Valid until its batch is released; read after, it throws.
 */
export class TopicList implements ReadonlySet<string> {
  private readonly ids: ReadonlyArray<string>
  private readonly list: Int32Array
  private readonly from: number
  private readonly lease: Lease
  readonly size: number

  constructor(ids: ReadonlyArray<string>, list: Int32Array, from: number, size: number, lease: Lease = { released: false }) {
    this.ids = ids
    this.list = list
    this.from = from
    this.size = size
    this.lease = lease
  }

  has(id: string): boolean {
    if (this.lease.released) throw usedAfterRelease()
    for (let k = this.from; k < this.from + this.size; k++) if (this.ids[this.list[k]!] === id) return true
    return false
  }

  *values(): SetIterator<string> {
    if (this.lease.released) throw usedAfterRelease()
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

/** What a `BatchTopics` needs of the detector: its topic ids, and its shared sets for zero or one topic. */
export interface TopicSets {
  readonly topicIdOf: ReadonlyArray<string>
  setOf(found: ArrayLike<number>, from: number, count: number): ReadonlySet<string>
}

/**
 * The topics of a batch's blocks as the pool (src/topics/pool.ts) returns them: `at(k)` for block
 * k, read from the workers' answers when asked (as `detector.detectTopics` would return them: its
 * shared sets for zero or one topic, a `TopicList` for more) — no array or set per block is made
 * for the whole batch up front: a 40,000-element array alone cost the pool's thread ≈ 0.9 ms, a
 * tenth of its share of a batch.
 *
 * `release()` hands the answers' buffer back to the pool for its next batch as soon as the
 * caller is done (the reprocessing pipeline, once a page is decided): without it the buffer
 * returns only after a garbage collection finds this batch unreachable, and until then every
 * batch takes a new one (≈ 0.35 ms of the pool's thread per page-sized batch, with the workers
 * idle meanwhile, and page faults in the workers writing into it). Nothing read from a released
 * batch can be used: `at` and its `TopicList`s throw.
 */
export class BatchTopics implements Iterable<ReadonlySet<string>> {
  private readonly sets: TopicSets
  /** Each chunk's first block, then the batch's length. */
  private readonly begins: Int32Array
  private readonly results: Int32Array
  private readonly overflow: ReadonlyMap<number, { readonly offsets: Int32Array; readonly topics: Int32Array }>
  /** The chunk of the last block asked for (blocks are mostly asked for in order). */
  private chunk = 0
  private readonly lease: Lease = { released: false }
  private readonly onRelease: (() => void) | undefined
  readonly length: number

  /**
   * `results` as the workers wrote them (src/topics/poolProtocol.ts `BatchRequest`); `overflow`:
   * the chunks answered by message instead.
   */
  constructor(
    sets: TopicSets,
    begins: Int32Array,
    results: Int32Array,
    overflow: ReadonlyMap<number, { readonly offsets: Int32Array; readonly topics: Int32Array }>,
    onRelease?: () => void
  ) {
    this.sets = sets
    this.begins = begins
    this.results = results
    this.overflow = overflow
    this.onRelease = onRelease
    this.length = begins.length === 0 ? 0 : begins[begins.length - 1]!
  }

  /** Done with these answers: their buffer goes back to the pool (idempotent; see the class comment). */
  release(): void {
    if (this.lease.released) return
    this.lease.released = true
    this.onRelease?.()
  }

  /** The topics of block `k` (undefined outside 0 .. length − 1). */
  at(k: number): ReadonlySet<string> | undefined {
    if (this.lease.released) throw usedAfterRelease()
    if (!(k >= 0 && k < this.length)) return undefined
    const begins = this.begins
    let c = this.chunk
    if (k < begins[c]! || k >= begins[c + 1]!) {
      let lo = 0
      let hi = begins.length - 2
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1
        if (begins[mid]! <= k) lo = mid
        else hi = mid - 1
      }
      this.chunk = c = lo
    }
    const i = k - begins[c]!
    const o = this.overflow.size === 0 ? undefined : this.overflow.get(c)
    const list = o === undefined ? this.results : o.topics
    const from = o === undefined ? this.results[begins[c]! + c + i]! : o.offsets[i]!
    const count = (o === undefined ? this.results[begins[c]! + c + i + 1]! : o.offsets[i + 1]!) - from
    return count <= 1 ? this.sets.setOf(list, from, count) : new TopicList(this.sets.topicIdOf, list, from, count, this.lease)
  }

  *[Symbol.iterator](): Iterator<ReadonlySet<string>> {
    for (let k = 0; k < this.length; k++) yield this.at(k)!
  }

  /** Every block's topics, in order. */
  toArray(): Array<ReadonlySet<string>> {
    return Array.from(this)
  }
}
