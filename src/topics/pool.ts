/**
 * Topic detection on every core: a pool of worker threads, each holding the same compiled
 * detector, fed big batches of blocks, which the WebAssembly engine (src/topics/wasmEngine.ts)
 * detects a whole chunk at a time.
 *
 * - `detectTopicsBatch(blocks)` returns, for each block in order, exactly what
 *   `detector.detectTopics(block)` returns (same topics, same order, same shared empty and
 *   singleton sets): the workers run the same engine on the same model, and the answers are
 *   turned back into sets by the main detector's own core.
 * - A batch is cut into chunks of about `chunkChars` code units; a chunk travels as ONE string
 *   (the blocks' texts back to back) plus typed arrays, and comes back as typed arrays of topic
 *   indexes (transferred, not copied). Idle workers take the next chunk, so a slow core does
 *   not hold the batch up.
 * - Workers start on first use (a job with small pages never starts them), compile the model
 *   once, and live until `close()`. A worker that crashes fails its chunks and the pool: later
 *   calls fail too (the pipeline then fails the job, which can be retried).
 *
 * Use `detectorPool` (Effect, scoped) so the pool is closed whatever way the scope ends.
 */
import { availableParallelism } from "node:os"
import { Worker } from "node:worker_threads"
import { Effect, Schema } from "effect"
import type { Block } from "../domain/interaction.ts"
import { type Detector, type DetectorCore, detectorCore } from "./detector.ts"
import type { BatchRequest, BatchResponse, WorkerInit } from "./poolWorker.ts"
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

export interface DetectorPool {
  readonly workers: number
  /** For each block, in order, what `detector.detectTopics(block)` returns. */
  detectTopicsBatch(blocks: ReadonlyArray<Pick<Block, "participant" | "text">>): Promise<Array<ReadonlySet<string>>>
  /** Stop the workers (idempotent). Pending batches fail. */
  close(): Promise<void>
}

interface Pending {
  readonly request: BatchRequest
  readonly resolve: (r: { offsets: Int32Array; topics: Int32Array }) => void
  readonly reject: (e: Error) => void
}

interface Slot {
  readonly worker: Worker
  busy: Pending | undefined
}

const WORKER_URL = new URL("./poolWorker.ts", import.meta.url)

let live = 0
/** Pool worker threads of this process currently running (all pools; for tests and monitoring). */
export const livePoolWorkers = (): number => live

/** Code units of text per chunk a worker gets (see DetectorPoolOptions.chunkChars). */
export const DEFAULT_CHUNK_CHARS = 262_144

/** A run of blocks as one batch engine call takes it (src/topics/wasmEngine.ts): from block `begin`. */
export interface Chunk {
  readonly begin: number
  readonly text: string
  readonly starts: Int32Array
  readonly participants: Uint8Array
}

/** Cut `blocks` into chunks of about `chunkChars` code units, each one string plus typed arrays. */
export const toChunks = (blocks: ReadonlyArray<Pick<Block, "participant" | "text">>, chunkChars: number): Array<Chunk> => {
  const cuts: Array<number> = [0]
  let chars = 0
  for (let k = 0; k < blocks.length; k++) {
    chars += blocks[k]!.text.length + 1
    if (chars >= chunkChars) {
      cuts.push(k + 1)
      chars = 0
    }
  }
  if (cuts[cuts.length - 1] !== blocks.length) cuts.push(blocks.length)
  return cuts.slice(1).map((end, c) => {
    const begin = cuts[c]!
    const n = end - begin
    const texts = new Array<string>(n)
    const starts = new Int32Array(n + 1)
    const participants = new Uint8Array(n)
    for (let k = 0; k < n; k++) {
      const b = blocks[begin + k]!
      texts[k] = b.text
      participants[k] = b.participant === "external" ? 0 : 1
      starts[k + 1] = starts[k]! + b.text.length + 1
    }
    return { begin, text: texts.join("\n"), starts, participants }
  })
}

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
  const queue: Array<Pending> = []
  let failure: Error | undefined
  let closed = false
  let nextId = 0

  const fail = (e: Error) => {
    failure ??= e
    for (const c of queue.splice(0)) c.reject(failure)
    for (const s of slots ?? []) {
      const c = s.busy
      s.busy = undefined
      c?.reject(failure)
    }
  }

  const dispatch = () => {
    if (slots === undefined) return
    for (const s of slots) {
      if (queue.length === 0) return
      if (s.busy !== undefined) continue
      const c = queue.shift()!
      s.busy = c
      s.worker.postMessage(c.request, [c.request.starts.buffer as ArrayBuffer, c.request.participants.buffer as ArrayBuffer])
    }
  }

  const start = (): Array<Slot> => {
    const started: Array<Slot> = []
    for (let k = 0; k < size; k++) {
      const worker = new Worker(WORKER_URL, {
        workerData: init,
        name: `rewind-topics-${k}`,
        // A worker only ever holds the model and a chunk or two: a small young generation keeps
        // its memory small (its old generation is left unbounded, for big models).
        resourceLimits: { maxYoungGenerationSizeMb: 8 }
      })
      live++
      const slot: Slot = { worker, busy: undefined }
      worker.on("message", (r: BatchResponse) => {
        const c = slot.busy
        slot.busy = undefined
        if (c !== undefined && c.request.id === r.id) {
          if ("error" in r) c.reject(new Error(`topic detection worker failed: ${r.error}`))
          else c.resolve(r)
        }
        dispatch()
      })
      worker.on("error", (e) => fail(new Error(`topic detection worker crashed: ${e.message}`)))
      worker.on("exit", (code) => {
        live--
        if (!closed) fail(new Error(`topic detection worker exited (code ${code})`))
      })
      started.push(slot)
    }
    return started
  }

  const run = (request: BatchRequest) =>
    new Promise<{ offsets: Int32Array; topics: Int32Array }>((resolve, reject) => {
      if (failure !== undefined) return reject(failure)
      if (closed) return reject(new Error("the topic detection pool is closed"))
      slots ??= start()
      queue.push({ request, resolve, reject })
      dispatch()
    })

  const detectTopicsBatch = async (
    blocks: ReadonlyArray<Pick<Block, "participant" | "text">>
  ): Promise<Array<ReadonlySet<string>>> => {
    const chunks = toChunks(blocks, chunkChars)
    const answers = chunks.map((c) => run({ id: nextId++, text: c.text, starts: c.starts, participants: c.participants }))
    const results = await Promise.all(answers)
    const out = new Array<ReadonlySet<string>>(blocks.length)
    for (let c = 0; c < results.length; c++) {
      const { offsets, topics } = results[c]!
      const begin = chunks[c]!.begin
      for (let k = 0; k + 1 < offsets.length; k++) {
        out[begin + k] = core.setOf(topics, offsets[k]!, offsets[k + 1]! - offsets[k]!)
      }
    }
    return out
  }

  const close = async () => {
    if (closed) return
    closed = true
    fail(new Error("the topic detection pool is closed"))
    const running = slots ?? []
    slots = []
    await Promise.all(running.map((s) => s.worker.terminate()))
  }

  return { workers: size, detectTopicsBatch, close }
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
