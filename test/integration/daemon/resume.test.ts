import { Effect, Option } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import type { Job } from "../../../src/domain/job.ts"
import { requestApi } from "../../../src/nats/Service.ts"
import { JobRepo } from "../../../src/repos/JobRepo.ts"
import { WorkItemRepo } from "../../../src/repos/WorkItemRepo.ts"
import { ModelRepo } from "../../../src/repos/ModelRepo.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { seedStore } from "../../../src/seed/seedStore.ts"
import { backends } from "../../helpers/clickhouse.ts"
import { eventually, startDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { expectedJob } from "../../helpers/expected.ts"
import { expectUndisturbedOutcome } from "../../helpers/jobChecks.ts"
import { uniquePrefix } from "../../helpers/nats.ts"

const seed = { seed: 11, count: 600, from: "2026-01-01T00:00:00Z", to: "2026-01-08T00:00:00Z" }
const model = exampleModel()

describe.each(backends)("store on %s", (backend) => {
  const settings = testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("resume"), backend, daemon: { pageSize: 10 } })
  let daemon: TestDaemon | undefined

  const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon!.runPromise(e as Effect.Effect<A, E, never>)
  const getJob = (jobId: string) => run(requestApi("job.get", { jobId }).pipe(Effect.option)).then((o) => Option.getOrUndefined(o) as Job | undefined)

  afterAll(async () => {
    await daemon?.dispose()
  })

  describe("a daemon stopped mid-job resumes from its checkpoint", () => {
    it("ends with the same results as an uninterrupted run, with no duplicates in the store", async () => {
      daemon = await startDaemon(settings)
      await run(seedStore(seed))
      await run(Effect.gen(function*() { return yield* (yield* ModelRepo).push(model, "test") }))
      const scope = {
        dateStart: seed.from,
        dateEnd: seed.to,
        programs: model.programs.map((p) => p.id),
        mediaTypes: ["voice", "callback", "chat", "email", "message"] as const
      }
      const expected = expectedJob(seed, model, { ...scope, mediaTypes: [...scope.mediaTypes] })
      await run(publishCommand("job.create", { ...scope, name: "resume me", jobId: "resume-1" }))

      // Stop the daemon while the job is part-way through.
      const partial = await eventually(async () => {
        const j = await getJob("resume-1")
        return j && j.processedInteractionsCount >= 50 ? j : undefined
      }, 60_000, "some progress")
      expect(partial.processedInteractionsCount).toBeLessThan(expected.total)
      await daemon.dispose()
      daemon = undefined

      // A new daemon on the same NATS and store.
      daemon = await startDaemon(settings)
      const stopped = Option.getOrUndefined(await run(Effect.gen(function*() { return yield* (yield* JobRepo).get("resume-1") })))
      expect(stopped?.jobStatus).toBe("InProgress")
      // Its work item stopped at a checkpoint, from which it resumes.
      const items = await run(Effect.gen(function*() { return yield* (yield* WorkItemRepo).list("resume-1") }))
      expect(items.some((i) => i.checkpoint !== undefined)).toBe(true)
      const resumedFrom = stopped!.processedInteractionsCount
      expect(resumedFrom).toBeGreaterThanOrEqual(partial.processedInteractionsCount)
      expect(resumedFrom).toBeLessThan(expected.total)

      const done = await eventually(async () => {
        const j = await getJob("resume-1")
        return j && (j.jobStatus === "Completed" || j.jobStatus === "Failed") ? j : undefined
      }, 90_000, "resume-1 done")
      await expectUndisturbedOutcome(run, done, expected, model)
    })
  })
})
