import type { Job } from "../../domain/job.ts"

/** Everything the dashboard shows, as fed by NATS. Immutable: every change makes a new value. */

export type ConnectionStatus = "connecting" | "connected" | "reconnecting" | "disconnected"

export interface ConnectionState {
  readonly status: ConnectionStatus
  /** The server we are (or were last) connected to, or the configured ones. */
  readonly server: string
  readonly since: number
  readonly error?: string
  /** Times an established connection was lost since the dashboard started. */
  readonly disconnects?: number
}

/** Whether a stream or bucket exists: not known before the first look. */
export type Presence = "unknown" | "missing" | "present"

export type QueueKind = "commands" | "work items" | "ingest" | "dead letters" | "events" | "kv" | "objects" | "consumer"

export interface QueueSample {
  readonly t: number
  readonly messages: number
  readonly bytes: number
  /** Streams: last sequence (inflow). Consumers: last delivered stream sequence (outflow). */
  readonly seq: number
  readonly pending?: number
  readonly ackPending?: number
  readonly redelivered?: number
}

export interface QueueRow {
  /** `REWIND_CMD` or `REWIND_CMD/rewind-daemon`. */
  readonly id: string
  readonly kind: QueueKind
  readonly name: string
  readonly presence: Presence
  readonly last?: QueueSample
  /** Per second since the previous sample: messages in (streams), delivered (consumers). */
  readonly rate?: number
  /** Recent rates, oldest first (a ring of `historySize`). */
  readonly history: ReadonlyArray<number>
}

export interface QueuesState {
  readonly rows: ReadonlyArray<QueueRow>
  readonly polledAt?: number
  readonly error?: string
}

export interface JobRow {
  readonly job: Job
  /** Recent (time, processed) points for the rate and ETA. */
  readonly samples: ReadonlyArray<{ readonly t: number; readonly n: number }>
  readonly lastEvent?: string
}

export interface JobsState {
  readonly presence: Presence
  readonly byId: ReadonlyMap<string, JobRow>
  readonly error?: string
}

export interface RecoveryRequest {
  readonly commandId: string
  readonly from: string
  readonly to: string
  readonly at: number
  readonly status: "published" | "rejected"
  readonly reason?: string
}

export interface RecoveryState {
  readonly presence: Presence
  /** Run records as stored (generic JSON: the recovery feature owns their shape). */
  readonly runs: ReadonlyMap<string, unknown>
  readonly watermark?: unknown
  /** Live ingestion's watermark (the same bucket, key `ingest-watermark`). */
  readonly ingestWatermark?: unknown
  readonly lastRequest?: RecoveryRequest
  readonly error?: string
}

export interface DaemonInfo {
  readonly id: string
  readonly version: string
  readonly description?: string
  readonly instance?: string
  readonly started?: string
  readonly requests: number
  readonly errors: number
  readonly endpoints: number
  readonly lastError?: string
  readonly rttMs?: number
  readonly seenAt: number
}

export interface DaemonsState {
  readonly list: ReadonlyArray<DaemonInfo>
  readonly polledAt?: number
  readonly error?: string
}

export interface Notice {
  readonly at: number
  readonly level: "info" | "warn" | "error"
  readonly text: string
}

export interface TuiState {
  readonly prefix: string
  readonly refreshMs: number
  readonly connection: ConnectionState
  readonly queues: QueuesState
  readonly jobs: JobsState
  readonly recovery: RecoveryState
  readonly daemons: DaemonsState
  /** Newest last. */
  readonly notices: ReadonlyArray<Notice>
  /** Commands this dashboard published, by commandId, to match rejections. */
  readonly pending: ReadonlyMap<string, string>
}

export const initialState = (o: { prefix: string; server: string; refreshMs: number; now: number }): TuiState => ({
  prefix: o.prefix,
  refreshMs: o.refreshMs,
  connection: { status: "connecting", server: o.server, since: o.now },
  queues: { rows: [] },
  jobs: { presence: "unknown", byId: new Map() },
  recovery: { presence: "unknown", runs: new Map() },
  daemons: { list: [] },
  notices: [],
  pending: new Map()
})

export const addNotice = (s: TuiState, n: Notice): TuiState => ({ ...s, notices: [...s.notices.slice(-19), n] })
