/**
 * Recovery bookkeeping in the store: counts per run and media type (for Grafana), and the
 * conversations whose content was not ready yet (retried by later runs until resolved).
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { RecoveryCounts } from "../domain/recovery.ts"
import { ClickHouse } from "./ClickHouse.ts"
import { fromChTime, idChunks, insertRows, nowCh, selectRows, tableNames } from "./sql.ts"
import type { StoreError } from "./StoreError.ts"

export interface PendingConversation {
  readonly conversationId: string
  readonly mediaType: string
  readonly runId: string
  /** What the platform said of the conversation (JSON), kept for the retry. */
  readonly conversation: string
  readonly firstSeen: string
  readonly attempts: number
}

/** The pending list per media type: how many conversations, and since when the oldest has been on it. */
export interface PendingSummary {
  readonly mediaType: string
  readonly conversations: number
  readonly oldestSince: string
}

export interface PendingItem {
  readonly conversationId: string
  readonly mediaType: string
  readonly conversation: string
}

export class RecoveryStore extends Context.Service<RecoveryStore, {
  /** Counts of a run per media type; recording again replaces them. */
  recordCounts(runId: string, counts: Readonly<Record<string, RecoveryCounts>>): Effect.Effect<void, StoreError>
  countsOf(runId: string): Effect.Effect<Readonly<Record<string, RecoveryCounts>>, StoreError>
  /** Marks conversations pending (content not ready), or bumps their attempts. */
  markPending(items: ReadonlyArray<PendingItem>, runId: string): Effect.Effect<void, StoreError>
  /** Unresolved pending conversations, oldest first. */
  pending(limit: number): Effect.Effect<ReadonlyArray<PendingConversation>, StoreError>
  resolvePending(conversationIds: ReadonlyArray<string>): Effect.Effect<void, StoreError>
  /** The unresolved pending conversations per media type (for monitoring). */
  pendingSummary(): Effect.Effect<ReadonlyArray<PendingSummary>, StoreError>
}>()("rewind/store/RecoveryStore") {
  static readonly layer: Layer.Layer<RecoveryStore, never, ClickHouse> = Layer.effect(
    RecoveryStore,
    Effect.gen(function*() {
      const { client, database } = yield* ClickHouse
      const t = tableNames(database)
      // Versions strictly increase within this process even within one millisecond.
      let lastVersion = 0
      const nextVersion = () => (lastVersion = Math.max(lastVersion + 1, Date.now() * 1000))

      const recordCounts = Effect.fn("RecoveryStore.recordCounts")(function*(runId: string, counts: Readonly<Record<string, RecoveryCounts>>) {
        const now = nowCh()
        const rows = Object.entries(counts).map(([media, c]) => [runId, media, c.platform, c.store, c.missing, c.recovered, c.pending, c.failed, now])
        if (rows.length === 0) return
        yield* insertRows(client, "RecoveryStore.recordCounts", t.recoveryCounts,
          ["run_id", "media_type", "platform", "store", "missing", "recovered", "pending", "failed", "recorded_at"], rows)
      })

      const countsOf = Effect.fn("RecoveryStore.countsOf")(function*(runId: string) {
        const rows = yield* selectRows<[string, number, number, number, number, number, number]>(
          client,
          "RecoveryStore.countsOf",
          `SELECT media_type, platform, store, missing, recovered, pending, failed
FROM ${t.recoveryCounts} FINAL WHERE run_id = {run:String} ORDER BY media_type`,
          { run: runId }
        )
        const out: Record<string, RecoveryCounts> = {}
        for (const [m, platform, store, missing, recovered, pending, failed] of rows) {
          out[m] = {
            platform: Number(platform), store: Number(store), missing: Number(missing),
            recovered: Number(recovered), pending: Number(pending), failed: Number(failed)
          }
        }
        return out
      })

      // The latest row of each of these conversations (any number of ids: read in chunks).
      const current = (ids: ReadonlyArray<string>) =>
        Effect.forEach(idChunks(ids), (chunk) =>
          selectRows<[string, string, string, string, number, number, string]>(
            client,
            "RecoveryStore.current",
            `SELECT conversation_id, argMax(media_type, version), argMax(run_id, version), toString(argMax(first_seen, version)),
  argMax(attempts, version), argMax(resolved, version), argMax(conversation, version)
FROM ${t.recoveryPending} WHERE conversation_id IN {ids:Array(String)} GROUP BY conversation_id`,
            { ids: chunk }
          )).pipe(Effect.map((chunks) => chunks.flat()))

      const markPending = Effect.fn("RecoveryStore.markPending")(function*(items: ReadonlyArray<PendingItem>, runId: string) {
        if (items.length === 0) return
        const existing = new Map((yield* current(items.map((i) => i.conversationId))).map((r) => [r[0], r]))
        const now = nowCh()
        yield* insertRows(client, "RecoveryStore.markPending", t.recoveryPending,
          ["conversation_id", "media_type", "run_id", "conversation", "first_seen", "attempts", "resolved", "version"],
          items.map((i) => {
            // Still pending: its first sighting and tries go on; resolved before (or never seen): anew.
            const prev = existing.get(i.conversationId)
            const open = prev !== undefined && Number(prev[5]) === 0
            return [i.conversationId, i.mediaType, runId, i.conversation, open ? prev[3] : now, open ? Number(prev[4]) + 1 : 1, 0, nextVersion()]
          }))
      })

      const pending = Effect.fn("RecoveryStore.pending")(function*(limit: number) {
        const rows = yield* selectRows<[string, string, string, string, number, string]>(
          client,
          "RecoveryStore.pending",
          `SELECT conversation_id, argMax(media_type, version) AS m, argMax(run_id, version) AS r, toString(argMax(first_seen, version)) AS f,
  argMax(attempts, version) AS a, argMax(conversation, version) AS c
FROM ${t.recoveryPending} GROUP BY conversation_id HAVING argMax(resolved, version) = 0
ORDER BY f, conversation_id LIMIT {limit:UInt32}`,
          { limit }
        )
        return rows.map(([conversationId, mediaType, runId, firstSeen, attempts, conversation]): PendingConversation => ({
          conversationId, mediaType, runId, conversation, firstSeen: fromChTime(firstSeen), attempts: Number(attempts)
        }))
      })

      const resolvePending = Effect.fn("RecoveryStore.resolvePending")(function*(conversationIds: ReadonlyArray<string>) {
        if (conversationIds.length === 0) return
        const existing = yield* current(conversationIds)
        if (existing.length === 0) return
        yield* insertRows(client, "RecoveryStore.resolvePending", t.recoveryPending,
          ["conversation_id", "media_type", "run_id", "conversation", "first_seen", "attempts", "resolved", "version"],
          existing.map((r) => [r[0], r[1], r[2], r[6], r[3], Number(r[4]), 1, nextVersion()]))
      })

      const pendingSummary = Effect.fn("RecoveryStore.pendingSummary")(function*() {
        const rows = yield* selectRows<[string, number | string, string]>(
          client,
          "RecoveryStore.pendingSummary",
          `SELECT m, count(), toString(min(f)) FROM (
  SELECT conversation_id, argMax(media_type, version) AS m, argMax(first_seen, version) AS f, argMax(resolved, version) AS r
  FROM ${t.recoveryPending} GROUP BY conversation_id
) WHERE r = 0 GROUP BY m ORDER BY m`,
          {}
        )
        return rows.map(([mediaType, n, since]): PendingSummary => ({ mediaType, conversations: Number(n), oldestSince: fromChTime(since) }))
      })

      return RecoveryStore.of({ recordCounts, countsOf, markPending, pending, resolvePending, pendingSummary })
    })
  )
}
