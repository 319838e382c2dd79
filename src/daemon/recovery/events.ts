import * as Effect from "effect/Effect"
import type { RecoveryRun } from "../../domain/recovery.ts"
import { publishEvent } from "../../nats/Events.ts"

export type RecoveryEventType = "queued" | "started" | "progress" | "completed" | "failed"

/** Publishes `rewind.evt.recovery.<id>`; never fatal. */
export const recoveryEvent = (type: RecoveryEventType, run: RecoveryRun) =>
  publishEvent(`recovery.${run.id}`, { type, at: new Date().toISOString(), run }).pipe(
    Effect.catch((e) => Effect.logWarning("recovery event not published", { runId: run.id, type, error: e.message }))
  )
