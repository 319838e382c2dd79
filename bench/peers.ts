/**
 * Peers of Rewind's topic matcher in the `match` suite: Vectorscan (Hyperscan's portable fork,
 * Debian's libvectorscan-dev, through the C harness bench/peers/vectorscan.c built here with the
 * machine's cc) and `modern-ahocorasick` (npm, a devDependency). Measurement only: Rewind depends
 * on neither.
 *
 * What they share with Rewind: exact whole-word phrases. The comparison runs on that subset of
 * each row's model: phrases of one word, or whose strictness allows no gap (none, or "90").
 * Gapped phrases (two or more words, a strictness allowing 1–5 words between) are left out: a
 * literal matcher has no such notion, and a regex per phrase (`a(?: \S+){0,G} b`) would match
 * any way through the words, not Rewind's greedy earliest-word rule, so the answers would differ
 * by design. Topics left with no phrase are dropped.
 *
 * Input: every engine gets the same, already normalized text: each block's words as
 * `normalizeWords` makes them (case folded, accents and apostrophes dropped, anything but letters
 * and digits a separator), joined by single spaces. Rewind normalizes again as it scans (a no-op
 * on such text, but its scan does the work); the peers match bytes or code units as given.
 * A phrase is its normalized words joined by spaces, with a space before and after, and a block
 * is given a space before and after: so a literal match is a whole-word match, and no filtering
 * after the automaton is needed (nor possible to get wrong). MB/s counts the UTF-8 bytes of the
 * normalized blocks (without those added spaces), the same figure for all three.
 *
 * Timed: the scan only (compiling, writing files and starting the harness are not; compile time
 * is reported on its own). Rewind: its WebAssembly engine (`detectUnits`, what a pool worker
 * runs) over chunks cut beforehand as the pool cuts them; copying them into the module and its
 * topic answer count. Vectorscan: one `hs_scan` over all blocks back to back (each ended by a
 * newline), recording (block, phrase) in its callback; timed inside the harness. modern-
 * ahocorasick: `iterate` per block, recording (block, phrase). Passes of the three interleave.
 *
 * Agreement: per block, the set of topics each finds (a peer's phrases mapped to their topics,
 * keeping a topic only where it listens to the block's participant), compared as sets.
 */
