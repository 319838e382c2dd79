/**
 * Quota arithmetic (SPEC "Quota/usage"): usage is metered per calendar month; each agent
 * brings a free quota of 2,000 interactions a month; beyond it interactions are billable.
 * With billing off, usage is still recorded and nothing is billable.
 */
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
