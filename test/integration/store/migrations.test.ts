import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { ClickHouse } from "../../../src/store/ClickHouse.ts"
import { appliedMigrations, migrate, migrations } from "../../../src/store/migrations.ts"
import { selectRows } from "../../../src/store/sql.ts"
import { UsageStore } from "../../../src/store/UsageStore.ts"
import { storeLayer } from "../../../src/store/layer.ts"
import { backends } from "../../helpers/clickhouse.ts"
import { tempDataDir, testSettings } from "./storeTestLayer.ts"

const allVersions = migrations.map((m) => m.version)

describe("migrations", () => {
  it("migration versions are unique and ascending", () => {
    assert.deepStrictEqual(allVersions, [...new Set(allVersions)].sort((a, b) => a - b))
  })
})

describe.each(backends)("store on %s", (backend) => {
  const settings = testSettings(backend, tempDataDir("migrations"))

  /** Build the store layer, run `f`, release it (closes the client). Same path or database every time. */
  const withStore = <A, E>(f: Effect.Effect<A, E, ClickHouse | UsageStore>) =>
    Effect.scoped(Layer.build(storeLayer(settings)).pipe(Effect.flatMap((ctx) => Effect.provide(f, ctx))))

  it.effect("apply at start, are recorded, and are idempotent across restarts on the same data", () =>
    Effect.gen(function*() {
      // First start: everything is applied and recorded; some data is written.
      yield* withStore(Effect.gen(function*() {
        const { client, database, embedded } = yield* ClickHouse
        assert.strictEqual(embedded, backend === "embedded")
        assert.deepStrictEqual(yield* appliedMigrations(client, database), allVersions)
        const tables = yield* selectRows<[string]>(
          client,
          "test",
          "SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name",
          { db: database }
        )
        const engine = yield* selectRows<[string]>(client, "test", "SELECT engine FROM system.databases WHERE name = {db:String}", { db: database })
        assert.deepStrictEqual(engine, [["Atomic"]])
        assert.deepStrictEqual(tables.map((r) => r[0]), [
          "block_topic_history",
          "block_topic_history_mv",
          "block_topics",
          "interactions",
          "job_results",
          "recovery_counts",
          "recovery_pending",
          "schema_migrations",
          "transcript_blocks",
          "usage_monthly"
        ])
        // Running the migrations again in the same process changes nothing.
        assert.deepStrictEqual(yield* migrate(client, database), [])
        yield* (yield* UsageStore).record("2026-03", "job-1", 42)
      }))

      // Second start on the same data: nothing new applied, nothing recorded twice, data kept.
      yield* withStore(Effect.gen(function*() {
        const { client, database } = yield* ClickHouse
        assert.deepStrictEqual(yield* appliedMigrations(client, database), allVersions)
        const recorded = yield* selectRows<[number | string]>(
          client,
          "test",
          `SELECT count() FROM \`${database}\`.schema_migrations`,
          {}
        )
        assert.strictEqual(Number(recorded[0]![0]), allVersions.length)
        assert.strictEqual(yield* (yield* UsageStore).usedInMonth("2026-03"), 42)
      }))
    }))

  it.effect("a database name that is not an identifier is refused before any SQL", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.scoped(Layer.build(ClickHouse.layer({ ...settings, database: "x; DROP TABLE y" })))
      )
      assert.strictEqual(error._tag, "StoreError")
      assert.match(error.message, /not a valid name/)
    }))
})
