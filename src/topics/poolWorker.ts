/**
 * A worker of the detector pool (src/topics/pool.ts): compiles the model once, then takes part
 * in batches. A batch is a shared control array and a shared data buffer; the pool's thread
 * writes the batch's chunks into the data (src/topics/unitChunks.ts) one after the other, and
 * every worker claims the next chunk from the control array itself (`Atomics.add`), waits for it
 * to be written if need be, detects it and posts its answer: each block's topics as topic
 * indexes, in detection order, `topics[offsets[k] .. offsets[k + 1])`. No worker waits for the
 * pool's thread to hand it work, and a slow worker simply claims fewer chunks.
 */
import { parentPort, workerData } from "node:worker_threads"
import { compileDetector, detectorCore } from "./detector.ts"
import { type BatchRequest, type BatchResponse, CLAIMED, ENTRY, TABLE, type WorkerInit, WRITTEN } from "./poolProtocol.ts"
import { chunkViews } from "./unitChunks.ts"
import { batchEngine } from "./wasmEngine.ts"

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
  const control = new Int32Array(m.control)
  for (;;) {
    const c = Atomics.add(control, CLAIMED, 1)
    if (c >= m.chunks) return
    // The pool's thread writes the chunks in order, right after posting the batch.
    for (let w = Atomics.load(control, WRITTEN); w <= c; w = Atomics.load(control, WRITTEN)) Atomics.wait(control, WRITTEN, w)
    const e = TABLE + c * ENTRY
    try {
      const chunk = chunkViews(m.data, control[e]!, control[e + 1]!, control[e + 2]!)
      const t0 = performance.now()
      const { offsets, topics } = engine.detectUnits(chunk.units, chunk.starts, chunk.participants)
      engineMs += performance.now() - t0
      port.postMessage(
        { id: m.id, chunk: c, offsets, topics, cpuMs: cpuMs(), engineMs } satisfies BatchResponse,
        [offsets.buffer, topics.buffer]
      )
    } catch (e) {
      port.postMessage({ id: m.id, chunk: c, error: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies BatchResponse)
    }
  }
})
