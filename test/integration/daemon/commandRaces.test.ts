/**
 * A command about a job decides twice: on the record it reads, then in its compare-and-set on the
 * latest record. Whatever lands between the two — the job's end written by its runner, another
 * command (a delete, a cancel, the same confirm or retry sent twice), on this daemon or another —
 * the command either takes effect, announced by its event, or is refused with its reason and
 * `field: jobId` (a dead letter and `command.rejected`, as every `Rejected` is): never acknowledged
 * silently, never announced for what it did not do.
 *
 * The interleaving is made deterministic with the daemon's own code and no mocks: the command runs
 * with the daemon's JobRepo (the real KV bucket) in which the test's write — a real command, or
 * the end as a runner writes it — is applied just before the command's compare-and-set. The
 * daemon claims no job (`jobConcurrency: 0`): the records are the test's.
 */
import { Cause, Effect, Exit, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cancelJob } from "../../../src/daemon/jobs/cancel.ts"
import { confirmJob } from "../../../src/daemon/jobs/confirm.ts"
import { deleteJob } from "../../../src/daemon/jobs/delete.ts"
import { retryJob } from "../../../src/daemon/jobs/retry.ts"
import type { Job } from "../../../src/domain/job.ts"
import { Nats } from "../../../src/nats/Nats.ts"
import { JobRepo } from "../../../src/repos/JobRepo.ts"
import { startDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { allMedia, jobEvents, jobRecord } from "../../helpers/jobChecks.ts"
import { uniquePrefix } from "../../helpers/nats.ts"
import { queuedJob } from "../../helpers/queuedJob.ts"

const scope = { dateStart: "2026-01-01T00:00:00Z", dateEnd: "2026-01-02T00:00:00Z", programs: ["p-billing"], mediaTypes: allMedia }

let daemon: TestDaemon
const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)

const putRecord = (id: string, o: Partial<Job>) =>
  run(Effect.gen(function*() { return yield* (yield* JobRepo).create(queuedJob(id, scope, { writeVersion: 7, ...o })) }))

/** A running job as its runner keeps it: owned by a coordinator (none of this daemon's) with a fresh heartbeat. */
const running = (): Partial<Job> => {
  const now = new Date().toISOString()
  return { jobStatus: "InProgress", owner: "test-coordinator", heartbeatAt: now, dateStarted: now, modelRevision: 1 }
}

/** The end of a running job as its runner writes it (runJob's `finish`). */
const endAs = (jobId: string, status: "Completed" | "Failed") => () =>
  run(Effect.gen(function*() {
    const now = new Date().toISOString()
    yield* (yield* JobRepo).update(jobId, (j) => {
      const { owner: _o, heartbeatAt: _h, ...rest } = j
      return { ...rest, jobStatus: status, queueOrder: 0, dateCompleted: now, dateModified: now, ...(status === "Failed" ? { errorMessage: "boom" } : {}) }
    })
  }))

/**
 * Runs `command` with the daemon's JobRepo in which `between` is done just before the command's
 * first compare-and-set (after its read of the record); returns how the command ended.
 */
const interleaved = <A, E>(command: Effect.Effect<A, E, any>, between: () => Promise<unknown>) =>
  run(Effect.gen(function*() {
    const repo = yield* JobRepo
    let pending = true
    const racing = JobRepo.of({
      ...repo,
      update: (id, f) =>
        Effect.suspend(() => {
          if (!pending) return repo.update(id, f)
          pending = false
          return Effect.promise(between).pipe(Effect.andThen(repo.update(id, f)))
        })
    })
    const exit = yield* Effect.exit(command.pipe(Effect.provideService(JobRepo, racing)))
    expect(pending, "the command made no compare-and-set").toBe(false)
    return exit
  }))

/** The command's refusal: its kind, field and reason (fails the test if it was not refused). */
const refusal = <A, E>(exit: Exit.Exit<A, E>) => {
  if (Exit.isSuccess(exit)) throw new Error("the command was accepted, not refused")
  const e = Option.getOrThrow(Cause.findErrorOption(exit.cause)) as { _tag: string; kind?: string; field?: string; reason: string }
  return { tag: e._tag, kind: e.kind, field: e.field, reason: e.reason }
}

