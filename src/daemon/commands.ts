import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import { EditRefusal, JobCreate, JobRef, JobRevert } from "../domain/job.ts"
import { RecoveryRunCommand } from "../domain/recovery.ts"
import type { RecoveryRepo } from "../repos/RecoveryRepo.ts"
import { RecoveryRunner } from "./recovery/RecoveryRunner.ts"
import { requestRecovery } from "./recovery/request.ts"
import { decodeStrict, parseJson } from "../domain/validation.ts"
import { type CommandMessage, commandStream } from "../nats/CommandSource.ts"
import { deadLetter } from "../nats/DeadLetter.ts"
import { Nats, type NatsError } from "../nats/Nats.ts"
import type { JobRepo } from "../repos/JobRepo.ts"
import type { WorkItemRepo } from "../repos/WorkItemRepo.ts"
import type { ModelRepo } from "../repos/ModelRepo.ts"
import type { StoreError } from "../store/ClickHouse.ts"
import type { InteractionStore } from "../store/InteractionStore.ts"
import type { JobResultStore } from "../store/JobResultStore.ts"
import { CommandLog } from "../repos/CommandLog.ts"
import { DaemonSettingsService } from "./DaemonSettingsService.ts"
import { cancelJob } from "./jobs/cancel.ts"
import { createJob } from "./jobs/create.ts"
import { deleteJob } from "./jobs/delete.ts"
import { confirmJob } from "./jobs/confirm.ts"
import { revertJob } from "./jobs/revert.ts"
import { retryJob } from "./jobs/retry.ts"
import { Rejected, type RejectionKind } from "./jobs/errors.ts"
import { JobRunner } from "./jobs/JobRunner.ts"
import { Metrics } from "./Metrics.ts"

/** Deliveries before a command that keeps failing on infrastructure is dead-lettered. */
export const maxDeliveries = 5

const decodeCreate = decodeStrict(JobCreate)
const decodeRef = decodeStrict(JobRef)
const decodeRecovery = decodeStrict(RecoveryRunCommand)
const decodeRevert = decodeStrict(JobRevert)

const editVerbs = new Set(["update", "edit", "patch", "modify", "put"])

/** `job.update` and its kin: refused as an edit whatever the body (empty, not JSON, too large). */
const isEdit = (type: string): boolean => {
  const [noun, verb] = type.split(".")
  return noun === "job" && verb !== undefined && editVerbs.has(verb)
}

type Decoded =
  | { readonly _tag: "create"; readonly cmd: JobCreate; readonly requestedMediaTypes: ReadonlyArray<string> }
  | { readonly _tag: "cancel" | "delete" | "retry" | "confirm"; readonly cmd: JobRef }
  | { readonly _tag: "recovery"; readonly cmd: RecoveryRunCommand }
  | { readonly _tag: "revert"; readonly cmd: JobRevert }

/** Decodes a command body by its type, or says precisely why not. */
const decodeCommand = (type: string, body: unknown): Effect.Effect<Decoded, Rejected> => {
  const invalid = (i: { reason: string; field: string | undefined }) =>
    Effect.fail(new Rejected({ reason: i.reason, ...(i.field ? { field: i.field } : {}) }))
  if (type === "job.create") {
    const r = decodeCreate(body)
    // Decoded: `mediaTypes` is a list of accepted names, kept as spelled for the read-back.
    const requestedMediaTypes = (body as { readonly mediaTypes: ReadonlyArray<string> }).mediaTypes
    return Result.isSuccess(r) ? Effect.succeed({ _tag: "create", cmd: r.success, requestedMediaTypes }) : invalid(r.failure)
  }
  if (type === "job.revert") {
    const r = decodeRevert(body)
    return Result.isSuccess(r) ? Effect.succeed({ _tag: "revert", cmd: r.success }) : invalid(r.failure)
  }
  if (type === "recovery.run") {
    const r = decodeRecovery(body)
    return Result.isSuccess(r) ? Effect.succeed({ _tag: "recovery", cmd: r.success }) : invalid(r.failure)
  }
  if (type === "job.cancel" || type === "job.delete" || type === "job.retry" || type === "job.confirm") {
    const r = decodeRef(body)
    const tag = type === "job.cancel" ? "cancel" : type === "job.delete" ? "delete" : type === "job.retry" ? "retry" : "confirm"
    return Result.isSuccess(r) ? Effect.succeed({ _tag: tag, cmd: r.success }) : invalid(r.failure)
  }
  return Effect.fail(
    new Rejected({
      kind: "unknown_command",
      reason: `unknown command ${JSON.stringify(type)}: expected one of job.create, job.cancel, job.delete, job.retry, job.confirm, job.revert, recovery.run`
    })
  )
}

