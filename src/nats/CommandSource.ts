import type { ConsumerMessages, JsMsg } from "@nats-io/jetstream"
import type { NatsConnection } from "@nats-io/transport-node"
import type * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import { Nats, type NatsError, natsTry } from "./Nats.ts"
import type { Names } from "./names.ts"
import { ensureCommandSource, ensureIngestSource, ensureWorkSource } from "./Topology.ts"

/**
 * One delivered command with its acknowledgement functions (a Benthos-style input).
 * Exactly one of ack / term / nak should end its processing; `working` extends the
 * ack deadline during long work. The functions never fail: on a closed connection the
 * command is simply redelivered later.
 */
export interface CommandMessage {
  readonly subject: string
  readonly data: Uint8Array
  readonly headers: Readonly<Record<string, string>>
  /** The stream it was read from (the commands, or live ingestion): `streamSeq` counts in it. */
  readonly stream: string
  readonly streamSeq: number
  readonly redelivered: boolean
  readonly deliveryCount: number
  ack(): Effect.Effect<void>
  term(reason?: string): Effect.Effect<void>
  nak(delayMs?: number): Effect.Effect<void>
  working(): Effect.Effect<void>
}

/** Which durable consumer to read: the commands (default) or the live-ingestion events. */
export interface DurableSource {
  readonly stream: (names: Names) => string
  readonly consumer: (names: Names) => string
  /** Creates the stream and consumer when missing (also after they were deleted). */
  readonly ensure: Effect.Effect<void, NatsError, Nats>
}

export const CommandSource: DurableSource = {
  stream: (n) => n.cmdStream,
  consumer: (n) => n.cmdConsumer,
  ensure: ensureCommandSource
}

export const IngestSource: DurableSource = {
  stream: (n) => n.ingestStream,
  consumer: (n) => n.ingestConsumer,
  ensure: ensureIngestSource
}

export const WorkSource: DurableSource = {
  stream: (n) => n.workStream,
  consumer: (n) => n.workConsumer,
  ensure: ensureWorkSource
}

export interface CommandStreamOptions {
  /** The durable consumer to read (default: the commands). */
  readonly source?: DurableSource
  /** Most commands pulled ahead of processing (the consumer's batch). Default 64. */
  readonly maxMessages?: number
  /** Consecutive missed server heartbeats after which the consumer is rebuilt. Default 4. */
  readonly maxMissedHeartbeats?: number
}

/** `term` with a reason needs nats-server 2.11; older servers only understand a bare term. */
const supportsTermReason = (nc: NatsConnection): boolean => {
  const [major = 0, minor = 0] = (nc.info?.version ?? "0.0").split(".").map(Number)
  return major > 2 || (major === 2 && minor >= 11)
}

const headersOf = (m: JsMsg): Record<string, string> => {
  const out: Record<string, string> = {}
  if (m.headers !== undefined) {
    for (const [k, v] of m.headers) out[k] = v.join(", ")
  }
  return out
}

const settle = (what: string, m: JsMsg, f: () => void): Effect.Effect<void> =>
  Effect.try({ try: f, catch: (e) => e }).pipe(
    Effect.catch((e) =>
      Effect.logWarning(`could not ${what} command`, String(e)).pipe(
        Effect.annotateLogs({ subject: m.subject, streamSeq: m.seq })
      )
    )
  )

const toCommandMessage = (m: JsMsg, termReason: boolean): CommandMessage => ({
  subject: m.subject,
  data: m.data,
  headers: headersOf(m),
  stream: m.info.stream,
  streamSeq: m.seq,
  redelivered: m.redelivered,
  deliveryCount: m.info.deliveryCount,
  ack: () => settle("ack", m, () => m.ack()),
  term: (reason) => settle("term", m, () => termReason && reason !== undefined ? m.term(reason) : m.term()),
  nak: (delayMs) => settle("nak", m, () => m.nak(delayMs)),
  working: () => settle("extend", m, () => m.working())
})

