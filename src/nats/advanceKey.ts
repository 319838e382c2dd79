/**
 * A KV key that only moves forward — a watermark, the current model revision — written by
 * concurrent handlers and daemons. A read then a plain write lets a writer holding an older value
 * put the key back over a newer one written in between; here the key is created, or replaced by
 * compare-and-set only while `later(next, current)`.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { JsonKv } from "./JsonKv.ts"

/** Writes `next` unless the key already holds a value `next` is not later than. True when written. */
export const advanceKey = <A>(kv: JsonKv<A>, key: string, next: A, later: (next: A, current: A) => boolean) =>
  Effect.gen(function*() {
    // The key deleted between create and modify (by hand): created again on the next round.
    for (let attempt = 0; attempt < 10; attempt++) {
      if (Option.isSome(yield* kv.create(key, next))) return true
      const now = yield* kv.modify(key, (current) => (later(next, current) ? next : undefined))
      if (Option.isSome(now)) return now.value === next
    }
    return yield* Effect.die(new Error(`${kv.bucket}/${key}: created and deleted under every attempt`))
  })
