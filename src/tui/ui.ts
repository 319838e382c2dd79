import type { Key } from "ink"
import type { PreviewAnswer } from "../domain/preview.ts"

/** The dashboard's own state (what is on screen), changed only by keys. */

export const views = ["queues", "jobs", "recovery", "daemons"] as const
export type View = (typeof views)[number]

export type Mode =
  | { readonly _tag: "normal" }
  | { readonly _tag: "help" }
  | { readonly _tag: "filter"; readonly draft: string }
  | { readonly _tag: "confirm"; readonly action: "cancel" | "delete" | "retry"; readonly jobId: string; readonly question: string }
  | { readonly _tag: "export"; readonly jobId: string; readonly path: string }
  | { readonly _tag: "recovery"; readonly field: "from" | "to"; readonly from: string; readonly to: string }
  | CreateMode

/** The fields of a new job, as typed: programs and media comma-separated. */
export const createFields = ["name", "from", "to", "programs", "media"] as const
export type CreateField = (typeof createFields)[number]

/**
 * Creating a job: the form, then its impact preview (asked for on enter in the last field, or
 * `ctrl-p`); `y` publishes once a preview is shown; editing a field drops the preview.
 */
export interface CreateMode {
  readonly _tag: "create"
  readonly field: CreateField
  readonly values: Readonly<Record<CreateField, string>>
  readonly preview?: { readonly loading: true } | { readonly answer: PreviewAnswer } | { readonly error: string }
}

/** The `job.create` body a form describes (the daemon validates it). */
export const createBody = (values: Readonly<Record<CreateField, string>>): Record<string, unknown> => {
  const list = (s: string) => s.split(",").map((x) => x.trim()).filter((x) => x !== "")
  return { name: values.name.trim(), dateStart: values.from.trim(), dateEnd: values.to.trim(), programs: list(values.programs), mediaTypes: list(values.media) }
}

export interface Ui {
  readonly view: View
  readonly mode: Mode
  /** Selected row per view (jobs are followed by id, so the selection survives re-sorting). */
  readonly row: Readonly<Record<View, number>>
  readonly jobId?: string
  readonly filter: string
}

export const initialUi: Ui = { view: "jobs", mode: { _tag: "normal" }, row: { queues: 0, jobs: 0, recovery: 0, daemons: 0 }, filter: "" }

/** What the keys act on: the rows on screen now. */
export interface UiContext {
  readonly jobIds: ReadonlyArray<string>
  readonly jobStatus: (id: string) => string | undefined
  readonly rowCount: (view: Exclude<View, "jobs">) => number
  readonly pageSize: number
  readonly now: number
}

/** What the container should do after a key. */
export type UiCommand =
  | { readonly _tag: "quit" }
  | { readonly _tag: "cancel" | "delete" | "retry"; readonly jobId: string }
  | { readonly _tag: "export"; readonly jobId: string; readonly path: string }
  | { readonly _tag: "recovery"; readonly from: string; readonly to: string }
  | { readonly _tag: "preview" | "create"; readonly body: Record<string, unknown> }
  | { readonly _tag: "notice"; readonly text: string }

export interface Step {
  readonly ui: Ui
  readonly command?: UiCommand
}

const normal: Mode = { _tag: "normal" }

/** The selected job: the followed id if still listed, else the row at the remembered index. */
export const selectedJob = (ui: Ui, ids: ReadonlyArray<string>): { id: string | undefined; index: number } => {
  const at = ui.jobId === undefined ? -1 : ids.indexOf(ui.jobId)
  const index = at >= 0 ? at : Math.max(0, Math.min(ui.row.jobs, ids.length - 1))
  return { id: ids[index], index }
}

const move = (ui: Ui, ctx: UiContext, delta: number | "home" | "end"): Ui => {
  if (ui.view === "jobs") {
    const { index } = selectedJob(ui, ctx.jobIds)
    const n = ctx.jobIds.length
    const next = delta === "home" ? 0 : delta === "end" ? n - 1 : Math.max(0, Math.min(n - 1, index + delta))
    const id = ctx.jobIds[next]
    return { ...ui, row: { ...ui.row, jobs: Math.max(0, next) }, ...(id !== undefined ? { jobId: id } : {}) }
  }
  const n = ctx.rowCount(ui.view)
  const cur = Math.min(ui.row[ui.view], n - 1)
  const next = delta === "home" ? 0 : delta === "end" ? n - 1 : cur + delta
  return { ...ui, row: { ...ui.row, [ui.view]: Math.max(0, Math.min(n - 1, next)) } }
}

