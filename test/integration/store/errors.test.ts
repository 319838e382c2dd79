/** The store counts its failed ClickHouse calls by operation (rewind_clickhouse_errors_total). */
import { assert, describe, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ClickHouse } from "../../../src/store/ClickHouse.ts"
import { backends } from "../../helpers/clickhouse.ts"
import { testStoreLayer } from "./storeTestLayer.ts"

describe.each(backends)("store on %s", (backend) => {
  layer(testStoreLayer("errors", backend), { timeout: 60_000 })("failed calls", (it) => {
    it.effect("are counted by operation; successful ones are not", () =>
      Effect.gen(function*() {
        const ch = yield* ClickHouse
        const before = ch.errors.counts()
        const call = (f: () => Promise<unknown>) => Effect.promise(() => f().then(() => "ok", () => "failed"))
        assert.strictEqual(yield* call(() => ch.client.query({ query: "SELECT 1", format: "JSONEachRow" }).then((r) => r.json())), "ok")
        assert.strictEqual(yield* call(() => ch.client.query({ query: `SELECT * FROM ${ch.database}.no_such_table`, format: "JSONEachRow" })), "failed")
        assert.strictEqual(yield* call(() => ch.client.insert({ table: `${ch.database}.no_such_table`, values: [{ a: 1 }], format: "JSONEachRow" })), "failed")
        assert.strictEqual(yield* call(() => ch.client.command({ query: `DROP TABLE ${ch.database}.no_such_table` })), "failed")
        assert.strictEqual(yield* call(() => ch.client.exec({ query: "SELEC 1" })), "failed")
        const after = ch.errors.counts()
        assert.deepStrictEqual(
          { read: after.read - before.read, insert: after.insert - before.insert, command: after.command - before.command },
          { read: 1, insert: 1, command: 2 }
        )
      }))
  })
})
