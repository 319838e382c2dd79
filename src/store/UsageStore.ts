/**
 * Monthly usage (quota metering). One row per (month, key), the key a job run's
 * (`<jobId>@<writeVersion>`, see usageRunKey in domain/quota.ts) — rows recorded before runs were
 * told apart have the job id alone. `record` overwrites — the last value recorded wins — so
 * recording a run's running total again is harmless; a job deleted and created again under the
 * same id is another run, with rows of its own.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { runUsageWrites, usageRunKey } from "../domain/quota.ts"
import { ClickHouse } from "./ClickHouse.ts"
import { insertRows, nowCh, selectRows, tableNames } from "./sql.ts"
import type { StoreError } from "./StoreError.ts"

export class UsageStore extends Context.Service<UsageStore, {
  /** Set the interactions of `key` (a job run's key) in a month (`YYYY-MM`); idempotent, last value wins. */
  record(month: string, key: string, interactions: number): Effect.Effect<void, StoreError>
  /**
   * A job run (`jobId` at `writeVersion`) has processed `total` interactions in all, as of `month`:
   * the month is metered what the run's other months do not count already (runUsageWrites).
   * Idempotent: the same total recorded again writes the same rows.
   */
  recordRun(month: string, jobId: string, writeVersion: number, total: number): Effect.Effect<void, StoreError>
  /** Interactions used in a month across all job runs. */
  usedInMonth(month: string): Effect.Effect<number, StoreError>
}>()("rewind/store/UsageStore") {
  static readonly layer: Layer.Layer<UsageStore, never, ClickHouse> = Layer.effect(
    UsageStore,
    Effect.gen(function*() {
      const { client, database } = yield* ClickHouse
      const t = tableNames(database)
      const columns = ["month", "job_id", "interactions", "recorded_at"] as const

      const record = Effect.fn("UsageStore.record")(function*(month: string, key: string, interactions: number) {
        yield* insertRows(client, "UsageStore.record", t.usageMonthly, columns, [[month, key, Math.max(0, Math.round(interactions)), nowCh()]])
      })

      const recordRun = Effect.fn("UsageStore.recordRun")(function*(month: string, jobId: string, writeVersion: number, total: number) {
        const rows = yield* selectRows<[string, string, number | string, number | string]>(
          client,
          "UsageStore.recordRun",
          `SELECT month, job_id, interactions, toUnixTimestamp64Milli(recorded_at) FROM ${t.usageMonthly} FINAL
           WHERE job_id IN ({run:String}, {job:String})`,
          { run: usageRunKey(jobId, writeVersion), job: jobId }
        )
        const existing = rows.map(([m, key, n, at]) => ({ month: m, key, interactions: Number(n), recordedAtMs: Number(at) }))
        const now = nowCh()
        // One insert: the run's row and the unkeyed row it takes over land together.
        yield* insertRows(
          client,
          "UsageStore.recordRun",
          t.usageMonthly,
          columns,
          runUsageWrites(month, jobId, writeVersion, total, existing).map((w) => [w.month, w.key, w.interactions, now])
        )
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

      return UsageStore.of({ record, recordRun, usedInMonth })
    })
  )
}
