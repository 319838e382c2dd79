import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { Nats } from "../nats/Nats.ts"
import { Metrics } from "./Metrics.ts"

/**
 * Whether the daemon's NATS connection is up, followed from the client's status events: the
 * connection is lost on a server restart or pause and comes back by itself (the client
 * reconnects forever). Shown as `rewind_nats_connected`, counted in
 * `rewind_nats_disconnects_total`, and in `/readyz`.
 */
export class NatsLink extends Context.Service<NatsLink, {
  readonly connected: Effect.Effect<boolean>
  /** Times the connection was lost since the daemon started. */
  readonly disconnects: Effect.Effect<number>
}>()("rewind/daemon/NatsLink") {
  static readonly layer = Layer.effect(
    NatsLink,
    Effect.gen(function*() {
      const { nc } = yield* Nats
      const metrics = yield* Metrics
      let up = !nc.isClosed()
      let lost = 0
      metrics.natsConnected.set(up ? 1 : 0)
      yield* Stream.fromAsyncIterable(nc.status(), (e) => e).pipe(
        Stream.runForEach((s) =>
          Effect.sync(() => {
            if (s.type === "disconnect") {
              up = false
              lost++
              metrics.natsDisconnects.inc()
            } else if (s.type === "reconnect") {
              up = true
            } else if (s.type === "close") {
              up = false
            } else {
              return
            }
            metrics.natsConnected.set(up ? 1 : 0)
          })
        ),
        Effect.ignore,
        Effect.forkScoped
      )
      return NatsLink.of({ connected: Effect.sync(() => up && !nc.isClosed()), disconnects: Effect.sync(() => lost) })
    })
  )
}
