import * as Effect from "effect/Effect"
import { Command, Flag } from "effect/cli"
import type { StatusAnswer } from "../domain/contract.ts"
import type { ConsumerBacklog, Overview } from "../domain/overview.ts"
import { requestApi } from "../nats/Service.ts"
import { duration } from "../tui/views/format.ts"
import { keyFigures } from "../tui/views/keyFigures.ts"
import { NatsClientLayer } from "../client/natsClient.ts"
import { emit } from "./output.ts"

type Status = typeof StatusAnswer.Type

const json = Flag.Boolean("json").pipe(Flag.withDescription("Machine-readable JSON output (the rewind.api.status answer)"), Flag.withDefault(false))

const backlogText = (name: string, b: ConsumerBacklog | null) =>
  b === null ? `${name} -` : `${name} ${b.pending}${b.ackPending > 0 || b.redelivered > 0 ? ` (ack pending ${b.ackPending}, redelivered ${b.redelivered})` : ""}`

const lagText = (at: string | null, lag: number | null) => (at === null || lag === null ? "none yet" : `${at} (${duration(lag * 1000)} ago)`)

/** The key figures first (as the dashboard's top row and the TUI show them), then their detail. */
export const describeStatus = (s: Status): string => {
  const o: Overview = s.overview
  const figures = keyFigures(o)
  const width = Math.max(...figures.map((f) => f.label.length))
  return [
    `rewind ${s.version} · instance ${s.instance} · prefix ${s.prefix} · up ${duration(s.uptimeSeconds * 1000)} · model revision ${s.modelRevision ?? "none"}`,
    "",
    ...figures.map((f) => `${f.label.padEnd(width)}  ${f.value}`),
    "",
    `jobs          ${o.jobs.running} running, ${o.jobs.queued} queued, ${o.jobs.proposed} proposed, ${o.jobs.completed} completed, ${o.jobs.failed} failed, ${o.jobs.cancelled} cancelled`,
    `running jobs  ${o.running.processed} of ${o.running.interactions} interactions processed`,
    `backlog       ${backlogText("commands", o.backlog.commands)} · ${backlogText("work", o.backlog.work)} · ${backlogText("ingest", o.backlog.ingest)}`,
    `watermarks    recovery ${lagText(o.recovery.watermark, o.recovery.watermarkLagSeconds)}; ingest ${lagText(o.recovery.ingestWatermark, o.recovery.ingestLagSeconds)}`,
    `NATS          ${o.nats.connected ? "connected" : "disconnected"} (${o.nats.disconnects} disconnect${o.nats.disconnects === 1 ? "" : "s"} since this daemon started)`,
    ...s.jobs.map((j) => `this daemon   runs ${j.jobId}${j.waitingOn === undefined ? "" : `, waiting for ${j.waitingOn} since ${j.waitingSince ?? "?"}`}`),
    `as of         ${o.at}`
  ].join("\n")
}

/** `rewind status`: the cluster's key figures, asked of any running daemon (rewind.api.status). */
export const statusCommand = Command.make("status", { json }, (f) =>
  Effect.gen(function*() {
    const s = (yield* requestApi("status", {})) as Status
    yield* emit(f.json, s, () => describeStatus(s))
  }).pipe(Effect.provide(NatsClientLayer))).pipe(
  Command.withDescription("Key figures of the whole installation — jobs, progress, rate, ETA, dead letters, backlog, watermark lag, NATS — from any running daemon")
)
