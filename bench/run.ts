/**
 * The benchmark harness: `npm run bench` (= `node bench/run.ts`).
 *
 *   node bench/run.ts [match] [e2e] [recovery] [options]     no suite named: all three
 *     --recovery-count N recovery: conversations in the period (default 100,000)
 *     --missing F        recovery: share of text conversations missing from the store (default 0.02)
 *     --rate N           recovery: platform requests per second, client and simulator (default 50)
 *     --count N          e2e: interactions to seed (default 250,000; e.g. 20000 for a quick check)
 *     --page-size N      e2e: the job's page size (default 500, the daemon's default and largest)
 *     --variants a,b,c   e2e: the job's variants, in order (default embedded,http,http-2):
 *                          embedded  one `rewind daemon` on the embedded store
 *                          http      one `rewind daemon` on a local ClickHouse server over HTTP
 *                          http-2    two `rewind daemon`s on that server sharing the job
 *                        each with the bare read of its store before it (once per store)
 *     --interactions N   match: seed interactions forming the corpus (default 10,000 ≈ 18 MB)
 *     --phrases a,b,c    match: phrase counts (default 200,2000,20000)
 *     --batch-blocks N   match: blocks per pool batch (default: a page of 500 interactions, the
 *                          daemon's largest — ≈ 10,000 blocks of seed data)
 *     --runs N           match: timed passes per figure (default 9)
 *     --quick            match: 2,000 interactions, 3 runs, 1 s baseline cap
 *     --no-peers         match: leave out the peers (Vectorscan, modern-ahocorasick; bench/peers.ts)
 *     --node-flags="F"   e2e: start the daemons and the bare reads with these Node flags (default: the
 *                        daemons with none, as a user starts them — the daemon sets its own heap
 *                        limits, e.g. "--max-old-space-size=256 --max-semi-space-size=4" — and the
 *                        reads with those same heap limits)
 *     --keep             e2e: keep the temporary data directory
 *     --data DIR         e2e: reuse a data directory seeded (with --keep) by an earlier run of the same --count
 *     --job-only         e2e, development: skip the bare reads and print the jobs' figures (nothing written)
 *     --no-write         print only; do not write bench/results/*.json nor bench/RESULTS.md
 *     --help, -h         this usage
 *
 * Prints a table per suite, writes bench/results/<date>-<suite>.json and rewrites
 * bench/RESULTS.md from the latest result of each suite. Timing assertions live nowhere:
 * these are measurements, reported as they come out (the machine may be shared: see the load
 * average recorded with each result).
 */
import { readFileSync } from "node:fs"
import { loadavg } from "node:os"
import { parseArgs } from "node:util"
import { daemonHeapFlags } from "../src/daemon/heapFlags.ts"
import { type JobVariant, jobVariants, runE2e } from "./e2e.ts"
import { machine } from "./lib.ts"
import { runMatch } from "./match.ts"
import { e2eTable, matchTable, resultsFile, writeResult, writeSummary } from "./report.ts"

/** The usage: this file's opening comment. */
function usage(): string {
  const doc = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(import.meta.filename, "utf8"))?.[1] ?? ""
  return doc.split("\n").map((l) => l.replace(/^ \* ?/, "")).join("\n").trim()
}

