/**
 * Suite `e2e`: a reprocessing job end to end, run by `rewind daemon` as a user starts it, on the
 * embedded store and over HTTP against a ClickHouse server, by one daemon and by two sharing the
 * job — against the floor of just reading the job's rows. One run, one seeded data set.
 *
 * Phases, each in processes of their own:
 *   1. seed N interactions (≈ 20 blocks each) into an embedded store — bench/e2e/seed.ts
 *   2. per store (embedded, server), the bare paged read of the job's rows: pageInScope +
 *      loadBlocks over every page — bench/e2e/read.ts, with the daemon's heap flags
 *   3. per variant, one reprocessing job over the same scope with a 200-topic model, published
 *      on a private nats-server and run by `node src/cli/main.ts daemon` (what `npm run daemon`
 *      runs; no Node flags: the daemon sets its own heap limits) —
 *        embedded: one daemon on the embedded store;
 *        http:     one daemon on the ClickHouse server (src/store/localServer.ts) over HTTP;
 *        http-2:   two daemons on that server sharing the job's work items.
 * Every read and job starts from a pristine copy of the seeded data: the ClickHouse server
 * serves the embedded store's own directory (same engine, same files), so all variants read the
 * same bytes. Wall time; peak RSS of every daemon and of the server process (the kernel's
 * high-water mark, /proc/<pid>/status VmHWM) and their CPU time; the job's outcome counts, which
 * must agree across variants; where the job's time went, from each daemon's /metrics.
 */
import { spawn } from "node:child_process"
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, Layer, ManagedRuntime, Option, References } from "effect"
import { publishCommand } from "../src/client/natsClient.ts"
import { natsLayer } from "../src/daemon/main.ts"
import type { Job } from "../src/domain/job.ts"
import { MaxPageInteractions } from "../src/domain/job.ts"
import { startNatsServer } from "../src/nats/localServer.ts"
import type { Nats } from "../src/nats/Nats.ts"
import { JobRepo } from "../src/repos/JobRepo.ts"
import { ModelRepo } from "../src/repos/ModelRepo.ts"
import { WorkItemRepo } from "../src/repos/WorkItemRepo.ts"
import { type ClickHouseServerHandle, startClickHouseServer } from "../src/store/localServer.ts"
import { e2eModel, e2eScope } from "./e2e/common.ts"
import { type DaemonProcess, promSums, startDaemonProcess } from "./e2e/daemons.ts"
import { type Contention, contention, type ProcessFigures, watchProcess } from "./e2e/procfs.ts"
import { type MemoryAtPeak, mb } from "./lib.ts"

/** The job's variants: which store, how many daemons. */
export const jobVariants = {
  embedded: { store: "embedded", daemons: 1, label: "1 daemon, embedded store" },
  http: { store: "server", daemons: 1, label: "1 daemon, ClickHouse server over HTTP" },
  "http-2": { store: "server", daemons: 2, label: "2 daemons, ClickHouse server over HTTP" }
} as const
export type JobVariant = keyof typeof jobVariants
export type StoreKind = "embedded" | "server"

export interface E2eOptions {
  readonly count: number
  readonly pageSize: number
  readonly keep: boolean
  /** Reuse this already seeded data directory (skips seeding; kept). */
  readonly data?: string | undefined
  /** Skip the bare reads (development). */
  readonly skipRead?: boolean
  /** The job variants to run, in order. */
  readonly variants: ReadonlyArray<JobVariant>
  /** Node flags of the daemons ([]: none, as a user starts them: the daemon sets its own heap limits). */
  readonly daemonFlags: ReadonlyArray<string>
  /** Node flags of the bare reads (by default the daemon's own heap flags, so read and job compare alike). */
  readonly readFlags: ReadonlyArray<string>
  readonly log: (s: string) => void
}

/** A phase measured from inside its own process (seed, bare read). */
export interface PhaseFigures {
  readonly seconds: number
  readonly peakRssMB: number
  readonly atPeak?: MemoryAtPeak
  readonly cpuSeconds: number
  readonly mainThreadCpuSeconds: number
  readonly coresBusy: number
  /** Seconds with at least one store read in flight. */
  readonly readBusySeconds?: number
  readonly series?: ReadonlyArray<{ s: number; rssMB: number; heapUsedMB: number }>
}

export interface ReadFigures extends PhaseFigures {
  readonly store: StoreKind
  readonly nodeFlags: ReadonlyArray<string>
  readonly interactions: number
  readonly blocks: number
  readonly chars: number
  readonly pages: number
  /** The ClickHouse server while it served the read. */
  readonly server?: ProcessFigures
  /** The machine meanwhile (the read's process and the server are its own). */
  readonly contention: Contention
}

