import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import { MediaTypes } from "../../domain/media.ts"
import { diffModels } from "../../domain/modelDiff.ts"
import type { JobCreate } from "../../domain/job.ts"
import type { ModelProposalEvent } from "../../domain/contract.ts"
import { publishEvent } from "../../nats/Events.ts"
import { ModelRepo } from "../../repos/ModelRepo.ts"
import { DaemonSettingsService } from "../DaemonSettingsService.ts"
import { createJob } from "../jobs/create.ts"
import { JobRunner } from "../jobs/JobRunner.ts"

const day = 86_400_000

/** The job a push of `revision` calls for: the programs whose detection changed, over the last `days` days (from midnight UTC). */
export const autoJobCommand = (revision: number, programs: ReadonlyArray<string>, days: number, now: number): JobCreate & { readonly jobId: string } => {
  const start = Math.floor((now - days * day) / day) * day
  const name = `Model revision ${revision}: reprocess ${programs.join(", ")}`
  return {
    jobId: `auto-r${revision}`,
    name: name.length <= 200 ? name : `${name.slice(0, 199)}…`,
    createdBy: "auto-reprocess",
    dateStart: new Date(start).toISOString(),
    dateEnd: new Date(now).toISOString(),
    programs,
    mediaTypes: MediaTypes
  }
}

/**
 * Auto-reprocessing (REWIND_AUTO_REPROCESS_DAYS > 0): after every push of the topic model, one
 * daemon (the first to claim the revision) diffs it with the revision before and, when some
 * program's detection changed, creates a job over those programs for the last N days —
 * Proposed, for an operator to confirm (`rewind job confirm`), or Queued at once with
 * REWIND_AUTO_REPROCESS=publish. Such a job is refused like any other over the job limit. Each
 * decision is announced on `<prefix>.evt.model.proposal`. The first revision (nothing to
 * compare with) proposes nothing.
 */
export const AutoReprocessLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const settings = yield* DaemonSettingsService
    if (settings.autoReprocessDays === 0) return
    const models = yield* ModelRepo
    const runner = yield* JobRunner
    const announce = (body: Omit<typeof ModelProposalEvent.Type, "type" | "at">) =>
      publishEvent("model.proposal", { type: "proposal", at: new Date().toISOString(), ...body } satisfies typeof ModelProposalEvent.Type).pipe(
        Effect.catch((e) => Effect.logWarning("model.proposal event not published", { error: e.message }))
      )

    const handle = Effect.fn("AutoReprocess.handle")(function*(revision: number) {
      if (!(yield* models.claimPushed(revision))) return
      const [from, to] = yield* Effect.all([models.get(revision - 1), models.get(revision)])
      if (Option.isNone(to) || Option.isNone(from)) return yield* announce({ revision, status: "none", reason: "no earlier revision to compare with" })
      const affected = diffModels(from.value.model, to.value.model).programsAffected
      if (affected.length === 0) return yield* announce({ revision, status: "none", reason: "no program's detection changed" })
      const cmd = autoJobCommand(revision, affected, settings.autoReprocessDays, Date.now())
      const status = settings.autoReprocess === "publish" ? "Queued" as const : "Proposed" as const
      yield* createJob(cmd, Date.now(), undefined, status).pipe(
        Effect.flatMap(() => announce({ revision, status: status === "Queued" ? "queued" : "proposed", jobId: cmd.jobId, programs: affected })),
        Effect.catchTag("Rejected", (r) =>
          Effect.logWarning("the job a model push calls for is refused", { revision, reason: r.reason }).pipe(
            Effect.andThen(announce({ revision, status: "refused", jobId: cmd.jobId, programs: affected, reason: r.reason, ...(r.field ? { field: r.field } : {}) }))
          ))
      )
      if (status === "Queued") yield* runner.wake
    })

    // Revisions pushed from now on; the current one too, if no daemon handled it yet (a push
    // while every daemon was down).
    let seen = Math.max(0, (yield* models.currentRevision()) - 1)
    yield* Effect.gen(function*() {
      const current = yield* models.currentRevision()
      for (let r = seen + 1; r <= current; r++) yield* handle(r)
      seen = Math.max(seen, current)
    }).pipe(
      Effect.catch((e) => Effect.logWarning("auto-reprocessing could not look at the topic model", { error: String(e) })),
      Effect.repeat(Schedule.spaced(Duration.seconds(2))),
      Effect.forkScoped
    )
  })
)
