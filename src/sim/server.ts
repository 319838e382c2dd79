/**
 * `rewind sim`: an HTTP simulator of the Genesys Cloud Platform API v2 subset Rewind uses
 * (SPEC "Platform API subset"), serving the deterministic seed data (data.ts), with fault knobs:
 *
 * - latency (ms ± jitter) on every request;
 * - an error rate (503/500/502 with Genesys' error body);
 * - a rate limit (requests per second per 1-second window; beyond → 429 with `Retry-After` and
 *   `inin-ratelimit-allowed|count|reset`);
 * - content not ready (the first N fetches of each recording answer 202);
 * - short-lived tokens (`expires_in`), and `expireTokens()` to revoke every issued token;
 * - stalls (a share of requests answered only after `stallMs`, to exercise client timeouts).
 *
 * Faithful limits: details-query `pageSize` ≤ 100; paging past the paging limit (100,000
 * results by default) → 400 `{status, code, message, contextId}`; the details query returns
 * the conversations that touch the interval.
 *
 * `GET /__sim/stats` (no auth, no faults) reports what the simulator saw; `GET /__sim/arrivals`
 * the arrival times (epoch ms) of the last 10,000 requests.
 */
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Exit, Layer, Schema, Scope } from "effect"
import { HttpServerRequest, HttpServerResponse } from "effect/http"
import type { ServeError } from "effect/http/HttpServerError"
import { randomUUID } from "node:crypto"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { ConversationQuerySchema, DetailsMaxPageSize, DetailsPagingLimit, type QueryFilter, type QueryPredicate } from "../platform/genesys.ts"
import type { SeedOptions } from "../seed/generate.ts"
import { mulberry32 } from "../seed/random.ts"
import { SimData, type SimConversation } from "./data.ts"

export type SimRoute =
  | "token"
  | "conversations.query"
  | "recordingmetadata"
  | "recording"
  | "sta.topics"
  | "sta.topic"
  | "sta.programs"
  | "sta.mappings"

export interface SimFaults {
  /** Added to every request (ms). */
  readonly latencyMs: number
  /** Uniform ± jitter around the latency (ms). */
  readonly jitterMs: number
  /** Share (0..1) of API requests answered with a 5xx. */
  readonly errorRate: number
  /** API requests allowed per second (1-second windows); 0 = unlimited. */
  readonly rateLimit: number
  /** The first N fetches of each recording answer 202 (content being prepared). */
  readonly notReady: number
  /** `expires_in` of issued tokens (seconds). */
  readonly tokenTtlSeconds: number
  /** Share (0..1) of requests that stall for `stallMs` before being answered. */
  readonly stallRate: number
  readonly stallMs: number
}

export const DefaultFaults: SimFaults = {
  latencyMs: 0,
  jitterMs: 0,
  errorRate: 0,
  rateLimit: 0,
  notReady: 0,
  tokenTtlSeconds: 86_400,
  stallRate: 0,
  stallMs: 60_000
}

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
  /** When set, token requests must present these client credentials. */
  readonly clientId?: string
  readonly clientSecret?: string
  /**
   * `full` (default): the topics list carries each topic's phrases. `listed`: like Genesys'
   * ListedTopic (phrasesCount only), so clients must read `/topics/{id}`.
   */
  readonly topicListing?: "full" | "listed"
  /** Seed of the fault dice (default 1). */
  readonly faultSeed?: number
  /** Reuse already built data (tests); must match seed/count/from/to. */
  readonly data?: SimData
  /** Rewrites a successful JSON answer before it is sent (tests: malformed responses). */
  readonly mutateResponse?: (route: SimRoute, body: unknown) => unknown
}

