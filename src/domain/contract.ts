import * as Schema from "effect/Schema"
import { JobCreate, JobEstimateRequest, JobPreviewRequest, JobRef, JobRevert, JobStatus, PublicJob } from "./job.ts"
import { ModelDiff } from "./modelDiff.ts"
import { Overview } from "./overview.ts"
import { PreviewAnswer } from "./preview.ts"
import { IngestEvent, RecoveryRun, RecoveryRunCommand, RecoveryStatus, Watermark } from "./recovery.ts"

/** Every message of the public contract, by subject suffix, for `rewind schema` and the README. */

/**
 * `waiting`: the running job is paused because NATS does not answer (its record cannot be
 * written); `resumed`: NATS answers again and the job goes on from where it stood; `retried`:
 * a Failed or Cancelled job was queued again to continue from its checkpoint.
 */
export const JobEventType = Schema.Literals([
  "created", "proposed", "confirmed", "started", "progress", "waiting", "resumed", "cancelling", "completed", "failed", "cancelled",
  "retried", "deleted"
])

export const JobEvent = Schema.Struct({
  type: JobEventType,
  at: Schema.String,
  job: PublicJob
})

/** `rewind.evt.model.pushed`: a new revision of the topic model, and what changed since the one before. */
export const ModelPushedEvent = Schema.Struct({
  type: Schema.Literal("pushed"),
  at: Schema.String,
  revision: Schema.Int,
  previousRevision: Schema.NullOr(Schema.Int),
  pushedBy: Schema.String,
  diff: ModelDiff
})

/** What auto-reprocessing made of a model push (src/daemon/models/AutoReprocess.ts). */
export const ModelProposalStatus = Schema.Literals(["proposed", "queued", "refused", "none"])
export const ModelProposalEvent = Schema.Struct({
  type: Schema.Literal("proposal"),
  at: Schema.String,
  revision: Schema.Int,
  status: ModelProposalStatus,
  jobId: Schema.optionalKey(Schema.String),
  programs: Schema.optionalKey(Schema.Array(Schema.String)),
  reason: Schema.optionalKey(Schema.String),
  field: Schema.optionalKey(Schema.String)
})

export const CommandRejectedEvent = Schema.Struct({
  commandId: Schema.optionalKey(Schema.String),
  subject: Schema.String,
  reason: Schema.String,
  field: Schema.optionalKey(Schema.String),
  streamSeq: Schema.Int,
  at: Schema.String
})

export const QuotaImpactSchema = Schema.Struct({
  month: Schema.String,
  used: Schema.Int,
  freeQuota: Schema.Int,
  free: Schema.Int,
  billable: Schema.Int,
  billingEnabled: Schema.Boolean
})

export const EstimateAnswer = Schema.Struct({
  interactionCount: Schema.Int,
  limit: Schema.Int,
  exceedsLimit: Schema.Boolean,
  modelRevision: Schema.Int,
  scopeTopicCount: Schema.Int,
  quota: QuotaImpactSchema
})

export const JobIdQuery = Schema.Struct({ jobId: Schema.NonEmptyString })
/** `rewind.api.job.export`: `withPrevious` asks for the before/after export (written on the first request). */
export const JobExportQuery = Schema.Struct({ jobId: Schema.NonEmptyString, withPrevious: Schema.optionalKey(Schema.Boolean) })
/**
 * `rewind.api.job.list`, paged as Genesys' reprocessing job listing: `pageSize` (default 25),
 * `pageNumber` (from 1), `sortOrder` by creation (default `desc`: newest first), `name` (a
 * case-insensitive part of it); ours: `status`. `limit` is the older name of `pageSize`.
 */
