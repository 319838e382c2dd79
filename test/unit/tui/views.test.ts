import { afterEach, describe, expect, it } from "vitest"
import { cleanup } from "ink-testing-library"
import React from "react"
import { applyJobEntry, applyJobEvent, filterJobs, sortJobs } from "../../../src/tui/data/jobs.ts"
import { applyRecoveryEntry } from "../../../src/tui/data/recovery.ts"
import type { TuiState } from "../../../src/tui/data/state.ts"
import { initialUi, type Ui, type View } from "../../../src/tui/ui.ts"
import { Screen } from "../../../src/tui/views/Screen.ts"
import { baseState, job, T0, withJobs, withQueues } from "./fixtures.ts"
import { lines, renderAt, text } from "./render.ts"

const h = React.createElement

/** A whole screen for `state`, as a pure function of props. */
const frame = (state: TuiState, o: { width: number; height: number; view: View; ui?: Partial<Ui> }) => {
  const ui = { ...initialUi, view: o.view, ...o.ui }
  const jobs = filterJobs(sortJobs(state.jobs.byId.values()), ui.filter)
  const r = renderAt(o.width, h(Screen, { state, ui, jobs, jobIndex: 0, width: o.width, height: o.height, now: T0 }))
  return r.lastFrame()
}

const full = () => withQueues(withJobs(baseState()))

afterEach(() => cleanup())

