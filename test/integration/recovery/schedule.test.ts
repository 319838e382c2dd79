/**
 * Automatic recovery runs scheduled by several daemons at once (src/daemon/recovery/request.ts)
 * against a real nats-server: daemons started together (a rollout) schedule one run over the
 * period, not one each — each would page the platform's whole period again.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { DaemonSettingsService } from "../../../src/daemon/DaemonSettingsService.ts"
import { scheduleAutomatic } from "../../../src/daemon/recovery/request.ts"
import { ensureTopology } from "../../../src/nats/Topology.ts"
import { RecoveryRepo } from "../../../src/repos/RecoveryRepo.ts"
import { tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { testNatsLayer, uniquePrefix } from "../../helpers/nats.ts"

/** What one daemon has for scheduling: its own NATS connection, under the installation's prefix. */
const daemonLayer = (prefix: string) =>
  RecoveryRepo.layer.pipe(
    Layer.provideMerge(Layer.effectDiscard(ensureTopology).pipe(Layer.provideMerge(testNatsLayer(prefix)))),
    Layer.merge(DaemonSettingsService.make(testSettings({ prefix, dataDir: tempDataDir("schedule") }).daemon))
  )

describe("automatic recovery scheduled by several daemons (real nats-server)", () => {
  it.live("three daemons scheduling at once create one run; after it failed, one retry; after it completed, the next period", () =>
    Effect.gen(function*() {
      const prefix = uniquePrefix()
      const daemons = [
        yield* Layer.build(daemonLayer(prefix)),
        yield* Layer.build(daemonLayer(prefix)),
        yield* Layer.build(daemonLayer(prefix))
      ]
      const allSchedule = Effect.all(daemons.map((d) => scheduleAutomatic().pipe(Effect.provideContext(d))), { concurrency: "unbounded" })
      const repo = yield* Effect.service(RecoveryRepo).pipe(Effect.provideContext(daemons[0]!))

      const first = (yield* allSchedule).filter(Option.isSome).map((r) => r.value)
      expect(first.map((r) => r.id)).toEqual(["auto-first"])
      expect((yield* repo.list()).map((r) => r.id)).toEqual(["auto-first"])
      // While it is queued, nobody schedules another.
      expect((yield* allSchedule).filter(Option.isSome)).toEqual([])

      // It failed: the watermark stays, and the daemons schedule the same period once more.
      yield* repo.update("auto-first", (r) => ({ ...r, status: "Failed", errorMessage: "platform unreachable" }))
      const retried = (yield* allSchedule).filter(Option.isSome).map((r) => r.value)
      expect(retried.map((r) => r.id)).toEqual(["auto-first-2"])

      // It completed: the watermark moves to its end, and the next run starts there.
      yield* repo.update("auto-first-2", (r) => ({ ...r, status: "Completed" }))
      yield* repo.advanceWatermark({ at: "2026-12-05T10:15:00.000Z", runId: "auto-first-2", updatedAt: new Date().toISOString() })
      const next = (yield* allSchedule).filter(Option.isSome).map((r) => r.value)
      expect(next.map((r) => [r.id, r.from])).toEqual([["auto-20261205T101500Z", "2026-12-05T10:15:00.000Z"]])
      expect((yield* repo.list()).map((r) => r.id)).toEqual(["auto-first", "auto-first-2", "auto-20261205T101500Z"])
    }).pipe(Effect.scoped))
})
