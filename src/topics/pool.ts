/**
 * Topic detection on every core: a pool of worker threads, each holding the same compiled
 * detector, fed big batches of blocks, which the WebAssembly engine (src/topics/wasmEngine.ts)
 * detects a chunk at a time.
 *
 * - `detectTopicsBatch(blocks)` answers, for each block in order (`at(k)`), the topics
 *   `detector.detectTopics(block)` returns, in the same order: the same shared empty and
 *   singleton sets for zero or one topic, and for more a `TopicList`, a read-only set over the
 *   workers' answer (src/topics/batchTopics.ts), made when asked for. The workers run the same
 *   engine on the same model.
 * - A batch is cut into chunks of about `chunkChars` code units, written one after the other
 *   into one SharedArrayBuffer (src/topics/unitChunks.ts: the texts' UTF-16 code units, the
 *   blocks' starts and participants), recycled from batch to batch. The workers claim chunks
 *   themselves from the batch's shared control array, waiting for a chunk only while this thread
 *   writes it, and write each chunk's answer into the same buffer (src/topics/poolWorker.ts,
 *   src/topics/poolProtocol.ts). Each worker sends one message per batch, when it finds every
 *   chunk claimed.
 * - So no worker waits for this thread to take an answer and hand it the next chunk. With chunks
 *   handed out and answered by message (as before), this thread — a third thread on two cores,
 *   often waiting for a core — answered late, and the workers sat idle for a third of the time
 *   (measured: bench/HISTORY.md). A slow core claims fewer chunks.
 * - Writing needs a core: as many workers as fit beside this thread (`writingWorkers`: a core each
 *   but one) start on a batch before its first chunk is written; the others wait (on the batch's
 *   control array) until every chunk is written. Started all at once, two workers and this thread
 *   took turns on two cores: the writing fell behind, and the workers waited for chunks (6–8 ms
 *   per 18 MB against 0.6) and for a core (bench/HISTORY.md).
 * - Batches may overlap; the workers take them in the order they were sent. The reprocessing
 *   pipeline sends two pages at a time to a pool of two workers or more, so they need not idle
 *   between pages, and one at a time to a single worker (src/pipelines/reprocess/pipeline.ts).
 * - Workers start on first use (a job with small pages never starts them), compile the model
 *   once, and live until `close()`. A worker that crashes fails its batches and the pool: later
 *   calls fail too (the pipeline then fails the job, which can be retried).
 *
 * Use `detectorPool` (Effect, scoped) so the pool is closed whatever way the scope ends.
 */
import { availableParallelism } from "node:os"
import { Worker } from "node:worker_threads"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { Block } from "../domain/interaction.ts"
import { type Detector, type DetectorCore, detectorCore } from "./detector.ts"
import { BatchTopics } from "./batchTopics.ts"
import { BufferShelf } from "./bufferShelf.ts"
import { ABANDONED, ALL_WRITTEN, type BatchRequest, POOL_WORKER, type BatchResponse, type ChunkAnswer, ENTRY, TABLE, TOPICS_USED, type WorkerInit, WRITTEN } from "./poolProtocol.ts"
import { chunkBytes, chunkPlan, writeUnitChunk } from "./unitChunks.ts"
import type { BatchEngine } from "./wasmEngine.ts"
// Compiled on this thread, so that the workers find it in Node's compile cache (it starts nothing here).
import "./poolWorker.ts"

export interface DetectorPoolOptions {
  /**
   * Worker threads (default: available parallelism − 1, at least 1 — the main thread keeps a
   * core for reading, deciding and writing while the workers match).
   */
  readonly workers?: number
  /**
   * Workers that start on a batch while this thread writes it (default: available parallelism − 1,
   * at least 1); the others start once it is written (see the module comment).
   */
  readonly writingWorkers?: number
  /** Code units of text per chunk a worker claims (default 65,536). */
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
   * Shared buffers made so far for batches' chunks and answers (a new one's pages are faulted in
   * as it is first written: after the first batches, batches of about one size make none).
   */
  buffersMade(): number
  /**
   * For each block, in order, the topics `detector.detectTopics(block)` returns, in its order
   * (its very sets for zero or one topic; a read-only `TopicList` for more): `at(k)` for block k.
   * Release the answer (`release()`) once done with it, so the next batch reuses its buffer.
   */
  detectTopicsBatch(blocks: ReadonlyArray<Pick<Block, "participant" | "text">>): Promise<BatchTopics>
  /** Stop the workers (idempotent). Pending batches fail. */
  close(): Promise<void>
}

