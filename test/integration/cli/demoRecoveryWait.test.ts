/**
 * `rewind demo`'s wait for its recovery run is bounded: a run that never ends (the platform stalls
 * every request), one that never shows up, or one whose command is refused fails with a one-line
 * reason instead of waiting forever. A daemon in this process, its platform `rewind sim`'s
 * simulator over HTTP, the test run's nats-server.
 */
import { Cause, Effect, Exit } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { listenForRejection } from "../../../src/cli/commandOutcome.ts"
import { waitForRecovery } from "../../../src/cli/demo.ts"
import { publishCommand } from "../../../src/client/natsClient.ts"
import { ModelRepo } from "../../../src/repos/ModelRepo.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { startSim } from "../../../src/sim/server.ts"
import { startDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { simPlatform } from "../../helpers/ingest.ts"
import { uniquePrefix } from "../../helpers/nats.ts"

let sim: Awaited<ReturnType<typeof startSim>> | undefined
let daemon: TestDaemon | undefined

const failureOf = async <A, E>(e: Effect.Effect<A, E, any>): Promise<string> => {
  const exit = await daemon!.runPromiseExit(Effect.scoped(e) as Effect.Effect<A, E, never>)
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  return String((Cause.squash(exit.cause) as Error).message)
}

beforeAll(async () => {
  // Every platform request stalls past the client's timeout (10 s), which retries: a recovery run
  // asked for stays Running far longer than the bound the test gives the wait.
  sim = await startSim({ seed: 3, count: 50, from: "2026-01-05T00:00:00Z", to: "2026-01-06T00:00:00Z", stallRate: 1, stallMs: 12_000 })
  daemon = await startDaemon({ ...testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("demo-wait") }), platform: simPlatform(sim.url) })
  await daemon.runPromise(Effect.gen(function*() {
    yield* (yield* ModelRepo).push(exampleModel(), "test")
  }))
})

afterAll(async () => {
  await daemon?.dispose()
  // Waits for the stalled requests still held (at most stallMs).
  await sim?.stop()
})

describe("rewind demo: the wait for the recovery run is bounded", () => {
  it("a run that does not end within the bound fails, saying where it stands", { timeout: 30_000 }, async () => {
    const commandId = "demo-wait-stuck"
    const started = Date.now()
    const message = await failureOf(Effect.gen(function*() {
      const rejection = yield* listenForRejection(commandId)
      yield* publishCommand("recovery.run", { runId: "stuck", from: "2026-01-05T00:00:00Z", to: "2026-01-06T00:00:00Z", commandId, requestedBy: "test" })
      return yield* waitForRecovery("stuck", { commandId, rejection, timeoutMs: 3_000 })
    }))
    expect(message).toMatch(/^recovery run stuck did not end within 3 s: still (Queued|Running), /)
    expect(Date.now() - started).toBeLessThan(15_000)
  })

  it("a run nobody asked for fails after the bound", { timeout: 30_000 }, async () => {
    const message = await failureOf(waitForRecovery("nobody", { timeoutMs: 1_500 }))
    expect(message).toBe("recovery run nobody did not start within 2 s (no daemon reported it)")
  })

  it("a refused recovery command fails with the refusal's reason", { timeout: 30_000 }, async () => {
    const commandId = "demo-wait-refused"
    const message = await failureOf(Effect.gen(function*() {
      const rejection = yield* listenForRejection(commandId)
      // `from` without `to`: refused.
      yield* publishCommand("recovery.run", { runId: "half", from: "2026-01-05T00:00:00Z", commandId, requestedBy: "test" })
      return yield* waitForRecovery("half", { commandId, rejection, timeoutMs: 20_000 })
    }))
    expect(message).toMatch(/^recovery run half was refused: /)
  })
})
