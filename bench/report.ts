/** Results on disk: bench/results/<date>-<suite>.json, and bench/RESULTS.md from the latest of each suite. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { type E2eResult, type JobRun, type JobVariant, jobVariants, outcomeOf, type StoreKind } from "./e2e.ts"
import type { Contention, ProcessFigures, SeriesPoint } from "./e2e/procfs.ts"
import { type Machine, mdTable, median, round, table } from "./lib.ts"
import type { MatchResult } from "./match.ts"
import type { PeerFigures } from "./peers.ts"
import { boundsSection } from "./reportBounds.ts"

export const resultsDir = fileURLToPath(new URL("./results/", import.meta.url))
export const resultsFile = fileURLToPath(new URL("./RESULTS.md", import.meta.url))

export type SuiteResult =
  | { readonly suite: "match"; readonly machine: Machine; readonly options: Record<string, unknown>; readonly result: MatchResult }
  | { readonly suite: "e2e"; readonly machine: Machine; readonly options: Record<string, unknown>; readonly result: E2eResult }

export const writeResult = (r: SuiteResult): string => {
  mkdirSync(resultsDir, { recursive: true })
  const file = `${resultsDir}${r.machine.date.slice(0, 10)}-${r.suite}.json`
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`)
  return file
}

const latest = (suite: string): SuiteResult | undefined => {
  if (!existsSync(resultsDir)) return undefined
  const files = readdirSync(resultsDir).filter((f) => f.endsWith(`-${suite}.json`)).sort()
  const f = files[files.length - 1]
  return f === undefined ? undefined : (JSON.parse(readFileSync(`${resultsDir}${f}`, "utf8")) as SuiteResult)
}

const fmt = (n: number): string => n.toLocaleString("en-US")

const machineLine = (m: Machine): string =>
  `${m.cpu}, ${m.cores} cores, ${m.ramGB} GB RAM; Node ${m.node} (${m.platform}); ${m.date.slice(0, 16).replace("T", " ")} UTC; ` +
  `1-minute load average ${m.loadAtStart} at start${m.loadAtEnd === undefined ? "" : `, ${m.loadAtEnd} at end`} (other tenants share the machine)`

/**
 * Pool ÷ one core (WebAssembly): the median of the ratios of neighbouring passes where recorded
 * (with their range), else the ratio of the two medians.
 */
const poolRatio = (x: MatchResult["rows"][number]): number | undefined => {
  const pairs = x.pool.time?.vsOneCore
  if (pairs !== undefined && pairs.length > 0) return round(median(pairs), 2)
  return x.wasmWall === undefined ? undefined : round(x.pool.mbPerSec / x.wasmWall.mbPerSec, 2)
}

const poolVsOneCore = (x: MatchResult["rows"][number], withRange = false): string => {
  const ratio = poolRatio(x)
  if (ratio === undefined) return "–"
  const pairs = x.pool.time?.vsOneCore
  return withRange && pairs !== undefined && pairs.length > 0 ? `${ratio}× (${Math.min(...pairs)}–${Math.max(...pairs)})` : `${ratio}×`
}

/** The same pool sent one batch at a time: the median of its samples' ratios to the one-core sample before them (undefined when not measured). */
const oneAtATimeRatio = (x: MatchResult["rows"][number]): number | undefined => {
  const pairs = x.pool.oneAtATime?.vsOneCore
  return pairs === undefined || pairs.length === 0 ? undefined : round(median(pairs), 2)
}

const oneAtATimeVsOneCore = (x: MatchResult["rows"][number]): string => {
  const ratio = oneAtATimeRatio(x)
  const pairs = x.pool.oneAtATime?.vsOneCore ?? []
  return ratio === undefined ? "–" : `${ratio}× (${Math.min(...pairs)}–${Math.max(...pairs)})`
}

const matchRows = (r: MatchResult) =>
  r.rows.map((x) => [
    fmt(x.phrases),
    x.topics,
    x.compileMs,
    x.detectorHeapMB,
    x.singleWall.mbPerSec,
    fmt(x.singleWall.blocksPerSec),
    x.singleCpu.mbPerSec,
    x.wasmWall?.mbPerSec ?? "–",
    x.wasmWall === undefined ? "–" : fmt(x.wasmWall.blocksPerSec),
    x.wasmCpu?.mbPerSec ?? "–",
    x.referenceMBps ?? "–",
    x.pool.mbPerSec,
    fmt(x.pool.blocksPerSec),
    x.pool.inFlight ?? 1,
    poolVsOneCore(x),
    oneAtATimeVsOneCore(x),
    x.baseline.mbPerSec,
    fmt(x.baseline.blocksPerSec),
    `${Math.round(x.singleWall.mbPerSec / x.baseline.mbPerSec)}×`
  ])

const matchHead = [
  "phrases", "topics", "compile ms", "heap MB", "1 core MB/s", "1 core blocks/s", "1 core MB/s (CPU time)",
  "1 core Wasm MB/s", "1 core Wasm blocks/s", "1 core Wasm MB/s (CPU time)", "ref MB/s", "pool MB/s", "pool blocks/s", "pages in flight", "pool ÷ 1 core Wasm", "one page at a time ÷ 1 core Wasm", "RegExp MB/s", "RegExp blocks/s", "vs RegExp"
]

