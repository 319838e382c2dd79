/**
 * Monthly usage per job (quota metering). One row per (month, job): `record` overwrites —
 * the last value recorded wins — so recording a job's running total again is harmless.
 */
import { Context, Effect, Layer } from "effect"
import { ClickHouse } from "./ClickHouse.ts"
import { insertRows, nowCh, selectRows, tableNames } from "./sql.ts"
import type { StoreError } from "./StoreError.ts"

export class UsageStore extends Context.Service<UsageStore, {
  /** Set the interactions a job used in a month (`YYYY-MM`); idempotent, last value wins. */
  record(month: string, jobId: string, interactions: number): Effect.Effect<void, StoreError>
  /** Interactions used in a month across all jobs. */
  usedInMonth(month: string): Effect.Effect<number, StoreError>
}>()("rewind/store/UsageStore") {
  static readonly layer: Layer.Layer<UsageStore, never, ClickHouse> = Layer.effect(
    UsageStore,
    Effect.gen(function*() {
      const { client, database } = yield* ClickHouse
      const t = tableNames(database)

      const record = Effect.fn("UsageStore.record")(function*(month: string, jobId: string, interactions: number) {
        yield* insertRows(client, "UsageStore.record", t.usageMonthly, ["month", "job_id", "interactions", "recorded_at"], [
          [month, jobId, Math.max(0, Math.round(interactions)), nowCh()]
        ])
      })

      const usedInMonth = Effect.fn("UsageStore.usedInMonth")(function*(month: string) {
        const rows = yield* selectRows<[number | string]>(
          client,
          "UsageStore.usedInMonth",
          `SELECT sum(interactions) FROM ${t.usageMonthly} FINAL WHERE month = {month:String}`,
          { month }
        )
        return Number(rows[0]?.[0] ?? 0)
      })

      return UsageStore.of({ record, usedInMonth })
    })
  )
}
