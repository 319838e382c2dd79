/** Small helpers of the benchmark harness: machine facts, timing, statistics, memory. */
import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { cpus, loadavg, totalmem } from "node:os"
import { availableParallelism } from "node:os"
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"

export interface Machine {
  readonly cpu: string
  readonly cores: number
  readonly ramGB: number
  readonly node: string
  readonly platform: string
  readonly date: string
  /** 1-minute load average when the suite started (the machine is shared: > cores means contention). */
  readonly loadAtStart: number
  /** … and when it ended (set by the harness). */
  readonly loadAtEnd?: number
}

export const machine = (): Machine => ({
  cpu: cpus()[0]?.model ?? "unknown",
  cores: availableParallelism(),
  ramGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  date: new Date().toISOString(),
  loadAtStart: Math.round(loadavg()[0]! * 100) / 100
})

export const median = (xs: ReadonlyArray<number>): number => {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** CPU time of this thread, ms (excludes time other processes took from us). */
export const threadCpuMs = (): number => {
  const u = process.threadCpuUsage()
  return (u.user + u.system) / 1000
}

/** Passes over the bytes per reference figure: ≈ 150 ms, so the CPU clock's steps (4 ms) matter little. */
const REFERENCE_PASSES = 16
let referenceBytes: Uint8Array | undefined
/** The reference's last hash: kept, so the loop's work is observable and cannot be dropped. */
export let referenceSink = 0

const fnv4 = (b: Uint8Array, passes: number): number => {
  let h0 = 0x811c9dc5, h1 = h0, h2 = h0, h3 = h0
  for (let pass = 0; pass < passes; pass++) {
    for (let i = 0; i < b.length; i += 4) {
      h0 = Math.imul(h0 ^ b[i]!, 0x01000193)
      h1 = Math.imul(h1 ^ b[i + 1]!, 0x01000193)
      h2 = Math.imul(h2 ^ b[i + 2]!, 0x01000193)
      h3 = Math.imul(h3 ^ b[i + 3]!, 0x01000193)
    }
  }
  return h0 ^ h1 ^ h2 ^ h3
}

/**
 * One pass of a fixed workload that tells how fast this machine runs at the moment (a shared VM
 * varies by ±30% within an hour): FNV-1a in four interleaved lanes over 8 MiB of fixed
 * pseudo-random bytes, in JavaScript, by this thread's CPU time; MB/s. It never changes, so
 * figures of runs on other days compare through their ratio to it.
 */
export const referencePass = (): number => {
  if (referenceBytes === undefined) {
    referenceBytes = new Uint8Array(8 << 20)
    let x = 2463534242
    for (let i = 0; i < referenceBytes.length; i++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      referenceBytes[i] = x & 255
    }
    fnv4(referenceBytes, 1) // compiled before the first timed pass
  }
  const c0 = threadCpuMs()
  referenceSink = fnv4(referenceBytes, REFERENCE_PASSES)
  return (REFERENCE_PASSES * referenceBytes.length) / 1e3 / (threadCpuMs() - c0)
}

/**
 * CPU time the whole machine spent busy (all processes, all cores; /proc/stat, Linux), ms; undefined
 * where it cannot be read. Less this process' CPU time over the same span: what other tenants took.
 */
export const machineBusyMs = (): number | undefined => {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number)
    // user nice system idle iowait irq softirq steal (guest time is counted in user already)
    const busy = f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!
    return (busy * 1000) / 100 // USER_HZ is 100 on Linux
  } catch {
    return undefined
  }
}

/** The CPU this thread last ran on (/proc/thread-self/stat, Linux), or undefined. */
export const currentCpu = (): number | undefined => {
  try {
    const st = readFileSync("/proc/thread-self/stat", "utf8")
    const n = Number(st.slice(st.lastIndexOf(")") + 2).split(" ")[36])
    return Number.isInteger(n) ? n : undefined
  } catch {
    return undefined
  }
}

