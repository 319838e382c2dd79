/**
 * Suite `e2e`: a reprocessing job end to end against the floor of just reading its rows.
 *
 * Phases, each in its own process (its own memory; the embedded engine opens the data
 * directory once per process), on a fresh embedded store in a temporary directory:
 *   1. seed N interactions (≈ 20 blocks each) — bench/e2e/seed.ts
 *   2. bare paged read of the job's rows: pageInScope + loadBlocks over every page — bench/e2e/read.ts
 *   3. the daemon (daemonCoreLayer) against a private nats-server runs one reprocessing job over
 *      the same scope with a 200-topic model — bench/e2e/job.ts
 * Each phase reports wall time, peak RSS (sampled every 25 ms), and CPU time (whole process and
 * main thread: the rest is the engine's and the pool's threads).
 *
 * Phases 2 and 3 run once per variant of Node flags, each on a pristine copy of the seeded store:
 * by default as `rewind daemon` runs (no flags) and with a bounded V8 heap
 * (`--max-old-space-size=256 --max-semi-space-size=4`), since V8's lazily collected heap is a
 * good part of the daemon's peak RSS.
 */
import { spawn } from "node:child_process"
import { cpSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { startNatsServer } from "../src/nats/localServer.ts"
import { MaxPageInteractions } from "../src/domain/job.ts"
import type { MemoryAtPeak } from "./lib.ts"

export interface E2eOptions {
  readonly count: number
  readonly pageSize: number
  readonly keep: boolean
  /** Reuse this already seeded data directory (skips seeding; kept). */
  readonly data?: string | undefined
  /** Development: run the job phase only (default variant) and print it (nothing recorded). */
  readonly skipRead?: boolean
  /** Node flags of each variant's read and job processes (one variant per entry). */
  readonly variants: ReadonlyArray<ReadonlyArray<string>>
  readonly log: (s: string) => void
}

export interface PhaseFigures {
  readonly seconds: number
  readonly peakRssMB: number
  readonly atPeak?: MemoryAtPeak
  readonly cpuSeconds: number
  readonly mainThreadCpuSeconds: number
  readonly coresBusy: number
  /** Seconds with at least one store read in flight (absent in results written before it was measured). */
  readonly readBusySeconds?: number
  readonly series?: ReadonlyArray<{ s: number; rssMB: number; heapUsedMB: number }>
  /** Job: when every interaction was processed (the pipeline done), and the peak RSS until then. */
  readonly marked?: { readonly seconds: number; readonly peakRssMB: number }
}

export interface JobFigures extends PhaseFigures {
  readonly status: string
  readonly error?: string
  readonly total: number
  readonly processed: number
  readonly updated: number
  readonly unchanged: number
  readonly failed: number
  readonly topics: number
  readonly phrases: number
  readonly interactionsPerSec: number
  readonly stages: Record<string, { seconds: number; count: number }>
  readonly inserts: Record<string, { seconds: number; count: number }>
}

export interface ReadFigures extends PhaseFigures {
  readonly interactions: number
  readonly blocks: number
  readonly chars: number
  readonly pages: number
}

export interface E2eVariant {
  /** Node flags of the read and job processes ([] = as `rewind daemon` runs by default). */
  readonly nodeFlags: ReadonlyArray<string>
  readonly read: ReadFigures
  readonly job: JobFigures
  /** Job wall time / bare read wall time (target ≤ 3). */
  readonly ratio: number
}

export interface E2eResult {
  readonly count: number
  /** The daemon's page size setting … */
  readonly pageSize: number
  /** … and the pages the pipeline (and the bare read) actually use. */
  readonly effectivePageSize: number
  readonly seed: PhaseFigures & { readonly interactions: number; readonly blocks: number }
  /** Each on its own pristine copy of the seeded store: the bare read, then the job. */
  readonly variants: ReadonlyArray<E2eVariant>
}

const phase = <A>(script: string, args: ReadonlyArray<string>, flags: ReadonlyArray<string>, log: (s: string) => void): Promise<A> =>
  new Promise((resolve, reject) => {
    const file = fileURLToPath(new URL(`./e2e/${script}`, import.meta.url))
    const child = spawn(process.execPath, [...flags, file, ...args], { stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    let err = ""
    child.stdout.on("data", (d: Buffer) => void (out += d.toString()))
    child.stderr.on("data", (d: Buffer) => {
      const s = d.toString()
      err = (err + s).slice(-20_000)
      for (const line of s.split("\n")) if (line.startsWith("  ")) log(`${script.replace(".ts", "")}:${line}`)
    })
    child.on("error", reject)
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("@@RESULT "))
      if (code === 0 && line !== undefined) resolve(JSON.parse(line.slice(9)) as A)
      else reject(new Error(`e2e phase ${script} failed (exit ${code}):\n${err}\n${out.slice(-5000)}`))
    })
  })

