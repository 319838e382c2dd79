import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Argument, Command, Flag } from "effect/cli"
import { DefaultPreviewSample } from "../domain/job.ts"
import type { PreviewAnswer } from "../domain/preview.ts"
import { writeFileSync } from "node:fs"
import { terminalSafe as safe } from "../domain/terminalText.ts"
import { getExport } from "../nats/Exports.ts"
import { Nats } from "../nats/Nats.ts"
import { ApiError, requestApi } from "../nats/Service.ts"
import { NatsClientLayer, publishCommand } from "../client/natsClient.ts"
import { createBody, createFlags, estimateBody, previewBody, scopeFlags } from "./jobFlags.ts"
import { awaitCommandOutcome, CommandOutcomeWaitMs, commandsWaiting, listenForRejection } from "./commandOutcome.ts"
import { bar, CliFailure, emit, jsonText, table, whileWaiting } from "./output.ts"
import { watchJob } from "./watch.ts"

const json = Flag.Boolean("json").pipe(Flag.withDescription("Machine-readable JSON output"), Flag.withDefault(false))
const jobIdArg = Argument.String("job-id").pipe(Argument.withDescription("The job's id"))

type AnyJob = Record<string, any>

/** NATS is connected only once the input is known to be valid. */
const withNats = Effect.provide(NatsClientLayer)

const estimate = Command.make("estimate", { ...scopeFlags, json }, (f) =>
  Effect.gen(function*() {
    const body = yield* estimateBody(f)
    const e = (yield* requestApi("job.estimate", body).pipe(withNats)) as AnyJob
    yield* emit(f.json, e, () =>
      [
        `interactions in scope: ${e.interactionCount.toLocaleString("en-US")} (limit ${e.limit.toLocaleString("en-US")})`,
        e.exceedsLimit ? "  ! over the limit: narrow the filters or split the job" : "",
        `model revision ${e.modelRevision}, ${e.scopeTopicCount} scope topics`,
        `quota ${e.quota.month}: used ${e.quota.used}, free quota ${e.quota.freeQuota}, this job: ${e.quota.free} free, ${e.quota.billable} billable${e.quota.billingEnabled ? "" : " (billing off)"}`
      ].filter((l) => l !== "").join("\n"))
  })).pipe(Command.withDescription("Exact in-scope interaction count and quota impact of a job, before creating it"))

const preview = Command.make("preview", {
  ...scopeFlags,
  sample: Flag.Int("sample").pipe(Flag.withDescription("Interactions to sample (1-2,000)"), Flag.withDefault(DefaultPreviewSample)),
  json
}, (f) =>
  Effect.gen(function*() {
    const body = yield* previewBody(f, f.sample)
    const p = (yield* requestApi("job.preview", body, 120_000).pipe(whileWaiting("previewing a sample of the scope", 120_000), withNats)) as PreviewAnswer
    yield* emit(f.json, p, () => {
      const n = (x: number) => x.toLocaleString("en-US")
      const lines = [
        `interactions in scope: ${n(p.interactionCount)} (model revision ${p.modelRevision}, ${p.scopeTopicCount} scope topics)`,
        `sample of ${n(p.sampleSize)}: updated ${p.sample.updated}, unchanged ${p.sample.unchanged}, failed ${p.sample.failed}`,
        `predicted for the job: updated ~${n(p.predicted.updated)}, unchanged ~${n(p.predicted.unchanged)}, failed ~${n(p.predicted.failed)}`,
        ""
      ]
      if (p.topics.length > 0) {
        lines.push(table(["TOPIC", "NAME", "BLOCKS GAINING", "BLOCKS LOSING"], p.topics.map((t) => [t.topicId, t.name, String(t.gained), String(t.lost)])))
      }
      for (const e of p.examples) {
        lines.push("", `${e.interactionId} ${e.transcriptId}#${e.blockIndex} (${e.participant}): ${e.text}`, `  ${e.before.join(", ") || "(none)"} → ${e.after.join(", ") || "(none)"}`)
      }
      return lines.join("\n")
    })
  })).pipe(Command.withDescription("Impact preview: run detection on a sample of the scope (nothing written) and predict the job's outcomes"))

