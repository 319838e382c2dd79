import { Effect, Fiber, Layer, ManagedRuntime } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { Nats } from "../../../src/nats/Nats.ts"
import { ensureTopology } from "../../../src/nats/Topology.ts"
import { runFeeds } from "../../../src/tui/data/feeds/connection.ts"
import { initialState, type TuiState } from "../../../src/tui/data/state.ts"
import { makeStore } from "../../../src/tui/data/store.ts"
import { eventually } from "../../helpers/daemon.ts"
import { testNatsLayer, uniquePrefix } from "../../helpers/nats.ts"

/** The dashboard's NATS feeds on a fresh installation: nothing exists yet, then everything does. */

const prefix = uniquePrefix()
const runtime = ManagedRuntime.make(testNatsLayer(prefix).pipe(Layer.orDie))
afterAll(() => runtime.dispose())

const until = <A>(store: { get: () => TuiState }, what: string, f: (s: TuiState) => A | undefined) =>
  eventually(async () => f(store.get()), 20_000, what)

describe("dashboard feeds against a real nats-server", () => {
  it("show streams and buckets as not created yet, then pick them up once created, with no daemon running", async () => {
    const store = makeStore(initialState({ prefix, server: "test", refreshMs: 300, now: Date.now() }))
    const fiber = runtime.runFork(runFeeds(store, 300))
    try {
      await until(store, "missing streams", (s) => s.queues.rows.length > 0 && s.queues.rows.every((r) => r.presence === "missing") ? true : undefined)
      await until(store, "missing buckets", (s) => s.jobs.presence === "missing" && s.recovery.presence === "missing" ? true : undefined)
      await until(store, "no daemons", (s) => s.daemons.polledAt !== undefined && s.daemons.list.length === 0 ? true : undefined)
      expect(store.get().queues.rows.map((r) => r.name)).toContain(`${prefix}-daemon`)

      await runtime.runPromise(ensureTopology)
      await until(store, "streams present", (s) => s.queues.rows.every((r) => r.presence === "present") ? true : undefined)
      await until(store, "buckets present", (s) => s.jobs.presence === "present" && s.recovery.presence === "present" ? true : undefined)

      // a recovery record and the watermark arrive through the KV watch
      await runtime.runPromise(Effect.gen(function*() {
        const { kvm, names } = yield* Nats
        const kv = yield* Effect.promise(() => kvm.open(names.recoveryBucket))
        yield* Effect.promise(() => kv.put("run-1", JSON.stringify({ id: "run-1", status: "Completed", counts: { missing: 2 } })))
        yield* Effect.promise(() => kv.put("watermark", JSON.stringify("2026-03-01T00:00:00Z")))
      }))
      await until(store, "the recovery run", (s) => s.recovery.runs.has("run-1") && s.recovery.watermark !== undefined ? true : undefined)
      expect(store.get().recovery.watermark).toBe("2026-03-01T00:00:00Z")
      expect(store.get().queues.error).toBeUndefined()
    } finally {
      await runtime.runPromise(Fiber.interrupt(fiber))
    }
  })
})
