/**
 * Suite `match`: topic matching throughput at 200, 2,000 and 20,000 phrases.
 *
 * Text: blocks of seed interactions (src/seed/generate.ts). Models: the example model's topics
 * plus random phrases over the text's vocabulary (bench/corpus.ts). Per model:
 *
 * - compile time (median of 3) and the compiled detector's heap (after a full GC);
 * - one core, JavaScript: `detector.detectTopics` over every block, repeated; MB/s (UTF-8 bytes)
 *   and blocks/s by wall time, and by this thread's CPU time (what a core does when the machine's
 *   other tenants take turns on it);
 * - one core, WebAssembly: the batch engine the pool's workers run (src/topics/wasmEngine.ts) on
 *   this thread, fed page-sized batches cut into chunks as the pool cuts them (writing the texts
 *   counts); wall and CPU time; before each timed pass, one pass of a fixed reference workload
 *   (bench/lib.ts `referencePass`), the machine's speed at the time;
 * - all cores: the worker pool over the same blocks in page-sized batches, sent as the reprocessing
 *   pipeline sends pages to a pool of that many workers (`detectionPages`: two at a time to two
 *   workers or more), by wall time, each sample (SAMPLE_PASSES passes back to back) right after a
 *   one-core WebAssembly sample (pool ÷ one core per pair of neighbouring samples); beside it, the
 *   same pool sent one page at a time (the two orders alternating); with
 *   the CPU time of this thread, of the process, and of each worker (and its time in the engine)
 *   over the timed passes, to tell where the time goes;
 * - peers (bench/peers.ts): Rewind's WebAssembly engine, Vectorscan and modern-ahocorasick on the
 *   model's exact phrases over the normalized text, and whether they agree block by block;
 * - baseline: a naive matcher with one RegExp per phrase over the block's normalized text,
 *   measured in the same run on as many blocks as fit in its time cap.
 */
import { availableParallelism, loadavg } from "node:os"
import type { Block, Participant } from "../src/domain/interaction.ts"
import { MaxPageInteractions } from "../src/domain/job.ts"
import type { TopicModel } from "../src/domain/topicModel.ts"
import { detectionPages } from "../src/pipelines/reprocess/pipeline.ts"
import { compileDetector, detectorCore } from "../src/topics/detector.ts"
import { normalizeWords } from "../src/topics/normalize.ts"
import type { BatchTopics } from "../src/topics/batchTopics.ts"
import { DEFAULT_CHUNK_CHARS, makeDetectorPool, type WorkerStats } from "../src/topics/pool.ts"
import { reusedUnitChunks } from "../src/topics/unitChunks.ts"
import { wasmBatchEngine } from "../src/topics/wasmEngine.ts"
import { maxGapOf } from "../src/topics/strictness.ts"
import { type Corpus, randomModel, seedCorpus } from "./corpus.ts"
import { cpuSpeeds, currentCpu, gc, machineBusyMs, mb, median, processCpuMs, referencePass, round, rssSampler, threadCpuMs } from "./lib.ts"
import { measurePeers, normalizedCorpus, type PeersRow } from "./peers.ts"

export interface MatchOptions {
  /** Seed interactions whose blocks form the corpus (default 10,000 ≈ 200,000 blocks ≈ 18 MB). */
  readonly interactions: number
  readonly phraseCounts: ReadonlyArray<number>
  /** Timed passes over the corpus per measurement (median reported). */
  readonly runs: number
  /** Time cap of the RegExp baseline per model, seconds. */
  readonly baselineSeconds: number
  /**
   * Blocks per pool batch (default: the blocks of `MaxPageInteractions` interactions, the largest
   * page the reprocessing pipeline detects: ≈ 10,000 of seed data).
   */
  readonly batchBlocks?: number
  /** Measure the peers (Vectorscan, modern-ahocorasick) too. */
  readonly peers: boolean
  readonly log: (s: string) => void
}

/** Where the pool's time went over its timed passes (per pass, medians over the passes). */
export interface PoolTime {
  readonly wallMs: number
  /** CPU time of this (the main) thread: writing the texts, posting, taking the answers. */
  readonly mainCpuMs: number
  /** CPU time of the whole process (all threads: main, workers, V8's helper threads). */
  readonly processCpuMs: number
  /** Per worker: its CPU time, and its time in the engine (wall time). */
  readonly workers: ReadonlyArray<{ readonly cpuMs: number; readonly engineMs: number; readonly chunks: number }>
  /** The 1-minute load average before and after the pool's passes. */
  readonly loadBefore: number
  readonly loadAfter: number
  /** Per pass: the one-core WebAssembly pass just before it ÷ this pool pass (wall times). */
  readonly vsOneCore?: ReadonlyArray<number>
  /**
   * Cores the machine's other tenants kept busy (their CPU time ÷ wall time, from /proc/stat,
   * median over the passes): during the pool's passes, and during the one-core passes beside them.
   */
  readonly othersCores?: number
  readonly othersCoresOneCore?: number
  /** The CPU the one-core passes ended on (Linux). */
  readonly oneCoreCpus?: ReadonlyArray<number>
}

