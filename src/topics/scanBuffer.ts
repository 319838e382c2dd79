/** Output of `Vocabulary.scan`, reused across calls. */
export class ScanBuffer {
  /** Vocabulary id of the k-th phrase word found. */
  ids: Int32Array = new Int32Array(256)
  /** Its index among all the words of the text. */
  positions: Int32Array = new Int32Array(256)
  /** Number of (id, position) entries. */
  count = 0
  /** Number of words in the text (phrase words or not). */
  words = 0

  grow(): void {
    const ids = new Int32Array(this.ids.length * 2)
    ids.set(this.ids)
    const positions = new Int32Array(this.positions.length * 2)
    positions.set(this.positions)
    this.ids = ids
    this.positions = positions
  }
}
