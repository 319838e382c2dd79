import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { Command, Flag } from "effect/cli"
import { DetailsMaxIntervalDays } from "../platform/genesys.ts"
import { checkMissingShare } from "../seed/missing.ts"
import { SimRoutes } from "../sim/routes.ts"
import { DefaultFaults, DefaultSimData, makeSim, type SimRoute } from "../sim/server.ts"
import { fail } from "./output.ts"

const between = (name: string, value: number, min: number, max: number): string | undefined =>
  Number.isFinite(value) && value >= min && value <= max ? undefined : `--${name} must be between ${min} and ${max}, got ${value}`

const routesOf = (list: string): Array<SimRoute> => list.split(",").map((r) => r.trim()).filter((r) => r !== "") as Array<SimRoute>

const badRoutes = (list: string): string | undefined => {
  const unknown = routesOf(list).filter((r) => !SimRoutes.includes(r))
  return unknown.length === 0 ? undefined : `--fault-routes: unknown route ${unknown.join(", ")}; the routes: ${SimRoutes.join(", ")}`
}

/** A share (0..1) of something, as a flag. */
const share = (name: string, of: string, fallback: number) =>
  Flag.Finite(name).pipe(Flag.withDescription(`Share (0..1) of ${of}`), Flag.withDefault(fallback))

export const simFlags = {
  port: Flag.Int("port").pipe(Flag.withDescription("Port to listen on (0 = a free port)"), Flag.withDefault(8787)),
  host: Flag.String("host").pipe(Flag.withDescription("Address to listen on"), Flag.withDefault("127.0.0.1")),
  seed: Flag.Int("seed").pipe(Flag.withDescription("Random seed of the data (as `rewind seed`)"), Flag.withDefault(DefaultSimData.seed)),
  count: Flag.Int("count").pipe(Flag.withDescription("Conversations (as `rewind seed`)"), Flag.withDefault(DefaultSimData.count)),
  from: Flag.String("from").pipe(Flag.withDescription("Start of the period (ISO, as `rewind seed`)"), Flag.withDefault(DefaultSimData.from)),
  to: Flag.String("to").pipe(Flag.withDescription("End of the period (ISO, exclusive, as `rewind seed`)"), Flag.withDefault(DefaultSimData.to)),
  missingShare: Flag.Finite("missing-share").pipe(
    Flag.withDescription("Share (0..1) of text conversations missing from the store (seed it with the same --missing-share)"),
    Flag.withDefault(0)
  ),
  openShare: share(
    "open-share",
    "text conversations (chat, email, messaging) still open on the platform: listed without conversationEnd, the same ones every time",
    DefaultFaults.openShare
  ),
  latencyMs: Flag.Int("latency-ms").pipe(Flag.withDescription("Latency added to every request (ms)"), Flag.withDefault(DefaultFaults.latencyMs)),
  jitterMs: Flag.Int("jitter-ms").pipe(Flag.withDescription("± jitter around the latency (ms)"), Flag.withDefault(DefaultFaults.jitterMs)),
  errorRate: share("error-rate", "API requests answered 5xx", DefaultFaults.errorRate),
  htmlErrorRate: share("html-error-rate", "API requests answered 502 with an HTML page, as a proxy in front of the platform answers", DefaultFaults.htmlErrorRate),
  truncateRate: share("truncate-rate", "successful answers cut short (truncated JSON)", DefaultFaults.truncateRate),
  stallRate: share("stall-rate", "requests held for --stall-ms before the answer (slow responses)", DefaultFaults.stallRate),
  stallMs: Flag.Int("stall-ms").pipe(Flag.withDescription("How long a stalled request is held (ms)"), Flag.withDefault(DefaultFaults.stallMs)),
  faultRoutes: Flag.String("fault-routes").pipe(
    Flag.withDescription(
      "Comma-separated routes the error, HTML, truncate and stall rates hit (token, conversations.query, recordingmetadata, recording, sta.topics, …; default: all)"
    ),
    Flag.optional
  ),
  missingFieldRate: share(
    "missing-field-rate",
    "conversations described with a required field missing (details query: conversationStart; recording metadata: media)",
    DefaultFaults.missingFieldRate
  ),
  unknownMediaRate: share("unknown-media-rate", "conversations whose sessions say a media type Genesys does not document", DefaultFaults.unknownMediaRate),
  rateLimit: Flag.Int("rate-limit").pipe(
    Flag.withDescription(
      "API requests allowed per minute (per --rate-window); beyond → 429 with Retry-After. Every answer carries inin-ratelimit-allowed|count|reset " +
        "(default: unlimited; --strict: 300, as Genesys)"
    ),
    Flag.optional
  ),
  rateWindow: Flag.Int("rate-window").pipe(
    Flag.withDescription("Length of the rate-limit windows in seconds (Genesys: 60)"),
    Flag.withDefault(DefaultFaults.rateWindowSeconds)
  ),
  strict: Flag.Boolean("strict").pipe(
    Flag.withDescription(
      "Behave like Genesys where it is least convenient: leave out what its models mark optional (totalHits of an empty result, " +
        "participants' purpose, sessions' mediaType, message times) and allow 300 requests a minute unless --rate-limit says otherwise"
    ),
    Flag.withDefault(false)
  ),
  notReady: Flag.Int("not-ready").pipe(
    Flag.withDescription("The first N fetches of each recording answer 202 (content being prepared)"),
    Flag.withDefault(DefaultFaults.notReady)
  ),
  tokenTtl: Flag.Int("token-ttl").pipe(Flag.withDescription("Lifetime of issued tokens (seconds)"), Flag.withDefault(DefaultFaults.tokenTtlSeconds)),
  pagingLimit: Flag.Int("paging-limit").pipe(
    Flag.withDescription("Results one details query may page through (Genesys: 100,000)"),
    Flag.withDefault(100_000)
  ),
  maxIntervalDays: Flag.Int("max-interval-days").pipe(
    Flag.withDescription("Longest details-query interval accepted, in days; longer → 400 (0 = any)"),
    Flag.withDefault(DetailsMaxIntervalDays)
  ),
  clientId: Flag.String("client-id").pipe(Flag.withDescription("Require this OAuth client id (default: any credentials)"), Flag.optional),
  clientSecret: Flag.Redacted("client-secret").pipe(Flag.withDescription("Require this OAuth client secret"), Flag.optional),
  json: Flag.Boolean("json").pipe(Flag.withDescription("Print the start-up information as JSON"), Flag.withDefault(false))
}