/**
 * The job's events published so far (once every event this daemon published has reached the test's
 * subscription), without `progress`: the scheduler's place in the queue of a queued job.
 */
const settled = async (events: { types: Array<string> }) => {
  const nats = await run(Effect.gen(function*() { return yield* Nats }))
  await nats.nc.flush()
  await new Promise((r) => setTimeout(r, 300))
  return events.types.filter((t) => t !== "progress")
}

beforeAll(async () => {
  daemon = await startDaemon(testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("command-races"), daemon: { jobConcurrency: 0 } }))
})

afterAll(async () => {
  await daemon?.dispose()
})

describe("job.cancel racing the job's end", () => {
  for (const status of ["Completed", "Failed"] as const) {
    it(`a running job that ends ${status} just before the cancel's write: refused saying it ended, no cancelling event`, async () => {
      const id = `race-cancel-${status.toLowerCase()}`
      await putRecord(id, running())
      const events = await jobEvents(run, id)
      try {
        const exit = await interleaved(cancelJob(id), endAs(id, status))
        expect(refusal(exit)).toEqual({
          tag: "Rejected",
          kind: "conflict",
          field: "jobId",
          reason: `job "${id}" has already ended (${status}): nothing to cancel`
        })
        expect(await settled(events)).toEqual([])
        const j = await jobRecord(run, id)
        expect(j?.jobStatus).toBe(status)
        expect(j?.cancelRequested).toBeUndefined()
      } finally {
        events.stop()
      }
    })
  }

  it("a queued job cancelled by another cancel meanwhile: refused as Cancelled, announced once", async () => {
    await putRecord("race-cancel-twice", {})
    const events = await jobEvents(run, "race-cancel-twice")
    try {
      const exit = await interleaved(cancelJob("race-cancel-twice"), () => run(cancelJob("race-cancel-twice")))
      expect(refusal(exit)).toMatchObject({ kind: "conflict", field: "jobId", reason: `job "race-cancel-twice" has already ended (Cancelled): nothing to cancel` })
      expect(await settled(events)).toEqual(["cancelled"])
    } finally {
      events.stop()
    }
  })

  it("a running job cancelled by another cancel meanwhile: refused as being cancelled, announced once", async () => {
    await putRecord("race-cancel-running-twice", running())
    const events = await jobEvents(run, "race-cancel-running-twice")
    try {
      const exit = await interleaved(cancelJob("race-cancel-running-twice"), () => run(cancelJob("race-cancel-running-twice")))
      expect(refusal(exit)).toEqual({
        tag: "Rejected",
        kind: "conflict",
        field: "jobId",
        reason: `job "race-cancel-running-twice" is already being cancelled (job.cancel)`
      })
      expect(await settled(events)).toEqual(["cancelling"])
    } finally {
      events.stop()
    }
  })

  it("a job deleted meanwhile: refused as unknown", async () => {
    await putRecord("race-cancel-deleted", {})
    const exit = await interleaved(cancelJob("race-cancel-deleted"), () => run(deleteJob("race-cancel-deleted")))
    expect(refusal(exit)).toEqual({ tag: "Rejected", kind: "unknown_job", field: "jobId", reason: `no job with id "race-cancel-deleted"` })
  })

  it("still cancels a running job (cancelling) and a queued one (cancelled) when nothing comes between", async () => {
    await putRecord("race-cancel-running", running())
    await putRecord("race-cancel-queued", {})
    const a = await jobEvents(run, "race-cancel-running")
    const b = await jobEvents(run, "race-cancel-queued")
    try {
      expect(Exit.isSuccess(await interleaved(cancelJob("race-cancel-running"), async () => undefined))).toBe(true)
      expect(Exit.isSuccess(await interleaved(cancelJob("race-cancel-queued"), async () => undefined))).toBe(true)
      expect(await settled(a)).toEqual(["cancelling"])
      expect(await settled(b)).toEqual(["cancelled"])
      expect((await jobRecord(run, "race-cancel-running"))?.cancelRequested).toBe(true)
      expect((await jobRecord(run, "race-cancel-queued"))?.jobStatus).toBe("Cancelled")
    } finally {
      a.stop()
      b.stop()
    }
  })
})

