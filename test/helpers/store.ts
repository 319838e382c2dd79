import { Effect } from "effect"
import { ClickHouse } from "../../src/store/ClickHouse.ts"

/** Rows of the interactions table (FINAL) and distinct ids among them: equal when nothing is duplicated. */
export const interactionCounts = Effect.gen(function*() {
  const ch = yield* ClickHouse
  const rows = yield* Effect.promise(async () =>
    (await (await ch.client.query({
      query: `SELECT count() AS n, uniqExact(id) AS u FROM ${ch.database}.interactions FINAL`,
      format: "JSONEachRow"
    })).json()) as Array<{ n: string; u: string }>)
  return { rows: Number(rows[0]!.n), unique: Number(rows[0]!.u) }
})