export interface Throughput {
  readonly mbPerSec: number
  readonly blocksPerSec: number
}

export interface MatchRow {
  readonly phrases: number
  readonly topics: number
  readonly words: number
  readonly compileMs: number
  readonly detectorHeapMB: number
  readonly topicsPerBlock: number
  readonly singleWall: Throughput
  readonly singleCpu: Throughput
  readonly singleRunsMBps: ReadonlyArray<number>
  /** One core, the WebAssembly batch engine (absent in results written before it existed). */
  readonly wasmWall?: Throughput
  readonly wasmCpu?: Throughput
  /**
   * The machine's speed while the WebAssembly runs were timed: `referencePass` (bench/lib.ts)
   * before each, MB/s, median (absent in results written before it existed).
   */
  readonly referenceMBps?: number
  readonly pool: Throughput & {
    readonly workers: number
    /** Batches in flight, as the pipeline sends pages to this many workers (absent in results written before it existed: one). */
    readonly inFlight?: number
    /**
     * The same pool sent one batch at a time, when `inFlight` is more: wall time per pass (median)
     * and, per sample, the one-core pass before it ÷ this one.
     */
    readonly oneAtATime?: { readonly wallMs: number; readonly vsOneCore: ReadonlyArray<number> }
    readonly runsMBps: ReadonlyArray<number>
    readonly peakRssMB: number
    /** Absent in results written before it existed. */
    readonly time?: PoolTime
  }
  readonly baseline: Throughput & { readonly blocks: number; readonly seconds: number }
  /** Absent when the peers were not measured. */
  readonly peers?: PeersRow
}

export interface MatchResult {
  readonly corpus: { readonly interactions: number; readonly blocks: number; readonly mb: number; readonly avgBlockBytes: number }
  readonly runs: number
  /** Blocks per pool batch (absent in results written before it was recorded: 40,000). */
  readonly batchBlocks?: number
  /**
   * Passes back to back per timed sample of the one-core WebAssembly and pool figures (they are
   * per pass); absent in results written before it existed (one).
   */
  readonly samplePasses?: number
  readonly rows: ReadonlyArray<MatchRow>
  /**
   * The reference loop's speed on each CPU, pinned (bench/lib.ts `cpuSpeeds`), before and after
   * the rows; absent where it could not be measured.
   */
  readonly cpuSpeeds?: { readonly before: ReadonlyArray<number>; readonly after: ReadonlyArray<number> }
}

/**
 * Passes over the corpus per timed sample, back to back (one-core and pool alike; figures are per
 * pass). A single pool pass (≈ 35–90 ms, twenty page-sized batches) bracketed by the one-core and
 * reference passes paid each time what a job pays once: workers woken from sleep, caches cold.
 */
const SAMPLE_PASSES = 3

/** Untimed passes of each (one core, pool) before a row's timed samples. */
const WARM_UP_PASSES = 3

/** Three significant digits (the baseline can be tiny). */
const sig = (x: number): number => (x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(3)))

const throughput = (bytes: number, blocks: number, ms: number): Throughput => ({
  mbPerSec: sig(bytes / 1e6 / (ms / 1000)),
  blocksPerSec: Math.round(blocks / (ms / 1000))
})

/** The naive matcher: per block, normalize, then try every phrase's RegExp (whole words, gaps). */
const naiveMatcher = (model: TopicModel) => {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  const compiled = model.topics.map((t) => ({
    id: t.id,
    participants: t.participants,
    res: t.phrases.flatMap((p) => {
      const text = typeof p === "string" ? p : p.text
      const strictness = typeof p === "string" ? t.strictness : (p.strictness ?? t.strictness)
      const words = normalizeWords(text)
      if (words.length === 0) return []
      const gap = maxGapOf(strictness)
      const between = gap === 0 ? " " : ` (?:[^ ]+ ){0,${gap}}`
      return [new RegExp(`(?:^| )${words.map(escape).join(between)}(?= |$)`, "u")]
    })
  }))
  return (participant: Participant, text: string): number => {
    const normalized = normalizeWords(text).join(" ")
    let found = 0
    for (const t of compiled) {
      if (t.participants !== "all" && t.participants !== participant) continue
      if (t.res.some((re) => re.test(normalized))) found++
    }
    return found
  }
}

