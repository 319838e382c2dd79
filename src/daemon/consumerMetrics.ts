import { Effect, Layer, Schedule } from "effect"
import { Nats, natsTry } from "../nats/Nats.ts"
import { Metrics } from "./Metrics.ts"

/**
 * Polls the backlog of the daemons' shared consumers into `rewind_consumer_pending_messages`
 * (and `_ack_pending_`, `_redelivered_`) every 5 s: `commands` and `work` (jobs' work items).
 */
export const ConsumerMetricsLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const { jsm, names } = yield* Nats
    const metrics = yield* Metrics
    const consumers = [
      { label: "commands", stream: names.cmdStream, durable: names.cmdConsumer },
      { label: "work", stream: names.workStream, durable: names.workConsumer }
    ]
    yield* Effect.forEach(consumers, (c) =>
      natsTry(`reading the ${c.label} consumer`, () => jsm.consumers.info(c.stream, c.durable)).pipe(
        Effect.tap((info) =>
          Effect.sync(() => {
            metrics.consumerPending.set({ consumer: c.label }, info.num_pending)
            metrics.consumerAckPending.set({ consumer: c.label }, info.num_ack_pending)
            metrics.consumerRedelivered.set({ consumer: c.label }, info.num_redelivered)
          })
        ),
        Effect.ignore
      ), { discard: true }).pipe(
      Effect.repeat(Schedule.spaced("5 seconds")),
      Effect.forkScoped
    )
  })
)
