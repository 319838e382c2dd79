import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { HttpRouter, HttpServerResponse } from "effect/http"
import type { ServeError } from "effect/http/HttpServerError"
import { createServer } from "node:http"
import { ClickHouse } from "../store/ClickHouse.ts"
import { DaemonSettingsService } from "./DaemonSettingsService.ts"
import { Metrics } from "./Metrics.ts"
import { NatsLink } from "./natsLink.ts"

/** `/metrics` (Prometheus text), `/healthz` (the process is up), `/readyz` (NATS connected and ClickHouse answers). */
const Routes = HttpRouter.use((router: HttpRouter.HttpRouter) => Effect.gen(function*() {
  const metrics = yield* Metrics
  const link = yield* NatsLink
  const ch = yield* ClickHouse
  yield* router.add("GET", "/healthz", Effect.succeed(HttpServerResponse.text("ok\n")))
  yield* router.add(
    "GET",
    "/readyz",
    Effect.gen(function*() {
      const natsOk = yield* link.connected
      const chOk = yield* Effect.tryPromise(() => ch.client.ping()).pipe(
        Effect.map((r) => r.success),
        Effect.orElseSucceed(() => false)
      )
      const body = `nats: ${natsOk ? "ok" : "down"}\nclickhouse: ${chOk ? "ok" : "down"}\n`
      return HttpServerResponse.text(body, { status: natsOk && chOk ? 200 : 503 })
    })
  )
  yield* router.add(
    "GET",
    "/metrics",
    Effect.promise(() => metrics.registry.metrics()).pipe(
      Effect.map((text) => HttpServerResponse.text(text, { contentType: metrics.registry.contentType }))
    )
  )
}))

export const HttpLive: Layer.Layer<never, ServeError, Metrics | NatsLink | ClickHouse | DaemonSettingsService> = Layer.unwrap(
  Effect.gen(function*() {
    const s = yield* DaemonSettingsService
    return HttpRouter.serve(Routes, { disableLogger: true }).pipe(
      Layer.provide(NodeHttpServer.layer(createServer, { port: s.httpPort, host: s.httpHost }))
    )
  })
)
