/**
 * Topic detection for whole batches in WebAssembly (src/topics/wasm/engine.c): the compiled
 * detector's tables are copied once into the module's memory; a batch (the blocks' texts back to
 * back in a few strings, as the pool sends them) is copied in as UTF-16 code units with one
 * native call per string, and one call into the module detects every block. No per-block
 * JavaScript work, no `charCodeAt` dispatch per character.
 *
 * The answer is exactly the JavaScript engine's (`DetectorCore.topicIndexes`): same topics, same
 * order — the module runs the same algorithm over the same tables (a few laid out anew for it:
 * `resolvedTransitions` in src/topics/wasmTransitions.ts, per-word data), and asks the JavaScript normalizer
 * (src/topics/normalize.ts) for the rare code units its table does not hold yet.
 * A block whose phrase words overflow the module's scan buffer is answered by the JavaScript
 * engine (same result).
 *
 * `batchEngine(core)` returns the WebAssembly engine, or the JavaScript loop where WebAssembly is
 * unavailable (or `kind` "js" is asked for: benchmarks compare the two).
 */
import { readFileSync } from "node:fs"
import type { CompiledTables, DetectorCore } from "./detector.ts"
import type { Matcher } from "./matcher.ts"
import { astralSequence, computeEntry, SEQUENCES, TABLE, UNKNOWN } from "./normalize.ts"
import { resolvedTransitions, setBit } from "./wasmTransitions.ts"

/** Topics of each block of a batch: block k's topic indexes are `topics[offsets[k] .. offsets[k + 1])`. */
export interface BatchResult {
  readonly offsets: Int32Array<ArrayBuffer>
  readonly topics: Int32Array<ArrayBuffer>
}

export interface BatchEngine {
  readonly kind: "wasm" | "js"
  /** Blocks the WebAssembly engine handed to the JavaScript one (their words overflowed its buffer). */
  readonly fallbackBlocks: number
  /**
   * The blocks' texts given as UTF-16 code units: block k is `units[starts[k] .. starts[k + 1] - 1)`,
   * one separator unit after each (a chunk as the pool writes it: src/topics/unitChunks.ts' `UnitChunk`),
   * spoken by `participants[k]` (0 external, 1 internal). With `views`, the answer may be views of
   * the engine's memory, valid until its next call (the pool's workers copy them out at once).
   */
  detectUnits(units: Uint16Array, starts: Int32Array, participants: Uint8Array, views?: boolean): BatchResult
}

/** Code units as a string (the JavaScript engine, and blocks the WebAssembly engine hands over). */
const unitsToString = (units: Uint16Array, from: number, to: number): string =>
  Buffer.from(units.buffer, units.byteOffset + from * 2, (to - from) * 2).toString("utf16le")

/** The JavaScript engine, block by block. */
export const jsBatchEngine = (core: DetectorCore): BatchEngine => {
  const detectText = (text: string, starts: Int32Array, participants: Uint8Array): BatchResult => {
    const n = participants.length
    const offsets = new Int32Array(n + 1)
    let topics = new Int32Array(Math.max(64, n))
    let used = 0
    const found = core.found
    for (let k = 0; k < n; k++) {
      const count = core.topicIndexes(text, starts[k]!, starts[k + 1]! - 1, participants[k] === 0 ? "external" : "internal")
      if (used + count > topics.length) {
        const next = new Int32Array(Math.max(used + count, topics.length * 2))
        next.set(topics.subarray(0, used))
        topics = next
      }
      for (let x = 0; x < count; x++) topics[used++] = found[x]!
      offsets[k + 1] = used
    }
    return { offsets, topics: topics.slice(0, used) }
  }
  return {
    kind: "js",
    fallbackBlocks: 0,
    detectUnits: (units, starts, participants) =>
      detectText(unitsToString(units, 0, starts[participants.length]!), starts, participants)
  }
}

// The little of the WebAssembly JavaScript API used here (the project's type libraries omit it).
interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object
  readonly Instance: new (module: object, imports: object) => { readonly exports: unknown }
}
const WebAssemblyApi = (globalThis as unknown as { readonly WebAssembly?: WasmApi }).WebAssembly

let compiled: object | null | undefined

/** The engine's module, compiled once per thread (null: WebAssembly unavailable). */
const engineModule = (): object | null => {
  if (compiled === undefined) {
    try {
      compiled = WebAssemblyApi === undefined ? null : new WebAssemblyApi.Module(readFileSync(new URL("./wasm/engine.wasm", import.meta.url)))
    } catch {
      compiled = null
    }
  }
  return compiled
}