import { spawn, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import AhoCorasick from "modern-ahocorasick"
import type { Block, Participant } from "../src/domain/interaction.ts"
import { phrasesOf, type Topic, type TopicModel } from "../src/domain/topicModel.ts"
import { compileDetector, detectorCore } from "../src/topics/detector.ts"
import { normalizeWords } from "../src/topics/normalize.ts"
import { DEFAULT_CHUNK_CHARS } from "../src/topics/pool.ts"
import { toUnitChunks, type UnitChunk } from "../src/topics/unitChunks.ts"
import { maxGapOf } from "../src/topics/strictness.ts"
import { wasmBatchEngine } from "../src/topics/wasmEngine.ts"
import { median, round } from "./lib.ts"

/** Each block's normalized words joined by single spaces, and their UTF-8 bytes. */
export interface NormalizedCorpus {
  readonly blocks: ReadonlyArray<Pick<Block, "participant" | "text">>
  readonly bytes: number
}

export const normalizedCorpus = (blocks: ReadonlyArray<Pick<Block, "participant" | "text">>): NormalizedCorpus => {
  let bytes = 0
  const out = blocks.map((b) => {
    const text = normalizeWords(b.text).join(" ")
    bytes += Buffer.byteLength(text, "utf8")
    return { participant: b.participant, text }
  })
  return { blocks: out, bytes }
}

/** A phrase is exact when a literal matcher can find it: one word, or no gap allowed between its words. */
const isExact = (p: { readonly text: string; readonly strictness?: Topic["strictness"] }): boolean =>
  normalizeWords(p.text).length === 1 || maxGapOf(p.strictness) === 0

/** `model` with its exact phrases only (topics left with none are dropped); and how many phrases each way. */
export const exactSubset = (model: TopicModel): { readonly model: TopicModel; readonly exact: number; readonly gapped: number } => {
  let exact = 0
  let gapped = 0
  const topics: Array<Topic> = []
  for (const t of model.topics) {
    const kept = phrasesOf(t).filter((p) => {
      if (normalizeWords(p.text).length === 0) return false
      const ok = isExact(p)
      if (ok) exact++
      else gapped++
      return ok
    })
    if (kept.length > 0) topics.push({ ...t, phrases: kept })
  }
  return { model: { programs: [], topics }, exact, gapped }
}

/** The distinct literals of a model's phrases (" w1 w2 ") and, per literal, the topics with their participants. */
const literals = (model: TopicModel) => {
  const byLiteral = new Map<string, Array<{ readonly topic: string; readonly participants: Topic["participants"] }>>()
  for (const t of model.topics) {
    for (const p of phrasesOf(t)) {
      const lit = ` ${normalizeWords(p.text).join(" ")} `
      const list = byLiteral.get(lit) ?? []
      if (!list.some((x) => x.topic === t.id)) list.push({ topic: t.id, participants: t.participants })
      byLiteral.set(lit, list)
    }
  }
  const patterns = [...byLiteral.keys()]
  return { patterns, topicsOf: patterns.map((p) => byLiteral.get(p)!) }
}

/** Per block, the topics of the (block, pattern) matches in `pairs`, where their topic listens to the block's participant. */
const topicsFromMatches = (
  blocks: ReadonlyArray<{ readonly participant: Participant }>,
  topicsOf: ReadonlyArray<ReadonlyArray<{ readonly topic: string; readonly participants: Topic["participants"] }>>,
  pairs: Int32Array
): Array<Set<string>> => {
  const out = blocks.map(() => new Set<string>())
  for (let k = 0; k < pairs.length; k += 2) {
    const block = pairs[k]!
    const who = blocks[block]!.participant
    for (const t of topicsOf[pairs[k + 1]!]!) if (t.participants === "all" || t.participants === who) out[block]!.add(t.topic)
  }
  return out
}

export interface Disagreement {
  readonly block: number
  readonly text: string
  readonly participant: Participant
  /** Topics Rewind found and the peer did not, and the other way round. */
  readonly onlyRewind: ReadonlyArray<string>
  readonly onlyPeer: ReadonlyArray<string>
}

export interface Agreement {
  readonly blocks: number
  /** Blocks where the peer's topics are exactly Rewind's. */
  readonly agree: number
  readonly percent: number
  /** Blocks where Rewind or the peer found a topic. */
  readonly blocksWithTopics: number
  /** Topics found over all blocks: by Rewind, by the peer. */
  readonly rewindTopics: number
  readonly peerTopics: number
  /** The first few disagreements, to look at. */
  readonly examples: ReadonlyArray<Disagreement>
}

const agreement = (blocks: ReadonlyArray<Pick<Block, "participant" | "text">>, rewind: ReadonlyArray<ReadonlySet<string>>, peer: ReadonlyArray<ReadonlySet<string>>): Agreement => {
  let agree = 0
  let withTopics = 0
  let rewindTopics = 0
  let peerTopics = 0
  const examples: Array<Disagreement> = []
  for (let k = 0; k < blocks.length; k++) {
    const a = rewind[k]!
    const b = peer[k]!
    rewindTopics += a.size
    peerTopics += b.size
    if (a.size > 0 || b.size > 0) withTopics++
    const onlyRewind = [...a].filter((t) => !b.has(t))
    const onlyPeer = [...b].filter((t) => !a.has(t))
    if (onlyRewind.length === 0 && onlyPeer.length === 0) agree++
    else if (examples.length < 5) examples.push({ block: k, text: blocks[k]!.text.slice(0, 300), participant: blocks[k]!.participant, onlyRewind, onlyPeer })
  }
  return { blocks: blocks.length, agree, percent: round((100 * agree) / Math.max(1, blocks.length), 3), blocksWithTopics: withTopics, rewindTopics, peerTopics, examples }
}

export interface EngineFigures {
  readonly compileMs: number
  readonly mbPerSec: number
  readonly runsMBps: ReadonlyArray<number>
}

export type PeerFigures =
  | (EngineFigures & {
    readonly available: true
    readonly agreement: Agreement
    /** Vectorscan: its compiled database. */
    readonly databaseMB?: number
  })
  | { readonly available: false; readonly reason: string }

export interface PeersRow {
  /** Phrases in the subset (exact) and left out (gapped). */
  readonly exactPhrases: number
  readonly gappedPhrases: number
  readonly topics: number
  /** Distinct literals the peers match (phrases shared by topics count once). */
  readonly literals: number
  readonly normalizedMB: number
  readonly loadAtStart: number
  readonly rewind: EngineFigures & { readonly topicsPerBlock: number }
  readonly vectorscan: PeerFigures
  readonly modernAhoCorasick: PeerFigures
}

// ---------------------------------------------------------------------------------------------
// The Vectorscan harness: built once per source and compiler, in a cache directory.

const HARNESS_SOURCE = fileURLToPath(new URL("./peers/vectorscan.c", import.meta.url))

const cacheDir = (): string => {
  const nodeModules = fileURLToPath(new URL("../node_modules/", import.meta.url))
  return existsSync(nodeModules) ? join(nodeModules, ".cache", "rewind-bench") : join(tmpdir(), "rewind-bench-cache")
}

const firstLine = (s: string): string => s.split("\n").find((l) => l.trim() !== "")?.trim() ?? ""

/** The harness binary, built if need be; or why it cannot be (no cc, no Vectorscan/Hyperscan headers or library). */
export const vectorscanHarness = (): { readonly binary: string } | { readonly reason: string } => {
  const cc = spawnSync("cc", ["--version"], { encoding: "utf8" })
  if (cc.error !== undefined || cc.status !== 0) return { reason: "no C compiler (cc) on PATH" }
  const pc = spawnSync("pkg-config", ["--cflags", "--libs", "libhs"], { encoding: "utf8" })
  const flags = pc.error === undefined && pc.status === 0 ? pc.stdout.trim().split(/\s+/) : ["-I/usr/include/hs", "-lhs"]
  const source = readFileSync(HARNESS_SOURCE)
  const hash = createHash("sha256").update(source).update(flags.join(" ")).update(firstLine(cc.stdout)).digest("hex").slice(0, 16)
  const dir = cacheDir()
  const binary = join(dir, `vectorscan-${hash}`)
  if (existsSync(binary)) return { binary }
  mkdirSync(dir, { recursive: true })
  const tmp = `${binary}.${process.pid}.tmp`
  const built = spawnSync("cc", ["-O2", "-o", tmp, HARNESS_SOURCE, ...flags], { encoding: "utf8" })
  if (built.error !== undefined || built.status !== 0) {
    rmSync(tmp, { force: true })
    return {
      reason: `cannot build the harness (install libvectorscan-dev or libhyperscan-dev): ${firstLine(built.stderr ?? String(built.error))}`
    }
  }
  renameSync(tmp, binary)
  return { binary }
}

interface Harness {
  readonly compileNs: number
  readonly databaseBytes: number
  readonly scratchBytes: number
  command(line: string): Promise<string>
  close(): Promise<void>
}

const startHarness = async (binary: string, patternsFile: string, textFile: string): Promise<Harness> => {
  const child = spawn(binary, [patternsFile, textFile], { stdio: ["pipe", "pipe", "pipe"] })
  let stderr = ""
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()))
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const next = async (): Promise<string> => {
    const r = await lines.next()
    if (r.done === true) throw new Error(`the Vectorscan harness ended: ${stderr.trim()}`)
    return r.value as string
  }
  const ready = (await next()).split(" ")
  if (ready[0] !== "ready") throw new Error(`the Vectorscan harness said ${ready.join(" ")}`)
  return {
    compileNs: Number(ready[1]),
    databaseBytes: Number(ready[2]),
    scratchBytes: Number(ready[3]),
    command: (line) => {
      child.stdin.write(`${line}\n`)
      return next()
    },
    close: async () => {
      child.stdin.end("quit\n")
      await exited
    }
  }
}