export interface SimStats {
  /** Requests to the API and token endpoints (not /__sim). */
  readonly requests: number
  readonly byRoute: Readonly<Record<string, number>>
  readonly byStatus: Readonly<Record<string, number>>
  readonly tokensIssued: number
  /** 429 answers. */
  readonly throttled: number
  /** Injected 5xx answers. */
  readonly errors: number
  /** 202 answers for recordings not ready. */
  readonly notReady: number
  readonly unauthorized: number
  readonly stalled: number
  /** Requests that arrived while a Retry-After we gave was still running (beyond 100 ms of grace). */
  readonly earlyAfterThrottle: number
  /** Most requests seen in any sliding 1,000 ms window. */
  readonly maxPerSecond: number
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

const dice = mulberry32

interface Answer {
  readonly status: number
  readonly body?: unknown
  readonly headers?: Record<string, string>
}

const errorBody = (status: number, code: string, message: string) => ({
  status,
  code,
  message,
  messageParams: {},
  contextId: randomUUID(),
  details: [],
  errors: []
})

const fail = (status: number, code: string, message: string, headers?: Record<string, string>): Answer => ({
  status,
  body: errorBody(status, code, message),
  ...(headers === undefined ? {} : { headers })
})

const Empty = { status: 0 } as const

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
    let faults: SimFaults = {
      latencyMs: options.latencyMs ?? DefaultFaults.latencyMs,
      jitterMs: options.jitterMs ?? DefaultFaults.jitterMs,
      errorRate: options.errorRate ?? DefaultFaults.errorRate,
      rateLimit: options.rateLimit ?? DefaultFaults.rateLimit,
      notReady: options.notReady ?? DefaultFaults.notReady,
      tokenTtlSeconds: options.tokenTtlSeconds ?? DefaultFaults.tokenTtlSeconds,
      stallRate: options.stallRate ?? DefaultFaults.stallRate,
      stallMs: options.stallMs ?? DefaultFaults.stallMs
    }
    const random = dice(options.faultSeed ?? 1)

    // --- state ---------------------------------------------------------------------------------
    const tokens = new Map<string, number>()
    const recordingFetches = new Map<string, number>()
    const queryCache = new Map<string, ReadonlyArray<SimConversation>>()
    let stats = freshStats()
    let window = { second: 0, count: 0 }
    let lastThrottleAt = 0
    let retryBlockedUntil = 0
    const recent: Array<number> = []
    /** Arrival times of the last 10,000 requests (GET /__sim/arrivals). */
    const arrivals: Array<number> = []

    function freshStats() {
      return {
        requests: 0,
        byRoute: {} as Record<string, number>,
        byStatus: {} as Record<string, number>,
        tokensIssued: 0,
        throttled: 0,
        errors: 0,
        notReady: 0,
        unauthorized: 0,
        stalled: 0,
        earlyAfterThrottle: 0,
        maxPerSecond: 0
      }
    }

    const arrive = (route: SimRoute, now: number) => {
      stats.requests++
      stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1
      if (now < retryBlockedUntil && now > lastThrottleAt + 100) stats.earlyAfterThrottle++
    }

    // --- routes ----------------------------------------------------------------------------------
    const token = (req: HttpServerRequest.HttpServerRequest, body: string): Answer => {
      const auth = req.headers["authorization"] ?? ""
      const m = /^Basic\s+(.+)$/i.exec(auth)
      const invalidClient = (description: string): Answer => ({
        status: 401,
        body: { error: "invalid_client", description, error_description: description }
      })
      if (m === null) return invalidClient("client credentials are required (HTTP Basic)")
      const decoded = Buffer.from(m[1]!, "base64").toString("utf8")
      const colon = decoded.indexOf(":")
      const id = colon < 0 ? decoded : decoded.slice(0, colon)
      const secret = colon < 0 ? "" : decoded.slice(colon + 1)
      if (id === "" || secret === "") return invalidClient("client credentials are required (HTTP Basic)")
      if (options.clientId !== undefined && (id !== options.clientId || secret !== options.clientSecret)) {
        return invalidClient("client not found")
      }
      const grant = new URLSearchParams(body).get("grant_type")
      if (grant !== "client_credentials") {
        return { status: 400, body: { error: "unsupported_grant_type", description: "grant_type must be client_credentials" } }
      }
      const value = randomUUID().replace(/-/g, "") + randomUUID().replace(/-/g, "")
      const now = Date.now()
      tokens.set(value, now + faults.tokenTtlSeconds * 1000)
      if (tokens.size > 10_000) for (const [t, exp] of tokens) if (exp <= now) tokens.delete(t)
      stats.tokensIssued++
      return { status: 200, body: { access_token: value, token_type: "bearer", expires_in: faults.tokenTtlSeconds } }
    }

    const authorized = (req: HttpServerRequest.HttpServerRequest): Answer | undefined => {
      const auth = req.headers["authorization"] ?? ""
      const m = /^Bearer\s+(\S+)$/i.exec(auth)
      if (m === null) return fail(401, "authentication.required", "No authentication bearer token specified in authorization header.")
      const exp = tokens.get(m[1]!)
      if (exp === undefined || exp <= Date.now()) {
        return fail(401, "bad.credentials", "Invalid login credentials.")
      }
      return undefined
    }