const measureModel = async (corpus: Corpus, phrases: number, o: MatchOptions & { readonly batchBlocks: number }): Promise<MatchRow> => {
  const { blocks, bytes } = corpus
  const model = randomModel(phrases, corpus.words)
  const words = new Set(model.topics.flatMap((t) => t.phrases.flatMap((p) => normalizeWords(typeof p === "string" ? p : p.text)))).size

  // Compile time and the detector's heap.
  const compileTimes: Array<number> = []
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now()
    compileDetector(model)
    compileTimes.push(performance.now() - t0)
  }
  gc()
  const heapBefore = process.memoryUsage().heapUsed
  const copies = Array.from({ length: 4 }, () => compileDetector(model))
  gc()
  const detectorHeapMB = mb(Math.max(0, process.memoryUsage().heapUsed - heapBefore) / copies.length)
  const detector = copies[0]!
  copies.length = 1

  // One core.
  let detections = 0
  for (const b of blocks) detections += detector.detectTopics(b).size // warm-up
  const wall: Array<number> = []
  const cpu: Array<number> = []
  for (let r = 0; r < o.runs; r++) {
    const c0 = threadCpuMs()
    const t0 = performance.now()
    for (let k = 0; k < blocks.length; k++) detector.detectTopics(blocks[k]!)
    wall.push(performance.now() - t0)
    cpu.push(threadCpuMs() - c0)
  }

  // One core, the WebAssembly batch engine.
  const engine = wasmBatchEngine(detectorCore(detector)!)
  if (engine === undefined) throw new Error("WebAssembly is unavailable")
  // Page-sized batches, cut once (as pages arrive from the store): slicing them in every pass made
  // garbage that neither engine makes, and the GC it set off traced the whole corpus each time.
  const batches: Array<ReadonlyArray<Block>> = []
  for (let k = 0; k < blocks.length; k += o.batchBlocks) batches.push(blocks.slice(k, k + o.batchBlocks))
  // One text buffer, written again for each chunk (as the pool's buffers are): a new one per chunk
  // (17.9 MB of text is 36 MB of them per pass) made V8 collect for the external memory, and the
  // collections (which trace the whole corpus) fell on the pool's passes too.
  const buffer: { current?: ArrayBuffer } = {}
  const wasmPass = () => {
    for (const batch of batches) {
      // The answers as views of the engine's memory, as a worker takes them (copied, they made
      // ≈ 5 MB of array buffers per pass at 20,000 phrases, whose collection fell on the pool's
      // passes: its helper threads took 40–57 ms per pass).
      for (const c of reusedUnitChunks(batch, DEFAULT_CHUNK_CHARS, buffer)) engine.detectUnits(c.units, c.starts, c.participants, true)
    }
  }
  // All cores: the pool. Its samples alternate with the one-core samples (reference, one core,
  // pool, again), so that pool ÷ one core compares neighbouring samples on this shared machine.
  const pool = makeDetectorPool(detector, { workers: availableParallelism() })
  // Batches sent as the reprocessing pipeline sends its pages to this many workers: `inFlight` at
  // a time, answers taken in order.
  const inFlight = detectionPages(pool.workers)
  const poolPass = async (atOnce = inFlight) => {
    const sent: Array<Promise<BatchTopics>> = []
    for (const batch of batches) {
      sent.push(pool.detectTopicsBatch(batch))
      // Each answer released when taken, as the pipeline does once a page is decided.
      if (sent.length >= atOnce) (await sent.shift()!).release()
    }
    for (const answer of sent) (await answer).release()
  }
  const wasmWall: Array<number> = []
  const wasmCpu: Array<number> = []
  const reference: Array<number> = []
  const poolWall: Array<number> = []
  const singleWall: Array<number> = []
  const singleVsOneCore: Array<number> = []
  const poolMain: Array<number> = []
  const poolProcess: Array<number> = []
  const poolWorkers: Array<Array<WorkerStats>> = []
  const othersOneCore: Array<number> = []
  const othersPool: Array<number> = []
  const oneCoreCpus: Array<number> = []
  const loadBefore = round(loadavg()[0]!, 2)
  const rss = rssSampler()
  try {
    // Warm-up: the workers start, their WebAssembly reaches its optimized tier and the pool's
    // buffers reach the batches' size (with one pass, the first timed sample of each row ran
    // 10–30% below the others).
    for (let k = 0; k < WARM_UP_PASSES; k++) {
      wasmPass()
      await poolPass()
      if (inFlight > 1) await poolPass(1)
    }
    // The row before (its peers' normalized corpus, its models) leaves garbage whose collection
    // would otherwise fall on this row's passes (V8's helper threads took 4–10 ms per pool pass
    // after the peers against 0–3 without them).
    gc()
    rss.reset()
    for (let r = 0; r < o.runs; r++) {
      reference.push(referencePass())
      const m0 = machineBusyMs()
      const q0 = processCpuMs()
      const w0 = threadCpuMs()
      const u0 = performance.now()
      for (let k = 0; k < SAMPLE_PASSES; k++) wasmPass()
      const oneWall = performance.now() - u0
      wasmWall.push(oneWall / SAMPLE_PASSES)
      wasmCpu.push((threadCpuMs() - w0) / SAMPLE_PASSES)
      const cpuNow = currentCpu()
      if (cpuNow !== undefined) oneCoreCpus.push(cpuNow)
      const mOne = machineBusyMs()
      if (m0 !== undefined && mOne !== undefined) othersOneCore.push((mOne - m0 - (processCpuMs() - q0)) / oneWall)

      // One batch at a time, for comparison: before the pool's sample in every other round.
      const single = async () => {
        const t0 = performance.now()
        for (let k = 0; k < SAMPLE_PASSES; k++) await poolPass(1)
        const ms = (performance.now() - t0) / SAMPLE_PASSES
        singleWall.push(ms)
        singleVsOneCore.push(round(oneWall / SAMPLE_PASSES / ms, 2))
      }
      if (inFlight > 1 && r % 2 === 1) await single()
      const m1 = machineBusyMs()
      const s0 = pool.stats()
      const p0 = processCpuMs()
      const c0 = threadCpuMs()
      const t0 = performance.now()
      for (let k = 0; k < SAMPLE_PASSES; k++) await poolPass()
      const wall = performance.now() - t0
      const processMs = processCpuMs() - p0
      poolWall.push(wall / SAMPLE_PASSES)
      poolMain.push((threadCpuMs() - c0) / SAMPLE_PASSES)
      poolProcess.push(processMs / SAMPLE_PASSES)
      const m2 = machineBusyMs()
      if (m1 !== undefined && m2 !== undefined) othersPool.push((m2 - m1 - processMs) / wall)
      poolWorkers.push(pool.stats().map((w, i) => ({
        chunks: (w.chunks - (s0[i]?.chunks ?? 0)) / SAMPLE_PASSES,
        cpuMs: (w.cpuMs - (s0[i]?.cpuMs ?? 0)) / SAMPLE_PASSES,
        engineMs: (w.engineMs - (s0[i]?.engineMs ?? 0)) / SAMPLE_PASSES
      })))
      if (inFlight > 1 && r % 2 === 0) await single()
    }
  } finally {
    rss.stop()
    await pool.close()
  }

  const poolTime: PoolTime = {
    wallMs: round(median(poolWall)),
    mainCpuMs: round(median(poolMain)),
    processCpuMs: round(median(poolProcess)),
    workers: Array.from({ length: pool.workers }, (_, i) => ({
      cpuMs: round(median(poolWorkers.map((p) => p[i]?.cpuMs ?? 0))),
      engineMs: round(median(poolWorkers.map((p) => p[i]?.engineMs ?? 0))),
      chunks: median(poolWorkers.map((p) => p[i]?.chunks ?? 0))
    })),
    loadBefore,
    loadAfter: round(loadavg()[0]!, 2),
    vsOneCore: poolWall.map((ms, r) => round(wasmWall[r]! / ms, 2)),
    ...(othersPool.length === 0 ? {} : { othersCores: round(Math.max(0, median(othersPool)), 2) }),
    ...(othersOneCore.length === 0 ? {} : { othersCoresOneCore: round(Math.max(0, median(othersOneCore)), 2) }),
    ...(oneCoreCpus.length === 0 ? {} : { oneCoreCpus })
  }

  // The peers, on the exact phrases.
  // (The normalized text is made here and dropped after: kept for the whole run, its 200,000
  // strings made every garbage collection during the other figures longer.)
  let peers: PeersRow | undefined
  if (o.peers) peers = await measurePeers(normalizedCorpus(blocks), model, { runs: o.runs, batchBlocks: o.batchBlocks, log: o.log })

  // The naive baseline, capped.
  const naive = naiveMatcher(model)
  let baseBlocks = 0
  let baseBytes = 0
  const t0 = performance.now()
  const cap = o.baselineSeconds * 1000
  while (performance.now() - t0 < cap && baseBlocks < blocks.length) {
    for (let k = 0; k < 50 && baseBlocks < blocks.length; k++, baseBlocks++) {
      const b = blocks[baseBlocks]!
      naive(b.participant, b.text)
      baseBytes += Buffer.byteLength(b.text, "utf8")
    }
  }
  const baseMs = performance.now() - t0

  return {
    phrases,
    topics: model.topics.length,
    words,
    compileMs: round(median(compileTimes)),
    detectorHeapMB,
    topicsPerBlock: round(detections / blocks.length, 2),
    singleWall: throughput(bytes, blocks.length, median(wall)),
    singleCpu: throughput(bytes, blocks.length, median(cpu)),
    singleRunsMBps: wall.map((ms) => sig(bytes / 1e6 / (ms / 1000))),
    wasmWall: throughput(bytes, blocks.length, median(wasmWall)),
    wasmCpu: throughput(bytes, blocks.length, median(wasmCpu)),
    referenceMBps: sig(median(reference)),
    pool: {
      ...throughput(bytes, blocks.length, median(poolWall)),
      workers: pool.workers,
      inFlight,
      ...(singleWall.length === 0 ? {} : { oneAtATime: { wallMs: round(median(singleWall)), vsOneCore: singleVsOneCore } }),
      runsMBps: poolWall.map((ms) => sig(bytes / 1e6 / (ms / 1000))),
      peakRssMB: mb(rss.peak()),
      time: poolTime
    },
    baseline: { ...throughput(baseBytes, baseBlocks, baseMs), blocks: baseBlocks, seconds: round(baseMs / 1000) },
    ...(peers === undefined ? {} : { peers })
  }
}

