import { backlogTotal, type Overview } from "../../domain/overview.ts"
import { compact, duration, rate } from "./format.ts"

/** How a figure reads at a glance: `bad` (red), `warn` (yellow), `ok` (green), `plain`. */
export type Tone = "ok" | "warn" | "bad" | "plain"

export interface Figure {
  readonly key: "running" | "queued" | "failed" | "progress" | "rate" | "eta" | "dlq" | "backlog" | "lag" | "nats"
  readonly label: string
  /** A shorter label for a narrow terminal ("" for figures that read alone, such as "25.0%"). */
  readonly short: string
  readonly value: string
  readonly tone: Tone
}

/**
 * The key figures as text, in the order of the Grafana dashboard's top row: jobs running,
 * queued, failed; the running jobs' progress, rate and ETA; dead letters; consumer backlog;
 * the recovery watermark's lag; NATS. `rewind status` prints them, `rewind tui` shows them
 * under its header.
 */
export const keyFigures = (o: Overview): ReadonlyArray<Figure> => {
  const backlog = backlogTotal(o.backlog)
  const lag = o.recovery.watermarkLagSeconds
  const idle = o.running.interactions === 0
  return [
    { key: "running", label: "running", short: "run", value: String(o.jobs.running), tone: o.jobs.running > 0 ? "ok" : "plain" },
    { key: "queued", label: "queued", short: "queue", value: String(o.jobs.queued), tone: "plain" },
    { key: "failed", label: "failed", short: "failed", value: String(o.jobs.failed), tone: o.jobs.failed > 0 ? "bad" : "plain" },
    { key: "progress", label: "progress", short: "", value: idle ? "-" : `${o.running.percentComplete.toFixed(1)}%`, tone: "plain" },
    { key: "rate", label: "rate", short: "", value: rate(o.running.interactionsPerSecond ?? undefined), tone: "plain" },
    { key: "eta", label: "ETA", short: "ETA", value: o.running.etaSeconds === null ? "-" : duration(o.running.etaSeconds * 1000), tone: "plain" },
    { key: "dlq", label: "DLQ", short: "DLQ", value: o.deadLetters === null ? "-" : compact(o.deadLetters), tone: (o.deadLetters ?? 0) > 0 ? "bad" : "plain" },
    { key: "backlog", label: "backlog", short: "backlog", value: backlog === null ? "-" : compact(backlog), tone: (backlog ?? 0) > 0 ? "warn" : "plain" },
    { key: "lag", label: "recovery lag", short: "lag", value: lag === null ? "-" : duration(lag * 1000), tone: "plain" },
    { key: "nats", label: "NATS", short: "NATS", value: o.nats.connected ? "connected" : "disconnected", tone: o.nats.connected ? "ok" : "bad" }
  ]
}
