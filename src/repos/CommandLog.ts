import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { Nats, type NatsError } from "../nats/Nats.ts"
import { jsonKv } from "../nats/JsonKv.ts"

const Entry = Schema.Struct({ subject: Schema.String, streamSeq: Schema.Int, at: Schema.String })

/** Processed client commandIds (idempotency keys), kept for the bucket's TTL. */
export class CommandLog extends Context.Service<CommandLog, {
  /** Records the id; false when it was already recorded (a duplicate to ignore). */
  claim(commandId: string, subject: string, streamSeq: number): Effect.Effect<boolean, NatsError>
  /** Forgets an id (the command failed before it took effect, so a retry is allowed). */
  release(commandId: string): Effect.Effect<void, NatsError>
}>()("rewind/repos/CommandLog") {
  static readonly layer = Layer.effect(
    CommandLog,
    Effect.gen(function*() {
      const nats = yield* Nats
      const kv = yield* jsonKv(nats.names.commandsBucket, Entry)
      const claim = Effect.fn("CommandLog.claim")(function*(commandId: string, subject: string, streamSeq: number) {
        const existing = yield* kv.get(commandId)
        // A redelivery of the very message that claimed the id is not a duplicate.
        if (Option.isSome(existing)) return existing.value.value.streamSeq === streamSeq
        const created = yield* kv.create(commandId, { subject, streamSeq, at: new Date().toISOString() })
        return Option.isSome(created)
      })
      const release = Effect.fn("CommandLog.release")(function*(commandId: string) {
        yield* kv.delete(commandId)
      })
      return CommandLog.of({ claim, release })
    })
  )
}
