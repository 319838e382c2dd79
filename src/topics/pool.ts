/**
 * Topic detection on every core: a pool of worker threads, each holding the same compiled
 * detector, fed big batches of blocks, which the WebAssembly engine (src/topics/wasmEngine.ts)
 * detects a chunk at a time.
 *
 * - `detectTopicsBatch(blocks)` returns, for each block in order, the topics
 *   `detector.detectTopics(block)` returns, in the same order: the same shared empty and
 *   singleton sets for zero or one topic, and for more a `TopicList` (src/topics/topicList.ts),
 *   a read-only set over the worker's answer. The workers run the same engine on the same model.
 * - A batch is cut into chunks of about `chunkChars` code units, written one after the other
 *   into one SharedArrayBuffer (src/topics/unitChunks.ts: the texts' UTF-16 code units, the
 *   blocks' starts and participants), recycled from batch to batch. Every worker is told of the
 *   batch before its first chunk is written, then claims chunks itself from the batch's shared
 *   control array, waiting for a chunk only while this thread writes it
 *   (src/topics/poolWorker.ts). Each chunk's answer comes back as typed arrays of topic indexes.
 * - So no worker ever waits for this thread to take an answer and hand it the next chunk: with
 *   chunks handed out by message (as before), this thread — a third thread on two cores, often
 *   waiting for a core — answered late, and the workers sat idle for a third of the time
 *   (measured: bench/RESULTS.md). A slow core claims fewer chunks.
 * - Workers start on first use (a job with small pages never starts them), compile the model
 *   once, and live until `close()`. A worker that crashes fails its batches and the pool: later
 *   calls fail too (the pipeline then fails the job, which can be retried).
 *
 * Use `detectorPool` (Effect, scoped) so the pool is closed whatever way the scope ends.
 */
import { availableParallelism } from "node:os"
import { Worker } from "node:worker_threads"
import { Effect, Schema } from "effect"
import type { Block } from "../domain/interaction.ts"
import { type Detector, type DetectorCore, detectorCore } from "./detector.ts"
import { type BatchRequest, type BatchResponse, ENTRY, TABLE, type WorkerInit, WRITTEN } from "./poolProtocol.ts"
import { TopicList } from "./topicList.ts"
import { chunkBytes, chunkPlan, writeUnitChunk } from "./unitChunks.ts"
import type { BatchEngine } from "./wasmEngine.ts"

export interface DetectorPoolOptions {
  /**
   * Worker threads (default: available parallelism − 1, at least 1 — the main thread keeps a
   * core for reading, deciding and writing while the workers match).
   */
  readonly workers?: number
  /** Code units of text per chunk sent to a worker (default 262,144). */
  readonly chunkChars?: number
  /** The workers' engine (default "wasm": src/topics/wasmEngine.ts; "js" for comparisons). */
  readonly engine?: BatchEngine["kind"]
}

/** What each worker has done so far (for benchmarks and monitoring). */
export interface WorkerStats {
  /** Chunks answered. */
  readonly chunks: number
  /** The worker thread's CPU time, ms, as of its last answer (receiving chunks and garbage collection included). */
  readonly cpuMs: number
  /** Time in the engine, ms (wall time: a thread's CPU clock ticks too coarsely for one chunk). */
  readonly engineMs: number
}

export interface DetectorPool {
  readonly workers: number
  /** Per started worker, what it has done so far (empty before the first batch). */
  stats(): ReadonlyArray<WorkerStats>
  /**
   * For each block, in order, the topics `detector.detectTopics(block)` returns, in its order
   * (its very sets for zero or one topic; a read-only `TopicList` for more).
   */
  detectTopicsBatch(blocks: ReadonlyArray<Pick<Block, "participant" | "text">>): Promise<Array<ReadonlySet<string>>>
  /** Stop the workers (idempotent). Pending batches fail. */
  close(): Promise<void>
}

interface Slot {
  readonly worker: Worker
  stats: WorkerStats
}

/** A batch being detected: its answers so far, and the shared buffers its chunks were written to. */
interface Running {
  readonly out: Array<ReadonlySet<string>>
  readonly control: Int32Array<SharedArrayBuffer>
  readonly data: SharedArrayBuffer
  remaining: number
  readonly resolve: (out: Array<ReadonlySet<string>>) => void
  readonly reject: (e: Error) => void
}

const WORKER_URL = new URL("./poolWorker.ts", import.meta.url)

let live = 0
/** Pool worker threads of this process currently running (all pools; for tests and monitoring). */
export const livePoolWorkers = (): number => live

/** Code units of text per chunk a worker claims (see DetectorPoolOptions.chunkChars). */
export const DEFAULT_CHUNK_CHARS = 262_144

/** Data buffers kept for the next batches (a page's batch is a few MB; batches rarely overlap). */
const SPARE_BUFFERS = 2

