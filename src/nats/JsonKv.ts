import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream"
import type { KV, KvEntry } from "@nats-io/kv"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Nats, type NatsError, natsError, natsTry } from "./Nats.ts"

/** A KV bucket whose values are JSON documents validated by a Schema. */
export interface JsonKv<A> {
  readonly bucket: string
  get(key: string): Effect.Effect<Option.Option<{ readonly value: A; readonly revision: number }>, NatsError>
  /** Writes unconditionally; returns the new revision. */
  put(key: string, value: A): Effect.Effect<number, NatsError>
  /** Atomic: None when the key already exists. */
  create(key: string, value: A): Effect.Effect<Option.Option<number>, NatsError>
  /** Compare-and-set: None when the key's revision is no longer `expectedRevision`. */
  update(key: string, value: A, expectedRevision: number): Effect.Effect<Option.Option<number>, NatsError>
  /**
   * Read, apply `f`, compare-and-set; again from the new value while another writer got in
   * first. None when the key does not exist. Returns the value written — or, when `f` returns
   * undefined (nothing to change), the current value, with nothing written.
   */
  modify(key: string, f: (value: A) => A | undefined): Effect.Effect<Option.Option<A>, NatsError>
  /** Purges the key and its history. */
  delete(key: string): Effect.Effect<void, NatsError>
  /** Live keys, optionally matching a subject-style filter (`revision.*`, `a.>`). */
  keys(filter?: string): Effect.Effect<ReadonlyArray<string>, NatsError>
  values(): Effect.Effect<ReadonlyArray<{ readonly key: string; readonly value: A; readonly revision: number }>, NatsError>
  /** Every key's latest value first (of the keys matching `filter`, e.g. `job-1.*`), then each change; a deleted key comes as None. */
  watch(filter?: string): Stream.Stream<{ readonly key: string; readonly value: Option.Option<A>; readonly revision: number }, NatsError>
}

/** Schemas usable for KV values: no services needed to encode or decode. */
export type KvSchema = Schema.Top & { readonly DecodingServices: never; readonly EncodingServices: never }

const isWrongRevision = (e: unknown): boolean =>
  e instanceof JetStreamApiError &&
  (e.code === JetStreamApiCodes.StreamWrongLastSequence || e.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)

const isLive = (e: KvEntry | null): e is KvEntry => e !== null && e.operation === "PUT"

/** Typed JSON access to an existing bucket (see `ensureTopology`). */
export const jsonKv = Effect.fn("JsonKv.open")(function*<S extends KvSchema>(bucket: string, schema: S) {
  type A = S["Type"]
  const { kvm } = yield* Nats
  const kv: KV = yield* natsTry(`opening KV bucket ${bucket}`, () => kvm.open(bucket))
  const codec = Schema.fromJsonString(Schema.toCodecJson(schema))
  const encodeJson = Schema.encodeEffect(codec)
  const decodeJson = Schema.decodeUnknownEffect(codec)

  const encode = (key: string, value: A): Effect.Effect<string, NatsError> =>
    encodeJson(value).pipe(Effect.mapError(natsError(`${bucket}/${key}: value does not match its schema`)))
  const decode = (entry: KvEntry): Effect.Effect<A, NatsError> =>
    decodeJson(entry.string()).pipe(
      Effect.mapError(natsError(`${bucket}/${entry.key}@${entry.revision}: stored value does not match its schema`))
    )

  const get = Effect.fn("JsonKv.get")(function*(key: string) {
    const entry = yield* natsTry(`reading ${bucket}/${key}`, () => kv.get(key))
    if (!isLive(entry)) return Option.none()
    return Option.some({ value: yield* decode(entry), revision: entry.revision })
  })

  const put = Effect.fn("JsonKv.put")(function*(key: string, value: A) {
    const json = yield* encode(key, value)
    return yield* natsTry(`writing ${bucket}/${key}`, () => kv.put(key, json))
  })

  const conditional = (what: string, key: string, write: () => Promise<number>) =>
    Effect.tryPromise({
      try: () => write().then(Option.some, (e) => (isWrongRevision(e) ? Option.none<number>() : Promise.reject(e))),
      catch: natsError(`${what} ${bucket}/${key}`)
    })

  const create = Effect.fn("JsonKv.create")(function*(key: string, value: A) {
    const json = yield* encode(key, value)
    return yield* conditional("creating", key, () => kv.create(key, json))
  })

  const update = Effect.fn("JsonKv.update")(function*(key: string, value: A, expectedRevision: number) {
    const json = yield* encode(key, value)
    return yield* conditional("updating", key, () => kv.update(key, json, expectedRevision))
  })

  const modify = Effect.fn("JsonKv.modify")(function*(key: string, f: (value: A) => A | undefined) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const current = yield* get(key)
      if (Option.isNone(current)) return Option.none<A>()
      const next = f(current.value.value)
      if (next === undefined) return Option.some(current.value.value)
      if (Option.isSome(yield* update(key, next, current.value.revision))) return Option.some(next)
    }
    return yield* Effect.die(new Error(`${bucket}/${key}: too many concurrent updates`))
  })

  const del = Effect.fn("JsonKv.delete")(function*(key: string) {
    yield* natsTry(`deleting ${bucket}/${key}`, () => kv.purge(key))
  })

  const keys = Effect.fn("JsonKv.keys")(function*(filter?: string) {
    return yield* natsTry(`listing keys of ${bucket}`, async () => {
      const out: Array<string> = []
      for await (const k of await kv.keys(filter ?? ">")) out.push(k)
      return out
    })
  })

  const values = Effect.fn("JsonKv.values")(function*() {
    const found = yield* Effect.forEach(
      yield* keys(),
      (key) => get(key).pipe(Effect.map(Option.map((e) => ({ key, ...e })))),
      { concurrency: 32 }
    )
    return found.flatMap((o) => Option.isSome(o) ? [o.value] : [])
  })

  const watch = (filter?: string) =>
    Stream.unwrap(Effect.gen(function*() {
      const watcher = yield* Effect.acquireRelease(
        natsTry(`watching ${bucket}`, () => kv.watch(filter === undefined ? {} : { key: filter })),
        (w) => Effect.sync(() => w.stop())
      )
      return Stream.fromAsyncIterable(watcher, natsError(`watching ${bucket}`)).pipe(
        Stream.mapEffect((entry) =>
          entry.operation === "PUT"
            ? decode(entry).pipe(
              Effect.map((value) => Option.some({ key: entry.key, value: Option.some(value), revision: entry.revision })),
              // one bad value must not stop the feed
              Effect.catch((e) => Effect.logWarning(e.message).pipe(Effect.as(Option.none())))
            )
            : Effect.succeed(Option.some({ key: entry.key, value: Option.none<A>(), revision: entry.revision }))
        ),
        Stream.filter(Option.isSome),
        Stream.map((o) => o.value)
      )
    }))

  const api: JsonKv<A> = { bucket, get, put, create, update, modify, delete: del, keys, values, watch }
  return api
})
