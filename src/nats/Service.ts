import { Svcm, type ServiceMsg } from "@nats-io/services"
import { errors as natsErrors } from "@nats-io/transport-node"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberSet from "effect/FiberSet"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { decodeUtf8 } from "../domain/utf8.ts"
import { Nats, NatsError, natsError } from "./Nats.ts"

/** A refusal the caller should see: `code` follows HTTP (400 bad request, 404 not found, ...). */
export class ApiError extends Schema.TaggedError<ApiError>()("ApiError", {
  code: Schema.Number,
  message: Schema.String
}) {}

export interface Endpoint<R = never> {
  /** Dotted name, e.g. "job.get"; listens on `${prefix}.api.job.get`. */
  readonly name: string
  readonly handler: (body: unknown) => Effect.Effect<unknown, ApiError, R>
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

const errorBody = (code: number, message: string): Uint8Array =>
  encoder.encode(JSON.stringify({ error: { code, message } }))

/** Service endpoint names are single tokens: "job.get" → "job_get". */
const endpointName = (name: string): string => name.replace(/[^A-Za-z0-9_-]/g, "_")

/** An empty body means "no parameters" (`nats req rewind.api.status ""`). Bytes that are not UTF-8 are refused. */
const parseBody = (data: Uint8Array): { ok: true; body: unknown } | { ok: false; message: string } => {
  const text = decodeUtf8(data)
  if (Result.isFailure(text)) return { ok: false, message: `request body is not valid JSON: ${text.failure}` }
  if (text.success.trim() === "") return { ok: true, body: {} }
  try {
    return { ok: true, body: JSON.parse(text.success) }
  } catch (e) {
    return { ok: false, message: `request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}` }
  }
}

const respondError = (msg: ServiceMsg, code: number, message: string) =>
  Effect.sync(() => msg.respondError(code, message.replace(/[\r\n]+/g, " ").slice(0, 1024), errorBody(code, message)))

/** Runs one request to completion and answers it, whatever happens. */
const answer = <R>(endpoint: Endpoint<R>, msg: ServiceMsg): Effect.Effect<void, never, R> => {
  const parsed = parseBody(msg.data)
  if (!parsed.ok) return respondError(msg, 400, parsed.message)
  return Effect.gen(function*() {
    const exit = yield* Effect.exit(
      Effect.suspend(() => endpoint.handler(parsed.body)).pipe(
        Effect.flatMap((result) => Effect.sync(() => encoder.encode(JSON.stringify(result ?? null))))
      )
    )
    if (Exit.isSuccess(exit)) {
      yield* Effect.sync(() => msg.respond(exit.value))
      return
    }
    const failure = Cause.findErrorOption(exit.cause)
    if (failure._tag === "Some") {
      yield* respondError(msg, failure.value.code, failure.value.message)
    } else if (Cause.hasInterruptsOnly(exit.cause)) {
      yield* respondError(msg, 503, "the service is stopping; retry")
    } else {
      yield* Effect.logError(`request ${endpoint.name} failed`, exit.cause)
      yield* respondError(msg, 500, "internal error (see the daemon's log)")
    }
  }).pipe(Effect.withSpan(`api ${endpoint.name}`))
}

/**
 * Serves `endpoints` as the NATS service `rewind` (`nats micro ls/info/stats`), each on
 * `${prefix}.api.<name>` in a queue group so several daemons share the requests. Answers
 * are JSON; failures are `{"error":{"code","message"}}` plus the framework's error headers.
 * The service stops, and running requests are interrupted, when the scope closes.
 */
export const serveApi = Effect.fn("Service.serveApi")(function*<R = never>(opts: {
  readonly version: string
  readonly description: string
  readonly endpoints: ReadonlyArray<Endpoint<R>>
}): Effect.fn.Return<void, NatsError, Nats | Scope.Scope | R> {
  const { nc, names } = yield* Nats
  const run = yield* FiberSet.makeRuntime<R>()
  // @nats-io/services bundles its own (compatible) copy of nats-core's types
  const svcm = new Svcm(nc as unknown as ConstructorParameters<typeof Svcm>[0])
  const service = yield* Effect.acquireRelease(
    Effect.tryPromise({
      try: () =>
        svcm.add({
          name: names.serviceName,
          version: opts.version,
          description: opts.description,
          metadata: { prefix: names.prefix }
        }),
      catch: natsError(`starting the ${names.serviceName} service`)
    }),
    (service) => Effect.tryPromise(() => service.stop()).pipe(Effect.timeout("5 seconds"), Effect.ignore)
  )
  for (const endpoint of opts.endpoints) {
    yield* Effect.try({
      try: () =>
        service.addEndpoint(endpointName(endpoint.name), {
          subject: names.api(endpoint.name),
          handler: (err, msg) => {
            if (err === null) run(answer(endpoint, msg))
          }
        }),
      catch: natsError(`adding endpoint ${endpoint.name}`)
    })
  }
})

/**
 * Calls an endpoint (the CLI side). An `{"error":...}` answer fails with ApiError;
 * no daemon answering, a timeout or an unreadable answer fail with NatsError.
 */
export const requestApi = Effect.fn("Service.requestApi")(function*(name: string, body: unknown, timeoutMs = 10_000) {
  const { nc, names } = yield* Nats
  const subject = names.api(name)
  const reply = yield* Effect.tryPromise({
    try: () => nc.request(subject, encoder.encode(JSON.stringify(body ?? {})), { timeout: timeoutMs }),
    catch: (e) =>
      e instanceof natsErrors.NoRespondersError || (e instanceof Error && e.cause instanceof natsErrors.NoRespondersError)
        ? new NatsError({ message: `no Rewind daemon is answering on ${subject} (is the daemon running?)`, cause: e })
        : e instanceof natsErrors.TimeoutError || (e instanceof Error && e.cause instanceof natsErrors.TimeoutError)
        ? new NatsError({ message: `${subject} did not answer within ${timeoutMs} ms`, cause: e })
        : natsError(`requesting ${subject}`)(e)
  })
  const text = decoder.decode(reply.data)
  const parsed = yield* Effect.try({
    try: () => (text === "" ? null : JSON.parse(text)) as unknown,
    catch: natsError(`${subject} answered with something that is not JSON`)
  })
  const error = isErrorShape(parsed) ? parsed.error : undefined
  if (error !== undefined) return yield* new ApiError({ code: error.code, message: error.message })
  const headerCode = reply.headers?.get("Nats-Service-Error-Code")
  if (headerCode !== undefined && headerCode !== "") {
    return yield* new ApiError({ code: Number(headerCode), message: reply.headers?.get("Nats-Service-Error") ?? "" })
  }
  return parsed
})

const isErrorShape = (u: unknown): u is { error: { code: number; message: string } } =>
  typeof u === "object" && u !== null && "error" in u && typeof u.error === "object" && u.error !== null &&
  "code" in u.error && typeof u.error.code === "number" && "message" in u.error && typeof u.error.message === "string"
