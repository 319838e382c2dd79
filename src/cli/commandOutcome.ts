/**
 * What became of a command the CLI published: a daemon accepted it, refused it
 * (`evt.command.rejected` with its commandId), or has not processed it yet. Commands are durable
 * (a daemon started later processes them), so "not yet" is not a failure.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Nats, natsTry } from "../nats/Nats.ts"

/** How long `rewind job cancel|delete|confirm|retry|revert` waits to learn whether a daemon accepted or refused the command. */
export const CommandOutcomeWaitMs = 10_000

/** When the command consumer cannot be read (no permission): how long to wait for a refusal alone. */
const RefusalOnlyWaitMs = 2_000

export type CommandOutcome =
  | { readonly _tag: "accepted" }
  | { readonly _tag: "rejected"; readonly reason: string }
  | { readonly _tag: "pending"; readonly waitedMs: number }

/**
 * The reason of a refusal of the command id listened for, once there is one: with `seq`, only the
 * refusal of the command at that stream sequence — an earlier command sent under the same id (a
 * wrong one, corrected and sent again) may be refused after the corrected one is published.
 */
export type RejectionListener = (seq?: number) => string | undefined

/**
 * Listens for refusals of commands of id `commandId`, from before the command is published so that
 * a quick refusal is not missed; the subscription ends with the scope.
 */
export const listenForRejection = (commandId: string) =>
  Effect.gen(function*() {
    const nats = yield* Nats
    const refusals: Array<{ readonly reason: string; readonly streamSeq: number | undefined }> = []
    yield* Effect.acquireRelease(
      Effect.sync(() =>
        nats.nc.subscribe(nats.names.evt("command.rejected"), {
          callback: (_err, msg) => {
            try {
              const e = msg.json<{ commandId?: string; reason?: string; streamSeq?: number }>()
              if (e.commandId === commandId) refusals.push({ reason: String(e.reason ?? "refused"), streamSeq: e.streamSeq })
            } catch { /* not an event of ours */ }
          }
        })),
      (sub) => Effect.sync(() => sub.unsubscribe())
    )
    // The server has the subscription before the command is published (same connection, in order).
    yield* natsTry("subscribing to command refusals", () => nats.nc.flush())
    const listener: RejectionListener = (seq) => refusals.find((r) => seq === undefined || r.streamSeq === seq)?.reason
    return listener
  })

/**
 * Whether commands published earlier are still waiting for a daemon (the command consumer has
 * some not yet delivered, or delivered and not yet settled): a `job.create` among them may make
 * the job a later command names. False when the consumer cannot be read.
 */
export const commandsWaiting = Effect.gen(function*() {
  const nats = yield* Nats
  const info = yield* natsTry("reading the command consumer", () => nats.jsm.consumers.info(nats.names.cmdStream, nats.names.cmdConsumer)).pipe(
    Effect.option
  )
  return Option.isSome(info) && info.value.num_pending + info.value.num_ack_pending > 0
})

/**
 * Waits until the daemons' command consumer has processed the command at stream sequence `seq`
 * (its acknowledged floor passed it: accepted, or refused — a refusal's event is published before
 * the command is settled), or `waitMs` passed (`pending`: no daemon running, or busy with earlier
 * commands). When the consumer cannot be read, a refusal arriving within a short wait is all it
 * learns.
 */
export const awaitCommandOutcome = (seq: number, rejection: () => string | undefined, waitMs = CommandOutcomeWaitMs) =>
  Effect.gen(function*() {
    const nats = yield* Nats
    const started = Date.now()
    let limit = waitMs
    let floorReadable = true
    for (;;) {
      const refused = rejection()
      if (refused !== undefined) return { _tag: "rejected", reason: refused } as CommandOutcome
      if (floorReadable) {
        const info = yield* natsTry("reading the command consumer", () => nats.jsm.consumers.info(nats.names.cmdStream, nats.names.cmdConsumer)).pipe(
          Effect.option
        )
        if (Option.isNone(info)) {
          floorReadable = false
          limit = Math.min(waitMs, RefusalOnlyWaitMs)
        } else if (info.value.ack_floor.stream_seq >= seq) {
          // The refusal's event went out before the command was settled: give it a moment to arrive.
          yield* Effect.sleep("200 millis")
          const late = rejection()
          return (late === undefined ? { _tag: "accepted" } : { _tag: "rejected", reason: late }) as CommandOutcome
        }
      }
      if (Date.now() - started >= limit) return { _tag: "pending", waitedMs: limit } as CommandOutcome
      yield* Effect.sleep("100 millis")
    }
  })
