import * as Effect from "effect/Effect"
import { Nats, natsTry } from "./Nats.ts"

const encoder = new TextEncoder()

/**
 * Publishes `body` as JSON on `${prefix}.evt.${suffix}` through JetStream, so the events
 * stream keeps it for replay (`job watch`, the dashboard). Fails with NatsError when the
 * server did not store it; callers decide whether that matters.
 */
export const publishEvent = Effect.fn("Events.publish")(function*(suffix: string, body: unknown) {
  const { js, names } = yield* Nats
  const subject = names.evt(suffix)
  yield* natsTry(`publishing event ${subject}`, () => js.publish(subject, encoder.encode(JSON.stringify(body))))
})
