import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import { Flag } from "effect/cli"
import { readFileSync } from "node:fs"
import { JobCreate, JobEstimateRequest, JobPreviewRequest } from "../domain/job.ts"
import { decodeStrict } from "../domain/validation.ts"
import { CliFailure } from "./output.ts"

/** Flags describing a job's scope, shared by `job estimate` and `job create`. */
export const scopeFlags = {
  file: Flag.File("file").pipe(Flag.withDescription("Read the whole command (JSON) from a file; other flags override its fields"), Flag.optional),
  name: Flag.String("name").pipe(Flag.withDescription("Job name"), Flag.optional),
  from: Flag.String("from").pipe(Flag.withDescription("dateStart, ISO-8601 (e.g. 2026-03-01T00:00:00Z)"), Flag.optional),
  to: Flag.String("to").pipe(Flag.withDescription("dateEnd, ISO-8601, exclusive"), Flag.optional),
  program: Flag.String("program").pipe(Flag.withDescription("Program id (repeatable)"), Flag.atLeast(0)),
  media: Flag.String("media").pipe(Flag.withDescription("Media type: voice, callback, chat, email, message (repeatable)"), Flag.atLeast(0)),
  dialect: Flag.String("dialect").pipe(Flag.withDescription("Dialect/language, e.g. en-us (repeatable)"), Flag.atLeast(0)),
  queue: Flag.String("queue").pipe(Flag.withDescription("Filter: queue id (repeatable)"), Flag.atLeast(0)),
  division: Flag.String("division").pipe(Flag.withDescription("Filter: division id (repeatable)"), Flag.atLeast(0)),
  direction: Flag.String("direction").pipe(Flag.withDescription("Filter: inbound or outbound (repeatable)"), Flag.atLeast(0)),
  agent: Flag.String("agent").pipe(Flag.withDescription("Filter: agent id (repeatable)"), Flag.atLeast(0)),
  minDuration: Flag.Int("min-duration-ms").pipe(Flag.withDescription("Filter: shortest duration, ms"), Flag.optional),
  maxDuration: Flag.Int("max-duration-ms").pipe(Flag.withDescription("Filter: longest duration, ms"), Flag.optional)
}

export const createFlags = {
  ...scopeFlags,
  description: Flag.String("description").pipe(Flag.optional),
  createdBy: Flag.String("created-by").pipe(Flag.withDescription("Who asks (default: $USER)"), Flag.optional),
  jobId: Flag.String("job-id").pipe(Flag.withDescription("Client-chosen job id"), Flag.optional),
  commandId: Flag.String("command-id").pipe(Flag.withDescription("Idempotency key (default: generated)"), Flag.optional)
}

type ScopeInput = { [K in keyof typeof scopeFlags]: (typeof scopeFlags)[K] extends Flag.Flag<infer A> ? A : never }
type CreateInput = { [K in keyof typeof createFlags]: (typeof createFlags)[K] extends Flag.Flag<infer A> ? A : never }

const put = (o: Record<string, unknown>, key: string, v: unknown) => {
  if (v === undefined || (Array.isArray(v) && v.length === 0)) return
  o[key] = v
}

const assemble = (f: ScopeInput): Record<string, unknown> => {
  const body: Record<string, unknown> = Option.match(f.file, {
    onNone: () => ({}),
    onSome: (path) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>
  })
  put(body, "name", Option.getOrUndefined(f.name))
  put(body, "dateStart", Option.getOrUndefined(f.from))
  put(body, "dateEnd", Option.getOrUndefined(f.to))
  put(body, "programs", f.program)
  put(body, "mediaTypes", f.media)
  put(body, "dialects", f.dialect)
  const filters: Record<string, unknown> = { ...(body["filters"] as Record<string, unknown> | undefined) }
  put(filters, "queues", f.queue)
  put(filters, "divisions", f.division)
  put(filters, "directions", f.direction)
  put(filters, "agents", f.agent)
  put(filters, "minDurationMs", Option.getOrUndefined(f.minDuration))
  put(filters, "maxDurationMs", Option.getOrUndefined(f.maxDuration))
  if (Object.keys(filters).length > 0) body["filters"] = filters
  return body
}

/** The fields of a `job.create` command that are no part of its scope (commandId, jobId, description, createdBy). */
const createOnlyKeys = Object.keys(JobCreate.fields).filter((k) => !(k in JobEstimateRequest.fields))

/**
 * Builds and validates (same schema as the daemon) an estimate request. A `--file` may hold a
 * whole `job.create` command: its fields that are not about the scope are left out.
 */
export const estimateBody = (f: ScopeInput) =>
  Effect.gen(function*() {
    const body = yield* Effect.try({ try: () => assemble(f), catch: (e) => new CliFailure(`--file: ${String(e)}`) })
    for (const k of createOnlyKeys) delete body[k]
    const r = decodeStrict(JobEstimateRequest)(body)
    if (Result.isFailure(r)) return yield* Effect.fail(new CliFailure(`invalid job scope: ${r.failure.reason}`))
    return body
  })

/** Builds and validates a `job.preview` request (the scope, and the sample's size). */
export const previewBody = (f: ScopeInput, sampleSize: number) =>
  Effect.gen(function*() {
    const body = yield* estimateBody(f)
    const withSample = { ...body, sampleSize }
    const r = decodeStrict(JobPreviewRequest)(withSample)
    if (Result.isFailure(r)) return yield* Effect.fail(new CliFailure(`invalid preview: ${r.failure.reason}`))
    return withSample
  })

/** Builds and validates a `job.create` command. */
export const createBody = (f: CreateInput) =>
  Effect.gen(function*() {
    const body = yield* Effect.try({ try: () => assemble(f), catch: (e) => new CliFailure(`--file: ${String(e)}`) })
    put(body, "description", Option.getOrUndefined(f.description))
    put(body, "createdBy", Option.getOrUndefined(f.createdBy) ?? body["createdBy"] ?? process.env["USER"] ?? "cli")
    put(body, "jobId", Option.getOrUndefined(f.jobId))
    put(body, "commandId", Option.getOrUndefined(f.commandId) ?? body["commandId"] ?? `cli-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`)
    const r = decodeStrict(JobCreate)(body)
    if (Result.isFailure(r)) return yield* Effect.fail(new CliFailure(`invalid job: ${r.failure.reason}`))
    return body
  })
