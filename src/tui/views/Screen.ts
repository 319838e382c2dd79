import { Box } from "ink"
import React from "react"
import { makeNames } from "../../nats/names.ts"
import { overviewOf } from "../data/overview.ts"
import type { JobRow, TuiState } from "../data/state.ts"
import type { Ui, View } from "../ui.ts"
import { DaemonsView } from "./DaemonsView.ts"
import { Footer } from "./Footer.ts"
import { Header, Summary, Tabs, type TabsProps } from "./Header.ts"
import { CreateView } from "./CreateView.ts"
import { HelpView } from "./HelpView.ts"
import { JobsView } from "./JobsView.ts"
import { QueuesView } from "./QueuesView.ts"
import { RecoveryView } from "./RecoveryView.ts"

const h = React.createElement

export interface ScreenProps {
  readonly state: TuiState
  readonly ui: Ui
  /** The jobs on screen (sorted, filtered) and the selected one's index. */
  readonly jobs: ReadonlyArray<JobRow>
  readonly jobIndex: number
  readonly width: number
  readonly height: number
  readonly now: number
}

/** Lines that are not the body: header, key figures, tabs, status and keys. */
export const chromeHeight = 5

const badges = (s: TuiState): TabsProps["badges"] => {
  const jobs = [...s.jobs.byId.values()]
  const running = jobs.filter((r) => r.job.jobStatus === "InProgress").length
  const queued = jobs.filter((r) => r.job.jobStatus === "Queued").length
  const dlq = s.queues.rows.find((r) => r.kind === "dead letters")?.last?.messages ?? 0
  return {
    queues: dlq > 0 ? { text: `DLQ ${dlq}`, color: "red" } : { text: "" },
    jobs: { text: [running > 0 ? `${running} running` : "", queued > 0 ? `${queued} queued` : ""].filter((t) => t !== "").join(" · ") || (jobs.length > 0 ? String(jobs.length) : ""), ...(running > 0 ? { color: "cyan" } : {}) },
    recovery: { text: s.recovery.runs.size > 0 ? String(s.recovery.runs.size) : "" },
    daemons: s.daemons.polledAt !== undefined && s.daemons.list.length === 0 ? { text: "none", color: "red" } : { text: s.daemons.list.length > 0 ? String(s.daemons.list.length) : "" }
  }
}

const body = (p: ScreenProps, view: View, height: number): React.ReactElement => {
  const s = p.state
  const names = makeNames(s.prefix)
  const common = { width: p.width, height, now: p.now }
  switch (view) {
    case "queues":
      return h(QueuesView, { ...common, rows: s.queues.rows, selected: p.ui.row.queues, refreshMs: s.refreshMs, polledAt: s.queues.polledAt, error: s.queues.error })
    case "jobs":
      return h(JobsView, { ...common, presence: s.jobs.presence, bucket: names.jobsBucket, rows: p.jobs, total: s.jobs.byId.size, selected: p.jobIndex, filter: p.ui.filter })
    case "recovery":
      return h(RecoveryView, { ...common, bucket: names.recoveryBucket, recovery: s.recovery, selected: p.ui.row.recovery })
    case "daemons":
      return h(DaemonsView, { ...common, serviceName: names.serviceName, daemons: s.daemons, selected: p.ui.row.daemons })
  }
}

/** The whole dashboard for one state: a fixed-size frame, so nothing jumps. */
export const Screen = (p: ScreenProps): React.ReactElement => {
  const bodyHeight = Math.max(3, p.height - chromeHeight)
  return h(
    Box,
    { flexDirection: "column", width: p.width, height: p.height },
    h(Header, { width: p.width, prefix: p.state.prefix, connection: p.state.connection, now: p.now }),
    h(Summary, { width: p.width, overview: overviewOf(p.state, p.now) }),
    h(Tabs, { width: p.width, view: p.ui.view, badges: badges(p.state) }),
    h(Box, { height: bodyHeight, width: p.width },
      p.ui.mode._tag === "help"
        ? h(HelpView, { width: p.width, height: bodyHeight })
        : p.ui.mode._tag === "create"
        ? h(CreateView, { width: p.width, height: bodyHeight, mode: p.ui.mode })
        : body(p, p.ui.view, bodyHeight)),
    h(Footer, {
      width: p.width,
      view: p.ui.view,
      mode: p.ui.mode,
      filter: p.ui.filter,
      problem: p.state.connection.status === "connected" ? undefined : p.state.connection.error,
      notice: p.state.notices.at(-1),
      now: p.now
    })
  )
}
