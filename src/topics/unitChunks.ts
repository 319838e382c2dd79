/**
 * Blocks as the WebAssembly engine (src/topics/wasmEngine.ts) and the pool's workers
 * (src/topics/pool.ts) read them: a run of blocks' texts back to back as UTF-16 code units, each
 * followed by one separator unit, with the blocks' starts and participants — a `UnitChunk`,
 * written straight into a buffer (an ArrayBuffer, or the pool's SharedArrayBuffer), so no joined
 * string has to be copied between threads.
 */
import type { Block } from "../domain/interaction.ts"

type Blocks = ReadonlyArray<Pick<Block, "participant" | "text">>

/**
 * A run of blocks from block `begin`: block k is `units[starts[k] .. starts[k + 1] - 1)` (one
 * separator unit follows each), spoken by `participants[k]` (0 external, 1 internal). `starts`
 * and `participants` are views of the same buffer as `units`.
 */
export interface UnitChunk<B extends ArrayBufferLike = ArrayBuffer> {
  readonly begin: number
  readonly units: Uint16Array<B>
  readonly starts: Int32Array<B>
  readonly participants: Uint8Array<B>
}

/** How `blocks` are cut into chunks of about `chunkChars` code units: each chunk's end, and its code units. */
export interface ChunkPlan {
  readonly ends: ReadonlyArray<number>
  readonly units: ReadonlyArray<number>
}

export const chunkPlan = (blocks: Blocks, chunkChars: number): ChunkPlan => {
  const ends: Array<number> = []
  const units: Array<number> = []
  let chars = 0
  for (let k = 0; k < blocks.length; k++) {
    chars += blocks[k]!.text.length + 1
    if (chars >= chunkChars) {
      ends.push(k + 1)
      units.push(chars)
      chars = 0
    }
  }
  if (chars > 0) {
    ends.push(blocks.length)
    units.push(chars)
  }
  return { ends, units }
}

/** Bytes a chunk of `n` blocks and `units` code units takes in a buffer (8-byte aligned). */
export const chunkBytes = (n: number, units: number): number => ((((units * 2 + 3) & ~3) + (n + 1) * 4 + n + 7) & ~7)

/** The views of a chunk of `n` blocks and `units` code units written at byte `at` of `buffer`. */
export const chunkViews = <B extends ArrayBufferLike>(buffer: B, at: number, n: number, units: number, begin = 0): UnitChunk<B> => {
  const startsAt = at + ((units * 2 + 3) & ~3)
  return {
    begin,
    units: new Uint16Array(buffer, at, units),
    starts: new Int32Array(buffer, startsAt, n + 1),
    participants: new Uint8Array(buffer, startsAt + (n + 1) * 4, n)
  }
}

/**
 * Code units written into a chunk's buffer at a time. V8 joins a few hundred short strings into a
 * new one about twice as fast per unit as a few thousand into one big string (which it allocates
 * outside the young generation), and one write per segment costs less than one per block
 * (0.44 against 0.77 ns per code unit, measured).
 */
const SEGMENT_CHARS = 16_384

/**
 * Blocks `begin .. end` (`units` code units with their separators, as `chunkPlan` counts them)
 * written into `buffer` from byte `at` (8-byte aligned; `chunkBytes` of room).
 */
export const writeUnitChunk = <B extends ArrayBufferLike>(
  blocks: Blocks,
  begin: number,
  end: number,
  units: number,
  buffer: B,
  at = 0
): UnitChunk<B> => {
  const n = end - begin
  const { units: unitView, starts, participants } = chunkViews(buffer, at, n, units, begin)
  const out = Buffer.from(buffer, at, units * 2)
  let written = 0
  let segment: Array<string> = []
  let pos = 0
  starts[0] = 0
  for (let k = 0; k < n; k++) {
    const b = blocks[begin + k]!
    participants[k] = b.participant === "external" ? 0 : 1
    segment.push(b.text)
    pos += b.text.length + 1
    starts[k + 1] = pos
    if (pos - written >= SEGMENT_CHARS || k === n - 1) {
      segment.push("") // the last block's separator
      out.write(segment.join("\n"), written * 2, "utf16le")
      written = pos
      segment = []
    }
  }
  return { begin, units: unitView, starts, participants }
}

/** Blocks `begin .. end` as one UnitChunk, in `buffer` when it is big enough (else in a new one). */
const unitChunkOf = (blocks: Blocks, begin: number, end: number, buffer?: ArrayBuffer): UnitChunk => {
  let units = 0
  for (let k = begin; k < end; k++) units += blocks[k]!.text.length + 1
  const bytes = chunkBytes(end - begin, units)
  return writeUnitChunk(blocks, begin, end, units, buffer !== undefined && buffer.byteLength >= bytes ? buffer : new ArrayBuffer(bytes))
}

/**
 * `blocks` as UnitChunks of about `chunkChars` code units written one after the other into the
 * same buffer (passed on from `buffer`, grown when need be): each is valid until the next is
 * taken. What one thread does with a recycled buffer (the bench's one-core figure).
 */
export function* reusedUnitChunks(blocks: Blocks, chunkChars: number, buffer?: { current?: ArrayBuffer }): Generator<UnitChunk> {
  const held = buffer ?? {}
  let begin = 0
  for (const end of chunkPlan(blocks, chunkChars).ends) {
    const c = unitChunkOf(blocks, begin, end, held.current)
    held.current = c.units.buffer
    yield c
    begin = end
  }
}

/** Cut `blocks` into UnitChunks of about `chunkChars` code units (each in a buffer of its own). */
export const toUnitChunks = (blocks: Blocks, chunkChars: number): Array<UnitChunk> => {
  const out: Array<UnitChunk> = []
  let begin = 0
  for (const end of chunkPlan(blocks, chunkChars).ends) {
    out.push(unitChunkOf(blocks, begin, end))
    begin = end
  }
  return out
}
