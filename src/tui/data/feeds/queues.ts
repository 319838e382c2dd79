import type { ConsumerInfo, StreamInfo } from "@nats-io/jetstream"
import * as Effect from "effect/Effect"
import { Nats } from "../../../nats/Nats.ts"
import { applyQueuePoll, type QueueObservation, queueTargets } from "../queues.ts"
import type { TuiState } from "../state.ts"
import type { Store } from "../store.ts"
import { durableConsumers, messageOf, streamInfo } from "./streams.ts"

const streamSample = (i: StreamInfo, t: number) => ({ t, messages: i.state.messages, bytes: i.state.bytes, seq: i.state.last_seq })

const consumerObservation = (stream: string, c: ConsumerInfo, t: number): QueueObservation => ({
  id: `${stream}/${c.name}`,
  kind: "consumer",
  name: c.name,
  sample: {
    t,
    messages: c.num_pending,
    bytes: 0,
    seq: c.delivered.stream_seq,
    pending: c.num_pending,
    ackPending: c.num_ack_pending,
    redelivered: c.num_redelivered
  }
})

/** One look at every Rewind stream and its durable consumers, in display order. */
export const observeQueues = Effect.gen(function*() {
  const { names } = yield* Nats
  const targets = queueTargets(names)
  const found = yield* Effect.forEach(targets, (target) =>
    Effect.gen(function*() {
      const info = yield* streamInfo(target.stream)
      const t = Date.now()
      const consumers = info !== undefined && target.consumers === true ? yield* durableConsumers(target.stream) : []
      const rows: Array<QueueObservation> = [
        { id: target.id, kind: target.kind, name: target.name, sample: info === undefined ? undefined : streamSample(info, t) },
        ...consumers.sort((a, b) => a.name.localeCompare(b.name)).map((c) => consumerObservation(target.stream, c, t))
      ]
      // the daemons' shared consumer is always listed, created or not
      if (target.kind === "commands" && !consumers.some((c) => c.name === names.cmdConsumer)) {
        rows.splice(1, 0, { id: `${target.stream}/${names.cmdConsumer}`, kind: "consumer", name: names.cmdConsumer, sample: undefined })
      }
      return rows
    }), { concurrency: 4 })
  return found.flat()
})

/** Polls the streams every `refreshMs`, keeping `historyMs` of rates per row. */
export const pollQueues = (store: Store<TuiState>, refreshMs: number, historyMs = 10 * 60_000) => {
  const historySize = Math.max(10, Math.ceil(historyMs / refreshMs))
  return observeQueues.pipe(
    Effect.tap((observed) => Effect.sync(() => store.update((s) => ({ ...s, queues: applyQueuePoll(s.queues, observed, Date.now(), historySize) })))),
    Effect.catch((e) => Effect.sync(() => store.update((s) => ({ ...s, queues: { ...s.queues, error: messageOf(e) } })))),
    Effect.andThen(Effect.sleep(refreshMs)),
    Effect.forever
  )
}
