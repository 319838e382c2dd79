/** What the live-ingestion and recovery tests share: the daemon's platform settings for a simulator, a daemon on it, and the ingest dead letters. */
import { Effect, Redacted } from "effect"
import { Nats } from "../../src/nats/Nats.ts"
import type { PlatformSettings } from "../../src/platform/PlatformConfig.ts"
import { ModelRepo } from "../../src/repos/ModelRepo.ts"
import { exampleModel } from "../../src/seed/generate.ts"
import { seedStore } from "../../src/seed/seedStore.ts"
import type { Backend } from "./clickhouse.ts"
import { startDaemon, type TestDaemon, tempDataDir, testSettings } from "./daemon.ts"
import { uniquePrefix } from "./nats.ts"

/** Platform settings for `rewind sim` at `url` (client "c", secret "s"), generous limits unless given. */
export const simPlatform = (url: string, o: Partial<Pick<PlatformSettings, "maxRetries" | "pageSize" | "rateLimitPerMinute" | "timeoutMs">> = {}): PlatformSettings => ({
  apiUrl: url,
  loginUrl: url,
  clientId: "c",
  clientSecret: Redacted.make("s"),
  pageSize: o.pageSize ?? 100,
  rateLimitPerMinute: o.rateLimitPerMinute ?? 30_000,
  timeoutMs: o.timeoutMs ?? 10_000,
  maxRetries: o.maxRetries ?? 5,
  pagingLimit: 100_000
})

/** Every dead letter of the ingest subject: its reason by the original's stream sequence. */
export const ingestDeadLetters = async (nats: Nats["Service"]): Promise<Map<number, string>> => {
  const info = await nats.jsm.streams.info(nats.names.dlqStream)
  const out = new Map<number, string>()
  if (info.state.messages === 0) return out
  const consumer = await nats.js.consumers.get(nats.names.dlqStream)
  const batch = await consumer.fetch({ max_messages: info.state.messages, expires: 2_000 })
  for await (const m of batch) {
    if (m.subject.endsWith(".ingest.conversation")) out.set(Number(m.headers?.get("Rewind-Original-Seq")), m.headers?.get("Rewind-Reason") ?? "")
    if (m.info.pending === 0) break
  }
  return out
}

/**
 * A daemon reading the simulator at `simUrl` (live ingestion and recovery on), its store seeded as
 * `seeded` (the simulator's data less its missing share) and the example model pushed; with the
 * daemon's NATS connection.
 */
export const startSimDaemon = async (
  simUrl: string,
  seeded: Parameters<typeof seedStore>[0],
  o: { readonly label: string; readonly backend?: Backend; readonly platform?: Parameters<typeof simPlatform>[1] }
): Promise<{ readonly daemon: TestDaemon; readonly nats: Nats["Service"] }> => {
  const daemon = await startDaemon({
    ...testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir(o.label), backend: o.backend ?? "embedded" }),
    platform: simPlatform(simUrl, o.platform)
  })
  const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
  await run(seedStore(seeded))
  await run(Effect.gen(function*() { return yield* (yield* ModelRepo).push(exampleModel(), "test") }))
  return { daemon, nats: await run(Effect.gen(function*() { return yield* Nats })) }
}
