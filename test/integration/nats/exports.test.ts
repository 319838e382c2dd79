import { createHash, randomBytes } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { deleteExport, getExport, putExport } from "../../../src/nats/Exports.ts"
import { Nats } from "../../../src/nats/Nats.ts"
import { ensureTopology } from "../../../src/nats/Topology.ts"
import { testNatsLayer } from "../../helpers/nats.ts"

/** `bytes` as a stream of chunks of `size` bytes (the daemon streams its exports). */
const chunked = (bytes: Uint8Array, size = 64 * 1024) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let k = 0; k < bytes.length; k += size) controller.enqueue(bytes.slice(k, k + size))
      controller.close()
    }
  })

describe("exports object store", () => {
  it.live("put, get and delete round trip", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      const { names } = yield* Nats
      // several chunks in, several out (the object store splits at 128 KiB)
      const bytes = new Uint8Array(randomBytes(700 * 1024))
      const info = yield* putExport("job-1/results.csv", chunked(bytes, 50_000), "results of job-1")
      expect(info.bucket).toBe(names.exportsBucket)
      expect(info.name).toBe("job-1/results.csv")
      expect(info.size).toBe(bytes.length)
      const sha = createHash("sha256").update(bytes).digest("base64url")
      expect(info.digest.replace(/=+$/, "")).toBe(`SHA-256=${sha}`)

      const back = yield* getExport("job-1/results.csv")
      expect(Option.map(back, (b) => Buffer.from(b).equals(Buffer.from(bytes)))).toEqual(Option.some(true))

      // replacing keeps the latest bytes
      yield* putExport("job-1/results.csv", chunked(new TextEncoder().encode("v2")), "results of job-1")
      const v2 = yield* getExport("job-1/results.csv")
      expect(Option.map(v2, (b) => new TextDecoder().decode(b))).toEqual(Option.some("v2"))

      yield* deleteExport("job-1/results.csv")
      expect(yield* getExport("job-1/results.csv")).toEqual(Option.none())
      yield* deleteExport("job-1/results.csv")
      expect(yield* getExport("never")).toEqual(Option.none())
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("an empty export round trips", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      const info = yield* putExport("empty.json", chunked(new Uint8Array(0)), "nothing")
      expect(info.size).toBe(0)
      const back = yield* getExport("empty.json")
      expect(Option.map(back, (b) => b.length)).toEqual(Option.some(0))
    }).pipe(Effect.provide(testNatsLayer())))
})
