import { describe, expect, it } from "vitest"
import {
  backlogTotal,
  countJobs,
  etaSeconds,
  type JobProgress,
  keepWindow,
  lagSeconds,
  progressRate,
  progressSample,
  runningFigures
} from "../../../src/domain/overview.ts"

const job = (id: string, jobStatus: JobProgress["jobStatus"], total: number, processed: number): JobProgress =>
  ({ id, jobStatus, totalInteractionsCount: total, processedInteractionsCount: processed })

describe("the key figures", () => {
  it("count jobs by status and sum the running ones' scope and progress", () => {
    const jobs = [job("a", "InProgress", 1000, 250), job("b", "InProgress", 3000, 750), job("c", "Queued", 500, 0), job("d", "Failed", 10, 4), job("e", "Proposed", 9, 0)]
    expect(countJobs(jobs)).toEqual({ proposed: 1, queued: 1, running: 2, completed: 0, failed: 1, cancelled: 0 })
    expect(runningFigures(jobs, 100)).toEqual({ interactions: 4000, processed: 1000, percentComplete: 25, interactionsPerSecond: 100, etaSeconds: 30 })
    // nothing moves: no ETA; nothing runs: no progress
    expect(runningFigures(jobs, 0).etaSeconds).toBeNull()
    expect(runningFigures(jobs, null)).toMatchObject({ interactionsPerSecond: null, etaSeconds: null })
    expect(runningFigures([job("c", "Queued", 500, 0)], 5)).toEqual({ interactions: 0, processed: 0, percentComplete: 0, interactionsPerSecond: 5, etaSeconds: null })
  })

  it("ETA, lag and backlog", () => {
    expect(etaSeconds(1000, 3)).toBe(333)
    expect(etaSeconds(0, 3)).toBeNull()
    expect(etaSeconds(10, Number.NaN)).toBeNull()
    expect(lagSeconds("2026-03-01T11:00:00Z", Date.parse("2026-03-01T12:00:00.400Z"))).toBe(3600)
    expect(lagSeconds(undefined, 0)).toBeNull()
    expect(lagSeconds("not a date", 0)).toBeNull()
    const b = { pending: 2, ackPending: 1, redelivered: 0 }
    expect(backlogTotal({ commands: b, work: { ...b, pending: 5 }, ingest: null })).toBe(7)
    expect(backlogTotal({ commands: null, work: null, ingest: null })).toBeNull()
  })

  it("the rate counts what each job gained, new jobs whole, never backwards (a deleted or retried job)", () => {
    const t0 = progressSample(0, [job("a", "InProgress", 100, 10), job("gone", "InProgress", 100, 90), job("retried", "Failed", 100, 60)])
    const t1 = progressSample(10_000, [job("a", "InProgress", 100, 40), job("new", "InProgress", 100, 20), job("retried", "Queued", 100, 50)])
    expect(progressRate(t0, t1)).toBe((30 + 20) / 10)
    expect(progressRate(t1, t1)).toBeUndefined()
  })

  it("the rate window keeps the last minute and the sample just before it", () => {
    let samples: ReturnType<typeof keepWindow> = []
    for (let t = 0; t <= 100_000; t += 5_000) samples = keepWindow(samples, progressSample(t, []), 60_000)
    expect(samples.map((s) => s.t)).toEqual([35_000, 40_000, 45_000, 50_000, 55_000, 60_000, 65_000, 70_000, 75_000, 80_000, 85_000, 90_000, 95_000, 100_000])
    expect(keepWindow([], progressSample(7, []), 60_000).map((s) => s.t)).toEqual([7])
  })
})
