import { writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Redacted } from "effect"
import { Nats } from "../../../src/nats/Nats.ts"
import { NatsSettingsConfig } from "../../../src/nats/NatsConfig.ts"
import { type NatsServerHandle, startNatsServer } from "../../helpers/natsServer.ts"
import { testNatsUrl } from "../../helpers/nats.ts"

const useNats = Effect.gen(function*() {
  yield* Nats
})

const parse = (env: Record<string, string>) => NatsSettingsConfig.parse(ConfigProvider.fromEnv({ env }))

describe("NatsSettingsConfig", () => {
  it.effect("defaults", () =>
    Effect.gen(function*() {
      const s = yield* parse({})
      expect(s).toEqual({ servers: ["nats://127.0.0.1:4222"], prefix: "rewind", replicas: 1 })
    }))

  it.effect("reads every key; secrets stay redacted", () =>
    Effect.gen(function*() {
      const creds = join(tmpdir(), `rewind-test-${process.pid}.creds`)
      writeFileSync(creds, "not really creds")
      const s = yield* parse({
        NATS_URL: "nats://a:4222, tls://b:4223,c:4224",
        REWIND_PREFIX: "acme_prod-1",
        NATS_TOKEN: "tok-secret",
        NATS_USER: "alice",
        NATS_PASSWORD: "pw-secret",
        NATS_NKEY_SEED: "SUAseed-secret",
        NATS_CREDS: creds,
        NATS_TLS_CA: creds,
        REWIND_NATS_REPLICAS: "3"
      })
      expect(s.servers).toEqual(["nats://a:4222", "tls://b:4223", "c:4224"])
      expect(s.prefix).toBe("acme_prod-1")
      expect(s.replicas).toBe(3)
      expect(s.user).toBe("alice")
      expect(s.credsFile).toBe(creds)
      expect(s.tls).toEqual({ caFile: creds })
      expect(s.token && Redacted.value(s.token)).toBe("tok-secret")
      expect(s.password && Redacted.value(s.password)).toBe("pw-secret")
      const shown = `${JSON.stringify(s)} ${String(s.token)} ${String(s.password)} ${String(s.nkeySeed)}`
      expect(shown).not.toMatch(/secret/)
    }))

  it.effect.each([
    ["REWIND_PREFIX", "Bad Prefix!"],
    ["REWIND_PREFIX", "rewind.prod"],
    ["NATS_URL", "nats://a:4222,not a url"],
    ["NATS_CREDS", "/nonexistent/user.creds"],
    ["NATS_TLS_CERT", "/nonexistent/cert.pem"],
    ["REWIND_NATS_REPLICAS", "0"],
    ["REWIND_NATS_REPLICAS", "6"],
    ["REWIND_NATS_REPLICAS", "three"]
  ] as const)("a bad %s fails naming the key", ([key, value]) =>
    Effect.gen(function*() {
      const error = yield* parse({ [key]: value }).pipe(Effect.flip)
      expect(error._tag).toBe("ConfigError")
      expect(error.message).toContain(key)
    }))
})

describe("Nats.layer", () => {
  it("the global setup's server is shared through inject and the environment", () => {
    expect(testNatsUrl()).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/)
    expect(process.env.REWIND_TEST_NATS_URL).toBe(testNatsUrl())
  })

  it.live("connects and drains", () =>
    Effect.gen(function*() {
      const { nc, names } = yield* Nats
      expect(nc.isClosed()).toBe(false)
      expect(names.prefix).toBe("conn")
    }).pipe(Effect.provide(Nats.layer({ servers: [testNatsUrl()], prefix: "conn" }))))

  it.live("an unreachable server is a NatsError that shows no password", () =>
    Effect.gen(function*() {
      const layer = Nats.layer({ servers: ["nats://bob:hunter2@127.0.0.1:1"], prefix: "x" })
      const error = yield* Effect.flip(Effect.provide(useNats, layer))
      expect(error._tag).toBe("NatsError")
      expect(error.message).toContain("cannot connect to NATS at nats://***@127.0.0.1:1")
      expect(error.message).not.toContain("hunter2")
    }))

  describe("authentication", () => {
    let tokenServer: NatsServerHandle
    let userServer: NatsServerHandle
    beforeAll(async () => {
      tokenServer = await startNatsServer({ args: ["--auth", "s3cret-token"], probe: { token: "s3cret-token" } })
      userServer = await startNatsServer({ args: ["--user", "rewind", "--pass", "pw"], probe: { user: "rewind", pass: "pw" } })
    })
    afterAll(async () => {
      await tokenServer?.stop()
      await userServer?.stop()
    })

    it.live("token", () =>
      Effect.gen(function*() {
        const ok = Nats.layer({ servers: [tokenServer.url], prefix: "a", token: Redacted.make("s3cret-token") })
        yield* Effect.provide(useNats, ok)
        const bad = Nats.layer({ servers: [tokenServer.url], prefix: "a", token: Redacted.make("wrong") })
        const error = yield* Effect.flip(Effect.provide(useNats, bad))
        expect(error.message).not.toContain("wrong")
      }))

    it.live("user and password", () =>
      Effect.gen(function*() {
        const ok = Nats.layer({ servers: [userServer.url], prefix: "a", user: "rewind", password: Redacted.make("pw") })
        yield* Effect.provide(useNats, ok)
        const bad = Nats.layer({ servers: [userServer.url], prefix: "a", user: "rewind", password: Redacted.make("nope") })
        const error = yield* Effect.flip(Effect.provide(useNats, bad))
        expect(error._tag).toBe("NatsError")
      }))
  })
})
