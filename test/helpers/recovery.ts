import { Effect, type Option } from "effect"
import type { RecoveryRun } from "../../src/domain/recovery.ts"
import { requestApi } from "../../src/nats/Service.ts"
import { eventually, type TestDaemon } from "./daemon.ts"

/** The recovery run once it has ended (Completed or Failed), read through the service API. */
export const waitRecoveryRun = (daemon: TestDaemon, runId: string, timeoutMs = 120_000): Promise<RecoveryRun> =>
  eventually(async () => {
    const r = await daemon.runPromise(requestApi("recovery.get", { runId }).pipe(Effect.option) as Effect.Effect<Option.Option<unknown>>)
    return r._tag === "Some" && ["Completed", "Failed"].includes((r.value as RecoveryRun).status) ? r.value as RecoveryRun : undefined
  }, timeoutMs, `recovery run ${runId}`)
