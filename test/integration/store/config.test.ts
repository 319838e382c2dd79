/** ClickHouse settings from the environment, and the store they lead to: embedded, or a server. */
import { existsSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"
import { ClickHouse } from "../../../src/store/ClickHouse.ts"
import { ClickHouseSettingsConfig, embeddedPath } from "../../../src/store/ClickHouseConfig.ts"
import { freePort } from "../../../src/process/childServer.ts"
import { testClickHouseUrl, uniqueDatabase } from "../../helpers/clickhouse.ts"
import { tempDataDir } from "./storeTestLayer.ts"

const dataDir = tempDataDir("config")
const parse = (env: Record<string, string>) => ClickHouseSettingsConfig.parse(ConfigProvider.fromEnvRecord(env))

describe("ClickHouseSettingsConfig", () => {
  it.effect("defaults: embedded engine, database rewind, data under .rewind/data", () =>
    Effect.gen(function*() {
      const s = yield* parse({})
      assert.deepStrictEqual(s, { user: "default", database: "rewind", dataDir: ".rewind/data" })
      assert.strictEqual(embeddedPath(s), ".rewind/data/clickhouse")
      // An empty URL means "not set".
      assert.isUndefined((yield* parse({ CLICKHOUSE_URL: "" })).url)
    }))

  it.effect("a server with credentials; the password stays redacted", () =>
    Effect.gen(function*() {
      const s = yield* parse({
        CLICKHOUSE_URL: "https://ch.example.com:8443",
        CLICKHOUSE_USER: "rewind",
        CLICKHOUSE_PASSWORD: "s3cret",
        CLICKHOUSE_DATABASE: "analytics_2",
        REWIND_DATA_DIR: "/var/lib/rewind"
      })
      assert.strictEqual(s.url, "https://ch.example.com:8443")
      assert.strictEqual(s.user, "rewind")
      assert.strictEqual(s.database, "analytics_2")
      assert.strictEqual(s.dataDir, "/var/lib/rewind")
      assert.isTrue(s.password !== undefined && Redacted.value(s.password) === "s3cret")
      assert.notInclude(String(s.password), "s3cret")
      assert.notInclude(JSON.stringify(s), "s3cret")
    }))

  it.effect("rejects a database name that is not an identifier, and a URL that is not http(s), naming the key", () =>
    Effect.gen(function*() {
      const bad = yield* Effect.flip(parse({ CLICKHOUSE_DATABASE: "rewind; DROP DATABASE x" }))
      assert.include(String(bad), "CLICKHOUSE_DATABASE")
      const badUrl = yield* Effect.flip(parse({ CLICKHOUSE_URL: "localhost:8123" }))
      assert.include(String(badUrl), "CLICKHOUSE_URL")
    }))

  it.effect("REWIND_CLICKHOUSE_CLUSTER names the server's cluster; empty or unset is one server", () =>
    Effect.gen(function*() {
      const server = { CLICKHOUSE_URL: "http://ch-1.example.com:8123" }
      assert.strictEqual((yield* parse({ ...server, REWIND_CLICKHOUSE_CLUSTER: "rewind_replicas" })).cluster, "rewind_replicas")
      assert.strictEqual((yield* parse({ ...server, REWIND_CLICKHOUSE_CLUSTER: "ch-prod_2" })).cluster, "ch-prod_2")
      assert.isFalse("cluster" in (yield* parse({ ...server, REWIND_CLICKHOUSE_CLUSTER: "" })))
      assert.isFalse("cluster" in (yield* parse(server)))
    }))

  it.effect("rejects a cluster name that is not an identifier (it is put into DDL, never a parameter), naming the key", () =>
    Effect.gen(function*() {
      for (const bad of ["my cluster", "c'; DROP DATABASE x; --", "`c`", "{cluster}", "1st", "c.d"]) {
        const error = String(yield* Effect.flip(parse({ CLICKHOUSE_URL: "http://ch-1.example.com:8123", REWIND_CLICKHOUSE_CLUSTER: bad })))
        assert.include(error, "REWIND_CLICKHOUSE_CLUSTER", bad)
        assert.include(error, "expected the name of a cluster", bad)
      }
    }))

  it.effect("rejects a cluster without a server, naming the key", () =>
    Effect.gen(function*() {
      const error = String(yield* Effect.flip(parse({ REWIND_CLICKHOUSE_CLUSTER: "rewind_replicas" })))
      assert.include(error, "REWIND_CLICKHOUSE_CLUSTER")
      assert.include(error, "set CLICKHOUSE_URL")
    }))

  it.effect("layerConfig opens the embedded engine under REWIND_DATA_DIR", () =>
    Effect.gen(function*() {
      const layer = ClickHouse.layerConfig.pipe(
        Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnvRecord({ REWIND_DATA_DIR: dataDir, CLICKHOUSE_DATABASE: "cfg" })))
      )
      const { database, embedded } = yield* Effect.gen(function*() {
        return yield* ClickHouse
      }).pipe(Effect.provide(layer))
      assert.strictEqual(database, "cfg")
      assert.isTrue(embedded)
      assert.isTrue(existsSync(`${dataDir}/clickhouse`))
    }))

  it.effect("layerConfig reaches a server at CLICKHOUSE_URL and keeps nothing on disk", () =>
    Effect.gen(function*() {
      const serverDataDir = `${dataDir}/unused`
      const database = uniqueDatabase("cfg")
      const layer = ClickHouse.layerConfig.pipe(
        Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnvRecord({
          CLICKHOUSE_URL: testClickHouseUrl(),
          CLICKHOUSE_DATABASE: database,
          REWIND_DATA_DIR: serverDataDir
        })))
      )
      const tables = yield* Effect.gen(function*() {
        const { client, embedded } = yield* ClickHouse
        assert.isFalse(embedded)
        const rs = yield* Effect.promise(() => client.query({ query: "SELECT count() AS n FROM system.tables WHERE database = {db:String}", query_params: { db: database }, format: "JSONEachRow" }))
        return (yield* Effect.promise(() => rs.json<{ n: number }>()))[0]!.n
      }).pipe(Effect.provide(layer))
      assert.isAbove(tables, 5, "migrated")
      assert.isFalse(existsSync(serverDataDir))
    }))

  it.effect("a server that does not answer fails the start, naming its origin and never the password", () =>
    Effect.gen(function*() {
      const port = yield* Effect.promise(() => freePort())
      const error = yield* Effect.flip(
        Effect.scoped(Layer.build(ClickHouse.layer({
          url: `http://rewind:url-s3cret@127.0.0.1:${port}`,
          user: "rewind",
          password: Redacted.make("s3cret"),
          database: "rewind",
          dataDir
        })))
      )
      assert.strictEqual(error._tag, "StoreError")
      assert.include(error.message, `cannot reach ClickHouse at http://127.0.0.1:${port}`)
      assert.notInclude(error.message, "s3cret")
    }))
})
