import { render } from "ink"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as References from "effect/References"
import React from "react"
import { displayServers } from "../domain/redact.ts"
import type { NatsSettings } from "../nats/NatsConfig.ts"
import { App } from "./App.ts"
import { natsActions } from "./data/actions.ts"
import { type ConnectionRef, superviseConnection } from "./data/feeds/connection.ts"
import { addNotice, initialState, type TuiState } from "./data/state.ts"
import { makeStore, type Store } from "./data/store.ts"
import { fullScreen } from "./terminal.ts"

/** Warnings and errors go to the status line: nothing may write over the screen. */
const noticeLogger = (store: Store<TuiState>) =>
  Layer.mergeAll(
    Logger.layer([Logger.make(({ message, logLevel, date }) => {
      const text = (Array.isArray(message) ? message : [message]).map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ")
      store.update((s) => addNotice(s, { at: date.getTime(), level: logLevel === "Warn" ? "warn" : "error", text }))
    })]),
    Layer.succeed(References.MinimumLogLevel, "Warn")
  )

/**
 * Runs the dashboard until the user quits: the Ink app full-screen (see terminal.ts),
 * fed by a connection supervisor that keeps NATS connected.
 */
export const runTui = (settings: NatsSettings, refreshMs: number) =>
  Effect.gen(function*() {
    const store = makeStore(initialState({ prefix: settings.prefix, server: displayServers(settings.servers), refreshMs, now: Date.now() }))
    const ref: ConnectionRef = { current: undefined }
    const screen = yield* Effect.acquireRelease(Effect.sync(() => fullScreen(process.stdout)), (s) => Effect.sync(s.restore))
    const ink = yield* Effect.acquireRelease(
      Effect.sync(() =>
        render(React.createElement(App, { store, actions: natsActions(ref, store) }), {
          stdout: screen.stdout,
          // every frame whole to `screen`, which writes only the changed lines
          debug: true,
          exitOnCtrlC: true,
          patchConsole: false
        })),
      (i) => Effect.sync(() => i.unmount())
    )
    yield* Effect.forkScoped(superviseConnection(settings, store, ref, refreshMs).pipe(Effect.provide(noticeLogger(store))))
    yield* Effect.promise(() => ink.waitUntilExit())
    // closed now, so the connection's release does not wait on a drain
    const nc = ref.current?.nc
    if (nc !== undefined) yield* Effect.promise(() => nc.close().catch(() => undefined))
  }).pipe(Effect.scoped)
