import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { byCreation, Job } from "../domain/job.ts"
import { Nats, type NatsError } from "../nats/Nats.ts"
import { jsonKv } from "../nats/JsonKv.ts"

/** Job records in the jobs KV bucket (the dashboard watches the same bucket). */
export class JobRepo extends Context.Service<JobRepo, {
  get(id: string): Effect.Effect<Option.Option<Job>, NatsError>
  /** Atomic: None when a job with this id already exists. */
  create(job: Job): Effect.Effect<Option.Option<Job>, NatsError>
  /**
   * Compare-and-set loop: applies `f` to the latest record; None when the job is gone. When `f`
   * returns undefined nothing is written and the latest record is returned.
   */
  update(id: string, f: (job: Job) => Job | undefined): Effect.Effect<Option.Option<Job>, NatsError>
  list(): Effect.Effect<ReadonlyArray<Job>, NatsError>
  remove(id: string): Effect.Effect<void, NatsError>
}>()("rewind/repos/JobRepo") {
  static readonly layer = Layer.effect(
    JobRepo,
    Effect.gen(function*() {
      const nats = yield* Nats
      const kv = yield* jsonKv(nats.names.jobsBucket, Job)

      const get = Effect.fn("JobRepo.get")(function*(id: string) {
        return Option.map(yield* kv.get(id), (e) => e.value)
      })

      const create = Effect.fn("JobRepo.create")(function*(job: Job) {
        const rev = yield* kv.create(job.id, job)
        return Option.map(rev, () => job)
      })

      const update = (id: string, f: (job: Job) => Job | undefined) => kv.modify(id, f)

      const list = Effect.fn("JobRepo.list")(function*() {
        const all = yield* kv.values()
        return all.map((e) => e.value).sort(byCreation)
      })

      const remove = Effect.fn("JobRepo.remove")(function*(id: string) {
        yield* kv.delete(id)
      })

      return JobRepo.of({ get, create, update, list, remove })
    })
  )
}
