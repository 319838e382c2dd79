/**
 * A worker of the detector pool (src/topics/pool.ts): compiles the model once, then takes part
 * in batches. A batch is three shared buffers: a control array, the data and the results. The
 * pool's thread writes the batch's chunks into the data (src/topics/unitChunks.ts) in order, and
 * every worker claims the next chunk from the control array itself (`Atomics.add`), waits for it
 * to be written if need be, detects it and writes its answer into the batch's shared results
 * (src/topics/poolProtocol.ts). When it finds every chunk claimed it posts one message: how many
 * chunks it did, its times, and any answer that did not fit. No worker waits for the pool's
 * thread to hand it work or take an answer, and a slow worker simply claims fewer chunks. A worker
 * told to start after the writing (`afterWriting`) first waits until the pool's thread has written
 * every chunk.
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads"
import { compileDetector, detectorCore } from "./detector.ts"
import { ABANDONED, ALL_WRITTEN, POOL_WORKER, type BatchRequest, type BatchResponse, type ChunkAnswer, CLAIMED, ENTRY, TABLE, TOPICS_USED, type WorkerInit, WRITTEN } from "./poolProtocol.ts"
import { chunkViews } from "./unitChunks.ts"
import { batchEngine } from "./wasmEngine.ts"

/**
 * The worker's work, started below on a pool's worker thread only: src/topics/pool.ts imports this
 * module on the main thread too, so that Node compiles it there and a worker finds it in the
 * compile cache (src/cli/main.ts) instead of loading the TypeScript stripper for it.
 */
const serve = () => {
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
    const results = new Int32Array(m.results, 0, m.topicsAt + m.topicsCap)
    const overflow: Array<ChunkAnswer> = []
    const errors: Array<{ chunk: number; error: string }> = []
    let chunks = 0
    // Told to start once the batch is written: the writing thread keeps a core meanwhile (src/topics/pool.ts).
    if (m.afterWriting) Atomics.wait(control, ALL_WRITTEN, 0)
    for (;;) {
      const c = Atomics.add(control, CLAIMED, 1)
      if (c >= m.chunks) break
      // The pool's thread writes the chunks in order, right after posting the batch.
      for (let w = Atomics.load(control, WRITTEN); w <= c; w = Atomics.load(control, WRITTEN)) Atomics.wait(control, WRITTEN, w)
      if (Atomics.load(control, ABANDONED) !== 0) continue
      const e = TABLE + c * ENTRY
      try {
        const chunk = chunkViews(m.data, control[e]!, control[e + 1]!, control[e + 2]!)
        const t0 = performance.now()
        const { offsets, topics } = engine.detectUnits(chunk.units, chunk.starts, chunk.participants, true)
        engineMs += performance.now() - t0
        const n = offsets.length - 1
        const count = offsets[n]!
        const base = Atomics.add(control, TOPICS_USED, count)
        if (base + count <= m.topicsCap) {
          const at = m.topicsAt + base
          results.set(topics, at)
          const o = control[e + 3]! + c
          for (let i = 0; i <= n; i++) results[o + i] = at + offsets[i]!
        } else {
          overflow.push({ chunk: c, offsets: offsets.slice(), topics: topics.slice() })
        }
        chunks++
      } catch (e) {
        errors.push({ chunk: c, error: e instanceof Error ? e.stack ?? e.message : String(e) })
      }
    }
    port.postMessage(
      { id: m.id, chunks, cpuMs: cpuMs(), engineMs, overflow, errors } satisfies BatchResponse,
      overflow.flatMap((a) => [a.offsets.buffer, a.topics.buffer])
    )
  })
}

if (!isMainThread && parentPort !== null && (workerData as Partial<WorkerInit> | null)?.role === POOL_WORKER) serve()
