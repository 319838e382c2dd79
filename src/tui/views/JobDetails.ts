import { Box, Text } from "ink"
import React from "react"
import type { Job } from "../../domain/job.ts"
import { jobEta, jobRate } from "../data/jobs.ts"
import type { JobRow } from "../data/state.ts"
import { jobStatusColor } from "./colors.ts"
import { ago, compact, duration, fit, rate, shortTime } from "./format.ts"

const h = React.createElement

const filtersText = (f: Job["filters"]): string => {
  if (f === undefined) return "none"
  const parts = [
    f.queues?.length ? `queues ${f.queues.join(",")}` : "",
    f.divisions?.length ? `divisions ${f.divisions.join(",")}` : "",
    f.directions?.length ? `directions ${f.directions.join(",")}` : "",
    f.agents?.length ? `agents ${f.agents.join(",")}` : "",
    f.minDurationMs !== undefined ? `≥${duration(f.minDurationMs)}` : "",
    f.maxDurationMs !== undefined ? `≤${duration(f.maxDurationMs)}` : ""
  ].filter((p) => p !== "")
  return parts.length === 0 ? "none" : parts.join(" · ")
}

/** "2026-03-01 10:00:05", or just "10:01:07" when on the same day as `sameDayAs`. */
const stamp = (iso: string, sameDayAs?: string) => {
  const t = iso.replace("T", " ").replace(/(\.\d+)?Z$/, "")
  return sameDayAs !== undefined && sameDayAs.slice(0, 10) === iso.slice(0, 10) ? t.slice(11) : t
}

const timing = (j: Job, now: number): string => {
  const start = j.dateStarted === undefined ? undefined : Date.parse(j.dateStarted)
  const end = j.dateCompleted === undefined ? undefined : Date.parse(j.dateCompleted)
  if (j.dateStarted === undefined || start === undefined) {
    return j.dateCompleted !== undefined ? `ended ${stamp(j.dateCompleted)} without starting` : `waiting ${ago(now, Date.parse(j.dateCreated))}`
  }
  if (j.dateCompleted === undefined || end === undefined) return `started ${stamp(j.dateStarted)} · running ${ago(now, start)}`
  return `${stamp(j.dateStarted)} → ${stamp(j.dateCompleted, j.dateStarted)} · took ${duration(end - start)}`
}

/** The lines of a job's details, label and value. */
export const detailLines = (row: JobRow, now: number): ReadonlyArray<readonly [string, string, (string | undefined)?]> => {
  const j = row.job
  const eta = jobEta(row)
  const lines: Array<readonly [string, string, (string | undefined)?]> = [
    ["status", `${j.jobStatus}${j.jobStatus === "Queued" ? ` #${j.queueOrder}${j.waitingOn ? ` · ${j.waitingOn}` : ""}` : ""}${j.jobStatus === "InProgress" && j.waitingOn === "NATS" ? " · waiting for NATS" : ""}${j.cancelRequested ? " · cancel requested" : ""}`, jobStatusColor(j.jobStatus)],
    ["progress", `${j.percentComplete.toFixed(1)}% · ${compact(j.processedInteractionsCount)}/${compact(j.totalInteractionsCount)} · ${rate(jobRate(row))}${eta !== undefined ? ` · ETA ${duration(eta)}` : ""}`],
    ["outcomes", `updated ${compact(j.updatedInteractionsCount)} · unchanged ${compact(j.unchangedInteractionsCount)} · failed ${compact(j.failedInteractionsCount)}`, j.failedInteractionsCount > 0 ? "yellow" : undefined],
    ["range", `${shortTime(j.dateStart)} → ${shortTime(j.dateEnd)}`],
    ["programs", j.programs.join(", ")],
    ["media", `${(j.requestedMediaTypes ?? j.mediaTypes).join(", ")}${j.dialects?.length ? ` · dialects ${j.dialects.join(",")}` : ""}`],
    ["filters", filtersText(j.filters)],
    ["model", `${j.modelRevision !== undefined ? `revision ${j.modelRevision}` : "pinned at start"} · by ${j.createdBy} · ${shortTime(j.dateCreated)}`],
    ["timing", timing(j, now)]
  ]
  if (j.errorMessage !== undefined) lines.push(["error", j.errorMessage, "red"])
  if (j.export !== undefined) lines.push(["export", `${j.export.bucket}/${j.export.name} · ${compact(j.export.rows)} rows`])
  if (j.description !== undefined && j.description !== "") lines.push(["about", j.description])
  return lines
}

export interface JobDetailsProps {
  readonly row: JobRow | undefined
  readonly width: number
  readonly height: number
  readonly now: number
}

/** The selected job: everything a job has, one line each, cut to the pane. */
export const JobDetails = (p: JobDetailsProps): React.ReactElement => {
  const labelWidth = 9
  const valueWidth = Math.max(1, p.width - labelWidth - 1)
  if (p.row === undefined) {
    return h(Box, { width: p.width, height: p.height }, h(Text, { dimColor: true }, "  select a job to see its details"))
  }
  const j = p.row.job
  const title = h(Text, { key: "title", wrap: "truncate", bold: true }, fit(`${j.id}  ${j.name}`, p.width))
  const lines = detailLines(p.row, p.now).slice(0, Math.max(0, p.height - 1))
  return h(
    Box,
    { flexDirection: "column", width: p.width, height: p.height },
    title,
    ...lines.map(([label, value, color]) =>
      h(Text, { key: label, wrap: "truncate" },
        h(Text, { dimColor: true }, fit(label, labelWidth)), " ",
        h(Text, color !== undefined ? { color } : {}, fit(value, valueWidth))))
  )
}
