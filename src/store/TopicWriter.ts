/**
 * Writes the block-topic changes a job decided, at the job's write version.
 *
 * Per change: one `block_topics` row per added topic (is_deleted = 0) and per removed topic
 * (is_deleted = 1); the engine copies each into `block_topic_history` (a materialized view,
 * migration 6). Both tables are keyed so that a replay of the same batch (same job, version,
 * blocks and topics) collapses into the rows already written.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { BlockKey } from "../domain/interaction.ts"
import { ClickHouse } from "./ClickHouse.ts"
import { blockTopicColumns } from "./interactionRows.ts"
import { insertRows, tableNames } from "./sql.ts"
import type { StoreError } from "./StoreError.ts"

export interface BlockTopicChange {
  readonly key: BlockKey
  readonly added: ReadonlyArray<string>
  readonly removed: ReadonlyArray<string>
}

export class TopicWriter extends Context.Service<TopicWriter, {
  /**
   * Write one batch of block topic changes made by a job at `version`. Idempotent on replay; with
   * `dedupToken` (the batch's identity) a replay is not even stored again.
   */
  write(jobId: string, version: number, changes: ReadonlyArray<BlockTopicChange>, dedupToken?: string): Effect.Effect<void, StoreError>
}>()("rewind/store/TopicWriter") {
  static readonly layer: Layer.Layer<TopicWriter, never, ClickHouse> = Layer.effect(
    TopicWriter,
    Effect.gen(function*() {
      const { client, database } = yield* ClickHouse
      const t = tableNames(database)

      const write = Effect.fn("TopicWriter.write")(
        function*(jobId: string, version: number, changes: ReadonlyArray<BlockTopicChange>, dedupToken?: string) {
          const topics: Array<ReadonlyArray<unknown>> = []
          for (const { key, added, removed } of changes) {
            const k = [key.interactionId, key.transcriptId, key.blockIndex] as const
            for (const topic of added) topics.push([...k, topic, version, 0, jobId])
            for (const topic of removed) topics.push([...k, topic, version, 1, jobId])
          }
          if (topics.length === 0) return
          yield* insertRows(client, "TopicWriter.write", t.blockTopics, blockTopicColumns, topics, dedupToken)
        }
      )

      return TopicWriter.of({ write })
    })
  )
}
