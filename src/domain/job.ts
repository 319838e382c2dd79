import * as Schema from "effect/Schema"
import { Direction } from "./interaction.ts"
import { MediaType, MediaTypeLiteral, MediaTypeName } from "./media.ts"
import { IsoInstant } from "./time.ts"
import { fieldsIssue } from "./validation.ts"

/**
 * Most interactions read, held and decided at once (the largest `REWIND_PAGE_SIZE`): pages in
 * flight (their blocks and prior topics, and the engine's buffers for the queries reading them)
 * are, with V8's heap and the engine itself, what the daemon's RSS is made of. Measured on the
 * embedded engine when this limit was set (2026-11-22, single runs): a bare read peaks ≈ 560–590 MB with 500-interaction pages,
 * ≈ 610 with 1,000 and ≈ 640–700 with 2,000; a job adds more per page in flight. Smaller pages
 * cost per-query overhead.
 */
export const MaxPageInteractions = 500

/** Most interactions one job may process (SPEC "Limit"). */
export const MaxJobInteractions = 250_000

/** The refusal of any attempt to edit a job (quoted word for word in the README). */
export const EditRefusal = "jobs cannot be modified after publish: delete the job (rewind.cmd.job.delete) and create a new one"

const Name = Schema.NonEmptyString.pipe(Schema.check(Schema.isMaxLength(200)))
const Id = Schema.String.pipe(
  Schema.check(
    Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/u, {
      message: "expected 1-128 characters: letters, digits, '-' or '_', not starting with '-' or '_'"
    })
  )
)
const IdList = (what: string) =>
  Schema.Array(Schema.NonEmptyString).pipe(
    Schema.check(Schema.isMaxLength(1000, { message: `at most 1000 ${what}` }))
  )
const NonEmptyIdList = (what: string) =>
  Schema.Array(Schema.NonEmptyString).pipe(
    Schema.check(
      Schema.isMinLength(1, { message: `select at least one of the ${what}` }),
      Schema.isMaxLength(1000, { message: `at most 1000 ${what}` })
    )
  )

export const JobFilters = Schema.Struct({
  queues: Schema.optionalKey(IdList("queues")),
  divisions: Schema.optionalKey(IdList("divisions")),
  directions: Schema.optionalKey(Schema.Array(Direction)),
  agents: Schema.optionalKey(IdList("agents")),
  minDurationMs: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))),
  maxDurationMs: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0))))
}).pipe(
  Schema.check(
    Schema.makeFilter(
      (f) =>
        f.minDurationMs !== undefined && f.maxDurationMs !== undefined && f.minDurationMs > f.maxDurationMs
          ? fieldsIssue(["minDurationMs", "maxDurationMs"], "minDurationMs is greater than maxDurationMs")
          : true,
      { description: "minDurationMs ≤ maxDurationMs", toJsonSchema: () => [{}, true] }
    )
  )
)
export type JobFilters = typeof JobFilters.Type

/** What selects a job's interactions: the fields shared by estimate and create. */
export const JobScopeFields = {
  dateStart: IsoInstant,
  dateEnd: IsoInstant,
  programs: NonEmptyIdList("programs"),
  mediaTypes: Schema.Array(MediaType).pipe(
    Schema.check(Schema.isMinLength(1, { message: "select at least one media type" }))
  ),
  dialects: Schema.optionalKey(IdList("dialects")),
  filters: Schema.optionalKey(JobFilters)
}

/** The scope fields, named by a refusal that is about the scope as a whole (over the limit). */
export const JobScopeFieldNames: ReadonlyArray<string> = Object.keys(JobScopeFields)

const checkRange = Schema.makeFilter(
  (s: { dateStart: string; dateEnd: string }) =>
    Date.parse(s.dateStart) < Date.parse(s.dateEnd)
      ? true
      : fieldsIssue(["dateStart", "dateEnd"], `dateStart (${s.dateStart}) must be before dateEnd (${s.dateEnd})`),
  // not expressible in JSON Schema: said in words, the published schema a looser approximation
  { description: "dateStart < dateEnd", toJsonSchema: () => [{}, true] }
)

/** `rewind.cmd.job.create` */
export const JobCreate = Schema.Struct({
  commandId: Schema.optionalKey(Id),
  jobId: Schema.optionalKey(Id),
  name: Name,
  description: Schema.optionalKey(Schema.String.pipe(Schema.check(Schema.isMaxLength(2000)))),
  createdBy: Schema.optionalKey(Name),
  ...JobScopeFields
}).pipe(Schema.check(checkRange))
export type JobCreate = typeof JobCreate.Type

