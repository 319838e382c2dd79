/**
 * What reverting a job reads: the block-topic changes the job wrote (rows of `block_topics` with
 * its job id at its version), page by page of interactions, and which of those blocks a later
 * write changed since (a later job, or a revert), so a revert leaves them alone.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { BlockKey } from "../domain/interaction.ts"
import { ClickHouse } from "./ClickHouse.ts"
import { idChunks, selectRows, tableNames } from "./sql.ts"
import type { StoreError } from "./StoreError.ts"

/** One topic a job added to (or removed from) one block. */
export interface JobTopicChange extends BlockKey {
  readonly topicId: string
  readonly removed: boolean
}

export class RevertStore extends Context.Service<RevertStore, {
  /** The interactions whose blocks the job at `version` changed, after `after` by id, at most `limit`. */
  changedInteractions(jobId: string, version: number, after: string, limit: number): Effect.Effect<ReadonlyArray<string>, StoreError>
  /** How many interactions the job at `version` changed. */
  countChangedInteractions(jobId: string, version: number): Effect.Effect<number, StoreError>
  /** Every block-topic change the job at `version` wrote to these interactions. */
  changes(jobId: string, version: number, interactionIds: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<JobTopicChange>, StoreError>
  /**
   * Blocks of these interactions with a topic row written after `version` by anyone but
   * `exceptVersion` (the revert itself): "iid\0tid\0idx" keys.
   */
  changedSince(interactionIds: ReadonlyArray<string>, version: number, exceptVersion: number): Effect.Effect<ReadonlySet<string>, StoreError>
}>()("rewind/store/RevertStore") {
  static readonly layer: Layer.Layer<RevertStore, never, ClickHouse> = Layer.effect(
    RevertStore,
    Effect.gen(function*() {
      const { client, database } = yield* ClickHouse
      const t = tableNames(database)

      const changedInteractions = Effect.fn("RevertStore.changedInteractions")(
        function*(jobId: string, version: number, after: string, limit: number) {
          const rows = yield* selectRows<[string]>(
            client,
            "RevertStore.changedInteractions",
            `SELECT DISTINCT interaction_id FROM ${t.blockTopics}
  WHERE job_id = {jobId:String} AND version = {version:UInt64} AND interaction_id > {after:String}
  ORDER BY interaction_id
  LIMIT {limit:UInt32}`,
            { jobId, version, after, limit }
          )
          return rows.map((r) => r[0])
        }
      )

      const countChangedInteractions = Effect.fn("RevertStore.countChangedInteractions")(function*(jobId: string, version: number) {
        const rows = yield* selectRows<[number | string]>(
          client,
          "RevertStore.countChangedInteractions",
          `SELECT uniqExact(interaction_id) FROM ${t.blockTopics} WHERE job_id = {jobId:String} AND version = {version:UInt64}`,
          { jobId, version }
        )
        return Number(rows[0]?.[0] ?? 0)
      })

      const changes = Effect.fn("RevertStore.changes")(function*(jobId: string, version: number, interactionIds: ReadonlyArray<string>) {
        const out: Array<JobTopicChange> = []
        for (const ids of idChunks(interactionIds)) {
          const rows = yield* selectRows<[string, string, number, string, number]>(
            client,
            "RevertStore.changes",
            `SELECT interaction_id, transcript_id, block_index, topic_id, argMax(is_deleted, version)
  FROM ${t.blockTopics}
  WHERE job_id = {jobId:String} AND version = {version:UInt64} AND interaction_id IN {ids:Array(String)}
  GROUP BY interaction_id, transcript_id, block_index, topic_id
  ORDER BY interaction_id, transcript_id, block_index, topic_id`,
            { jobId, version, ids }
          )
          for (const [interactionId, transcriptId, blockIndex, topicId, deleted] of rows) {
            out.push({ interactionId, transcriptId, blockIndex: Number(blockIndex), topicId, removed: Number(deleted) === 1 })
          }
        }
        return out
      })

      const changedSince = Effect.fn("RevertStore.changedSince")(
        function*(interactionIds: ReadonlyArray<string>, version: number, exceptVersion: number) {
          const out = new Set<string>()
          for (const ids of idChunks(interactionIds)) {
            const rows = yield* selectRows<[string, string, number]>(
              client,
              "RevertStore.changedSince",
              `SELECT DISTINCT interaction_id, transcript_id, block_index FROM ${t.blockTopics}
  WHERE interaction_id IN {ids:Array(String)} AND version > {version:UInt64} AND version != {exceptVersion:UInt64}`,
              { ids, version, exceptVersion }
            )
            for (const [i, tr, b] of rows) out.add(`${i}\u0000${tr}\u0000${Number(b)}`)
          }
          return out as ReadonlySet<string>
        }
      )

      return RevertStore.of({ changedInteractions, countChangedInteractions, changes, changedSince })
    })
  )
}
