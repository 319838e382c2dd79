import { JetStreamApiCodes, JetStreamApiError, type StreamInfo } from "@nats-io/jetstream"
import * as Effect from "effect/Effect"
import { Nats, natsTry } from "../../../nats/Nats.ts"

const notFound = (e: unknown, code: number) => e instanceof JetStreamApiError && e.code === code

/** A stream's info, or `undefined` when it has not been created. */
export const streamInfo = (name: string) =>
  Effect.gen(function*() {
    const { jsm } = yield* Nats
    return yield* natsTry(`reading stream ${name}`, () =>
      jsm.streams.info(name).then(
        (i): StreamInfo | undefined => i,
        (e) => (notFound(e, JetStreamApiCodes.StreamNotFound) ? undefined : Promise.reject(e))
      ))
  })

/** The durable consumers of a stream (KV watchers and other ephemeral ones are left out). */
export const durableConsumers = (stream: string) =>
  Effect.gen(function*() {
    const { jsm } = yield* Nats
    return yield* natsTry(`listing consumers of ${stream}`, async () => {
      const out = []
      try {
        for await (const c of jsm.consumers.list(stream)) if (c.config.durable_name !== undefined) out.push(c)
      } catch (e) {
        if (!notFound(e, JetStreamApiCodes.StreamNotFound)) throw e
      }
      return out
    })
  })

/** The message of any failure, for the screen. */
export const messageOf = (e: unknown): string =>
  typeof e === "object" && e !== null && "message" in e && typeof e.message === "string" ? e.message : String(e)