const create = Command.make("create", {
  ...createFlags,
  wait: Flag.Boolean("wait").pipe(Flag.withDescription("Watch the job until it ends"), Flag.withDefault(false)),
  json
}, (f) =>
  Effect.gen(function*() {
    const body = yield* createBody(f)
    yield* Effect.gen(function*() {
    // Listening before the command goes out: a refusal quicker than the watch is not missed.
    const listener = f.wait ? yield* listenForRejection(String(body["commandId"])) : undefined
    const ack = yield* publishCommand("job.create", body)
    // This command's refusal, not one of an earlier command sent under the same id.
    const rejection = listener === undefined ? undefined : () => listener(ack.seq)
    // A duplicate's sequence is the identical command's, so is `job-<seq>`.
    const jobId = typeof body["jobId"] === "string" ? body["jobId"] : `job-${ack.seq}`
    const published = ack.duplicate
      ? `job.create not published again: a duplicate of an identical command (same commandId and body) published moments ago (stream seq ${ack.seq})`
      : `published job.create (stream seq ${ack.seq})`
    if (!f.wait) {
      return yield* emit(f.json, { jobId, commandId: body["commandId"], streamSeq: ack.seq, duplicate: ack.duplicate }, () =>
        `${published}: job ${jobId}\nfollow it with: rewind job watch ${jobId}`)
    }
    if (ack.duplicate) {
      if (!f.json) yield* Console.log(published)
      // That command's refusal may have come before this listener: once a daemon processed it, its job exists or it was refused.
      const settled = yield* awaitCommandOutcome(ack.seq, rejection ?? (() => undefined))
      if (settled._tag === "rejected") return yield* Effect.fail(new CliFailure(`the command was rejected: ${settled.reason}`))
      const missing = settled._tag === "accepted" && (yield* requestApi("job.get", { jobId }).pipe(
        Effect.as(false),
        Effect.catch((e) => Effect.succeed(e instanceof ApiError && e.code === 404))
      ))
      if (missing) {
        return yield* Effect.fail(new CliFailure(
          `job.create not published again: the identical command published moments ago (stream seq ${ack.seq}) made no job ${JSON.stringify(jobId)} (it was refused, or the job deleted since)`
        ))
      }
    }
    const final = yield* watchJob(jobId, { commandId: String(body["commandId"]), creates: true, quiet: f.json, ...(rejection ? { rejection } : {}) })
    yield* emit(f.json, final, () => `job ${jobId}: ${final["jobStatus"]}`)
    if (final["jobStatus"] !== "Completed") return yield* Effect.fail(new CliFailure(`job ${jobId} ended ${final["jobStatus"]}`))
    }).pipe(Effect.scoped, withNats)
  })).pipe(Command.withDescription("Publish a reprocessing job (rewind.cmd.job.create)"))

