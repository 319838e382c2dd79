import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { TextMediaTypes } from "../../domain/media.ts"
import { automaticPeriod, automaticRunId, type RecoveryRun, type RecoveryRunCommand, zeroCounts } from "../../domain/recovery.ts"
import { RecoveryRepo } from "../../repos/RecoveryRepo.ts"
import { DaemonSettingsService } from "../DaemonSettingsService.ts"
import { Rejected } from "../jobs/errors.ts"
import { recoveryEvent } from "./events.ts"

const newRun = (o: {
  id: string
  trigger: "manual" | "automatic"
  from: string
  to: string
  mediaTypes: RecoveryRun["mediaTypes"]
  requestedBy: string
  seq: number
  commandId?: string | undefined
}): RecoveryRun => ({
  id: o.id,
  trigger: o.trigger,
  from: new Date(o.from).toISOString(),
  to: new Date(o.to).toISOString(),
  mediaTypes: o.mediaTypes,
  status: "Queued",
  requestedBy: o.requestedBy,
  dateCreated: new Date().toISOString(),
  counts: {},
  totals: zeroCounts(),
  retriedPending: 0,
  platformCalls: 0,
  errors: [],
  seq: o.seq,
  ...(o.commandId === undefined ? {} : { commandId: o.commandId })
})

/**
 * `recovery.run`: records a Queued run. Without a period, the automatic period from the
 * watermark. Returns None when this exact command was already applied (a redelivery).
 */
export const requestRecovery = Effect.fn("Recovery.request")(function*(cmd: RecoveryRunCommand, streamSeq: number, platformConfigured: boolean) {
  if (!platformConfigured) {
    return yield* new Rejected({
      kind: "unavailable",
      reason: "recovery is not configured on this daemon: set PLATFORM_REGION (or PLATFORM_API_URL), PLATFORM_CLIENT_ID and PLATFORM_CLIENT_SECRET"
    })
  }
  const repo = yield* RecoveryRepo
  const settings = yield* DaemonSettingsService
  const id = cmd.runId ?? `rec-${streamSeq}`
  const existing = yield* repo.get(id)
  if (Option.isSome(existing)) {
    if (existing.value.seq === streamSeq) return Option.none<RecoveryRun>()
    return yield* new Rejected({ kind: "conflict", field: "runId", reason: `recovery run ${JSON.stringify(id)} already exists (status ${existing.value.status})` })
  }
  let period: { from: string; to: string }
  let trigger: "manual" | "automatic" = "manual"
  if (cmd.from !== undefined && cmd.to !== undefined) period = { from: cmd.from, to: cmd.to }
  else {
    const mark = yield* repo.watermark()
    const p = automaticPeriod(
      Option.getOrUndefined(mark)?.at,
      Date.now(),
      settings.recoverySettleMinutes * 60_000,
      settings.recoveryLookBackHours * 3_600_000
    )
    if (p === undefined) return yield* new Rejected({ kind: "unavailable", reason: "nothing to recover yet: the watermark is already at now minus the settle delay" })
    period = p
    trigger = "automatic"
  }
  const run = newRun({
    id,
    trigger,
    ...period,
    mediaTypes: cmd.mediaTypes ?? TextMediaTypes,
    requestedBy: cmd.requestedBy ?? "unknown",
    seq: streamSeq,
    commandId: cmd.commandId
  })
  const created = yield* repo.create(run)
  if (Option.isNone(created)) return yield* new Rejected({ kind: "conflict", field: "runId", reason: `recovery run ${JSON.stringify(id)} already exists` })
  yield* recoveryEvent("queued", run)
  return Option.some(run)
})

/** The daemon's own automatic run (every N minutes). None when there is nothing to cover, or another daemon scheduled it. */
export const scheduleAutomatic = Effect.fn("Recovery.scheduleAutomatic")(function*() {
  const repo = yield* RecoveryRepo
  const settings = yield* DaemonSettingsService
  const runs = yield* repo.list()
  if (runs.some((r) => r.trigger === "automatic" && (r.status === "Queued" || r.status === "Running"))) return Option.none<RecoveryRun>()
  const mark = Option.getOrUndefined(yield* repo.watermark())
  const p = automaticPeriod(mark?.at, Date.now(), settings.recoverySettleMinutes * 60_000, settings.recoveryLookBackHours * 3_600_000)
  if (p === undefined) return Option.none<RecoveryRun>()
  const now = Date.now()
  const run = newRun({ id: automaticRunId(mark?.at, runs), trigger: "automatic", ...p, mediaTypes: TextMediaTypes, requestedBy: "automatic", seq: now })
  const created = yield* repo.create(run)
  if (Option.isSome(created)) yield* recoveryEvent("queued", run)
  return created
})
