import { Box, Text } from "ink"
import React from "react"
import { jobEta, jobRate } from "../data/jobs.ts"
import type { JobRow, Presence } from "../data/state.ts"
import { jobStatusColor } from "./colors.ts"
import { bar, compact, duration, rate } from "./format.ts"
import { JobDetails } from "./JobDetails.ts"
import { type Column, Table } from "./Table.ts"

const h = React.createElement

const etaText = (r: JobRow): string => {
  const j = r.job
  if (j.jobStatus === "Queued") return "-"
  const eta = jobEta(r)
  if (eta !== undefined) return duration(eta)
  if (j.dateStarted !== undefined && j.dateCompleted !== undefined) return duration(Date.parse(j.dateCompleted) - Date.parse(j.dateStarted))
  return "-"
}

export const jobColumns: ReadonlyArray<Column<JobRow>> = [
  { title: "ID", width: 12, drop: 2, cell: (r) => r.job.id },
  { title: "NAME", width: 12, flex: true, cell: (r) => r.job.name },
  {
    title: "STATUS",
    width: 10,
    // A running job paused because NATS does not answer (its `waiting` event).
    cell: (r) => (r.job.jobStatus === "InProgress" && r.job.waitingOn === "NATS" ? "NATS wait" : r.job.jobStatus),
    color: (r) => (r.job.jobStatus === "InProgress" && r.job.waitingOn === "NATS" ? "yellow" : jobStatusColor(r.job.jobStatus))
  },
  { title: "Q", width: 3, align: "right", drop: 3, cell: (r) => (r.job.jobStatus === "Queued" ? `#${r.job.queueOrder}` : "") },
  {
    title: "PROGRESS",
    width: 17,
    cell: (r, w) => `${bar(r.job.percentComplete, w - 7)} ${r.job.percentComplete.toFixed(1).padStart(5)}%`,
    color: (r) => (r.job.jobStatus === "InProgress" ? "cyan" : undefined)
  },
  { title: "DONE/TOTAL", width: 11, align: "right", cell: (r) => `${compact(r.job.processedInteractionsCount)}/${compact(r.job.totalInteractionsCount)}` },
  { title: "RATE", width: 7, align: "right", cell: (r) => (r.job.jobStatus === "Queued" ? "" : rate(jobRate(r))) },
  { title: "ETA/TOOK", width: 8, align: "right", cell: etaText },
  {
    title: "FAIL",
    width: 5,
    align: "right",
    cell: (r) => compact(r.job.failedInteractionsCount),
    color: (r) => (r.job.failedInteractionsCount > 0 ? "yellow" : undefined)
  },
  { title: "BY", width: 10, drop: 1, cell: (r) => r.job.createdBy }
]

export interface JobsViewProps {
  readonly width: number
  readonly height: number
  readonly presence: Presence
  readonly bucket: string
  /** Sorted and filtered. */
  readonly rows: ReadonlyArray<JobRow>
  readonly total: number
  readonly selected: number
  readonly filter: string
  readonly now: number
}

/** Details to the right on wide terminals, below the table otherwise. */
const detailsWidth = 58
const wideFrom = 150

export const JobsView = (p: JobsViewProps): React.ReactElement => {
  const selectedRow = p.rows[p.selected]
  const empty = p.presence === "missing"
    ? `jobs bucket ${p.bucket} not created yet (it appears when a daemon starts)`
    : p.presence === "unknown" ? "loading…"
    : p.total === 0 ? "no jobs yet — create one with: rewind job create" : `no job matches "${p.filter}"`
  const wide = p.width >= wideFrom
  const tableWidth = wide ? p.width - detailsWidth - 2 : p.width
  // narrow: the details below get what they can show (up to 13 lines, at least 8), the table the rest
  const tableHeight = wide ? p.height : Math.max(2, Math.min(p.height - 9, Math.max(p.height - 14, p.rows.length + 1)))
  const detailsHeight = wide ? p.height : Math.max(0, p.height - tableHeight - 1)
  const table = h(Table<JobRow>, {
    columns: jobColumns,
    rows: p.rows,
    width: tableWidth,
    height: tableHeight,
    selected: p.selected,
    rowKey: (r) => r.job.id,
    empty
  })
  const details = h(JobDetails, { row: selectedRow, width: wide ? detailsWidth : p.width, height: detailsHeight, now: p.now })
  if (wide) {
    return h(Box, { width: p.width, height: p.height },
      table,
      h(Box, { width: 2, height: p.height, borderStyle: "single", borderTop: false, borderBottom: false, borderRight: false, borderDimColor: true }),
      details)
  }
  return h(Box, { flexDirection: "column", width: p.width, height: p.height },
    table,
    h(Text, { dimColor: true }, "─".repeat(p.width)),
    details)
}
