import { Box, Text } from "ink"
import React from "react"

const h = React.createElement

const keys: ReadonlyArray<readonly [string, string]> = [
  ["1 2 3 4", "Queues, Jobs, Recovery, Daemons"],
  ["tab ← → h l", "next / previous view"],
  ["↑ ↓ j k", "move the selection (g G first/last, PgUp PgDn)"],
  ["/", "filter jobs by id, name, status or author (esc clears)"],
  ["n", "new job: a form, its impact preview, then y publishes it"],
  ["c", "cancel the selected job (asks first)"],
  ["r", "retry a failed or cancelled job from its checkpoint (asks first)"],
  ["d", "delete the selected job, its results and export (asks first)"],
  ["e", "export a completed job's CSV to a file"],
  ["r", "request a manual recovery run for a period (Recovery)"],
  ["?", "this help"],
  ["q  ctrl-c", "quit"]
]

export interface HelpViewProps {
  readonly width: number
  readonly height: number
}

export const HelpView = (p: HelpViewProps): React.ReactElement =>
  h(
    Box,
    { flexDirection: "column", width: p.width, height: p.height, paddingLeft: 1 },
    h(Text, { bold: true }, "Keys"),
    ...keys.slice(0, Math.max(0, p.height - 3)).map(([k, what]) =>
      h(Text, { key: k, wrap: "truncate" }, h(Text, { color: "cyan" }, k.padEnd(14)), what)),
    h(Text, { dimColor: true, wrap: "truncate" },
      "Live from NATS: job and recovery KV watches, job events; streams and daemons polled.")
  )
