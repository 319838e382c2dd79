/**
 * The detector pool's shared buffers kept from batch to batch (src/topics/pool.ts): one shelf for
 * the batches' chunks, one for their answers. A new SharedArrayBuffer's pages are faulted in as it
 * is first written, so a page-sized batch should find a buffer on the shelf rather than make one.
 */

/**
 * Buffers kept for the next batches, of each kind (a page's are a few MB): enough for the two
 * batches in flight the reprocessing pipeline sends a pool of two workers or more. A batch's buffer
 * is back on the shelf before the next batch is sent (the pipeline takes a page's answer and
 * releases it before it sends another), so page-sized batches, one or two in flight, make no new
 * ones after the first (measured: 4 buffers over 120 batches of 10,000 blocks, two in flight).
 * (Under the old rule — keep the first to come back — two in flight had churned through new ones.)
 */
export const SPARE_BUFFERS = 2

export class BufferShelf {
  /** Biggest first, at most SPARE_BUFFERS. */
  private readonly free: Array<SharedArrayBuffer> = []
  private closed = false
  private count = 0

  /** Buffers made so far (the pool's `buffersMade`). */
  get made(): number {
    return this.count
  }

  /**
   * A buffer of at least `bytes`: the smallest big enough on the shelf, else a new one an eighth
   * bigger than asked (the next batches are a little bigger or smaller).
   */
  take(bytes: number): SharedArrayBuffer {
    const k = this.free.findLastIndex((b) => b.byteLength >= bytes)
    if (k >= 0) return this.free.splice(k, 1)[0]!
    this.count++
    return new SharedArrayBuffer(bytes + (bytes >> 3))
  }

  /**
   * `b` kept for later batches if it is among the SPARE_BUFFERS biggest. (Keeping the first ones to
   * come back instead kept buffers a little too small for the batches after: with pages of 10,000
   * blocks a new buffer every fourth batch, and the pool's passes took 1.6–1.7× as long.)
   */
  keep(b: SharedArrayBuffer): void {
    if (this.closed) return
    this.free.push(b)
    this.free.sort((x, y) => y.byteLength - x.byteLength)
    if (this.free.length > SPARE_BUFFERS) this.free.length = SPARE_BUFFERS
  }

  /** Keeps nothing from now on (the pool is closed). */
  close(): void {
    this.closed = true
    this.free.length = 0
  }

  /** The sizes on the shelf, biggest first (for tests). */
  sizes(): ReadonlyArray<number> {
    return this.free.map((b) => b.byteLength)
  }
}
