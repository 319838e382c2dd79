import { Box, Text } from "ink"
import React from "react"
import type { ConnectionState } from "../data/state.ts"
import type { View } from "../ui.ts"
import { ago, clock, fit } from "./format.ts"

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

/** Title, installation prefix, connection state and server, clock (why a connection failed is in the footer). */
export const Header = (p: HeaderProps): React.ReactElement => {
  const c = p.connection
  const state = c.status === "connected" ? "connected" : `${c.status} ${ago(p.now, c.since)}`
  const right = ` ${clock(p.now)} UTC `
  const left = ` Rewind  ${p.prefix} `
  const middle = ` ● ${state}  ${c.server}`
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