/** What a job ended with: equal across variants when they did the same work. */
export interface JobOutcome {
  readonly status: string
  readonly total: number
  readonly processed: number
  readonly updated: number
  readonly unchanged: number
  readonly failed: number
}

export interface JobRun extends JobOutcome {
  readonly variant: JobVariant
  readonly store: StoreKind
  readonly daemons: number
  readonly error?: string
  /** From the command's publication to the job's completion. */
  readonly seconds: number
  readonly interactionsPerSec: number
  /** When every interaction had been processed (the rest is the job's end: usage, export). */
  readonly markedSeconds?: number
  readonly topics: number
  readonly phrases: number
  /** Each daemon, then the ClickHouse server (server variants). */
  readonly processes: ReadonlyArray<ProcessFigures>
  /** The job's work items, and how many each daemon ran. */
  readonly workItems: { readonly count: number; readonly byDaemon: Record<string, number> }
  /** Stage and insert time summed over pages and daemons (stages overlap), from /metrics. */
  readonly stages: Record<string, { seconds: number; count: number }>
  readonly inserts: Record<string, { seconds: number; count: number }>
  /** Seconds with a store read in flight, summed over the daemons. */
  readonly readBusySeconds: number
  /** Job wall time / bare read wall time on the same store (target ≤ 3). */
  readonly ratio?: number
  /** The machine meanwhile (the daemons and the server are the job's own). */
  readonly contention: Contention
}

