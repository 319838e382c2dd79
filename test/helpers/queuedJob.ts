/** A job record as the daemon writes one at create (Queued, nothing done), for tests that put a job's state in place themselves. */
import { type Job, NothingDone } from "../../src/domain/job.ts"

export const queuedJob = (id: string, scope: Pick<Job, "dateStart" | "dateEnd" | "programs" | "mediaTypes">, o: Partial<Job> = {}): Job => {
  const now = new Date().toISOString()
  return {
    id,
    name: id,
    ...scope,
    createdBy: "test",
    dateCreated: now,
    dateModified: now,
    jobStatus: "Queued",
    ...NothingDone,
    totalInteractionsCount: 0,
    seq: 0,
    ...o
  }
}
