/**
 * Topic detection on every core: a pool of worker threads, each holding the same compiled
 * detector, fed big batches of blocks, which the WebAssembly engine (src/topics/wasmEngine.ts)
 * detects a whole chunk at a time.
 *
 * - `detectTopicsBatch(blocks)` returns, for each block in order, the topics
 *   `detector.detectTopics(block)` returns, in the same order: the same shared empty and
 *   singleton sets for zero or one topic, and for more a `TopicList`, a read-only set over the
 *   worker's answer (building a Set per block here cost this thread more than all the rest of
 *   its share when blocks have many topics). The workers run the same engine on the same model.
 * - A batch is cut into chunks of about `chunkChars` code units; a chunk travels as one buffer
 *   (`UnitChunk`: its texts' UTF-16 code units written straight into it, the blocks' starts and
 *   participants), transferred, not copied; it comes back as typed arrays of topic indexes, with
 *   the buffer for the next chunk. (Strings joined per chunk cost this thread as much to make, then
 *   a copy each way and the garbage of both threads.) Idle workers take the next chunk, so a
 *   slow core does not hold the batch up; each holds up to IN_FLIGHT chunks, so it never waits
 *   for this thread to hand it the next one.
 * - A chunk is written when a worker has room for it and sent at once; its answer is taken as
 *   soon as it comes back, so this thread's share (writing the texts, wrapping the answers)
 *   overlaps the matching, and the workers never wait for a whole batch to be written.
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

interface Pending {
  readonly id: number
  /** The chunk's request, written when a worker has room for it (see `dispatch`). */
  readonly make: (id: number) => BatchRequest
  readonly resolve: (r: { offsets: Int32Array; topics: Int32Array }) => void
  readonly reject: (e: Error) => void
}

interface Slot {
  readonly worker: Worker
  /** Chunks posted to the worker and not answered yet, oldest first (at most IN_FLIGHT). */
  readonly busy: Array<Pending>
  stats: WorkerStats
}

/**
 * Chunks a worker holds at once: the next one waits in its queue while it matches the current
 * one, so it never waits for this thread (busy joining texts or making sets) to hand it work.
 */
const IN_FLIGHT = 2

const WORKER_URL = new URL("./poolWorker.ts", import.meta.url)

let live = 0
/** Pool worker threads of this process currently running (all pools; for tests and monitoring). */
export const livePoolWorkers = (): number => live

/** Code units of text per chunk a worker gets (see DetectorPoolOptions.chunkChars). */
export const DEFAULT_CHUNK_CHARS = 262_144

/**
 * Code units written into a chunk's buffer at a time (see `unitChunkOf`). V8 joins a few hundred
 * short strings into a new one about twice as fast per unit as a few thousand into one big
 * string (which it allocates outside the young generation).
 */
const SEGMENT_CHARS = 16_384

/** Where `blocks` are cut into chunks of about `chunkChars` code units: the chunks' ends. */
const chunkEnds = (blocks: ReadonlyArray<Pick<Block, "text">>, chunkChars: number): Array<number> => {
  const ends: Array<number> = []
  let chars = 0
  for (let k = 0; k < blocks.length; k++) {
    chars += blocks[k]!.text.length + 1
    if (chars >= chunkChars) {
      ends.push(k + 1)
      chars = 0
    }
  }
  if (blocks.length > 0 && ends[ends.length - 1] !== blocks.length) ends.push(blocks.length)
  return ends
}

/**
 * A run of blocks as the pool sends it to a worker: from block `begin`, their texts back to back
 * as UTF-16 code units, each followed by one separator unit: block k is
 * `units[starts[k] .. starts[k + 1] - 1)`. Written straight into a buffer that is transferred to
 * the worker and back (no joined strings to make, copy and collect on either side); `starts` and
 * `participants` are views of the same buffer.
 */
export interface UnitChunk {
  readonly begin: number
  readonly units: Uint16Array<ArrayBuffer>
  readonly starts: Int32Array<ArrayBuffer>
  readonly participants: Uint8Array<ArrayBuffer>
}

/**
 * Blocks `begin .. end` as one UnitChunk, written into `buffer` when it is big enough (else into
 * a new one).
 */
export const unitChunkOf = (
  blocks: ReadonlyArray<Pick<Block, "participant" | "text">>,
  begin: number,
  end: number,
  buffer?: ArrayBuffer
): UnitChunk => {
  const n = end - begin
  let length = 0
  for (let k = begin; k < end; k++) length += blocks[k]!.text.length + 1
  // One buffer holds it all: the code units, then the starts, then the participants.
  const startsAt = (length * 2 + 3) & ~3
  const participantsAt = startsAt + (n + 1) * 4
  const bytes = participantsAt + n
  const ab = buffer !== undefined && buffer.byteLength >= bytes ? buffer : new ArrayBuffer(bytes)
  const units = new Uint16Array(ab, 0, length)
  const starts = new Int32Array(ab, startsAt, n + 1)
  const participants = new Uint8Array(ab, participantsAt, n)
  const out = Buffer.from(ab, 0, length * 2)
  // The texts go in SEGMENT_CHARS at a time, joined with their separators: one write per segment
  // costs this thread less than one per block (≈ 0.65 against 0.8 ns per code unit, measured).
  let at = 0
  let written = 0
  let segment: Array<string> = []
  starts[0] = 0
  for (let k = 0; k < n; k++) {
    const b = blocks[begin + k]!
    participants[k] = b.participant === "external" ? 0 : 1
    segment.push(b.text)
    at += b.text.length + 1
    starts[k + 1] = at
    if (at - written >= SEGMENT_CHARS || k === n - 1) {
      segment.push("") // the last block's separator
      out.write(segment.join("\n"), written * 2, "utf16le")
      written = at
      segment = []
    }
  }
  return { begin, units, starts, participants }
}

