import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type { NatsError } from "../../nats/Nats.ts"
import { isNatsOutage } from "../../nats/outage.ts"

/**
 * NATS did not answer for longer than the daemon waits for it. The job is not failed: it stays
 * InProgress at its checkpoint, and a daemon resumes it once NATS answers (its heartbeat is
 * stale by then).
 */
export class NatsAway extends Schema.TaggedError<NatsAway>()("NatsAway", {
  message: Schema.String,
  waitedMs: Schema.Number
}) {}

/** How a job waits for NATS, and whom it tells. */
export interface NatsWait<R = never> {
  /** Give up (NatsAway) after NATS has not answered this long. */
  readonly maxWaitMs: number
  /** A call started waiting for NATS (with the error that said so). */
  readonly onWait: (error: string) => Effect.Effect<void, never, R>
  /**
   * That call stopped waiting after `waitedMs`: NATS answered it (`answered`), or it gave up
   * (NatsAway), or it failed for another reason.
   */
  readonly onBack: (waitedMs: number, answered: boolean) => Effect.Effect<void, never, R>
}

/** `untilNatsAnswers` with a job's NatsWait applied: runs an idempotent NATS call through outages. */
export type Patient<R0 = never> = <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | NatsAway, R | R0>

/** Pause before try `attempt` (0-based): 250 ms doubling to 5 s, ±20 % jitter. */
export const natsBackoffMs = (attempt: number, random: number = Math.random()): number =>
  Math.round(Math.min(5_000, 250 * 2 ** attempt) * (0.8 + 0.4 * random))

const isNatsError = (e: unknown): e is NatsError =>
  typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "NatsError"

/**
 * Runs `self`, and while it fails because NATS is not answering (a restart, a pause, a lost
 * connection, JetStream electing a leader), runs it again with backoff — until it succeeds or
 * `maxWaitMs` have passed since the first such failure (then NatsAway). Any other failure is
 * passed on at once. `self` must be safe to run again (a compare-and-set, a keyed put).
 */
export const untilNatsAnswers = <A, E, R, R2>(
  self: Effect.Effect<A, E, R>,
  wait: NatsWait<R2>
): Effect.Effect<A, E | NatsAway, R | R2> =>
  Effect.gen(function*() {
    let since: number | undefined
    for (let attempt = 0;; attempt++) {
      const result = yield* Effect.result(self)
      const now = yield* Clock.currentTimeMillis
      if (Result.isSuccess(result)) {
        if (since !== undefined) yield* wait.onBack(now - since, true)
        return result.success
      }
      const error = result.failure
      if (!isNatsError(error) || !isNatsOutage(error)) {
        if (since !== undefined) yield* wait.onBack(now - since, true)
        return yield* Effect.fail(error)
      }
      if (since === undefined) {
        since = now
        yield* wait.onWait(error.message)
      }
      if (now - since >= wait.maxWaitMs) {
        yield* wait.onBack(now - since, false)
        return yield* new NatsAway({
          message: `NATS has not answered for ${Math.round((now - since) / 1000)} s (${error.message})`,
          waitedMs: now - since
        })
      }
      yield* Effect.sleep(Duration.millis(natsBackoffMs(Math.min(attempt, 10))))
    }
  })