// ---------------------------------------------------------------------------------------------

const mbps = (bytes: number, ms: number): number => Number((bytes / 1e6 / (ms / 1000)).toPrecision(3))

/**
 * Rewind (WebAssembly engine, one thread), Vectorscan and modern-ahocorasick on `model`'s exact
 * phrases over `corpus` (normalized), `runs` interleaved timed passes each (after one untimed).
 */
export const measurePeers = async (
  corpus: NormalizedCorpus,
  fullModel: TopicModel,
  o: { readonly runs: number; readonly batchBlocks: number; readonly log: (s: string) => void }
): Promise<PeersRow> => {
  const { blocks, bytes } = corpus
  const subset = exactSubset(fullModel)
  const model = subset.model
  const { patterns, topicsOf } = literals(model)
  const loadAtStart = round(loadavg()[0]!, 2)

  // Rewind.
  const r0 = performance.now()
  const detector = compileDetector(model)
  const core = detectorCore(detector)!
  const engine = wasmBatchEngine(core)
  if (engine === undefined) throw new Error("WebAssembly is unavailable")
  const rewindCompileMs = performance.now() - r0
  const chunks: Array<UnitChunk> = []
  for (let k = 0; k < blocks.length; k += o.batchBlocks) chunks.push(...toUnitChunks(blocks.slice(k, k + o.batchBlocks), DEFAULT_CHUNK_CHARS).map((c) => ({ ...c, begin: c.begin + k })))
  let rewindAnswers: Array<ReadonlySet<string>> = []
  let rewindTopics = 0
  const rewindPass = (): number => {
    const answers: Array<{ begin: number; offsets: Int32Array; topics: Int32Array }> = []
    const t0 = performance.now()
    for (const c of chunks) answers.push({ begin: c.begin, ...engine.detectUnits(c.units, c.starts, c.participants) })
    const ms = performance.now() - t0
    rewindAnswers = new Array(blocks.length)
    rewindTopics = 0
    for (const a of answers) {
      for (let k = 0; k + 1 < a.offsets.length; k++) {
        rewindAnswers[a.begin + k] = new Set(Array.from(a.topics.subarray(a.offsets[k]!, a.offsets[k + 1]!), (t) => core.topicIdOf[t]!))
        rewindTopics += a.offsets[k + 1]! - a.offsets[k]!
      }
    }
    return ms
  }

  // modern-ahocorasick: the same literals over each block with a space before and after.
  const a0 = performance.now()
  const ac = new AhoCorasick(patterns)
  const acCompileMs = performance.now() - a0
  const padded = blocks.map((b) => ` ${b.text} `)
  let acPairs = new Int32Array(0)
  const acPass = (): number => {
    let pairs = new Int32Array(1 << 16)
    let used = 0
    const t0 = performance.now()
    for (let k = 0; k < padded.length; k++) {
      for (const m of ac.iterate(padded[k]!)) {
        if (used + 2 > pairs.length) {
          const more = new Int32Array(pairs.length * 2)
          more.set(pairs)
          pairs = more
        }
        pairs[used++] = k
        pairs[used++] = m.patternIndex
      }
    }
    const ms = performance.now() - t0
    acPairs = pairs.subarray(0, used)
    return ms
  }

  // Vectorscan: the same literals, the blocks back to back in a file.
  const built = vectorscanHarness()
  let harness: Harness | undefined
  let vsSkip: string | undefined
  const dir = mkdtempSync(join(tmpdir(), "rewind-peers-"))
  try {
    if ("reason" in built) vsSkip = built.reason
    else {
      writeFileSync(join(dir, "patterns.txt"), patterns.map((p) => `${p}\n`).join(""))
      writeFileSync(join(dir, "text.txt"), padded.map((t) => `${t}\n`).join(""))
      try {
        harness = await startHarness(built.binary, join(dir, "patterns.txt"), join(dir, "text.txt"))
      } catch (e) {
        vsSkip = e instanceof Error ? e.message : String(e)
      }
    }
    if (vsSkip !== undefined) o.log(`match: peers: Vectorscan skipped: ${vsSkip}`)
    const vsPass = async (): Promise<number> => {
      const [word, wallNs] = (await harness!.command("scan")).split(" ")
      if (word !== "scan") throw new Error(`the Vectorscan harness said ${word}`)
      return Number(wallNs) / 1e6
    }

    // Untimed pass of each (JIT, caches), then interleaved timed passes.
    rewindPass()
    acPass()
    if (harness !== undefined) await vsPass()
    const times = { rewind: [] as Array<number>, ac: [] as Array<number>, vs: [] as Array<number> }
    for (let r = 0; r < o.runs; r++) {
      times.rewind.push(rewindPass())
      if (harness !== undefined) times.vs.push(await vsPass())
      times.ac.push(acPass())
    }
    const figures = (compileMs: number, ms: ReadonlyArray<number>): EngineFigures => ({
      compileMs: round(compileMs),
      mbPerSec: mbps(bytes, median(ms)),
      runsMBps: ms.map((x) => mbps(bytes, x))
    })

    let vectorscan: PeerFigures
    if (harness === undefined) vectorscan = { available: false, reason: vsSkip ?? "unknown" }
    else {
      const dump = join(dir, "matches.bin")
      if ((await harness.command(`dump ${dump}`)) !== "ok") throw new Error("the Vectorscan harness did not dump its matches")
      const raw = readFileSync(dump)
      const pairs = new Int32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4)
      vectorscan = {
        available: true,
        ...figures(harness.compileNs / 1e6, times.vs),
        databaseMB: round(harness.databaseBytes / 2 ** 20, 2),
        agreement: agreement(blocks, rewindAnswers, topicsFromMatches(blocks, topicsOf, pairs))
      }
    }
    const modernAhoCorasick: PeerFigures = {
      available: true,
      ...figures(acCompileMs, times.ac),
      agreement: agreement(blocks, rewindAnswers, topicsFromMatches(blocks, topicsOf, acPairs))
    }
    return {
      exactPhrases: subset.exact,
      gappedPhrases: subset.gapped,
      topics: model.topics.length,
      literals: patterns.length,
      normalizedMB: round(bytes / 1e6),
      loadAtStart,
      rewind: { ...figures(rewindCompileMs, times.rewind), topicsPerBlock: round(rewindTopics / blocks.length, 2) },
      vectorscan,
      modernAhoCorasick
    }
  } finally {
    await harness?.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