/** Decode + apply one command. Rejected → dead letter; other failures → retry. */
const apply = (type: string, body: unknown, msg: CommandMessage) =>
  Effect.gen(function*() {
    const runner = yield* JobRunner
    const recoveryRunner = yield* RecoveryRunner
    const log = yield* CommandLog
    const decoded = yield* decodeCommand(type, body)
    const commandId = decoded.cmd.commandId
    if (commandId !== undefined) {
      const fresh = yield* log.claim(commandId, msg.subject, msg.streamSeq)
      if (!fresh) return "duplicate" as const
    }
    const run: Effect.Effect<unknown, Rejected | NatsError | StoreError, JobRepo | WorkItemRepo | ModelRepo | InteractionStore | JobResultStore | Nats | DaemonSettingsService | RecoveryRepo> =
      decoded._tag === "recovery"
        ? requestRecovery(decoded.cmd, msg.streamSeq, recoveryRunner.configured)
        : decoded._tag === "create"
        ? createJob(decoded.cmd, msg.streamSeq, decoded.requestedMediaTypes)
        : decoded._tag === "cancel"
        ? cancelJob(decoded.cmd.jobId)
        : decoded._tag === "retry"
        ? retryJob(decoded.cmd.jobId)
        : decoded._tag === "confirm"
        ? confirmJob(decoded.cmd.jobId)
        : decoded._tag === "revert"
        ? revertJob(decoded.cmd, msg.streamSeq)
        : deleteJob(decoded.cmd.jobId)
    yield* run.pipe(
      // A command that did not take effect may be sent again with the same commandId.
      Effect.tapError(() => (commandId === undefined ? Effect.void : log.release(commandId).pipe(Effect.ignore)))
    )
    yield* (decoded._tag === "recovery" ? recoveryRunner.wake : runner.wake)
    return "accepted" as const
  })

const commandIdOf = (body: unknown): string | undefined =>
  typeof body === "object" && body !== null && "commandId" in body && typeof body.commandId === "string"
    ? body.commandId.slice(0, 200)
    : undefined

/** Handles one message from the command stream; never fails (the consumer keeps going). */
export const handleCommand = (msg: CommandMessage) =>
  Effect.gen(function*() {
    const nats = yield* Nats
    const settings = yield* DaemonSettingsService
    const metrics = yield* Metrics
    const prefix = `${nats.names.prefix}.cmd.`
    const type = msg.subject.startsWith(prefix) ? msg.subject.slice(prefix.length) : msg.subject
    const metricType = ["job.create", "job.cancel", "job.delete", "job.retry", "job.confirm", "job.revert", "recovery.run"].includes(type) ? type : "unknown"
    const count = (outcome: string) => Effect.sync(() => metrics.commands.inc({ type: metricType, outcome }))

    const reject = (kind: RejectionKind, reason: string, field?: string, commandId?: string) =>
      Effect.gen(function*() {
        yield* Effect.logWarning("command rejected", { subject: msg.subject, streamSeq: msg.streamSeq, reason, field })
        yield* deadLetter(msg, {
          reason,
          ...(field === undefined ? {} : { field }),
          ...(commandId === undefined ? {} : { commandId })
        })
        yield* count("rejected")
        metrics.commandsRejected.inc({ reason: kind })
      })

    const tooLarge = msg.data.length > settings.maxCommandBytes
    if (isEdit(type)) {
      // before the body is read: an edit is refused as one even when its body is not a command
      const body = tooLarge ? undefined : Result.getOrUndefined(parseJson(msg.data))
      return yield* reject("edit", EditRefusal, undefined, commandIdOf(body))
    }
    if (tooLarge) {
      return yield* reject("malformed", `command is ${msg.data.length} bytes, over the limit of ${settings.maxCommandBytes} bytes`)
    }
    const parsed = parseJson(msg.data)
    if (Result.isFailure(parsed)) return yield* reject("malformed", parsed.failure.reason)
    const body = parsed.success
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return yield* reject("malformed", "a command must be a JSON object")
    }

    const outcome = yield* apply(type, body, msg).pipe(
      Effect.map((o) => ({ _tag: "ok" as const, o })),
      Effect.catchTag("Rejected", (r) => Effect.succeed({ _tag: "rejected" as const, r })),
      Effect.catch((e) => Effect.succeed({ _tag: "retry" as const, e }))
    )
    switch (outcome._tag) {
      case "ok":
        yield* msg.ack()
        if (outcome.o === "duplicate") yield* Effect.logInfo("duplicate command ignored", { subject: msg.subject, commandId: commandIdOf(body) })
        return yield* count(outcome.o)
      case "rejected":
        return yield* reject(outcome.r.kind ?? "invalid", outcome.r.reason, outcome.r.field, commandIdOf(body))
      case "retry": {
        const error = String((outcome.e as { message?: string }).message ?? outcome.e)
        if (msg.deliveryCount >= maxDeliveries) {
          return yield* reject("infrastructure", `could not be applied after ${msg.deliveryCount} attempts: ${error}`, undefined, commandIdOf(body))
        }
        yield* Effect.logWarning("command failed; will retry", { subject: msg.subject, error, delivery: msg.deliveryCount })
        yield* msg.nak(1_000 * msg.deliveryCount)
        return yield* count("retried")
      }
    }
  }).pipe(
    Effect.catchCause((cause) => Effect.logError("command handling failed", { subject: msg.subject, cause: String(cause) }))
  )

/** The command consumer: one command at a time, in stream order, for the layer's lifetime. */
export const CommandConsumerLive = Layer.effectDiscard(
  commandStream.pipe(
    Stream.mapEffect(handleCommand),
    Stream.runDrain,
    Effect.tapCause((cause) => Effect.logError("command consumer stopped", { cause: String(cause) })),
    Effect.forkScoped
  )
)
