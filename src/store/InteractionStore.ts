/**
 * Interactions, their transcript blocks and their blocks' topics: paged reads of a job's
 * scope and idempotent writes (seed, ingest, recovery).
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { comparePageKeys, type Interaction, type InteractionMeta, type PageKey, type Participant } from "../domain/interaction.ts"
import type { Scope } from "../domain/scope.ts"
import { ClickHouse } from "./ClickHouse.ts"
import { scopeCondition } from "./scopeSql.ts"
import {
  blockColumns,
  type BlockRow,
  blockTopicColumns,
  type BlockTopicRow,
  buildRows,
  interactionColumns,
  type InteractionSource,
  metaColumns,
  metaOfRow,
  type MetaRow,
  pageRange,
  topicOfRow
} from "./interactionRows.ts"
import { attemptSync, fromChTime, idChunks, insertRows, selectRows, selectTsv, tableNames, toChTime } from "./sql.ts"
import type { StoreError } from "./StoreError.ts"

export type { BlockRow, BlockTopicRow, InteractionSource } from "./interactionRows.ts"

export class InteractionStore extends Context.Service<InteractionStore, {
  /** Exact number of (deduplicated) interactions in scope. */
  countInScope(scope: Scope): Effect.Effect<number, StoreError>
  /**
   * Interactions in scope ordered by (startTime, id), strictly after `after` and up to `until`
   * (inclusive) when given, at most `limit`. Keyset paging.
   */
  pageInScope(
    scope: Scope,
    after: PageKey | undefined,
    limit: number,
    until?: PageKey
  ): Effect.Effect<ReadonlyArray<InteractionMeta>, StoreError>
  /**
   * A deterministic sample of the scope: the `size` interactions with the smallest hash of their
   * id (the same sample every time for the same data), ordered by (startTime, id).
   */
  sampleInScope(scope: Scope, size: number): Effect.Effect<ReadonlyArray<InteractionMeta>, StoreError>
  /**
   * The paging keys of the `every`-th, 2·`every`-th, … interaction in scope, in (startTime, id)
   * order: where a job's scope is cut into work items of `every` interactions.
   */
  scopeBoundaries(scope: Scope, every: number): Effect.Effect<ReadonlyArray<PageKey>, StoreError>
  /** All blocks of these interactions, ordered by interactionId, transcriptId, blockIndex. */
  loadBlocks(page: ReadonlyArray<InteractionMeta>): Effect.Effect<ReadonlyArray<BlockRow>, StoreError>
  /** Topics of these interactions' blocks as they stood before `beforeVersion` (rows with version >= beforeVersion ignored). */
  topicsBefore(
    page: ReadonlyArray<InteractionMeta>,
    beforeVersion: number
  ): Effect.Effect<ReadonlyArray<BlockTopicRow>, StoreError>
  /** Current topics (all versions). */
  currentTopics(interactionIds: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<BlockTopicRow>, StoreError>
  /** Insert interactions with transcripts, and optional initial block topics at `version` (default 0); idempotent. */
  insertInteractions(
    items: ReadonlyArray<Interaction>,
    source: InteractionSource,
    topics?: ReadonlyArray<BlockTopicRow>,
    version?: number
  ): Effect.Effect<void, StoreError>
  /** Ids of interactions whose start time is in [from, to), ascending. */
  idsInPeriod(fromIso: string, toIso: string): Effect.Effect<ReadonlyArray<string>, StoreError>
  /** Which of these ids the store holds, ascending; any number of ids (read in chunks). */
  idsIn(ids: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<string>, StoreError>
}>()("rewind/store/InteractionStore") {
  static readonly layer: Layer.Layer<InteractionStore, never, ClickHouse> = Layer.effect(
    InteractionStore,
    Effect.gen(function*() {
      const { client, database } = yield* ClickHouse
      const t = tableNames(database)

      const countInScope = Effect.fn("InteractionStore.countInScope")(function*(scope: Scope) {
        const c = yield* attemptSync("countInScope", () => scopeCondition(scope))
        const rows = yield* selectRows<[number | string]>(
          client,
          "countInScope",
          `SELECT count() FROM ${t.interactions} FINAL WHERE ${c.where}`,
          c.params
        )
        return Number(rows[0]?.[0] ?? 0)
      })

      const pageInScope = Effect.fn("InteractionStore.pageInScope")(
        function*(scope: Scope, after: PageKey | undefined, limit: number, until?: PageKey) {
          if (limit <= 0) return []
          const c = yield* attemptSync("pageInScope", () => scopeCondition(scope))
          const params = { ...c.params, limit: Math.floor(limit) }
          let keyset = ""
          if (after !== undefined) {
            // The first conjunct prunes by the sorting key; the second makes it strict.
            keyset = `
  AND start_time >= {afterTime:DateTime64(3, 'UTC')}
  AND (start_time > {afterTime:DateTime64(3, 'UTC')} OR id > {afterId:String})`
            Object.assign(params, { afterTime: yield* attemptSync("pageInScope", () => toChTime(after.startTime)), afterId: after.id })
          }
          if (until !== undefined) {
            keyset += `
  AND start_time <= {untilTime:DateTime64(3, 'UTC')}
  AND (start_time < {untilTime:DateTime64(3, 'UTC')} OR id <= {untilId:String})`
            Object.assign(params, { untilTime: yield* attemptSync("pageInScope", () => toChTime(until.startTime)), untilId: until.id })
          }
          const rows = yield* selectRows<MetaRow>(
            client,
            "pageInScope",
            `SELECT ${metaColumns} FROM ${t.interactions} FINAL
WHERE ${c.where}${keyset}
ORDER BY start_time, id
LIMIT {limit:UInt32}`,
            params
          )
          return rows.map(metaOfRow)
        }
      )

      const sampleInScope = Effect.fn("InteractionStore.sampleInScope")(function*(scope: Scope, size: number) {
        const c = yield* attemptSync("sampleInScope", () => scopeCondition(scope))
        const rows = yield* selectRows<MetaRow>(
          client,
          "sampleInScope",
          `SELECT ${metaColumns} FROM ${t.interactions} FINAL
WHERE ${c.where}
ORDER BY cityHash64(id), id
LIMIT {size:UInt32}`,
          { ...c.params, size: Math.max(0, Math.floor(size)) }
        )
        return rows.map(metaOfRow).sort((a, b) => comparePageKeys(a, b))
      })

      const scopeBoundaries = Effect.fn("InteractionStore.scopeBoundaries")(function*(scope: Scope, every: number) {
        const c = yield* attemptSync("scopeBoundaries", () => scopeCondition(scope))
        const rows = yield* selectRows<[string, string]>(
          client,
          "scopeBoundaries",
          `SELECT start_time, id FROM (
  SELECT start_time, id, row_number() OVER (ORDER BY start_time, id) AS n
  FROM ${t.interactions} FINAL
  WHERE ${c.where}
)
WHERE n % {every:UInt32} = 0
ORDER BY start_time, id`,
          { ...c.params, every: Math.max(1, Math.floor(every)) }
        )
        return rows.map(([start, id]): PageKey => ({ startTime: fromChTime(start), id }))
      })

      const loadBlocks = Effect.fn("InteractionStore.loadBlocks")(function*(page: ReadonlyArray<InteractionMeta>) {
        if (page.length === 0) return []
        const r = yield* attemptSync("loadBlocks", () => pageRange(page))
        const rows = yield* selectTsv(
          client,
          "loadBlocks",
          `SELECT interaction_id, transcript_id, block_index, participant, offset_ms, text
FROM ${t.transcriptBlocks} FINAL
WHERE start_time >= {minStart:DateTime64(3, 'UTC')} AND start_time <= {maxStart:DateTime64(3, 'UTC')}
  AND interaction_id IN {ids:Array(String)}
ORDER BY interaction_id, transcript_id, block_index`,
          r
        )
        return rows.map((r): BlockRow => ({
          interactionId: r[0]!,
          transcriptId: r[1]!,
          blockIndex: Number(r[2]),
          participant: r[3] as Participant,
          offsetMs: Number(r[4]),
          text: r[5]!
        }))
      })

      const topicsQuery = (versionFilter: string) =>
        `SELECT interaction_id, transcript_id, block_index, topic_id
FROM ${t.blockTopics}
WHERE interaction_id IN {ids:Array(String)}${versionFilter}
GROUP BY interaction_id, transcript_id, block_index, topic_id
HAVING argMax(is_deleted, version) = 0
ORDER BY interaction_id, transcript_id, block_index, topic_id`

      const topicsBefore = Effect.fn("InteractionStore.topicsBefore")(
        function*(page: ReadonlyArray<InteractionMeta>, beforeVersion: number) {
          if (page.length === 0) return []
          const rows = yield* selectTsv(
            client,
            "topicsBefore",
            topicsQuery(" AND version < {beforeVersion:UInt64}"),
            { ids: page.map((i) => i.id), beforeVersion }
          )
          return rows.map(topicOfRow)
        }
      )

      const currentTopics = Effect.fn("InteractionStore.currentTopics")(
        function*(interactionIds: ReadonlyArray<string>) {
          if (interactionIds.length === 0) return []
          const rows = yield* selectTsv(client, "currentTopics", topicsQuery(""), { ids: [...interactionIds] })
          return rows.map(topicOfRow)
        }
      )

      const insertInteractions = Effect.fn("InteractionStore.insertInteractions")(
        function*(
          items: ReadonlyArray<Interaction>,
          source: InteractionSource,
          topics: ReadonlyArray<BlockTopicRow> = [],
          version = 0
        ) {
          if (items.length === 0 && topics.length === 0) return
          const built = yield* attemptSync("insertInteractions", () => buildRows(items, source))
          // Blocks and topics first: an interaction visible to a page always has its blocks.
          yield* insertRows(client, "insertInteractions", t.transcriptBlocks, blockColumns, built.blocks)
          if (topics.length > 0) {
            yield* insertRows(
              client,
              "insertInteractions",
              t.blockTopics,
              blockTopicColumns,
              topics.map((r) => [r.interactionId, r.transcriptId, r.blockIndex, r.topicId, version, 0, ""])
            )
          }
          yield* insertRows(client, "insertInteractions", t.interactions, interactionColumns, built.interactions)
        }
      )

      const idsInPeriod = Effect.fn("InteractionStore.idsInPeriod")(function*(fromIso: string, toIso: string) {
        const params = yield* attemptSync("idsInPeriod", () => ({ from: toChTime(fromIso), to: toChTime(toIso) }))
        const rows = yield* selectTsv(
          client,
          "idsInPeriod",
          `SELECT DISTINCT id FROM ${t.interactions}
WHERE start_time >= {from:DateTime64(3, 'UTC')} AND start_time < {to:DateTime64(3, 'UTC')}
ORDER BY id`,
          params
        )
        return rows.map((r) => r[0]!)
      })

      const idsIn = Effect.fn("InteractionStore.idsIn")(function*(ids: ReadonlyArray<string>) {
        const found: Array<string> = []
        for (const chunk of idChunks(ids)) {
        const rows = yield* selectTsv(
          client,
          "idsIn",
            `SELECT DISTINCT id FROM ${t.interactions} WHERE id IN {ids:Array(String)}`,
            { ids: chunk }
        )
          for (const r of rows) found.push(r[0]!)
        }
        // The chunks hold distinct ids: nothing is found twice.
        return found.sort()
      })

      return InteractionStore.of({
        idsIn,
        countInScope,
        pageInScope,
        sampleInScope,
        scopeBoundaries,
        loadBlocks,
        topicsBefore,
        currentTopics,
        insertInteractions,
        idsInPeriod
      })
    })
  )
}
