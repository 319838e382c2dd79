import * as Schema from "effect/Schema"
import { MediaType, MediaTypeLiteral, TextMediaTypeNames, TextMediaTypes } from "./media.ts"
import { IsoInstant } from "./time.ts"
import { fieldsIssue } from "./validation.ts"

/** Longest period one recovery run may cover (the platform's analytics interval limit is 31 days). */
export const MaxRecoveryPeriodDays = 31

const Id = Schema.String.pipe(
  Schema.check(
    Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/u, {
      message: "expected 1-128 characters: letters, digits, '-' or '_', not starting with '-' or '_'"
    })
  )
)

/** Both ends of a manual period, or neither; the refusal names the missing one. */
const checkBothEnds = Schema.makeFilter(
  (c: { from?: string; to?: string }) =>
    (c.from === undefined) === (c.to === undefined)
      ? true
      : fieldsIssue(
        [c.from === undefined ? "from" : "to"],
        "give both from and to (a manual period), or neither (the automatic period from the watermark)"
      ),
  { toJsonSchema: () => ({ dependentRequired: { from: ["to"], to: ["from"] } }) }
)

const checkPeriod = Schema.makeFilter(
  (c: { from?: string; to?: string }) => {
    if (c.from === undefined || c.to === undefined) return true
    const from = Date.parse(c.from)
    const to = Date.parse(c.to)
    if (!(from < to)) return fieldsIssue(["from", "to"], `from (${c.from}) must be before to (${c.to})`)
    if (to - from > MaxRecoveryPeriodDays * 86_400_000) {
      return fieldsIssue(["from", "to"], `the period is longer than ${MaxRecoveryPeriodDays} days: split it into several runs`)
    }
    if (to > Date.now() + 60_000) return fieldsIssue(["to"], `to (${c.to}) is in the future`)
    return true
  },
  // not expressible in JSON Schema: said in words, the published schema a looser approximation
  { description: `from < to, at most ${MaxRecoveryPeriodDays} days apart, to not in the future`, toJsonSchema: () => [{}, true] }
)

/** `rewind.cmd.recovery.run` */
export const RecoveryRunCommand = Schema.Struct({
  commandId: Schema.optionalKey(Id),
  runId: Schema.optionalKey(Id),
  from: Schema.optionalKey(IsoInstant),
  to: Schema.optionalKey(IsoInstant),
  /** Text media types to recover (default: chat, email, message). Voice is out of scope. */
  mediaTypes: Schema.optionalKey(
    Schema.Array(MediaType).pipe(
      Schema.check(
        Schema.isMinLength(1, { message: "select at least one media type" }),
        Schema.makeFilter(
          (ms: ReadonlyArray<string>) => {
            const bad = ms.filter((m) => !TextMediaTypes.includes(m as never))
            return bad.length === 0
              ? true
              : `recovery covers text conversations only (chat, email, message); not ${bad.join(", ")}`
          },
          { toJsonSchema: () => ({ items: { enum: TextMediaTypeNames } }) }
        )
      )
    )
  ),
  requestedBy: Schema.optionalKey(Schema.String.pipe(Schema.check(Schema.isMaxLength(200))))
}).pipe(Schema.check(checkBothEnds, checkPeriod))
export type RecoveryRunCommand = typeof RecoveryRunCommand.Type

export const RecoveryStatus = Schema.Literals(["Queued", "Running", "Completed", "Failed"])
export type RecoveryStatus = typeof RecoveryStatus.Type

export const RecoveryCounts = Schema.Struct({
  /** Conversations the platform has in the period. */
  platform: Schema.Int,
  /** Of those, already in the store. */
  store: Schema.Int,
  /** Missing from the store (text only). */
  missing: Schema.Int,
  recovered: Schema.Int,
  /**
   * Not fetchable yet: content still being prepared by the platform (HTTP 202), a recording not
   * available yet, or the conversation still open on the platform (no `conversationEnd`: a long
   * email or messaging thread). Kept on the pending list, retried by every later run.
   */
  pending: Schema.Int,
  failed: Schema.Int
})
export type RecoveryCounts = typeof RecoveryCounts.Type

export const zeroCounts = (): RecoveryCounts => ({ platform: 0, store: 0, missing: 0, recovered: 0, pending: 0, failed: 0 })

