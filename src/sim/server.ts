/**
 * `rewind sim`: an HTTP simulator of the Genesys Cloud Platform API v2 subset Rewind uses
 * (SPEC "Platform API subset"), serving the deterministic seed data (data.ts), with fault knobs
 * (faults.ts): latency and stalls, an error rate, HTML error pages from a proxy, truncated JSON,
 * a rate limit (429 with `Retry-After` and `inin-ratelimit-allowed|count|reset`), content not
 * ready (202), short-lived tokens (oauth.ts), `expireTokens()` to revoke every issued token;
 * bad data (defects.ts): required fields missing, undocumented media types; and text
 * conversations still open at query time (`openShare`: long email and messaging threads).
 *
 * Faithful limits (routes.ts, detailsQuery.ts): details-query `pageSize` ≤ 100; intervals longer
 * than 7 days (`maxIntervalDays`) and paging past the paging limit (100,000 results by default) →
 * 400 `{status, code, message, contextId}`; the details query returns the conversations that
 * started on a day the interval touches and were active during it; text recordings inline only
 * in the formats `NONE`. Strict mode (strict.ts) also leaves out what
 * Genesys may leave out.
 *
 * `GET /__sim/stats` (no auth, no faults) reports what the simulator saw; `GET /__sim/arrivals`
 * the arrival times (epoch ms) of the last 10,000 requests.
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import { HttpServerRequest, HttpServerResponse } from "effect/http"
import type { ServeError } from "effect/http/HttpServerError"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { DetailsMaxIntervalDays, DetailsPagingLimit } from "../platform/genesys.ts"
import type { SeedOptions } from "../seed/generate.ts"
import { mulberry32 } from "../seed/random.ts"
import { type Answer, fail } from "./answers.ts"
import { SimData } from "./data.ts"
import { withDefects } from "./defects.ts"
import { faultsFrom, makeFaultInjector, type SimFaults } from "./faults.ts"
import { makeOAuth } from "./oauth.ts"
import { makeRoutes, matchRoute, type SimRoute } from "./routes.ts"
import { StrictRateLimitPerMinute } from "./strict.ts"
import { freshStats, makeArrivals, type SimStats } from "./stats.ts"

export { DefaultFaults, type SimFaults } from "./faults.ts"
export type { SimRoute } from "./routes.ts"
export type { SimStats } from "./stats.ts"

/** Defaults of the data: the same as `rewind seed`. */
export const DefaultSimData: SeedOptions = {
  seed: 42,
  count: 5_000,
  from: "2026-01-01T00:00:00Z",
  to: "2026-02-01T00:00:00Z"
}

export interface SimOptions extends Partial<SimFaults>, Partial<SeedOptions> {
  /** 0 (default) = a free port. */
  readonly port?: number
  /** Default 127.0.0.1. */
  readonly host?: string
  /** Share of text conversations missing from the store (reported; the simulator serves them all). */
  readonly missingShare?: number
  /** Results one details query may page through (default 100,000, as Genesys). */
  readonly pagingLimit?: number
  /** Longest details-query interval accepted, in days (default 7, as the client assumes of Genesys; 0: any). */
  readonly maxIntervalDays?: number
  /** When set, token requests must present these client credentials. */
  readonly clientId?: string
  readonly clientSecret?: string
  /**
   * `full` (default, but with `strict`): the topics list carries each topic's phrases, the
   * programs list each program's topics. `listed` (with `strict`): like Genesys' ListedTopic
   * (phrasesCount only) and ListedProgram (topicsCount only), so clients must read `/topics/{id}`
   * and `/programs/{id}`.
   */
  readonly staListing?: "full" | "listed"
  /**
   * Leave out what Genesys' models mark optional and the platform does not always send (strict.ts:
   * `totalHits` of an empty result, participants' `purpose`, sessions' `mediaType`, message times),
   * list topics without their phrases and programs without their topics (ListedTopic,
   * ListedProgram), and limit requests to Genesys' 300 a minute
   * unless `rateLimit` says otherwise.
   */
  readonly strict?: boolean
  /** Seed of the fault dice (default 1). */
  readonly faultSeed?: number
  /** Reuse already built data (tests); must match seed/count/from/to. */
  readonly data?: SimData
  /** Sees every API request as it arrives (tests: what a client asks for). */
  readonly observeRequest?: (route: SimRoute, url: URL, body: string) => void
  /** Rewrites a successful JSON answer before it is sent (tests: malformed responses). */
  readonly mutateResponse?: (route: SimRoute, body: unknown) => unknown
}

