import { Context, Effect, Layer } from "effect"
import { inject } from "vitest"
import { Nats, type NatsError } from "../../src/nats/Nats.ts"
import { makeNames, type Names } from "../../src/nats/names.ts"

/** URL of the nats-server the global setup started (or REWIND_TEST_NATS_URL). */
export const testNatsUrl = (): string => {
  const url = inject("natsUrl")
  if (url === "" || url === undefined) {
    throw new Error(
      `no nats-server for this test run: ${inject("natsUnavailable") || "the global setup did not start one"}`
    )
  }
  return url
}

/** A fresh subject prefix (`t` + random base36): streams, buckets and consumers derive from it. */
export const uniquePrefix = (): string =>
  `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`

/** Every stream Rewind creates under a prefix: its own, and those under its KV buckets and object store. */
export const rewindStreams = (n: Names): Array<string> => [
  n.cmdStream,
  n.ingestStream,
  n.dlqStream,
  n.evtStream,
  n.workStream,
  ...[n.jobsBucket, n.topicsBucket, n.commandsBucket, n.recoveryBucket, n.itemsBucket].map((b) => `KV_${b}`),
  `OBJ_${n.exportsBucket}`
]

/**
 * The Nats service for one test, under its own prefix. On release it deletes every stream
 * (commands, dead letters, events, KV buckets, object store) derived from the prefix.
 */
export const testNatsLayer = (prefix: string = uniquePrefix()): Layer.Layer<Nats, NatsError> =>
  Layer.effectContext(
    Effect.gen(function*() {
      const context = yield* Layer.build(Nats.layer({ servers: [testNatsUrl()], prefix }))
      const { jsm } = Context.get(context, Nats)
      const streams = rewindStreams(makeNames(prefix))
      yield* Effect.addFinalizer(() =>
        Effect.promise(() => Promise.allSettled(streams.map((s) => jsm.streams.delete(s))))
      )
      return context
    })
  )
