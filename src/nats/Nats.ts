import { readFileSync } from "node:fs"
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from "@nats-io/jetstream"
import { Kvm } from "@nats-io/kv"
import { Objm } from "@nats-io/obj"
import {
  type Authenticator,
  connect,
  credsAuthenticator,
  type NatsConnection,
  type NodeConnectionOptions,
  nkeyAuthenticator
} from "@nats-io/transport-node"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { displayServers } from "../domain/redact.ts"
import type { NatsSettings } from "./NatsConfig.ts"
import { makeNames, type Names } from "./names.ts"

export class NatsError extends Schema.TaggedError<NatsError>()("NatsError", {
  message: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {}

/** Wraps a client failure: `what` says what we were doing, the cause's message is appended. */
export const natsError = (what: string) => (cause: unknown): NatsError =>
  new NatsError({ message: `${what}: ${cause instanceof Error ? cause.message : String(cause)}`, cause })

/** A promise-returning NATS call as an Effect failing with NatsError. */
export const natsTry = <A>(what: string, f: () => PromiseLike<A>): Effect.Effect<A, NatsError> =>
  Effect.tryPromise({ try: f, catch: natsError(what) })

const connectionOptions = (settings: NatsSettings): NodeConnectionOptions => {
  const authenticator: Array<Authenticator> = []
  if (settings.credsFile !== undefined) {
    const file = settings.credsFile
    // read on every (re)connect so rotated credentials are picked up
    authenticator.push(credsAuthenticator(() => readFileSync(file)))
  }
  if (settings.nkeySeed !== undefined) {
    authenticator.push(nkeyAuthenticator(new TextEncoder().encode(Redacted.value(settings.nkeySeed).trim())))
  }
  return {
    servers: [...settings.servers],
    name: settings.name ?? "rewind",
    maxReconnectAttempts: -1,
    ...(settings.token !== undefined ? { token: Redacted.value(settings.token) } : {}),
    ...(settings.user !== undefined ? { user: settings.user } : {}),
    ...(settings.password !== undefined ? { pass: Redacted.value(settings.password) } : {}),
    ...(authenticator.length > 0 ? { authenticator } : {}),
    ...(settings.tls !== undefined ? { tls: { ...settings.tls } } : {})
  }
}

/** One NATS connection with its JetStream, KV and object store clients, and Rewind's names. */
export class Nats extends Context.Service<Nats, {
  readonly nc: NatsConnection
  readonly js: JetStreamClient
  readonly jsm: JetStreamManager
  readonly kvm: Kvm
  readonly objm: Objm
  readonly names: Names
  /** Replicas the streams, KV buckets and object store are to have at least (REWIND_NATS_REPLICAS). */
  readonly replicas: number
}>()("rewind/nats/Nats") {
  /** Connects (failing with NatsError when unreachable); drains the connection on release. */
  static readonly layer = (settings: NatsSettings): Layer.Layer<Nats, NatsError> =>
    Layer.effect(
      Nats,
      Effect.gen(function*() {
        const where = displayServers(settings.servers)
        const nc = yield* Effect.acquireRelease(
          natsTry(`cannot connect to NATS at ${where}`, () => connect(connectionOptions(settings))),
          (nc) =>
            natsTry("draining the NATS connection", () => nc.isClosed() ? Promise.resolve() : nc.drain()).pipe(
              Effect.timeout("10 seconds"),
              Effect.catch((e) =>
                Effect.logWarning("NATS connection did not drain cleanly", String(e)).pipe(
                  Effect.andThen(Effect.tryPromise(() => nc.close())),
                  Effect.ignore
                )
              )
            )
        )
        const jsm = yield* natsTry(`JetStream is not available on ${where} (start nats-server with -js)`, () =>
          jetstreamManager(nc))
        const js = jetstream(nc)
        yield* Effect.logDebug("connected to NATS").pipe(Effect.annotateLogs({ servers: where }))
        const names = makeNames(settings.prefix)
        return Nats.of({ nc, js, jsm, kvm: new Kvm(js), objm: new Objm(js), names, replicas: settings.replicas ?? 1 })
      }).pipe(Effect.withSpan("Nats.connect"))
    )
}
