/**
 * Client of the Genesys Cloud Platform API v2 subset Rewind uses (SPEC "Platform API subset"),
 * against Genesys Cloud or `rewind sim`.
 *
 * - OAuth client credentials; the token is cached and refreshed before it expires; a 401
 *   refreshes it once and retries.
 * - Every request goes through a client-side rate limiter (`PLATFORM_RATE_LIMIT` per second).
 *   A 429 pauses the whole client for its Retry-After; 5xx, 408, timeouts and network errors
 *   are retried with jittered exponential backoff, at most `PLATFORM_MAX_RETRIES` times.
 * - Every request (retries and token requests included) is counted, per endpoint (`calls`).
 * - Responses are decoded with Genesys' models (genesys.ts); a malformed one fails with a
 *   `PlatformDecodeError` naming the field.
 */
import { Config, Context, Effect, Layer, Option, Redacted, Result, Schema, Semaphore, Stream } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import type { Transcript } from "../domain/interaction.ts"
import type { MediaType } from "../domain/media.ts"
import type { Topic, TopicModel } from "../domain/topicModel.ts"
import {
  genesysMediaType,
  type PlatformConversation,
  type PlatformProgram,
  type PlatformProgramMapping,
  recordingTranscripts,
  toPlatformConversation,
  toProgram,
  toProgramMapping,
  toTopic,
  toTopicModel,
  type TranscriptContext,
  TranscriptFormatError
} from "./convert.ts"
import { PlatformAuthError, PlatformDecodeError, type PlatformError, PlatformResponseError, PlatformUnavailableError } from "./errors.ts"
import {
  AnalyticsConversationQueryResponse,
  type ConversationQuery,
  EntityListing,
  ErrorBody,
  Paths,
  Recording,
  type RecordingMetadata,
  RecordingMetadataList,
  StaProgram,
  StaProgramMappings,
  StaTopic,
  TokenResponse
} from "./genesys.ts"
import { type PlatformSettings, PlatformSettingsConfig } from "./PlatformConfig.ts"
import { makeRateLimiter } from "./RateLimiter.ts"

/** Request counters: every HTTP request made, retries and token requests included. */
export interface PlatformCalls {
  readonly total: number
  /** Per endpoint: token, conversations.query, recordingmetadata, recording, sta.topics, sta.topic, sta.programs, sta.mappings. */
  readonly byEndpoint: Readonly<Record<string, number>>
  /** Requests repeated after a 5xx, 408, timeout or network error. */
  readonly retries: number
  /** 429 answers (each paused the client for its Retry-After). */
  readonly throttled: number
  /** 401 answers that made the client refresh its token. */
  readonly unauthorized: number
}

/** A recording's content: still being prepared (202; retry later), or its transcripts (none for audio). */
export type RecordingContent =
  | { readonly _tag: "Pending"; readonly recordingId: string }
  | {
    readonly _tag: "Ready"
    readonly recordingId: string
    /** audio, chat, email, message, … */
    readonly media: string
    readonly transcripts: ReadonlyArray<Transcript>
  }

export interface ConversationsOptions {
  /** Only these media types (a segment filter on the platform, and a check here). Default: all. */
  readonly mediaTypes?: ReadonlyArray<MediaType>
  /** Only these conversations (a conversation filter on the platform). Default: all. */
  readonly conversationIds?: ReadonlyArray<string>
}