const list = Command.make("list", {
  status: Flag.Literals("status", ["Proposed", "Queued", "InProgress", "Completed", "Failed", "Cancelled"]).pipe(Flag.optional),
  name: Flag.String("name").pipe(Flag.withDescription("Only jobs whose name contains this (any case)"), Flag.optional),
  page: Flag.Int("page").pipe(Flag.withDescription("Page number, from 1 (newest jobs first)"), Flag.withDefault(1)),
  pageSize: Flag.Int("page-size").pipe(Flag.withDescription("Jobs per page (1-1000)"), Flag.withDefault(25)),
  oldestFirst: Flag.Boolean("oldest-first").pipe(Flag.withDescription("Sort by creation, oldest first"), Flag.withDefault(false)),
  json
}, (f) =>
  Effect.gen(function*() {
    const query = {
      ...Option.match(f.status, { onNone: () => ({}), onSome: (status) => ({ status }) }),
      ...Option.match(f.name, { onNone: () => ({}), onSome: (name) => ({ name }) }),
      pageNumber: f.page,
      pageSize: f.pageSize,
      sortOrder: f.oldestFirst ? "asc" : "desc"
    }
    const r = (yield* requestApi("job.list", query)) as { entities: Array<AnyJob>; total: number; pageNumber: number; pageCount: number }
    yield* emit(f.json, r, () =>
      r.entities.length === 0 ? (r.total === 0 ? "no jobs" : `no jobs on page ${r.pageNumber} (${r.pageCount} pages)`) : table(
        ["ID", "NAME", "STATUS", "QUEUE", "PROGRESS", "PROCESSED", "FAILED", "CREATED"],
        r.entities.map((j) => [
          j.id, String(j.name).slice(0, 30), j.jobStatus, j.jobStatus === "Queued" ? `#${j.queueOrder}` : "-",
          `${j.percentComplete.toFixed(1)}%`, `${j.processedInteractionsCount}/${j.totalInteractionsCount}`,
          String(j.failedInteractionsCount), String(j.dateCreated).slice(0, 19)
        ])
      ) + (r.pageCount > 1 ? `\npage ${r.pageNumber} of ${r.pageCount} (${r.total} jobs): --page N for more` : ""))
  }).pipe(withNats)).pipe(Command.withDescription("List jobs"))

const show = Command.make("show", { jobId: jobIdArg, json }, (f) =>
  Effect.gen(function*() {
    const j = (yield* requestApi("job.get", { jobId: f.jobId })) as AnyJob
    yield* emit(f.json, j, () =>
      [
        `${safe(j.id)}  ${safe(j.name)}`,
        `status      ${j.jobStatus}${j.jobStatus === "Queued" ? ` #${j.queueOrder} ${safe(j.waitingOn ?? "")}` : ""}`,
        `progress    ${bar(j.percentComplete)} ${j.processedInteractionsCount}/${j.totalInteractionsCount}`,
        `outcomes    updated ${j.updatedInteractionsCount}, unchanged ${j.unchangedInteractionsCount}, failed ${j.failedInteractionsCount}`,
        `range       ${j.dateStart} → ${j.dateEnd}`,
        `programs    ${safe(j.programs.join(", "))}`,
        `media       ${j.mediaTypes.join(", ")}${j.dialects ? `   dialects ${safe(j.dialects.join(", "))}` : ""}`,
        j.filters ? `filters     ${safe(JSON.stringify(j.filters))}` : "",
        `model       revision ${j.modelRevision ?? "(pinned at start)"}`,
        `created     ${j.dateCreated} by ${safe(j.createdBy)}`,
        j.dateStarted ? `started     ${j.dateStarted}` : "",
        j.dateCompleted ? `completed   ${j.dateCompleted}` : "",
        j.errorMessage ? `error       ${safe(j.errorMessage)}` : "",
        j.export ? `export      ${j.export.bucket}/${j.export.name} (${j.export.rows} rows)` : ""
      ].filter((l) => l !== "").join("\n"))
  }).pipe(withNats)).pipe(Command.withDescription("Show a job's details"))

const watch = Command.make("watch", { jobId: jobIdArg, json }, (f) =>
  Effect.gen(function*() {
    const final = yield* watchJob(f.jobId, { quiet: f.json })
    if (f.json) yield* Console.log(jsonText(final))
    if (final["jobStatus"] !== "Completed") return yield* Effect.fail(new CliFailure(`job ${f.jobId} ended ${final["jobStatus"]}`))
  }).pipe(withNats)).pipe(Command.withDescription("Follow a job's progress until it ends (progress bar)"))

type RefName = "cancel" | "delete" | "confirm" | "retry" | "revert"

/**
 * Publishes `job.<name>` for a job, after looking it up (`job.get`): a job that does not exist
 * fails here, saying so, with nothing published — unless earlier commands still wait for a daemon
 * (its `job.create` may be among them): then the command is published and the daemon's answer
 * decides. A refusal of the command (no such job, a job in the wrong state for it, gone meanwhile)
 * arriving within `CommandOutcomeWaitMs` fails, with its reason. With no daemon answering, the job
 * cannot be looked up: the command is published anyway (commands are durable; the daemon that
 * starts processes it, or refuses it).
 */
