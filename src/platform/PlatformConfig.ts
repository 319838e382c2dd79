/**
 * Platform connection settings (12-factor environment variables), read once at start:
 *
 * - `PLATFORM_REGION`        — the Genesys Cloud region, by domain (`mypurecloud.com`,
 *                              `mypurecloud.ie`, `usw2.pure.cloud`, …) or id (`eu-west-1`):
 *                              API `https://api.<domain>`, OAuth `https://login.<domain>`
 *                              (regions.ts: the SDK's list). An unknown one is refused, listing
 *                              the known ones.
 * - `PLATFORM_API_URL`       — instead of the region: the API base URL itself (the simulator,
 *                              `rewind sim`, or an unusual setup). Not with `PLATFORM_REGION`.
 * - `PLATFORM_LOGIN_URL`     — OAuth host. Default: the region's; with `PLATFORM_API_URL`, the
 *                              API URL with `api.` replaced by `login.`, else the API URL itself
 *                              (the simulator).
 * - `PLATFORM_CLIENT_ID`     — OAuth client (client credentials grant).
 * - `PLATFORM_CLIENT_SECRET` — secret, kept `Redacted` (never logged).
 * - `PLATFORM_PAGE_SIZE`     — details-query page size, 1..100, default 100.
 * - `PLATFORM_RATE_LIMIT_PER_MINUTE` — requests per minute this client never exceeds, default 300
 *                              (Genesys Cloud allows about 300 a minute per OAuth client); the
 *                              platform's `inin-ratelimit-*` headers and 429s slow it further.
 * - `PLATFORM_RATE_LIMIT`    — deprecated: the same in requests per second (× 60); refused when
 *                              given with `PLATFORM_RATE_LIMIT_PER_MINUTE`.
 * - `PLATFORM_TIMEOUT_MS`    — per-request timeout, default 30,000.
 * - `PLATFORM_MAX_RETRIES`   — retries of a request after 5xx/timeouts/network errors, default 5.
 * - `PLATFORM_PAGING_LIMIT`  — results one details query may page through, default 100,000
 *                              (the platform's limit; lower it only to test interval splitting).
 */
import { intBetween } from "../domain/configSchemas.ts"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { DetailsMaxPageSize, DetailsPagingLimit } from "./genesys.ts"
import { knownRegions, regionDomain, regionUrls } from "./regions.ts"

export interface PlatformSettings {
  readonly apiUrl: string
  readonly loginUrl: string
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  readonly pageSize: number
  /** Requests per minute this client never exceeds. */
  readonly rateLimitPerMinute: number
  readonly timeoutMs: number
  readonly maxRetries: number
  readonly pagingLimit: number
}

const isHttpUrl = (s: string): boolean => {
  try {
    const u = new URL(s)
    return u.protocol === "http:" || u.protocol === "https:"
  } catch {
    return false
  }
}

const HttpUrl = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((s: string) =>
      isHttpUrl(s) ? true : "expected an http(s) URL, e.g. https://api.mypurecloud.com or http://127.0.0.1:8787 (rewind sim)"
    )
  )
)


const numberBetween = (key: string, minimum: number, maximum: number) =>
  Config.schema(Schema.NumberFromString.pipe(Schema.check(Schema.isBetween({ minimum, maximum }))), key)

/** Genesys Cloud's documented budget: about 300 requests a minute per OAuth client. */
export const DefaultRateLimitPerMinute = 300

/**
 * Requests per minute: `PLATFORM_RATE_LIMIT_PER_MINUTE`, or the deprecated per-second
 * `PLATFORM_RATE_LIMIT` × 60, never both.
 */
const RateLimitPerMinuteConfig: Config.Config<number> = Config.all({
  perMinute: Config.option(intBetween("PLATFORM_RATE_LIMIT_PER_MINUTE", 1, 600_000)),
  perSecond: Config.option(numberBetween("PLATFORM_RATE_LIMIT", 0.02, 10_000))
}).pipe(
  Config.flatMap(({ perMinute, perSecond }): Config.Config<number> => {
    if (perSecond._tag === "None") return Config.succeed(perMinute._tag === "Some" ? perMinute.value : DefaultRateLimitPerMinute)
    if (perMinute._tag === "None") return Config.succeed(Math.max(1, Math.round(perSecond.value * 60)))
    return Config.schema(
      Schema.String.pipe(
        Schema.check(Schema.makeFilter(() => "deprecated (requests per second): remove it, PLATFORM_RATE_LIMIT_PER_MINUTE is set"))
      ),
      "PLATFORM_RATE_LIMIT"
    ).pipe(Config.map(() => DefaultRateLimitPerMinute))
  })
)

