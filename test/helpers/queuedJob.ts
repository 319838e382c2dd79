/** A job record as the daemon writes one at create (Queued, nothing done), for tests that put a job's state in place themselves. */
import type { Job } from "../../src/domain/job.ts"

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
    queueOrder: 0,
    totalInteractionsCount: 0,
    processedInteractionsCount: 0,
    failedInteractionsCount: 0,
    updatedInteractionsCount: 0,
    unchangedInteractionsCount: 0,
    percentComplete: 0,
    writeVersion: 0,
    seq: 0,
    ...o
  }
}
