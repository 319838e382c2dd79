import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type StreamConfig
} from "@nats-io/jetstream"
import { nanos } from "@nats-io/transport-node"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { Nats, type NatsError, natsTry } from "./Nats.ts"
import type { Names } from "./names.ts"
import { isNatsOutage } from "./outage.ts"
import { checkReplicasPossible, explainReplicas } from "./replicas.ts"

const minutes = (n: number) => n * 60_000
const days = (n: number) => n * 24 * 60 * 60_000

/** A command is offered this many times; the daemon dead-letters it before the last one. */
export const CommandMaxDeliver = 5
/** How long a delivered command may stay unacknowledged before it is redelivered. */
export const CommandAckWaitMs = 60_000

type StreamSpec = Partial<StreamConfig> & { name: string }

/**
 * No message size limit of the stream's own: the server's `max_payload` governs, so whatever a
 * publisher can send reaches the daemon — which refuses what is over `REWIND_MAX_COMMAND_BYTES`,
 * keeping it in the dead-letter stream (which must hold any of them).
 */
const ServerMaxPayload = -1

/** Commands: a work queue — an acknowledged (or terminated) command leaves the stream. */
export const commandStreamConfig = (names: Names): StreamSpec => ({
  name: names.cmdStream,
  description: "Rewind commands (job.create, job.cancel, job.delete, recovery.run)",
  subjects: [names.cmdSubjects],
  retention: RetentionPolicy.Workqueue,
  storage: StorageType.File,
  max_msg_size: ServerMaxPayload,
  duplicate_window: nanos(minutes(2)),
  discard: DiscardPolicy.Old
})

/** Live ingestion: completed-conversation events, a work queue like the commands. */
export const ingestStreamConfig = (names: Names): StreamSpec => ({
  name: names.ingestStream,
  description: "Rewind live ingestion: completed-conversation events",
  subjects: [names.ingestSubjects],
  retention: RetentionPolicy.Workqueue,
  storage: StorageType.File,
  max_msg_size: ServerMaxPayload,
  duplicate_window: nanos(minutes(2)),
  discard: DiscardPolicy.Old
})

export const ingestConsumerConfig = (names: Names): Partial<ConsumerConfig> & { durable_name: string } => ({
  durable_name: names.ingestConsumer,
  description: "Rewind daemons: live ingestion",
  ack_policy: AckPolicy.Explicit,
  deliver_policy: DeliverPolicy.All,
  ack_wait: nanos(CommandAckWaitMs),
  max_deliver: CommandMaxDeliver,
  max_ack_pending: 1000,
  filter_subject: names.ingestSubjects
})

/** How long a pulled work item may go without a sign of life before another daemon gets it. */
export const WorkAckWaitMs = 30_000

/** Work items of jobs: a work queue — an item leaves the stream once a daemon acknowledges it. */
export const workStreamConfig = (names: Names): StreamSpec => ({
  name: names.workStream,
  description: "Rewind work items: ranges of jobs, pulled by every daemon",
  subjects: [names.workSubjects],
  retention: RetentionPolicy.Workqueue,
  storage: StorageType.File,
  max_msg_size: 64 * 1024,
  duplicate_window: nanos(minutes(2)),
  discard: DiscardPolicy.Old
})

/**
 * The durable pull consumer every daemon shares for work items. Redelivered after
 * `WorkAckWaitMs` without progress (the worker says `working` after every page and heartbeat),
 * as often as needed: a poison item fails its job instead of looping.
 */
export const workConsumerConfig = (names: Names): Partial<ConsumerConfig> & { durable_name: string } => ({
  durable_name: names.workConsumer,
  description: "Rewind daemons: job work items",
  ack_policy: AckPolicy.Explicit,
  deliver_policy: DeliverPolicy.All,
  ack_wait: nanos(WorkAckWaitMs),
  max_deliver: -1,
  max_ack_pending: 1000,
  filter_subject: names.workSubjects
})

export const dlqStreamConfig = (names: Names): StreamSpec => ({
  name: names.dlqStream,
  description: "Rewind dead letters: the originals of refused commands",
  subjects: [names.dlqSubjects],
  retention: RetentionPolicy.Limits,
  storage: StorageType.File,
  max_msg_size: ServerMaxPayload,
  discard: DiscardPolicy.Old
})