const trimSlash = (u: string): string => u.replace(/\/+$/, "")

/** Genesys regions: `https://api.<region>` → `https://login.<region>`; anything else: itself. */
export const defaultLoginUrl = (apiUrl: string): string => {
  const u = new URL(apiUrl)
  if (u.hostname.startsWith("api.")) u.hostname = `login.${u.hostname.slice(4)}`
  return trimSlash(u.toString())
}

/** A Genesys Cloud region, by domain or id → its domain. */
const Region = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((s: string) =>
      regionDomain(s) !== undefined ? true : `unknown Genesys Cloud region ${JSON.stringify(s)}: expected one of ${knownRegions()}`
    )
  )
)

/** The API and OAuth hosts: from `PLATFORM_REGION`, or `PLATFORM_API_URL` (+ `PLATFORM_LOGIN_URL`). */
const HostsConfig: Config.Config<{ readonly apiUrl: string; readonly loginUrl: string }> = Config.all({
  region: Config.option(Config.schema(Region, "PLATFORM_REGION")),
  apiUrl: Config.option(Config.schema(HttpUrl, "PLATFORM_API_URL")),
  loginUrl: Config.option(Config.schema(HttpUrl, "PLATFORM_LOGIN_URL"))
}).pipe(
  Config.flatMap(({ region, apiUrl, loginUrl }): Config.Config<{ readonly apiUrl: string; readonly loginUrl: string }> => {
    if (region._tag === "Some" && apiUrl._tag === "Some") {
      return Config.schema(
        Schema.String.pipe(Schema.check(Schema.makeFilter(() => "give the region or the API URL, not both: PLATFORM_API_URL is set"))),
        "PLATFORM_REGION"
      ).pipe(Config.map(() => ({ apiUrl: "", loginUrl: "" })))
    }
    if (region._tag === "None" && apiUrl._tag === "None") {
      return Config.fail(
        new ConfigProvider.SourceError({
          message: `PLATFORM_REGION (a Genesys Cloud region: ${knownRegions()}) or PLATFORM_API_URL (e.g. rewind sim's URL) is required`
        })
      )
    }
    const hosts = region._tag === "Some"
      ? regionUrls(regionDomain(region.value)!)
      : { apiUrl: trimSlash(apiUrl._tag === "Some" ? apiUrl.value : ""), loginUrl: defaultLoginUrl(apiUrl._tag === "Some" ? apiUrl.value : "") }
    return Config.succeed({ apiUrl: hosts.apiUrl, loginUrl: loginUrl._tag === "Some" ? trimSlash(loginUrl.value) : hosts.loginUrl })
  })
)

export const PlatformSettingsConfig: Config.Config<PlatformSettings> = Config.all({
  hosts: HostsConfig,
  clientId: Config.NonEmptyString("PLATFORM_CLIENT_ID"),
  clientSecret: Config.Redacted("PLATFORM_CLIENT_SECRET"),
  pageSize: intBetween("PLATFORM_PAGE_SIZE", 1, DetailsMaxPageSize).pipe(Config.withDefault(DetailsMaxPageSize)),
  rateLimitPerMinute: RateLimitPerMinuteConfig,
  timeoutMs: intBetween("PLATFORM_TIMEOUT_MS", 100, 600_000).pipe(Config.withDefault(30_000)),
  maxRetries: intBetween("PLATFORM_MAX_RETRIES", 0, 20).pipe(Config.withDefault(5)),
  pagingLimit: intBetween("PLATFORM_PAGING_LIMIT", 1, DetailsPagingLimit).pipe(Config.withDefault(DetailsPagingLimit))
}).pipe(
  Config.map((c): PlatformSettings => ({
    apiUrl: c.hosts.apiUrl,
    loginUrl: c.hosts.loginUrl,
    clientId: c.clientId,
    clientSecret: c.clientSecret,
    pageSize: c.pageSize,
    rateLimitPerMinute: c.rateLimitPerMinute,
    timeoutMs: c.timeoutMs,
    maxRetries: c.maxRetries,
    pagingLimit: c.pagingLimit
  }))
)

/** The configuration keys of the platform client (for config files' known keys). */
export const platformConfigKeys = [
  "PLATFORM_REGION", "PLATFORM_API_URL", "PLATFORM_LOGIN_URL", "PLATFORM_CLIENT_ID", "PLATFORM_CLIENT_SECRET", "PLATFORM_PAGE_SIZE",
  "PLATFORM_RATE_LIMIT_PER_MINUTE", "PLATFORM_RATE_LIMIT", "PLATFORM_TIMEOUT_MS", "PLATFORM_MAX_RETRIES", "PLATFORM_PAGING_LIMIT"
] as const
