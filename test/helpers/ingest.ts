/** What the live-ingestion and recovery tests share: the daemon's platform settings for a simulator, and the ingest dead letters. */
import { Redacted } from "effect"
import type { Nats } from "../../src/nats/Nats.ts"
import type { PlatformSettings } from "../../src/platform/PlatformConfig.ts"

/** Platform settings for `rewind sim` at `url` (client "c", secret "s"), generous limits unless given. */
export const simPlatform = (url: string, o: Partial<Pick<PlatformSettings, "maxRetries" | "pageSize" | "rateLimitPerMinute">> = {}): PlatformSettings => ({
  apiUrl: url,
  loginUrl: url,
  clientId: "c",
  clientSecret: Redacted.make("s"),
  pageSize: o.pageSize ?? 100,
  rateLimitPerMinute: o.rateLimitPerMinute ?? 30_000,
  timeoutMs: 10_000,
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
