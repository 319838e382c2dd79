import { makeNames } from "../../nats/names.ts"
import {
  type ConsumerBacklog,
  countJobs,
  lagSeconds,
  type Overview,
  runningFigures,
  type SharedConsumer
} from "../../domain/overview.ts"
import { jobRate } from "./jobs.ts"
import { watermarkText } from "./recovery.ts"
import type { TuiState } from "./state.ts"

/** A date-like watermark text, or undefined (the dashboard reads the bucket as generic JSON). */
const instant = (value: unknown): string | undefined => {
  const t = watermarkText(value)
  return t !== undefined && !Number.isNaN(Date.parse(t)) ? t : undefined
}

/**
 * The key figures (src/domain/overview.ts) from what the dashboard follows — the jobs bucket,
 * the streams and consumers it polls, the recovery bucket, its own connection — computed as
 * the daemon computes `rewind.api.status`'s: the header shows the same picture as `rewind
 * status` and the Grafana dashboard's top row. The rate is the running jobs' own over their
 * last 30 s.
 */
export const overviewOf = (s: TuiState, now: number): Overview => {
  const names = makeNames(s.prefix)
  const rows = [...s.jobs.byId.values()]
  const jobs = rows.map((r) => r.job)
  const rates = rows.filter((r) => r.job.jobStatus === "InProgress").map(jobRate)
  // Nothing running: nothing moves (0/s); a running job without two readings yet: not known.
  const perSecond = rates.some((r) => r === undefined) ? null : rates.reduce((a: number, r) => a + (r ?? 0), 0)
  const byId = new Map(s.queues.rows.map((r) => [r.id, r]))
  const backlog = (stream: string, durable: string): ConsumerBacklog | null => {
    const last = byId.get(`${stream}/${durable}`)?.last
    return last === undefined ? null : { pending: last.pending ?? 0, ackPending: last.ackPending ?? 0, redelivered: last.redelivered ?? 0 }
  }
  const consumers: Record<SharedConsumer, ConsumerBacklog | null> = {
    commands: backlog(names.cmdStream, names.cmdConsumer),
    work: backlog(names.workStream, names.workConsumer),
    ingest: backlog(names.ingestStream, names.ingestConsumer)
  }
  const dlq = byId.get(names.dlqStream)
  const watermark = instant(s.recovery.watermark)
  const ingestWatermark = instant(s.recovery.ingestWatermark)
  return {
    at: new Date(now).toISOString(),
    jobs: countJobs(jobs),
    running: runningFigures(jobs, perSecond),
    deadLetters: dlq?.presence === "present" ? dlq.last?.messages ?? null : null,
    backlog: consumers,
    recovery: {
      watermark: watermark ?? null,
      watermarkLagSeconds: lagSeconds(watermark, now),
      ingestWatermark: ingestWatermark ?? null,
      ingestLagSeconds: lagSeconds(ingestWatermark, now)
    },
    nats: { connected: s.connection.status === "connected", disconnects: s.connection.disconnects ?? 0 }
  }
}
