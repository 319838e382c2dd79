import { Box, Text } from "ink"
import React from "react"
import type { Overview } from "../../domain/overview.ts"
import { displayServers } from "../../domain/redact.ts"
import type { ConnectionState } from "../data/state.ts"
import type { View } from "../ui.ts"
import { ago, clock, fit } from "./format.ts"
import { type Figure, keyFigures, type Tone } from "./keyFigures.ts"

const h = React.createElement

export const connectionColor: Record<ConnectionState["status"], string> = {
  connecting: "yellow",
  connected: "green",
  reconnecting: "yellow",
  disconnected: "red"
}

export interface HeaderProps {
  readonly width: number
  readonly prefix: string
  readonly connection: ConnectionState
  readonly now: number
}

/**
 * Title, installation prefix, connection state and server (credentials masked, as the daemon
 * logs it), clock (why a connection failed is in the footer).
 */
export const Header = (p: HeaderProps): React.ReactElement => {
  const c = p.connection
  const state = c.status === "connected" ? "connected" : `${c.status} ${ago(p.now, c.since)}`
  const right = ` ${clock(p.now)} UTC `
  const left = ` Rewind  ${p.prefix} `
  const middle = ` ● ${state}  ${displayServers(c.server)}`
  const room = Math.max(0, p.width - left.length - right.length)
  return h(
    Box,
    { width: p.width, height: 1 },
    h(Text, { wrap: "truncate" },
      h(Text, { bold: true, color: "cyan" }, left),
      h(Text, { color: connectionColor[c.status] }, fit(middle, room)),
      h(Text, { dimColor: true }, right))
  )
}

const toneColor: Record<Tone, { color?: string }> = { ok: { color: "green" }, warn: { color: "yellow" }, bad: { color: "red" }, plain: {} }

/** `label value` pairs; the short labels when the long ones do not fit. */
const summaryParts = (figures: ReadonlyArray<Figure>, width: number): ReadonlyArray<{ readonly text: string; readonly tone: Tone }> => {
  const render = (short: boolean) =>
    figures.map((f) => {
      const label = short ? f.short : f.label
      return { text: label === "" ? f.value : `${label} ${f.value}`, tone: f.tone }
    })
  const long = render(false)
  const length = long.reduce((n, p) => n + p.text.length + 2, 1)
  return length <= width ? long : render(true)
}

export interface SummaryProps {
  readonly width: number
  readonly overview: Overview
}

/**
 * The key figures under the header (keyFigures.ts: the same as `rewind status` and the Grafana
 * dashboard's top row): jobs running, queued, failed; the running jobs' progress, rate and
 * ETA; dead letters; consumer backlog; the recovery watermark's lag. NATS is the header's.
 */
export const Summary = (p: SummaryProps): React.ReactElement => {
  const figures = keyFigures(p.overview).filter((f) => f.key !== "nats")
  const parts = summaryParts(figures, p.width)
  return h(
    Box,
    { width: p.width, height: 1 },
    h(Text, { wrap: "truncate" },
      h(Text, { key: "pad" }, " "),
      ...parts.flatMap((part, i) => [
        h(Text, { key: `f${i}`, ...toneColor[part.tone] }, part.text),
        i < parts.length - 1 ? h(Text, { key: `s${i}`, dimColor: true }, "  ") : null
      ]))
  )
}

const titles: Record<View, string> = { queues: "Queues", jobs: "Jobs", recovery: "Recovery", daemons: "Daemons" }

export interface TabsProps {
  readonly width: number
  readonly view: View
  /** Short counts next to the titles, e.g. jobs "2 running". */
  readonly badges: Partial<Record<View, { readonly text: string; readonly color?: string }>>
}

export const Tabs = (p: TabsProps): React.ReactElement =>
  h(
    Box,
    { width: p.width, height: 1 },
    h(Text, { wrap: "truncate" },
      ...(Object.keys(titles) as Array<View>).flatMap((v, i) => {
        const badge = p.badges[v]
        const active = v === p.view
        return [
          h(Text, { key: `t${v}`, inverse: active, bold: active }, ` ${i + 1} ${titles[v]} `),
          badge !== undefined && badge.text !== ""
            ? h(Text, { key: `b${v}`, ...(badge.color !== undefined ? { color: badge.color } : { dimColor: true }) }, `${badge.text} `)
            : null,
          h(Text, { key: `s${v}` }, " ")
        ]
      }))
  )
