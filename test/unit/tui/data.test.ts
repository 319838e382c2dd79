import { describe, expect, it } from "vitest"
import { mergeDaemons } from "../../../src/tui/data/daemons.ts"
import { applyRejection } from "../../../src/tui/data/feeds/events.ts"
import { applyJobEntry, applyJobEvent, filterJobs, jobEta, jobRate, keepJobs, sortJobs } from "../../../src/tui/data/jobs.ts"
import { applyQueuePoll } from "../../../src/tui/data/queues.ts"
import { applyRecoveryEntry, keepRuns, sortRuns, summarizeRun, watermarkText } from "../../../src/tui/data/recovery.ts"
import { addNotice } from "../../../src/tui/data/state.ts"
import { baseState, job, T0, withJobs } from "./fixtures.ts"

describe("jobs fed by the KV watch and job events", () => {
  it("keeps the latest value per job and forgets deleted keys", () => {
    let s = applyJobEntry(baseState(), "a", job({ id: "a" }), T0)
    s = applyJobEntry(s, "b", job({ id: "b" }), T0)
    s = applyJobEntry(s, "a", undefined, T0)
    expect([...s.jobs.byId.keys()]).toEqual(["b"])
    expect([...keepJobs(s, []).jobs.byId.keys()]).toEqual([])
  })

  it("derives a live rate and ETA from progress over time, and the average once finished", () => {
    const s = withJobs(baseState())
    const running = s.jobs.byId.get("job-run")!
    expect(jobRate(running)).toBe(100) // 1,000 interactions in 10 s
    expect(jobEta(running)).toBe(150_000) // 15,000 left at 100/s
    const done = s.jobs.byId.get("job-done")!
    expect(jobRate(done)).toBe(10) // 600 in 60 s
    expect(jobEta(done)).toBeUndefined()
    expect(jobRate(s.jobs.byId.get("job-q")!)).toBeUndefined()
  })

  it("merges job events over the KV value, ignores stale ones, and removes deleted jobs", () => {
    const s = withJobs(baseState())
    const current = s.jobs.byId.get("job-run")!.job
    const newer = applyJobEvent(s, { type: "progress", job: { ...current, processedInteractionsCount: 6000, dateModified: "2026-03-01T12:00:01Z" } }, T0 + 1000)
    expect(newer.jobs.byId.get("job-run")!.job.processedInteractionsCount).toBe(6000)
    expect(newer.jobs.byId.get("job-run")!.lastEvent).toBe("progress")
    // internal fields the public event leaves out are kept
    expect(newer.jobs.byId.get("job-run")!.job.writeVersion).toBe(1)
    const stale = applyJobEvent(newer, { type: "progress", job: { ...current, processedInteractionsCount: 10, dateModified: "2026-03-01T11:00:00Z" } }, T0 + 2000)
    expect(stale).toBe(newer)
    expect(applyJobEvent(s, { type: "deleted", job: current }, T0).jobs.byId.has("job-run")).toBe(false)
  })

  it("lists running first, then the queue in order, then the rest newest first; filters by text", () => {
    const s = withJobs(baseState())
    const sorted = sortJobs(s.jobs.byId.values())
    expect(sorted.map((r) => r.job.id)).toEqual(["job-run", "job-q", "job-done"])
    expect(filterJobs(sorted, "CHURN").map((r) => r.job.id)).toEqual(["job-q"])
    expect(filterJobs(sorted, "completed").map((r) => r.job.id)).toEqual(["job-done"])
    expect(filterJobs(sorted, " ")).toHaveLength(3)
  })

  it("lists ended jobs by creation, an auto-reprocessing job (its seq a time in ms) among them", () => {
    let s = baseState()
    const ended = (id: string, seq: number, dateCreated: string) => job({ id, seq, dateCreated, jobStatus: "Completed" })
    s = applyJobEntry(s, "j7", ended("j7", 7, "2026-03-01T10:00:00Z"), T0)
    s = applyJobEntry(s, "auto-r2", ended("auto-r2", 1_772_360_000_000, "2026-03-01T10:20:00Z"), T0)
    s = applyJobEntry(s, "j8", ended("j8", 8, "2026-03-01T10:30:00Z"), T0)
    expect(sortJobs(s.jobs.byId.values()).map((r) => r.job.id)).toEqual(["j8", "auto-r2", "j7"])
  })
})