/** A recovery run as it reads back (KV value, `recovery.get`, events). */
export const RecoveryRun = Schema.Struct({
  id: Schema.String,
  trigger: Schema.Literals(["manual", "automatic"]),
  from: Schema.String,
  to: Schema.String,
  mediaTypes: Schema.Array(MediaTypeLiteral),
  status: RecoveryStatus,
  requestedBy: Schema.String,
  dateCreated: Schema.String,
  dateStarted: Schema.optionalKey(Schema.String),
  dateCompleted: Schema.optionalKey(Schema.String),
  /** Counts per media type (`voice` counted on the platform side only). */
  counts: Schema.Record(Schema.String, RecoveryCounts),
  totals: RecoveryCounts,
  /**
   * Conversations from earlier runs' pending list this one asked for again (not counted in
   * `platform` or `missing`; their outcomes are in `recovered`, `pending`, `failed`): so
   * recovered + pending + failed = missing + retriedPending.
   */
  retriedPending: Schema.Int,
  platformCalls: Schema.Int,
  /** Why conversations failed (the first 100), each `<conversation id>: <reason>`. */
  errors: Schema.Array(Schema.String),
  /**
   * Why conversations were left pending (the first 100), e.g. a recording ARCHIVED or still being
   * prepared: later runs retry them.
   */
  pendingReasons: Schema.optionalKey(Schema.Array(Schema.String)),
  errorMessage: Schema.optionalKey(Schema.String),
  commandId: Schema.optionalKey(Schema.String),
  /** Daemon instance running it, and when it last said so. */
  owner: Schema.optionalKey(Schema.String),
  heartbeatAt: Schema.optionalKey(Schema.String),
  seq: Schema.Int
})
export type RecoveryRun = typeof RecoveryRun.Type

/** The automatic runs' durable position: everything before `at` has been covered. */
export const Watermark = Schema.Struct({ at: Schema.String, runId: Schema.String, updatedAt: Schema.String })
export type Watermark = typeof Watermark.Type

/**
 * An automatic run's id: named after the watermark it starts from (`auto-20261205T101500Z`;
 * `auto-first` before any), with `-2`, `-3`, … for the tries after a failed one (the watermark
 * stays until a run completes). Every daemon scheduling from the same watermark picks the same id,
 * so creating the run decides which one schedules it: daemons started together (a rollout)
 * schedule one run, not one each.
 */
export const automaticRunId = (watermarkAt: string | undefined, runs: ReadonlyArray<Pick<RecoveryRun, "id">>): string => {
  const base = watermarkAt === undefined ? "auto-first" : `auto-${new Date(watermarkAt).toISOString().replace(/[-:]|\.\d+/g, "")}`
  let last = 0
  for (const r of runs) {
    if (r.id === base) last = Math.max(last, 1)
    else if (r.id.startsWith(`${base}-`) && /^\d+$/.test(r.id.slice(base.length + 1))) last = Math.max(last, Number(r.id.slice(base.length + 1)))
  }
  return last === 0 ? base : `${base}-${last + 1}`
}

/** The automatic period: [watermark, now − settle), or a look-back when there is no watermark. */
export const automaticPeriod = (
  watermark: string | undefined,
  nowMs: number,
  settleMs: number,
  lookBackMs: number
): { from: string; to: string } | undefined => {
  const to = nowMs - settleMs
  const from = watermark === undefined ? to - lookBackMs : Date.parse(watermark)
  if (!(from < to)) return undefined
  const capped = Math.min(to, from + MaxRecoveryPeriodDays * 86_400_000)
  return { from: new Date(from).toISOString(), to: new Date(capped).toISOString() }
}

/** `rewind.ingest.conversation`: a completed conversation to ingest (live ingestion). */
export const IngestEvent = Schema.Struct({
  conversationId: Schema.NonEmptyString.pipe(Schema.check(Schema.isMaxLength(200))),
  /** Narrows the platform query to the conversation's start (recommended with id-only events). */
  conversationStart: Schema.optionalKey(IsoInstant),
  /** The conversation as the platform's analytics details give it (then no query is needed). */
  conversation: Schema.optionalKey(Schema.Unknown)
})
export type IngestEvent = typeof IngestEvent.Type

/** Live ingestion's durable position: the latest conversation end ingested. */
export const IngestWatermark = Schema.Struct({ at: Schema.String, conversationId: Schema.String, updatedAt: Schema.String })
export type IngestWatermark = typeof IngestWatermark.Type