/** `rewind.api.job.estimate` */
export const JobEstimateRequest = Schema.Struct({
  name: Schema.optionalKey(Schema.String),
  ...JobScopeFields
}).pipe(Schema.check(checkRange))
export type JobEstimateRequest = typeof JobEstimateRequest.Type

/** Default sample of an impact preview (`rewind.api.job.preview`). */
export const DefaultPreviewSample = 200

/** `rewind.api.job.preview`: the scope fields, and how many interactions to sample (default 200, at most 2,000). */
export const JobPreviewRequest = Schema.Struct({
  name: Schema.optionalKey(Schema.String),
  sampleSize: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 2_000 })))),
  ...JobScopeFields
}).pipe(Schema.check(checkRange))
export type JobPreviewRequest = typeof JobPreviewRequest.Type

/** `rewind.cmd.job.revert`: undo a completed job's topic changes, as a tracked operation (a job of kind `revert`). */
export const JobRevert = Schema.Struct({
  commandId: Schema.optionalKey(Id),
  /** The completed job to revert. */
  jobId: Id,
  /** The id of the revert operation (default `revert-<jobId>`). */
  revertId: Schema.optionalKey(Id),
  createdBy: Schema.optionalKey(Name)
})
export type JobRevert = typeof JobRevert.Type

/** `rewind.cmd.job.cancel` and `rewind.cmd.job.delete` */
export const JobRef = Schema.Struct({
  commandId: Schema.optionalKey(Id),
  jobId: Id
})
export type JobRef = typeof JobRef.Type

/**
 * `Proposed`: created by the daemon after a topic model push (REWIND_AUTO_REPROCESS_DAYS), waiting
 * for an operator to confirm it (`rewind.cmd.job.confirm`) before it is Queued.
 */
export const JobStatus = Schema.Literals(["Proposed", "Queued", "InProgress", "Completed", "Failed", "Cancelled"])
export type JobStatus = typeof JobStatus.Type
export const terminalStatuses: ReadonlyArray<JobStatus> = ["Completed", "Failed", "Cancelled"]

export const Checkpoint = Schema.Struct({ startTime: Schema.String, id: Schema.String })
export type Checkpoint = typeof Checkpoint.Type

const ExportInfo = Schema.Struct({
  bucket: Schema.String,
  name: Schema.String,
  size: Schema.Int,
  digest: Schema.String,
  rows: Schema.Int
})