export const JobListQuery = Schema.Struct({
  status: Schema.optionalKey(JobStatus),
  name: Schema.optionalKey(Schema.String),
  pageSize: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 1000 })))),
  pageNumber: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1)))),
  sortOrder: Schema.optionalKey(Schema.Literals(["asc", "desc"])),
  limit: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 1000 }))))
})
export type JobListQuery = typeof JobListQuery.Type
/** Genesys' listing fields, and `jobs` (the same page) for clients of the first version. */
export const JobListAnswer = Schema.Struct({
  entities: Schema.Array(PublicJob),
  pageSize: Schema.Int,
  pageNumber: Schema.Int,
  pageCount: Schema.Int,
  total: Schema.Int,
  /** Jobs waiting in the queue (all, whatever the filter). */
  queueTotal: Schema.Int,
  jobs: Schema.Array(PublicJob)
})
export const ExportAnswer = Schema.Struct({
  jobId: Schema.String,
  bucket: Schema.String,
  name: Schema.String,
  size: Schema.Int,
  digest: Schema.String,
  rows: Schema.Int
})
export const StatusAnswer = Schema.Struct({
  service: Schema.String,
  version: Schema.String,
  instance: Schema.String,
  prefix: Schema.String,
  startedAt: Schema.String,
  uptimeSeconds: Schema.Int,
  runningJobs: Schema.Array(Schema.String),
  /** The jobs this daemon runs; `waitingOn: "NATS"` while one is paused because NATS does not answer. */
  jobs: Schema.Array(Schema.Struct({
    jobId: Schema.String,
    waitingOn: Schema.optionalKey(Schema.Literal("NATS")),
    waitingSince: Schema.optionalKey(Schema.String)
  })),
  modelRevision: Schema.NullOr(Schema.Int),
  /** The key figures, cluster-wide (the dashboard's top row): see src/domain/overview.ts. */
  overview: Overview
})
/** `api.status` reads no parameters: any body (`{}`, or none) is accepted and ignored. */
export const StatusQuery = Schema.Unknown.annotate({ description: "ignored: send {} (or an empty body)" })
export const ApiErrorAnswer = Schema.Struct({
  error: Schema.Struct({ code: Schema.Int, message: Schema.String })
})

export const RunIdQuery = Schema.Struct({ runId: Schema.NonEmptyString })
export const RecoveryListQuery = Schema.Struct({
  status: Schema.optionalKey(RecoveryStatus),
  limit: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 1000 }))))
})
export const RecoveryListAnswer = Schema.Struct({ total: Schema.Int, runs: Schema.Array(RecoveryRun), watermark: Schema.NullOr(Watermark) })
export const RecoveryEvent = Schema.Struct({
  type: Schema.Literals(["queued", "started", "progress", "completed", "failed"]),
  at: Schema.String,
  run: RecoveryRun
})

export const contract = {
  commands: {
    "cmd.job.create": JobCreate,
    "cmd.job.cancel": JobRef,
    "cmd.job.delete": JobRef,
    "cmd.job.retry": JobRef,
    "cmd.job.confirm": JobRef,
    "cmd.job.revert": JobRevert,
    "cmd.recovery.run": RecoveryRunCommand
  },
  queries: {
    "api.job.estimate": { request: JobEstimateRequest, answer: EstimateAnswer },
    "api.job.preview": { request: JobPreviewRequest, answer: PreviewAnswer },
    "api.job.get": { request: JobIdQuery, answer: PublicJob },
    "api.job.list": { request: JobListQuery, answer: JobListAnswer },
    "api.job.export": { request: JobExportQuery, answer: ExportAnswer },
    "api.recovery.list": { request: RecoveryListQuery, answer: RecoveryListAnswer },
    "api.recovery.get": { request: RunIdQuery, answer: RecoveryRun },
    "api.status": { request: StatusQuery, answer: StatusAnswer }
  },
  events: {
    "evt.job.<id>": JobEvent,
    "evt.recovery.<id>": RecoveryEvent,
    "evt.command.rejected": CommandRejectedEvent,
    "evt.model.pushed": ModelPushedEvent,
    "evt.model.proposal": ModelProposalEvent
  },
  errors: { "api.*": ApiErrorAnswer },
  /** Live ingestion's input (not a command: its own stream and consumer). */
  ingest: { "ingest.conversation": IngestEvent }
} as const