interface Slot {
  readonly worker: Worker
  stats: WorkerStats
}

/** A batch being detected: the shared buffers its chunks and answers are written to, and the workers still at it. */
interface Running {
  readonly begins: Int32Array
  readonly data: SharedArrayBuffer
  readonly results: SharedArrayBuffer
  readonly control: Int32Array<SharedArrayBuffer>
  readonly topicsAt: number
  readonly topicsCap: number
  readonly overflow: Map<number, ChunkAnswer>
  workers: number
  error: string | undefined
  readonly resolve: (topics: BatchTopics) => void
  readonly reject: (e: Error) => void
}

const WORKER_URL = new URL("./poolWorker.ts", import.meta.url)

let live = 0
/** Pool worker threads of this process currently running (all pools; for tests and monitoring). */
export const livePoolWorkers = (): number => live

let peakBatches = 0
/**
 * The most batches one pool has had in detection at once since the last call (then reset; for
 * tests: how many pages a pipeline sends at a time).
 */
export const takePeakPoolBatches = (): number => {
  const peak = peakBatches
  peakBatches = 0
  return peak
}

/** Code units of text per chunk a worker claims (see DetectorPoolOptions.chunkChars). */
export const DEFAULT_CHUNK_CHARS = 65_536

/** The most room for topics per block a batch's answers get (past it, chunks come back by message). */
const MAX_TOPICS_PER_BLOCK = 32

