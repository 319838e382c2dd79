/**
 * Shared by the phases of the end-to-end benchmark (each phase is its own process, so each
 * one's memory is its own and the embedded engine opens the data directory once per process).
 */
import type { BusyClock } from "../../src/store/busyClock.ts"
import { Effect } from "effect"
import type { Scope } from "../../src/domain/scope.ts"
import type { TopicModel } from "../../src/domain/topicModel.ts"
import { type AllSettings, AllSettingsConfig } from "../../src/daemon/main.ts"
import { configProviderLayer } from "../../src/daemon/config.ts"
import type { SeedOptions } from "../../src/seed/generate.ts"
import { randomModel, seedCorpus } from "../corpus.ts"
import { gc, mb, processCpuMs, rssSampler, threadCpuMs } from "../lib.ts"

export const seedOptions = (count: number): SeedOptions => ({ seed: 2026, count, from: "2025-01-01T00:00:00Z", to: "2025-07-01T00:00:00Z" })

/**
 * The job's model: 200 topics, ≈ 2,000 phrases — the example model (whose phrases the seed
 * text contains) plus made-up topics over the seed text's vocabulary, linked to its programs.
 */
export const e2eModel = (): TopicModel => randomModel(2_000, seedCorpus(1_000, 17).words, { seed: 23, topics: 200, linkPrograms: true })

/** Everything seeded that belongs to a program: all programs, all media, the whole period. */
export const e2eScope = (model: TopicModel, count: number): Scope => ({
  dateStart: seedOptions(count).from,
  dateEnd: seedOptions(count).to,
  programs: model.programs.map((p) => p.id),
  mediaTypes: ["voice", "callback", "chat", "email", "message"]
})

/**
 * The store's settings as a daemon's would be from defaults, with what the benchmark sets (the
 * embedded store at `dataDir` unless `clickhouseUrl`): for the phases that open the store
 * themselves (seed, bare read). The jobs run in daemon processes configured by their environment.
 */
export const settingsFor = (o: { dataDir: string; clickhouseUrl?: string; pageSize: number }): Effect.Effect<AllSettings, unknown> =>
  AllSettingsConfig.pipe(
    Effect.provide(configProviderLayer({
      REWIND_DATA_DIR: o.dataDir,
      ...(o.clickhouseUrl === undefined ? {} : { CLICKHOUSE_URL: o.clickhouseUrl }),
      REWIND_PAGE_SIZE: String(o.pageSize),
      REWIND_LOG_LEVEL: "Warn",
      REWIND_RECOVERY_INTERVAL_MINUTES: "0",
      REWIND_INSTANCE: "bench"
    }))
  )

/**
 * Measures a phase: wall time, peak RSS, CPU of the process and of the main thread; with
 * `readBusy` (the store's), the seconds with a store read in flight.
 */
export const measure = (readBusy?: BusyClock) => {
  const busy0 = readBusy?.seconds() ?? 0
  const rss = rssSampler(25)
  // RSS and main-thread heap every 5 s (how memory evolves over a long phase). With
  // BENCH_GC_SAMPLES=1, after a full GC (the live heap; slows the phase a little).
  const series: Array<{ s: number; rssMB: number; heapUsedMB: number }> = []
  const gcSamples = process.env["BENCH_GC_SAMPLES"] === "1"
  const seriesTimer = setInterval(() => {
    if (gcSamples) gc()
    const m = process.memoryUsage()
    series.push({ s: Math.round((performance.now() - t0) / 1000), rssMB: mb(m.rss), heapUsedMB: mb(m.heapUsed) })
  }, 5_000)
  seriesTimer.unref()
  const t0 = performance.now()
  const p0 = processCpuMs()
  const m0 = threadCpuMs()
  let marked: { seconds: number; peakRssMB: number } | undefined
  const finish = () => {
    const seconds = (performance.now() - t0) / 1000
    rss.stop()
    clearInterval(seriesTimer)
    const cpu = (processCpuMs() - p0) / 1000
    return {
      seconds: Math.round(seconds * 100) / 100,
      peakRssMB: mb(rss.peak()),
      atPeak: rss.peakDetail(),
      cpuSeconds: Math.round(cpu * 100) / 100,
      mainThreadCpuSeconds: Math.round(((threadCpuMs() - m0) / 1000) * 100) / 100,
      /** Average busy cores over the phase (process CPU time / wall time). */
      coresBusy: Math.round((cpu / seconds) * 100) / 100,
      ...(readBusy === undefined ? {} : { readBusySeconds: Math.round((readBusy.seconds() - busy0) * 100) / 100 }),
      series,
      ...(marked === undefined ? {} : { marked })
    }
  }
  /** Remember the time and the peak RSS so far (once), e.g. when the pipeline is done. */
  const mark = () => {
    marked ??= { seconds: Math.round((performance.now() - t0) / 10) / 100, peakRssMB: mb(rss.peak()) }
  }
  return Object.assign(finish, { mark })
}

/** A phase's result, on stdout, for the orchestrator. */
export const emit = (result: unknown): void => {
  process.stdout.write(`@@RESULT ${JSON.stringify(result)}\n`)
}

export const log = (s: string): void => {
  process.stderr.write(`  ${s}\n`)
}

