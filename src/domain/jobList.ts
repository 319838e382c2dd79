import type { JobListQuery } from "./contract.ts"
import { byCreation, type Job } from "./job.ts"

export const DefaultJobPageSize = 25

export interface JobPage {
  readonly entities: ReadonlyArray<Job>
  readonly pageSize: number
  readonly pageNumber: number
  readonly pageCount: number
  readonly total: number
  readonly queueTotal: number
}

/**
 * One page of jobs as Genesys lists reprocessing jobs: filtered by status and by a
 * case-insensitive part of the name, sorted by creation (newest first unless `asc`), then cut
 * into pages of `pageSize` (or `limit`). `queueTotal` counts every queued job.
 */
export const pageJobs = (jobs: ReadonlyArray<Job>, q: JobListQuery): JobPage => {
  const name = q.name?.toLowerCase()
  const selected = jobs
    .filter((j) => q.status === undefined || j.jobStatus === q.status)
    .filter((j) => name === undefined || j.name.toLowerCase().includes(name))
    .sort((a, b) => (q.sortOrder === "asc" ? byCreation(a, b) : byCreation(b, a)))
  const pageSize = q.pageSize ?? q.limit ?? DefaultJobPageSize
  const pageNumber = q.pageNumber ?? 1
  return {
    entities: selected.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
    pageSize,
    pageNumber,
    pageCount: Math.ceil(selected.length / pageSize),
    total: selected.length,
    queueTotal: jobs.filter((j) => j.jobStatus === "Queued").length
  }
}
