import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import { Argument, Command, Flag } from "effect/cli"
import type { RecoveryCounts, RecoveryRun } from "../domain/recovery.ts"
import { terminalSafe as safe } from "../domain/terminalText.ts"
import { RecoveryRunCommand } from "../domain/recovery.ts"
import { decodeStrict } from "../domain/validation.ts"
import { requestApi } from "../nats/Service.ts"
import { NatsClientLayer, publishCommand } from "../client/natsClient.ts"
import { listenForRejection } from "./commandOutcome.ts"
import { CliFailure, emit, table } from "./output.ts"

const json = Flag.Boolean("json").pipe(Flag.withDescription("Machine-readable JSON output"), Flag.withDefault(false))
const withNats = Effect.provide(NatsClientLayer)

const countsLine = (c: RecoveryCounts) =>
  `platform ${c.platform}, in store ${c.store}, missing ${c.missing}, recovered ${c.recovered}, pending ${c.pending}, failed ${c.failed}`

const describeRun = (r: RecoveryRun) =>
  [
    `${r.id}  ${r.status}  (${r.trigger}, by ${safe(r.requestedBy)})`,
    `period      ${r.from} → ${r.to}`,
    `media       ${r.mediaTypes.join(", ")}`,
    `totals      ${countsLine(r.totals)}`,
    ...Object.entries(r.counts).sort().map(([m, c]) => `  ${m.padEnd(9)} ${countsLine(c)}`),
    r.retriedPending > 0 ? `retried     ${r.retriedPending} pending from earlier runs` : "",
    `platform    ${r.platformCalls} calls`,
    r.dateStarted ? `started     ${r.dateStarted}` : "",
    r.dateCompleted ? `completed   ${r.dateCompleted}` : "",
    r.errorMessage ? `error       ${safe(r.errorMessage)}` : "",
    ...r.errors.slice(0, 5).map((e) => `  ! ${safe(e)}`),
    ...(r.pendingReasons ?? []).slice(0, 5).map((p) => `  … ${safe(p)}`)
  ].filter((l) => l !== "").join("\n")

/**
 * Follows a run until it ends (polls `recovery.get`); `rejection`: a refusal of its command heard by
 * a listener started before the command was published (commandOutcome.ts `listenForRejection`).
 */
const watchRun = (runId: string, commandId: string, quiet: boolean, rejection: () => string | undefined) =>
  Effect.gen(function*() {
    for (;;) {
      const rejected = rejection()
      if (rejected !== undefined) return yield* Effect.fail(new CliFailure(`the command was rejected: ${rejected}`))
      const got = yield* requestApi("recovery.get", { runId }).pipe(Effect.option)
      if (Option.isSome(got)) {
        const r = got.value as RecoveryRun
        // A run of this id asked for by another command is an older one (this command is refused),
        // though its end may show before the refusal's event arrives.
        if (r.commandId !== commandId) {
          return yield* Effect.fail(new CliFailure(`recovery run ${JSON.stringify(runId)} already exists (${r.status}), asked for by another command: this one is refused (choose another --run-id)`))
        }
        if (!quiet && process.stdout.isTTY) process.stdout.write(`\r\x1b[2K${safe(`${r.id}  ${r.status}  ${countsLine(r.totals)}`)}`)
        if (r.status === "Completed" || r.status === "Failed") {
          if (!quiet && process.stdout.isTTY) process.stdout.write("\n")
          return r
        }
      }
      yield* Effect.sleep("500 millis")
    }
  })

const runCmd = Command.make("run", {
  from: Flag.String("from").pipe(Flag.withDescription("Start of the period (ISO); with --to. Omit both for the automatic period"), Flag.optional),
  to: Flag.String("to").pipe(Flag.withDescription("End of the period (ISO, exclusive)"), Flag.optional),
  media: Flag.String("media").pipe(Flag.withDescription("chat, email or message (repeatable; default all three)"), Flag.atLeast(0)),
  runId: Flag.String("run-id").pipe(Flag.optional),
  wait: Flag.Boolean("wait").pipe(Flag.withDescription("Follow the run until it ends"), Flag.withDefault(false)),
  json
}, (f) =>
  Effect.gen(function*() {
    const commandId = `cli-rec-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
    const body: Record<string, unknown> = { commandId, requestedBy: process.env["USER"] ?? "cli" }
    if (Option.isSome(f.from)) body["from"] = f.from.value
    if (Option.isSome(f.to)) body["to"] = f.to.value
    if (f.media.length > 0) body["mediaTypes"] = f.media
    if (Option.isSome(f.runId)) body["runId"] = f.runId.value
    const checked = decodeStrict(RecoveryRunCommand)(body)
    if (Result.isFailure(checked)) return yield* Effect.fail(new CliFailure(`invalid recovery run: ${checked.failure.reason}`))
    yield* Effect.gen(function*() {
      // Listening before the command goes out: a refusal quicker than the watch is not missed.
      const listener = f.wait ? yield* listenForRejection(commandId) : () => undefined
      const ack = yield* publishCommand("recovery.run", body)
      // This command's refusal, not one of an earlier command sent under the same id.
      const rejection = () => listener(ack.seq)
      const runId = Option.getOrElse(f.runId, () => `rec-${ack.seq}`)
      if (!f.wait) {
        return yield* emit(f.json, { runId, commandId, streamSeq: ack.seq }, () =>
          `published recovery.run (stream seq ${ack.seq}): run ${runId}\nfollow it with: rewind recovery show ${runId}`)
      }
      const r = yield* watchRun(runId, commandId, f.json, rejection)
      yield* emit(f.json, r, () => describeRun(r))
      if (r.status !== "Completed") return yield* Effect.fail(new CliFailure(`recovery run ${runId} ${r.status}`))
    }).pipe(Effect.scoped, withNats)
  })).pipe(Command.withDescription("Recover the text conversations the store is missing for a period (rewind.cmd.recovery.run)"))

const list = Command.make("list", { json }, (f) =>
  Effect.gen(function*() {
    const r = (yield* requestApi("recovery.list", {})) as { runs: Array<RecoveryRun>; watermark: { at: string; runId: string } | null }
    yield* emit(f.json, r, () =>
      (r.watermark ? `watermark ${r.watermark.at} (run ${r.watermark.runId})\n\n` : "no watermark yet (no automatic run has completed)\n\n") +
      (r.runs.length === 0 ? "no recovery runs" : table(
        ["ID", "TRIGGER", "STATUS", "FROM", "TO", "PLATFORM", "MISSING", "RECOVERED", "PENDING", "FAILED"],
        r.runs.map((x) => [x.id, x.trigger, x.status, x.from.slice(0, 16), x.to.slice(0, 16), String(x.totals.platform),
          String(x.totals.missing), String(x.totals.recovered), String(x.totals.pending), String(x.totals.failed)])
      )))
  }).pipe(withNats)).pipe(Command.withDescription("List recovery runs and the automatic watermark"))

const show = Command.make("show", { runId: Argument.String("run-id"), json }, (f) =>
  Effect.gen(function*() {
    const r = (yield* requestApi("recovery.get", { runId: f.runId })) as RecoveryRun
    yield* emit(f.json, r, () => describeRun(r))
  }).pipe(withNats)).pipe(Command.withDescription("Show a recovery run with its counts per media type"))

export const recoveryCommand = Command.make("recovery").pipe(
  Command.withDescription("Digital interaction recovery: bring back text conversations the store lost"),
  Command.withSubcommands([runCmd, list, show])
)

