import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { itemKey, WorkItem } from "../domain/workItem.ts"
import { jsonKv } from "../nats/JsonKv.ts"
import { Nats, type NatsError } from "../nats/Nats.ts"

/** Work items' records in the items KV bucket (`<jobId>.<item>`). */
export class WorkItemRepo extends Context.Service<WorkItemRepo, {
  get(jobId: string, item: number): Effect.Effect<Option.Option<WorkItem>, NatsError>
  /** Atomic: None when the item already exists (it is kept as it is). */
  create(item: WorkItem): Effect.Effect<Option.Option<WorkItem>, NatsError>
  /** Compare-and-set loop; `f` returning undefined writes nothing. None when the item is gone. */
  update(jobId: string, item: number, f: (i: WorkItem) => WorkItem | undefined): Effect.Effect<Option.Option<WorkItem>, NatsError>
  /** The job's items, by item number. */
  list(jobId: string): Effect.Effect<ReadonlyArray<WorkItem>, NatsError>
  /** The job's items as they stand, then each change. */
  watch(jobId: string): Stream.Stream<WorkItem, NatsError>
  /** Removes the job's items. */
  removeJob(jobId: string): Effect.Effect<void, NatsError>
}>()("rewind/repos/WorkItemRepo") {
  static readonly layer = Layer.effect(
    WorkItemRepo,
    Effect.gen(function*() {
      const nats = yield* Nats
      const kv = yield* jsonKv(nats.names.itemsBucket, WorkItem)

      const get = (jobId: string, item: number) => kv.get(itemKey(jobId, item)).pipe(Effect.map(Option.map((e) => e.value)))
      const create = (item: WorkItem) => kv.create(itemKey(item.jobId, item.item), item).pipe(Effect.map(Option.map(() => item)))
      const update = (jobId: string, item: number, f: (i: WorkItem) => WorkItem | undefined) => kv.modify(itemKey(jobId, item), f)
      const list = Effect.fn("WorkItemRepo.list")(function*(jobId: string) {
        const keys = yield* kv.keys(`${jobId}.*`)
        const found = yield* Effect.forEach(keys, (k) => kv.get(k), { concurrency: 16 })
        return found.flatMap((o) => (Option.isSome(o) ? [o.value.value] : [])).sort((a, b) => a.item - b.item)
      })
      const watch = (jobId: string) =>
        kv.watch(`${jobId}.*`).pipe(
          Stream.filter((e) => Option.isSome(e.value)),
          Stream.map((e) => Option.getOrThrow(e.value))
        )
      const removeJob = Effect.fn("WorkItemRepo.removeJob")(function*(jobId: string) {
        const keys = yield* kv.keys(`${jobId}.*`)
        yield* Effect.forEach(keys, (k) => kv.delete(k), { concurrency: 16, discard: true })
      })
      return WorkItemRepo.of({ get, create, update, list, watch, removeJob })
    })
  )
}
