import { Box, Text } from "ink"
import React from "react"
import { terminalSafe } from "../../domain/terminalText.ts"
import { type RunSummary, sortRuns, watermarkText } from "../data/recovery.ts"
import type { RecoveryState } from "../data/state.ts"
import { runStatusColor } from "./colors.ts"
import { ago, compact, fit, shortTime } from "./format.ts"
import { type Column, Table } from "./Table.ts"

const h = React.createElement

const countsText = (r: RunSummary) => r.counts.map(([k, v]) => `${k} ${compact(v)}`).join(" · ")

export const runColumns: ReadonlyArray<Column<RunSummary>> = [
  { title: "ID", width: 14, cell: (r) => r.id },
  { title: "FROM", width: 16, cell: (r) => shortTime(r.from) },
  { title: "TO", width: 16, cell: (r) => shortTime(r.to) },
  { title: "TRIGGER", width: 9, drop: 2, cell: (r) => r.trigger ?? "-" },
  { title: "STATUS", width: 10, cell: (r) => r.status ?? "-", color: (r) => runStatusColor(r.status) },
  { title: "COUNTS", width: 10, flex: true, drop: 1, cell: countsText }
]

export interface RecoveryViewProps {
  readonly width: number
  readonly height: number
  readonly bucket: string
  readonly recovery: RecoveryState
  readonly selected: number
  readonly now: number
}

/** Recovery runs from the recovery bucket, the watermark, and the last manual request. */
export const RecoveryView = (p: RecoveryViewProps): React.ReactElement => {
  const rec = p.recovery
  const runs = sortRuns(rec.runs)
  const wm = watermarkText(rec.watermark)
  const req = rec.lastRequest
  const requestLine = req === undefined
    ? h(Text, { dimColor: true }, "press r to request a manual run for a period")
    : h(Text, { color: req.status === "rejected" ? "red" : "cyan" },
      `manual run ${shortTime(req.from)} → ${shortTime(req.to)}: ${req.status === "rejected" ? `rejected — ${terminalSafe(req.reason ?? "")}` : `published ${ago(p.now, req.at)} ago`}`)
  const empty = rec.presence === "missing"
    ? `recovery bucket ${p.bucket} not created yet`
    : rec.presence === "unknown" ? "loading…" : "no recovery runs yet"
  const selectedRun = runs[p.selected]
  const detail = selectedRun === undefined ? "" : [
    selectedRun.startedAt !== undefined ? `started ${shortTime(selectedRun.startedAt)}` : "",
    countsText(selectedRun),
    selectedRun.error !== undefined ? `error: ${selectedRun.error}` : ""
  ].filter((s) => s !== "").join("  ·  ")
  return h(
    Box,
    { flexDirection: "column", width: p.width, height: p.height },
    h(Text, { wrap: "truncate" }, h(Text, { dimColor: true }, "watermark "), wm === undefined ? h(Text, { dimColor: true }, "none yet") : h(Text, { color: "green" }, wm)),
    h(Text, { wrap: "truncate" }, requestLine),
    h(Table<RunSummary>, {
      columns: runColumns,
      rows: runs,
      width: p.width,
      height: Math.max(2, p.height - 3),
      selected: p.selected,
      rowKey: (r) => r.id,
      empty
    }),
    h(Text, { wrap: "truncate", ...(selectedRun?.error !== undefined ? { color: "red" } : { dimColor: true }) }, fit(detail, p.width))
  )
}
