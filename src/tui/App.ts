import { useApp, useInput, useStdout } from "ink"
import React, { useEffect, useMemo, useRef, useState } from "react"
import { filterJobs, sortJobs } from "./data/jobs.ts"
import { sortRuns } from "./data/recovery.ts"
import { addNotice, type Notice, type TuiState } from "./data/state.ts"
import { type Store, useStore } from "./data/store.ts"
import type { PreviewAnswer } from "../domain/preview.ts"
import { type CreateMode, initialUi, onKey, selectedJob, splitInput, type Ui, type UiCommand, type UiContext } from "./ui.ts"
import { chromeHeight, Screen } from "./views/Screen.ts"

const h = React.createElement

/** What the dashboard can ask of NATS; each answers with a line for the status bar. */
export interface Actions {
  readonly cancelJob: (jobId: string) => Promise<string>
  readonly deleteJob: (jobId: string) => Promise<string>
  readonly retryJob: (jobId: string) => Promise<string>
  readonly exportJob: (jobId: string, path: string) => Promise<string>
  readonly runRecovery: (from: string, to: string) => Promise<string>
  /** The impact preview of a job (rewind.api.job.preview); rejects with the daemon's reason. */
  readonly previewJob: (body: Record<string, unknown>) => Promise<PreviewAnswer>
  readonly createJob: (body: Record<string, unknown>) => Promise<string>
}

export interface AppProps {
  readonly store: Store<TuiState>
  readonly actions: Actions
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  readonly size?: { readonly columns: number; readonly rows: number }
  readonly initial?: Ui
}

/** Current time, ticking every `ms`. */
export const useNow = (ms: number): number => {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(t)
  }, [ms])
  return now
}

export const useTerminalSize = (): { columns: number; rows: number } => {
  const { stdout } = useStdout()
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 })
  const [size, setSize] = useState(read)
  useEffect(() => {
    const onResize = () => setSize(read())
    stdout.on("resize", onResize)
    return () => void stdout.off("resize", onResize)
  }, [stdout])
  return size
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e))

/** The container: reads the store, keeps the screen state, turns keys into actions. */
export const App = (p: AppProps): React.ReactElement => {
  const state = useStore(p.store)
  const terminal = useTerminalSize()
  const size = p.size ?? terminal
  const now = useNow(1000)
  const { exit } = useApp()
  const [ui, setUi] = useState<Ui>(p.initial ?? initialUi)
  const uiRef = useRef(ui)
  const jobs = useMemo(() => filterJobs(sortJobs(state.jobs.byId.values()), ui.filter), [state.jobs.byId, ui.filter])
  const ids = jobs.map((r) => r.job.id)
  const height = Math.max(10, size.rows)
  const width = Math.max(40, size.columns)

  const notice = (level: Notice["level"], text: string) =>
    p.store.update((s) => addNotice(s, { at: Date.now(), level, text }))
  const report = (what: string, run: () => Promise<string>) => {
    notice("info", `${what}…`)
    run().then((text) => notice("info", text), (e) => notice("error", `${what} failed: ${errorText(e)}`))
  }
  const perform = (c: UiCommand) => {
    switch (c._tag) {
      case "quit":
        return exit()
      case "notice":
        return notice("warn", c.text)
      case "cancel":
        return report(`cancelling ${c.jobId}`, () => p.actions.cancelJob(c.jobId))
      case "delete":
        return report(`deleting ${c.jobId}`, () => p.actions.deleteJob(c.jobId))
      case "retry":
        return report(`retrying ${c.jobId}`, () => p.actions.retryJob(c.jobId))
      case "export":
        return report(`exporting ${c.jobId}`, () => p.actions.exportJob(c.jobId, c.path))
      case "recovery":
        return report("requesting a recovery run", () => p.actions.runRecovery(c.from, c.to))
      case "create":
        return report(`publishing job ${String(c.body["name"])}`, () => p.actions.createJob(c.body))
      case "preview": {
        const land = (preview: NonNullable<CreateMode["preview"]>) => {
          const u = uiRef.current
          if (u.mode._tag !== "create" || u.mode.preview === undefined || !("loading" in u.mode.preview)) return
          uiRef.current = { ...u, mode: { ...u.mode, preview } }
          setUi(uiRef.current)
        }
        p.actions.previewJob(c.body).then((answer) => land({ answer }), (e) => land({ error: errorText(e) }))
        return
      }
    }
  }

  const ctx: UiContext = {
    jobIds: ids,
    jobStatus: (id) => state.jobs.byId.get(id)?.job.jobStatus,
    rowCount: (view) =>
      view === "queues" ? state.queues.rows.length : view === "recovery" ? sortRuns(state.recovery.runs).length : state.daemons.list.length,
    pageSize: Math.max(1, height - chromeHeight - 3),
    now
  }
  useInput((input, key) => {
    for (const [i, k] of splitInput(input, key)) {
      const step = onKey(uiRef.current, i, k, ctx)
      uiRef.current = step.ui
      if (step.command !== undefined) perform(step.command)
    }
    setUi(uiRef.current)
  })

  return h(Screen, { state, ui, jobs, jobIndex: selectedJob(ui, ids).index, width, height, now })
}
