import { cleanup } from "ink-testing-library"
import React from "react"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import type { PreviewAnswer } from "../../../src/domain/preview.ts"
import { type Actions, App } from "../../../src/tui/App.ts"
import { applyJobEntry } from "../../../src/tui/data/jobs.ts"
import { makeStore } from "../../../src/tui/data/store.ts"
import { baseState, job, T0, withJobs, withQueues } from "./fixtures.ts"
import { lines, renderAt, settle, text } from "./render.ts"

const h = React.createElement

const fakeActions = () => ({
  cancelJob: vi.fn(async (id: string) => `published job.cancel for ${id}`),
  deleteJob: vi.fn(async (id: string) => `published job.delete for ${id}`),
  retryJob: vi.fn(async (id: string) => `published job.retry for ${id}`),
  exportJob: vi.fn(async (id: string, path: string) => `exported ${id} to ${path}`),
  runRecovery: vi.fn(async (_from: string, _to: string): Promise<string> => { throw new Error("no daemon is answering") }),
  previewJob: vi.fn(async (_body: Record<string, unknown>): Promise<PreviewAnswer> => ({
    interactionCount: 4_765,
    sampleSize: 200,
    modelRevision: 3,
    scopeTopicCount: 12,
    predicted: { updated: 4_455, unchanged: 0, failed: 310 },
    sample: { updated: 187, unchanged: 0, failed: 13 },
    topics: [{ topicId: "t-greeting", name: "Greeting", gained: 132, lost: 5 }],
    examples: [{ interactionId: "ix-1", transcriptId: "ix-1-c1", blockIndex: 0, participant: "internal", text: "hello, thank you for calling", before: [], after: ["t-greeting"] }]
  })),
  createJob: vi.fn(async (body: Record<string, unknown>) => `published job.create ${String(body["name"])}`)
}) satisfies Actions

const start = (width = 80, rows = 24) => {
  const store = makeStore(withQueues(withJobs(baseState())))
  const actions = fakeActions()
  const r = renderAt(width, h(App, { store, actions, size: { columns: width, rows } }))
  const press = async (...keys: ReadonlyArray<string>) => {
    for (const k of keys) {
      r.stdin.write(k)
      await settle(5)
    }
    await settle()
  }
  return { store, actions, r, press, screen: () => text(r.lastFrame()) }
}

beforeEach(() => {
  // the clock ticks with fake intervals; everything else runs for real
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] })
  vi.setSystemTime(T0)
})
afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

describe("the dashboard container", () => {
  it("ticks its clock and ages once a second, without any new data", async () => {
    const { screen } = start()
    await settle()
    expect(lines(screen())[0]).toContain("12:00:00 UTC")
    vi.advanceTimersByTime(3000)
    await settle()
    expect(lines(screen())[0]).toContain("12:00:03 UTC")
    expect(screen()).toMatch(/running 10m03s/)
  })

  it("switches views with number keys and tab, and shows help with ?", async () => {
    const { press, screen } = start()
    await settle()
    expect(screen()).toContain("PROGRESS")
    await press("1")
    expect(screen()).toContain("dead letters 2")
    await press("\t")
    expect(screen()).toContain("STATUS")
    await press("4")
    expect(screen()).toContain("answering as service")
    await press("3")
    expect(screen()).toContain("watermark")
    await press("?")
    expect(screen()).toContain("Keys")
    await press("\x1b")
    await settle(30)
    expect(screen()).not.toContain("Keys")
  })

  it("follows the selected job by id while the list re-sorts under it", async () => {
    const { press, screen, store } = start()
    await settle()
    await press("j")
    expect(screen()).toContain("job-q  churn backfill")
    // a new running job sorts to the top: the selection stays on job-q
    store.update((s) => applyJobEntry(s, "job-new", job({ id: "job-new", jobStatus: "InProgress", seq: 9 }), Date.now()))
    await settle()
    expect(screen()).toContain("job-q  churn backfill")
  })

  it("filters jobs with /", async () => {
    const { press, screen } = start()
    await settle()
    await press("/", "j", "a", "n", "\r")
    expect(screen()).toContain("january fix")
    expect(screen()).not.toContain("churn backf")
    expect(screen()).toContain("filter: jan")
  })

  it("cancels the selected job only after y, and reports the outcome", async () => {
    const { press, screen, actions } = start()
    await settle()
    await press("c")
    expect(screen()).toContain("Cancel job job-run? [y/N]")
    await press("n")
    expect(actions.cancelJob).not.toHaveBeenCalled()
    await press("c", "y")
    expect(actions.cancelJob).toHaveBeenCalledWith("job-run")
    expect(screen()).toContain("published job.cancel for job-run")
    await press("d", "y")
    expect(actions.deleteJob).toHaveBeenCalledWith("job-run")
  })

  it("exports a completed job to the path typed (a pasted path works too)", async () => {
    const { press, screen, actions } = start()
    await settle()
    await press("G", "e")
    expect(screen()).toContain("export job-done to ./job-done.csv")
    await press("\x15/tmp/out.csv\r")
    expect(actions.exportJob).toHaveBeenCalledWith("job-done", "/tmp/out.csv")
    expect(screen()).toContain("exported job-done to /tmp/out.csv")
  })

  it("requests a recovery run and shows a failure", async () => {
    const { press, screen, actions } = start(120, 30)
    await settle()
    await press("3", "r")
    expect(screen()).toContain("recovery run  from 2026-03-01T11:00:00Z")
    await press("\r", "\r")
    expect(actions.runRecovery).toHaveBeenCalledWith("2026-03-01T11:00:00Z", "2026-03-01T12:00:00Z")
    expect(screen()).toContain("requesting a recovery run failed: no daemon is answering")
  })

  it("q exits", async () => {
    const { press, r } = start()
    await settle()
    await press("q")
    // unmounted: further keys change nothing
    const before = r.frames.length
    await press("1")
    expect(r.frames.length).toBe(before)
  })

  it("n opens a new-job form; enter on its last field shows the impact preview; y publishes it", async () => {
    const { actions, press, screen } = start(100, 30)
    await settle()
    await press("n")
    expect(screen()).toContain("New reprocessing job")
    await press("March", "\t", "\t", "\t", "p-billing,p-sales", "\t")
    // y before any preview is just typed into the field, nothing published
    await press("\r")
    expect(actions.previewJob).toHaveBeenCalledTimes(1)
    const body = actions.previewJob.mock.calls[0]![0]
    expect(body).toMatchObject({ name: "March", programs: ["p-billing", "p-sales"], mediaTypes: ["voice", "callback", "chat", "email", "message"] })
    await settle(20)
    expect(screen()).toMatch(/predicted: ~4455 updated · ~0 unchanged · ~310 failed \(sample of 200\)/)
    expect(screen()).toMatch(/Greeting\s+\+132 blocks\s+-5 blocks/)
    expect(actions.createJob).not.toHaveBeenCalled()
    await press("y")
    expect(actions.createJob).toHaveBeenCalledWith(body)
    expect(screen()).not.toContain("New reprocessing job")
  })
})
