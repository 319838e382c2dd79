import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { terminalSafe } from "../domain/terminalText.ts"
import { Nats } from "../nats/Nats.ts"
import { ApiError, requestApi } from "../nats/Service.ts"
import { bar, CliFailure } from "./output.ts"

interface JobView {
  readonly id: string
  readonly name: string
  readonly jobStatus: string
  readonly percentComplete: number
  readonly processedInteractionsCount: number
  readonly totalInteractionsCount: number
  readonly failedInteractionsCount: number
  readonly updatedInteractionsCount: number
  readonly queueOrder: number
  readonly waitingOn?: string
  readonly errorMessage?: string
  readonly dateCompleted?: string
  readonly commandId?: string
}

/** How long `rewind job watch` waits for a job nobody has created (its create may still be on its way). */
export const UNKNOWN_JOB_WAIT_MS = 15_000

const terminal = new Set(["Completed", "Failed", "Cancelled"])

const line = (j: JobView, rate: number) =>
  j.jobStatus === "Queued"
    ? `${j.id}  Queued #${j.queueOrder}${j.waitingOn ? ` (${j.waitingOn})` : ""}`
    : `${j.id}  ${j.jobStatus.padEnd(10)} ${bar(j.percentComplete)}  ${j.processedInteractionsCount}/${j.totalInteractionsCount}` +
      `  updated ${j.updatedInteractionsCount}  failed ${j.failedInteractionsCount}${rate > 0 ? `  ${Math.round(rate)}/s` : ""}`

/**
 * Follows a job until it ends: job events as they come, `job.get` every 2 s in case an event
 * is missed, the command's refusal as `rejection` tells it. Returns the final job. A job deleted
 * meanwhile (its `deleted` event, which carries the job as it was, or `job.get` answering 404 once
 * the job was seen) fails, saying so.
 *
 * With `creates`, the command `commandId` is to make the job: a job of that id made by another
 * command is an older one, which that command is refused for — not what it asked for, even
 * when it has ended (found before the refusal's event arrives). Without `commandId`, a job that
 * does not exist after `UNKNOWN_JOB_WAIT_MS` is an error, not a wait forever.
 */
export const watchJob = (jobId: string, opts: {
  readonly commandId?: string
  readonly creates?: boolean
  readonly quiet?: boolean
  readonly timeoutMs?: number
  /**
   * The refusal of `commandId`'s command, heard by a listener started before it was published
   * (commandOutcome.ts `listenForRejection`, asked for the command's stream sequence): one that came
   * before this watch began is not missed, and one of another command under the same id is not its.
   */
  readonly rejection?: () => string | undefined
  /**
   * The job was just queued again (a retry): an end it reached before `restartedAt` is its
   * previous one, not this run's.
   */
  readonly restartedAt?: number
} = {}) =>
  Effect.gen(function*() {
    const nats = yield* Nats
    const tty = process.stdout.isTTY === true
    let last: JobView | undefined
    let rejected: string | undefined
    let deleted = false
    const started = Date.now()
    let firstProcessed: { at: number; n: number } | undefined
    let seenActive = false

    yield* Effect.acquireRelease(
      Effect.sync(() =>
        nats.nc.subscribe(nats.names.evt(`job.${jobId}`), {
          callback: (_err, msg) => {
            try {
              const e = msg.json<{ type?: string; job?: JobView }>()
              // A deleted job's event carries it as it was (InProgress, or Cancelled by the delete): no end of its own.
              if (e.type === "deleted") deleted = true
              else if (e.job) last = e.job
            } catch { /* not ours */ }
          }
        })),
      (sub) => Effect.sync(() => sub.unsubscribe())
    )

    let printed = ""
    let polls = 0
    for (;;) {
      rejected ??= opts.rejection?.()
      if (rejected !== undefined) return yield* Effect.fail(new CliFailure(`the command was rejected: ${rejected}`))
      if (polls % 4 === 0) {
        const got = yield* requestApi("job.get", { jobId }).pipe(
          Effect.map(Option.some),
          Effect.catch((e) => {
            if (!(e instanceof ApiError && e.code === 404)) return Effect.succeed(Option.none<unknown>())
            // Seen, then gone: deleted (its event missed).
            if (last !== undefined) deleted = true
            return opts.commandId === undefined && last === undefined && Date.now() - started > UNKNOWN_JOB_WAIT_MS
              ? Effect.fail(new CliFailure(`no job ${JSON.stringify(jobId)} (rewind job list shows the jobs there are)`))
              : Effect.succeed(Option.none<unknown>())
          })
        )
        if (Option.isSome(got)) last = got.value as JobView
      }
      polls++
      if (last && opts.creates === true && last.commandId !== opts.commandId) {
        return yield* Effect.fail(new CliFailure(
          `job ${JSON.stringify(jobId)} already exists (status ${last.jobStatus}), made by another command: this one is refused (delete that job first, or choose another id)`
        ))
      }
      if (last) {
        if (firstProcessed === undefined && last.processedInteractionsCount > 0) firstProcessed = { at: Date.now(), n: last.processedInteractionsCount }
        const rate = firstProcessed && Date.now() > firstProcessed.at
          ? ((last.processedInteractionsCount - firstProcessed.n) * 1000) / (Date.now() - firstProcessed.at)
          : 0
        const text = terminalSafe(line(last, rate))
        if (!opts.quiet && text !== printed) {
          if (tty) process.stdout.write(`\r\x1b[2K${text}`)
          else yield* Console.log(text)
          printed = text
        }
        const previousEnd = opts.restartedAt !== undefined && !seenActive &&
          (last.dateCompleted === undefined || Date.parse(last.dateCompleted) < opts.restartedAt)
        if (!terminal.has(last.jobStatus)) seenActive = true
        if (terminal.has(last.jobStatus) && !previousEnd) {
          if (tty && !opts.quiet) process.stdout.write("\n")
          return last
        }
      }
      // Gone before an end of its own (one that ended, then was deleted, returned above).
      if (deleted) {
        if (tty && !opts.quiet && printed !== "") process.stdout.write("\n")
        return yield* Effect.fail(new CliFailure(`job ${JSON.stringify(jobId)} was deleted before it ended`))
      }
      if (opts.timeoutMs !== undefined && Date.now() - started > opts.timeoutMs) {
        return yield* Effect.fail(new CliFailure(`timed out waiting for job ${jobId}`))
      }
      yield* Effect.sleep("500 millis")
    }
  }).pipe(Effect.scoped)