/** The WebAssembly engine where available (unless "js" is asked for), else the JavaScript one. */
export const batchEngine = (core: DetectorCore, kind: BatchEngine["kind"] = "wasm"): BatchEngine =>
  (kind === "wasm" ? wasmBatchEngine(core) : undefined) ?? jsBatchEngine(core)

/** Room for a normalized sequence (the longest NFKD expansion, U+FDFA, has 18 code units). */
const SEQ_CAP = 64
const PAGE = 65536

const code6 = (u: number): number => (u >= 48 && u <= 57 ? u - 47 : u >= 97 && u <= 122 ? u - 86 : 0)
/** A table entry as the module keeps it: (normalized unit << 8 | 6-bit code), or the negative entry. */
const packed = (e: number): number => (e >= 0 ? (e << 8) | code6(e) : e)

interface Exports {
  readonly memory: WasmMemory
  init(header: number): void
  setScan(cap: number): void
  status(): number
  detect(text: number, starts: number, participants: number, n: number, offsets: number, topics: number, topicsCap: number, k0: number): number
  heapBase(): number
}

/** The WebAssembly engine for `core`'s model, or undefined if WebAssembly is unavailable. */
export const wasmBatchEngine = (core: DetectorCore): BatchEngine | undefined => {
  const module = engineModule()
  if (module === null || WebAssemblyApi === undefined) return undefined
  const i32 = () => new Int32Array(memory.buffer)
  const instance = new WebAssemblyApi.Instance(module, {
    env: {
      entry: (c: number): number => {
        const e = TABLE[c]!
        return packed(e === UNKNOWN ? computeEntry(c) : e)
      },
      sequence: (codePoint: number, out: number): number => {
        let seq = codePoint < 0x10000 ? SEQUENCES.get(codePoint) : astralSequence(codePoint)
        if (seq === undefined) {
          computeEntry(codePoint)
          seq = SEQUENCES.get(codePoint)!
        }
        if (seq.length > SEQ_CAP) throw new Error(`normalized sequence of U+${codePoint.toString(16)} longer than ${SEQ_CAP}`)
        i32().set(seq, out >> 2)
        return seq.length
      }
    }
  })
  const ex = instance.exports as unknown as Exports
  const memory = ex.memory

  let top = ex.heapBase()
  const ensure = (end: number) => {
    const have = memory.buffer.byteLength
    if (end > have) memory.grow(Math.ceil((end - have) / PAGE))
  }
  const alloc = (bytes: number, align = 8): number => {
    const at = (top + align - 1) & -align
    top = at + bytes
    ensure(top)
    return at
  }
  const place = (a: Int32Array | Uint16Array | Int8Array, align = 8): number => {
    const at = alloc(Math.max(8, a.byteLength), align)
    new Uint8Array(memory.buffer, at, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    return at
  }

  /** The module's table of short ASCII words (24-byte slots; it fills them in): pointer, bits. */
  const fastTable = (words: number): [number, number] => {
    let bits = 4
    while (1 << bits < words * 2) bits++
    const slots = new Int32Array((1 << bits) * 6)
    for (let k = 4; k < slots.length; k += 6) slots[k] = -1
    return [place(slots), bits]
  }

  const t: CompiledTables = core.tables
  const v = t.vocabulary
  const table = new Int32Array(0x10000)
  for (let c = 0; c < 0x10000; c++) table[c] = packed(TABLE[c]!)
  let curSize = 1
  while (curSize < v.maxLength + 1) curSize *= 2
  const header: Array<number> = [
    place(table),
    place(v.aSlots), v.aMask,
    place(v.gIds), place(v.gHashes), v.gMask,
    place(v.chars), place(v.starts),
    v.maxLength, v.lengthBits,
    alloc(curSize * 2), curSize - 1,
    alloc(SEQ_CAP * 4),
    alloc(Math.max(1, t.topicCount) * 4), t.topicCount,
    ...fastTable(v.starts.length - 1), v.starts.length - 1
  ]
  const matcherHeader = (m: Matcher): Array<number> => {
    const wordStart = new Int32Array(m.gapped.length + 1)
    const topicStart = new Int32Array(m.gapped.length + 1)
    for (let p = 0; p < m.gapped.length; p++) {
      wordStart[p + 1] = wordStart[p]! + m.gapped[p]!.words.length
      topicStart[p + 1] = topicStart[p]! + m.gapped[p]!.topics.length
    }
    const words = new Int32Array(wordStart[m.gapped.length]!)
    const topics = new Int32Array(topicStart[m.gapped.length]!)
    for (let p = 0; p < m.gapped.length; p++) {
      words.set(m.gapped[p]!.words, wordStart[p]!)
      topics.set(m.gapped[p]!.topics, topicStart[p]!)
    }
    const { sig, next, edges, edgeMask } = resolvedTransitions(m)
    // Per word (32 bytes, the table 64-byte aligned: a record never straddles two cache lines):
    // root transition, largest gap, a 128-bit signature of gapped second words, padding.
    const wordInfo = new Int32Array(m.rootNext.length * 8)
    for (let w = 0; w < m.rootNext.length; w++) {
      wordInfo[w * 8] = m.rootNext[w]!
      wordInfo[w * 8 + 1] = m.gMaxGap[w]!
    }
    for (const g of m.gapped) {
      const second = g.words[1]!
      setBit(wordInfo, g.words[0]! * 8 + 2, second & 127)
    }
    return [
      m.empty ? 1 : 0, m.topicCount,
      place(sig), place(next), place(m.nodeTopicStart), place(m.nodeTopics), place(edges), edgeMask,
      place(wordInfo, 64),
      place(m.pairFirst), place(m.pairSecond), place(m.pairStart), place(m.pairEnd), m.pairMask,
      place(m.gByPair),
      place(wordStart), place(words), place(Int32Array.from(m.gapped, (g) => g.gap)), place(topicStart), place(topics)
    ]
  }
  header.push(...matcherHeader(t.external), ...matcherHeader(t.internal))
  ex.init(place(Int32Array.from(header)))
  const batchBase = top

  let fallbackBlocks = 0
  /** Detect a batch of `n` blocks given as code units (see `BatchEngine.detectUnits`). */
  const detectUnits = (units: Uint16Array, starts: Int32Array, participants: Uint8Array, views = false): BatchResult => {
    const n = participants.length
    if (n === 0) return { offsets: new Int32Array(1), topics: new Int32Array(0) }
    let longest = 0
    for (let k = 0; k < n; k++) longest = Math.max(longest, starts[k + 1]! - starts[k]!)
    const scanCap = (longest >> 1) + 2
    top = batchBase
    const length = starts[n]!
    const textAt = alloc(length * 2 + 192) // the scan loads up to 80 units past a position inside the text
    const startsAt = alloc((n + 1) * 4)
    const partsAt = alloc(n)
    const offsetsAt = alloc((n + 1) * 4)
    let cap = Math.max(1024, n * 2)
    const topicsAt = alloc(cap * 4)
    // Buffer's copy is a plain memmove; a typed array's `set` from a SharedArrayBuffer (the pool's
    // chunks) copies word by word, ≈ 2.5× slower (measured: 1.6 against 0.6 ms per pass of 18 MB).
    Buffer.from(units.buffer, units.byteOffset, length * 2).copy(Buffer.from(memory.buffer, textAt, length * 2))
    new Int32Array(memory.buffer, startsAt, n + 1).set(starts)
    new Uint8Array(memory.buffer, partsAt, n).set(participants)
    new Int32Array(memory.buffer, offsetsAt, 1)[0] = 0
    ex.setScan(scanCap)
    let k = 0
    while (k < n) {
      k = ex.detect(textAt, startsAt, partsAt, n, offsetsAt, topicsAt, cap, k)
      if (k === n) break
      const offsets = new Int32Array(memory.buffer, offsetsAt, n + 1)
      if (ex.status() === 2) {
        // The scan buffer is full: this block goes to the JavaScript engine (same answer).
        const text = unitsToString(units, starts[k]!, starts[k + 1]! - 1)
        const count = core.topicIndexes(text, 0, text.length, participants[k] === 0 ? "external" : "internal")
        const used = offsets[k]!
        if (used + count > cap) {
          ensure(topicsAt + (used + count) * 4)
          cap = used + count
        }
        new Int32Array(memory.buffer, topicsAt, cap).set(core.found.subarray(0, count), used)
        new Int32Array(memory.buffer, offsetsAt, n + 1)[k + 1] = used + count
        fallbackBlocks++
        k++
      } else {
        // The topics output is full: it is the last region, so it grows in place.
        cap *= 2
        ensure(topicsAt + cap * 4)
      }
    }
    const offsets = new Int32Array(memory.buffer, offsetsAt, n + 1)
    const topics = new Int32Array(memory.buffer, topicsAt, offsets[n]!)
    return views ? { offsets, topics } : { offsets: offsets.slice(), topics: topics.slice() }
  }

  return {
    kind: "wasm",
    get fallbackBlocks() {
      return fallbackBlocks
    },
    detectUnits
  }
}
