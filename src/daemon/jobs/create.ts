import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { EditRefusal, type Job, type JobCreate, JobScopeFieldNames, NothingDone } from "../../domain/job.ts"
import { toIso, toMillis } from "../../domain/time.ts"
import { JobRepo } from "../../repos/JobRepo.ts"
import { InteractionStore } from "../../store/InteractionStore.ts"
import { DaemonSettingsService } from "../DaemonSettingsService.ts"
import { Rejected } from "./errors.ts"
import { checkPrograms, currentModel, limitMessage } from "./estimate.ts"
import { jobEvent } from "./events.ts"

/** What a job records of the command that created it, as it records it (instants in UTC, milliseconds). */
const requestOf = (r: Pick<Job, "name" | "description" | "dateStart" | "dateEnd" | "programs" | "mediaTypes" | "dialects" | "filters" | "createdBy">) =>
  JSON.stringify([r.name, r.description, toIso(toMillis(r.dateStart)), toIso(toMillis(r.dateEnd)), r.programs, r.mediaTypes, r.dialects, r.filters, r.createdBy])

/** Whether `cmd` asks for what `job` already is (the same command sent again under another commandId). */
const sameRequest = (job: Job, cmd: JobCreate) => requestOf(job) === requestOf({ ...cmd, createdBy: cmd.createdBy ?? "unknown" })

/**
 * `job.create`: validates against the model and the store, then records the job as Queued.
 * Returns None when this exact command was already applied (a redelivery).
 */
export const createJob = Effect.fn("Jobs.create")(function*(
  cmd: JobCreate,
  streamSeq: number,
  /** `mediaTypes` as the command spelled them (`Call`, `chat`): how the job reads back. */
  requestedMediaTypes?: ReadonlyArray<string>,
  /** `Proposed`: created for an operator to confirm (auto-reprocessing after a model push). */
  status: "Queued" | "Proposed" = "Queued"
) {
  const repo = yield* JobRepo
  const id = cmd.jobId ?? `job-${streamSeq}`
  const existing = yield* repo.get(id)
  if (Option.isSome(existing)) {
    if (existing.value.seq === streamSeq) return Option.none<Job>()
    return yield* new Rejected({
      kind: "conflict",
      field: "jobId",
      reason: `job ${JSON.stringify(id)} already exists (status ${existing.value.jobStatus})` +
        `${sameRequest(existing.value, cmd) ? "" : " and this command differs from it"}; ${EditRefusal}`
    })
  }
  const model = yield* currentModel
  yield* checkPrograms(model, cmd.programs)
  const store = yield* InteractionStore
  const total = yield* store.countInScope(cmd)
  const { maxJobInteractions } = yield* DaemonSettingsService
  if (total > maxJobInteractions) return yield* new Rejected({ kind: "limit", reason: limitMessage(total, maxJobInteractions), field: JobScopeFieldNames.join(",") })
  const now = new Date().toISOString()
  const job: Job = {
    id,
    name: cmd.name,
    ...(cmd.description === undefined ? {} : { description: cmd.description }),
    dateStart: new Date(cmd.dateStart).toISOString(),
    dateEnd: new Date(cmd.dateEnd).toISOString(),
    programs: cmd.programs,
    mediaTypes: cmd.mediaTypes,
    ...(requestedMediaTypes === undefined ? {} : { requestedMediaTypes: requestedMediaTypes as NonNullable<Job["requestedMediaTypes"]> }),
    ...(cmd.dialects === undefined ? {} : { dialects: cmd.dialects }),
    ...(cmd.filters === undefined ? {} : { filters: cmd.filters }),
    createdBy: cmd.createdBy ?? "unknown",
    dateCreated: now,
    dateModified: now,
    jobStatus: status,
    ...NothingDone,
    totalInteractionsCount: total,
    seq: streamSeq,
    ...(cmd.commandId === undefined ? {} : { commandId: cmd.commandId })
  }
  const created = yield* repo.create(job)
  if (Option.isNone(created)) {
    return yield* new Rejected({ kind: "conflict", field: "jobId", reason: `job ${JSON.stringify(id)} already exists; ${EditRefusal}` })
  }
  yield* jobEvent(status === "Proposed" ? "proposed" : "created", job)
  return Option.some(job)
})
