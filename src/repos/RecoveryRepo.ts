import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { RecoveryRun, Watermark } from "../domain/recovery.ts"
import { Nats, type NatsError } from "../nats/Nats.ts"
import { advanceKey } from "../nats/advanceKey.ts"
import { jsonKv } from "../nats/JsonKv.ts"

/**
 * Recovery state in the recovery KV bucket (the dashboard watches it): runs under `run.<id>`,
 * the automatic runs' watermark under `watermark`.
 */
export class RecoveryRepo extends Context.Service<RecoveryRepo, {
  get(id: string): Effect.Effect<Option.Option<RecoveryRun>, NatsError>
  create(run: RecoveryRun): Effect.Effect<Option.Option<RecoveryRun>, NatsError>
  update(id: string, f: (run: RecoveryRun) => RecoveryRun): Effect.Effect<Option.Option<RecoveryRun>, NatsError>
  list(): Effect.Effect<ReadonlyArray<RecoveryRun>, NatsError>
  watermark(): Effect.Effect<Option.Option<Watermark>, NatsError>
  /** Moves the watermark to `w` unless it stands there or later already (runs end in any order, on any daemon). */
  advanceWatermark(w: Watermark): Effect.Effect<void, NatsError>
}>()("rewind/repos/RecoveryRepo") {
  static readonly layer = Layer.effect(
    RecoveryRepo,
    Effect.gen(function*() {
      const nats = yield* Nats
      const runs = yield* jsonKv(nats.names.recoveryBucket, RecoveryRun)
      const marks = yield* jsonKv(nats.names.recoveryBucket, Watermark)
      const key = (id: string) => `run.${id}`

      const get = Effect.fn("RecoveryRepo.get")(function*(id: string) {
        return Option.map(yield* runs.get(key(id)), (e) => e.value)
      })
      const create = Effect.fn("RecoveryRepo.create")(function*(run: RecoveryRun) {
        return Option.map(yield* runs.create(key(run.id), run), () => run)
      })
      const update = (id: string, f: (run: RecoveryRun) => RecoveryRun) => runs.modify(key(id), f)
      const list = Effect.fn("RecoveryRepo.list")(function*() {
        const keys = yield* runs.keys("run.>")
        const out: Array<RecoveryRun> = []
        for (const k of keys) {
          const e = yield* runs.get(k)
          if (Option.isSome(e)) out.push(e.value.value)
        }
        return out.sort((a, b) => a.seq - b.seq)
      })
      const watermark = Effect.fn("RecoveryRepo.watermark")(function*() {
        return Option.map(yield* marks.get("watermark"), (e) => e.value)
      })
      const advanceWatermark = Effect.fn("RecoveryRepo.advanceWatermark")(function*(w: Watermark) {
        yield* advanceKey(marks, "watermark", w, (next, current) => Date.parse(current.at) < Date.parse(next.at))
      })
      return RecoveryRepo.of({ get, create, update, list, watermark, advanceWatermark })
    })
  )
}
