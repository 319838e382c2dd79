import { errorText } from "../../domain/errorText.ts"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import { IngestEvent, IngestWatermark } from "../../domain/recovery.ts"
import { decodeStrict, parseJson } from "../../domain/validation.ts"
import { type CommandMessage, commandStreamWith, IngestSource } from "../../nats/CommandSource.ts"
import { deadLetter } from "../../nats/DeadLetter.ts"
import { jsonKv } from "../../nats/JsonKv.ts"
import { Nats } from "../../nats/Nats.ts"
import { CommandMaxDeliver } from "../../nats/Topology.ts"
import { prepareForIngest } from "../../pipelines/ingest/detect.ts"
import { detectorCache } from "../../pipelines/ingest/detectors.ts"
import { writeIngested } from "../../pipelines/ingest/sink.ts"
import { fetchContent } from "../../pipelines/recover/fetch.ts"
import { ModelRepo } from "../../repos/ModelRepo.ts"
import { RecoveryStore } from "../../store/RecoveryStore.ts"
import { Metrics } from "../Metrics.ts"
import { resolveConversation } from "./resolve.ts"
import { advanceWatermark } from "./watermark.ts"

const decodeEvent = decodeStrict(IngestEvent)


/**
 * Live ingestion: completed-conversation events on `<prefix>.ingest.conversation` (the id, or the
 * whole conversation), through the same ingest stage as recovery (metadata, content, topics,
 * store). The ingestion watermark (recovery bucket, key `ingest-watermark`) follows the latest
 * conversation ingested, and only forward (src/daemon/ingest/watermark.ts). Not ready yet or a
 * platform failure: retried with backoff; after the last delivery, or for a bad event at once, the
 * original goes to the dead-letter stream — but a conversation whose content is still being
 * prepared, or which the platform gave no usable answer for (`noAnswer`), then goes on recovery's
 * pending list instead, which every recovery run retries.
 */
/** The run a live-ingestion event's conversation is recorded under when handed to recovery's pending list. */
export const IngestPendingRun = "live-ingestion"

export const IngestConsumerLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const nats = yield* Nats
    const models = yield* ModelRepo
    const metrics = yield* Metrics
    const marks = yield* jsonKv(nats.names.recoveryBucket, IngestWatermark)
    let compiled: { revision: number; prepare: ReturnType<typeof prepareForIngest> } | undefined

    const count = (outcome: string) => Effect.sync(() => metrics.interactions.inc({ pipeline: "ingest", outcome }))
    // Every outcome starts at 0: the first of each is seen by rate() and increase().
    for (const outcome of ["ingested", "skipped", "retried", "pending", "dead-lettered"]) metrics.interactions.inc({ pipeline: "ingest", outcome }, 0)

    const prepareWithCurrentModel = Effect.gen(function*() {
      const current = yield* models.current()
      if (Option.isNone(current)) return undefined
      if (compiled?.revision !== current.value.revision) {
        compiled = { revision: current.value.revision, prepare: prepareForIngest(current.value.model, detectorCache(current.value.model)) }
      }
      return compiled.prepare
    })

    const retryOrDeadLetter = (msg: CommandMessage, reason: string, conversationId?: string) =>
      msg.deliveryCount >= CommandMaxDeliver
        ? deadLetter(msg, { reason: `not ingested after ${msg.deliveryCount} attempts: ${reason}`, ...(conversationId ? { commandId: conversationId } : {}) })
          .pipe(Effect.andThen(count("dead-lettered")))
        : Effect.logWarning("ingest retry", { reason, delivery: msg.deliveryCount }).pipe(
          Effect.andThen(msg.nak(1_000 * 2 ** (msg.deliveryCount - 1))),
          Effect.andThen(count("retried"))
        )

    const handle = (msg: CommandMessage) =>
      Effect.gen(function*() {
        const parsed = parseJson(msg.data)
        if (Result.isFailure(parsed)) return yield* deadLetter(msg, { reason: parsed.failure.reason })
        const decoded = decodeEvent(parsed.success)
        if (Result.isFailure(decoded)) {
          return yield* deadLetter(msg, { reason: decoded.failure.reason, ...(decoded.failure.field ? { field: decoded.failure.field } : {}) })
        }
        const event = decoded.success
        const resolved = yield* resolveConversation(event).pipe(Effect.result)
        if (Result.isFailure(resolved)) {
          const e = resolved.failure
          if (e._tag === "Rejected") return yield* deadLetter(msg, { reason: e.reason, ...(e.field ? { field: e.field } : {}) })
          // A malformed answer is refused at once; one that never came whole (cut short after the retries) is tried again.
          if (e._tag === "PlatformDecodeError" && e.attempts === undefined) return yield* deadLetter(msg, { reason: e.message })
          return yield* retryOrDeadLetter(msg, errorText(e), event.conversationId)
        }
        const conversation = resolved.success
        if (conversation === undefined) {
          return yield* retryOrDeadLetter(msg, `conversation ${event.conversationId} not found on the platform`, event.conversationId)
        }
        if (conversation.mediaType === "voice" || conversation.mediaType === "callback") {
          // Voice has no text content to ingest: acknowledged, counted, nothing written.
          yield* msg.ack()
          return yield* count("skipped")
        }
        const prepare = yield* prepareWithCurrentModel
        if (prepare === undefined) return yield* retryOrDeadLetter(msg, "no topic model has been pushed yet")
        const f = yield* fetchContent(conversation)
        if (f._tag === "Pending") {
          if (msg.deliveryCount < CommandMaxDeliver) return yield* retryOrDeadLetter(msg, f.reason, f.conversation.id)
          // Still being prepared after the last try: handed to recovery's pending list, which every
          // recovery run retries whatever its period — a dead letter would be lost once the
          // recovery watermark had passed its start.
          yield* (yield* RecoveryStore).markPending(
            [{ conversationId: f.conversation.id, mediaType: f.conversation.mediaType, conversation: JSON.stringify(f.conversation) }],
            IngestPendingRun
          )
          yield* Effect.logInfo("ingest handed to recovery", { conversationId: f.conversation.id, reason: f.reason })
          yield* msg.ack()
          return yield* count("pending")
        }
        if (f._tag === "Failed") return yield* retryOrDeadLetter(msg, f.error, f.conversation.id)
        yield* writeIngested("ingest")([prepare(f.interaction)])
        yield* (yield* RecoveryStore).resolvePending([f.conversation.id])
        yield* advanceWatermark(marks, conversation)
        yield* msg.ack()
        yield* count("ingested")
      }).pipe(
        Effect.catchCause((cause) =>
          Effect.logError("ingest failed", { subject: msg.subject, cause: String(cause) }).pipe(
            Effect.andThen(retryOrDeadLetter(msg, "internal error").pipe(Effect.ignore))
          )
        )
      )

    yield* commandStreamWith({ source: IngestSource }).pipe(
      Stream.mapEffect(handle, { concurrency: 4 }),
      Stream.runDrain,
      Effect.tapCause((cause) => Effect.logError("ingest consumer stopped", { cause: String(cause) })),
      Effect.forkScoped
    )
  })
)
