/**
 * What the detector pool (src/topics/pool.ts) and its workers (src/topics/poolWorker.ts) say to
 * each other: the worker's start, a batch, a chunk's answer, and the layout of a batch's shared
 * control array.
 */
import type { TopicModel } from "../domain/topicModel.ts"
import type { BatchEngine } from "./wasmEngine.ts"

/** Marks the detector pool's workers' data (src/topics/poolWorker.ts starts only on a thread given it). */
export const POOL_WORKER = "rewind-topics-pool"

export interface WorkerInit {
  readonly role: typeof POOL_WORKER
  readonly model: TopicModel
  readonly topicIds: ReadonlyArray<string> | undefined
  readonly engine: BatchEngine["kind"]
}

/**
 * The control array of a batch (Int32Array over a SharedArrayBuffer of its own):
 * [WRITTEN] chunks written so far, [CLAIMED] chunks claimed so far, [TOPICS_USED] topics written
 * into the results so far, [ABANDONED] 1 when writing the batch failed (every chunk is then marked
 * written, and the workers skip them), [ALL_WRITTEN] 1 once the pool's thread is done writing (the
 * workers told to wait for it start then); then per chunk c, from `TABLE + c * ENTRY`: its byte
 * offset in the data, its blocks, its code units, its first block.
 */
export const WRITTEN = 0
export const CLAIMED = 1
export const TOPICS_USED = 2
export const ABANDONED = 3
export const ALL_WRITTEN = 4
export const TABLE = 5
export const ENTRY = 4

/**
 * A batch: its chunks in `data` (src/topics/unitChunks.ts; each chunk's byte offset is in the
 * control table), written in order, and its answers in `results` (Int32Array), written by the
 * workers: for block i of chunk c (first block b), `results[b + c + i]` and `results[b + c + i + 1]`
 * bound its topic indexes in `results`; each chunk's topics are placed from `topicsAt` on, at most
 * `topicsCap` in all — a chunk that does not fit comes back in the worker's message instead
 * (`overflow`).
 */
export interface BatchRequest {
  readonly id: number
  readonly chunks: number
  readonly control: SharedArrayBuffer
  readonly data: SharedArrayBuffer
  readonly results: SharedArrayBuffer
  readonly topicsAt: number
  readonly topicsCap: number
  /** Claim no chunk before the pool's thread has written them all (`ALL_WRITTEN`). */
  readonly afterWriting: boolean
}

/** A chunk's answer, sent in a message: block i's topic indexes are `topics[offsets[i] .. offsets[i + 1])`. */
export interface ChunkAnswer {
  readonly chunk: number
  readonly offsets: Int32Array<ArrayBuffer>
  readonly topics: Int32Array<ArrayBuffer>
}

/** A worker's part in a batch, sent once it finds every chunk claimed. */
export interface BatchResponse {
  readonly id: number
  /** Chunks this worker answered in the batch. */
  readonly chunks: number
  /** This thread's CPU time so far, ms (receiving messages and collecting garbage included). */
  readonly cpuMs: number
  /** Time spent in the engine so far, ms (wall time: a thread's CPU clock is too coarse for one chunk). */
  readonly engineMs: number
  readonly overflow: ReadonlyArray<ChunkAnswer>
  /** Chunks the engine failed on, with the error. */
  readonly errors: ReadonlyArray<{ readonly chunk: number; readonly error: string }>
}
