import { Box, Text } from "ink"
import React from "react"
import { terminalSafe } from "../../domain/terminalText.ts"
import type { Notice } from "../data/state.ts"
import type { Mode, View } from "../ui.ts"
import { clock, fit } from "./format.ts"

const h = React.createElement

const hints: Record<View, string> = {
  queues: "j/k move  1-4 view  ? help  q quit",
  jobs: "j/k  / filter  n new  c cancel  r retry  d delete  e export  ? help  q quit",
  recovery: "j/k move  r run recovery  ? help  q quit",
  daemons: "j/k move  1-4 view  ? help  q quit"
}

const modeHints: Record<Mode["_tag"], string> = {
  normal: "",
  help: "esc or ? close help",
  filter: "type to filter  enter keep  esc clear",
  confirm: "y confirm  any other key cancels",
  export: "edit the path  enter export  esc cancel",
  recovery: "tab switch field  enter next/run  esc cancel",
  create: "tab next field  enter next / preview  y publish (after the preview)  esc cancel"
}

const noticeColor = { info: "green", warn: "yellow", error: "red" } as const

export interface FooterProps {
  readonly width: number
  readonly view: View
  readonly mode: Mode
  readonly filter: string
  /** Why NATS is not connected, shown until it is. */
  readonly problem: string | undefined
  /** The latest notice, shown until it is a minute old. */
  readonly notice: Notice | undefined
  readonly now: number
}

const field = (label: string, value: string, active: boolean) =>
  h(Text, { key: label }, `${label} `, h(Text, { inverse: active }, `${value}${active ? "▏" : ""}`), "  ")

/** The prompt or latest notice, then the keys that work here. */
export const Footer = (p: FooterProps): React.ReactElement => {
  const m = p.mode
  const status =
    m._tag === "filter" ? h(Text, { color: "cyan" }, "/", m.draft, "▏")
    : m._tag === "confirm" ? h(Text, { color: "yellow", bold: true }, `${terminalSafe(m.question)} [y/N]`)
    : m._tag === "export" ? h(Text, { color: "cyan" }, `export ${m.jobId} to `, h(Text, { inverse: true }, `${m.path}▏`))
    : m._tag === "recovery" ? h(Text, { color: "cyan" }, "recovery run  ", field("from", m.from, m.field === "from"), field("to", m.to, m.field === "to"))
    : p.problem !== undefined
    ? h(Text, { color: "red" }, `NATS: ${terminalSafe(p.problem)}`)
    : p.notice !== undefined && p.now - p.notice.at < 60_000
    ? h(Text, { color: noticeColor[p.notice.level] }, `${clock(p.notice.at)} ${terminalSafe(p.notice.text)}`)
    : p.filter !== "" && p.view === "jobs"
    ? h(Text, { color: "cyan" }, `filter: ${p.filter}  (esc clears)`)
    : h(Text, { dimColor: true }, "")
  const keys = m._tag === "normal" ? hints[p.view] : modeHints[m._tag]
  return h(
    Box,
    { flexDirection: "column", width: p.width, height: 2 },
    h(Box, { height: 1 }, h(Text, { wrap: "truncate" }, status)),
    h(Text, { dimColor: true, wrap: "truncate" }, fit(` ${keys}`, p.width))
  )
}
