import { ConfigProvider, Effect, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { defaultLoginUrl, PlatformSettingsConfig } from "../../../src/platform/PlatformConfig.ts"
import { GenesysRegions } from "../../../src/platform/regions.ts"
import { describeSettings } from "../../../src/platform/PlatformClient.ts"

const read = (env: Record<string, string>) =>
  Effect.runPromise(
    Effect.exit(PlatformSettingsConfig.parse(ConfigProvider.fromEnv({ env })))
  )

const base = {
  PLATFORM_API_URL: "https://api.mypurecloud.de/",
  PLATFORM_CLIENT_ID: "client-1",
  PLATFORM_CLIENT_SECRET: "very-secret"
}

describe("PlatformSettingsConfig", () => {
  it("reads the environment with defaults; the login host follows the region", async () => {
    const exit = await read(base)
    expect(exit._tag).toBe("Success")
    if (exit._tag !== "Success") return
    const s = exit.value
    expect(s).toMatchObject({
      apiUrl: "https://api.mypurecloud.de",
      loginUrl: "https://login.mypurecloud.de",
      clientId: "client-1",
      pageSize: 100,
      rateLimitPerMinute: 300,
      timeoutMs: 30_000,
      maxRetries: 5,
      pagingLimit: 100_000
    })
    expect(Redacted.value(s.clientSecret)).toBe("very-secret")
    expect(String(s.clientSecret)).not.toContain("very-secret")
    expect(JSON.stringify(s)).not.toContain("very-secret")
    expect(describeSettings(s)).not.toContain("very-secret")
  })

  it("takes explicit values; the simulator is its own login host", async () => {
    const exit = await read({
      ...base,
      PLATFORM_API_URL: "http://127.0.0.1:8787",
      PLATFORM_PAGE_SIZE: "50",
      PLATFORM_RATE_LIMIT_PER_MINUTE: "150",
      PLATFORM_TIMEOUT_MS: "1500"
    })
    expect(exit._tag === "Success" && exit.value).toMatchObject({
      apiUrl: "http://127.0.0.1:8787",
      loginUrl: "http://127.0.0.1:8787",
      pageSize: 50,
      rateLimitPerMinute: 150,
      timeoutMs: 1_500
    })
    expect(defaultLoginUrl("https://api.usw2.pure.cloud")).toBe("https://login.usw2.pure.cloud")
  })

  it("a region by name gives the API and OAuth hosts of that region, as the SDK lists them", async () => {
    const region = { PLATFORM_CLIENT_ID: "client-1", PLATFORM_CLIENT_SECRET: "very-secret" }
    for (const [name, api, login] of [
      ["mypurecloud.com", "https://api.mypurecloud.com", "https://login.mypurecloud.com"],
      ["mypurecloud.ie", "https://api.mypurecloud.ie", "https://login.mypurecloud.ie"],
      ["usw2.pure.cloud", "https://api.usw2.pure.cloud", "https://login.usw2.pure.cloud"],
      ["MyPureCloud.DE", "https://api.mypurecloud.de", "https://login.mypurecloud.de"],
      ["apne2.pure.cloud", "https://api.apne2.pure.cloud", "https://login.apne2.pure.cloud"],
      ["eu-west-2", "https://api.euw2.pure.cloud", "https://login.euw2.pure.cloud"],
      ["ap_southeast_2", "https://api.mypurecloud.com.au", "https://login.mypurecloud.com.au"]
    ] as const) {
      const exit = await read({ ...region, PLATFORM_REGION: name })
      expect(exit._tag === "Success" && { apiUrl: exit.value.apiUrl, loginUrl: exit.value.loginUrl }).toEqual({ apiUrl: api, loginUrl: login })
    }
    // Every region of the official SDK is known.
    const sdkRegions = new URL("../../../node_modules/purecloud-platform-client-v2/src/purecloud-platform-client-v2/PureCloudRegionHosts.js", import.meta.url)
    const { default: sdkHosts } = await import(sdkRegions.href) as { default: Record<string, string> }
    expect(GenesysRegions).toEqual(sdkHosts)
    // The OAuth host can still be given.
    const login = await read({ ...region, PLATFORM_REGION: "mypurecloud.ie", PLATFORM_LOGIN_URL: "https://sso.example/" })
    expect(login._tag === "Success" && login.value.loginUrl).toBe("https://sso.example")
  })

  it("refuses an unknown region naming the key and listing the known ones, a region with an API URL, and neither", async () => {
    const bad = await read({ PLATFORM_CLIENT_ID: "client-1", PLATFORM_CLIENT_SECRET: "very-secret", PLATFORM_REGION: "mypurecloud.fr" })
    const badMessage = String(bad._tag === "Failure" ? bad.cause : "")
    expect(badMessage).toContain("PLATFORM_REGION")
    expect(badMessage).toContain(`unknown Genesys Cloud region "mypurecloud.fr": expected one of mypurecloud.com (us-east-1), mypurecloud.ie (eu-west-1)`)
    expect(badMessage).toContain("usw2.pure.cloud (us-west-2)")
    expect(badMessage).not.toContain("very-secret")

    const both = await read({ ...base, PLATFORM_REGION: "mypurecloud.ie" })
    expect(String(both._tag === "Failure" ? both.cause : "")).toContain("give the region or the API URL, not both: PLATFORM_API_URL is set")
    const neither = await read({ PLATFORM_CLIENT_ID: "client-1", PLATFORM_CLIENT_SECRET: "very-secret" })
    expect(String(neither._tag === "Failure" ? neither.cause : "")).toContain("PLATFORM_REGION (a Genesys Cloud region: mypurecloud.com (us-east-1)")
  })

  it("still takes the deprecated per-second PLATFORM_RATE_LIMIT (× 60), but not with the per-minute key", async () => {
    const old = await read({ ...base, PLATFORM_RATE_LIMIT: "2.5" })
    expect(old._tag === "Success" && old.value.rateLimitPerMinute).toBe(150)
    const both = await read({ ...base, PLATFORM_RATE_LIMIT: "2.5", PLATFORM_RATE_LIMIT_PER_MINUTE: "300" })
    expect(both._tag).toBe("Failure")
    const message = String(both._tag === "Failure" ? both.cause : "")
    expect(message).toContain("PLATFORM_RATE_LIMIT")
    expect(message).toContain("deprecated (requests per second): remove it, PLATFORM_RATE_LIMIT_PER_MINUTE is set")
  })

  it("a bad or missing value fails naming the key", async () => {
    for (const [env, key] of [
      [{ ...base, PLATFORM_PAGE_SIZE: "500" }, "PLATFORM_PAGE_SIZE"],
      [{ ...base, PLATFORM_API_URL: "ftp://x" }, "PLATFORM_API_URL"],
      [{ ...base, PLATFORM_RATE_LIMIT: "fast" }, "PLATFORM_RATE_LIMIT"],
      [{ ...base, PLATFORM_RATE_LIMIT_PER_MINUTE: "0" }, "PLATFORM_RATE_LIMIT_PER_MINUTE"],
      [{ ...base, PLATFORM_RATE_LIMIT_PER_MINUTE: "12.5" }, "PLATFORM_RATE_LIMIT_PER_MINUTE"],
      [{ PLATFORM_API_URL: base.PLATFORM_API_URL, PLATFORM_CLIENT_ID: "x" }, "PLATFORM_CLIENT_SECRET"]
    ] as const) {
      const exit = await read(env)
      expect(exit._tag).toBe("Failure")
      expect(String(exit._tag === "Failure" ? exit.cause : "")).toContain(key)
      expect(String(exit._tag === "Failure" ? exit.cause : "")).not.toContain("very-secret")
    }
  })
})
