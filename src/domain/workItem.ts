import * as Schema from "effect/Schema"
import { Checkpoint } from "./job.ts"
import type { PageKey } from "./interaction.ts"

/**
 * One work item of a job: a range of its scope, (after, upTo] by the store's paging key
 * (startTime, id), processed by whichever daemon pulls it from the work queue. Its record (KV
 * `<prefix>-job-items`, key `<jobId>.<item>`) is where that daemon checkpoints: the counts of
 * the pages it has written, guarded by the checkpoint so a page is counted once however often
 * it is replayed, and the lease (worker + heartbeat) that keeps two daemons from running it at
 * once. A job's counts are the sums of its items'.
 */
export const ItemCounts = Schema.Struct({
  processed: Schema.Int,
  updated: Schema.Int,
  unchanged: Schema.Int,
  failed: Schema.Int
})
export type ItemCounts = typeof ItemCounts.Type

export const noCounts: ItemCounts = { processed: 0, updated: 0, unchanged: 0, failed: 0 }

export const addCounts = (a: ItemCounts, b: ItemCounts): ItemCounts => ({
  processed: a.processed + b.processed,
  updated: a.updated + b.updated,
  unchanged: a.unchanged + b.unchanged,
  failed: a.failed + b.failed
})

export const WorkItem = Schema.Struct({
  jobId: Schema.String,
  item: Schema.Int,
  /** Exclusive start of the range; none: the scope's start. */
  after: Schema.optionalKey(Checkpoint),
  /** Inclusive end of the range; none: the scope's end. */
  upTo: Schema.optionalKey(Checkpoint),
  /** Paging every worker uses for this item, so checkpoints fall on the same keys. */
  pageSize: Schema.Int,
  writeBatchPages: Schema.Int,
  /** The last key written and counted. */
  checkpoint: Schema.optionalKey(Checkpoint),
  counts: ItemCounts,
  done: Schema.Boolean,
  /** Stopped by the job's coordinator (the job was cancelled or failed): workers leave it. */
  stopped: Schema.optionalKey(Schema.Boolean),
  /** Why the item failed (its job fails with this). */
  error: Schema.optionalKey(Schema.String),
  /** Daemon instance running the item, and when it last said so. */
  worker: Schema.optionalKey(Schema.String),
  heartbeatAt: Schema.optionalKey(Schema.String)
})
export type WorkItem = typeof WorkItem.Type

/** A message of the work queue: which item of which job to run. */
export const WorkMessage = Schema.Struct({ jobId: Schema.String, item: Schema.Int })
export type WorkMessage = typeof WorkMessage.Type

export const itemKey = (jobId: string, item: number): string => `${jobId}.${item}`

/**
 * A job's items from the boundaries of its scope (every `n`-th key): item k covers
 * (boundary k−1, boundary k], and the last one runs from the last boundary to the scope's end.
 */
export const planItems = (
  jobId: string,
  boundaries: ReadonlyArray<PageKey>,
  paging: { readonly pageSize: number; readonly writeBatchPages: number }
): ReadonlyArray<WorkItem> => {
  const keys = boundaries.map((b) => ({ startTime: b.startTime, id: b.id }))
  return [...keys, undefined].map((upTo, k): WorkItem => {
    const after = k === 0 ? undefined : keys[k - 1]
    return {
      jobId,
      item: k,
      ...(after === undefined ? {} : { after }),
      ...(upTo === undefined ? {} : { upTo }),
      pageSize: paging.pageSize,
      writeBatchPages: paging.writeBatchPages,
      counts: noCounts,
      done: false
    }
  })
}