export class PlatformClient extends Context.Service<PlatformClient, {
  /**
   * The completed conversations that START in [from, to) (ISO instants), each once, in start
   * order. Pages the details query; splits the interval when a query would page past the
   * platform's limit; drops the conversations the platform adds because they only touch the
   * interval.
   */
  readonly conversations: (from: string, to: string, options?: ConversationsOptions) => Stream.Stream<PlatformConversation, PlatformError>
  readonly recordingMetadata: (conversationId: string) => Effect.Effect<ReadonlyArray<RecordingMetadata>, PlatformError>
  /**
   * A recording's content. Pass the conversation's start so block offsets are measured from it
   * (as the store keeps them).
   */
  readonly recording: (
    conversationId: string,
    recordingId: string,
    context?: TranscriptContext
  ) => Effect.Effect<RecordingContent, PlatformError>
  readonly staTopics: () => Effect.Effect<ReadonlyArray<Topic>, PlatformError>
  readonly staPrograms: () => Effect.Effect<ReadonlyArray<PlatformProgram>, PlatformError>
  readonly staProgramMappings: () => Effect.Effect<ReadonlyArray<PlatformProgramMapping>, PlatformError>
  /** Topics, programs and mappings as one topic model (not validated: see TopicModel). */
  readonly staTopicModel: () => Effect.Effect<TopicModel, PlatformError>
  readonly calls: Effect.Effect<PlatformCalls>
}>()("rewind/platform/PlatformClient") {
  /** From the environment (PLATFORM_*), over fetch. */
  static readonly layer: Layer.Layer<PlatformClient, Config.ConfigError> = Layer.unwrap(
    Effect.map(PlatformSettingsConfig, (s) => PlatformClient.layerWith(s))
  )

  /** With explicit settings, over fetch. */
  static readonly layerWith = (s: PlatformSettings): Layer.Layer<PlatformClient> =>
    Layer.effect(PlatformClient, makePlatformClient(s)).pipe(Layer.provide(FetchHttpClient.layer))
}

// ---------------------------------------------------------------------------------------------

interface RawResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
}

/** 429s in a row before a request gives up. */
const MaxThrottles = 30
const BackoffBaseMs = 250
const BackoffMaxMs = 8_000

/** Equal-jitter exponential backoff: half fixed, half random. */
const backoffMs = (failures: number): number => {
  const ceiling = Math.min(BackoffMaxMs, BackoffBaseMs * 2 ** Math.max(0, failures - 1))
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2))
}