describe("queue polls", () => {
  const obs = (t: number, seq: number, present = true) => [
    { id: "S", kind: "commands" as const, name: "S", sample: present ? { t, messages: 1, bytes: 10, seq } : undefined }
  ]

  it("computes the rate between polls and keeps a ring of recent rates", () => {
    let q = applyQueuePoll({ rows: [] }, obs(0, 100), 0, 3)
    expect(q.rows[0]!.rate).toBeUndefined()
    for (let i = 1; i <= 5; i++) q = applyQueuePoll(q, obs(i * 2000, 100 + i * 10), i * 2000, 3)
    expect(q.rows[0]!.rate).toBe(5)
    expect(q.rows[0]!.history).toEqual([5, 5, 5])
    expect(q.polledAt).toBe(10_000)
  })

  it("shows a missing stream as missing, and a recreated one without a negative rate", () => {
    let q = applyQueuePoll({ rows: [], error: "boom" }, obs(0, 100, false), 0, 3)
    expect(q.rows[0]!.presence).toBe("missing")
    expect(q.error).toBeUndefined()
    q = applyQueuePoll(applyQueuePoll(q, obs(1000, 100), 1000, 3), obs(2000, 3), 2000, 3)
    expect(q.rows[0]!.rate).toBe(0)
  })
})

describe("recovery runs (generic JSON)", () => {
  it("reads the common fields under their likely names and sums counts per media type", () => {
    const run = summarizeRun("r-1", {
      period: { from: "2026-03-01T00:00:00Z", to: "2026-03-01T01:00:00Z" },
      trigger: "manual",
      status: "Completed",
      startedAt: "2026-03-01T01:05:00Z",
      counts: { chat: { platform: 10, missing: 2, recovered: 2 }, email: { platform: 5, missing: 1, failed: 1 } }
    })
    expect(run).toMatchObject({ id: "r-1", from: "2026-03-01T00:00:00Z", to: "2026-03-01T01:00:00Z", trigger: "manual", status: "Completed" })
    expect(run.counts).toEqual([["platform", 15], ["missing", 3], ["recovered", 2], ["failed", 1]])
    expect(summarizeRun("k", "not an object")).toEqual({ id: "k", counts: [] })
  })

  it("keeps the watermark apart from the runs", () => {
    let s = applyRecoveryEntry(baseState(), "watermark", { at: "2026-03-01T00:00:00Z" })
    s = applyRecoveryEntry(s, "r-2", { id: "r-2", from: "2026-02-01T00:00:00Z", startedAt: "2026-02-02T00:00:00Z" })
    s = applyRecoveryEntry(s, "r-1", { id: "r-1", from: "2026-01-01T00:00:00Z", startedAt: "2026-01-02T00:00:00Z" })
    expect(watermarkText(s.recovery.watermark)).toBe("2026-03-01T00:00:00Z")
    expect(watermarkText("2026-03-02T00:00:00Z")).toBe("2026-03-02T00:00:00Z")
    expect(sortRuns(s.recovery.runs).map((r) => r.id)).toEqual(["r-2", "r-1"])
    const pruned = keepRuns(s, ["r-1"])
    expect([...pruned.recovery.runs.keys()]).toEqual(["r-1"])
    expect(pruned.recovery.watermark).toBeUndefined()
    expect(applyRecoveryEntry(s, "watermark", undefined).recovery.watermark).toBeUndefined()
  })

  it("marks our manual request rejected when the daemon refuses it, and says so", () => {
    const s = {
      ...baseState(),
      pending: new Map([["c-1", "recovery.run a → b"]]),
      recovery: { ...baseState().recovery, lastRequest: { commandId: "c-1", from: "a", to: "b", at: T0, status: "published" as const } }
    }
    const next = applyRejection(s, { commandId: "c-1", subject: "rewind.cmd.recovery.run", reason: "unknown command" }, T0)
    expect(next.recovery.lastRequest).toMatchObject({ status: "rejected", reason: "unknown command" })
    expect(next.notices.at(-1)).toMatchObject({ level: "error", text: "recovery.run a → b rejected: unknown command" })
    // someone else's rejection: no notice
    expect(applyRejection(s, { commandId: "other", subject: "x", reason: "r" }, T0).notices).toHaveLength(0)
  })
})

describe("daemons from service discovery", () => {
  it("merges ping, info and stats per instance of this installation only", () => {
    const meta = { prefix: "rewind" }
    const list = mergeDaemons({
      ping: [{ id: "A", version: "1", metadata: meta, rttMs: 3 }, { id: "X", version: "1", metadata: { prefix: "other" }, rttMs: 1 }],
      info: [{ id: "A", version: "1", description: "d", metadata: meta }],
      stats: [{
        id: "A", version: "1", started: "2026-03-01T11:00:00Z", metadata: meta,
        endpoints: [{ num_requests: 5, num_errors: 1, last_error: "boom" }, { num_requests: 2, num_errors: 0 }]
      }]
    }, "rewind", T0)
    expect(list).toEqual([{ id: "A", version: "1", description: "d", started: "2026-03-01T11:00:00Z", requests: 7, errors: 1, endpoints: 2, lastError: "boom", rttMs: 3, seenAt: T0 }])
  })
})

describe("notices", () => {
  it("keeps the last twenty", () => {
    let s = baseState()
    for (let i = 0; i < 25; i++) s = addNotice(s, { at: i, level: "info", text: String(i) })
    expect(s.notices).toHaveLength(20)
    expect(s.notices.at(-1)!.text).toBe("24")
  })
})
