/**
 * Every NATS name Rewind uses, derived from one subject prefix (default `rewind`) so
 * several installations — or several tests — can share one server without colliding.
 */

export type CommandName = "job.create" | "job.cancel" | "job.delete" | "job.retry" | "job.confirm" | "job.revert" | "recovery.run"

export interface Names {
  readonly prefix: string
  /** `${prefix}.cmd.>` — the subjects of the command stream. */
  readonly cmdSubjects: string
  /** `${prefix}.cmd.job.create` etc. */
  readonly cmd: (name: CommandName) => string
  /** `${prefix}.evt.${suffix}` */
  readonly evt: (suffix: string) => string
  /** `${prefix}.evt.>` — the subjects of the events stream. */
  readonly evtSubjects: string
  /** `${prefix}.api.${name}`, e.g. `api("job.get")`. */
  readonly api: (name: string) => string
  /** `${prefix}.dlq.${originalSubject}` */
  readonly dlqSubject: (originalSubject: string) => string
  /** `${prefix}.dlq.>` — the subjects of the dead-letter stream. */
  readonly dlqSubjects: string
  /** Live ingestion: completed-conversation events. */
  readonly ingestSubject: string
  readonly ingestSubjects: string
  readonly ingestStream: string
  readonly ingestConsumer: string
  readonly cmdStream: string
  readonly dlqStream: string
  readonly evtStream: string
  readonly cmdConsumer: string
  /** Work items of jobs: `${prefix}.work.<jobId>`, a work queue every daemon pulls from. */
  readonly workSubject: (jobId: string) => string
  readonly workSubjects: string
  readonly workStream: string
  readonly workConsumer: string
  /** Work items' records (range, checkpoint, counts, lease): key `<jobId>.<item>`. */
  readonly itemsBucket: string
  readonly jobsBucket: string
  readonly topicsBucket: string
  readonly commandsBucket: string
  readonly recoveryBucket: string
  readonly exportsBucket: string
  readonly serviceName: "rewind"
}

/** Stream, consumer and bucket names allow letters, digits, `_` and `-` only. */
const sanitize = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, "_")

export const makeNames = (prefix: string): Names => {
  const upper = sanitize(prefix).toUpperCase()
  const lower = sanitize(prefix)
  return {
    prefix,
    cmdSubjects: `${prefix}.cmd.>`,
    cmd: (name) => `${prefix}.cmd.${name}`,
    evt: (suffix) => `${prefix}.evt.${suffix}`,
    evtSubjects: `${prefix}.evt.>`,
    api: (name) => `${prefix}.api.${name}`,
    dlqSubject: (originalSubject) => `${prefix}.dlq.${originalSubject}`,
    dlqSubjects: `${prefix}.dlq.>`,
    ingestSubject: `${prefix}.ingest.conversation`,
    ingestSubjects: `${prefix}.ingest.>`,
    ingestStream: `${upper}_INGEST`,
    ingestConsumer: `${lower}-ingest`,
    cmdStream: `${upper}_CMD`,
    dlqStream: `${upper}_DLQ`,
    evtStream: `${upper}_EVT`,
    cmdConsumer: `${lower}-daemon`,
    workSubject: (jobId) => `${prefix}.work.${jobId}`,
    workSubjects: `${prefix}.work.>`,
    workStream: `${upper}_WORK`,
    workConsumer: `${lower}-worker`,
    itemsBucket: `${lower}-job-items`,
    jobsBucket: `${lower}-jobs`,
    topicsBucket: `${lower}-topics`,
    commandsBucket: `${lower}-commands`,
    recoveryBucket: `${lower}-recovery`,
    exportsBucket: `${lower}-exports`,
    serviceName: "rewind"
  }
}
