import { Effect, Layer, Logger, ManagedRuntime, Option, References } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { DaemonSettings } from "../../src/daemon/config.ts"
import type { RecoveryRun } from "../../src/domain/recovery.ts"
import { type AllSettings, daemonCoreLayer } from "../../src/daemon/main.ts"
import type { TopicModel } from "../../src/domain/topicModel.ts"
import { requestApi } from "../../src/nats/Service.ts"
import { ModelRepo } from "../../src/repos/ModelRepo.ts"
import { type SeedStoreOptions, seedStore } from "../../src/seed/seedStore.ts"
import { type Backend, clickhouseSettings } from "./clickhouse.ts"
import { testNatsUrl } from "./nats.ts"

export const tempDataDir = (label: string) => mkdtempSync(join(tmpdir(), `rewind-${label}-`))

/** The database of a test's daemons: `rewind` embedded (the test's own data dir), `rewind_<prefix>` on the shared server. */
export const testDatabase = (backend: Backend, prefix: string): string => (backend === "server" ? `rewind_${prefix}` : "rewind")

export const testSettings = (o: {
  readonly prefix: string
  readonly dataDir: string
  /** Default embedded. */
  readonly backend?: Backend
  readonly daemon?: Partial<DaemonSettings>
}): AllSettings => ({
  nats: { servers: [testNatsUrl()], prefix: o.prefix },
  clickhouse: clickhouseSettings(o.backend ?? "embedded", { dataDir: o.dataDir, database: testDatabase(o.backend ?? "embedded", o.prefix) }),
  daemon: {
    httpPort: 0,
    httpHost: "127.0.0.1",
    jobConcurrency: 1,
    pageSize: 50,
    quotaAgents: 1,
    billingEnabled: true,
    maxJobInteractions: 250_000,
    maxCommandBytes: 64 * 1024,
    logLevel: "Warn",
    recoveryIntervalMinutes: 0,
    recoverySettleMinutes: 30,
    recoveryLookBackHours: 24,
    takeoverAfterSeconds: 30,
    natsWaitSeconds: 300,
    workItemInteractions: 10_000,
    autoReprocessDays: 0,
    autoReprocess: "propose",
    instanceName: "test",
    ...o.daemon
  }
})

const quietLogs = Layer.mergeAll(Logger.layer([Logger.consolePretty()]), Layer.succeed(References.MinimumLogLevel, process.env["REWIND_TEST_LOG_LEVEL"] === "Info" ? "Info" : "Error"))

/** A running daemon (command consumer, job runner, service API) in this process. */
export const startDaemon = async (settings: AllSettings) => {
  const runtime = ManagedRuntime.make(daemonCoreLayer(settings).pipe(Layer.provideMerge(quietLogs)))
  await runtime.runPromise(Effect.void)
  return runtime
}

export type TestDaemon = Awaited<ReturnType<typeof startDaemon>>

/** A daemon on `settings` with `seed` written to its store (its missing share left out) and `model` pushed (revision 1). */
export const startSeededDaemon = async (settings: AllSettings, seed: SeedStoreOptions, model: TopicModel) => {
  const daemon = await startDaemon(settings)
  await daemon.runPromise(seedStore(seed))
  await daemon.runPromise(Effect.gen(function*() { yield* (yield* ModelRepo).push(model, "test") }))
  return daemon
}

/** Polls until `f` returns a value (not undefined), or fails after `timeoutMs`. */
export const eventually = async <A>(f: () => Promise<A | undefined>, timeoutMs = 60_000, what = "condition"): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const v = await f()
      if (v !== undefined) return v
    } catch (e) {
      last = e
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`)
}

/** The recovery run, once it has ended (Completed or Failed), asked through `daemon`'s service API. */
export const recoveryRunEnded = (daemon: TestDaemon, runId: string, timeoutMs: number): Promise<RecoveryRun> =>
  eventually(async () => {
    const r = await daemon.runPromise(requestApi("recovery.get", { runId }).pipe(Effect.option))
    return Option.isSome(r) && ["Completed", "Failed"].includes((r.value as RecoveryRun).status) ? r.value as RecoveryRun : undefined
  }, timeoutMs, `recovery run ${runId}`)