/** A pool running `detector`'s model and topics (see the module comment). */
export const makeDetectorPool = (detector: Detector, options: DetectorPoolOptions = {}): DetectorPool => {
  const core: DetectorCore | undefined = detectorCore(detector)
  if (core === undefined) throw new Error("makeDetectorPool: the detector was not made by compileDetector")
  const size = Math.max(1, Math.floor(options.workers ?? availableParallelism() - 1))
  const chunkChars = Math.max(1024, options.chunkChars ?? DEFAULT_CHUNK_CHARS)
  const writingWorkers = Math.max(1, Math.floor(options.writingWorkers ?? availableParallelism() - 1))
  const init: WorkerInit = {
    role: POOL_WORKER,
    model: core.model,
    topicIds: core.topicIdsArg === undefined ? undefined : [...core.topicIdsArg],
    engine: options.engine ?? "wasm"
  }

  let slots: Array<Slot> | undefined
  const running = new Map<number, Running>()
  const spare = new BufferShelf()
  let failure: Error | undefined
  let closed = false
  let nextId = 0
  /** Room for topics per block in a batch's answers (grows with what batches need). */
  let topicsPerBlock = 2

  const fail = (e: Error) => {
    failure ??= e
    for (const r of running.values()) r.reject(failure)
    running.clear()
  }

  /**
   * Answer buffers the answers handed out no longer use. A batch's answers are read in place (a
   * copy per batch — 1.2 MB at 20,000 phrases — made V8 run a full collection every ≈ 0.7 s for
   * the external memory, ≈ 50 ms of this thread's time each): the buffer comes back here when the
   * caller releases the batch (`BatchTopics.release`), or else once the view handed out (which
   * every `TopicList` of the batch holds) is collected.
   */
  const freeResults = new BufferShelf()
  const released = new FinalizationRegistry<SharedArrayBuffer>((b) => freeResults.keep(b))

  const answer = (slot: Slot, r: BatchResponse) => {
    slot.stats = { chunks: slot.stats.chunks + r.chunks, cpuMs: r.cpuMs, engineMs: r.engineMs }
    const batch = running.get(r.id)
    if (batch === undefined) return
    for (const o of r.overflow) batch.overflow.set(o.chunk, o)
    if (r.errors.length > 0) batch.error ??= `a worker failed: ${r.errors[0]!.error}`
    if (--batch.workers > 0) return
    running.delete(r.id)
    // Every worker is done with the batch: its buffer can take the next one (once read below).
    spare.keep(batch.data)
    if (batch.error !== undefined) {
      freeResults.keep(batch.results)
      batch.reject(new Error(`topic detection failed: ${batch.error}`))
    } else {
      const wanted = Atomics.load(batch.control, TOPICS_USED)
      topicsPerBlock = Math.min(MAX_TOPICS_PER_BLOCK, Math.max(topicsPerBlock, (wanted / batch.begins[batch.begins.length - 1]!) * 1.25))
      const used = Math.min(batch.topicsCap, wanted)
      const results = new Int32Array(batch.results, 0, batch.topicsAt + used)
      const token = {}
      released.register(results, batch.results, token)
      const giveBack = () => {
        released.unregister(token)
        freeResults.keep(batch.results)
      }
      batch.resolve(new BatchTopics(core, batch.begins, results, batch.overflow, giveBack))
    }
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

  const detectTopicsBatch = (blocks: ReadonlyArray<Pick<Block, "participant" | "text">>): Promise<BatchTopics> => {
    if (blocks.length === 0) return Promise.resolve(new BatchTopics(core, Int32Array.of(0), new Int32Array(0), new Map()))
    if (failure !== undefined) return Promise.reject(failure)
    if (closed) return Promise.reject(new Error("the topic detection pool is closed"))
    slots ??= start()
    const workers = slots
    let plan: ReturnType<typeof chunkPlan>
    try {
      plan = chunkPlan(blocks, chunkChars)
    } catch (e) {
      return Promise.reject(e)
    }
    const chunks = plan.ends.length
    let bytes = 0
    let begin = 0
    for (let c = 0; c < chunks; c++) {
      bytes += chunkBytes(plan.ends[c]! - begin, plan.units[c]!)
      begin = plan.ends[c]!
    }
    const id = nextId++
    const control = new Int32Array(new SharedArrayBuffer((TABLE + chunks * ENTRY) * 4))
    // Room in the answers for the topics per block the batches so far needed, a quarter more (a
    // chunk that does not fit is answered by message, which costs both threads more: at 20,000
    // phrases, ≈ 6.4 topics per block, most chunks did not fit in twice the blocks).
    const topicsAt = blocks.length + chunks
    const topicsCap = Math.max(4096, Math.ceil(blocks.length * topicsPerBlock))
    const data = spare.take(bytes)
    const results = freeResults.take((topicsAt + topicsCap) * 4)
    const begins = new Int32Array(chunks + 1)
    const done = new Promise<BatchTopics>((resolve, reject) => {
      running.set(id, { begins, data, results, control, topicsAt, topicsCap, overflow: new Map(), workers: workers.length, error: undefined, resolve, reject })
    })
    peakBatches = Math.max(peakBatches, running.size)
    const request: BatchRequest = { id, chunks, control: control.buffer, data, results, topicsAt, topicsCap, afterWriting: false }
    workers.forEach((s, k) => s.worker.postMessage(k < writingWorkers ? request : { ...request, afterWriting: true }))
    // The workers told to start now take the first chunk while the next ones are written.
    let at = 0
    begin = 0
    try {
      for (let c = 0; c < chunks; c++) {
        const end = plan.ends[c]!
        const units = plan.units[c]!
        writeUnitChunk(blocks, begin, end, units, data, at)
        const e = TABLE + c * ENTRY
        control[e] = at
        control[e + 1] = end - begin
        control[e + 2] = units
        control[e + 3] = begin
        begins[c] = begin
        Atomics.store(control, WRITTEN, c + 1)
        Atomics.notify(control, WRITTEN)
        at += chunkBytes(end - begin, units)
        begin = end
      }
    } catch (e) {
      // A block the writer cannot take: the workers, which may be waiting for the next chunk,
      // are let go (they skip the rest), and the batch fails when they have answered.
      running.get(id)!.error = `a block could not be written for the workers: ${e instanceof Error ? e.message : String(e)}`
      Atomics.store(control, ABANDONED, 1)
      Atomics.store(control, WRITTEN, chunks)
      Atomics.notify(control, WRITTEN)
    }
    Atomics.store(control, ALL_WRITTEN, 1)
    Atomics.notify(control, ALL_WRITTEN)
    begins[chunks] = blocks.length
    return done
  }

  const close = async () => {
    if (closed) return
    closed = true
    spare.close()
    freeResults.close()
    fail(new Error("the topic detection pool is closed"))
    const all = slots ?? []
    slots = []
    await Promise.all(all.map((s) => s.worker.terminate()))
  }

  const stats = (): ReadonlyArray<WorkerStats> => (slots ?? []).map((s) => s.stats)

  return { workers: size, stats, buffersMade: () => spare.made + freeResults.made, detectTopicsBatch, close }
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