/** A job as it reads back (KV value, `job.get`, events). Genesys field names plus ours. */
export const Job = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  description: Schema.optionalKey(Schema.String),
  dateStart: Schema.String,
  dateEnd: Schema.String,
  programs: Schema.Array(Schema.String),
  mediaTypes: Schema.Array(MediaTypeLiteral),
  /** `mediaTypes` as the user spelled them (`Call`, `chat`, …): how the job reads back. */
  requestedMediaTypes: Schema.optionalKey(Schema.Array(MediaTypeName)),
  dialects: Schema.optionalKey(Schema.Array(Schema.String)),
  filters: Schema.optionalKey(JobFilters),
  createdBy: Schema.String,
  dateCreated: Schema.String,
  dateModified: Schema.String,
  jobStatus: JobStatus,
  /** 1-based place among queued jobs; 0 once running or finished. */
  queueOrder: Schema.Int,
  /** Why a queued job waits (e.g. "waiting for 2 jobs ahead"). */
  waitingOn: Schema.optionalKey(Schema.String),
  modelRevision: Schema.optionalKey(Schema.Int),
  totalInteractionsCount: Schema.Int,
  processedInteractionsCount: Schema.Int,
  failedInteractionsCount: Schema.Int,
  updatedInteractionsCount: Schema.Int,
  unchangedInteractionsCount: Schema.Int,
  percentComplete: Schema.Number,
  dateStarted: Schema.optionalKey(Schema.String),
  dateCompleted: Schema.optionalKey(Schema.String),
  errorMessage: Schema.optionalKey(Schema.String),
  cancelRequested: Schema.optionalKey(Schema.Boolean),
  /** Delete once the cancellation of the running job has landed. */
  deleteRequested: Schema.optionalKey(Schema.Boolean),
  /** Daemon instance running the job, and when it last said so. */
  owner: Schema.optionalKey(Schema.String),
  heartbeatAt: Schema.optionalKey(Schema.String),
  /** Where a restarted daemon resumes: the last fully written paging key (jobs of the first version). */
  checkpoint: Schema.optionalKey(Checkpoint),
  /** `revert`: this job undoes `revertOf`'s topic changes (rewind.cmd.job.revert). */
  kind: Schema.optionalKey(Schema.Literal("revert")),
  revertOf: Schema.optionalKey(Schema.String),
  /** A revert's blocks put back as they were, and those left alone because a later job changed them since. */
  revertCounts: Schema.optionalKey(Schema.Struct({ blocksReverted: Schema.Int, blocksInConflict: Schema.Int })),
  /** Where a revert resumes: the last interaction id it handled. */
  revertCheckpoint: Schema.optionalKey(Schema.String),
  /** How the job's scope was cut into work items (set once, when it first starts). */
  plan: Schema.optionalKey(Schema.Struct({ items: Schema.Int, itemInteractions: Schema.Int })),
  /**
   * Set when a job ends Failed or Cancelled: the counts as of its checkpoint. The counts shown
   * are then the store's (a batch may be written past the checkpoint); a retry resumes from the
   * checkpoint with these, so nothing is counted twice.
   */
  checkpointCounts: Schema.optionalKey(Schema.Struct({
    processed: Schema.Int,
    updated: Schema.Int,
    unchanged: Schema.Int,
    failed: Schema.Int
  })),
  /** Write version of this job's topic rows (monotonic across jobs). */
  writeVersion: Schema.Int,
  /**
   * The creating command's stream sequence (an auto-reprocessing job, created by no command, has
   * its creation time in ms): orders jobs created within the same millisecond — order jobs with
   * `byCreation`, not by this alone.
   */
  seq: Schema.Int,
  commandId: Schema.optionalKey(Schema.String),
  /** Where the completed job's CSV export is (object store). */
  export: Schema.optionalKey(ExportInfo),
  /** Where its before/after export is, once asked for (`job.export` with `withPrevious`). */
  exportWithPrevious: Schema.optionalKey(ExportInfo)
})
export type Job = typeof Job.Type

/**
 * Jobs in the order they were created: by `dateCreated`, then `seq`, then id. `seq` alone put an
 * auto-reprocessing job (whose `seq` is a time in ms) after every job a command created, even
 * later ones — last in listings and behind every later job in the queue.
 */
export const byCreation = (a: Pick<Job, "dateCreated" | "seq" | "id">, b: Pick<Job, "dateCreated" | "seq" | "id">): number =>
  (Date.parse(a.dateCreated) - Date.parse(b.dateCreated)) || a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

const {
  owner: _owner,
  heartbeatAt: _heartbeatAt,
  writeVersion: _writeVersion,
  checkpoint: _checkpoint,
  checkpointCounts: _checkpointCounts,
  plan: _plan,
  revertCheckpoint: _revertCheckpoint,
  deleteRequested: _deleteRequested,
  requestedMediaTypes: _requestedMediaTypes,
  ...publicFields
} = Job.fields

/**
 * A job as users read it (`job.get`, `job.list`, events): without the daemons' bookkeeping,
 * its media types spelled as they were given.
 */
export const PublicJob = Schema.Struct({ ...publicFields, mediaTypes: Schema.Array(MediaTypeName) })
export type PublicJob = typeof PublicJob.Type

/** A new job's counters and place: nothing processed, not queued yet (the scheduler numbers the queue). */
export const NothingDone = {
  queueOrder: 0,
  processedInteractionsCount: 0,
  failedInteractionsCount: 0,
  updatedInteractionsCount: 0,
  unchangedInteractionsCount: 0,
  percentComplete: 0,
  writeVersion: 0
} as const satisfies Partial<Job>

/**
 * A job's write version, fixed when it first starts (at `startedMs`): that instant in microseconds,
 * its creation's stream sequence breaking ties. Monotonic across jobs; a job created again under
 * the id of a deleted one gets another; a retry or a resume keeps it.
 */
export const firstWriteVersion = (startedMs: number, seq: number): number => startedMs * 1000 + (seq % 1000)

/** When the job whose write version is `writeVersion` first started (ms). */
export const firstStartOf = (writeVersion: number): number => Math.floor(writeVersion / 1000)

export const percentOf = (processed: number, total: number): number =>
  total === 0 ? 100 : Math.min(100, Math.round((processed / total) * 10000) / 100)