/** A pool running `detector`'s model and topics (see the module comment). */
export const makeDetectorPool = (detector: Detector, options: DetectorPoolOptions = {}): DetectorPool => {
  const core: DetectorCore | undefined = detectorCore(detector)
  if (core === undefined) throw new Error("makeDetectorPool: the detector was not made by compileDetector")
  const size = Math.max(1, Math.floor(options.workers ?? availableParallelism() - 1))
  const chunkChars = Math.max(1024, options.chunkChars ?? DEFAULT_CHUNK_CHARS)
  const init: WorkerInit = {
    model: core.model,
    topicIds: core.topicIdsArg === undefined ? undefined : [...core.topicIdsArg],
    engine: options.engine ?? "wasm"
  }

  let slots: Array<Slot> | undefined
  const running = new Map<number, Running>()
  const spare: Array<SharedArrayBuffer> = []
  let failure: Error | undefined
  let closed = false
  let nextId = 0

  const fail = (e: Error) => {
    failure ??= e
    for (const r of running.values()) r.reject(failure)
    running.clear()
  }

  /** A data buffer of at least `bytes` (a spare one when one is big enough). */
  const dataBuffer = (bytes: number): SharedArrayBuffer => {
    const k = spare.findIndex((b) => b.byteLength >= bytes)
    if (k >= 0) return spare.splice(k, 1)[0]!
    return new SharedArrayBuffer(Math.max(bytes, ...spare.map((b) => b.byteLength)))
  }

  const answer = (slot: Slot, r: BatchResponse) => {
    const batch = running.get(r.id)
    if (batch === undefined) return
    if ("error" in r) {
      running.delete(r.id)
      return batch.reject(new Error(`topic detection worker failed: ${r.error}`))
    }
    slot.stats = { chunks: slot.stats.chunks + 1, cpuMs: r.cpuMs, engineMs: r.engineMs }
    const { offsets, topics } = r
    const from = batch.control[TABLE + r.chunk * ENTRY + 3]!
    const ids = core.topicIdOf
    for (let k = 0; k + 1 < offsets.length; k++) {
      const count = offsets[k + 1]! - offsets[k]!
      batch.out[from + k] = count <= 1 ? core.setOf(topics, offsets[k]!, count) : new TopicList(ids, topics, offsets[k]!, count)
    }
    if (--batch.remaining > 0) return
    running.delete(r.id)
    // Every chunk is answered, so no worker reads the data any more (a worker still to look at
    // this batch only finds its control array's chunks all claimed): it can take the next batch.
    if (spare.length < SPARE_BUFFERS) spare.push(batch.data)
    batch.resolve(batch.out)
  }

  const start = (): Array<Slot> => {
    const started: Array<Slot> = []
    for (let k = 0; k < size; k++) {
      const worker = new Worker(WORKER_URL, {
        workerData: init,
        name: `rewind-topics-${k}`,
        // A worker only ever holds the model and a chunk's answer: a small young generation keeps
        // its memory small (its old generation is left unbounded, for big models).
        resourceLimits: { maxYoungGenerationSizeMb: 8 }
      })
      live++
      const slot: Slot = { worker, stats: { chunks: 0, cpuMs: 0, engineMs: 0 } }
      worker.on("message", (r: BatchResponse) => answer(slot, r))
      worker.on("error", (e) => fail(new Error(`topic detection worker crashed: ${e.message}`)))
      worker.on("exit", (code) => {
        live--
        if (!closed) fail(new Error(`topic detection worker exited (code ${code})`))
      })
      started.push(slot)
    }
    return started
  }

  const detectTopicsBatch = (blocks: ReadonlyArray<Pick<Block, "participant" | "text">>): Promise<Array<ReadonlySet<string>>> => {
    if (blocks.length === 0) return Promise.resolve([])
    if (failure !== undefined) return Promise.reject(failure)
    if (closed) return Promise.reject(new Error("the topic detection pool is closed"))
    slots ??= start()
    const plan = chunkPlan(blocks, chunkChars)
    const chunks = plan.ends.length
    let bytes = 0
    let begin = 0
    for (let c = 0; c < chunks; c++) {
      bytes += chunkBytes(plan.ends[c]! - begin, plan.units[c]!)
      begin = plan.ends[c]!
    }
    const id = nextId++
    const control = new Int32Array(new SharedArrayBuffer((TABLE + chunks * ENTRY) * 4))
    const data = dataBuffer(bytes)
    const done = new Promise<Array<ReadonlySet<string>>>((resolve, reject) => {
      running.set(id, { out: new Array<ReadonlySet<string>>(blocks.length), control, data, remaining: chunks, resolve, reject })
    })
    const request: BatchRequest = { id, chunks, control: control.buffer, data }
    for (const s of slots) s.worker.postMessage(request)
    // The workers start on the first chunk while the next ones are written.
    let at = 0
    begin = 0
    for (let c = 0; c < chunks; c++) {
      const end = plan.ends[c]!
      const units = plan.units[c]!
      writeUnitChunk(blocks, begin, end, units, data, at)
      const e = TABLE + c * ENTRY
      control[e] = at
      control[e + 1] = end - begin
      control[e + 2] = units
      control[e + 3] = begin
      Atomics.store(control, WRITTEN, c + 1)
      Atomics.notify(control, WRITTEN)
      at += chunkBytes(end - begin, units)
      begin = end
    }
    return done
  }

  const close = async () => {
    if (closed) return
    closed = true
    fail(new Error("the topic detection pool is closed"))
    const all = slots ?? []
    slots = []
    await Promise.all(all.map((s) => s.worker.terminate()))
  }

  const stats = (): ReadonlyArray<WorkerStats> => (slots ?? []).map((s) => s.stats)

  return { workers: size, stats, detectTopicsBatch, close }
}

/** Topic detection on the pool failed (a worker crashed, or the pool was closed). */
export class TopicPoolError extends Schema.TaggedError<TopicPoolError>()("TopicPoolError", { message: Schema.String }) {}

/** `pool.detectTopicsBatch` as an Effect. */
export const detectBatch = (pool: DetectorPool, blocks: ReadonlyArray<Pick<Block, "participant" | "text">>) =>
  Effect.tryPromise({
    try: () => pool.detectTopicsBatch(blocks),
    catch: (e) => new TopicPoolError({ message: e instanceof Error ? e.message : String(e) })
  })

/** A pool for the scope: closed (workers stopped) when the scope ends. */
export const detectorPool = (detector: Detector, options?: DetectorPoolOptions) =>
  Effect.acquireRelease(
    Effect.sync(() => makeDetectorPool(detector, options)),
    (pool) => Effect.promise(() => pool.close())
  )
