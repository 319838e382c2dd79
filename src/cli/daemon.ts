import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as References from "effect/References"
import { Command } from "effect/cli"
import { getHeapStatistics } from "node:v8"
import { type AllSettings, AllSettingsConfig, daemonLayer } from "../daemon/main.ts"
import { heapProblem } from "../daemon/heap.ts"
import { ensureDaemonHeap } from "../daemon/heapFlags.ts"
import { version } from "../daemon/version.ts"
import { displayStoreUrl } from "../domain/redact.ts"
import { CliFailure } from "./output.ts"

/** Structured JSON logs on stdout, at the configured level. */
export const jsonLogging = (level: "Trace" | "Debug" | "Info" | "Warn" | "Error") =>
  Layer.mergeAll(Logger.layer([Logger.consoleJson]), Layer.succeed(References.MinimumLogLevel, level))

/** The daemon's layers launched, with its first and last log lines. */
const runLaunched = (settings: AllSettings) => Effect.gen(function*() {
  const heapLimit = getHeapStatistics().heap_size_limit
  yield* Effect.logInfo("rewind daemon starting", {
    version,
    prefix: settings.nats.prefix,
    clickhouse: settings.clickhouse.url === undefined ? "embedded" : "server",
    // The server, credentials masked (CLICKHOUSE_URL may carry user:password@ or an access_token).
    ...(settings.clickhouse.url === undefined ? {} : { clickhouseUrl: displayStoreUrl(settings.clickhouse.url) }),
    httpPort: settings.daemon.httpPort,
    jobConcurrency: settings.daemon.jobConcurrency,
    heapLimitMB: Math.floor(heapLimit / (1024 * 1024)),
    mallocArenaMax: process.env["MALLOC_ARENA_MAX"] ?? "glibc's default",
    mallocMmapThreshold: process.env["MALLOC_MMAP_THRESHOLD_"] ?? "glibc's default",
    compileCache: process.env["NODE_COMPILE_CACHE"] ?? "off"
  })
  return yield* Layer.launch(daemonLayer(settings)).pipe(
    Effect.onInterrupt(() => Effect.logInfo("rewind daemon stopped"))
  )
})

/** Runs the daemon until SIGTERM/SIGINT: then stops taking commands, checkpoints, drains NATS, closes ClickHouse. */
export const runDaemon = Effect.gen(function*() {
  const settings = yield* AllSettingsConfig
  // Started without a heap size or malloc arenas of its own: start again with the daemon's (this does not return).
  ensureDaemonHeap(settings.daemon.jobConcurrency)
  const heapLimit = getHeapStatistics().heap_size_limit
  const problem = heapProblem(heapLimit, settings.daemon.jobConcurrency)
  if (problem !== undefined) return yield* Effect.fail(new CliFailure(problem))
  // Every line the daemon logs names its instance (REWIND_INSTANCE): several daemons share a job.
  return yield* runLaunched(settings).pipe(Effect.annotateLogs({ instance: settings.daemon.instanceName }))
}).pipe(
  Effect.provide(Layer.unwrap(Effect.map(AllSettingsConfig, (s) => jsonLogging(s.daemon.logLevel))))
)

export const daemonCommand = Command.make("daemon", {}, () => runDaemon).pipe(
  Command.withDescription("Run the daemon: consume commands, run jobs, answer queries, serve /metrics")
)