export const runMatch = async (o: MatchOptions): Promise<MatchResult> => {
  o.log(`match: generating ${o.interactions.toLocaleString("en-US")} seed interactions…`)
  const corpus = seedCorpus(o.interactions)
  o.log(`match: ${corpus.blocks.length.toLocaleString("en-US")} blocks, ${round(corpus.bytes / 1e6)} MB of text`)
  const speedsBefore = cpuSpeeds()
  if (speedsBefore !== undefined) o.log(`match: reference loop pinned to each CPU: ${speedsBefore.join(", ")} MB/s`)
  const batchBlocks = o.batchBlocks ?? Math.round((MaxPageInteractions * corpus.blocks.length) / o.interactions)
  o.log(`match: pool batches of ${batchBlocks.toLocaleString("en-US")} blocks`)
  const rows: Array<MatchRow> = []
  for (const phrases of o.phraseCounts) {
    o.log(`match: ${phrases.toLocaleString("en-US")} phrases…`)
    const row = await measureModel(corpus, phrases, { ...o, batchBlocks })
    const p = row.peers
    const peer = (name: string, f: PeersRow["vectorscan"]) =>
      f.available ? `${name} ${f.mbPerSec} MB/s (agree ${f.agreement.percent}%)` : `${name} skipped`
    o.log(
      `match: ${phrases} phrases: 1 core ${row.singleWall.mbPerSec} MB/s (CPU time ${row.singleCpu.mbPerSec}), ` +
        `1 core WebAssembly ${row.wasmWall?.mbPerSec} MB/s (CPU time ${row.wasmCpu?.mbPerSec}), ` +
        `pool ${row.pool.mbPerSec} MB/s (main thread CPU ${row.pool.time?.mainCpuMs} ms, process ${row.pool.time?.processCpuMs} ms ` +
        `per pass of ${row.pool.time?.wallMs} ms), RegExp ${row.baseline.mbPerSec} MB/s` +
        (p === undefined
          ? ""
          : `; exact subset: Rewind ${p.rewind.mbPerSec} MB/s, ${peer("Vectorscan", p.vectorscan)}, ${peer("modern-ahocorasick", p.modernAhoCorasick)}`)
    )
    rows.push(row)
  }
  const speedsAfter = cpuSpeeds()
  if (speedsAfter !== undefined) o.log(`match: reference loop pinned to each CPU: ${speedsAfter.join(", ")} MB/s`)
  return {
    ...(speedsBefore === undefined || speedsAfter === undefined ? {} : { cpuSpeeds: { before: speedsBefore, after: speedsAfter } }),
    corpus: {
      interactions: o.interactions,
      blocks: corpus.blocks.length,
      mb: round(corpus.bytes / 1e6),
      avgBlockBytes: round(corpus.bytes / corpus.blocks.length)
    },
    runs: o.runs,
    batchBlocks,
    samplePasses: SAMPLE_PASSES,
    rows
  }
}