const switchView = (ui: Ui, delta: number): Ui => {
  const i = views.indexOf(ui.view)
  return { ...ui, view: views[(i + delta + views.length) % views.length]! }
}

/** Minute-rounded ISO instant. */
const isoMinute = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000).toISOString().replace(":00.000Z", ":00Z")

/** Editing a one-line text field. */
const edit = (value: string, input: string, key: Key): string =>
  key.backspace || key.delete ? value.slice(0, -1) : key.ctrl && input === "u" ? "" : !key.ctrl && !key.meta && !key.tab && input.length > 0 && !/[\r\n]/.test(input) ? value + input : value

const onModal = (ui: Ui, mode: Exclude<Mode, { _tag: "normal" }>, input: string, key: Key): Step => {
  const back = { ...ui, mode: normal }
  switch (mode._tag) {
    case "help":
      return { ui: key.escape || input === "?" || input === "q" ? back : ui }
    case "filter":
      if (key.escape) return { ui: { ...back, filter: "" } }
      if (key.return) return { ui: { ...back, filter: mode.draft } }
      return { ui: { ...ui, mode: { ...mode, draft: edit(mode.draft, input, key) } } }
    case "confirm":
      if (input === "y" || input === "Y") return { ui: back, command: { _tag: mode.action, jobId: mode.jobId } }
      return { ui: back }
    case "export":
      if (key.escape) return { ui: back }
      if (key.return) return mode.path.trim() === "" ? { ui } : { ui: back, command: { _tag: "export", jobId: mode.jobId, path: mode.path.trim() } }
      return { ui: { ...ui, mode: { ...mode, path: edit(mode.path, input, key) } } }
    case "create": {
      if (key.escape) return { ui: back }
      const i = createFields.indexOf(mode.field)
      if (key.tab) return { ui: { ...ui, mode: { ...mode, field: createFields[(i + (key.shift ? createFields.length - 1 : 1)) % createFields.length]! } } }
      const shown = mode.preview !== undefined && "answer" in mode.preview
      if (shown && (input === "y" || input === "Y")) return { ui: back, command: { _tag: "create", body: createBody(mode.values) } }
      if ((key.return && i === createFields.length - 1) || (key.ctrl && input === "p")) {
        if (mode.values.name.trim() === "") return { ui: { ...ui, mode: { ...mode, field: "name" } }, command: { _tag: "notice", text: "the job needs a name" } }
        return { ui: { ...ui, mode: { ...mode, preview: { loading: true } } }, command: { _tag: "preview", body: createBody(mode.values) } }
      }
      if (key.return) return { ui: { ...ui, mode: { ...mode, field: createFields[i + 1]! } } }
      const value = edit(mode.values[mode.field], input, key)
      if (value === mode.values[mode.field]) return { ui }
      const { preview: _dropped, ...rest } = mode
      return { ui: { ...ui, mode: { ...rest, values: { ...mode.values, [mode.field]: value } } } }
    }
    case "recovery": {
      if (key.escape) return { ui: back }
      if (key.tab) return { ui: { ...ui, mode: { ...mode, field: mode.field === "from" ? "to" : "from" } } }
      if (key.return) {
        if (mode.field === "from") return { ui: { ...ui, mode: { ...mode, field: "to" } } }
        return { ui: back, command: { _tag: "recovery", from: mode.from.trim(), to: mode.to.trim() } }
      }
      return { ui: { ...ui, mode: { ...mode, [mode.field]: edit(mode[mode.field], input, key) } } }
    }
  }
}

