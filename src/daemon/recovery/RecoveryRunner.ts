import { errorText } from "../../domain/errorText.ts"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Schedule from "effect/Schedule"
import type { RecoveryRun } from "../../domain/recovery.ts"
import { type CountsByMedia, totalsOf } from "../../pipelines/recover/diff.ts"
import { recover } from "../../pipelines/recover/pipeline.ts"
import { PlatformClient } from "../../platform/PlatformClient.ts"
import { ModelRepo } from "../../repos/ModelRepo.ts"
import { RecoveryRepo } from "../../repos/RecoveryRepo.ts"
import { InteractionStore } from "../../store/InteractionStore.ts"
import { RecoveryStore } from "../../store/RecoveryStore.ts"
import { heartbeatMillis } from "../config.ts"
import { DaemonSettingsService } from "../DaemonSettingsService.ts"
import { Metrics } from "../Metrics.ts"
import { recoveryEvent } from "./events.ts"
import { countEndedRun, startRecoveryMetricsAtZero } from "./runMetrics.ts"
import { scheduleAutomatic } from "./request.ts"


/**
 * Runs recovery runs one at a time, in order; starts an automatic run every N minutes; takes
 * over runs left Running by a daemon that stopped (they are idempotent, so a rerun is safe).
 * The watermark advances only after an automatic run succeeds.
 */
