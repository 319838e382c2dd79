import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import type { Job } from "../../../src/domain/job.ts"
import { exportCsvWithPrevious } from "../../../src/domain/csv.ts"
import type { PreviewAnswer } from "../../../src/domain/preview.ts"
import { getExport } from "../../../src/nats/Exports.ts"
import { requestApi } from "../../../src/nats/Service.ts"
import { JobRepo } from "../../../src/repos/JobRepo.ts"
import { ClickHouse } from "../../../src/store/ClickHouse.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { backends } from "../../helpers/clickhouse.ts"
import { eventually, startSeededDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { expectedJob } from "../../helpers/expected.ts"
import { expectUndisturbedOutcome, jobEvents, storedTopicRows } from "../../helpers/jobChecks.ts"
import { uniquePrefix } from "../../helpers/nats.ts"

const seed = { seed: 7, count: 400, from: "2026-01-01T00:00:00Z", to: "2026-01-15T00:00:00Z" }
const model = exampleModel()

let cancelAttempts = 0

describe.each(backends)("store on %s", (backend) => {
  const settings = testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("lifecycle"), backend, daemon: { pageSize: 37 } })
  let daemon: TestDaemon

  const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
  const getJob = (jobId: string) => run(requestApi("job.get", { jobId })) as Promise<Job>
  const waitStatus = (jobId: string, statuses: ReadonlyArray<string>) =>
    eventually(async () => {
      const j = await getJob(jobId).catch(() => undefined)
      return j && statuses.includes(j.jobStatus) ? j : undefined
    }, 90_000, `job ${jobId} to reach ${statuses.join("/")}`)

  beforeAll(async () => {
    daemon = await startSeededDaemon(settings, seed, model)
  })

  afterAll(async () => {
    await daemon?.dispose()
  })

  describe("a reprocessing job end to end (real NATS and ClickHouse)", () => {
    const programs = model.programs.slice(0, 3).map((p) => p.id)
    const scope = {
      dateStart: "2026-01-02T00:00:00Z",
      dateEnd: "2026-01-12T00:00:00Z",
      programs,
      mediaTypes: ["voice", "chat", "email", "message"] as const
    }

    it("estimate returns the exact in-scope count and the quota figures", async () => {
      const expected = expectedJob(seed, model, { ...scope, mediaTypes: [...scope.mediaTypes] })
      const e = await run(requestApi("job.estimate", { ...scope, mediaTypes: ["Call", "Chat", "Email", "Message"] })) as Record<string, any>
      expect(e["interactionCount"]).toBe(expected.total)
      expect(expected.total).toBeGreaterThan(50)
      expect(e["quota"]).toMatchObject({ freeQuota: 2_000, free: Math.min(2_000, expected.total), billable: Math.max(0, expected.total - 2_000) })
    })

    it("previews the job on a sample without writing anything: outcomes, topics gained and lost, examples", async () => {
      const expected = expectedJob(seed, model, { ...scope, mediaTypes: [...scope.mediaTypes] })
      const topicRows = () => storedTopicRows(run)
      const rowsBefore = await topicRows()
      // A sample larger than the scope: the whole scope, exactly what the job will do.
      const all = await run(requestApi("job.preview", { ...scope, sampleSize: 2_000 }, 60_000)) as PreviewAnswer
      expect(all).toMatchObject({ interactionCount: expected.total, sampleSize: expected.total, modelRevision: 1 })
      expect(all.sample).toEqual(expected.counts)
      expect(all.predicted).toEqual(expected.counts)
      expect(new Map(all.topics.map((t) => [t.topicId, { gained: t.gained, lost: t.lost }]))).toEqual(
        new Map([...expected.topicChanges].filter(([, c]) => c.gained + c.lost > 0))
      )
      expect(all.examples.length).toBeGreaterThan(0)
      for (const e of all.examples) {
        const final = expected.finalTopics.get(`${e.interactionId}\u0000${e.transcriptId}\u0000${e.blockIndex}`) ?? []
        expect(e.after).toEqual([...final])
        expect(e.before).not.toEqual(e.after)
        expect(e.text.length).toBeGreaterThan(0)
      }
      // A smaller sample: the same every time, its outcomes scaled to the whole scope.
      const small = await run(requestApi("job.preview", { ...scope, sampleSize: 40 }, 60_000)) as PreviewAnswer
      expect(small.sampleSize).toBe(40)
      expect(small.predicted.updated + small.predicted.unchanged + small.predicted.failed).toBe(expected.total)
      expect(await run(requestApi("job.preview", { ...scope, sampleSize: 40 }, 60_000))).toEqual(small)
      // Nothing written.
      expect(await topicRows()).toBe(rowsBefore)
    })

    it("runs the job to completion with progress events, the results an independent computation predicts, and its export", async () => {
      const expected = expectedJob(seed, model, { ...scope, mediaTypes: [...scope.mediaTypes] })
      const seen = await jobEvents(run, "life-1")
      const events = seen.events

      await run(publishCommand("job.create", { ...scope, name: "life 1", jobId: "life-1", commandId: "c-life-1", createdBy: "test" }))
      const job = await waitStatus("life-1", ["Completed", "Failed"])
      await seen.seen(job.jobStatus.toLowerCase()).finally(seen.stop)

      // Counts, export (byte for byte), every block's final topics, no duplicate rows.
      await expectUndisturbedOutcome(run, job, expected, model)
      expect(expected.counts.updated).toBeGreaterThan(0)
      expect(expected.counts.failed).toBeGreaterThan(0)
      expect(job.percentComplete).toBe(100)
      expect(job.modelRevision).toBe(1)

      const types = events.map((e) => e.type)
      expect(types).toContain("created")
      expect(types).toContain("started")
      expect(types.at(-1)).toBe("completed")
      const progress = events.filter((e) => e.type === "progress").map((e) => e.job.processedInteractionsCount)
      expect(progress.length).toBeGreaterThanOrEqual(Math.floor(expected.total / 37))
      expect([...progress].sort((a, b) => a - b)).toEqual(progress)
    })

    it("the before/after export adds each impacted interaction's previous and removed topics, formula-safe", async () => {
      const expected = expectedJob(seed, model, { ...scope, mediaTypes: [...scope.mediaTypes] })
      const info = await run(requestApi("job.export", { jobId: "life-1", withPrevious: true }, 60_000)) as { name: string; rows: number }
      expect(info.name).toBe("life-1.with-previous.csv")
      expect(info.rows).toBe(expected.impacted.size)
      const csv = new TextDecoder().decode(Option.getOrThrow(await run(getExport(info.name))))
      const names = new Map(model.topics.map((t) => [t.id, t.name]))
      const rows = [...expected.impacted.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([interactionId, newTopics]) => ({
        interactionId,
        newTopics,
        previousTopics: expected.beforeAfter.get(interactionId)!.previous,
        removedTopics: expected.beforeAfter.get(interactionId)!.removed
      }))
      expect(rows.some((r) => r.removedTopics.length > 0), "some interaction loses a topic").toBe(true)
      expect(csv).toBe(exportCsvWithPrevious(rows, (id) => names.get(id) ?? id))
      // The default export is as it was; the job records both.
      const plain = await run(requestApi("job.export", { jobId: "life-1" })) as { name: string }
      expect(plain.name).toBe("life-1.csv")
      expect((await getJob("life-1") as Record<string, any>)["exportWithPrevious"]).toMatchObject({ name: "life-1.with-previous.csv" })
    })

    it("re-running the same scope as a new job changes nothing more and finds the same failures (idempotent rules)", async () => {
      await run(publishCommand("job.create", { ...scope, name: "life 2", jobId: "life-2", createdBy: "test" }))
      const job = await waitStatus("life-2", ["Completed", "Failed"])
      const expected = expectedJob(seed, model, { ...scope, mediaTypes: [...scope.mediaTypes] })
      expect(job.jobStatus).toBe("Completed")
      expect(job.updatedInteractionsCount).toBe(0)
      expect(job.failedInteractionsCount).toBe(expected.counts.failed)
      expect(job.unchangedInteractionsCount).toBe(expected.total - expected.counts.failed)
    })

    it("reads a job back with its media types as they were given, and lists jobs as Genesys pages them", async () => {
      await run(publishCommand("job.create", { ...scope, mediaTypes: ["Call", "chat", "Email"], name: "Spelled as given", jobId: "life-3" }))
      const job = await waitStatus("life-3", ["Completed", "Failed"])
      expect(job.mediaTypes).toEqual(["Call", "chat", "Email"])
      const stored = await run(Effect.gen(function*() { return yield* (yield* JobRepo).get("life-3") }))
      expect(Option.getOrThrow(stored).mediaTypes).toEqual(["voice", "chat", "email"])

      // Newest first by default, in pages; `jobs` repeats the page for first-version clients.
      const first = await run(requestApi("job.list", { pageSize: 2 })) as Record<string, any>
      expect(first).toMatchObject({ pageSize: 2, pageNumber: 1, pageCount: 2, total: 3, queueTotal: 0 })
      expect(first["entities"].map((j: Job) => j.id)).toEqual(["life-3", "life-2"])
      expect(first["jobs"]).toEqual(first["entities"])
      const second = await run(requestApi("job.list", { pageSize: 2, pageNumber: 2 })) as Record<string, any>
      expect(second["entities"].map((j: Job) => j.id)).toEqual(["life-1"])
      const oldest = await run(requestApi("job.list", { sortOrder: "asc", name: "LIFE" })) as Record<string, any>
      expect(oldest["entities"].map((j: Job) => j.id)).toEqual(["life-1", "life-2"])
      expect(oldest["entities"][0]["writeVersion"]).toBeUndefined()
    })

    it("lists jobs, and deletes a completed job with its results and export", async () => {
      const list = await run(requestApi("job.list", {})) as { jobs: Array<Job> }
      expect(list.jobs.map((j) => j.id)).toEqual(expect.arrayContaining(["life-1", "life-2"]))
      await run(publishCommand("job.delete", { jobId: "life-2" }))
      await eventually(async () => (await getJob("life-2").then(() => undefined, () => true)), 30_000, "life-2 deleted")
      const exported = await run(getExport("life-2.csv"))
      expect(Option.isNone(exported)).toBe(true)
      const err = await run(Effect.flip(requestApi("job.get", { jobId: "life-2" }))) as { code: number }
      expect(err.code).toBe(404)
    })

    it("cancels a queued job at once and a running one at its next page", async () => {
    // Two jobs: the first runs (one at a time), the second waits in the queue. Ids of their own
    // for each attempt (CI tries a timed-out test again; the first attempt's jobs have ended).
      const n = ++cancelAttempts
      const runId = `run-${n}`
      const queueId = `queue-${n}`
      const wide = { ...scope, dateStart: "2026-01-01T00:00:00Z", dateEnd: "2026-01-15T00:00:00Z", mediaTypes: ["voice", "chat", "email", "message", "callback"] }
      await run(publishCommand("job.create", { ...wide, name: "running", jobId: runId }))
      await run(publishCommand("job.create", { ...wide, name: "queued", jobId: queueId }))
      const queued = await eventually(async () => {
        const j = await getJob(queueId).catch(() => undefined)
        return j && j.jobStatus === "Queued" && j.queueOrder >= 1 ? j : undefined
      }, 30_000, `${queueId} queued`)
      expect(queued.queueOrder).toBe(1)
      await run(publishCommand("job.cancel", { jobId: queueId }))
      await run(publishCommand("job.cancel", { jobId: runId }))
      const q = await waitStatus(queueId, ["Cancelled"])
      expect(q.processedInteractionsCount).toBe(0)
      const r = await waitStatus(runId, ["Cancelled", "Completed"])
      // Either it was stopped mid-way or it had already finished: never Failed, and counts add up.
      expect(r.processedInteractionsCount).toBe(r.updatedInteractionsCount + r.unchangedInteractionsCount + r.failedInteractionsCount)
      // What it processed is metered, cancelled or not (the quota counts work done); the queued one never ran.
      // Recorded just after the job's end is written: read until it is there.
      const usage = await eventually(async () => {
        const rows = await run(Effect.gen(function*() {
          const ch = yield* ClickHouse
          return yield* Effect.promise(async () =>
            (await (await ch.client.query({
              // Rows are a job run's (`<jobId>@<writeVersion>`).
              query: `SELECT splitByChar('@', job_id)[1] AS job, sum(interactions) AS i FROM ${ch.database}.usage_monthly FINAL
                WHERE job IN ({run:String}, {queued:String}) GROUP BY job ORDER BY job`,
              query_params: { run: runId, queued: queueId },
              format: "JSONEachRow"
            })).json()) as Array<{ job: string; i: string }>)
        }))
        return rows.length > 0 ? rows : undefined
      }, 30_000, `${runId}'s usage`)
      expect(usage.map((u) => ({ job: u.job, i: Number(u.i) }))).toEqual([{ job: runId, i: r.processedInteractionsCount }])
      const err = await run(Effect.flip(requestApi("job.export", { jobId: queueId }))) as { code: number; message: string }
      expect(err.code).toBe(409)
      expect(err.message).toContain("once the job is Completed")
    })
  })
})
