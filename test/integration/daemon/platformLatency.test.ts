/**
 * The platform client's HTTP client, as the daemon composes it (src/daemon/platformHttp.ts),
 * against a real HTTP server: every request is timed into
 * rewind_platform_request_duration_seconds{endpoint,status}, by the class of its answer, or
 * `error` (no answer) and `timeout` (given up).
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Metrics } from "../../../src/daemon/Metrics.ts"
import { TimedHttpClient } from "../../../src/daemon/platformHttp.ts"
import { freePort } from "../../../src/process/childServer.ts"
import { samplesOf } from "../../helpers/monitoring.ts"

const answers: Record<string, number | "hang"> = {
  "/api/v2/analytics/conversations/details/query": 200,
  "/api/v2/conversations/c-1/recordingmetadata": 503,
  "/oauth/token": 429,
  "/api/v2/conversations/c-1/recordings/r-1": "hang"
}

let server: Server
let base = ""
const runtime = ManagedRuntime.make(TimedHttpClient.pipe(Layer.provideMerge(Metrics.layer)))

beforeAll(async () => {
  server = createServer((req, res) => {
    const a = answers[req.url ?? ""] ?? 404
    if (a === "hang") return
    res.writeHead(a, { "content-type": "application/json" }).end("{}")
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await runtime.dispose()
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const get = (url: string) =>
  runtime.runPromise(Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    return yield* http.execute(HttpClientRequest.get(url)).pipe(
      Effect.map((r) => String(r.status)),
      Effect.timeoutOption("300 millis"),
      Effect.map((o) => (o._tag === "Some" ? o.value : "gave up")),
      Effect.catch(() => Effect.succeed("failed"))
    )
  }))

describe("the platform latency histogram", () => {
  it("times each request by endpoint and the class of its answer, no answer, or giving up", async () => {
    expect(await get(`${base}/api/v2/analytics/conversations/details/query`)).toBe("200")
    expect(await get(`${base}/api/v2/analytics/conversations/details/query`)).toBe("200")
    expect(await get(`${base}/api/v2/conversations/c-1/recordingmetadata`)).toBe("503")
    expect(await get(`${base}/oauth/token`)).toBe("429")
    expect(await get(`${base}/api/v2/conversations/c-1/recordings/r-1`)).toBe("gave up")
    expect(await get(`http://127.0.0.1:${await freePort()}/api/v2/speechandtextanalytics/topics`)).toBe("failed")

    const { registry } = await runtime.runPromise(Effect.gen(function*() { return yield* Metrics }))
    const text = await registry.metrics()
    const counts = samplesOf(text)
      .filter((s) => s.name === "rewind_platform_request_duration_seconds_count")
      .map((s) => `${s.labels["endpoint"]} ${s.labels["status"]} ${s.value}`)
      .sort()
    expect(counts).toEqual([
      "conversations.query 2xx 2",
      "recording timeout 1",
      "recordingmetadata 5xx 1",
      "sta.topics error 1",
      "token 429 1"
    ])
    const slow = samplesOf(text).find((s) => s.name === "rewind_platform_request_duration_seconds_sum" && s.labels["status"] === "timeout")!
    expect(slow.value).toBeGreaterThanOrEqual(0.29)
  })
})
