import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { displayServers } from "../../../domain/redact.ts"
import { Nats } from "../../../nats/Nats.ts"
import type { NatsSettings } from "../../../nats/NatsConfig.ts"
import type { ConnectionState, TuiState } from "../state.ts"
import type { Store } from "../store.ts"
import { followJobs, followRecovery } from "./buckets.ts"
import { pollDaemons } from "./daemons.ts"
import { followEvents } from "./events.ts"
import { pollQueues } from "./queues.ts"
import { messageOf } from "./streams.ts"

export type NatsClient = Context.Service.Shape<typeof Nats>

/** Where the current connection is, for the actions; `undefined` while disconnected. */
export interface ConnectionRef {
  current: NatsClient | undefined
}

/** The state shown in the header: servers with their credentials masked. */
const setConnection = (store: Store<TuiState>, c: Omit<ConnectionState, "since" | "disconnects">) =>
  store.update((s) => {
    const lost = s.connection.status === "connected" && (c.status === "disconnected" || c.status === "reconnecting")
    const disconnects = (s.connection.disconnects ?? 0) + (lost ? 1 : 0)
    return {
      ...s,
      connection: { ...c, server: displayServers(c.server), since: s.connection.status === c.status ? s.connection.since : Date.now(), ...(disconnects > 0 ? { disconnects } : {}) }
    }
  })

/** Every feed of the dashboard, on one connection. */
export const runFeeds = (store: Store<TuiState>, refreshMs: number) =>
  Effect.gen(function*() {
    const { names } = yield* Nats
    yield* Effect.all([
      followJobs(store, names.jobsBucket, refreshMs),
      followRecovery(store, names.recoveryBucket, refreshMs),
      followEvents(store),
      pollQueues(store, refreshMs),
      pollDaemons(store, refreshMs)
    ], { concurrency: "unbounded", discard: true })
  })

/** Mirrors the client's own reconnection (it retries forever) in the header. */
const followStatus = (store: Store<TuiState>, nats: NatsClient) =>
  Stream.fromAsyncIterable(nats.nc.status(), (e) => e).pipe(
    Stream.runForEach((st) => Effect.sync(() => {
      if (st.type === "disconnect") setConnection(store, { status: "disconnected", server: st.server })
      else if (st.type === "reconnecting") setConnection(store, { status: "reconnecting", server: store.get().connection.server })
      else if (st.type === "reconnect") setConnection(store, { status: "connected", server: st.server })
    })),
    Effect.ignore
  )

/**
 * Keeps the dashboard connected: connects (retrying with back-off while NATS is unreachable),
 * runs the feeds until the connection closes for good, then starts over. Never fails.
 */
export const superviseConnection = (settings: NatsSettings, store: Store<TuiState>, ref: ConnectionRef, refreshMs: number) =>
  Effect.gen(function*() {
    let failures = 0
    const configured = displayServers(settings.servers)
    for (;;) {
      if (failures === 0) setConnection(store, { status: "connecting", server: configured })
      const outcome = yield* Effect.scoped(Effect.gen(function*() {
        const nats = Context.get(yield* Layer.build(Nats.layer(settings)), Nats)
        failures = 0
        ref.current = nats
        setConnection(store, { status: "connected", server: nats.nc.getServer() })
        yield* Effect.forkScoped(followStatus(store, nats))
        yield* Effect.forkScoped(runFeeds(store, refreshMs).pipe(Effect.provideService(Nats, nats)))
        const err = yield* Effect.promise(() => nats.nc.closed())
        return err === undefined ? "the connection was closed" : messageOf(err)
      })).pipe(Effect.catch((e) => Effect.succeed(messageOf(e))))
      ref.current = undefined
      failures++
      const wait = Math.min(10_000, 1000 * 2 ** Math.min(failures - 1, 4))
      setConnection(store, { status: "disconnected", server: store.get().connection.server || configured, error: `${outcome}; retrying in ${Math.round(wait / 1000)}s` })
      yield* Effect.sleep(wait)
    }
  })
