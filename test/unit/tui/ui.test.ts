import type { Key } from "ink"
import { describe, expect, it } from "vitest"
import { initialUi, onKey, splitInput, type Ui, type UiContext } from "../../../src/tui/ui.ts"
import { T0 } from "./fixtures.ts"

const none: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false
}
const k = (o: Partial<Key> = {}): Key => ({ ...none, ...o })

const statuses: Record<string, string> = { "job-run": "InProgress", "job-q": "Queued", "job-done": "Completed" }
const ctx: UiContext = {
  jobIds: ["job-run", "job-q", "job-done"],
  jobStatus: (id) => statuses[id],
  rowCount: () => 5,
  pageSize: 3,
  now: T0
}

/** Types keys in order; returns the final state and every command issued. */
const type = (keys: ReadonlyArray<string | Partial<Key>>, ui: Ui = initialUi, context: UiContext = ctx) => {
  const commands = []
  for (const key of keys) {
    const step = typeof key === "string" ? onKey(ui, key, k(), context) : onKey(ui, "", k(key), context)
    ui = step.ui
    if (step.command) commands.push(step.command)
  }
  return { ui, commands }
}

describe("keys", () => {
  it("switch views with numbers, tab and arrows", () => {
    expect(type(["1"]).ui.view).toBe("queues")
    expect(type(["4"]).ui.view).toBe("daemons")
    expect(type([{ tab: true }]).ui.view).toBe("recovery")
    expect(type([{ tab: true, shift: true }]).ui.view).toBe("queues")
    expect(type(["1", { leftArrow: true }]).ui.view).toBe("daemons")
  })

  it("move the selection, following a job by id and staying in bounds", () => {
    const { ui } = type(["j", "j", "j", "j"])
    expect(ui.jobId).toBe("job-done")
    expect(type(["j", { upArrow: true }, "k"]).ui.jobId).toBe("job-run")
    expect(type(["1", { pageDown: true }, "j", "j"]).ui.row.queues).toBe(4)
    expect(type(["1", "G", "g"]).ui.row.queues).toBe(0)
  })

  it("filter jobs with / (enter keeps, esc clears)", () => {
    expect(type(["/", "c", "h", { backspace: true }, "h", "u", { return: true }]).ui.filter).toBe("chu")
    const kept = type(["/", "x", { return: true }]).ui
    expect(type([{ escape: true }], kept).ui.filter).toBe("")
    expect(type(["/", "x", { escape: true }]).ui.filter).toBe("")
  })

  it("cancel and delete ask first; only y confirms", () => {
    const asked = type(["c"])
    expect(asked.ui.mode).toMatchObject({ _tag: "confirm", action: "cancel", jobId: "job-run" })
    expect(type(["c", "y"]).commands).toEqual([{ _tag: "cancel", jobId: "job-run" }])
    expect(type(["c", "n"]).commands).toEqual([])
    expect(type(["c", { return: true }]).commands).toEqual([])
    expect(type(["d", "y"]).commands).toEqual([{ _tag: "delete", jobId: "job-run" }])
    expect(type(["d"]).ui.mode).toMatchObject({ question: expect.stringContaining("cancelled first") })
    // a finished job cannot be cancelled
    expect(type(["G", "c"]).commands[0]).toMatchObject({ _tag: "notice", text: expect.stringContaining("only a queued or running job") })
  })

  it("retry asks first, only for a failed or cancelled job", () => {
    expect(type(["r"]).commands[0]).toMatchObject({ _tag: "notice", text: expect.stringContaining("only a failed or cancelled job") })
    const ctxFailed: UiContext = { ...ctx, jobStatus: (id) => (id === "job-run" ? "Failed" : statuses[id]) }
    const asked = type(["r"], initialUi, ctxFailed)
    expect(asked.ui.mode).toMatchObject({ _tag: "confirm", action: "retry", jobId: "job-run", question: expect.stringContaining("checkpoint") })
    expect(type(["r", "y"], initialUi, ctxFailed).commands).toEqual([{ _tag: "retry", jobId: "job-run" }])
    expect(type(["r", "n"], initialUi, ctxFailed).commands).toEqual([])
  })

  it("export asks for a path, only for a completed job", () => {
    expect(type(["e"]).commands[0]).toMatchObject({ _tag: "notice", text: expect.stringContaining("once it is Completed") })
    const asked = type(["G", "e"])
    expect(asked.ui.mode).toEqual({ _tag: "export", jobId: "job-done", path: "./job-done.csv" })
    expect(onKey(asked.ui, "u", k({ ctrl: true }), ctx).ui.mode).toEqual({ _tag: "export", jobId: "job-done", path: "" })
    const typed = type(["G", "e", { backspace: true }, { backspace: true }, { backspace: true }, "t", "x", "t", { return: true }])
    expect(typed.commands).toEqual([{ _tag: "export", jobId: "job-done", path: "./job-done.txt" }])
    expect(type(["G", "e", { escape: true }]).commands).toEqual([])
  })

  it("r on Recovery asks for a period (the last hour by default) and requests a run", () => {
    const asked = type(["3", "r"])
    expect(asked.ui.mode).toEqual({ _tag: "recovery", field: "from", from: "2026-03-01T11:00:00Z", to: "2026-03-01T12:00:00Z" })
    expect(type(["3", "r", { return: true }, { return: true }]).commands).toEqual([
      { _tag: "recovery", from: "2026-03-01T11:00:00Z", to: "2026-03-01T12:00:00Z" }
    ])
    expect(type(["r"]).ui.mode._tag).toBe("normal")
  })

  it("? shows help, q quits (but types a q in a text field)", () => {
    expect(type(["?"]).ui.mode._tag).toBe("help")
    expect(type(["?", "?"]).ui.mode._tag).toBe("normal")
    expect(type(["q"]).commands).toEqual([{ _tag: "quit" }])
    expect(type(["/", "q"]).commands).toEqual([])
    expect(onKey(initialUi, "c", k({ ctrl: true }), ctx).command).toEqual({ _tag: "quit" })
  })

  it("a burst of typed characters is split into key presses", () => {
    expect(splitInput("j", k())).toEqual([["j", k()]])
    const split = splitInput("\x15ab\r", k())
    expect(split.map(([i, key]) => [i, key.ctrl, key.return])).toEqual([["u", true, false], ["a", false, false], ["b", false, false], ["", false, true]])
    // a path pasted with ctrl-u before it and Enter after it
    const ui = splitInput("\x15/tmp/x.csv\r", k()).reduce(
      (acc, [i, key]) => {
        const step = onKey(acc.ui, i, key, ctx)
        return { ui: step.ui, commands: step.command ? [...acc.commands, step.command] : acc.commands }
      },
      { ui: type(["G", "e"]).ui, commands: [] as Array<unknown> }
    )
    expect(ui.commands).toEqual([{ _tag: "export", jobId: "job-done", path: "/tmp/x.csv" }])
  })
})
