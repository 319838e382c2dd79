import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { NatsError } from "../../nats/Nats.ts"

/**
 * Writes `beat` every `everyMs`, for as long as it runs. A beat NATS refused (a NatsError that
 * `beat` let through) is logged and the next one tried on time: a heartbeat must outlive a NATS
 * restart. Any other failure of `beat` (the job lost, given up) ends the loop with it.
 */
export const heartbeatLoop = <E, R>(beat: Effect.Effect<unknown, E | NatsError, R>, everyMs: number): Effect.Effect<never, Exclude<E, NatsError>, R> =>
  Effect.gen(function*() {
    for (;;) {
      yield* Effect.sleep(Duration.millis(everyMs))
      yield* beat.pipe(
        Effect.catchIf(
          (e): e is NatsError => typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "NatsError",
          (e) => Effect.logWarning("heartbeat not written; trying again at the next one", { error: e.message })
        )
      )
    }
  }) as Effect.Effect<never, Exclude<E, NatsError>, R>
