import { afterEach, describe, expect, it } from "vitest"
import { cleanup } from "ink-testing-library"
import React from "react"
import { overviewOf } from "../../../src/tui/data/overview.ts"
import { applyQueuePoll } from "../../../src/tui/data/queues.ts"
import { applyRecoveryEntry, sortRuns } from "../../../src/tui/data/recovery.ts"
import type { TuiState } from "../../../src/tui/data/state.ts"
import { initialUi } from "../../../src/tui/ui.ts"
import { Screen } from "../../../src/tui/views/Screen.ts"
import { baseState, T0, withJobs, withQueues } from "./fixtures.ts"
import { lines, renderAt } from "./render.ts"

const h = React.createElement

const summaryLine = (state: TuiState, width: number) =>
  lines(renderAt(width, h(Screen, { state, ui: { ...initialUi, view: "queues" }, jobs: [], jobIndex: 0, width, height: 24, now: T0 })).lastFrame())[1]!

/** The fixtures' state, with a work-items consumer holding 3 and the two watermarks. */
const state = (): TuiState => {
  let s = withQueues(withJobs(baseState()))
  s = {
    ...s,
    queues: applyQueuePoll(s.queues, [
      ...s.queues.rows.map((r) => ({ id: r.id, kind: r.kind, name: r.name, sample: r.last })),
      { id: "REWIND_WORK/rewind-worker", kind: "consumer", name: "rewind-worker", sample: { t: T0, messages: 3, bytes: 0, seq: 1, pending: 3, ackPending: 1, redelivered: 0 } }
    ], T0, 150)
  }
  s = applyRecoveryEntry(s, "watermark", { at: "2026-03-01T11:13:00Z", runId: "auto-1", updatedAt: "2026-03-01T11:45:00Z" })
  return applyRecoveryEntry(s, "ingest-watermark", { at: "2026-03-01T11:58:00Z", conversationId: "c-1", updatedAt: "2026-03-01T11:58:30Z" })
}

afterEach(() => cleanup())

describe("the key figures under the header", () => {
  it("are computed from the jobs, queues and recovery buckets the dashboard follows", () => {
    const o = overviewOf(state(), T0)
    expect(o.jobs).toEqual({ proposed: 0, queued: 1, running: 1, completed: 1, failed: 0, cancelled: 0 })
    // The running job: 5,000 of 20,000, 1,000 in the last 10 s.
    expect(o.running).toEqual({ interactions: 20_000, processed: 5_000, percentComplete: 25, interactionsPerSecond: 100, etaSeconds: 150 })
    expect(o.deadLetters).toBe(2)
    expect(o.backlog).toEqual({ commands: { pending: 1, ackPending: 2, redelivered: 1 }, work: { pending: 3, ackPending: 1, redelivered: 0 }, ingest: null })
    expect(o.recovery).toEqual({ watermark: "2026-03-01T11:13:00Z", watermarkLagSeconds: 47 * 60, ingestWatermark: "2026-03-01T11:58:00Z", ingestLagSeconds: 120 })
    expect(o.nats.connected).toBe(true)
  })

  it("the ingestion watermark is no recovery run", () => {
    expect(sortRuns(state().recovery.runs)).toEqual([])
  })

  it.each([80, 160])("show on the second line at %i columns, shortened to fit", (width) => {
    const line = summaryLine(state(), width)
    expect([...line].length).toBeLessThanOrEqual(width)
    const expected = width >= 120
      ? "running 1  queued 1  failed 0  progress 25.0%  rate 100/s  ETA 2m30s  DLQ 2  backlog 4  recovery lag 47m00s"
      : "run 1  queue 1  failed 0  25.0%  100/s  ETA 2m30s  DLQ 2  backlog 4  lag 47m00s"
    expect(line.trim()).toBe(expected)
  })

  it("before anything is known: dashes, not zeros", () => {
    const line = summaryLine(baseState(), 160)
    expect(line.trim()).toBe("running 0  queued 0  failed 0  progress -  rate 0/s  ETA -  DLQ -  backlog -  recovery lag -")
  })

  it("a running job whose rate is not known yet has no ETA", () => {
    const s = withJobs(baseState())
    const one = { ...s, jobs: { ...s.jobs, byId: new Map([...s.jobs.byId].map(([k, r]) => [k, { ...r, samples: r.samples.slice(-1) }])) } }
    expect(overviewOf(one, T0).running).toMatchObject({ interactionsPerSecond: null, etaSeconds: null })
  })
})
