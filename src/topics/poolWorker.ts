/**
 * A worker of the detector pool (src/topics/pool.ts): compiles the model once, then answers
 * batches. A batch is the blocks' texts back to back as UTF-16 code units in a transferred
 * buffer (block k is `units[starts[k] .. starts[k + 1] - 1)`; one separator unit follows each
 * block) and the blocks' participants (0 external, 1 internal). The answer: each block's topics
 * as topic indexes, in detection order, `topics[offsets[k] .. offsets[k + 1])`, and the text's
 * buffer, handed back for the next chunk.
 */
import { parentPort, workerData } from "node:worker_threads"
import type { TopicModel } from "../domain/topicModel.ts"
import { compileDetector, detectorCore } from "./detector.ts"
import { type BatchEngine, batchEngine } from "./wasmEngine.ts"

export interface WorkerInit {
  readonly model: TopicModel
  readonly topicIds: ReadonlyArray<string> | undefined
  readonly engine: BatchEngine["kind"]
}

export interface BatchRequest {
  readonly id: number
  /** The texts; its buffer (which holds `starts` and `participants` too) is transferred, and comes back with the answer. */
  readonly units: Uint16Array<ArrayBuffer>
  readonly starts: Int32Array
  readonly participants: Uint8Array
}

export type BatchResponse =
  | {
    readonly id: number
    readonly offsets: Int32Array
    readonly topics: Int32Array
    /** The request's text buffer, handed back (transferred) for reuse. */
    readonly units: Uint16Array<ArrayBuffer>
    /** This thread's CPU time so far, ms (receiving messages and collecting garbage included). */
    readonly cpuMs: number
    /** Time spent in the engine so far, ms (wall time: a thread's CPU clock is too coarse for one chunk). */
    readonly engineMs: number
  }
  | { readonly id: number; readonly error: string }

const init = workerData as WorkerInit
const core = detectorCore(compileDetector(init.model, init.topicIds === undefined ? undefined : new Set(init.topicIds)))!
const port = parentPort!
const engine = batchEngine(core, init.engine)

/**
 * Warm-up (JavaScript engine only; WebAssembly is compiled before it runs): a fresh thread runs its first batches in the interpreter, many times slower than
 * optimized code. Matching the model's own phrases (with some filler) for a few thousand blocks
 * gets the hot paths optimized before the first real batch, which waits meanwhile.
 */
const warmUp = () => {
  const phrases = init.model.topics.flatMap((t) => t.phrases.map((p) => (typeof p === "string" ? p : p.text)))
  const filler = ["well", "so", "the", "and", "I", "you", "my", "it's", "okay", "thanks", "Réclamation", "42"]
  let text = ""
  for (let k = 0; text.length < 150_000; k++) {
    text += `${filler[k % filler.length]} ${phrases.length > 0 ? phrases[k % phrases.length] : "hello"}, ${filler[(k * 7) % filler.length]}. `
  }
  for (let pass = 0; pass < 3; pass++) {
    for (let from = 0; from < text.length; from += 90) {
      core.topicIndexes(text, from, Math.min(text.length, from + 90), (from / 90) % 2 === 0 ? "external" : "internal")
    }
  }
}
if (engine.kind === "js") warmUp()

const cpuMs = (): number => {
  const u = process.threadCpuUsage()
  return (u.user + u.system) / 1000
}
let engineMs = 0

port.on("message", (m: BatchRequest) => {
  try {
    const t0 = performance.now()
    const { offsets, topics } = engine.detectUnits(m.units, m.starts, m.participants)
    engineMs += performance.now() - t0
    port.postMessage(
      { id: m.id, offsets, topics, units: m.units, cpuMs: cpuMs(), engineMs } satisfies BatchResponse,
      [offsets.buffer, topics.buffer, m.units.buffer]
    )
  } catch (e) {
    port.postMessage({ id: m.id, error: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies BatchResponse)
  }
})
