import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { Job } from "../../../domain/job.ts"
import { Job as JobSchema } from "../../../domain/job.ts"
import { jsonKv, type KvSchema } from "../../../nats/JsonKv.ts"
import { Nats } from "../../../nats/Nats.ts"
import { applyJobEntry, keepJobs } from "../jobs.ts"
import { applyRecoveryEntry, keepRuns } from "../recovery.ts"
import type { Presence, TuiState } from "../state.ts"
import type { Store } from "../store.ts"
import { messageOf, streamInfo } from "./streams.ts"

interface Follow<A> {
  readonly bucket: string
  readonly schema: KvSchema
  readonly retryMs: number
  readonly presence: (p: Presence, error?: string) => void
  /** The live keys when the watch (re)starts: anything else is gone. */
  readonly reset: (keys: ReadonlyArray<string>) => void
  readonly entry: (key: string, value: A | undefined) => void
}

/**
 * Follows a KV bucket for as long as it runs: waits for the bucket to exist, then applies
 * its watch (every key's latest value, then each change). A failed or ended watch is
 * restarted after `retryMs`; the failure is shown, never thrown.
 */
const follow = <A>(f: Follow<A>): Effect.Effect<never, never, Nats> => {
  const once = Effect.gen(function*() {
    if ((yield* streamInfo(`KV_${f.bucket}`)) === undefined) return f.presence("missing")
    const kv = yield* jsonKv(f.bucket, f.schema)
    f.reset(yield* kv.keys())
    f.presence("present")
    yield* kv.watch().pipe(
      Stream.runForEach((e) => Effect.sync(() => f.entry(e.key, Option.getOrUndefined(e.value) as A | undefined)))
    )
  })
  return once.pipe(
    Effect.catch((e) => Effect.sync(() => f.presence("unknown", messageOf(e)))),
    Effect.andThen(Effect.sleep(f.retryMs)),
    Effect.forever
  )
}

const presenceOf = <K extends "jobs" | "recovery">(part: K) => (store: Store<TuiState>) => (p: Presence, error?: string) =>
  store.update((s) => {
    const { error: _e, ...rest } = s[part]
    // an error keeps what we knew (the bucket did exist)
    return { ...s, [part]: error === undefined ? { ...rest, presence: p } : { ...rest, error } }
  })

/** The jobs bucket (source of truth for the Jobs view). */
export const followJobs = (store: Store<TuiState>, bucket: string, retryMs: number) =>
  follow<Job>({
    bucket,
    schema: JobSchema,
    retryMs,
    presence: presenceOf("jobs")(store),
    reset: (keys) => store.update((s) => keepJobs(s, keys)),
    entry: (key, job) => store.update((s) => applyJobEntry(s, key, job, Date.now()))
  })

/** The recovery bucket: generic JSON (the recovery feature owns its shape). */
export const followRecovery = (store: Store<TuiState>, bucket: string, retryMs: number) =>
  follow<unknown>({
    bucket,
    schema: Schema.Unknown,
    retryMs,
    presence: presenceOf("recovery")(store),
    reset: (keys) => store.update((s) => keepRuns(s, keys)),
    entry: (key, value) => store.update((s) => applyRecoveryEntry(s, key, value))
  })