describe.each([
  { width: 80, height: 24 },
  { width: 160, height: 40 }
])("at $width×$height", ({ width, height }) => {
  it.each(["queues", "jobs", "recovery", "daemons"] as const)("the %s view fills the frame exactly, no line too wide", (view) => {
    const out = lines(frame(full(), { width, height, view }))
    expect(out).toHaveLength(height)
    for (const line of out) expect([...line].length).toBeLessThanOrEqual(width)
    expect(out[0]).toContain("Rewind")
    expect(out[0]).toContain("● connected")
    expect(out[0]).toContain("12:00:00 UTC")
    expect(out[2]).toMatch(/1 Queues.*2 Jobs.*3 Recovery.*4 Daemons/)
    expect(out.at(-1)).toContain("q quit")
  })

  it("jobs: a row per job with status, queue order, progress bar, counts, rate, ETA and failures; the selected job's details", () => {
    const out = text(frame(full(), { width, height, view: "jobs" }))
    const running = lines(out).find((l) => l.includes("InProgress"))!
    expect(running).toMatch(/InProgress\s+█+░+\s+25\.0%\s+5000\/20\.0k\s+100\/s\s+2m30s\s+100/)
    expect(lines(out).find((l) => l.includes("Queued"))).toMatch(/Queued\s+#1/)
    expect(lines(out).find((l) => l.includes("Completed"))).toMatch(/Completed\s+█{10}\s+100\.0%\s+600\/600\s+10\/s\s+1m00s\s+20/)
    // details of the first (selected) job
    expect(out).toContain("job-run  billing topics v2")
    expect(out).toMatch(/programs\s+prog-billing, prog-churn/)
    expect(out).toMatch(/media\s+voice, chat/)
    expect(out).toMatch(/range\s+2026-01-02 00:00 → 2026-01-12 00:00/)
    expect(out).toMatch(/model\s+revision 4 · by alice/)
    expect(out).toMatch(/outcomes\s+updated 3000 · unchanged 1900 · failed 100/)
    if (width >= 150) {
      expect(out).toMatch(/ID\s+NAME/) // the id column fits on a wide terminal
      expect(out).toMatch(/timing\s+started 2026-03-01 11:50:00 · running 10m00s/)
    }
  })

  it("the new-job form with its preview fills the frame exactly, no line too wide", () => {
    const values = { name: "March billing", from: "2026-03-01T00:00Z", to: "2026-04-01T00:00Z", programs: "p-billing,p-sales", media: "voice,chat" }
    const answer = {
      interactionCount: 12_345, sampleSize: 200, modelRevision: 4, scopeTopicCount: 9,
      predicted: { updated: 10_000, unchanged: 345, failed: 2_000 }, sample: { updated: 162, unchanged: 6, failed: 32 },
      topics: Array.from({ length: 30 }, (_, k) => ({ topicId: `t-${k}`, name: `Topic number ${k} with a long name`, gained: 100 - k, lost: k })),
      examples: [{ interactionId: "ix-1", transcriptId: "c1", blockIndex: 2, participant: "external", text: "x".repeat(300), before: ["t-1"], after: ["t-2"] }]
    }
    const out = lines(frame(full(), { width, height, view: "jobs", ui: { mode: { _tag: "create", field: "media", values, preview: { answer } } } }))
    expect(out).toHaveLength(height)
    for (const line of out) expect([...line].length).toBeLessThanOrEqual(width)
    expect(out.join("\n")).toMatch(/predicted: ~10\.0k updated/)
    expect(out.join("\n")).toContain("y publish this job")
  })

  it("jobs: a running job paused for NATS shows it in its row and details until it is resumed", () => {
    const s = full()
    const running = s.jobs.byId.get("job-run")!.job
    const waiting = applyJobEvent(s, { type: "waiting", job: { ...running, waitingOn: "NATS" } }, T0)
    const out = text(frame(waiting, { width, height, view: "jobs" }))
    expect(lines(out).find((l) => l.includes("█"))).toMatch(/NATS wait\s+█+░+\s+25\.0%/)
    expect(out).toMatch(/status\s+InProgress · waiting for NATS/)
    const resumed = applyJobEvent(waiting, { type: "resumed", job: running }, T0 + 1000)
    const after = text(frame(resumed, { width, height, view: "jobs" }))
    expect(after).not.toContain("NATS")
    expect(lines(after).find((l) => l.includes("█"))).toMatch(/InProgress\s+█+░+\s+25\.0%/)
  })

  it("queues: every stream and the daemons' consumer, dead letters standing out, missing ones not created yet", () => {
    const out = text(frame(full(), { width, height, view: "queues" }))
    expect(out).toContain("dead letters 2")
    expect(out).toContain("commands waiting 1")
    expect(out).toMatch(/REWIND_CMD\s+.*1\s+300 B\s+2\.0\/s/)
    expect(out).toMatch(/└ rewind-daemon\s+.*2\.0\/s\s+1\s+2\s+1/)
    expect(out).toMatch(/REWIND_DLQ.*2\s+600 B/)
    expect(out).toMatch(width >= 150 ? /OBJ_rewind-exports.*not created yet/ : /OBJ_rewind-exports.*not created/)
    expect(out).toMatch(/[▁▂▃▄▅▆▇█]/)
    expect(lines(out)[2]).toContain("DLQ 2")
  })

  it("recovery: an empty bucket says so; runs show period, trigger, status and counts; the watermark and a rejection show", () => {
    const present = { ...baseState(), recovery: { ...baseState().recovery, presence: "present" as const } }
    expect(text(frame(present, { width, height, view: "recovery" }))).toContain("no recovery runs yet")
    let s = applyRecoveryEntry(present, "watermark", "2026-03-01T11:30:00Z")
    s = applyRecoveryEntry(s, "run-1", { id: "run-1", from: "2026-03-01T10:00:00Z", to: "2026-03-01T11:00:00Z", trigger: "auto", status: "Completed", counts: { platform: 40, missing: 3, recovered: 3 } })
    s = { ...s, recovery: { ...s.recovery, lastRequest: { commandId: "c", from: "2026-03-01T09:00:00Z", to: "2026-03-01T10:00:00Z", at: T0, status: "rejected", reason: "unknown command" } } }
    const out = text(frame(s, { width, height, view: "recovery" }))
    expect(out).toContain("watermark 2026-03-01T11:30:00Z")
    expect(out).toMatch(/run-1\s+2026-03-01 10:00\s+2026-03-01 11:00/)
    expect(out).toContain("Completed")
    expect(out).toContain("platform 40 · missing 3 · recovered 3")
    expect(out).toContain("rejected — unknown command")
  })

  it("daemons: id, version, uptime, requests, errors", () => {
    const s = { ...baseState(), daemons: { polledAt: T0, list: [{ id: "NUID1", version: "0.1.0", started: "2026-03-01T11:00:00Z", requests: 12, errors: 1, endpoints: 7, rttMs: 2, seenAt: T0 }] } }
    const out = text(frame(s, { width, height, view: "daemons" }))
    expect(out).toContain('1 daemon answering as service "rewind"')
    expect(out).toMatch(/NUID1\s+0\.1\.0\s+1h00m\s+12\s+1/)
    const none = text(frame({ ...baseState(), daemons: { polledAt: T0, list: [] } }, { width, height, view: "daemons" }))
    expect(none).toContain("no daemon is running")
    expect(lines(none)[2]).toContain("4 Daemons none")
  })
})

describe("states that are not the happy path", () => {
  it("buckets and streams not created yet are said so, not crashed on", () => {
    const s = { ...baseState(), jobs: { ...baseState().jobs, presence: "missing" as const }, recovery: { ...baseState().recovery, presence: "missing" as const } }
    expect(text(frame(s, { width: 80, height: 24, view: "jobs" }))).toContain("jobs bucket rewind-jobs not created yet")
    expect(text(frame(s, { width: 80, height: 24, view: "recovery" }))).toContain("recovery bucket rewind-recovery not created yet")
  })

  it("a lost connection shows in the header (how long) and the status line (why)", () => {
    const s = { ...baseState(), connection: { status: "disconnected" as const, server: "nats://10.0.0.1:4222", since: T0 - 7000, error: "connection refused; retrying in 2s" } }
    const out = lines(frame(s, { width: 80, height: 24, view: "jobs" }))
    expect(out[0]).toContain("● disconnected 7s  nats://10.0.0.1:4222")
    expect(out.at(-2)).toContain("NATS: connection refused; retrying in 2s")
    const r = { ...baseState(), connection: { status: "reconnecting" as const, server: "x:4222", since: T0 - 1000 } }
    expect(lines(frame(r, { width: 80, height: 24, view: "jobs" }))[0]).toContain("● reconnecting 1s")
  })

  it("the filter narrows the jobs and says when nothing matches; prompts replace the status line", () => {
    const filtered = text(frame(full(), { width: 80, height: 24, view: "jobs", ui: { filter: "january" } }))
    expect(filtered).toContain("january fix")
    expect(filtered).not.toContain("billing topics")
    expect(filtered).toContain("filter: january")
    expect(text(frame(full(), { width: 80, height: 24, view: "jobs", ui: { filter: "zzz" } }))).toContain('no job matches "zzz"')
    const confirm = text(frame(full(), { width: 80, height: 24, view: "jobs", ui: { mode: { _tag: "confirm", action: "cancel", jobId: "job-run", question: "Cancel job job-run?" } } }))
    expect(confirm).toContain("Cancel job job-run? [y/N]")
    expect(confirm).toContain("y confirm")
    const help = text(frame(full(), { width: 80, height: 24, view: "jobs", ui: { mode: { _tag: "help" } } }))
    expect(help).toContain("cancel the selected job")
  })

  it("a notice shows for a minute in the status line", () => {
    const s = { ...full(), notices: [{ at: T0 - 5000, level: "error" as const, text: "job.cancel job-run rejected: nope" }] }
    expect(text(frame(s, { width: 80, height: 24, view: "jobs" }))).toContain("11:59:55 job.cancel job-run rejected: nope")
    const old = { ...s, notices: [{ ...s.notices[0]!, at: T0 - 61_000 }] }
    expect(text(frame(old, { width: 80, height: 24, view: "jobs" }))).not.toContain("rejected: nope")
  })
})

describe("text from commands cannot act on the terminal", () => {
  const evil = "\x1b[2J\x07pwn\r\nfake line\x00\u202Eexe.txt\x9b31m"
  const shown = "\\x1b[2J\\x07pwn\\x0d\\x0afake line\\x00\\u202eexe.txt\\x9b31m"
  const nasty = (): TuiState => {
    let s = full()
    s = applyJobEntry(s, "job-evil", job({ id: "job-evil", name: evil, createdBy: evil, description: evil, waitingOn: evil, jobStatus: "Queued", queueOrder: 1, seq: 9 }), T0)
    s = { ...s, notices: [{ at: T0 - 1000, level: "error", text: `job.create rejected: ${evil}` }] }
    return { ...s, recovery: { ...s.recovery, presence: "present", lastRequest: { commandId: "c", from: "2026-03-01T09:00:00Z", to: "2026-03-01T10:00:00Z", at: T0, status: "rejected", reason: evil } } }
  }
  /** Ink's own colours are ESC [ … m; nothing else may reach the terminal. */
  const acting = (frame: string) => frame.replace(/\x1b\[[0-9;]*m/g, "").match(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g) // eslint-disable-line no-control-regex

  it.each([{ width: 80, height: 30 }, { width: 160, height: 40 }])("a job named with escape sequences, line breaks and a bidi override shows them escaped at $width columns", ({ width, height }) => {
    const state = nasty()
    const ui = { ...initialUi, view: "jobs" as const, filter: "evil" }
    const jobs = filterJobs(sortJobs(state.jobs.byId.values()), ui.filter)
    const raw = renderAt(width, h(Screen, { state, ui, jobs, jobIndex: 0, width, height, now: T0 })).lastFrame() ?? ""
    expect(acting(raw)).toBeNull()
    expect(lines(raw)).toHaveLength(height)
    expect(text(raw)).toContain(`job-evil  ${shown}`.slice(0, 40))
    expect(text(raw)).toMatch(/about\s+\\x1b\[2J\\x07pwn\\x0d\\x0afake/)
    expect(text(raw)).toContain("job.create rejected: \\x1b[2J")
  })

  it("a refused recovery request's reason shows escaped", () => {
    const raw = frame(nasty(), { width: 120, height: 24, view: "recovery" }) ?? ""
    expect(acting(raw)).toBeNull()
    expect(text(raw)).toContain("rejected — \\x1b[2J\\x07pwn\\x0d\\x0afake")
  })
})