/**
 * `blocks` as UnitChunks of about `chunkChars` code units written one after the other into the
 * same buffer (passed on from `buffer`, grown when need be): each is valid until the next is
 * taken. What one thread does with the pool's recycled buffers (the bench's one-core figure).
 */
export function* reusedUnitChunks(
  blocks: ReadonlyArray<Pick<Block, "participant" | "text">>,
  chunkChars: number,
  buffer?: { current?: ArrayBuffer }
): Generator<UnitChunk> {
  const held = buffer ?? {}
  let begin = 0
  for (const end of chunkEnds(blocks, chunkChars)) {
    const c = unitChunkOf(blocks, begin, end, held.current)
    held.current = c.units.buffer
    yield c
    begin = end
  }
}

/** Cut `blocks` into UnitChunks of about `chunkChars` code units (each in a buffer of its own). */
export const toUnitChunks = (blocks: ReadonlyArray<Pick<Block, "participant" | "text">>, chunkChars: number): Array<UnitChunk> => {
  const out: Array<UnitChunk> = []
  let begin = 0
  for (const end of chunkEnds(blocks, chunkChars)) {
    out.push(unitChunkOf(blocks, begin, end))
    begin = end
  }
  return out
}

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
  /** Text buffers the workers handed back, for the next chunks. */
  const spare: Array<ArrayBuffer> = []
  const SPARE_BUFFERS = size * IN_FLIGHT + 2
  let failure: Error | undefined
  let closed = false
  let nextId = 0

  const fail = (e: Error) => {
    failure ??= e
    for (const c of queue.splice(0)) c.reject(failure)
    for (const s of slots ?? []) for (const c of s.busy.splice(0)) c.reject(failure)
  }

  // A chunk's texts are written only when a worker has room for it, not all of a batch's up front:
  // this thread then answers the workers' messages between two chunks' writing instead of after a
  // whole batch's (a worker holding IN_FLIGHT small chunks would run dry meanwhile), and a text
  // buffer a worker hands back is written again at once.
  const dispatch = () => {
    if (slots === undefined) return
    // Fill the least loaded workers first (idle workers take the next chunk).
    for (let depth = 0; depth < IN_FLIGHT; depth++) {
      for (const s of slots) {
        if (queue.length === 0) return
        if (s.busy.length > depth) continue
        const c = queue.shift()!
        const request = c.make(c.id)
        s.busy.push(c)
        s.worker.postMessage(request, [request.units.buffer]) // starts and participants are in it too
      }
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
      const slot: Slot = { worker, busy: [], stats: { chunks: 0, cpuMs: 0, engineMs: 0 } }
      worker.on("message", (r: BatchResponse) => {
        // A worker answers its chunks in the order it got them.
        const c = slot.busy.shift()
        if (c !== undefined && c.id === r.id) {
          if ("error" in r) c.reject(new Error(`topic detection worker failed: ${r.error}`))
          else {
            slot.stats = { chunks: slot.stats.chunks + 1, cpuMs: r.cpuMs, engineMs: r.engineMs }
            if (spare.length < SPARE_BUFFERS) spare.push(r.units.buffer)
            c.resolve(r)
          }
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

  const run = (make: (id: number) => BatchRequest) =>
    new Promise<{ offsets: Int32Array; topics: Int32Array }>((resolve, reject) => {
      if (failure !== undefined) return reject(failure)
      if (closed) return reject(new Error("the topic detection pool is closed"))
      slots ??= start()
      queue.push({ id: nextId++, make, resolve, reject })
      dispatch()
    })

  // Each chunk goes to a worker as soon as one has room, and its answer is taken as soon as it
  // comes back: this thread's share (writing the texts, wrapping the answers) overlaps the
  // workers' matching.
  const detectTopicsBatch = async (
    blocks: ReadonlyArray<Pick<Block, "participant" | "text">>
  ): Promise<Array<ReadonlySet<string>>> => {
    const out = new Array<ReadonlySet<string>>(blocks.length)
    const answers: Array<Promise<void>> = []
    const ids = core.topicIdOf
    let begin = 0
    for (const end of chunkEnds(blocks, chunkChars)) {
      const from = begin
      begin = end
      const make = (id: number): BatchRequest => {
        const c = unitChunkOf(blocks, from, end, spare.pop())
        return { id, units: c.units, starts: c.starts, participants: c.participants }
      }
      answers.push(
        run(make).then(({ offsets, topics }) => {
          for (let k = 0; k + 1 < offsets.length; k++) {
            const count = offsets[k + 1]! - offsets[k]!
            out[from + k] = count <= 1 ? core.setOf(topics, offsets[k]!, count) : new TopicList(ids, topics, offsets[k]!, count)
          }
        })
      )
    }
    await Promise.all(answers)
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