export const simCommand = Command.make("sim", simFlags, (f) =>
  Effect.gen(function*() {
    const problem = between("port", f.port, 0, 65_535) ??
      (f.count < 1 ? `--count must be at least 1, got ${f.count}` : undefined) ??
      (Number.isNaN(Date.parse(f.from)) ? `--from: not an ISO instant: ${f.from}` : undefined) ??
      (Number.isNaN(Date.parse(f.to)) || Date.parse(f.to) <= Date.parse(f.from) ? `--to must be an ISO instant after --from, got ${f.to}` : undefined) ??
      (checkMissingShare(f.missingShare) === undefined ? undefined : `--missing-share must be between 0 and 1, got ${f.missingShare}`) ??
      between("open-share", f.openShare, 0, 1) ??
      between("latency-ms", f.latencyMs, 0, 600_000) ??
      between("jitter-ms", f.jitterMs, 0, 600_000) ??
      between("error-rate", f.errorRate, 0, 1) ??
      between("html-error-rate", f.htmlErrorRate, 0, 1) ??
      between("truncate-rate", f.truncateRate, 0, 1) ??
      between("stall-rate", f.stallRate, 0, 1) ??
      between("stall-ms", f.stallMs, 0, 600_000) ??
      between("missing-field-rate", f.missingFieldRate, 0, 1) ??
      between("unknown-media-rate", f.unknownMediaRate, 0, 1) ??
      (Option.isSome(f.faultRoutes) ? badRoutes(f.faultRoutes.value) : undefined) ??
      (Option.isSome(f.rateLimit) ? between("rate-limit", f.rateLimit.value, 0, 1_000_000) : undefined) ??
      between("rate-window", f.rateWindow, 1, 86_400) ??
      between("not-ready", f.notReady, 0, 1_000_000) ??
      between("token-ttl", f.tokenTtl, 1, 10_000_000) ??
      between("paging-limit", f.pagingLimit, 1, 100_000) ??
      between("max-interval-days", f.maxIntervalDays, 0, 3_660) ??
      (Option.isSome(f.clientId) !== Option.isSome(f.clientSecret) ? "--client-id and --client-secret go together" : undefined)
    if (problem !== undefined) return yield* fail(problem)

    const started = Date.now()
    const sim = yield* makeSim({
      port: f.port,
      host: f.host,
      seed: f.seed,
      count: f.count,
      from: f.from,
      to: f.to,
      missingShare: f.missingShare,
      openShare: f.openShare,
      latencyMs: f.latencyMs,
      jitterMs: f.jitterMs,
      errorRate: f.errorRate,
      htmlErrorRate: f.htmlErrorRate,
      truncateRate: f.truncateRate,
      stallRate: f.stallRate,
      stallMs: f.stallMs,
      ...(Option.isSome(f.faultRoutes) ? { faultRoutes: routesOf(f.faultRoutes.value) } : {}),
      missingFieldRate: f.missingFieldRate,
      unknownMediaRate: f.unknownMediaRate,
      ...(Option.isSome(f.rateLimit) ? { rateLimit: f.rateLimit.value } : {}),
      rateWindowSeconds: f.rateWindow,
      strict: f.strict,
      notReady: f.notReady,
      tokenTtlSeconds: f.tokenTtl,
      pagingLimit: f.pagingLimit,
      maxIntervalDays: f.maxIntervalDays,
      ...(Option.isSome(f.clientId) && Option.isSome(f.clientSecret)
        ? { clientId: f.clientId.value, clientSecret: Redacted.value(f.clientSecret.value) }
        : {})
    })
    const info = { url: sim.url, ...sim.info, faults: sim.faults(), startedInMs: Date.now() - started }
    if (f.json) {
      yield* Console.log(JSON.stringify(info))
    } else {
      const seedFlags = `--seed ${f.seed} --count ${f.count} --from ${f.from} --to ${f.to}`
      yield* Console.log(
        [
          `rewind sim: Genesys Cloud API subset on ${sim.url} — ${sim.info.conversations.toLocaleString("en-US")} conversations ` +
          `between ${f.from} and ${f.to} (seed ${f.seed}), ready in ${info.startedInMs} ms`,
          `  platform settings: PLATFORM_API_URL=${sim.url} PLATFORM_LOGIN_URL=${sim.url} PLATFORM_CLIENT_ID=${Option.getOrElse(f.clientId, () => "rewind-sim")} PLATFORM_CLIENT_SECRET=…` +
          (Option.isSome(f.clientId) ? "" : " (any credentials are accepted)"),
          `  store to match:    rewind seed ${seedFlags}${f.missingShare > 0 ? ` --missing-share ${f.missingShare}` : ""}` +
          (f.missingShare > 0 ? `  (leaves ${sim.info.missing.toLocaleString("en-US")} text conversations out: recovery finds them)` : ""),
          `  faults:            latency ${f.latencyMs}±${f.jitterMs} ms, error rate ${f.errorRate}, HTML error rate ${f.htmlErrorRate}, ` +
          `truncate rate ${f.truncateRate}, stall rate ${f.stallRate} (${f.stallMs} ms)` +
          `${Option.isSome(f.faultRoutes) ? ` on ${f.faultRoutes.value}` : ""}, missing fields ${f.missingFieldRate}, unknown media ${f.unknownMediaRate}, still open ${f.openShare}, rate limit ${sim.faults().rateLimit === 0 ? "none" : `${sim.faults().rateLimit} per ${f.rateWindow} s`}, ` +
          `not ready ${f.notReady}, token ttl ${f.tokenTtl} s, paging limit ${f.pagingLimit}, ` +
          `max interval ${f.maxIntervalDays === 0 ? "any" : `${f.maxIntervalDays} days`}${f.strict ? ", strict (optional fields left out)" : ""}`,
          `  stats:             GET ${sim.url}/__sim/stats — Ctrl-C stops`
        ].join("\n")
      )
    }
    return yield* Effect.never
  }).pipe(Effect.scoped)).pipe(
  Command.withDescription(
    "Run a Genesys Cloud API simulator (details query, recordings, STA topics) serving the seed data, with fault knobs"
  )
)
