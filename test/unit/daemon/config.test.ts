import { Effect, Exit, Layer, Redacted } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { configProviderLayer, DaemonSettingsConfig, readConfigFile } from "../../../src/daemon/config.ts"
import { NatsSettingsConfig } from "../../../src/nats/NatsConfig.ts"
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

  /** The message a bad file stops the daemon with. */
  const failure = async (path: string) => {
    const exit = await Effect.runPromiseExit(readConfigFile(path))
    expect(Exit.isFailure(exit)).toBe(true)
    return Exit.isFailure(exit) ? String(exit.cause) : ""
  }

  it("a syntax error is told by line, column and key, never by quoting the file's secrets", async () => {
    const yaml = await failure(file("bad.yaml", "NATS_USER: rewind\nCLICKHOUSE_PASSWORD: @s3cret\n"))
    expect(yaml).not.toContain("s3cret")
    expect(yaml).toContain("line 2, column 22")
    expect(yaml).toContain("CLICKHOUSE_PASSWORD")
    // An unclosed quote runs to the end of the file: the key it opened under is named.
    const quote = await failure(file("quote.yaml", "CLICKHOUSE_PASSWORD: \"s3cret\nNATS_USER: rewind\n"))
    expect(quote).not.toContain("s3cret")
    expect(quote).toContain("CLICKHOUSE_PASSWORD")
    expect(quote).toMatch(/line \d+, column \d+/)
    const json = await failure(file("bad.json", "{\n  \"NATS_USER\": \"rewind\",\n  \"NATS_PASSWORD\": hunter2\n}\n"))
    expect(json).not.toContain("hunter2")
    expect(json).toContain("line 3, column 20")
    expect(json).toContain("NATS_PASSWORD")
    // A key written without its colon may be a value: it is not quoted either.
    const noColon = await failure(file("nocolon.yaml", "NATS_PASSWORD hunter2: x\n"))
    expect(noColon).not.toContain("hunter2")
    expect(noColon).toContain("line 1")
  })

  it("values keep their text as written: leading zeros, hex, long digit runs", async () => {
    const path = file("numbers.yaml", "NATS_PASSWORD: 007007\nNATS_TOKEN: 0x1F\nNATS_USER: 123456789012345678901234\nREWIND_PAGE_SIZE: 200\nREWIND_BILLING_ENABLED: false\n")
    expect(await Effect.runPromise(readConfigFile(path))).toEqual({
      NATS_PASSWORD: "007007",
      NATS_TOKEN: "0x1F",
      NATS_USER: "123456789012345678901234",
      REWIND_PAGE_SIZE: "200",
      REWIND_BILLING_ENABLED: "false"
    })
    const nats = await Effect.runPromise(Effect.provide(NatsSettingsConfig, configProviderLayer({ REWIND_CONFIG: path }) as Layer.Layer<never>))
    expect(nats.password !== undefined && Redacted.value(nats.password)).toBe("007007")
    const daemon = await load({ REWIND_CONFIG: path })
    expect(Exit.isSuccess(daemon) && daemon.value).toMatchObject({ pageSize: 200, billingEnabled: false })
    const json = file("numbers.json", "{\"NATS_TOKEN\": 123456789012345678901234, \"REWIND_PAGE_SIZE\": 200}")
    expect(await Effect.runPromise(readConfigFile(json))).toEqual({ NATS_TOKEN: "123456789012345678901234", REWIND_PAGE_SIZE: "200" })
  })
})
