import type { Job } from "../../../src/domain/job.ts"
import { applyJobEntry } from "../../../src/tui/data/jobs.ts"
import { applyQueuePoll, type QueueObservation } from "../../../src/tui/data/queues.ts"
import { initialState, type TuiState } from "../../../src/tui/data/state.ts"

/** A fixed "now" for frames: 2026-03-01 12:00:00 UTC. */
export const T0 = Date.parse("2026-03-01T12:00:00Z")

export const job = (o: Partial<Job> & { id: string }): Job => ({
  name: `reprocess ${o.id}`,
  dateStart: "2026-01-02T00:00:00Z",
  dateEnd: "2026-01-12T00:00:00Z",
  programs: ["prog-billing", "prog-churn"],
  mediaTypes: ["voice", "chat"],
  createdBy: "alice",
  dateCreated: "2026-03-01T11:00:00Z",
  dateModified: "2026-03-01T11:59:00Z",
  jobStatus: "Queued",
  queueOrder: 0,
  totalInteractionsCount: 1000,
  processedInteractionsCount: 0,
  failedInteractionsCount: 0,
  updatedInteractionsCount: 0,
  unchangedInteractionsCount: 0,
  percentComplete: 0,
  writeVersion: 1,
  seq: 1,
  ...o
})

export const baseState = (): TuiState => ({
  ...initialState({ prefix: "rewind", server: "nats://127.0.0.1:4222", refreshMs: 2000, now: T0 - 65_000 }),
  connection: { status: "connected", server: "nats://127.0.0.1:4222", since: T0 - 65_000 }
})

/** Three jobs: one running (with a rate), one queued, one completed with failures. */
export const withJobs = (s: TuiState): TuiState => {
  const running = job({
    id: "job-run", name: "billing topics v2", jobStatus: "InProgress", seq: 3, modelRevision: 4,
    totalInteractionsCount: 20_000, processedInteractionsCount: 5_000, percentComplete: 25,
    updatedInteractionsCount: 3_000, unchangedInteractionsCount: 1_900, failedInteractionsCount: 100,
    dateStarted: "2026-03-01T11:50:00Z"
  })
  let st = applyJobEntry(s, running.id, { ...running, processedInteractionsCount: 4_000, percentComplete: 20 }, T0 - 10_000)
  st = applyJobEntry(st, running.id, running, T0)
  st = applyJobEntry(st, "job-q", job({ id: "job-q", name: "churn backfill", jobStatus: "Queued", queueOrder: 1, seq: 4, waitingOn: "waiting for 1 job ahead" }), T0)
  st = applyJobEntry(st, "job-done", job({
    id: "job-done", name: "january fix", jobStatus: "Completed", seq: 2, modelRevision: 3,
    totalInteractionsCount: 600, processedInteractionsCount: 600, percentComplete: 100,
    updatedInteractionsCount: 400, unchangedInteractionsCount: 180, failedInteractionsCount: 20,
    dateStarted: "2026-03-01T10:00:00Z", dateCompleted: "2026-03-01T10:01:00Z",
    export: { bucket: "rewind-exports", name: "job-done.csv", size: 1234, digest: "SHA-256=x", rows: 400 }
  }), T0)
  return { ...st, jobs: { ...st.jobs, presence: "present" } }
}

const stream = (id: string, kind: QueueObservation["kind"], t: number, seq: number, messages: number): QueueObservation =>
  ({ id, kind, name: id, sample: { t, messages, bytes: messages * 300, seq } })

/** Two polls of every stream: commands flowing, two dead letters, an object store not created. */
export const withQueues = (s: TuiState): TuiState => {
  const poll = (t: number, k: number): ReadonlyArray<QueueObservation> => [
    stream("REWIND_CMD", "commands", t, 10 + 4 * k, 1),
    { id: "REWIND_CMD/rewind-daemon", kind: "consumer", name: "rewind-daemon", sample: { t, messages: 1, bytes: 0, seq: 9 + 4 * k, pending: 1, ackPending: 2, redelivered: 1 } },
    stream("REWIND_DLQ", "dead letters", t, 2, 2),
    stream("REWIND_EVT", "events", t, 500 + 100 * k, 500 + 100 * k),
    stream("KV_rewind-jobs", "kv", t, 40 + k, 3),
    { id: "OBJ_rewind-exports", kind: "objects", name: "OBJ_rewind-exports", sample: undefined }
  ]
  let q = s.queues
  for (let k = 0; k < 5; k++) q = applyQueuePoll(q, poll(T0 - (4 - k) * 2000, k), T0 - (4 - k) * 2000, 150)
  return { ...s, queues: q }
}
