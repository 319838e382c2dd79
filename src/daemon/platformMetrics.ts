import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as prom from "prom-client"
import { PlatformClient } from "../platform/PlatformClient.ts"
import type { PlatformCalls } from "../platform/transport.ts"
import { Metrics } from "./Metrics.ts"

/** Every endpoint the platform client calls (a bounded label set). */
const Endpoints = ["token", "conversations.query", "recordingmetadata", "recording", "sta.topics", "sta.topic", "sta.programs", "sta.program", "sta.mappings"]

/**
 * The platform client's counters, read at each scrape (PlatformClient.calls):
 * `rewind_platform_requests_total{endpoint}`, `rewind_platform_throttled_total` (429s),
 * `rewind_platform_retries_total`, `rewind_platform_rate_wait_seconds_total` (time requests
 * waited for their turn: the budget, Retry-After, the platform's window),
 * `rewind_platform_window_pauses_total`, and the gauges `rewind_platform_rate_limit_per_minute`
 * and `rewind_platform_rate_limit_remaining` (what the platform's last `inin-ratelimit-*` said).
 */
export const PlatformMetricsLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const platform = yield* PlatformClient
    const { registry } = yield* Metrics
    const registers = [registry]
    const read = (): PlatformCalls => Effect.runSync(platform.calls)

    /** A counter that follows one of the client's cumulative values. */
    const follow = (name: string, help: string, value: (c: PlatformCalls) => number) => {
      let counted = 0
      new prom.Counter({
        name,
        help,
        registers,
        collect() {
          const v = value(read())
          if (v > counted) this.inc(v - counted)
          counted = Math.max(counted, v)
        }
      })
    }
    follow("rewind_platform_throttled_total", "Platform answers 429 (rate limited)", (c) => c.throttled)
    follow("rewind_platform_retries_total", "Platform requests repeated after a 5xx, 408, timeout or network error", (c) => c.retries)
    follow(
      "rewind_platform_rate_wait_seconds_total",
      "Seconds platform requests waited for their turn (the budget, Retry-After, the platform's window)",
      (c) => c.rate.waitedMs / 1000
    )
    follow(
      "rewind_platform_window_pauses_total",
      "Times the platform's rate-limit window was used up and the client waited for its reset",
      (c) => c.rate.windowPauses
    )

    const requested = new Map<string, number>()
    new prom.Counter({
      name: "rewind_platform_requests_total",
      help: "Platform requests (retries and token requests included), by endpoint",
      labelNames: ["endpoint"],
      registers,
      collect() {
        const c = read()
        for (const endpoint of Endpoints) {
          const v = c.byEndpoint[endpoint] ?? 0
          const before = requested.get(endpoint) ?? 0
          if (v > before) this.inc({ endpoint }, v - before)
          requested.set(endpoint, Math.max(before, v))
        }
      }
    })
    new prom.Gauge({
      name: "rewind_platform_rate_limit_per_minute",
      help: "Requests a minute the platform client never exceeds (PLATFORM_RATE_LIMIT_PER_MINUTE)",
      registers,
      collect() {
        this.set(read().rate.perMinute)
      }
    })
    new prom.Gauge({
      name: "rewind_platform_rate_limit_remaining",
      help: "Requests left in the platform's rate-limit window, as its last inin-ratelimit headers said (-1: not said yet)",
      registers,
      collect() {
        this.set(read().rate.remaining ?? -1)
      }
    })
  })
)