export interface E2eResult {
  readonly count: number
  /** The daemon's page size setting … */
  readonly pageSize: number
  /** … and the pages the pipeline (and the bare read) actually use. */
  readonly effectivePageSize: number
  readonly seed: PhaseFigures & { readonly interactions: number; readonly blocks: number }
  readonly reads: ReadonlyArray<ReadFigures>
  readonly jobs: ReadonlyArray<JobRun>
  /** Whether every job ended with the same status and counts. */
  readonly outcomesAgree: boolean
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const round2 = (x: number) => Math.round(x * 100) / 100
const fmt = (n: number) => n.toLocaleString("en-US")

export const outcomeOf = (j: JobOutcome): JobOutcome =>
  ({ status: j.status, total: j.total, processed: j.processed, updated: j.updated, unchanged: j.unchanged, failed: j.failed })

const quiet = Layer.succeed(References.MinimumLogLevel, "Error")

/** Stage (or insert) seconds and counts from the daemons' histograms, by `label`. */
const histogramSums = (texts: ReadonlyArray<string>, metric: string, label: string) => {
  const sums = promSums(texts, `${metric}_sum`, label)
  const counts = promSums(texts, `${metric}_count`, label)
  const out: Record<string, { seconds: number; count: number }> = {}
  for (const k of Object.keys(sums)) out[k] = { seconds: round2(sums[k]!), count: counts[k] ?? 0 }
  return out
}

/**
 * A daemon's main-thread V8 heap and external memory (prom-client's default metrics), and on the
 * embedded store the engine's own count of its memory, from its /metrics.
 */
const heapOf = async (d: DaemonProcess) => {
  const text = [await d.metrics()]
  const get = (m: string) => mb(promSums(text, `rewind_${m}`)[""] ?? NaN)
  const engineMB = get("clickhouse_engine_memory_bytes")
  return {
    heapUsedMB: get("nodejs_heap_size_used_bytes"),
    heapTotalMB: get("nodejs_heap_size_total_bytes"),
    externalMB: get("nodejs_external_memory_bytes"),
    ...(Number.isNaN(engineMB) ? {} : { engineMB })
  }
}

export const runE2e = async (o: E2eOptions): Promise<E2eResult> => {
  const base = o.data ?? mkdtempSync(join(tmpdir(), "rewind-bench-e2e-"))
  const pristine = `${base}.pristine`
  const work = `${base}.work`
  const daemonDirs = `${base}.daemons`
  o.log(`e2e: data in ${base}`)
  const nats = await startNatsServer()
  let server: ClickHouseServerHandle | undefined
  const running: Array<DaemonProcess> = []
  try {
    let seed: E2eResult["seed"]
    if (o.data === undefined) {
      o.log(`e2e: seeding ${fmt(o.count)} interactions…`)
      seed = await phase<E2eResult["seed"]>("seed.ts", [base, String(o.count)], [], o.log)
      o.log(`e2e: seeded ${seed.interactions} interactions, ${seed.blocks} blocks in ${seed.seconds} s (peak RSS ${seed.peakRssMB} MB)`)
    } else {
      seed = { interactions: o.count, blocks: NaN, seconds: NaN, peakRssMB: NaN, cpuSeconds: NaN, mainThreadCpuSeconds: NaN, coresBusy: NaN }
    }
    // Every read and job starts from the same freshly seeded store (a job changes the topics).
    rmSync(pristine, { recursive: true, force: true })
    cpSync(base, pristine, { recursive: true })
    const fresh = () => {
      rmSync(work, { recursive: true, force: true })
      cpSync(pristine, work, { recursive: true })
      return work
    }
    /** The ClickHouse server on the data directory's store: the embedded engine's own files. */
    const serve = async (dir: string) => (server = await startClickHouseServer({ path: join(dir, "clickhouse") }))
    const stopServer = async () => {
      const s = server
      server = undefined
      const code = await s?.stop()
      if (code !== 0 && code !== undefined) o.log(`e2e: the ClickHouse server stopped with exit code ${code}`)
    }

    const reads: Array<ReadFigures> = []
    const read = async (store: StoreKind) => {
      const dir = fresh()
      o.log(`e2e: bare paged read, ${store} store (${o.readFlags.join(" ") || "default Node flags"})…`)
      const s = store === "server" ? await serve(dir) : undefined
      const watch = s === undefined ? undefined : watchProcess("ClickHouse server", s.pid)
      const machine = contention()
      const r = await phase<Omit<ReadFigures, "store" | "nodeFlags">>(
        "read.ts",
        [dir, String(o.count), String(o.pageSize), ...(s === undefined ? [] : [s.url])],
        o.readFlags,
        o.log
      )
      const serverFigures = watch?.finish()
      const figures: ReadFigures = {
        store,
        nodeFlags: o.readFlags,
        ...r,
        ...(serverFigures === undefined ? {} : { server: serverFigures }),
        contention: machine(r.cpuSeconds + (serverFigures?.cpuSeconds ?? 0))
      }
      await stopServer()
      o.log(`e2e: read ${r.interactions} interactions, ${r.blocks} blocks in ${r.seconds} s (peak RSS ${r.peakRssMB} MB` +
        `${figures.server === undefined ? "" : `, server ${figures.server.peakRssMB} MB`})`)
      reads.push(figures)
    }

    const model = e2eModel()
    const scope = e2eScope(model, o.count)
    const runJob = async (variant: JobVariant): Promise<JobRun> => {
      const v = jobVariants[variant]
      const dir = fresh()
      o.log(`e2e: reprocessing job, ${v.label} (${o.daemonFlags.join(" ") || "no Node flags: the daemon sets its own"})…`)
      const s = v.store === "server" ? await serve(dir) : undefined
      const prefix = `bench${variant.replace("-", "")}${Date.now().toString(36)}`
      const tools = ManagedRuntime.make(natsLayer({ servers: [nats.url], prefix }).pipe(Layer.provideMerge(quiet)))
      const run = <A, E>(e: Effect.Effect<A, E, JobRepo | ModelRepo | WorkItemRepo | Nats>) => tools.runPromise(e)
      try {
        await run(Effect.gen(function*() { yield* (yield* ModelRepo).push(model, "bench") }))
        const env: Record<string, string> = {
          NATS_URL: nats.url,
          REWIND_PREFIX: prefix,
          REWIND_PAGE_SIZE: String(o.pageSize),
          REWIND_LOG_LEVEL: "Warn",
          REWIND_RECOVERY_INTERVAL_MINUTES: "0",
          ...(s === undefined ? { REWIND_DATA_DIR: dir } : { CLICKHOUSE_URL: s.url })
        }
        for (let i = 1; i <= v.daemons; i++) {
          const name = `d${i}`
          // Over HTTP a daemon keeps nothing in its data directory; each its own anyway.
          const own = s === undefined ? {} : { REWIND_DATA_DIR: join(daemonDirs, `${variant}-${name}`) }
          if (s !== undefined) mkdirSync(own.REWIND_DATA_DIR!, { recursive: true })
          running.push(await startDaemonProcess(name, { ...env, ...own }, o.daemonFlags))
        }
        const daemons = [...running]
        for (const d of daemons) o.log(`e2e:   daemon ${d.name} ready (pid ${d.pid}, ${d.nodeFlags.join(" ") || "no Node flags"})`)
        const watches = [
          ...daemons.map((d) => watchProcess(`daemon ${d.name}`, d.pid, d.nodeFlags, () => heapOf(d))),
          ...(s === undefined ? [] : [watchProcess("ClickHouse server", s.pid)])
        ]
        const jobId = `bench-${variant}`
        const machine = contention()
        const t0 = performance.now()
        await run(publishCommand("job.create", { ...scope, name: `bench e2e ${variant}`, jobId, createdBy: "bench" }))
        let job: Job | undefined
        let markedSeconds: number | undefined
        let lastLog = 0
        for (;;) {
          await sleep(250)
          const gone = daemons.find((d) => d.child.exitCode !== null || d.child.signalCode !== null)
          if (gone !== undefined) throw new Error(`daemon ${gone.name} exited during the job:\n${gone.output()}`)
          if (performance.now() - t0 > 3_600_000) throw new Error(`job ${jobId} not done after an hour: ${JSON.stringify(job)}`)
          job = Option.getOrUndefined(await run(Effect.gen(function*() { return yield* (yield* JobRepo).get(jobId) })))
          if (job === undefined) continue
          if (performance.now() - lastLog > 10_000) {
            lastLog = performance.now()
            o.log(`e2e:   job ${job.jobStatus}: ${fmt(job.processedInteractionsCount)} / ${fmt(job.totalInteractionsCount)}`)
          }
          if (markedSeconds === undefined && job.totalInteractionsCount > 0 && job.processedInteractionsCount >= job.totalInteractionsCount) {
            markedSeconds = round2((performance.now() - t0) / 1000)
            for (const w of watches) w.mark()
          }
          if (job.jobStatus === "Completed" || job.jobStatus === "Failed" || job.jobStatus === "Cancelled") break
        }
        const seconds = round2((performance.now() - t0) / 1000)
        const processes = watches.map((w) => w.finish())
        const busy = machine(processes.reduce((n, p) => n + p.cpuSeconds, 0))
        const texts = await Promise.all(daemons.map((d) => d.metrics()))
        const items = await run(Effect.gen(function*() { return yield* (yield* WorkItemRepo).list(jobId) }))
        const byDaemon: Record<string, number> = {}
        for (const it of items) {
          const who = daemons.find((d) => it.worker === d.name || it.worker?.startsWith(`${d.name}-`) === true)?.name ?? it.worker ?? "none"
          byDaemon[who] = (byDaemon[who] ?? 0) + 1
        }
        const result: JobRun = {
          variant,
          store: v.store,
          daemons: v.daemons,
          status: job.jobStatus,
          ...(job.errorMessage === undefined ? {} : { error: job.errorMessage }),
          total: job.totalInteractionsCount,
          processed: job.processedInteractionsCount,
          updated: job.updatedInteractionsCount,
          unchanged: job.unchangedInteractionsCount,
          failed: job.failedInteractionsCount,
          seconds,
          interactionsPerSec: Math.round(job.processedInteractionsCount / seconds),
          ...(markedSeconds === undefined ? {} : { markedSeconds }),
          topics: model.topics.length,
          phrases: model.topics.reduce((n, t) => n + t.phrases.length, 0),
          processes,
          workItems: { count: items.length, byDaemon },
          stages: histogramSums(texts, "rewind_stage_duration_seconds", "stage"),
          inserts: histogramSums(texts, "rewind_clickhouse_insert_duration_seconds", "table"),
          readBusySeconds: round2(promSums(texts, "rewind_clickhouse_read_busy_seconds_total")[""] ?? NaN),
          contention: busy
        }
        o.log(`e2e: job ${result.status}: ${fmt(result.processed)} interactions in ${seconds} s; peak RSS ` +
          processes.map((p) => `${p.name} ${p.peakRssMB} MB`).join(", ") +
          `; load ${busy.loadStart} → ${busy.loadEnd}, other processes ${busy.otherCoresBusy} cores busy`)
        return result
      } finally {
        for (const d of running.splice(0)) {
          const code = await d.stop()
          if (code !== 0) o.log(`e2e: daemon ${d.name} stopped with exit code ${code}:\n${d.output().slice(-2000)}`)
        }
        await tools.dispose()
        await stopServer()
        rmSync(daemonDirs, { recursive: true, force: true })
      }
    }

    const jobs: Array<JobRun> = []
    for (const variant of o.variants) {
      const store = jobVariants[variant].store
      if (o.skipRead !== true && !reads.some((r) => r.store === store)) await read(store)
      const job = await runJob(variant)
      const floor = reads.find((r) => r.store === store)
      jobs.push(floor === undefined ? job : { ...job, ratio: round2(job.seconds / floor.seconds) })
    }
    const outcomes = jobs.map((j) => JSON.stringify(outcomeOf(j)))
    const outcomesAgree = outcomes.every((x) => x === outcomes[0])
    if (!outcomesAgree) o.log(`e2e: the jobs' outcomes DIFFER: ${outcomes.join(" / ")}`)
    return { count: o.count, pageSize: o.pageSize, effectivePageSize: Math.min(o.pageSize, MaxPageInteractions), seed, reads, jobs, outcomesAgree }
  } finally {
    for (const d of running.splice(0)) await d.stop()
    await server?.stop()
    await nats.stop()
    rmSync(work, { recursive: true, force: true })
    rmSync(pristine, { recursive: true, force: true })
    rmSync(daemonDirs, { recursive: true, force: true })
    if (!o.keep && o.data === undefined) rmSync(base, { recursive: true, force: true })
  }
}
