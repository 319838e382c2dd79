/**
 * Memory and CPU of another process, from Linux's /proc: the end-to-end benchmark measures the
 * daemons and the ClickHouse server it starts from outside, as an operator would.
 *
 * Peak RSS is the kernel's own high-water mark (`VmHWM` in /proc/<pid>/status), not a sample: it
 * misses no spike. It belongs to the process's current program image: `rewind daemon` replaces
 * itself (execve, same pid) with the Node flags of its heap limits, and the mark starts again
 * there, so read after the daemon is ready it is the real daemon's peak alone.
 */
import { readFileSync } from "node:fs"
import { loadavg } from "node:os"
import { mb } from "../lib.ts"

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ: 100 on Linux everywhere). */
const ticksPerSecond = 100

const statusField = (status: string, field: string): number => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)
  return m === null ? NaN : Number(m[1]) * 1024
}

/** Current and peak resident memory of `pid`, bytes. */
export const memoryOf = (pid: number): { readonly rss: number; readonly peak: number } => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8")
  return { rss: statusField(status, "VmRSS"), peak: statusField(status, "VmHWM") }
}

/** User + system CPU seconds of a process (all its threads) or of one of its threads (`tid`). */
export const cpuSecondsOf = (pid: number, tid?: number): number => {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, "utf8")
  // After the command name (in parentheses, which may hold spaces): state, ppid, … utime is the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond
}

/** The process's command line, as its arguments (shows the Node flags a daemon gave itself). */
export const commandLineOf = (pid: number): ReadonlyArray<string> =>
  readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((a) => a !== "")

export interface ProcessFigures {
  /** What the process is: `daemon d1`, `ClickHouse server`, … */
  readonly name: string
  readonly pid: number
  /** The Node flags the process runs with (daemons: what it gave itself). */
  readonly nodeFlags?: ReadonlyArray<string>
  /** Peak RSS over the measured phase (the kernel's high-water mark since the process started). */
  readonly peakRssMB: number
  /** RSS when the phase started (a daemon ready and idle, the server started). */
  readonly startRssMB: number
  /** Peak RSS when every interaction had been processed (the job's end — usage, export — follows). */
  readonly markedPeakRssMB?: number
  /** CPU seconds of the whole process over the phase, and of its main thread. */
  readonly cpuSeconds: number
  readonly mainThreadCpuSeconds: number
  /** Average busy cores over the phase (CPU seconds / wall seconds). */
  readonly coresBusy: number
  /** RSS every 5 s (seconds since the phase started), with the main thread's V8 heap when known. */
  readonly series: ReadonlyArray<SeriesPoint>
}

export interface SeriesPoint {
  readonly s: number
  readonly rssMB: number
  /** The main thread's V8 heap (used, reserved) and memory outside it (ArrayBuffers, …): a daemon's /metrics. */
  readonly heapUsedMB?: number
  readonly heapTotalMB?: number
  readonly externalMB?: number
  /** The embedded engine's own count of its memory (its MemoryTracking; a daemon's /metrics, embedded store only). */
  readonly engineMB?: number
}

/**
 * Watches a process from now on: `finish()` (before it is stopped) gives its figures. Its peak is
 * its high-water mark since its program started: start watching once it is ready, so the figure
 * is a phase's as long as nothing else ran in it before.
 */
export const watchProcess = (
  name: string,
  pid: number,
  nodeFlags?: ReadonlyArray<string>,
  /** More figures for each 5-s point (a daemon's heap from its /metrics). */
  more?: () => Promise<Omit<SeriesPoint, "s" | "rssMB">>
) => {
  const t0 = performance.now()
  const cpu0 = cpuSecondsOf(pid)
  const main0 = cpuSecondsOf(pid, pid)
  const startRss = memoryOf(pid).rss
  const series: Array<SeriesPoint> = []
  const timer = setInterval(() => {
    try {
      const point = { s: Math.round((performance.now() - t0) / 1000), rssMB: mb(memoryOf(pid).rss) }
      if (more === undefined) series.push(point)
      else void more().then((m) => series.push({ ...point, ...m }), () => series.push(point))
    } catch { /* gone */ }
  }, 5_000)
  timer.unref()
  let markedPeak: number | undefined
  return {
    /** Remember the peak so far (once), e.g. when the pipeline is done. */
    mark: () => {
      markedPeak ??= memoryOf(pid).peak
    },
    finish: (): ProcessFigures => {
      clearInterval(timer)
      const seconds = (performance.now() - t0) / 1000
      const cpu = cpuSecondsOf(pid) - cpu0
      return {
        name,
        pid,
        ...(nodeFlags === undefined ? {} : { nodeFlags }),
        peakRssMB: mb(memoryOf(pid).peak),
        startRssMB: mb(startRss),
        ...(markedPeak === undefined ? {} : { markedPeakRssMB: mb(markedPeak) }),
        cpuSeconds: Math.round(cpu * 100) / 100,
        mainThreadCpuSeconds: Math.round((cpuSecondsOf(pid, pid) - main0) * 100) / 100,
        coresBusy: Math.round((cpu / seconds) * 100) / 100,
        series
      }
    }
  }
}

/** CPU seconds the whole machine spent running anything since boot (all cores; not idle, I/O wait or steal). */
export const machineBusySeconds = (): number => {
  const [user, nice, system, , , irq, softirq] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number)
  return (user! + nice! + system! + irq! + softirq!) / ticksPerSecond
}

/** How busy the machine was over a phase, and how much of it was not the phase's own processes. */
export interface Contention {
  /** 1-minute load average at the phase's start and end (the phase's own processes count in it). */
  readonly loadStart: number
  readonly loadEnd: number
  /** Average cores busy on the whole machine. */
  readonly machineCoresBusy: number
  /** … less the phase's measured processes: other tenants (and this benchmark's orchestrator and nats-server). */
  readonly otherCoresBusy: number
}

/** Starts measuring contention; `finish(ownCpuSeconds)` at the phase's end. */
export const contention = () => {
  const load = () => Math.round(loadavg()[0]! * 100) / 100
  const loadStart = load()
  const busy0 = machineBusySeconds()
  const t0 = performance.now()
  return (ownCpuSeconds: number): Contention => {
    const seconds = (performance.now() - t0) / 1000
    const busy = machineBusySeconds() - busy0
    return {
      loadStart,
      loadEnd: load(),
      machineCoresBusy: Math.round((busy / seconds) * 100) / 100,
      otherCoresBusy: Math.round((Math.max(0, busy - ownCpuSeconds) / seconds) * 100) / 100
    }
  }
}