    const predicateMatches = (c: SimConversation, p: QueryPredicate): boolean | string => {
      if (p.type !== undefined && p.type !== "dimension") return `unsupported predicate type ${p.type}`
      if (p.dimension === undefined) return "predicate without dimension"
      const values = SimData.dimension(c, p.dimension)
      if (values === undefined) return `unsupported dimension ${p.dimension}`
      switch (p.operator ?? "matches") {
        case "exists":
          return values.length > 0
        case "notExists":
          return values.length === 0
        default:
          return p.value !== undefined && values.includes(p.value)
      }
    }

    const filterMatches = (c: SimConversation, f: QueryFilter): boolean | string => {
      const results: Array<boolean> = []
      for (const p of f.predicates ?? []) {
        const r = predicateMatches(c, p)
        if (typeof r === "string") return r
        results.push(r)
      }
      for (const clause of f.clauses ?? []) {
        const r = filterMatches(c, clause)
        if (typeof r === "string") return r
        results.push(r)
      }
      if (results.length === 0) return true
      return f.type === "and" ? results.every((x) => x) : results.some((x) => x)
    }

    const detailsQuery = (body: string): Answer => {
      let json: unknown
      try {
        json = JSON.parse(body)
      } catch {
        return fail(400, "bad.request", "The request body is not valid JSON.")
      }
      const decoded = Schema.decodeUnknownExit(ConversationQuerySchema)(json)
      if (Exit.isFailure(decoded)) {
        return fail(400, "bad.request", `Invalid conversation query: ${String(Exit.isFailure(decoded) ? decoded.cause : "")}`.slice(0, 500))
      }
      const q = decoded.value
      const [a, b, extra] = q.interval.split("/")
      const fromMs = Date.parse(a ?? "")
      const toMs = Date.parse(b ?? "")
      if (extra !== undefined || Number.isNaN(fromMs) || Number.isNaN(toMs) || toMs <= fromMs) {
        return fail(400, "bad.request", `Invalid interval ${JSON.stringify(q.interval)}: expected <ISO-8601 start>/<ISO-8601 end>.`)
      }
      const pageSize = q.paging?.pageSize ?? 25
      const pageNumber = q.paging?.pageNumber ?? 1
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > DetailsMaxPageSize) {
        return fail(400, "bad.request", `paging.pageSize must be between 1 and ${DetailsMaxPageSize}.`)
      }
      if (!Number.isInteger(pageNumber) || pageNumber < 1) return fail(400, "bad.request", "paging.pageNumber must be at least 1.")
      if ((pageNumber - 1) * pageSize >= pagingLimit) {
        return fail(
          400,
          "bad.request",
          `Paging beyond ${pagingLimit} results is not supported (pageNumber ${pageNumber} × pageSize ${pageSize}); narrow the interval.`
        )
      }
      const key = JSON.stringify([fromMs, toMs, q.order ?? "asc", q.orderBy ?? "conversationStart", q.segmentFilters ?? [], q.conversationFilters ?? []])
      let matches = queryCache.get(key)
      if (matches === undefined) {
        const filters = [...(q.segmentFilters ?? []), ...(q.conversationFilters ?? [])]
        const out: Array<SimConversation> = []
        for (const c of data.touching(fromMs, toMs)) {
          let ok = true
          for (const f of filters) {
            const r = filterMatches(c, f)
            if (typeof r === "string") return fail(400, "bad.request", `Invalid filter: ${r}.`)
            if (!r) {
              ok = false
              break
            }
          }
          if (ok) out.push(c)
        }
        if (q.orderBy === "conversationEnd") out.sort((x, y) => x.endMs - y.endMs || (x.id < y.id ? -1 : 1))
        if (q.order === "desc") out.reverse()
        matches = out
        queryCache.set(key, matches)
        if (queryCache.size > 32) queryCache.delete(queryCache.keys().next().value!)
      }
      const page = matches.slice((pageNumber - 1) * pageSize, pageNumber * pageSize)
      return {
        status: 200,
        body: page.length === 0 ? { totalHits: matches.length } : {
          conversations: page.map(SimData.analyticsConversation),
          totalHits: matches.length
        }
      }
    }

    const notFound = (what: string): Answer => fail(404, "not.found", `${what} not found.`)

    const recording = (conversationId: string, recordingId: string): Answer => {
      const c = data.get(conversationId)
      if (c === undefined) return notFound(`Conversation ${conversationId}`)
      const key = `${conversationId}/${recordingId}`
      if (!c.transcriptIds.includes(recordingId)) return notFound(`Recording ${recordingId}`)
      const fetches = (recordingFetches.get(key) ?? 0) + 1
      recordingFetches.set(key, fetches)
      if (fetches <= faults.notReady) {
        stats.notReady++
        return {
          status: 202,
          body: { id: recordingId, conversationId, media: SimData.recordingMedia(c), fileState: "UPLOADING" }
        }
      }
      return { status: 200, body: data.recording(c, recordingId) }
    }

    /** Cursor paging of the STA lists: `nextPage` is an offset. */
    const listing = (path: string, entities: ReadonlyArray<unknown>, url: URL): Answer => {
      const requested = Number(url.searchParams.get("pageSize") ?? "20")
      const pageSize = Number.isInteger(requested) && requested >= 1 ? Math.min(requested, 500) : 20
      const cursor = url.searchParams.get("nextPage")
      const offset = cursor === null ? 0 : Number(Buffer.from(cursor, "base64url").toString("utf8"))
      if (!Number.isInteger(offset) || offset < 0) return fail(400, "bad.request", "Invalid nextPage.")
      const page = entities.slice(offset, offset + pageSize)
      const next = offset + pageSize < entities.length
        ? `${path}?pageSize=${pageSize}&nextPage=${Buffer.from(String(offset + pageSize)).toString("base64url")}`
        : undefined
      return {
        status: 200,
        body: {
          entities: page,
          pageSize,
          selfUri: `${path}?pageSize=${pageSize}`,
          ...(next === undefined ? {} : { nextUri: next }),
          pageCount: Math.ceil(entities.length / pageSize)
        }
      }
    }

    const route = (method: string, path: string): { route: SimRoute; params: ReadonlyArray<string> } | undefined => {
      if (method === "POST" && path === "/oauth/token") return { route: "token", params: [] }
      if (method === "POST" && path === "/api/v2/analytics/conversations/details/query") return { route: "conversations.query", params: [] }
      if (method === "GET") {
        let m = /^\/api\/v2\/conversations\/([^/]+)\/recordingmetadata$/.exec(path)
        if (m !== null) return { route: "recordingmetadata", params: [decodeURIComponent(m[1]!)] }
        m = /^\/api\/v2\/conversations\/([^/]+)\/recordings\/([^/]+)$/.exec(path)
        if (m !== null) return { route: "recording", params: [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)] }
        if (path === "/api/v2/speechandtextanalytics/topics") return { route: "sta.topics", params: [] }
        m = /^\/api\/v2\/speechandtextanalytics\/topics\/([^/]+)$/.exec(path)
        if (m !== null) return { route: "sta.topic", params: [decodeURIComponent(m[1]!)] }
        if (path === "/api/v2/speechandtextanalytics/programs") return { route: "sta.programs", params: [] }
        if (path === "/api/v2/speechandtextanalytics/programs/mappings") return { route: "sta.mappings", params: [] }
      }
      return undefined
    }

    const serve = (r: SimRoute, params: ReadonlyArray<string>, url: URL, body: string): Answer => {
      switch (r) {
        case "token":
          return Empty
        case "conversations.query":
          return detailsQuery(body)
        case "recordingmetadata": {
          const c = data.get(params[0]!)
          return c === undefined ? notFound(`Conversation ${params[0]}`) : { status: 200, body: data.recordingMetadata(c) }
        }
        case "recording":
          return recording(params[0]!, params[1]!)
        case "sta.topics": {
          const topics = data.staTopics()
          const entities = options.topicListing === "listed"
            ? topics.map(({ phrases: _phrases, ...listed }) => listed)
            : topics
          return listing("/api/v2/speechandtextanalytics/topics", entities, url)
        }
        case "sta.topic": {
          const t = data.staTopics().find((x) => x.id === params[0])
          return t === undefined ? notFound(`Topic ${params[0]}`) : { status: 200, body: t }
        }
        case "sta.programs":
          return listing("/api/v2/speechandtextanalytics/programs", data.staPrograms(), url)
        case "sta.mappings":
          return listing("/api/v2/speechandtextanalytics/programs/mappings", data.staProgramMappings(), url)
      }
    }

    const respond = (a: Answer, extraHeaders: Record<string, string> = {}) => {
      stats.byStatus[String(a.status)] = (stats.byStatus[String(a.status)] ?? 0) + 1
      const headers = { ...extraHeaders, ...a.headers }
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
      pagingLimit
    }

    const handler = Effect.gen(function*() {
      const req = yield* HttpServerRequest.HttpServerRequest
      const url = new URL(req.url, "http://sim.invalid")
      if (req.method === "GET" && url.pathname === "/__sim/stats") {
        return HttpServerResponse.jsonUnsafe({ ...stats, faults, info })
      }
      if (req.method === "GET" && url.pathname === "/__sim/arrivals") return HttpServerResponse.jsonUnsafe(arrivals)
      if (req.method === "GET" && url.pathname === "/__sim/health") return HttpServerResponse.text("ok\n")
      const matched = route(req.method, url.pathname)
      const body = req.method === "POST" ? yield* req.text.pipe(Effect.orElseSucceed(() => "")) : ""
      if (matched === undefined) {
        stats.byStatus["404"] = (stats.byStatus["404"] ?? 0) + 1
        return respond(fail(404, "not.found", `No resource ${req.method} ${url.pathname}.`))
      }
      const arrivedAt = Date.now()
      arrive(matched.route, arrivedAt)

      // Faults: latency, stalls.
      const f = faults
      const delay = Math.max(0, f.latencyMs + (f.jitterMs > 0 ? (random() * 2 - 1) * f.jitterMs : 0))
      const stall = f.stallRate > 0 && random() < f.stallRate
      if (stall) stats.stalled++
      if (delay + (stall ? f.stallMs : 0) > 0) yield* Effect.sleep(Math.round(delay + (stall ? f.stallMs : 0)))

      if (matched.route === "token") return respond(token(req, body))

      const denied = authorized(req)
      if (denied !== undefined) {
        stats.unauthorized++
        return respond(denied)
      }

      // Rate limit: fixed 1-second windows of API requests.
      let rateHeaders: Record<string, string> = {}
      if (f.rateLimit > 0) {
        const second = Math.floor(arrivedAt / 1000)
        if (window.second !== second) window = { second, count: 0 }
        window.count++
        const resetSeconds = Math.max(1, Math.ceil(((second + 1) * 1000 - arrivedAt) / 1000))
        rateHeaders = {
          "inin-ratelimit-allowed": String(f.rateLimit),
          "inin-ratelimit-count": String(window.count),
          "inin-ratelimit-reset": String(resetSeconds)
        }
        if (window.count > f.rateLimit) {
          stats.throttled++
          const now = Date.now()
          lastThrottleAt = now
          retryBlockedUntil = Math.max(retryBlockedUntil, now + resetSeconds * 1000)
          return respond(
            fail(429, "too.many.requests", `Rate limit exceeded the maximum. [${f.rateLimit}] requests for [1] seconds`, {
              "retry-after": String(resetSeconds)
            }),
            rateHeaders
          )
        }
      }

      if (f.errorRate > 0 && random() < f.errorRate) {
        stats.errors++
        const status = [503, 500, 502][Math.floor(random() * 3)]!
        const code = status === 503 ? "service.unavailable" : status === 502 ? "bad.gateway" : "internal.server.error"
        return respond(fail(status, code, "The service is currently unavailable (simulated fault)."), rateHeaders)
      }

      const answer = serve(matched.route, matched.params, url, body)
      const mutated = answer.status === 200 && options.mutateResponse !== undefined
        ? { ...answer, body: options.mutateResponse(matched.route, answer.body) }
        : answer
      return respond(mutated, rateHeaders)
    })

    const nodeServer = createServer()
    // Arrivals are timed as early as possible (before the request is handed to Effect), so a
    // busy event loop does not make requests look closer together than they came.
    nodeServer.on("request", (req: { url?: string }) => {
      if (req.url === undefined || req.url.startsWith("/__sim/")) return
      const now = Date.now()
      arrivals.push(now)
      if (arrivals.length > 10_000) arrivals.splice(0, arrivals.length - 10_000)
      recent.push(now)
      while (recent.length > 0 && recent[0]! <= now - 1000) recent.shift()
      if (recent.length > stats.maxPerSecond) stats.maxPerSecond = recent.length
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
        recent.length = 0
        arrivals.length = 0
        lastThrottleAt = 0
        retryBlockedUntil = 0
      },
      faults: () => faults,
      configure: (partial) => {
        faults = { ...faults, ...partial }
      },
      expireTokens: () => tokens.clear()
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
