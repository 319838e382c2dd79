import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { type TopicModel, TopicModelRevision } from "../domain/topicModel.ts"
import { Nats, type NatsError } from "../nats/Nats.ts"
import { advanceKey } from "../nats/advanceKey.ts"
import { jsonKv } from "../nats/JsonKv.ts"

const Pointer = Schema.Struct({ revision: Schema.Int })
const AnyRevision = Schema.Union([TopicModelRevision, Pointer])

/**
 * Topic model revisions in KV: `revision.<n>` holds each pushed model (immutable),
 * `current` points at the latest. Jobs pin the revision current when they start.
 */
export class ModelRepo extends Context.Service<ModelRepo, {
  push(model: TopicModel, pushedBy: string): Effect.Effect<TopicModelRevision, NatsError>
  current(): Effect.Effect<Option.Option<TopicModelRevision>, NatsError>
  get(revision: number): Effect.Effect<Option.Option<TopicModelRevision>, NatsError>
  /** The current revision's number (0: none pushed yet). */
  currentRevision(): Effect.Effect<number, NatsError>
  /**
   * Atomic: true for the one caller (daemon) that first claims handling `revision` after its
   * push (auto-reprocessing), false for every other.
   */
  claimPushed(revision: number): Effect.Effect<boolean, NatsError>
}>()("rewind/repos/ModelRepo") {
  static readonly layer = Layer.effect(
    ModelRepo,
    Effect.gen(function*() {
      const nats = yield* Nats
      const kv = yield* jsonKv(nats.names.topicsBucket, AnyRevision)

      const get = Effect.fn("ModelRepo.get")(function*(revision: number) {
        const entry = yield* kv.get(`revision.${revision}`)
        return Option.flatMap(entry, (e) => ("model" in e.value ? Option.some(e.value) : Option.none()))
      })

      const currentRevision = Effect.fn("ModelRepo.currentRevision")(function*() {
        const entry = yield* kv.get("current")
        return Option.match(entry, { onNone: () => 0, onSome: (e) => e.value.revision })
      })

      const current = Effect.fn("ModelRepo.current")(function*() {
        const n = yield* currentRevision()
        return n === 0 ? Option.none<TopicModelRevision>() : yield* get(n)
      })

      const push = Effect.fn("ModelRepo.push")(function*(model: TopicModel, pushedBy: string) {
        let n = (yield* currentRevision()) + 1
        for (;;) {
          const rev: TopicModelRevision = { revision: n, pushedAt: new Date().toISOString(), pushedBy, model }
          const created = yield* kv.create(`revision.${n}`, rev)
          if (Option.isSome(created)) {
            // Pushes racing each other: `current` ends on the highest revision, never back on an older one.
            yield* advanceKey(kv, "current", { revision: n }, (next, current) => current.revision < next.revision)
            return rev
          }
          n++
        }
      })

      const claimPushed = Effect.fn("ModelRepo.claimPushed")(function*(revision: number) {
        return Option.isSome(yield* kv.create(`handled.${revision}`, { revision }))
      })

      return ModelRepo.of({ push, current, get, currentRevision, claimPushed })
    })
  )
}
