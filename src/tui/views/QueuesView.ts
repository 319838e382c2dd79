import { Box, Text } from "ink"
import React from "react"
import { terminalSafe } from "../../domain/terminalText.ts"
import type { QueueRow } from "../data/state.ts"
import { ago, bytes, compact, duration, rate, sparkline } from "./format.ts"
import { type Column, Table } from "./Table.ts"

const h = React.createElement

/** How much history the trend column shows. */
export const trendWindowMs = 5 * 60_000

const missing = (r: QueueRow) => r.presence !== "present"
const isConsumer = (r: QueueRow) => r.kind === "consumer"
const num = (r: QueueRow, v: number | undefined) => (missing(r) ? "" : v === undefined ? "" : compact(v))
const dim = (r: QueueRow) => (missing(r) ? "gray" : undefined)
const warnIf = (r: QueueRow, v: number | undefined, color: string) => (missing(r) ? "gray" : (v ?? 0) > 0 ? color : undefined)

/** The NAME column fits the longest name (indented consumers included), within bounds. */
const nameWidth = (rows: ReadonlyArray<QueueRow>, tableWidth: number) =>
  Math.max(14, Math.min(Math.max(20, Math.floor(tableWidth / 3)), Math.max(0, ...rows.map((r) => r.name.length + (isConsumer(r) ? 3 : 0)))))

export const queueColumns = (refreshMs: number, nameColumn = 20): ReadonlyArray<Column<QueueRow>> => [
  { title: "NAME", width: nameColumn, cell: (r) => (isConsumer(r) ? ` └ ${r.name}` : r.name), color: dim },
  { title: "KIND", width: 12, drop: 1, cell: (r) => r.kind, color: (r) => (missing(r) ? "gray" : r.kind === "dead letters" ? "red" : undefined) },
  {
    title: "MSGS",
    width: 7,
    align: "right",
    cell: (r) => (missing(r) ? "-" : isConsumer(r) ? "" : num(r, r.last?.messages)),
    color: (r) => (r.kind === "dead letters" ? warnIf(r, r.last?.messages, "red") : dim(r))
  },
  { title: "BYTES", width: 9, align: "right", drop: 2, cell: (r) => (missing(r) || isConsumer(r) || r.last === undefined ? "" : bytes(r.last.bytes)), color: dim },
  { title: "RATE", width: 7, align: "right", cell: (r) => (missing(r) ? "" : rate(r.rate)), color: dim },
  { title: "PEND", width: 6, align: "right", cell: (r) => (isConsumer(r) ? num(r, r.last?.pending) : ""), color: (r) => warnIf(r, r.last?.pending, "yellow") },
  { title: "ACKP", width: 5, align: "right", cell: (r) => (isConsumer(r) ? num(r, r.last?.ackPending) : ""), color: dim },
  { title: "REDEL", width: 5, align: "right", cell: (r) => (isConsumer(r) ? num(r, r.last?.redelivered) : ""), color: (r) => warnIf(r, r.last?.redelivered, "yellow") },
  {
    title: `LAST ${duration(trendWindowMs)}`.replace("m00s", "m"),
    width: 10,
    flex: true,
    cell: (r, w) =>
      missing(r)
        ? r.presence === "missing" ? (w >= 15 ? "not created yet" : "not created") : "…"
        : sparkline(r.history, w, Math.max(1, Math.round(trendWindowMs / refreshMs / w))),
    color: (r) => (missing(r) ? "gray" : r.kind === "dead letters" ? "red" : isConsumer(r) ? "blue" : "cyan")
  }
]

export interface QueuesViewProps {
  readonly width: number
  readonly height: number
  readonly rows: ReadonlyArray<QueueRow>
  readonly selected: number
  readonly refreshMs: number
  readonly polledAt: number | undefined
  readonly error: string | undefined
  readonly now: number
}

/** Streams and consumers: depth, rates, a trend of recent minutes; dead letters stand out. */
export const QueuesView = (p: QueuesViewProps): React.ReactElement => {
  const dlq = p.rows.find((r) => r.kind === "dead letters")
  const consumer = p.rows.find((r) => r.kind === "consumer")
  const dlqDepth = dlq?.last?.messages ?? 0
  const summary = [
    h(Text, { key: "dlq", color: dlqDepth > 0 ? "red" : "green" }, `dead letters ${dlq?.presence === "present" ? compact(dlqDepth) : "-"}`),
    h(Text, { key: "pend" }, `  ·  commands waiting ${consumer?.presence === "present" ? compact(consumer.last?.pending ?? 0) : "-"}`),
    h(Text, { key: "poll", dimColor: true },
      `  ·  every ${duration(p.refreshMs).replace(/^0s$/, `${p.refreshMs}ms`)}${p.polledAt !== undefined ? `, polled ${ago(p.now, p.polledAt)} ago` : ""}`),
    p.error !== undefined ? h(Text, { key: "err", color: "red" }, `  ·  ${terminalSafe(p.error)}`) : null
  ]
  return h(
    Box,
    { flexDirection: "column", width: p.width, height: p.height },
    h(Text, { wrap: "truncate" }, ...summary),
    h(Table<QueueRow>, {
      columns: queueColumns(p.refreshMs, nameWidth(p.rows, p.width)),
      rows: p.rows,
      width: p.width,
      height: Math.max(2, p.height - 1),
      selected: p.selected,
      rowKey: (r) => r.id,
      empty: p.polledAt === undefined ? "loading…" : "no streams"
    })
  )
}
