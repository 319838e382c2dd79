import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Nats, natsTry } from "./Nats.ts"

export interface ExportInfo {
  readonly bucket: string
  readonly name: string
  readonly size: number
  /** `SHA-256=<base64url>` as the object store records it. */
  readonly digest: string
}

/** The exports object store (created by `ensureTopology`). */
const exportsStore = Effect.gen(function*() {
  const { objm, names } = yield* Nats
  return yield* natsTry(`opening object store ${names.exportsBucket}`, () => objm.open(names.exportsBucket, false))
})

/** Stores (or replaces) an export from a stream of chunks: never held whole in memory. */
export const putExport = Effect.fn("Exports.put")(function*(name: string, chunks: ReadableStream<Uint8Array>, description: string) {
  const store = yield* exportsStore
  const info = yield* natsTry(`storing export ${name}`, () => store.put({ name, description }, chunks))
  const result: ExportInfo = { bucket: info.bucket, name: info.name, size: info.size, digest: info.digest }
  return result
})

export const getExport = Effect.fn("Exports.get")(function*(name: string) {
  const store = yield* exportsStore
  const bytes = yield* natsTry(`reading export ${name}`, () => store.getBlob(name))
  return Option.fromNullishOr(bytes)
})

/** Removes an export; removing a missing one is not an error. */
export const deleteExport = Effect.fn("Exports.delete")(function*(name: string) {
  const store = yield* exportsStore
  yield* natsTry(`deleting export ${name}`, () => store.delete(name))
})
