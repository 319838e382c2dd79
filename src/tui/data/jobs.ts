import { byCreation, type Job } from "../../domain/job.ts"
import type { JobRow, JobsState, TuiState } from "./state.ts"

/** How far back the live rate looks. */
const rateWindowMs = 30_000

const withSample = (row: JobRow | undefined, job: Job, now: number): JobRow["samples"] => {
  const samples = row?.samples ?? []
  const lastN = samples.at(-1)?.n
  if (lastN === job.processedInteractionsCount) return samples
  const kept = samples.filter((s) => now - s.t <= rateWindowMs)
  return [...kept.slice(-59), { t: now, n: job.processedInteractionsCount }]
}

const upsert = (jobs: JobsState, job: Job, now: number, lastEvent?: string): JobsState => {
  const row = jobs.byId.get(job.id)
  const byId = new Map(jobs.byId)
  byId.set(job.id, {
    job,
    samples: withSample(row, job, now),
    ...(lastEvent !== undefined ? { lastEvent } : row?.lastEvent !== undefined ? { lastEvent: row.lastEvent } : {})
  })
  return { ...jobs, byId }
}

const remove = (jobs: JobsState, id: string): JobsState => {
  if (!jobs.byId.has(id)) return jobs
  const byId = new Map(jobs.byId)
  byId.delete(id)
  return { ...jobs, byId }
}

/** A value of the jobs KV bucket (the source of truth); `undefined` = the key was deleted. */
export const applyJobEntry = (s: TuiState, key: string, job: Job | undefined, now: number): TuiState => ({
  ...s,
  jobs: job === undefined ? remove(s.jobs, key) : upsert(s.jobs, job, now)
})

/** After (re)starting a watch: forget jobs whose keys are gone. */
export const keepJobs = (s: TuiState, keys: ReadonlyArray<string>): TuiState => {
  const live = new Set(keys)
  const byId = new Map([...s.jobs.byId].filter(([id]) => live.has(id)))
  return { ...s, jobs: { ...s.jobs, byId } }
}

/**
 * A job event (`evt.job.<id>`). It carries the public job: merged over what the KV gave,
 * unless it is older than what we have. `waitingOn` is the event's alone: a `resumed` event
 * (no `waitingOn`) ends the "waiting for NATS" a `waiting` event started.
 */
export const applyJobEvent = (s: TuiState, event: { type: string; job: Job }, now: number): TuiState => {
  if (event.type === "deleted") return { ...s, jobs: remove(s.jobs, event.job.id) }
  const current = s.jobs.byId.get(event.job.id)?.job
  if (current !== undefined && event.job.dateModified < current.dateModified) return s
  const { waitingOn: _previous, ...kept } = current ?? {}
  return { ...s, jobs: upsert(s.jobs, { ...kept, ...event.job }, now, event.type) }
}

/** Interactions per second: live over the last samples, or the average of a finished job. */
export const jobRate = (row: JobRow): number | undefined => {
  const j = row.job
  if (j.jobStatus === "InProgress") {
    const first = row.samples[0]
    const last = row.samples.at(-1)
    if (first === undefined || last === undefined || last.t <= first.t) return undefined
    return ((last.n - first.n) * 1000) / (last.t - first.t)
  }
  if (j.dateStarted !== undefined && j.dateCompleted !== undefined) {
    const ms = Date.parse(j.dateCompleted) - Date.parse(j.dateStarted)
    return ms > 0 ? (j.processedInteractionsCount * 1000) / ms : undefined
  }
  return undefined
}

/** Milliseconds left at the current rate. */
export const jobEta = (row: JobRow): number | undefined => {
  const r = jobRate(row)
  const j = row.job
  if (j.jobStatus !== "InProgress" || r === undefined || r <= 0) return undefined
  return ((j.totalInteractionsCount - j.processedInteractionsCount) / r) * 1000
}

const statusRank: Record<string, number> = { InProgress: 0, Queued: 1 }

/** Running first, then the queue in order, then the rest newest first. */
export const sortJobs = (rows: Iterable<JobRow>): ReadonlyArray<JobRow> =>
  [...rows].sort((a, b) => {
    const ra = statusRank[a.job.jobStatus] ?? 2
    const rb = statusRank[b.job.jobStatus] ?? 2
    if (ra !== rb) return ra - rb
    if (ra === 1) return a.job.queueOrder - b.job.queueOrder
    return byCreation(b.job, a.job)
  })

/** Case-insensitive match on id, name, status or author. */
export const filterJobs = (rows: ReadonlyArray<JobRow>, filter: string): ReadonlyArray<JobRow> => {
  const f = filter.trim().toLowerCase()
  if (f === "") return rows
  return rows.filter(({ job: j }) =>
    [j.id, j.name, j.jobStatus, j.createdBy].some((v) => v.toLowerCase().includes(f)))
}
