/**
 * Quota arithmetic (SPEC "Quota/usage"): usage is metered per calendar month; each agent
 * brings a free quota of 2,000 interactions a month; beyond it interactions are billable.
 * With billing off, usage is still recorded and nothing is billable.
 */
import { firstStartOf } from "./job.ts"

export const FreeInteractionsPerAgent = 2_000

export interface QuotaConfig {
  readonly agents: number
  readonly billingEnabled: boolean
}

export interface QuotaImpact {
  /** Calendar month the usage is metered in, `YYYY-MM` (UTC). */
  readonly month: string
  /** Interactions already used this month, before this job. */
  readonly used: number
  /** Monthly free quota. */
  readonly freeQuota: number
  /** Of this job's interactions, how many the free quota still covers. */
  readonly free: number
  /** Of this job's interactions, how many are billable. */
  readonly billable: number
  readonly billingEnabled: boolean
}

export const monthOf = (ms: number): string => new Date(ms).toISOString().slice(0, 7)

export const quotaImpact = (count: number, used: number, month: string, cfg: QuotaConfig): QuotaImpact => {
  const freeQuota = Math.max(0, cfg.agents) * FreeInteractionsPerAgent
  const remaining = Math.max(0, freeQuota - used)
  const free = Math.min(count, remaining)
  return {
    month,
    used,
    freeQuota,
    free,
    billable: cfg.billingEnabled ? count - free : 0,
    billingEnabled: cfg.billingEnabled
  }
}

/**
 * Usage is metered per job run: a job id with its write version (fixed at the job's first start,
 * kept by its retries; a job created again under the id of a deleted one is another run). A run's
 * rows in `usage_monthly` are keyed `<jobId>@<writeVersion>` (`@` is in no job id), so one run never
 * overwrites another's. Rows recorded before runs were told apart are keyed by the job id alone.
 */
export const usageRunKey = (jobId: string, writeVersion: number): string => `${jobId}@${writeVersion}`

/** A row of `usage_monthly`: `key` a run's (usageRunKey) or, recorded before runs were told apart, a job id. */
export interface UsageRow {
  readonly month: string
  readonly key: string
  readonly interactions: number
  readonly recordedAtMs: number
}

/**
 * The rows to write when a job run has processed `total` interactions in all (over its retries),
 * as of `month`, given the rows already recorded under its key and its job id (`existing`):
 * - the run's row of `month` takes what the run's other months do not already count, so a run
 *   retried in a later month is counted once over the months, and the same end recorded again (a
 *   redelivery, a daemon taking the job over) writes the same row;
 * - a row of the job id alone is the run's if it was recorded once the run had started (an earlier
 *   job under the same id was deleted before this one was created): counted among the run's other
 *   months, or in `month` set to 0, the run's row counting it. One recorded earlier is an earlier
 *   job's, and stays as it is.
 */
/** How far apart two daemons' clocks may be when telling which run a row of the job id alone belongs to. */
const ClockSkewMs = 5 * 60_000

export const runUsageWrites = (
  month: string,
  jobId: string,
  writeVersion: number,
  total: number,
  existing: ReadonlyArray<UsageRow>
): ReadonlyArray<{ readonly month: string; readonly key: string; readonly interactions: number }> => {
  const key = usageRunKey(jobId, writeVersion)
  // Written by another daemon's clock than the run's start: a few minutes either way are the run's
  // (an earlier job under the id was deleted before this one was created, well before).
  const started = firstStartOf(writeVersion) - ClockSkewMs
  const runs = existing.filter((r) => r.key === key || (r.key === jobId && r.recordedAtMs >= started))
  const elsewhere = runs.filter((r) => r.month !== month).reduce((n, r) => n + r.interactions, 0)
  const unkeyedHere = runs.some((r) => r.key === jobId && r.month === month && r.interactions > 0)
  return [
    { month, key, interactions: Math.max(0, Math.round(total) - elsewhere) },
    ...(unkeyedHere ? [{ month, key: jobId, interactions: 0 }] : [])
  ]
}