const flagsText = (flags: ReadonlyArray<string>) => (flags.length === 0 ? "default Node flags" : flags.join(" "))

export const runE2e = async (o: E2eOptions): Promise<E2eResult> => {
  const base = o.data ?? mkdtempSync(join(tmpdir(), "rewind-bench-e2e-"))
  const pristine = `${base}.pristine`
  const work = `${base}.work`
  o.log(`e2e: data in ${base}`)
  const nats = await startNatsServer()
  try {
    let seed: E2eResult["seed"]
    if (o.data === undefined) {
      o.log(`e2e: seeding ${o.count.toLocaleString("en-US")} interactions…`)
      seed = await phase<E2eResult["seed"]>("seed.ts", [base, String(o.count)], [], o.log)
      o.log(`e2e: seeded ${seed.interactions} interactions, ${seed.blocks} blocks in ${seed.seconds} s (peak RSS ${seed.peakRssMB} MB)`)
    } else {
      seed = { interactions: o.count, blocks: NaN, seconds: NaN, peakRssMB: NaN, cpuSeconds: NaN, mainThreadCpuSeconds: NaN, coresBusy: NaN }
    }
    // Every variant starts from the same freshly seeded store (a job changes the topics).
    rmSync(pristine, { recursive: true, force: true })
    cpSync(base, pristine, { recursive: true })
    const fresh = () => {
      rmSync(work, { recursive: true, force: true })
      cpSync(pristine, work, { recursive: true })
      return work
    }
    const runJob = async (dir: string, flags: ReadonlyArray<string>) => {
      o.log(`e2e: reprocessing job through the daemon (${flagsText(flags)})…`)
      const job = await phase<JobFigures>("job.ts", [dir, String(o.count), String(o.pageSize), nats.url], flags, o.log)
      o.log(`e2e: job ${job.status}: ${job.processed} interactions in ${job.seconds} s (peak RSS ${job.peakRssMB} MB, ${job.coresBusy} cores busy)`)
      return job
    }
    if (o.skipRead === true) {
      const job = await runJob(fresh(), o.variants[0] ?? [])
      o.log(JSON.stringify(job))
      throw new Error("--job-only: job only (not recorded)")
    }
    const variants: Array<E2eVariant> = []
    for (const flags of o.variants) {
      const dir = fresh()
      o.log(`e2e: bare paged read (${flagsText(flags)})…`)
      const read = await phase<ReadFigures>("read.ts", [dir, String(o.count), String(o.pageSize)], flags, o.log)
      o.log(`e2e: read ${read.interactions} interactions, ${read.blocks} blocks in ${read.seconds} s (peak RSS ${read.peakRssMB} MB)`)
      const job = await runJob(dir, flags)
      variants.push({ nodeFlags: flags, read, job, ratio: Math.round((job.seconds / read.seconds) * 100) / 100 })
    }
    return { count: o.count, pageSize: o.pageSize, effectivePageSize: Math.min(o.pageSize, MaxPageInteractions), seed, variants }
  } finally {
    await nats.stop()
    rmSync(work, { recursive: true, force: true })
    rmSync(pristine, { recursive: true, force: true })
    if (!o.keep && o.data === undefined) rmSync(base, { recursive: true, force: true })
  }
}
