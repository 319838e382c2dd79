import type { Names } from "../../nats/names.ts"
import type { QueueKind, QueueRow, QueueSample, QueuesState } from "./state.ts"

/** A stream (or durable consumer) to show, in display order. */
export interface QueueTarget {
  readonly id: string
  readonly kind: QueueKind
  readonly name: string
  readonly stream: string
  /** Durable consumers of this stream are listed under it. */
  readonly consumers?: boolean
}

/** Every stream Rewind creates, in the order the Queues view lists them. */
export const queueTargets = (n: Names): ReadonlyArray<QueueTarget> => [
  { id: n.cmdStream, kind: "commands", name: n.cmdStream, stream: n.cmdStream, consumers: true },
  { id: n.workStream, kind: "work items", name: n.workStream, stream: n.workStream, consumers: true },
  { id: n.ingestStream, kind: "ingest", name: n.ingestStream, stream: n.ingestStream, consumers: true },
  { id: n.dlqStream, kind: "dead letters", name: n.dlqStream, stream: n.dlqStream, consumers: true },
  { id: n.evtStream, kind: "events", name: n.evtStream, stream: n.evtStream, consumers: true },
  ...[n.jobsBucket, n.recoveryBucket, n.topicsBucket, n.commandsBucket].map((b): QueueTarget => ({
    id: `KV_${b}`, kind: "kv", name: `KV_${b}`, stream: `KV_${b}`
  })),
  { id: `OBJ_${n.exportsBucket}`, kind: "objects", name: `OBJ_${n.exportsBucket}`, stream: `OBJ_${n.exportsBucket}` }
]

/** What one poll found: a sample per existing stream/consumer, `undefined` for a missing one. */
export interface QueueObservation {
  readonly id: string
  readonly kind: QueueKind
  readonly name: string
  readonly sample: QueueSample | undefined
}

/**
 * Folds one poll into the rows: each row keeps its last sample, the rate since the previous
 * one, and a ring of the last `historySize` rates.
 */
export const applyQueuePoll = (
  q: QueuesState,
  observed: ReadonlyArray<QueueObservation>,
  now: number,
  historySize: number
): QueuesState => {
  const previous = new Map(q.rows.map((r) => [r.id, r]))
  const rows = observed.map((o): QueueRow => {
    const prev = previous.get(o.id)
    if (o.sample === undefined) return { id: o.id, kind: o.kind, name: o.name, presence: "missing", history: [] }
    const last = prev?.last
    const dt = last === undefined ? 0 : (o.sample.t - last.t) / 1000
    // a recreated stream restarts its sequence: no negative rates
    const rate = last === undefined || dt <= 0 ? undefined : Math.max(0, o.sample.seq - last.seq) / dt
    const history = rate === undefined ? prev?.history ?? [] : [...(prev?.history ?? []), rate].slice(-historySize)
    return {
      id: o.id,
      kind: o.kind,
      name: o.name,
      presence: "present",
      last: o.sample,
      ...(rate !== undefined ? { rate } : prev?.rate !== undefined ? { rate: prev.rate } : {}),
      history
    }
  })
  const { error: _error, ...rest } = q
  return { ...rest, rows, polledAt: now }
}
