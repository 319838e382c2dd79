/**
 * One platform request, with its retries: every attempt waits for the rate limiter and is
 * counted, and every answer's `inin-ratelimit-*` headers go back to the limiter; a 401 refreshes
 * the token once; a 429 pauses the whole client for its Retry-After;
 * 5xx, 408, timeouts, network errors and successful answers whose body is not JSON (cut short
 * on the way) are retried with jittered exponential backoff, at most `PLATFORM_MAX_RETRIES`
 * times. Errors describe a body that is not the platform's JSON (a proxy's HTML page).
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { type HttpClient, HttpClientRequest } from "effect/http"
import { describeBody, parseJson, type RawResponse, TokenEndpoint } from "./decode.ts"
import { PlatformAuthError, PlatformDecodeError, type PlatformError, PlatformResponseError, PlatformUnavailableError } from "./errors.ts"
import { ErrorBody } from "./genesys.ts"
import type { PlatformSettings } from "./PlatformConfig.ts"
import type { RateLimiter, RateLimiterStats } from "./RateLimiter.ts"

/** Request counters: every HTTP request made, retries and token requests included. */
export interface PlatformCalls {
  readonly total: number
  /** Per endpoint: token, conversations.query, recordingmetadata, recording, sta.topics, sta.topic, sta.programs, sta.program, sta.mappings. */
  readonly byEndpoint: Readonly<Record<string, number>>
  /** Requests repeated after a 5xx, 408, timeout or network error. */
  readonly retries: number
  /** 429 answers (each paused the client for its Retry-After). */
  readonly throttled: number
  /** 401 answers that made the client refresh its token. */
  readonly unauthorized: number
  /** The pacing: budget, waits, pauses for the platform's window. */
  readonly rate: RateLimiterStats
}

/** Where authenticated requests get their bearer token, and how a refused one is dropped. */
export interface TokenSource {
  readonly token: Effect.Effect<string, PlatformError>
  /** The platform refused `bearer` (401): the next `token` fetches a new one. */
  readonly invalidate: (bearer: string) => void
}

/** Sends a request (built anew for every attempt); `auth`: send a bearer token from it. */
export type Send = (
  endpoint: string,
  make: () => HttpClientRequest.HttpClientRequest,
  auth?: TokenSource
) => Effect.Effect<RawResponse, PlatformError>

/** An authenticated request to the platform (what the endpoint modules use). */
export type Request = (endpoint: string, make: () => HttpClientRequest.HttpClientRequest) => Effect.Effect<RawResponse, PlatformError>

/** 429s in a row before a request gives up. */
const MaxThrottles = 30
const BackoffBaseMs = 250
const BackoffMaxMs = 8_000

/** Equal-jitter exponential backoff: half fixed, half random. */
export const backoffMs = (failures: number): number => {
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

const isTransientStatus = (status: number): boolean => status >= 500 || status === 408

export const makeTransport = (s: PlatformSettings, http: HttpClient.HttpClient, limiter: RateLimiter) => {
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

  /** Genesys' error body `{status, code, message, contextId}`, when the answer is one. */
  const errorBody = (r: RawResponse): ErrorBody => {
    const parsed = parseJson(r.body)
    if (parsed === undefined) return {}
    try {
      return Schema.decodeUnknownSync(ErrorBody)(parsed)
    } catch {
      return {}
    }
  }

  const responseError = (endpoint: string, r: RawResponse): PlatformResponseError => {
    const body = errorBody(r)
    const detail = body.message ?? describeBody(r, endpoint !== TokenEndpoint)
    return new PlatformResponseError({
      message: `${endpoint}: the platform answered ${r.status}${body.code === undefined ? "" : ` ${body.code}`}: ${detail}` +
        (body.contextId === undefined ? "" : ` (contextId ${body.contextId})`),
      endpoint,
      status: r.status,
      ...(body.code === undefined ? {} : { code: body.code }),
      ...(body.contextId === undefined ? {} : { contextId: body.contextId })
    })
  }

  const send: Send = (endpoint, make, auth) =>
    Effect.gen(function*() {
      let failures = 0
      let throttles = 0
      let refreshed = false
      let attempts = 0
      while (true) {
        const bearer = auth === undefined ? undefined : yield* auth.token
        const seq = yield* limiter.acquire
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
          yield* limiter.observe(r.headers, seq)
          const success = r.status >= 200 && r.status < 300
          const json = success ? parseJson(r.body) : undefined
          if (success && (json !== undefined || r.body.trim() === "")) return json === undefined ? r : { ...r, json }
          if (r.status === 401 && bearer !== undefined && auth !== undefined) {
            counts.unauthorized++
            if (refreshed) {
              return yield* new PlatformAuthError({
                message: `${endpoint}: the platform refused a freshly issued token (401)`,
                status: 401
              })
            }
            refreshed = true
            auth.invalidate(bearer)
            continue
          }
          if (r.status === 429) {
            counts.throttled++
            throttles++
            if (throttles > MaxThrottles) return yield* unavailable(endpoint, attempts, `kept answering 429 (rate limited)`)
            const delay = retryAfterMs(r.headers["retry-after"]) ?? backoffMs(throttles)
            yield* Effect.logDebug("platform rate limit: pausing", { endpoint, retryAfterMs: delay })
            yield* limiter.pauseFor(delay)
            continue
          }
          if (success) {
            // A successful answer that is not JSON: cut short on the way, or not the platform's.
            transient = `answered ${r.status} with ${describeBody(r, endpoint !== TokenEndpoint)}`
            if (failures >= s.maxRetries) {
              return yield* new PlatformDecodeError({ message: `${endpoint}: the platform ${transient} (after ${attempts} attempts)`, endpoint, attempts })
            }
          } else {
            if (!isTransientStatus(r.status)) return yield* responseError(endpoint, r)
            const body = errorBody(r)
            transient = `answered ${r.status}` + (body.message !== undefined ? `: ${body.message}` : r.body.trim() === "" ? "" : ` with ${describeBody(r, endpoint !== TokenEndpoint)}`)
          }
        }
        failures++
        if (failures > s.maxRetries) return yield* unavailable(endpoint, attempts, transient, cause)
        counts.retries++
        const delay = backoffMs(failures)
        yield* Effect.logDebug("platform request failed: retrying", { endpoint, problem: transient, attempt: attempts, delayMs: delay })
        yield* Effect.sleep(delay)
      }
    })

  return {
    send,
    calls: Effect.map(limiter.stats, (rate): PlatformCalls => ({ ...counts, byEndpoint: { ...counts.byEndpoint }, rate }))
  }
}