const sendJobCommand = (name: RefName, jobId: string, extra: Record<string, unknown> = {}) =>
  Effect.gen(function*() {
    const nats = yield* Nats
    const commandId = `cli-${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
    const listener = yield* listenForRejection(commandId)
    const lookup = yield* requestApi("job.get", { jobId }).pipe(
      Effect.as("found" as const),
      Effect.catch((e): Effect.Effect<"missing" | "unchecked", ApiError> =>
        e instanceof ApiError
          ? (e.code === 404 ? Effect.succeed("missing" as const) : Effect.fail(e))
          // NatsError: no daemon answers (not running, or busy past the timeout)
          : Effect.succeed("unchecked" as const))
    )
    if (lookup === "missing" && !(yield* commandsWaiting)) {
      return yield* Effect.fail(new CliFailure(`no job ${JSON.stringify(jobId)} (rewind job list shows the jobs there are)`))
    }
    const checked = lookup !== "unchecked"
    const publishedAt = Date.now()
    const ack = yield* publishCommand(`job.${name}`, { jobId, ...extra, commandId })
    const rejection = () => listener(ack.seq)
    const settled = checked ? yield* awaitCommandOutcome(ack.seq, rejection) : undefined
    if (settled?._tag === "rejected") {
      return yield* Effect.fail(new CliFailure(`job.${name} for ${JSON.stringify(jobId)} was refused: ${settled.reason}`))
    }
    const status = settled === undefined ? "unchecked" as const : settled._tag
    const text = `published job.${name} for ${jobId} (stream seq ${ack.seq}): ` + (
      status === "accepted"
        ? "accepted"
        : status === "pending"
        ? `no daemon has processed it within ${(settled?._tag === "pending" ? settled.waitedMs : CommandOutcomeWaitMs) / 1000} s; a refusal is announced on ${nats.names.evt("command.rejected")}`
        : "no daemon answered, so the job was not looked up; the daemon that starts processes the command (or refuses it)"
    )
    return { commandId, streamSeq: ack.seq, status, text, rejection, publishedAt }
  })

const refCommand = (name: "cancel" | "delete" | "confirm", description: string) =>
  Command.make(name, { jobId: jobIdArg, json }, (f) =>
    Effect.gen(function*() {
      const sent = yield* sendJobCommand(name, f.jobId)
      yield* emit(f.json, { jobId: f.jobId, commandId: sent.commandId, streamSeq: sent.streamSeq, status: sent.status }, () => sent.text)
    }).pipe(Effect.scoped, withNats)).pipe(Command.withDescription(description))

const retry = Command.make("retry", {
  jobId: jobIdArg,
  wait: Flag.Boolean("wait").pipe(Flag.withDescription("Watch the job until it ends"), Flag.withDefault(false)),
  json
}, (f) =>
  Effect.gen(function*() {
    const sent = yield* sendJobCommand("retry", f.jobId)
    if (!f.wait) {
      return yield* emit(f.json, { jobId: f.jobId, commandId: sent.commandId, streamSeq: sent.streamSeq, status: sent.status }, () =>
        `${sent.text}\nit continues from its checkpoint; follow it with: rewind job watch ${f.jobId}`)
    }
    const final = yield* watchJob(f.jobId, { commandId: sent.commandId, rejection: sent.rejection, quiet: f.json, restartedAt: sent.publishedAt })
    yield* emit(f.json, final, () => `job ${f.jobId}: ${final["jobStatus"]}`)
    if (final["jobStatus"] !== "Completed") return yield* Effect.fail(new CliFailure(`job ${f.jobId} ended ${final["jobStatus"]}`))
  }).pipe(Effect.scoped, withNats)).pipe(Command.withDescription(
    "Continue a Failed or Cancelled job from its checkpoint, with the same version: its outcomes equal an undisturbed run's (rewind.cmd.job.retry)"
  ))

const revert = Command.make("revert", {
  jobId: jobIdArg,
  revertId: Flag.String("revert-id").pipe(Flag.withDescription("The revert operation's id (default revert-<job-id>)"), Flag.optional),
  wait: Flag.Boolean("wait").pipe(Flag.withDescription("Watch the revert until it ends"), Flag.withDefault(false)),
  json
}, (f) =>
  Effect.gen(function*() {
    const revertId = Option.getOrElse(f.revertId, () => `revert-${f.jobId}`)
    const sent = yield* sendJobCommand("revert", f.jobId, { revertId, createdBy: process.env["USER"] ?? "cli" })
    if (!f.wait) {
      return yield* emit(f.json, { jobId: f.jobId, revertId, commandId: sent.commandId, streamSeq: sent.streamSeq, status: sent.status }, () =>
        `${sent.text}\nthe revert runs as job ${revertId}; follow it with: rewind job watch ${revertId}`)
    }
    const final = yield* watchJob(revertId, { commandId: sent.commandId, creates: true, quiet: f.json, rejection: sent.rejection })
    yield* emit(f.json, final, () => {
      const c = (final as Record<string, any>)["revertCounts"] as { blocksReverted: number; blocksInConflict: number } | undefined
      return `revert ${revertId}: ${final["jobStatus"]}` +
        (c ? `, ${c.blocksReverted} blocks put back as they were, ${c.blocksInConflict} left alone (a later job changed them)` : "")
    })
    if (final["jobStatus"] !== "Completed") return yield* Effect.fail(new CliFailure(`revert ${revertId} ended ${final["jobStatus"]}`))
  }).pipe(Effect.scoped, withNats)).pipe(Command.withDescription(
  "Undo a completed job's topic changes, block by block, except blocks a later job changed since (rewind.cmd.job.revert)"
))

const exportCmd = Command.make("export", {
  jobId: jobIdArg,
  out: Flag.String("out").pipe(Flag.withDescription("Write the CSV to this path"), Flag.optional),
  withPrevious: Flag.Boolean("with-previous").pipe(
    Flag.withDescription("The before/after export: also each interaction's previous topics and the topics it lost"),
    Flag.withDefault(false)
  ),
  json
}, (f) =>
  Effect.gen(function*() {
    // The before/after export is written on its first request: give it time.
    const info = (f.withPrevious
      ? yield* requestApi("job.export", { jobId: f.jobId, withPrevious: true }, 300_000).pipe(whileWaiting("writing the before/after export", 300_000))
      : yield* requestApi("job.export", { jobId: f.jobId })) as AnyJob
    if (Option.isSome(f.out)) {
      const bytes = yield* getExport(info.name)
      if (Option.isNone(bytes)) return yield* Effect.fail(new CliFailure(`export object ${info.name} not found in ${info.bucket}`))
      writeFileSync(f.out.value, bytes.value)
    }
    yield* emit(f.json, { ...info, ...(Option.isSome(f.out) ? { writtenTo: f.out.value } : {}) }, () =>
      `export of ${f.jobId}: object store ${info.bucket}, object ${info.name} (${info.rows} impacted interactions, ${info.size} bytes)` +
      (Option.isSome(f.out)
        ? `\nwritten to ${f.out.value}`
        : `\nfetch it with: nats object get ${info.bucket} ${info.name}  (or rewind job export ${f.jobId}${f.withPrevious ? " --with-previous" : ""} --out FILE)`))
  }).pipe(withNats)).pipe(Command.withDescription("Where a completed job's CSV export is; --out downloads it"))

export const jobCommand = Command.make("job").pipe(
  Command.withDescription("Reprocessing jobs: estimate, preview, create, follow, cancel, retry, revert, delete, export"),
  Command.withSubcommands([
    estimate,
    preview,
    create,
    list,
    show,
    watch,
    refCommand("cancel", "Cancel a queued or running job (rewind.cmd.job.cancel)"),
    refCommand("delete", "Delete a job, its results and export (rewind.cmd.job.delete)"),
    refCommand("confirm", "Queue a job proposed after a topic model push (rewind.cmd.job.confirm)"),
    retry,
    revert,
    exportCmd
  ])
)
