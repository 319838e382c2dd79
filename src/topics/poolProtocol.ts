/**
 * What the detector pool (src/topics/pool.ts) and its workers (src/topics/poolWorker.ts) say to
 * each other: the worker's start, a batch, a chunk's answer, and the layout of a batch's shared
 * control array.
 */
import type { TopicModel } from "../domain/topicModel.ts"
import type { BatchEngine } from "./wasmEngine.ts"

export interface WorkerInit {
  readonly model: TopicModel
  readonly topicIds: ReadonlyArray<string> | undefined
  readonly engine: BatchEngine["kind"]
}

/**
 * The control array of a batch (Int32Array over a SharedArrayBuffer of its own):
 * [WRITTEN] chunks written so far, [CLAIMED] chunks claimed so far, then per chunk c, from
 * `TABLE + c * ENTRY`: its byte offset in the data, its blocks, its code units, its first block.
 */
export const WRITTEN = 0
export const CLAIMED = 1
export const TABLE = 4
export const ENTRY = 4

export interface BatchRequest {
  readonly id: number
  readonly chunks: number
  readonly control: SharedArrayBuffer
  readonly data: SharedArrayBuffer
}

export type BatchResponse =
  | {
    readonly id: number
    readonly chunk: number
    readonly offsets: Int32Array
    readonly topics: Int32Array
    /** This thread's CPU time so far, ms (receiving messages and collecting garbage included). */
    readonly cpuMs: number
    /** Time spent in the engine so far, ms (wall time: a thread's CPU clock is too coarse for one chunk). */
    readonly engineMs: number
  }
  | { readonly id: number; readonly chunk: number; readonly error: string }
