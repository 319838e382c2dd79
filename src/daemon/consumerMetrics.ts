import { Effect, Layer, Schedule } from "effect"
import { Nats, natsTry } from "../nats/Nats.ts"
import { Metrics } from "./Metrics.ts"

/** Polls the command consumer's backlog into `rewind_consumer_pending_messages` every 5 s. */
export const ConsumerMetricsLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const { jsm, names } = yield* Nats
    const metrics = yield* Metrics
    yield* natsTry("reading the command consumer", () => jsm.consumers.info(names.cmdStream, names.cmdConsumer)).pipe(
      Effect.tap((info) =>
        Effect.sync(() => {
          metrics.consumerPending.set({ consumer: "commands" }, info.num_pending)
          metrics.consumerAckPending.set({ consumer: "commands" }, info.num_ack_pending)
          metrics.consumerRedelivered.set({ consumer: "commands" }, info.num_redelivered)
        })
      ),
      Effect.ignore,
      Effect.repeat(Schedule.spaced("5 seconds")),
      Effect.forkScoped
    )
  })
)