const parsed = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        count: { type: "string", default: "250000" },
        "page-size": { type: "string", default: "500" },
        interactions: { type: "string" },
        phrases: { type: "string", default: "200,2000,20000" },
        "batch-blocks": { type: "string" },
        runs: { type: "string" },
        quick: { type: "boolean", default: false },
        "no-peers": { type: "boolean", default: false },
        keep: { type: "boolean", default: false },
        data: { type: "string" },
        "job-only": { type: "boolean", default: false },
        "node-flags": { type: "string" },
        variants: { type: "string", default: "embedded,http,http-2" },
        "no-write": { type: "boolean", default: false },
        "recovery-count": { type: "string", default: "100000" },
        missing: { type: "string", default: "0.02" },
        rate: { type: "string", default: "50" },
        help: { type: "boolean", short: "h", default: false }
      }
    })
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n\n${usage()}`)
    process.exit(2)
  }
})()
const { values, positionals } = parsed

if (values.help) {
  console.log(usage())
  process.exit(0)
}

const known = ["match", "e2e", "recovery"]
const suites = positionals.length === 0 ? known : positionals
for (const s of suites) {
  if (!known.includes(s)) {
    console.error(`unknown suite ${JSON.stringify(s)} (known: ${known.join(", ")})`)
    process.exit(2)
  }
}
const int = (name: string, s: string): number => {
  const n = Number(s)
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`--${name}: expected a positive integer, got ${JSON.stringify(s)}`)
    process.exit(2)
  }
  return n
}
const log = (s: string) => console.error(`[bench] ${s}`)
const loadNow = () => Math.round(loadavg()[0]! * 100) / 100
// --job-only is for development: its figures lack the floor they are compared with.
const write = !values["no-write"] && !values["job-only"]

for (const suite of suites) {
  const m = machine()
  if (suite === "recovery") {
    // A separate process: its own embedded store and simulator, its own figures file.
    const { spawnSync } = await import("node:child_process")
    const args = ["bench/recovery.ts", "--count", values["recovery-count"], "--missing", values.missing, "--rate", values.rate]
    if (!write) args.push("--no-write")
    const r = spawnSync(process.execPath, args, { stdio: "inherit" })
    if (r.status !== 0) process.exitCode = 1
    continue
  }
  if (suite === "match") {
    const options = {
      interactions: int("interactions", values.interactions ?? (values.quick ? "2000" : "10000")),
      phraseCounts: values.phrases.split(",").map((p) => int("phrases", p.trim())),
      runs: int("runs", values.runs ?? (values.quick ? "3" : "9")),
      baselineSeconds: values.quick ? 1 : 3,
      ...(values["batch-blocks"] === undefined ? {} : { batchBlocks: int("batch-blocks", values["batch-blocks"]) }),
      peers: !values["no-peers"]
    }
    const result = await runMatch({ ...options, log })
    console.log(`\nTopic matching — ${m.cpu}, ${m.cores} cores, Node ${m.node}, load ${m.loadAtStart}`)
    console.log(`corpus: ${result.corpus.blocks} blocks, ${result.corpus.mb} MB; medians of ${result.runs} runs\n`)
    console.log(matchTable(result))
    if (write) log(`wrote ${writeResult({ suite: "match", machine: { ...m, loadAtEnd: loadNow() }, options, result })}`)
  } else {
    const flags = values["node-flags"]?.split(" ").filter((f) => f !== "")
    const variants = values.variants.split(",").map((v) => v.trim()).filter((v) => v !== "")
    for (const v of variants) {
      if (!(v in jobVariants)) {
        console.error(`--variants: unknown variant ${JSON.stringify(v)} (known: ${Object.keys(jobVariants).join(", ")})`)
        process.exit(2)
      }
    }
    const options = {
      count: int("count", values.count),
      pageSize: int("page-size", values["page-size"]),
      keep: values.keep,
      data: values.data,
      skipRead: values["job-only"],
      variants: variants as Array<JobVariant>,
      daemonFlags: flags ?? [],
      readFlags: flags ?? [...daemonHeapFlags(1)]
    }
    const result = await runE2e({ ...options, log })
    console.log(`\nEnd to end — ${m.cpu}, ${m.cores} cores, Node ${m.node}, load ${m.loadAtStart} at start, ${loadNow()} at end\n`)
    console.log(e2eTable(result, m.cores))
    if (write) log(`wrote ${writeResult({ suite: "e2e", machine: { ...m, loadAtEnd: loadNow() }, options, result })}`)
  }
}
if (write) {
  writeSummary()
  log(`wrote ${resultsFile}`)
}