/**
 * The reference loop's speed on each CPU (MB/s, median of 5 passes), each in a process pinned to
 * it with `taskset`; undefined where taskset is missing. The vCPUs of a shared VM need not run
 * alike: what one thread does depends on the one it lands on, and a pool has them all.
 */
export const cpuSpeeds = (): Array<number> | undefined => {
  const script = `import { referencePass } from ${JSON.stringify(new URL("./lib.ts", import.meta.url).href)}\n` +
    "referencePass(); const xs = Array.from({ length: 5 }, () => referencePass()).sort((a, b) => a - b); console.log(xs[2])"
  const speeds: Array<number> = []
  for (let cpu = 0; cpu < availableParallelism(); cpu++) {
    const r = spawnSync("taskset", ["-c", String(cpu), process.execPath, "--input-type=module", "-e", script], { encoding: "utf8" })
    const x = Number(r.stdout?.trim())
    if (r.error !== undefined || r.status !== 0 || !Number.isFinite(x)) return undefined
    speeds.push(Math.round(x))
  }
  return speeds
}

/** CPU time of the whole process (all threads), ms. */
export const processCpuMs = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

let gcFn: (() => void) | undefined
/** A full garbage collection (enables --expose-gc on first use). */
export const gc = (): void => {
  if (gcFn === undefined) {
    setFlagsFromString("--expose-gc")
    gcFn = runInNewContext("gc") as () => void
  }
  gcFn()
}

export const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10

export interface MemoryAtPeak {
  readonly rssMB: number
  /** V8 heap of the main thread (worker threads have their own, counted in RSS only). */
  readonly heapUsedMB: number
  readonly heapTotalMB: number
  /** Memory of ArrayBuffers and other objects outside the V8 heap (main thread). */
  readonly externalMB: number
  /** Used MB per V8 heap space (main thread). */
  readonly spaces: Record<string, number>
}

/** Samples the process RSS every `everyMs` (peak since start or the last `reset`). */
export const rssSampler = (everyMs = 50) => {
  let peak = process.memoryUsage.rss()
  let detail: NodeJS.MemoryUsage | undefined
  let spaces: Record<string, number> = {}
  const takeSpaces = () => {
    spaces = {}
    for (const sp of getHeapSpaceStatistics()) if (sp.space_used_size > 2 ** 20) spaces[sp.space_name] = mb(sp.space_used_size)
  }
  let sampled = 0
  const timer = setInterval(() => {
    const r = process.memoryUsage.rss()
    // The full breakdown costs more: only near the peak.
    if (r > peak) {
      peak = r
      if (++sampled % 4 === 1 || detail === undefined || r > detail.rss * 1.02) {
        detail = process.memoryUsage()
        takeSpaces()
      }
    }
  }, everyMs)
  timer.unref()
  return {
    peak: () => Math.max(peak, process.memoryUsage.rss()),
    peakDetail: (): MemoryAtPeak => {
      const d = detail ?? process.memoryUsage()
      return { rssMB: mb(peak), heapUsedMB: mb(d.heapUsed), heapTotalMB: mb(d.heapTotal), externalMB: mb(d.external), spaces }
    },
    reset: () => {
      peak = process.memoryUsage.rss()
      detail = undefined
      spaces = {}
    },
    stop: () => clearInterval(timer)
  }
}

export const round = (x: number, digits = 1): number => {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/** A fixed-width text table. */
export const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string | number>>): string => {
  const cells = [head, ...rows.map((r) => r.map(String))]
  const widths = head.map((_, c) => Math.max(...cells.map((r) => r[c]!.length)))
  const line = (r: ReadonlyArray<string>) => r.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join("  ")
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n")
}

/** A Markdown table. */
export const mdTable = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string | number>>): string =>
  [
    `| ${head.join(" | ")} |`,
    `|${head.map((_, c) => (c === 0 ? "---" : "---:")).join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`)
  ].join("\n")