/** Stops `messages` when the consumer is gone or the server went quiet, so it is rebuilt. */
const watchStatus = (messages: ConsumerMessages, maxMissed: number) =>
  Stream.fromAsyncIterable(messages.status(), (e) => e).pipe(
    Stream.runForEach((s) => {
      const lost = s.type === "consumer_deleted" || s.type === "consumer_not_found" || s.type === "stream_not_found" ||
        (s.type === "heartbeats_missed" && s.count >= maxMissed)
      return lost
        ? Effect.logWarning("command consumer lost, rebuilding it", s.type).pipe(
          Effect.andThen(Effect.sync(() => messages.stop()))
        )
        : Effect.void
    }),
    Effect.ignore
  )

type CommandQueue = Queue.Queue<CommandMessage, NatsError | Cause.Done>

/** One consume() session: pumps messages into `queue` until the iterator ends. */
const consumeOnce = (queue: CommandQueue, options: Required<CommandStreamOptions>) =>
  Effect.scoped(Effect.gen(function*() {
    const { js, nc, names } = yield* Nats
    const consumer = yield* natsTry(`opening consumer ${options.source.consumer(names)}`, () =>
      js.consumers.get(options.source.stream(names), options.source.consumer(names)))
    const messages = yield* Effect.acquireRelease(
      natsTry("starting to consume commands", () => consumer.consume({ max_messages: options.maxMessages })),
      (m) => Effect.tryPromise(() => m.close()).pipe(Effect.timeout("5 seconds"), Effect.ignore)
    )
    yield* Effect.forkScoped(watchStatus(messages, options.maxMissedHeartbeats))
    const termReason = supportsTermReason(nc)
    const iterator = messages[Symbol.asyncIterator]()
    for (;;) {
      const next = yield* natsTry("reading commands", () => iterator.next())
      if (next.done === true) return
      yield* Queue.offer(queue, toCommandMessage(next.value, termReason))
    }
  }))

/**
 * Consumes until the connection is closed (the stream then ends): a lost consumer is
 * recreated, a failure retried with backoff and logged.
 */
const pump = (queue: CommandQueue, options: Required<CommandStreamOptions>) =>
  Effect.gen(function*() {
    const { nc } = yield* Nats
    let failures = 0
    for (;;) {
      const result = yield* Effect.result(consumeOnce(queue, options))
      if (nc.isClosed()) {
        yield* Queue.end(queue)
        return
      }
      if (result._tag === "Failure") {
        failures++
        yield* Effect.logWarning("command consumer failed; retrying", result.failure.message)
      } else {
        failures = 0
      }
      const delay = Math.min(500 * 2 ** failures, 30_000)
      yield* Effect.sleep(Duration.millis(failures === 0 ? 200 : delay))
      // the stream or consumer may have been deleted: put it back
      yield* options.source.ensure.pipe(
        Effect.catch((e) => Effect.logWarning("cannot recreate the command consumer", e.message))
      )
    }
  })

/**
 * The shared durable command consumer as a stream. Pulls at most `maxMessages` ahead,
 * with back-pressure; stops (closing the pull) when the stream's scope closes.
 */
export const commandStreamWith = (options: CommandStreamOptions = {}): Stream.Stream<CommandMessage, NatsError, Nats> => {
  const resolved: Required<CommandStreamOptions> = {
    source: options.source ?? CommandSource,
    maxMessages: options.maxMessages ?? 64,
    maxMissedHeartbeats: options.maxMissedHeartbeats ?? 4
  }
  return Stream.callback<CommandMessage, NatsError, Nats>(
    (queue) => Effect.forkScoped(pump(queue, resolved)),
    { bufferSize: 1, strategy: "suspend" }
  )
}

export const commandStream: Stream.Stream<CommandMessage, NatsError, Nats> = commandStreamWith()
