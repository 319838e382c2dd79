/**
 * Job and recovery run records read straight from their KV buckets under a prefix: for tests
 * where no daemon is up to answer the service API (killed, restarting).
 */
import { Effect, Layer, ManagedRuntime, Option } from "effect"
import type { Job } from "../../src/domain/job.ts"
import type { RecoveryRun } from "../../src/domain/recovery.ts"
import { JobRepo } from "../../src/repos/JobRepo.ts"
import type { WorkItem } from "../../src/domain/workItem.ts"
import { RecoveryRepo } from "../../src/repos/RecoveryRepo.ts"
import { WorkItemRepo } from "../../src/repos/WorkItemRepo.ts"
import { testNatsLayer } from "./nats.ts"

export const kvRecords = (prefix: string) => {
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(JobRepo.layer, RecoveryRepo.layer, WorkItemRepo.layer).pipe(Layer.provideMerge(testNatsLayer(prefix)))
  )
  const job = (id: string): Promise<Job | undefined> =>
    runtime.runPromise(Effect.gen(function*() {
      return Option.getOrUndefined(yield* (yield* JobRepo).get(id))
    }))
  const run = (id: string): Promise<RecoveryRun | undefined> =>
    runtime.runPromise(Effect.gen(function*() {
      return Option.getOrUndefined(yield* (yield* RecoveryRepo).get(id))
    }))
  const items = (jobId: string): Promise<ReadonlyArray<WorkItem>> =>
    runtime.runPromise(Effect.gen(function*() { return yield* (yield* WorkItemRepo).list(jobId) }))
  return { job, run, items, dispose: () => runtime.dispose() }
}