const jobAction = (ui: Ui, ctx: UiContext, input: string): Step => {
  const { id } = selectedJob(ui, ctx.jobIds)
  if (id === undefined) return { ui, command: { _tag: "notice", text: "no job selected" } }
  const status = ctx.jobStatus(id)
  if (input === "c") {
    if (status !== "Queued" && status !== "InProgress") return { ui, command: { _tag: "notice", text: `job ${id} is ${status}: only a queued or running job can be cancelled` } }
    return { ui: { ...ui, mode: { _tag: "confirm", action: "cancel", jobId: id, question: `Cancel job ${id}?` } } }
  }
  if (input === "r") {
    if (status !== "Failed" && status !== "Cancelled") return { ui, command: { _tag: "notice", text: `job ${id} is ${status}: only a failed or cancelled job can be retried` } }
    return { ui: { ...ui, mode: { _tag: "confirm", action: "retry", jobId: id, question: `Retry job ${id} from its checkpoint?` } } }
  }
  if (input === "d") {
    const extra = status === "InProgress" ? " It is running: it will be cancelled first." : ""
    return { ui: { ...ui, mode: { _tag: "confirm", action: "delete", jobId: id, question: `Delete job ${id} with its results and export?${extra}` } } }
  }
  if (status !== "Completed") return { ui, command: { _tag: "notice", text: `job ${id} is ${status}: the export is available once it is Completed` } }
  return { ui: { ...ui, mode: { _tag: "export", jobId: id, path: `./${id}.csv` } } }
}

const noKey: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false
}

/**
 * Ink hands over a burst of typed or pasted characters as one input: split it back into
 * key presses (Enter, backspace, tab and ctrl-letters included) so nothing is lost.
 */
export const splitInput = (input: string, key: Key): ReadonlyArray<readonly [string, Key]> => {
  if ([...input].length <= 1 || input.startsWith("\x1b")) return [[input, key]]
  return [...input].map((c): readonly [string, Key] => {
    const code = c.codePointAt(0) ?? 0
    if (c === "\r" || c === "\n") return ["", { ...noKey, return: true }]
    if (c === "\t") return ["", { ...noKey, tab: true }]
    if (code === 0x7f || code === 0x08) return ["", { ...noKey, backspace: true }]
    if (code < 0x20) return [String.fromCharCode(code + 96), { ...noKey, ctrl: true }]
    return [c, { ...noKey, shift: /[A-Z]/.test(c) }]
  })
}

/** One key press. Pure: the container applies the step. */
export const onKey = (ui: Ui, input: string, key: Key, ctx: UiContext): Step => {
  if (key.ctrl && input === "c") return { ui, command: { _tag: "quit" } }
  if (ui.mode._tag !== "normal") return onModal(ui, ui.mode, input, key)
  if (input === "q") return { ui, command: { _tag: "quit" } }
  if (input === "?") return { ui: { ...ui, mode: { _tag: "help" } } }
  if (key.tab) return { ui: switchView(ui, key.shift ? -1 : 1) }
  if (key.rightArrow || input === "l") return { ui: switchView(ui, 1) }
  if (key.leftArrow || input === "h") return { ui: switchView(ui, -1) }
  const n = ["1", "2", "3", "4"].indexOf(input)
  if (n >= 0) return { ui: { ...ui, view: views[n]! } }
  if (key.downArrow || input === "j") return { ui: move(ui, ctx, 1) }
  if (key.upArrow || input === "k") return { ui: move(ui, ctx, -1) }
  if (key.pageDown) return { ui: move(ui, ctx, ctx.pageSize) }
  if (key.pageUp) return { ui: move(ui, ctx, -ctx.pageSize) }
  if (key.home || input === "g") return { ui: move(ui, ctx, "home") }
  if (key.end || input === "G") return { ui: move(ui, ctx, "end") }
  if (ui.view === "jobs") {
    if (input === "/") return { ui: { ...ui, mode: { _tag: "filter", draft: ui.filter } } }
    if (key.escape && ui.filter !== "") return { ui: { ...ui, filter: "" } }
    if (input === "c" || input === "d" || input === "e" || input === "r") return jobAction(ui, ctx, input)
    if (input === "n") {
      const values = { name: "", from: isoMinute(ctx.now - 7 * 86_400_000), to: isoMinute(ctx.now), programs: "", media: "voice,callback,chat,email,message" }
      return { ui: { ...ui, mode: { _tag: "create", field: "name", values } } }
    }
  }
  if (ui.view === "recovery" && input === "r") {
    return { ui: { ...ui, mode: { _tag: "recovery", field: "from", from: isoMinute(ctx.now - 3_600_000), to: isoMinute(ctx.now) } } }
  }
  return { ui }
}