export interface SimInfo {
  readonly conversations: number
  readonly missing: number
  readonly seed: number
  readonly count: number
  readonly from: string
  readonly to: string
  readonly missingShare: number
  readonly pagingLimit: number
  readonly maxIntervalDays: number
  /** Strict mode (strict.ts). */
  readonly strict: boolean
}

export interface SimHandle {
  /** Base URL: use it as PLATFORM_API_URL and PLATFORM_LOGIN_URL. */
  readonly url: string
  readonly port: number
  readonly data: SimData
  readonly info: SimInfo
  readonly stats: () => SimStats
  readonly resetStats: () => void
  readonly faults: () => SimFaults
  readonly configure: (faults: Partial<SimFaults>) => void
  /** Revokes every issued token: their next use answers 401. */
  readonly expireTokens: () => void
}

/** The simulator as a scoped effect: the server stops when the scope closes. */
export const makeSim = (options: SimOptions = {}): Effect.Effect<SimHandle, ServeError, Scope.Scope> =>
  Effect.gen(function*() {
    const seedOptions: SeedOptions = {
      seed: options.seed ?? DefaultSimData.seed,
      count: options.count ?? DefaultSimData.count,
      from: options.from ?? DefaultSimData.from,
      to: options.to ?? DefaultSimData.to
    }
    const missingShare = options.missingShare ?? 0
    const data = options.data ?? new SimData(seedOptions, missingShare)
    const pagingLimit = options.pagingLimit ?? DetailsPagingLimit
    const maxIntervalDays = options.maxIntervalDays ?? DetailsMaxIntervalDays
    let faults: SimFaults = faultsFrom(options, options.strict === true, StrictRateLimitPerMinute)
    let stats = freshStats()
    const arrivals = makeArrivals()
    const injector = makeFaultInjector(() => faults, mulberry32(options.faultSeed ?? 1), () => stats)
    const oauth = makeOAuth(options, () => faults.tokenTtlSeconds, () => stats.tokensIssued++)
    const serve = makeRoutes(
      data,
      { pagingLimit, maxIntervalDays, staListing: options.staListing ?? (options.strict === true ? "listed" : "full"), strict: options.strict, openShare: () => faults.openShare },
      () => faults.notReady,
      () => stats.notReady++
    )

    const respond = (a: Answer, extraHeaders: Record<string, string> = {}) => {
      stats.byStatus[String(a.status)] = (stats.byStatus[String(a.status)] ?? 0) + 1
      const headers = { ...extraHeaders, ...a.headers }
      if (a.text !== undefined) return HttpServerResponse.text(a.text.body, { status: a.status, headers, contentType: a.text.contentType })
      return a.body === undefined
        ? HttpServerResponse.empty({ status: a.status, headers })
        : HttpServerResponse.text(JSON.stringify(a.body), { status: a.status, headers, contentType: "application/json" })
    }

    const info: SimInfo = {
      conversations: data.conversations.length,
      missing: data.missingIds().length,
      seed: data.options.seed,
      count: data.options.count,
      from: data.options.from,
      to: data.options.to,
      missingShare: data.missingShare,
      pagingLimit,
      maxIntervalDays,
      strict: options.strict === true
    }

    const handler = Effect.gen(function*() {
      const req = yield* HttpServerRequest.HttpServerRequest
      const url = new URL(req.url, "http://sim.invalid")
      if (req.method === "GET" && url.pathname === "/__sim/stats") {
        return HttpServerResponse.jsonUnsafe({ ...stats, faults, info })
      }
      if (req.method === "GET" && url.pathname === "/__sim/arrivals") return HttpServerResponse.jsonUnsafe(arrivals.arrivals)
      if (req.method === "GET" && url.pathname === "/__sim/health") return HttpServerResponse.text("ok\n")
      const matched = matchRoute(req.method, url.pathname)
      const body = req.method === "POST" ? yield* req.text.pipe(Effect.orElseSucceed(() => "")) : ""
      if (matched === undefined) {
        stats.byStatus["404"] = (stats.byStatus["404"] ?? 0) + 1
        return respond(fail(404, "not.found", `No resource ${req.method} ${url.pathname}.`))
      }
      options.observeRequest?.(matched.route, url, body)
      const arrivedAt = Date.now()
      stats.requests++
      stats.byRoute[matched.route] = (stats.byRoute[matched.route] ?? 0) + 1
      if (injector.isEarly(arrivedAt)) stats.earlyAfterThrottle++

      const delay = injector.delayMs(matched.route)
      if (delay > 0) yield* Effect.sleep(delay)

      if (matched.route === "token") {
        // Cut short only when aimed at it (`faultRoutes` naming "token"): a client must never quote
        // what it got from there, which holds the token.
        const issued = oauth.token(req, body)
        return respond(faults.faultRoutes?.includes("token") === true ? injector.truncated("token", issued) ?? issued : issued)
      }

      const denied = oauth.authorized(req)
      if (denied !== undefined) {
        stats.unauthorized++
        return respond(denied)
      }

      const rate = injector.rateLimit(arrivedAt)
      if (rate.throttled !== undefined) return respond(rate.throttled, rate.headers)
      const injected = injector.injectedError(matched.route)
      if (injected !== undefined) return respond(injected, rate.headers)

      const served = serve(matched.route, matched.params, url, body)
      const answer = served.status === 200 ? { ...served, body: withDefects(matched.route, served.body, faults) } : served
      const mutated = answer.status === 200 && options.mutateResponse !== undefined
        ? { ...answer, body: options.mutateResponse(matched.route, answer.body) }
        : answer
      return respond(injector.truncated(matched.route, mutated) ?? mutated, rate.headers)
    })

    const nodeServer = createServer()
    // Arrivals are timed as early as possible (before the request is handed to Effect), so a
    // busy event loop does not make requests look closer together than they came.
    nodeServer.on("request", (req: { url?: string }) => {
      if (req.url === undefined || req.url.startsWith("/__sim/")) return
      const seen = arrivals.arrive(Date.now())
      if (seen.lastSecond > stats.maxPerSecond) stats.maxPerSecond = seen.lastSecond
      if (seen.lastMinute > stats.maxPerMinute) stats.maxPerMinute = seen.lastMinute
    })
    const server = yield* NodeHttpServer.make(() => nodeServer, {
      port: options.port ?? 0,
      host: options.host ?? "127.0.0.1",
      gracefulShutdownTimeout: 200
    })
    yield* server.serve(handler)
    const address = nodeServer.address() as AddressInfo
    const host = options.host === undefined || options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`

    return {
      url,
      port: address.port,
      data,
      info,
      stats: () => ({ ...stats, byRoute: { ...stats.byRoute }, byStatus: { ...stats.byStatus } }),
      resetStats: () => {
        stats = freshStats()
        arrivals.reset()
        injector.reset()
      },
      faults: () => faults,
      configure: (partial) => {
        faults = { ...faults, ...partial }
      },
      expireTokens: () => oauth.expireAll()
    } satisfies SimHandle
  })

/** The simulator as a layer-less scoped service for Effect programs (`rewind sim`, demo). */
export const SimLayer = (options: SimOptions = {}): Layer.Layer<never, ServeError> => Layer.effectDiscard(makeSim(options))

/**
 * Starts the simulator outside Effect (tests, demo, bench): `stop()` closes it.
 */
export const startSim = async (options: SimOptions = {}): Promise<SimHandle & { readonly stop: () => Promise<void> }> => {
  const scope = Effect.runSync(Scope.make())
  const exit = await Effect.runPromiseExit(makeSim(options).pipe(Scope.provide(scope)))
  if (Exit.isFailure(exit)) {
    await Effect.runPromise(Scope.close(scope, exit))
    throw new Error(`rewind sim: could not start: ${String(exit.cause)}`)
  }
  return { ...exit.value, stop: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}
