import { Effect, Exit, Layer } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { configProviderLayer, DaemonSettingsConfig } from "../../../src/daemon/config.ts"
import { ClickHouseSettingsConfig } from "../../../src/store/ClickHouseConfig.ts"

const dir = mkdtempSync(join(tmpdir(), "rewind-config-"))
const file = (name: string, text: string) => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}
const load = (env: Record<string, string>) =>
  Effect.runPromiseExit(Effect.provide(DaemonSettingsConfig, configProviderLayer(env) as Layer.Layer<never>))

describe("daemon configuration", () => {
  it("defaults: one job at a time, pages of 500, billing on, takeover after 30 s", async () => {
    const exit = await load({})
    expect(Exit.isSuccess(exit) && exit.value).toMatchObject({ jobConcurrency: 1, pageSize: 500, billingEnabled: true, httpPort: 9464, takeoverAfterSeconds: 30 })
  })

  it("reads a YAML config file; the environment wins over it", async () => {
    const path = file("ok.yaml", "REWIND_PAGE_SIZE: 200\nREWIND_QUOTA_AGENTS: 7\nREWIND_BILLING_ENABLED: false\n")
    const exit = await load({ REWIND_CONFIG: path, REWIND_QUOTA_AGENTS: "9" })
    expect(Exit.isSuccess(exit) && exit.value).toMatchObject({ pageSize: 200, quotaAgents: 9, billingEnabled: false })
  })

  it("refuses unknown keys in the file, naming the key", async () => {
    const path = file("typo.yaml", "REWIND_PAGESIZE: 500\n")
    const exit = await load({ REWIND_CONFIG: path })
    expect(Exit.isFailure(exit) && String(exit.cause)).toContain("unknown key \"REWIND_PAGESIZE\"")
  })

  it("a config file may name the ClickHouse cluster", async () => {
    const path = file("cluster.yaml", "CLICKHOUSE_URL: http://ch-1:8123\nREWIND_CLICKHOUSE_CLUSTER: rewind_replicas\n")
    const exit = await Effect.runPromiseExit(Effect.provide(ClickHouseSettingsConfig, configProviderLayer({ REWIND_CONFIG: path }) as Layer.Layer<never>))
    expect(Exit.isSuccess(exit) && exit.value).toMatchObject({ url: "http://ch-1:8123", cluster: "rewind_replicas" })
  })

  it("a bad value names its key", async () => {
    const exit = await load({ REWIND_JOB_CONCURRENCY: "99" })
    expect(Exit.isFailure(exit) && String(exit.cause)).toContain("REWIND_JOB_CONCURRENCY")
    const bool = await load({ REWIND_BILLING_ENABLED: "maybe" })
    expect(Exit.isFailure(bool) && String(bool.cause)).toContain("REWIND_BILLING_ENABLED")
    // Pages above 500 interactions are refused rather than quietly cut down.
    const page = await load({ REWIND_PAGE_SIZE: "2000" })
    expect(Exit.isFailure(page) && String(page.cause)).toContain("REWIND_PAGE_SIZE")
    const takeover = await load({ REWIND_TAKEOVER_AFTER_SECONDS: "1" })
    expect(Exit.isFailure(takeover) && String(takeover.cause)).toContain("REWIND_TAKEOVER_AFTER_SECONDS")
  })
})
