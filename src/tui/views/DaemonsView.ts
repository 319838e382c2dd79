import { Box, Text } from "ink"
import React from "react"
import { terminalSafe } from "../../domain/terminalText.ts"
import type { DaemonInfo, DaemonsState } from "../data/state.ts"
import { ago, compact } from "./format.ts"
import { type Column, Table } from "./Table.ts"

const h = React.createElement

export const daemonColumns = (now: number): ReadonlyArray<Column<DaemonInfo>> => [
  { title: "ID", width: 22, cell: (d) => d.id },
  { title: "VERSION", width: 8, cell: (d) => d.version },
  { title: "UPTIME", width: 7, align: "right", cell: (d) => (d.started === undefined ? "-" : ago(now, Date.parse(d.started))) },
  { title: "REQS", width: 7, align: "right", cell: (d) => compact(d.requests) },
  { title: "ERRS", width: 5, align: "right", cell: (d) => compact(d.errors), color: (d) => (d.errors > 0 ? "yellow" : undefined) },
  { title: "PING", width: 6, align: "right", drop: 2, cell: (d) => (d.rttMs === undefined ? "-" : `${d.rttMs}ms`) },
  { title: "LAST ERROR", width: 10, flex: true, drop: 1, cell: (d) => d.lastError ?? "", color: () => "yellow" }
]

export interface DaemonsViewProps {
  readonly width: number
  readonly height: number
  readonly serviceName: string
  readonly daemons: DaemonsState
  readonly selected: number
  readonly now: number
}

/** Daemon instances found by the services framework (`nats micro ls`), with their stats. */
export const DaemonsView = (p: DaemonsViewProps): React.ReactElement => {
  const d = p.daemons
  const summary = d.error !== undefined
    ? h(Text, { color: "red" }, `discovery failed: ${terminalSafe(d.error)}`)
    : h(Text, { color: d.list.length > 0 ? "green" : "yellow" },
      `${d.list.length} ${d.list.length === 1 ? "daemon" : "daemons"} answering as service "${p.serviceName}"`,
      h(Text, { dimColor: true }, d.polledAt !== undefined ? `  ·  polled ${ago(p.now, d.polledAt)} ago` : ""))
  return h(
    Box,
    { flexDirection: "column", width: p.width, height: p.height },
    h(Text, { wrap: "truncate" }, summary),
    h(Table<DaemonInfo>, {
      columns: daemonColumns(p.now),
      rows: d.list,
      width: p.width,
      height: Math.max(2, p.height - 1),
      selected: p.selected,
      rowKey: (r) => r.id,
      empty: d.polledAt === undefined ? "looking for daemons…" : "no daemon is running (start one with: rewind daemon)"
    })
  )
}