export const eventStreamConfig = (names: Names): StreamSpec => ({
  name: names.evtStream,
  description: "Rewind events (job and recovery state, progress, rejected commands), kept one day",
  subjects: [names.evtSubjects],
  retention: RetentionPolicy.Limits,
  storage: StorageType.File,
  max_age: nanos(days(1)),
  discard: DiscardPolicy.Old
})

/** The durable pull consumer every daemon shares (so several daemons split the commands). */
export const commandConsumerConfig = (names: Names): Partial<ConsumerConfig> & { durable_name: string } => ({
  durable_name: names.cmdConsumer,
  description: "Rewind daemons",
  ack_policy: AckPolicy.Explicit,
  deliver_policy: DeliverPolicy.All,
  ack_wait: nanos(CommandAckWaitMs),
  max_deliver: CommandMaxDeliver,
  max_ack_pending: 1000,
  filter_subject: names.cmdSubjects
})

const apiCode = (e: unknown): number | undefined => e instanceof JetStreamApiError ? e.code : undefined

/** True when a field we asked for differs from what the server has. */
const differs = (wanted: object, actual: object): boolean =>
  Object.entries(wanted).some(([k, v]) => JSON.stringify((actual as Record<string, unknown>)[k]) !== JSON.stringify(v))

/** Fewer copies than asked for (never more: a higher count set by hand or another daemon is kept). */
const tooFewReplicas = (actual: number | undefined, replicas: number) => (actual ?? 1) < replicas

const ensureStream = Effect.fn("Topology.ensureStream")(function*(config: StreamSpec) {
  const { jsm, replicas } = yield* Nats
  const what = `stream ${config.name}`
  const info = yield* natsTry(`reading ${what}`, () =>
    jsm.streams.info(config.name).catch((e) => {
      if (apiCode(e) === JetStreamApiCodes.StreamNotFound) return null
      throw e
    }))
  if (info === null) {
    // an identical concurrent creation by another daemon is accepted by the server
    yield* natsTry(`creating ${what}`, () => jsm.streams.add({ ...config, num_replicas: replicas })).pipe(
      Effect.mapError(explainReplicas(replicas))
    )
    return
  }
  const raise = tooFewReplicas(info.config.num_replicas, replicas)
  if (differs(config, info.config) || raise) {
    const { name, retention: _retention, storage: _storage, ...update } = config
    yield* natsTry(`updating ${what}`, () =>
      jsm.streams.update(name, raise ? { ...update, num_replicas: replicas } : update)).pipe(
        Effect.mapError(explainReplicas(replicas))
      )
  }
})

const ensureConsumer = Effect.fn("Topology.ensureConsumer")(function*(
  stream: string,
  config: Partial<ConsumerConfig> & { durable_name: string }
) {
  const { jsm } = yield* Nats
  const what = `consumer ${config.durable_name} on ${stream}`
  const info = yield* natsTry(`reading ${what}`, () =>
    jsm.consumers.info(stream, config.durable_name).catch((e) => {
      if (apiCode(e) === JetStreamApiCodes.ConsumerNotFound) return null
      throw e
    }))
  if (info === null) {
    yield* natsTry(`creating ${what}`, () => jsm.consumers.add(stream, config))
  } else if (differs(config, info.config)) {
    const { durable_name, deliver_policy: _deliver, ack_policy: _ack, ...update } = config
    yield* natsTry(`updating ${what}`, () => jsm.consumers.update(stream, durable_name, update))
  }
})

/** Creates or updates the shared durable command consumer (also used to recreate it). */
export const ensureCommandConsumer: Effect.Effect<void, NatsError, Nats> = Effect.gen(function*() {
  const { names } = yield* Nats
  yield* ensureConsumer(names.cmdStream, commandConsumerConfig(names))
}).pipe(Effect.withSpan("Topology.ensureCommandConsumer"))

/** The live-ingestion stream and its durable consumer. */
export const ensureIngestSource: Effect.Effect<void, NatsError, Nats> = Effect.gen(function*() {
  const { names } = yield* Nats
  yield* ensureStream(ingestStreamConfig(names))
  yield* ensureConsumer(names.ingestStream, ingestConsumerConfig(names))
}).pipe(Effect.withSpan("Topology.ensureIngestSource"))

