import * as Schema from "effect/Schema"
import type { JobStatus } from "./job.ts"

/**
 * The key figures an operator looks at first — the Grafana dashboard's top row, the header of
 * `rewind tui`, `rewind status` — computed the same way wherever they are shown: job counts by
 * status, the progress of the running jobs with their rate and ETA, the dead-letter depth, the
 * shared consumers' backlog, the watermarks' lag and the NATS connection.
 */

/** A JetStream consumer's backlog (`rewind_consumer_*_messages{consumer}`). */
export const ConsumerBacklog = Schema.Struct({
  /** Messages not yet delivered. */
  pending: Schema.Int,
  /** Delivered and not yet acknowledged. */
  ackPending: Schema.Int,
  /** Delivered more than once and not yet acknowledged. */
  redelivered: Schema.Int
})
export type ConsumerBacklog = typeof ConsumerBacklog.Type

/** The daemons' shared consumers, by the `consumer` label of the metrics. */
export const SharedConsumers = ["commands", "work", "ingest"] as const
export type SharedConsumer = (typeof SharedConsumers)[number]

/** `rewind.api.status`'s `overview`: cluster-wide figures (from KV and streams), as of `at`. */
export const Overview = Schema.Struct({
  /** When the figures were read (every 5 s). */
  at: Schema.String,
  /** Jobs by status, every job in the jobs bucket. */
  jobs: Schema.Struct({
    /** Proposed by the daemon after a model push, waiting for `job.confirm`. */
    proposed: Schema.Int,
    queued: Schema.Int,
    running: Schema.Int,
    completed: Schema.Int,
    failed: Schema.Int,
    cancelled: Schema.Int
  }),
  /** The running (InProgress) jobs together: their scope, what is processed, the rate and ETA. */
  running: Schema.Struct({
    interactions: Schema.Int,
    processed: Schema.Int,
    percentComplete: Schema.Number,
    /** Interactions processed per second over the last minute, all daemons; null before two readings. */
    interactionsPerSecond: Schema.NullOr(Schema.Number),
    /** Seconds left at that rate; null when nothing runs or nothing moves. */
    etaSeconds: Schema.NullOr(Schema.Int)
  }),
  /** Messages in the dead-letter stream; null until read. */
  deadLetters: Schema.NullOr(Schema.Int),
  /** The shared consumers' backlog; null until read. */
  backlog: Schema.Struct({
    commands: Schema.NullOr(ConsumerBacklog),
    work: Schema.NullOr(ConsumerBacklog),
    ingest: Schema.NullOr(ConsumerBacklog)
  }),
  recovery: Schema.Struct({
    /** The automatic recovery runs' watermark: everything before it was covered. */
    watermark: Schema.NullOr(Schema.String),
    watermarkLagSeconds: Schema.NullOr(Schema.Int),
    /** Live ingestion's watermark: the end of the latest conversation ingested. */
    ingestWatermark: Schema.NullOr(Schema.String),
    ingestLagSeconds: Schema.NullOr(Schema.Int)
  }),
  /** The answering daemon's NATS connection, and how often it was lost since it started. */
  nats: Schema.Struct({ connected: Schema.Boolean, disconnects: Schema.Int })
})
export type Overview = typeof Overview.Type

/** What the figures need of a job. */
export interface JobProgress {
  readonly id: string
  readonly jobStatus: JobStatus
  readonly totalInteractionsCount: number
  readonly processedInteractionsCount: number
}

export const countJobs = (jobs: Iterable<JobProgress>): Overview["jobs"] => {
  const c = { proposed: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 }
  for (const j of jobs) {
    if (j.jobStatus === "Proposed") c.proposed++
    else if (j.jobStatus === "Queued") c.queued++
    else if (j.jobStatus === "InProgress") c.running++
    else if (j.jobStatus === "Completed") c.completed++
    else if (j.jobStatus === "Failed") c.failed++
    else if (j.jobStatus === "Cancelled") c.cancelled++
  }
  return c
}

/** Seconds left for `remaining` interactions at `perSecond`; null when it cannot be said. */
export const etaSeconds = (remaining: number, perSecond: number | null | undefined): number | null =>
  remaining <= 0 || perSecond === null || perSecond === undefined || !(perSecond > 0) ? null : Math.round(remaining / perSecond)

/** The running jobs together, at `perSecond` (the rate the caller measured). */
export const runningFigures = (jobs: Iterable<JobProgress>, perSecond: number | null | undefined): Overview["running"] => {
  let interactions = 0
  let processed = 0
  for (const j of jobs) {
    if (j.jobStatus !== "InProgress") continue
    interactions += j.totalInteractionsCount
    processed += Math.min(j.processedInteractionsCount, j.totalInteractionsCount)
  }
  const rate = perSecond === undefined || perSecond === null || !Number.isFinite(perSecond) ? null : perSecond
  return {
    interactions,
    processed,
    percentComplete: interactions === 0 ? 0 : Math.round((processed / interactions) * 1000) / 10,
    interactionsPerSecond: rate === null ? null : Math.round(rate * 10) / 10,
    etaSeconds: interactions === 0 ? null : etaSeconds(interactions - processed, rate)
  }
}

/** Whole seconds from `at` (ISO) to `now`; null without a watermark. */
export const lagSeconds = (at: string | undefined, now: number): number | null => {
  if (at === undefined) return null
  const t = Date.parse(at)
  return Number.isNaN(t) ? null : Math.max(0, Math.round((now - t) / 1000))
}

/** The messages waiting in the shared consumers (pending, not yet delivered), together. */
export const backlogTotal = (backlog: Overview["backlog"]): number | null => {
  const known = SharedConsumers.map((c) => backlog[c]).filter((b) => b !== null)
  return known.length === 0 ? null : known.reduce((n, b) => n + b.pending, 0)
}

/** Every job's processed count at one moment. */
export interface ProgressSample {
  readonly t: number
  readonly processed: ReadonlyMap<string, number>
}

export const progressSample = (t: number, jobs: Iterable<JobProgress>): ProgressSample =>
  ({ t, processed: new Map([...jobs].map((j) => [j.id, j.processedInteractionsCount])) })

/**
 * Interactions processed per second between two samples, over every job: what each job gained
 * (a job new since `from` gained all it has; a deleted or retried one never counts backwards).
 */
export const progressRate = (from: ProgressSample, to: ProgressSample): number | undefined => {
  const seconds = (to.t - from.t) / 1000
  if (!(seconds > 0)) return undefined
  let gained = 0
  for (const [id, n] of to.processed) gained += Math.max(0, n - (from.processed.get(id) ?? 0))
  return gained / seconds
}

/**
 * Keeps the samples of the last `windowMs` and the newest one before them (the window's
 * start), so the rate always spans about the window once it has been running that long.
 */
export const keepWindow = (samples: ReadonlyArray<ProgressSample>, next: ProgressSample, windowMs: number): ReadonlyArray<ProgressSample> => {
  const all = [...samples, next]
  const firstInside = all.findIndex((s) => next.t - s.t <= windowMs)
  return all.slice(Math.max(0, firstInside - 1))
}