/** Retry-After: seconds, or an HTTP date. */
const retryAfterMs = (value: string | undefined): number | undefined => {
  if (value === undefined || value.trim() === "") return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

/**
 * `Expected string\n  at ["a"][0]["b"]` → `a[0].b: Expected string, got 12345` (the value is
 * looked up in `input` when given).
 */
export const describeSchemaError = (message: string, input?: unknown): string => {
  const lines = message.split("\n").map((l) => l.trim()).filter((l) => l !== "")
  const at = lines.find((l) => l.startsWith("at "))
  const what = lines.filter((l) => !l.startsWith("at ")).join("; ")
  if (at === undefined) return what
  const segments = [...at.slice(3).matchAll(/\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!))
  const path = segments.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("")
  let got = ""
  if (input !== undefined && !what.startsWith("Missing key")) {
    let value: unknown = input
    for (const k of segments) value = typeof value === "object" && value !== null ? (value as Record<string | number, unknown>)[k] : undefined
    if (value !== undefined) {
      const shown = JSON.stringify(value) ?? String(value)
      got = `, got ${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}`
    }
  }
  return path === "" ? `${what}${got}` : `${path}: ${what}${got}`
}

const isTransientStatus = (status: number): boolean => status >= 500 || status === 408

export const makePlatformClient = Effect.fn("PlatformClient.make")(function*(s: PlatformSettings) {
  const http = yield* HttpClient.HttpClient
  const limiter = makeRateLimiter(s.rateLimit)
  const counts = { total: 0, byEndpoint: {} as Record<string, number>, retries: 0, throttled: 0, unauthorized: 0 }
  const count = (endpoint: string) => {
    counts.total++
    counts.byEndpoint[endpoint] = (counts.byEndpoint[endpoint] ?? 0) + 1
  }

  const unavailable = (endpoint: string, attempts: number, why: string, cause?: unknown) =>
    new PlatformUnavailableError({
      message: `${endpoint}: the platform at ${s.apiUrl} ${why} (after ${attempts} attempts)`,
      endpoint,
      attempts,
      ...(cause === undefined ? {} : { cause })
    })

  const responseError = (endpoint: string, r: RawResponse): PlatformResponseError => {
    let body: ErrorBody = {}
    try {
      const parsed: unknown = JSON.parse(r.body)
      body = Schema.decodeUnknownSync(ErrorBody)(parsed)
    } catch {
      // not a Genesys error body
    }
    const detail = body.message ?? (r.body.length > 0 ? r.body.slice(0, 300) : "no details")
    return new PlatformResponseError({
      message: `${endpoint}: the platform answered ${r.status}${body.code === undefined ? "" : ` ${body.code}`}: ${detail}` +
        (body.contextId === undefined ? "" : ` (contextId ${body.contextId})`),
      endpoint,
      status: r.status,
      ...(body.code === undefined ? {} : { code: body.code }),
      ...(body.contextId === undefined ? {} : { contextId: body.contextId })
    })
  }

  // --- token -----------------------------------------------------------------------------------
  let cached: { readonly token: string; readonly refreshAt: number } | undefined
  const tokenLock = yield* Semaphore.make(1)

  const fetchToken: Effect.Effect<string, PlatformError> = Effect.gen(function*() {
    const r = yield* send("token", () =>
      HttpClientRequest.post(`${s.loginUrl}${Paths.token}`).pipe(
        HttpClientRequest.basicAuth(s.clientId, s.clientSecret),
        HttpClientRequest.bodyUrlParams({ grant_type: "client_credentials" }),
        HttpClientRequest.acceptJson
      ), false).pipe(
        Effect.catchTag("PlatformResponseError", (e) =>
          Effect.fail(
            new PlatformAuthError({
              message: `the platform refused the OAuth client credentials of client ${JSON.stringify(s.clientId)} ` +
                `at ${s.loginUrl}${Paths.token} (${e.status}): check PLATFORM_CLIENT_ID and PLATFORM_CLIENT_SECRET`,
              status: e.status
            })
          ))
      )
    const t = yield* decode("token", TokenResponse, r)
    const lifetime = Math.max(0, t.expires_in * 1000)
    cached = { token: t.access_token, refreshAt: Date.now() + lifetime - Math.min(60_000, lifetime * 0.2) }
    return t.access_token
  })

  const token: Effect.Effect<string, PlatformError> = Effect.suspend(() =>
    cached !== undefined && Date.now() < cached.refreshAt
      ? Effect.succeed(cached.token)
      : tokenLock.withPermit(
        Effect.suspend(() => (cached !== undefined && Date.now() < cached.refreshAt ? Effect.succeed(cached.token) : fetchToken))
      )
  )

  // --- one request, with retries ---------------------------------------------------------------
  /** `authenticated`: send the bearer token (every request but the token request). */
  function send(
    endpoint: string,
    make: () => HttpClientRequest.HttpClientRequest,
    authenticated = true
  ): Effect.Effect<RawResponse, PlatformError> {
    return Effect.gen(function*() {
      let failures = 0
      let throttles = 0
      let refreshed = false
      let attempts = 0
      while (true) {
        const bearer = authenticated ? yield* token : undefined
        yield* limiter.acquire
        count(endpoint)
        attempts++
        const request = bearer === undefined ? make() : HttpClientRequest.bearerToken(make(), bearer)
        const outcome = yield* http.execute(request).pipe(
          Effect.flatMap((res) => Effect.map(res.text, (body): RawResponse => ({ status: res.status, headers: res.headers, body }))),
          Effect.timeoutOption(s.timeoutMs),
          Effect.result
        )
        let transient: string
        let cause: unknown
        if (Result.isFailure(outcome)) {
          transient = "could not be reached"
          cause = outcome.failure
        } else if (Option.isNone(outcome.success)) {
          transient = `did not answer within ${s.timeoutMs} ms`
        } else {
          const r = outcome.success.value
          if (r.status >= 200 && r.status < 300) return r
          if (r.status === 401 && bearer !== undefined) {
            counts.unauthorized++
            if (refreshed) {
              return yield* new PlatformAuthError({
                message: `${endpoint}: the platform refused a freshly issued token (401)`,
                status: 401
              })
            }
            refreshed = true
            if (cached?.token === bearer) cached = undefined
            continue
          }
          if (r.status === 429) {
            counts.throttled++
            throttles++
            if (throttles > MaxThrottles) return yield* unavailable(endpoint, attempts, `kept answering 429 (rate limited)`)
            const delay = retryAfterMs(r.headers["retry-after"]) ?? backoffMs(throttles)
            yield* Effect.logDebug("platform rate limit: pausing", { endpoint, retryAfterMs: delay })
            yield* limiter.pauseUntil(Date.now() + delay)
            continue
          }
          if (!isTransientStatus(r.status)) return yield* responseError(endpoint, r)
          transient = `answered ${r.status}`
        }
        failures++
        if (failures > s.maxRetries) return yield* unavailable(endpoint, attempts, transient, cause)
        counts.retries++
        const delay = backoffMs(failures)
        yield* Effect.logDebug("platform request failed: retrying", { endpoint, problem: transient, attempt: attempts, delayMs: delay })
        yield* Effect.sleep(delay)
      }
    })
  }

  function decode<S extends Schema.Top & { readonly DecodingServices: never }>(
    endpoint: string,
    schema: S,
    r: RawResponse
  ): Effect.Effect<S["Type"], PlatformDecodeError> {
    return Effect.gen(function*() {
      const json = yield* Effect.try({
        try: () => JSON.parse(r.body) as unknown,
        catch: () =>
          new PlatformDecodeError({
            message: `${endpoint}: the platform answered ${r.status} with a body that is not JSON: ${JSON.stringify(r.body.slice(0, 120))}`,
            endpoint
          })
      })
      return yield* Schema.decodeUnknownEffect(schema)(json).pipe(
        Effect.mapError((e) =>
          new PlatformDecodeError({
            message: `${endpoint}: unexpected response from the platform: ${describeSchemaError(e.message, json)}`,
            endpoint
          })
        )
      )
    }) as Effect.Effect<S["Type"], PlatformDecodeError>
  }

  const api = (path: string) => `${s.apiUrl}${path}`

  // --- conversations ---------------------------------------------------------------------------
  interface Task {
    readonly fromMs: number
    readonly toMs: number
    readonly page: number
  }

  const queryPage = (task: Task, mediaTypes: ReadonlyArray<MediaType> | undefined, conversationIds?: ReadonlyArray<string>) => {
    const body: ConversationQuery = {
      interval: `${new Date(task.fromMs).toISOString()}/${new Date(task.toMs).toISOString()}`,
      order: "asc",
      orderBy: "conversationStart",
      paging: { pageSize: s.pageSize, pageNumber: task.page },
      ...(mediaTypes === undefined ? {} : {
        segmentFilters: [{
          type: "or",
          predicates: mediaTypes.map((m) => ({ type: "dimension", dimension: "mediaType", operator: "matches", value: genesysMediaType(m) }))
        }]
      }),
      ...(conversationIds === undefined ? {} : {
        conversationFilters: [{
          type: "or",
          predicates: conversationIds.map((id) => ({ type: "dimension", dimension: "conversationId", operator: "matches", value: id }))
        }]
      })
    }
    return send("conversations.query", () =>
      HttpClientRequest.post(api(Paths.detailsQuery)).pipe(
        HttpClientRequest.bodyJsonUnsafe(body),
        HttpClientRequest.acceptJson
      )).pipe(Effect.flatMap((r) => decode("conversations.query", AnalyticsConversationQueryResponse, r)))
  }

  const split = (task: Task, parts: number): Array<Task> => {
    const span = task.toMs - task.fromMs
    const n = Math.max(2, Math.min(parts, span))
    const out: Array<Task> = []
    for (let k = 0; k < n; k++) {
      const fromMs = task.fromMs + Math.floor((span * k) / n)
      const toMs = k === n - 1 ? task.toMs : task.fromMs + Math.floor((span * (k + 1)) / n)
      if (toMs > fromMs) out.push({ fromMs, toMs, page: 1 })
    }
    return out
  }

  const conversations = (from: string, to: string, options: ConversationsOptions = {}) =>
    Stream.suspend(() => {
      const fromMs = Date.parse(from)
      const toMs = Date.parse(to)
      if (Number.isNaN(fromMs) || Number.isNaN(toMs) || toMs <= fromMs) {
        return Stream.die(new Error(`PlatformClient.conversations: invalid period [${from}, ${to})`))
      }
      const wanted = options.mediaTypes === undefined ? undefined : new Set(options.mediaTypes)
      const seen = new Set<string>()
      /** Tasks to do, the next one last. */
      type State = ReadonlyArray<Task>
      const step = (tasks: State) =>
        Effect.gen(function*() {
          const task = tasks[tasks.length - 1]!
          const rest = tasks.slice(0, -1)
          const next = (more: ReadonlyArray<Task>): Option.Option<State> => {
            const all = [...rest, ...more]
            return all.length === 0 ? Option.none() : Option.some(all)
          }
          const page = yield* queryPage(task, options.mediaTypes, options.conversationIds).pipe(
            Effect.map(Option.some),
            // A page refused with 400 past page 1: the platform's paging limit is lower than we
            // thought. Split the interval and start over (already emitted ids are skipped).
            Effect.catchTag("PlatformResponseError", (e) =>
              e.status === 400 && task.page > 1 && task.toMs - task.fromMs > 1 ? Effect.succeed(Option.none()) : Effect.fail(e))
          )
          if (Option.isNone(page)) return [[], next(split(task, 2).reverse())] as const
          const { totalHits } = page.value
          if (task.page === 1 && totalHits > s.pagingLimit) {
            if (task.toMs - task.fromMs <= 1) {
              return yield* new PlatformResponseError({
                message: `conversations.query: ${totalHits} conversations touch one millisecond (${new Date(task.fromMs).toISOString()}), ` +
                  `more than the platform pages (${s.pagingLimit})`,
                endpoint: "conversations.query",
                status: 400
              })
            }
            const parts = Math.ceil(totalHits / Math.max(1, Math.floor(s.pagingLimit * 0.8)))
            return [[], next(split(task, parts).reverse())] as const
          }
          const received = page.value.conversations ?? []
          const out: Array<PlatformConversation> = []
          for (const c of received) {
            const startMs = Date.parse(c.conversationStart)
            // The platform returns the conversations that touch the interval: keep those that start in it.
            if (!(startMs >= task.fromMs && startMs < task.toMs)) continue
            const conversation = toPlatformConversation(c)
            if (conversation === undefined) continue
            if (wanted !== undefined && !wanted.has(conversation.mediaType)) continue
            if (seen.has(conversation.id)) continue
            seen.add(conversation.id)
            out.push(conversation)
          }
          const more = received.length > 0 && task.page * s.pageSize < totalHits
          return [out, next(more ? [{ ...task, page: task.page + 1 }] : [])] as const
        })
      return Stream.paginate<State, PlatformConversation, PlatformError>([{ fromMs, toMs, page: 1 }], step)
    })

  // --- recordings ------------------------------------------------------------------------------
  const recordingMetadata = (conversationId: string) =>
    send("recordingmetadata", () => HttpClientRequest.get(api(Paths.recordingMetadata(conversationId))).pipe(HttpClientRequest.acceptJson))
      .pipe(
        Effect.flatMap((r) => decode("recordingmetadata", RecordingMetadataList, r)),
        Effect.withSpan("PlatformClient.recordingMetadata", { attributes: { conversationId } })
      )

  const recording = (conversationId: string, recordingId: string, context: TranscriptContext = {}) =>
    send("recording", () =>
      HttpClientRequest.get(api(Paths.recording(conversationId, recordingId))).pipe(
        HttpClientRequest.setUrlParams({ formatId: "NONE" }),
        HttpClientRequest.acceptJson
      )).pipe(
        Effect.flatMap((r): Effect.Effect<RecordingContent, PlatformDecodeError> =>
          r.status === 202
            ? Effect.succeed({ _tag: "Pending", recordingId })
            : decode("recording", Recording, r).pipe(
              Effect.flatMap((rec) =>
                Effect.try({
                  try: (): RecordingContent => ({
                    _tag: "Ready",
                    recordingId: rec.id,
                    media: rec.media,
                    transcripts: recordingTranscripts(rec, context)
                  }),
                  catch: (e) =>
                    new PlatformDecodeError({
                      message: `recording: unexpected content in recording ${recordingId}: ${e instanceof TranscriptFormatError ? e.message : String(e)}`,
                      endpoint: "recording"
                    })
                })
              )
            )
        ),
        Effect.withSpan("PlatformClient.recording", { attributes: { conversationId, recordingId } })
      )

  // --- STA configuration -----------------------------------------------------------------------
  /** Follows `nextUri` (same origin only: the token never leaves the API host). */
  const listAll = <S extends Schema.Top & { readonly DecodingServices: never }>(endpoint: string, path: string, entity: S) =>
    Effect.gen(function*() {
      const listing = EntityListing(entity)
      const out: Array<S["Type"]> = []
      let url: string | undefined = `${api(path)}?pageSize=100`
      for (let pages = 0; url !== undefined && pages < 10_000; pages++) {
        const current: string = url
        const r = yield* send(endpoint, () => HttpClientRequest.get(current).pipe(HttpClientRequest.acceptJson))
        const page = (yield* decode(endpoint, listing, r)) as { entities?: ReadonlyArray<S["Type"]>; nextUri?: string }
        out.push(...(page.entities ?? []))
        url = page.nextUri === undefined || page.nextUri === "" || (page.entities ?? []).length === 0
          ? undefined
          : sameOrigin(page.nextUri)
      }
      return out as ReadonlyArray<S["Type"]>
    })

  const sameOrigin = (uri: string): string => {
    const u = new URL(uri, `${s.apiUrl}/`)
    return `${s.apiUrl}${u.pathname}${u.search}`
  }

  const staTopics = () =>
    listAll("sta.topics", Paths.staTopics, StaTopic).pipe(
      Effect.flatMap((listed) =>
        Effect.forEach(listed, (t) =>
          t.phrases !== undefined
            ? Effect.succeed(t)
            : send("sta.topic", () => HttpClientRequest.get(api(Paths.staTopic(t.id))).pipe(HttpClientRequest.acceptJson)).pipe(
              Effect.flatMap((r) => decode("sta.topic", StaTopic, r))
            ))
      ),
      Effect.map((topics) => topics.map(toTopic)),
      Effect.withSpan("PlatformClient.staTopics")
    )

  const staPrograms = () =>
    listAll("sta.programs", Paths.staPrograms, StaProgram).pipe(
      Effect.map((ps) => ps.map(toProgram)),
      Effect.withSpan("PlatformClient.staPrograms")
    )

  const staProgramMappings = () =>
    listAll("sta.mappings", Paths.staProgramMappings, StaProgramMappings).pipe(
      Effect.map((ms) => ms.map(toProgramMapping)),
      Effect.withSpan("PlatformClient.staProgramMappings")
    )

  const staTopicModel = () =>
    Effect.all([staTopics(), staPrograms(), staProgramMappings()]).pipe(
      Effect.map(([topics, programs, mappings]) => toTopicModel(topics, programs, mappings))
    )

  return PlatformClient.of({
    conversations,
    recordingMetadata,
    recording,
    staTopics,
    staPrograms,
    staProgramMappings,
    staTopicModel,
    calls: Effect.sync(() => ({ ...counts, byEndpoint: { ...counts.byEndpoint } }))
  })
})

/** For logs: the settings without the secret. */
export const describeSettings = (s: PlatformSettings): string =>
  `api ${s.apiUrl}, login ${s.loginUrl}, client ${s.clientId}, secret ${Redacted.isRedacted(s.clientSecret) ? "<redacted>" : "?"}, ` +
  `page size ${s.pageSize}, ${s.rateLimit} requests/s, timeout ${s.timeoutMs} ms`