/** The work-item stream and its durable consumer. */
export const ensureWorkSource: Effect.Effect<void, NatsError, Nats> = Effect.gen(function*() {
  const { names } = yield* Nats
  yield* ensureStream(workStreamConfig(names))
  yield* ensureConsumer(names.workStream, workConsumerConfig(names))
}).pipe(Effect.withSpan("Topology.ensureWorkSource"))

/** The command stream and its durable consumer (what the command source needs to run). */
export const ensureCommandSource: Effect.Effect<void, NatsError, Nats> = Effect.gen(function*() {
  const { names } = yield* Nats
  yield* ensureStream(commandStreamConfig(names))
  yield* ensureCommandConsumer
}).pipe(Effect.withSpan("Topology.ensureCommandSource"))

const ensureKv = Effect.fn("Topology.ensureKv")(function*(bucket: string, limits: { history: number; ttl?: number }) {
  const { kvm, jsm, replicas } = yield* Nats
  const kv = yield* natsTry(`creating KV bucket ${bucket}`, () =>
    kvm.create(bucket, { storage: StorageType.File, replicas, ...limits })).pipe(Effect.mapError(explainReplicas(replicas)))
  // `create` opens an existing bucket as it is: bring its limits and replicas up to date
  const status = yield* natsTry(`reading KV bucket ${bucket}`, () => kv.status())
  const config = status.streamInfo.config
  const wanted = { max_msgs_per_subject: limits.history, max_age: nanos(limits.ttl ?? 0) }
  const raise = tooFewReplicas(config.num_replicas, replicas)
  if (differs(wanted, config) || raise) {
    yield* natsTry(`updating KV bucket ${bucket}`, () =>
      jsm.streams.update(config.name, raise ? { ...wanted, num_replicas: replicas } : wanted)).pipe(
        Effect.mapError(explainReplicas(replicas))
      )
  }
})

const ensureObjectStore = Effect.fn("Topology.ensureObjectStore")(function*(bucket: string) {
  const { objm, jsm, replicas } = yield* Nats
  const store = yield* natsTry(`creating object store ${bucket}`, () =>
    objm.create(bucket, { storage: StorageType.File, description: "Rewind job exports", replicas })).pipe(
      Effect.mapError(explainReplicas(replicas))
    )
  // `create` opens an existing store as it is: raise its stream's replicas
  const config = (yield* natsTry(`reading object store ${bucket}`, () => store.status())).streamInfo.config
  if (tooFewReplicas(config.num_replicas, replicas)) {
    yield* natsTry(`updating object store ${bucket}`, () => jsm.streams.update(config.name, { num_replicas: replicas })).pipe(
      Effect.mapError(explainReplicas(replicas))
    )
  }
})

const ensureAll: Effect.Effect<void, NatsError, Nats> = Effect.gen(function*() {
  const { names, nc, replicas } = yield* Nats
  yield* checkReplicasPossible(nc, replicas)
  yield* ensureCommandSource
  yield* ensureIngestSource
  yield* ensureWorkSource
  yield* ensureStream(dlqStreamConfig(names))
  yield* ensureStream(eventStreamConfig(names))
  yield* ensureKv(names.jobsBucket, { history: 5 })
  yield* ensureKv(names.topicsBucket, { history: 1 })
  yield* ensureKv(names.commandsBucket, { history: 1, ttl: days(7) })
  yield* ensureKv(names.recoveryBucket, { history: 5 })
  yield* ensureKv(names.itemsBucket, { history: 1 })
  yield* ensureObjectStore(names.exportsBucket)
})

/**
 * Creates or updates every stream, consumer, KV bucket and object store Rewind uses, each with
 * at least `REWIND_NATS_REPLICAS` copies (the durable consumers follow their stream's count).
 * Idempotent, and safe when several daemons start at once. While JetStream moves things — a
 * leader election, or the copies of a stream whose replicas were just raised (its consumers
 * answer nothing for a few seconds) — its API times out: tried again for up to a minute; any
 * other failure (a replica count the servers cannot keep) fails at once.
 */
export const ensureTopology: Effect.Effect<void, NatsError, Nats> = ensureAll.pipe(
  Effect.retry({ while: isNatsOutage, schedule: Schedule.max([Schedule.spaced("500 millis"), Schedule.during("1 minute")]) }),
  Effect.withSpan("Topology.ensureTopology")
)
