import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { FetchHttpClient, HttpClient } from "effect/http"
import * as prom from "prom-client"
import { makePlatformClient, PlatformClient } from "../platform/PlatformClient.ts"
import type { PlatformSettings } from "../platform/PlatformConfig.ts"
import { Metrics } from "./Metrics.ts"

/** The platform's paths (genesys.ts `Paths`), matched at the end of a URL's path, by endpoint. */
const endpointPatterns: ReadonlyArray<readonly [RegExp, string]> = [
  [/\/oauth\/token$/, "token"],
  [/\/api\/v2\/analytics\/conversations\/details\/query$/, "conversations.query"],
  [/\/api\/v2\/conversations\/[^/]+\/recordingmetadata$/, "recordingmetadata"],
  [/\/api\/v2\/conversations\/[^/]+\/recordings\/[^/]+$/, "recording"],
  [/\/api\/v2\/speechandtextanalytics\/topics$/, "sta.topics"],
  [/\/api\/v2\/speechandtextanalytics\/topics\/[^/]+$/, "sta.topic"],
  [/\/api\/v2\/speechandtextanalytics\/programs$/, "sta.programs"],
  [/\/api\/v2\/speechandtextanalytics\/programs\/mappings$/, "sta.mappings"]
]

/** The `endpoint` label of a request URL: the names `rewind_platform_requests_total` uses, else `other` (never an id). */
export const platformEndpoint = (url: string): string => {
  let path: string
  try {
    path = new URL(url).pathname
  } catch {
    return "other"
  }
  return endpointPatterns.find(([pattern]) => pattern.test(path))?.[1] ?? "other"
}

/** The `status` label: `2xx`, `4xx`, `5xx`…, `429` on its own (rate limited). */
export const statusClass = (status: number): string => (status === 429 ? "429" : `${Math.floor(status / 100)}xx`)

/**
 * The HTTP client the platform client uses, timing every request into
 * `rewind_platform_request_duration_seconds{endpoint,status}` (until the answer's headers):
 * `status` is the answer's class, `error` when no answer came (network), `timeout` when the
 * request was given up (PLATFORM_TIMEOUT_MS). Each attempt is one observation: retries and the
 * token request included, as in `rewind_platform_requests_total`.
 */
export const TimedHttpClient: Layer.Layer<HttpClient.HttpClient, never, Metrics> = Layer.effect(
  HttpClient.HttpClient,
  Effect.gen(function*() {
    const { registry } = yield* Metrics
    const http = yield* HttpClient.HttpClient
    const seconds = new prom.Histogram({
      name: "rewind_platform_request_duration_seconds",
      help: "Platform request latency until the answer's headers, by endpoint and status class (2xx, 4xx, 429, 5xx, error, timeout)",
      labelNames: ["endpoint", "status"],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry]
    })
    return HttpClient.transform(http, (response, request) =>
      Effect.suspend(() => {
        const end = seconds.startTimer({ endpoint: platformEndpoint(request.url) })
        return response.pipe(
          Effect.tap((r) => Effect.sync(() => end({ status: statusClass(r.status) }))),
          Effect.tapError(() => Effect.sync(() => end({ status: "error" }))),
          Effect.onInterrupt(() => Effect.sync(() => end({ status: "timeout" })))
        )
      }))
  })
).pipe(Layer.provide(FetchHttpClient.layer))

/** The platform client (PlatformClient.layerWith) over the timed HTTP client. */
export const timedPlatformClient = (s: PlatformSettings): Layer.Layer<PlatformClient, never, Metrics> =>
  Layer.effect(PlatformClient, makePlatformClient(s)).pipe(Layer.provide(TimedHttpClient))