describe("job.confirm racing another command", () => {
  it("confirmed by another confirm meanwhile: refused as Queued, announced once", async () => {
    await putRecord("race-confirm-twice", { jobStatus: "Proposed" })
    const events = await jobEvents(run, "race-confirm-twice")
    try {
      const exit = await interleaved(confirmJob("race-confirm-twice"), () => run(confirmJob("race-confirm-twice")))
      expect(refusal(exit)).toEqual({
        tag: "Rejected",
        kind: "conflict",
        field: "jobId",
        reason: `job "race-confirm-twice" is Queued: only a Proposed job can be confirmed`
      })
      expect(await settled(events)).toEqual(["confirmed"])
    } finally {
      events.stop()
    }
  })

  it("cancelled meanwhile: refused as Cancelled, the job stays Cancelled", async () => {
    await putRecord("race-confirm-cancelled", { jobStatus: "Proposed" })
    const exit = await interleaved(confirmJob("race-confirm-cancelled"), () => run(cancelJob("race-confirm-cancelled")))
    expect(refusal(exit)).toMatchObject({ kind: "conflict", field: "jobId", reason: `job "race-confirm-cancelled" is Cancelled: only a Proposed job can be confirmed` })
    expect((await jobRecord(run, "race-confirm-cancelled"))?.jobStatus).toBe("Cancelled")
  })

  it("deleted meanwhile: refused as unknown", async () => {
    await putRecord("race-confirm-deleted", { jobStatus: "Proposed" })
    const exit = await interleaved(confirmJob("race-confirm-deleted"), () => run(deleteJob("race-confirm-deleted")))
    expect(refusal(exit)).toEqual({ tag: "Rejected", kind: "unknown_job", field: "jobId", reason: `no job with id "race-confirm-deleted"` })
    expect(await jobRecord(run, "race-confirm-deleted")).toBeUndefined()
  })

  it("being deleted (marked, not purged yet): refused saying so", async () => {
    await putRecord("race-confirm-deleting", { jobStatus: "Proposed" })
    const markDeleted = () =>
      run(Effect.gen(function*() {
        // What job.delete writes before it purges a proposed job.
        yield* (yield* JobRepo).update("race-confirm-deleting", (j) => ({ ...j, jobStatus: "Cancelled", deleteRequested: true }))
      }))
    const exit = await interleaved(confirmJob("race-confirm-deleting"), markDeleted)
    expect(refusal(exit)).toMatchObject({ kind: "conflict", field: "jobId", reason: `job "race-confirm-deleting" is being deleted (job.delete): it cannot be confirmed` })
  })
})

describe("job.retry racing another command", () => {
  it("queued again by another retry meanwhile: refused as Queued, announced once", async () => {
    await putRecord("race-retry-twice", { jobStatus: "Failed", errorMessage: "boom" })
    const events = await jobEvents(run, "race-retry-twice")
    try {
      const exit = await interleaved(retryJob("race-retry-twice"), () => run(retryJob("race-retry-twice")))
      expect(refusal(exit)).toMatchObject({ kind: "conflict", field: "jobId", reason: `job "race-retry-twice" is Queued: only a Failed or Cancelled job can be retried` })
      expect(await settled(events)).toEqual(["retried"])
    } finally {
      events.stop()
    }
  })

  it("deleted meanwhile: refused as unknown", async () => {
    await putRecord("race-retry-deleted", { jobStatus: "Failed", errorMessage: "boom" })
    const exit = await interleaved(retryJob("race-retry-deleted"), () => run(deleteJob("race-retry-deleted")))
    expect(refusal(exit)).toEqual({ tag: "Rejected", kind: "unknown_job", field: "jobId", reason: `no job with id "race-retry-deleted"` })
  })
})
