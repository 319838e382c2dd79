import type { Msg } from "@nats-io/transport-node"
import * as Effect from "effect/Effect"
import type { Job } from "../../../domain/job.ts"
import { Nats } from "../../../nats/Nats.ts"
import { applyJobEvent } from "../jobs.ts"
import { addNotice, type TuiState } from "../state.ts"
import type { Store } from "../store.ts"

const isObj = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null

const parse = (m: Msg): unknown => {
  try {
    return m.json()
  } catch {
    return undefined
  }
}

/** `evt.command.rejected`: a command of ours (or a recovery request) was refused. */
export const applyRejection = (s: TuiState, e: { commandId?: string; subject: string; reason: string }, now: number): TuiState => {
  const label = e.commandId === undefined ? undefined : s.pending.get(e.commandId)
  const req = s.recovery.lastRequest
  const recovery = req !== undefined && req.commandId === e.commandId
    ? { ...s.recovery, lastRequest: { ...req, status: "rejected" as const, reason: e.reason } }
    : s.recovery
  const next = { ...s, recovery }
  return label === undefined ? next : addNotice(next, { at: now, level: "error", text: `${label} rejected: ${e.reason}` })
}

/**
 * Live job events (`evt.job.<id>`) and command rejections (`evt.command.rejected`), as plain
 * subscriptions: they follow the connection through reconnects. Runs until interrupted.
 */
export const followEvents = (store: Store<TuiState>) =>
  Effect.gen(function*() {
    const { nc, names } = yield* Nats
    yield* Effect.acquireRelease(
      Effect.sync(() => [
        nc.subscribe(names.evt("job.>"), {
          callback: (_err, m) => {
            const e = parse(m)
            if (isObj(e) && typeof e["type"] === "string" && isObj(e["job"]) && typeof e["job"]["id"] === "string") {
              store.update((s) => applyJobEvent(s, e as { type: string; job: Job }, Date.now()))
            }
          }
        }),
        nc.subscribe(names.evt("command.rejected"), {
          callback: (_err, m) => {
            const e = parse(m)
            if (isObj(e) && typeof e["subject"] === "string" && typeof e["reason"] === "string") {
              store.update((s) => applyRejection(s, e as { subject: string; reason: string }, Date.now()))
            }
          }
        })
      ]),
      (subs) => Effect.sync(() => subs.forEach((sub) => sub.unsubscribe()))
    )
    return yield* Effect.never
  }).pipe(Effect.scoped)