export class RecoveryRunner extends Context.Service<RecoveryRunner, {
  readonly wake: Effect.Effect<void>
  readonly configured: boolean
}>()("rewind/daemon/recovery/RecoveryRunner") {
  /** A daemon without platform settings: recovery commands are refused. */
  static readonly disabled = Layer.succeed(RecoveryRunner, RecoveryRunner.of({ wake: Effect.void, configured: false }))

  static readonly layer = Layer.effect(
    RecoveryRunner,
    Effect.gen(function*() {
      const settings = yield* DaemonSettingsService
      const repo = yield* RecoveryRepo
      const models = yield* ModelRepo
      const platform = yield* PlatformClient
      const recoveryStore = yield* RecoveryStore
      const metrics = yield* Metrics
      startRecoveryMetricsAtZero(metrics)
      const signal = yield* Queue.sliding<void>(1)
      const context = yield* Effect.context<PlatformClient | RecoveryStore | InteractionStore>()
      const staleAfterMs = settings.takeoverAfterSeconds * 1000
      const owner = `${settings.instanceName}-${Math.random().toString(36).slice(2, 8)}`

      const update = (id: string, f: (r: RecoveryRun) => RecoveryRun) => repo.update(id, f)

      const execute = (claimed: RecoveryRun) =>
        Effect.gen(function*() {
          const model = yield* models.current()
          if (Option.isNone(model)) return yield* Effect.fail(new Error("no topic model has been pushed yet: run `rewind topics push FILE` first"))
          const callsBefore = (yield* platform.calls).total
          // Heartbeat, so another daemon does not take the run over while pages are read.
          yield* update(claimed.id, (r) => (r.owner === owner ? { ...r, heartbeatAt: new Date().toISOString() } : r)).pipe(
            Effect.ignore,
            Effect.repeat(Schedule.spaced(heartbeatMillis(settings))),
            Effect.forkScoped
          )
          yield* recoveryEvent("started", claimed)
          yield* Effect.logInfo("recovery run started", { from: claimed.from, to: claimed.to, trigger: claimed.trigger })
          const progress = (counts: CountsByMedia, retriedPending: number) =>
            Effect.gen(function*() {
              const calls = (yield* platform.calls).total - callsBefore
              const next = yield* update(claimed.id, (r) => ({
                ...r,
                counts: structuredClone(counts),
                totals: totalsOf(counts),
                retriedPending,
                platformCalls: calls,
                heartbeatAt: new Date().toISOString()
              }))
              if (Option.isSome(next)) yield* recoveryEvent("progress", next.value)
            })
          const result = yield* recover({
            runId: claimed.id,
            from: claimed.from,
            to: claimed.to,
            mediaTypes: claimed.mediaTypes,
            model: model.value.model,
            onBatch: progress
          }).pipe(Effect.provide(context))
          yield* recoveryStore.recordCounts(claimed.id, result.counts)
          const calls = (yield* platform.calls).total - callsBefore
          const totals = totalsOf(result.counts)
          for (const [media, c] of Object.entries(result.counts)) {
            metrics.interactions.inc({ pipeline: "recovery", outcome: "recovered" }, c.recovered)
            metrics.interactions.inc({ pipeline: "recovery", outcome: "pending" }, c.pending)
            metrics.interactions.inc({ pipeline: "recovery", outcome: "failed" }, c.failed)
            void media
          }
          const done = yield* update(claimed.id, ({ owner: _o, heartbeatAt: _h, ...r }) => ({
            ...r,
            status: "Completed" as const,
            counts: result.counts,
            totals,
            retriedPending: result.retriedPending,
            platformCalls: calls,
            errors: result.errors,
            ...(result.pendingReasons.length === 0 ? {} : { pendingReasons: result.pendingReasons }),
            dateCompleted: new Date().toISOString()
          }))
          // Past everything the run covered — the conversations of the period still open on the
          // platform too: they are on the durable pending list (pipelines/recover/pipeline.ts),
          // and every later run looks them up again until they have ended and are recovered.
          if (claimed.trigger === "automatic") {
            yield* repo.advanceWatermark({ at: claimed.to, runId: claimed.id, updatedAt: new Date().toISOString() })
          }
          yield* Effect.logInfo("recovery run completed", { ...totals, platformCalls: calls })
          if (Option.isSome(done)) yield* recoveryEvent("completed", done.value)
          // Counted last: a failure above marks the run Failed, and it is counted so instead.
          countEndedRun(metrics, { trigger: claimed.trigger, status: "Completed", counts: result.counts })
        }).pipe(
          Effect.scoped,
          Effect.catch((e) =>
            Effect.gen(function*() {
              yield* Effect.logError("recovery run failed", { error: errorText(e) })
              const failed = yield* update(claimed.id, ({ owner: _o, heartbeatAt: _h, ...r }) => ({
                ...r,
                status: "Failed" as const,
                errorMessage: errorText(e),
                dateCompleted: new Date().toISOString()
              }))
              if (Option.isSome(failed)) yield* recoveryEvent("failed", failed.value)
              countEndedRun(metrics, { trigger: claimed.trigger, status: "Failed", counts: Option.match(failed, { onNone: () => ({}), onSome: (r) => r.counts }) })
            })
          ),
          // Stopped (daemon shutdown): hand the run back so the next daemon reruns it at once
          // (runs are idempotent: what was already ingested is found in the store).
          Effect.onInterrupt(() =>
            update(claimed.id, (run) => {
              if (run.owner !== owner) return run
              const { owner: _o, heartbeatAt: _h, ...r } = run
              return { ...r, status: "Queued" as const }
            })
              .pipe(Effect.ignore, Effect.andThen(Effect.logInfo("recovery run handed back")))
          ),
          Effect.annotateLogs({ runId: claimed.id })
        )

      const step = Effect.gen(function*() {
        const runs = yield* repo.list()
        const now = Date.now()
        const next = runs.find((r) => r.status === "Queued") ??
          runs.find((r) => r.status === "Running" && (r.heartbeatAt === undefined || now - Date.parse(r.heartbeatAt) > staleAfterMs))
        if (next === undefined) return false
        const stamp = new Date().toISOString()
        const claimed = yield* update(next.id, (r) =>
          r.status === "Queued" || r.status === "Running"
            ? { ...r, status: "Running" as const, dateStarted: r.dateStarted ?? stamp, owner, heartbeatAt: stamp }
            : r)
        if (Option.isNone(claimed) || claimed.value.owner !== owner || claimed.value.heartbeatAt !== stamp) return true
        yield* execute(claimed.value)
        return true
      }).pipe(Effect.catch((e) => Effect.logWarning("recovery scheduling failed; retrying", { error: errorText(e) }).pipe(Effect.as(false))))

      // Work loop: drain the queue, then wait for a wake-up or a poll.
      yield* Effect.gen(function*() {
        for (;;) {
          while (yield* step) { /* next run */ }
          yield* Queue.take(signal).pipe(Effect.timeoutOption("5 seconds"))
        }
      }).pipe(Effect.forkScoped)

      // Automatic runs.
      if (settings.recoveryIntervalMinutes > 0) {
        yield* scheduleAutomatic().pipe(
          Effect.tap((r) => (Option.isSome(r) ? Queue.offer(signal, undefined) : Effect.void)),
          Effect.catch((e) => Effect.logWarning("automatic recovery not scheduled", { error: errorText(e) })),
          Effect.repeat(Schedule.spaced(`${settings.recoveryIntervalMinutes} minutes`)),
          Effect.forkScoped
        )
      }

      return RecoveryRunner.of({ wake: Queue.offer(signal, undefined).pipe(Effect.asVoid), configured: true })
    })
  )
}
