import { headers } from "@nats-io/transport-node"
import * as Effect from "effect/Effect"
import type { CommandMessage } from "./CommandSource.ts"
import { publishEvent } from "./Events.ts"
import { Nats, natsTry } from "./Nats.ts"

export interface Rejection {
  /** Why the command was refused, for people (e.g. "dateEnd: expected an ISO-8601 date-time"). */
  readonly reason: string
  /** The offending field's path, when one is to blame. */
  readonly field?: string | undefined
  /** The client's idempotency key, when the command carried a readable one. */
  readonly commandId?: string | undefined
}

/** Header values are single-line and bounded. */
const headerValue = (s: string): string => s.replace(/[\r\n]+/g, " ").slice(0, 1024)

/**
 * Refuses a command for good: keeps its original bytes in the dead-letter stream (with the
 * reason in headers), announces `command.rejected`, then terminates it so it is never
 * redelivered. A failure to store or announce fails with NatsError and leaves the message
 * unterminated, so it is redelivered and rejected again rather than silently lost.
 */
export const deadLetter = Effect.fn("DeadLetter.deadLetter")(function*(msg: CommandMessage, rejection: Rejection) {
  const { js, names } = yield* Nats
  const h = headers()
  h.set("Rewind-Reason", headerValue(rejection.reason))
  if (rejection.field !== undefined) h.set("Rewind-Field", headerValue(rejection.field))
  if (rejection.commandId !== undefined) h.set("Rewind-Command-Id", headerValue(rejection.commandId))
  h.set("Rewind-Original-Subject", msg.subject)
  h.set("Rewind-Original-Seq", String(msg.streamSeq))
  const subject = names.dlqSubject(msg.subject)
  // its stream and sequence make a redelivered rejection a duplicate, not a second dead letter
  // (and keep a command and an ingestion event of the same sequence apart)
  yield* natsTry(`storing dead letter ${subject}`, () =>
    js.publish(subject, msg.data, { headers: h, msgID: `${msg.stream}-${msg.streamSeq}` }))
  yield* publishEvent("command.rejected", {
    ...(rejection.commandId !== undefined ? { commandId: rejection.commandId } : {}),
    subject: msg.subject,
    reason: rejection.reason,
    ...(rejection.field !== undefined ? { field: rejection.field } : {}),
    streamSeq: msg.streamSeq,
    at: new Date().toISOString()
  })
  yield* msg.term(rejection.reason)
})