/** Where the pool's time went, per pass (rows measured before these figures existed are left out). */
const poolTimeHead = [
  "phrases", "pool ms", "1 core Wasm ms", "pool ÷ 1 core", "main thread CPU ms", "workers CPU ms", "workers in engine ms",
  "other threads CPU ms", "process CPU ms", "cores busy", "at most on 2 cores", "others' cores: pool / 1 core", "1 core on CPU",
  "ceiling: CPUs ÷ that one",
  "load before → after"
]

/** The CPUs' speeds over the run (mean of the measurements before and after the rows). */
const speedsOf = (r: MatchResult): ReadonlyArray<number> | undefined =>
  r.cpuSpeeds === undefined ? undefined : r.cpuSpeeds.before.map((b, i) => (b + (r.cpuSpeeds!.after[i] ?? b)) / 2)

/** The CPU most of the one-core passes ended on. */
const usualCpu = (cpus: ReadonlyArray<number> | undefined): number | undefined => {
  if (cpus === undefined || cpus.length === 0) return undefined
  const counts = new Map<number, number>()
  for (const c of cpus) counts.set(c, (counts.get(c) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0]
}

const poolTimeRows = (r: MatchResult) =>
  r.rows.flatMap((x) => {
    const t = x.pool.time
    if (t === undefined || x.wasmWall === undefined) return []
    const oneCoreMs = (r.corpus.mb / x.wasmWall.mbPerSec) * 1000
    const speeds = speedsOf(r)
    const one = usualCpu(t.oneCoreCpus)
    const workersCpu = t.workers.reduce((n, w) => n + w.cpuMs, 0)
    return [[
      fmt(x.phrases),
      t.wallMs,
      Math.round(oneCoreMs),
      poolVsOneCore(x, true),
      t.mainCpuMs,
      t.workers.map((w) => w.cpuMs).join(" + "),
      t.workers.map((w) => w.engineMs).join(" + "),
      round(Math.max(0, t.processCpuMs - t.mainCpuMs - workersCpu)),
      t.processCpuMs,
      round(t.processCpuMs / t.wallMs, 2),
      `${round((2 * oneCoreMs) / t.processCpuMs, 2)}×`,
      t.othersCores === undefined ? "–" : `${t.othersCores} / ${t.othersCoresOneCore ?? "–"}`,
      t.oneCoreCpus === undefined ? "–" : t.oneCoreCpus.join(", "),
      speeds === undefined || one === undefined || speeds[one] === undefined
        ? "–"
        : `${round(speeds.reduce((a, b) => a + b, 0) / speeds[one]!, 2)}×`,
      `${t.loadBefore} → ${t.loadAfter}`
    ]]
  })

/** The peers on the exact-phrase subset (rows measured without them are left out). */
const peersHead = [
  "phrases", "exact (gapped left out)", "literals", "Rewind Wasm MB/s", "Vectorscan MB/s", "Rewind ÷ Vectorscan",
  "modern-ahocorasick MB/s", "Rewind ÷ modern-ahocorasick", "agree: Vectorscan", "agree: modern-ahocorasick",
  "compile ms: Rewind / Vectorscan / m-a", "load"
]

const peerCell = (f: PeerFigures, pick: (f: Extract<PeerFigures, { available: true }>) => string | number): string | number =>
  f.available ? pick(f) : "skipped"

const peersRows = (r: MatchResult) =>
  r.rows.flatMap((x) => {
    const p = x.peers
    if (p === undefined) return []
    const ratio = (f: PeerFigures) => peerCell(f, (v) => `${round(p.rewind.mbPerSec / v.mbPerSec, 2)}×`)
    const agree = (f: PeerFigures) => peerCell(f, (v) => `${v.agreement.percent}%`)
    return [[
      fmt(x.phrases),
      `${fmt(p.exactPhrases)} (${fmt(p.gappedPhrases)})`,
      fmt(p.literals),
      p.rewind.mbPerSec,
      peerCell(p.vectorscan, (v) => v.mbPerSec),
      ratio(p.vectorscan),
      peerCell(p.modernAhoCorasick, (v) => v.mbPerSec),
      ratio(p.modernAhoCorasick),
      agree(p.vectorscan),
      agree(p.modernAhoCorasick),
      `${p.rewind.compileMs} / ${peerCell(p.vectorscan, (v) => v.compileMs)} / ${peerCell(p.modernAhoCorasick, (v) => v.compileMs)}`,
      p.loadAtStart
    ]]
  })

/** Lines on the peers: skips, blocks where they disagree. */
const peersNotes = (r: MatchResult): Array<string> =>
  r.rows.flatMap((x) => {
    const p = x.peers
    if (p === undefined) return []
    return ([["Vectorscan", p.vectorscan], ["modern-ahocorasick", p.modernAhoCorasick]] as const).flatMap(([name, f]) => {
      if (!f.available) return [`${fmt(x.phrases)} phrases: ${name} skipped: ${f.reason}`]
      const a = f.agreement
      const found = `${fmt(a.blocks)} blocks, ${fmt(a.blocksWithTopics)} with a topic; topics found: Rewind ${fmt(a.rewindTopics)}, ${name} ${fmt(a.peerTopics)}`
      if (a.agree === a.blocks) return [`${fmt(x.phrases)} phrases: ${name} agrees with Rewind on every block (${found}).`]
      return [
        `${fmt(x.phrases)} phrases: ${name} disagrees with Rewind on ${fmt(a.blocks - a.agree)} blocks (${found}); for example ` +
          a.examples.map((e) => `block ${e.block} (${e.participant}) ${JSON.stringify(e.text.slice(0, 80))}: only Rewind ${JSON.stringify(e.onlyRewind)}, only ${name} ${JSON.stringify(e.onlyPeer)}`).join("; ")
      ]
    })
  })

export const matchTable = (r: MatchResult): string => {
  const parts = [table(matchHead, matchRows(r))]
  const pool = poolTimeRows(r)
  if (pool.length > 0) parts.push("", "pool, per pass:", table(poolTimeHead, pool))
  const peers = peersRows(r)
  if (peers.length > 0) parts.push("", "peers, exact phrases over the normalized text:", table(peersHead, peers), ...peersNotes(r))
  return parts.join("\n")
}

const flagsCell = (flags: ReadonlyArray<string>) => (flags.length === 0 ? "(none)" : flags.join(" "))

const storeCell = (s: StoreKind) => (s === "embedded" ? "embedded" : "server (HTTP)")

const e2eHead = [
  "phase", "store", "interactions", "seconds", "interactions/s", "peak RSS MB (each daemon, or the phase)", "server peak RSS MB",
  "CPU s (all)", "cores busy", "other cores busy", "load (start → end)"
]

const loadCell = (c: Contention | undefined) => (c === undefined ? "–" : `${c.loadStart} → ${c.loadEnd}`)

const daemonsOf = (j: JobRun) => j.processes.filter((p) => p.name.startsWith("daemon"))
const serverOf = (j: JobRun) => j.processes.find((p) => !p.name.startsWith("daemon"))
const jobCpu = (j: JobRun) => round(j.processes.reduce((n, p) => n + p.cpuSeconds, 0), 2)

const e2eRows = (r: E2eResult) => [
  ["seed", "embedded", fmt(r.seed.interactions), r.seed.seconds, fmt(Math.round(r.seed.interactions / r.seed.seconds)), r.seed.peakRssMB, "–", r.seed.cpuSeconds, r.seed.coresBusy, "–", "–"],
  ...r.reads.map((x) => [
    "bare paged read", storeCell(x.store), fmt(x.interactions), x.seconds, fmt(Math.round(x.interactions / x.seconds)), x.peakRssMB,
    x.server?.peakRssMB ?? "–", round(x.cpuSeconds + (x.server?.cpuSeconds ?? 0), 2),
    round((x.cpuSeconds + (x.server?.cpuSeconds ?? 0)) / x.seconds, 2), x.contention.otherCoresBusy, loadCell(x.contention)
  ]),
  ...r.jobs.map((j) => [
    `job, ${j.daemons} daemon${j.daemons === 1 ? "" : "s"}`, storeCell(j.store), fmt(j.processed), j.seconds, fmt(j.interactionsPerSec),
    daemonsOf(j).map((p) => p.peakRssMB).join(" / "), serverOf(j)?.peakRssMB ?? "–", jobCpu(j),
    round(jobCpu(j) / j.seconds, 2), j.contention.otherCoresBusy, loadCell(j.contention)
  ])
]

const stagesLine = (j: JobRun): string =>
  Object.entries(j.stages).map(([s, x]) => `${s} ${x.seconds} s`).join(", ") +
  (Object.keys(j.inserts).length > 0
    ? `; inserts: ${Object.entries(j.inserts).map(([t, x]) => `${t} ${x.seconds} s`).join(", ")}`
    : "")

/** Peak RSS of each process, with its peak when every interaction had been processed. */
const processPeaks = (j: JobRun): string =>
  j.processes.map((p) =>
    `${p.name} ${p.peakRssMB} MB` +
    (p.markedPeakRssMB === undefined || p.markedPeakRssMB === p.peakRssMB ? "" : ` (${p.markedPeakRssMB} MB until every interaction was processed)`) +
    ` (${p.startRssMB} MB when the job was published; ${p.coresBusy} cores busy, main thread ${p.mainThreadCpuSeconds} CPU s)`
  ).join("; ")

/** A daemon's main thread at its highest 5-s RSS sample (from its /metrics), or "". */
const heapAtTop = (p: ProcessFigures): string => {
  const withHeap = p.series.filter((x) => x.heapUsedMB !== undefined && !Number.isNaN(x.heapUsedMB))
  if (withHeap.length === 0) return ""
  const top = withHeap.reduce((a, b) => (b.rssMB > a.rssMB ? b : a))
  const engine = top.engineMB === undefined ? "" : `; the embedded engine counts ${top.engineMB} MB as its own`
  return `${p.name} at its highest 5-s sample (${top.rssMB} MB RSS, ${top.s} s): V8 heap ${top.heapUsedMB} MB used of ${top.heapTotalMB} MB, ${top.externalMB} MB external (main thread)${engine}`
}

const jobReadBusy = (j: JobRun): string =>
  Number.isNaN(j.readBusySeconds)
    ? ""
    : `${j.readBusySeconds} s with a store read in flight${j.daemons === 1 ? "" : " (summed over the daemons)"} of ${j.seconds} s (${Math.round((j.readBusySeconds / (j.seconds * j.daemons)) * 100)}%${j.daemons === 1 ? "" : " of the daemons' time"})`

const jobLines = (j: JobRun, cores: number | undefined): Array<string> => [
  `${jobVariants[j.variant].label}: ${j.seconds} s, ${fmt(j.interactionsPerSec)} interactions/s` +
    (j.ratio === undefined ? "" : `, job / bare read ${j.ratio}× (target ≤ 3×)`) +
    (j.markedSeconds === undefined ? "" : `; every interaction processed at ${j.markedSeconds} s, the rest is the job's end (usage, export)`),
  `  peak RSS (target < 700 MB per daemon): ${processPeaks(j)}`,
  `  daemon Node flags: ${daemonsOf(j).map((p) => `${p.name} ${flagsCell(p.nodeFlags ?? [])}`).join(", ")}`,
  ...daemonsOf(j).map(heapAtTop).filter((x) => x !== "").map((x) => `  ${x}`),
  `  ${j.status}: ${fmt(j.total)} in scope, ${fmt(j.processed)} processed, ${fmt(j.updated)} updated, ${fmt(j.unchanged)} unchanged, ${fmt(j.failed)} failed` +
    (j.error === undefined ? "" : ` — ${j.error}`) +
    `; ${j.workItems.count} work items: ${Object.entries(j.workItems.byDaemon).map(([d, n]) => `${n} by ${d}`).join(", ")}`,
  `  stage time summed over pages (stages overlap): ${stagesLine(j)}`,
  ...(jobReadBusy(j) === "" ? [] : [`  ${jobReadBusy(j)}`]),
  `  machine: ${j.contention.machineCoresBusy}${cores === undefined ? "" : ` of ${cores}`} cores busy, ${j.contention.otherCoresBusy} by other processes; 1-minute load ${j.contention.loadStart} → ${j.contention.loadEnd}`
]

/** Within-run comparisons: the same job over HTTP against embedded, two daemons against one. */
const comparisons = (r: E2eResult): Array<string> => {
  const by = (v: JobVariant) => r.jobs.find((j) => j.variant === v)
  const embedded = by("embedded")
  const http = by("http")
  const http2 = by("http-2")
  const total = (j: JobRun) => round(j.processes.reduce((n, p) => n + p.peakRssMB, 0), 1)
  const out: Array<string> = []
  out.push(r.outcomesAgree
    ? `Outcomes: every job ${r.jobs[0]?.status ?? "–"} with the same counts (${r.jobs.length} variants agree).`
    : `Outcomes DIFFER between variants: ${r.jobs.map((j) => `${j.variant} ${JSON.stringify(outcomeOf(j))}`).join("; ")}.`)
  if (embedded !== undefined && http !== undefined) {
    out.push(`Over HTTP vs embedded (1 daemon): ${round(embedded.seconds / http.seconds, 2)}× the speed (${http.seconds} s vs ${embedded.seconds} s); ` +
      `daemon peak RSS ${daemonsOf(http)[0]?.peakRssMB} MB vs ${daemonsOf(embedded)[0]?.peakRssMB} MB; daemon + server ${total(http)} MB.`)
  }
  if (http !== undefined && http2 !== undefined) {
    out.push(`2 daemons vs 1 over HTTP: ${round(http.seconds / http2.seconds, 2)}× the speed (${http2.seconds} s vs ${http.seconds} s); ` +
      `daemons' peak RSS ${daemonsOf(http2).map((p) => p.peakRssMB).join(" + ")} MB, server ${serverOf(http2)?.peakRssMB ?? "–"} MB ` +
      `(vs ${serverOf(http)?.peakRssMB ?? "–"} MB with one daemon); all processes ${total(http2)} MB vs ${total(http)} MB.`)
  }
  return out
}

export const e2eTable = (r: E2eResult, cores?: number): string =>
  [
    table(e2eHead, e2eRows(r)),
    `page size setting ${fmt(r.pageSize)}, pages of ${fmt(r.effectivePageSize)} interactions; bare reads with Node flags ${flagsCell(r.reads[0]?.nodeFlags ?? [])}`,
    ...r.jobs.flatMap((j) => jobLines(j, cores)),
    ...comparisons(r)
  ].join("\n")

/** What the server variants showed about the job's bound, from the latest e2e result ("" without them). */
const serverJobProse = (r: E2eResult | undefined, cores: number | undefined): string => {
  const http = r?.jobs.find((j) => j.variant === "http")
  const http2 = r?.jobs.find((j) => j.variant === "http-2")
  if (http === undefined) return "Against a ClickHouse server the reads run in the server, outside the daemon's process."
  const d = daemonsOf(http)[0]
  const s = serverOf(http)
  let text = "Against a ClickHouse server the reads run in the server's process, on its threads: neither chdb's " +
    "one-at-a-time parameterized queries nor the engine's CPU is in the daemon (in the run above the daemon was busy " +
    `${d?.coresBusy ?? "–"} cores on average, the server ${s?.coresBusy ?? "–"}).`
  if (http2 !== undefined) {
    text += ` A second daemon sharing the job (its work items split ${Object.values(http2.workItems.byDaemon).join("/")}) ` +
      `finished it ${round(http.seconds / http2.seconds, 2)}× as fast as one, with the machine's cores busy ` +
      `${http2.contention.machineCoresBusy} of ${cores ?? "–"} meanwhile, ${http2.contention.otherCoresBusy} of them by other ` +
      "processes: on this shared 2-core machine the cores, not the daemon, bound the job, so the run shows that two daemons " +
      "share a job (same outcome) and what each costs in memory — not the gain a second host with cores of its own would give."
  }
  return text
}

/** The memory of the server variants and the < 700 MB verdict for the embedded one, from the latest e2e result. */
const memoryProse = (r: E2eResult | undefined): string => {
  const embedded = r?.jobs.find((j) => j.variant === "embedded")
  const http = r?.jobs.find((j) => j.variant === "http")
  const e = embedded === undefined ? undefined : daemonsOf(embedded)[0]
  const d = http === undefined ? undefined : daemonsOf(http)[0]
  const s = http === undefined ? undefined : serverOf(http)
  const parts: Array<string> = []
  if (d !== undefined && s !== undefined) {
    parts.push(
      `Against a ClickHouse server (\`CLICKHOUSE_URL\`) chdb is never loaded: over HTTP the daemon peaked at ${d.peakRssMB} MB ` +
        `(${d.startRssMB} MB idle before the job)${e === undefined ? "" : `, against ${e.peakRssMB} MB (${e.startRssMB} MB idle) on the embedded store`}; ` +
        `the server's process — here chdb's clickhouse-local serving HTTP on the same machine — at ${s.peakRssMB} MB. On one ` +
        `machine the store's memory moves to the server rather than vanishing (${round(d.peakRssMB + s.peakRssMB, 1)} MB together); ` +
        "a daemon on a host of its own needs its own share only."
    )
  }
  if (e !== undefined && embedded !== undefined) {
    const top = e.series.filter((x) => x.heapUsedMB !== undefined).reduce<SeriesPoint | undefined>((a, b) => (a === undefined || b.rssMB > a.rssMB ? b : a), undefined)
    parts.push(
      `**The < 700 MB target, embedded store:** the ${fmt(embedded.total)}-interaction job as a user runs it (\`rewind daemon\` with ` +
        `the heap flags it gives itself, ${flagsCell(e.nodeFlags ?? [])}, two glibc malloc arenas and a 2 MB mmap threshold) peaked at **${e.peakRssMB} MB**: ` +
        (e.peakRssMB < 700 ? "within the target." : "the target is not met.") +
        (top === undefined
          ? ""
          : ` At its highest 5-s sample (${top.rssMB} MB) the main thread's V8 heap held ${top.heapUsedMB} MB of ${top.heapTotalMB} MB, ` +
            `with ${top.externalMB} MB outside it` +
            (top.engineMB === undefined
              ? ": the rest is outside the main thread's heap — the embedded engine's memory, the pool worker's own heap and its " +
                "WebAssembly memory (not measured apart here)."
              : `, and the embedded engine counted ${top.engineMB} MB as its own (\`rewind_clickhouse_engine_memory_bytes\`, its ` +
                "`MemoryTracking`): the rest is the engine's code (libchdb's mapped pages, ≈ 197 MB of the RSS, read from " +
                "`/proc/<pid>/smaps`), Node's own (its binary ≈ 52 MB), the pool worker's heap and WebAssembly memory, and what " +
                "the allocators keep."))
    )
  }
  return parts.join(" ")
}

/** Lowest and highest reference speed across a match run's rows ("a–b"). */
const referenceRange = (r: MatchResult): string => {
  const refs = r.rows.flatMap((x) => (x.referenceMBps === undefined ? [] : [x.referenceMBps]))
  return `${Math.min(...refs)}–${Math.max(...refs)}`
}

/** Rewrites bench/RESULTS.md from the latest result of each suite. */
export const writeSummary = (): void => {
  const match = latest("match")
  const e2e = latest("e2e")
  const e2eResult = e2e?.suite === "e2e" && "jobs" in e2e.result ? e2e.result : undefined
  const parts: Array<string> = [
    "# Benchmark results",
    "",
    "Written by `npm run bench` (`node bench/run.ts [match] [e2e] [--count N]`) from the latest",
    "`bench/results/<date>-<suite>.json` of each suite. Figures are medians of the timed runs.",
    "Throughput counts UTF-8 bytes of transcript text (1 MB = 10⁶ bytes).",
    ""
  ]
  if (match?.suite === "match") {
    const r = match.result
    const at2000 = r.rows.find((x) => x.phrases === 2000)
    parts.push(
      "## Topic matching (`match`)",
      "",
      `Machine: ${machineLine(match.machine)}.`,
      "",
      `Corpus: ${fmt(r.corpus.blocks)} blocks of ${fmt(r.corpus.interactions)} seed interactions (${r.corpus.mb} MB, ` +
        `${r.corpus.avgBlockBytes} bytes per block); ${r.runs} timed passes per figure` +
        (r.samplePasses === undefined || r.samplePasses === 1
          ? ""
          : ` (the WebAssembly one-core and pool figures: ${r.runs} samples of ${r.samplePasses} passes back to back, figures per pass)`) +
        (r.batchBlocks === undefined
          ? ". Pool batches of 40,000 blocks (four pages)"
          : `. Pool batches of ${fmt(r.batchBlocks)} blocks: a page of 500 interactions, the daemon's largest`) +
        `. Models: the example model's ` +
        "topics plus random 1–4-word phrases over the text's vocabulary (a quarter with a strictness gap), 10 per topic.",
      "",
      mdTable(matchHead, matchRows(r)),
      "",
      "- *1 core*: the JavaScript engine, `detector.detectTopics` per block on one thread, by wall time; *(CPU time)*: " +
        "by the thread's own CPU time — the same work without the time other tenants of a shared machine took.",
      "- *1 core Wasm*: the WebAssembly batch engine (`src/topics/wasmEngine.ts`, what the pool's workers run) on one " +
        "thread, fed page-sized batches cut into chunks as the pool cuts them; writing the blocks' code units into a " +
        "chunk's buffer (what the pool's main thread does) and copying them into the module count. Same answers as " +
        "the JavaScript engine, checked by the tests.",
      "- *ref*: the machine's speed while the Wasm figure was measured: a fixed loop (FNV-1a in four lanes over 8 MiB, " +
        "JavaScript; `referencePass` in `bench/lib.ts`) timed by CPU time before each Wasm pass, median. It never " +
        "changes, so *Wasm (CPU time) ÷ ref* compares runs of different days on this shared machine, whose speed varies.",
      "- *pool*: `src/topics/pool.ts` with one worker per core (WebAssembly engine), page-sized batches sent as the " +
        "reprocessing pipeline sends its pages to that many workers (*pages in flight*: `detectionPages` in " +
        "`src/pipelines/reprocess/pipeline.ts`, two to two workers or more, one to a single worker), by wall time " +
        "(includes writing the texts for the workers and taking their answers back); *pool ÷ 1 core Wasm*: the two " +
        "figures' passes, each pool sample after a one-core sample: the median of the pairs' ratios (issue #23's " +
        "target: ≥ 1.6× with 2 workers); *one page at a time*: the same pool sent one batch at a time, its samples " +
        "beside the pool's (before it in every other round), median of their ratios to the one-core sample and their range.",
      "- *RegExp*: the naive way — normalize the block, then one RegExp per phrase — run in the same process for " +
        "a capped time; *vs RegExp* compares the one-core figures.",
      "- *heap MB*: the compiled detector's retained heap; *compile ms*: one compile of the model.",
      ""
    )
    if (at2000 !== undefined) {
      parts.push(
        `Target (SPEC): ≥ 150 MB/s per core at 2,000 phrases. Measured on one core: WebAssembly engine ` +
          `${at2000.wasmWall?.mbPerSec ?? "–"} MB/s by wall time, ${at2000.wasmCpu?.mbPerSec ?? "–"} MB/s by CPU time; ` +
          `JavaScript engine ${at2000.singleWall.mbPerSec} MB/s by wall time, ${at2000.singleCpu.mbPerSec} MB/s by CPU time; ` +
          `${at2000.pool.mbPerSec} MB/s on ${at2000.pool.workers} workers.` +
          (at2000.referenceMBps === undefined || at2000.wasmCpu === undefined
            ? ""
            : ` The reference loop ran at ${at2000.referenceMBps} MB/s meanwhile (Wasm ÷ ref = ` +
              `${round(at2000.wasmCpu.mbPerSec / at2000.referenceMBps, 3)}); the ratio falls as the machine speeds up ` +
              `(see below), so 150 MB/s takes the reference above ` +
              `${Math.round(150 / (at2000.wasmCpu.mbPerSec / at2000.referenceMBps))} MB/s. ` +
              `Across this run's rows the reference ran at ${referenceRange(r)} MB/s: the same machine, minutes apart.`),
        ""
      )
    }
    const pool = poolTimeRows(r)
    if (pool.length > 0) {
      parts.push(
        "### The pool's time, per pass over the corpus",
        "",
        mdTable(poolTimeHead, pool),
        "",
        ...(r.cpuSpeeds === undefined
          ? []
          : [
            `The reference loop pinned to each CPU (\`taskset\`, a process each, median of 5 passes): ` +
            `${r.cpuSpeeds.before.map((x, i) => `CPU ${i} ${fmt(x)}`).join(", ")} MB/s before the rows, ` +
            `${r.cpuSpeeds.after.map((x, i) => `CPU ${i} ${fmt(x)}`).join(", ")} MB/s after.`,
            ""
          ]),
        "- Medians over the timed passes of the pool (2 workers, its pages in flight as above). *1 core Wasm ms*: the same pass on one thread " +
          "(the *1 core Wasm* figure above). *pool ÷ 1 core*: each pool sample ran after a one-core sample; the " +
          "median of those pairs' ratios (their range in brackets). *main thread CPU*: writing the blocks' code units into the batch's " +
          "shared buffer, posting the batch, taking the workers' messages. *workers CPU*: each worker thread's own " +
          "CPU time (the thread's clock ticks coarsely: good over a pass, not per chunk); *in engine*: each worker's " +
          "wall time inside the engine (under load it includes time the thread waited for a core). *other threads*: " +
          "the process' CPU time less those, mostly V8's helper threads (garbage collection, compilation). " +
          "*cores busy*: process CPU ÷ wall. *at most on 2 cores*: 2 × *1 core Wasm ms* ÷ *process CPU*, the pool's " +
          "best ratio to one core if its threads kept both cores busy all the time and the cores ran alike: what its " +
          "own CPU time per pass allows. *others' cores*: what the machine's other tenants kept busy meanwhile " +
          "(their CPU time from `/proc/stat` ÷ wall time, median over the passes), during the pool's passes and during " +
          "the one-core passes beside them (the pool has 2 less that). *1 core on CPU*: the CPU each one-core pass ended on. *ceiling*: the CPUs' " +
          "speeds added up ÷ the speed of the one the one-core passes ran on — what two workers could do at most, " +
          "before the main thread's share, if the vCPUs run unlike each other (measured below). *load*: the " +
          "1-minute load average before and after the passes.",
        ""
      )
    }
    const peers = peersRows(r)
    if (peers.length > 0) {
      parts.push(
        "### Peers: Vectorscan and modern-ahocorasick on the exact phrases",
        "",
        mdTable(peersHead, peers),
        "",
        "- What the three share: exact whole-word phrases. Each row's model is cut to its phrases of one word or whose " +
          "strictness allows no gap (none, or \"90\"); gapped phrases (*gapped left out*: two or more words and a " +
          "strictness allowing 1–5 words between them) are left out, not emulated: a literal matcher has no gaps, and " +
          "a regex per phrase (`a(?: \\S+){0,G} b`) would match any way through the words, where Rewind binds each " +
          "phrase word to the earliest one in reach (greedy), so the answers would differ by design. Topics left with " +
          "no phrase are dropped. *literals*: the distinct phrases (a phrase shared by topics counts once).",
        "- Same input for all three: each block's normalized words (`normalizeWords`: case folded, accents and " +
          "apostrophes dropped, anything but letters and digits a separator) joined by single spaces. Rewind " +
          "normalizes again as it scans (nothing changes, but its scan does the work); the peers match bytes or code " +
          "units as given. Every phrase and every block gets a space before and after, so a literal match is a " +
          "whole-word match: no filtering after the automaton is needed. MB/s counts the normalized blocks' UTF-8 " +
          "bytes (without the added spaces), the same for all three.",
        "- Timed: the scan only, passes of the three interleaved, medians; compile time apart. *Rewind Wasm*: the " +
          "WebAssembly engine on one thread (`detectUnits`, what a pool worker runs) over chunks cut beforehand as " +
          "the pool cuts them; copying them into the module and its answer (topic indexes per block) count. " +
          "*Vectorscan* 5.4.9 (Debian's libvectorscan-dev): `hs_compile_lit_multi` over the literals in block mode, " +
          "then one `hs_scan` over all blocks back to back (each ended by a newline), its callback recording " +
          "(block, phrase) — timed inside the C harness `bench/peers/vectorscan.c`, which the bench builds with the " +
          "machine's `cc` into `node_modules/.cache/rewind-bench/` (keyed by source, flags and compiler) and skips, " +
          "with a line saying why, when `cc` or the library is missing. *modern-ahocorasick* (npm): `iterate` over " +
          "each block, recording (block, phrase). Rewind's figure is a topic answer; the peers' are phrase matches, " +
          "turned into topics afterwards (untimed).",
        "- *agree*: the share of blocks where the peer's topics (its phrases' topics, where the topic listens to the " +
          "block's participant) are exactly Rewind's, as sets. With the same normalized input and literal whole-word " +
          "matching on both sides there is nothing left to disagree on but a bug in one of them (a boundary, a " +
          "normalization, a participant rule); none showed, non-ASCII blocks included (German: ß, umlauts folded, " +
          "≈ 1% of blocks).",
        "- Reading the figures: Vectorscan's literal matchers (SIMD over the bytes) run ahead of Rewind with a few " +
          "hundred or thousand literals and fall behind with 14,798, many of them common words: every phrase match " +
          "is a callback (topics found per block: ≈ 0.27 at 200 phrases, 6.4 at 20,000). modern-ahocorasick walks one JavaScript `Map` lookup per code unit (its ASCII fast " +
          "path covers a string up to its first non-ASCII character, then it segments graphemes with " +
          "`Intl.Segmenter`, so it is called per block) and allocates a match object per match. Rewind's figure here " +
          "is not the one-core figure above: exact phrases only (no gapped windows), texts written beforehand, and " +
          "normalized text (≈ 6% fewer bytes than the raw transcripts).",
        ...peersNotes(r).map((l) => `- ${l}`),
        ""
      )
    }
  }
  if (e2e?.suite === "e2e" && "jobs" in e2e.result) {
    const r = e2e.result
    const firstJob = r.jobs[0]
    const firstRead = r.reads[0]
    parts.push(
      "## End to end (`e2e`)",
      "",
      `Machine: ${machineLine(e2e.machine)}.`,
      ""
    )
    if (firstJob !== undefined) {
      parts.push(
        `${fmt(r.count)} seed interactions (${fmt(r.seed.blocks)} blocks` +
          `${firstRead === undefined ? "" : `; ${Math.round(firstRead.chars / 1e6)} M characters in scope`}) seeded once into an ` +
          `embedded store; one job over all programs, all media, the whole period: ${fmt(firstJob.total)} interactions in scope, a ` +
          `model of ${firstJob.topics} topics / ${fmt(firstJob.phrases)} phrases, pages of ${fmt(r.effectivePageSize)} interactions ` +
          `(page size setting ${fmt(r.pageSize)}), work items of 10,000 interactions (the default). Every bare read and every job ` +
          "starts from its own pristine copy of that store; the ClickHouse server (`src/store/localServer.ts`: chdb's " +
          "clickhouse-local serving ClickHouse's HTTP interface, as `rewind store serve` runs it) serves the copy's own files, so " +
          "both stores hold the same bytes.",
        "",
        "The job is run by `rewind daemon` as a user starts it: `node src/cli/main.ts daemon` (what `npm run daemon` runs, and " +
          "the Docker image's entry point) with no Node flags, configured through its environment only, so the daemon sets its " +
          "own heap limits (`src/daemon/heapFlags.ts`: it starts itself again with them; the flags it ran with are listed " +
          "below). The job is published on a private nats-server and timed from the command to the job's completion. Peak RSS " +
          "is the kernel's high-water mark of each process (`VmHWM` in `/proc/<pid>/status`, read before the process is " +
          "stopped), from the daemon's restart with its own flags; CPU from `/proc/<pid>/stat`. The bare reads run in a process " +
          `of their own with the daemon's heap flags (${flagsCell(firstRead?.nodeFlags ?? [])}) and measure themselves as before. ` +
          "This replaces the job measured inside the benchmark's own process (the daemon's layers, with the benchmark's Node " +
          "flags) and its two rows for default and capped flags: the daemon now chooses its flags, and the figure that matters " +
          "is the process a user runs.",
        ""
      )
    }
    parts.push(mdTable(e2eHead, e2eRows(r)), "")
    parts.push(
      "*peak RSS*: each daemon's (jobs) or the phase's own process (seed, reads); *server*: the ClickHouse server's process. " +
        "*CPU s (all)* and *cores busy*: every measured process of the phase together. *other cores busy*: the whole machine's " +
        "busy cores (`/proc/stat`) less the phase's own processes — other tenants of this shared machine (and the benchmark's " +
        "orchestrator and nats-server, which do little) — beside the 1-minute load average at the phase's start and end " +
        "(which counts the phase's own processes too).",
      ""
    )
    for (const j of r.jobs) {
      const daemons = daemonsOf(j)
      const server = serverOf(j)
      parts.push(
        `- **${jobVariants[j.variant].label}** — ${j.seconds} s, ${fmt(j.interactionsPerSec)} interactions/s` +
          (j.ratio === undefined ? "" : `, job / bare read **${j.ratio}×** (target ≤ 3×)`) +
          (j.markedSeconds === undefined ? "" : ` (every interaction processed at ${j.markedSeconds} s; then usage and the export)`) +
          `. Peak RSS: ${daemons.map((p) => `daemon ${p.name.replace("daemon ", "")} **${p.peakRssMB} MB**`).join(", ")} ` +
          `(target < 700 MB)${server === undefined ? "" : `, ClickHouse server ${server.peakRssMB} MB`}; ` +
          `daemon Node flags: ${[...new Set(daemons.map((p) => flagsCell(p.nodeFlags ?? [])))].join("; ")}. ` +
          `${j.status}: ${fmt(j.updated)} updated, ${fmt(j.unchanged)} unchanged, ${fmt(j.failed)} failed; ` +
          `${j.workItems.count} work items (${Object.entries(j.workItems.byDaemon).map(([d, n]) => `${n} by ${d}`).join(", ")}). ` +
          `Stage time summed over pages${j.daemons === 1 ? "" : " and daemons"} (stages overlap): ${stagesLine(j)}.` +
          (jobReadBusy(j) === "" ? "" : ` ${jobReadBusy(j).replace(/^./, (c) => c.toUpperCase())}.`) +
          ` CPU: ${j.processes.map((p) => `${p.name} ${p.cpuSeconds} s (${p.coresBusy} cores)`).join(", ")}.`
      )
    }
    parts.push("", ...comparisons(r).flatMap((c) => [c, ""]))
  }
  const matchResult = match?.suite === "match" ? match.result : undefined
  parts.push(...boundsSection({
    pool: matchResult === undefined
      ? undefined
      : {
        ratios: matchResult.rows.map((x) => poolVsOneCore(x)).join(", "),
        single: matchResult.rows.every((x) => oneAtATimeRatio(x) !== undefined)
          ? matchResult.rows.map((x) => `${oneAtATimeRatio(x)}×`).join(", ")
          : undefined,
        inFlight: matchResult.rows[0]?.pool.inFlight ?? 1,
        counts: matchResult.rows.map((x) => fmt(x.phrases)).join(", "),
        met: matchResult.rows.every((x) => (poolRatio(x) ?? 0) >= 1.6),
        batchBlocks: matchResult.batchBlocks === undefined ? "40,000" : fmt(matchResult.batchBlocks)
      },
    serverJob: serverJobProse(e2eResult, e2e?.machine.cores),
    memory: memoryProse(e2eResult)
  }))
  writeFileSync(resultsFile, `${parts.join("\n")}\n`)
}
