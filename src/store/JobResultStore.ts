/**
 * Per-interaction results of a job (outcome and newly detected topics), the source of its
 * export and outcome counts. `job_results` is a ReplacingMergeTree keyed by
 * (job_id, interaction_id): a replayed batch replaces, never duplicates; reads aggregate per
 * interaction so unmerged replays are never counted twice.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { Outcome } from "../domain/rules.ts"
import { ClickHouse } from "./ClickHouse.ts"
import { command, idChunks, insertRows, nowCh, selectRows, tableNames } from "./sql.ts"
import type { StoreError } from "./StoreError.ts"

export interface JobResultRow {
  readonly jobId: string
  readonly interactionId: string
  readonly outcome: Outcome
  readonly newTopics: ReadonlyArray<string>
}

export interface ImpactedInteraction {
  readonly interactionId: string
  readonly newTopics: ReadonlyArray<string>
}

export interface OutcomeCounts {
  readonly updated: number
  readonly unchanged: number
  readonly failed: number
}

export class JobResultStore extends Context.Service<JobResultStore, {
  /** Idempotent on replay; with `dedupToken` (the batch's identity) a replay is not even stored again. */
  write(rows: ReadonlyArray<JobResultRow>, dedupToken?: string): Effect.Effect<void, StoreError>
  /**
   * Impacted interactions (outcome 'updated') with their new topics, ordered by interactionId,
   * deduped; read in pages of `pageSize` interactions of the job (keyset on interaction_id,
   * the table's sorting key): memory stays bounded however large the job.
   */
  impactedStream(jobId: string, pageSize?: number): Stream.Stream<ImpactedInteraction, StoreError>
  outcomeCounts(jobId: string): Effect.Effect<OutcomeCounts, StoreError>
  /**
   * Per interaction, the topics of its blocks as they stood before `version` (a job's write
   * version) and at it (after that job), sorted; interactions without topics are left out.
   */
  topicsAround(
    interactionIds: ReadonlyArray<string>,
    version: number
  ): Effect.Effect<ReadonlyMap<string, { readonly previous: ReadonlyArray<string>; readonly after: ReadonlyArray<string> }>, StoreError>
  /** Remove the job's results (not the topics it applied). */
  deleteJob(jobId: string): Effect.Effect<void, StoreError>
}>()("rewind/store/JobResultStore") {
  static readonly layer: Layer.Layer<JobResultStore, never, ClickHouse> = Layer.effect(
    JobResultStore,
    Effect.gen(function*() {
      const { client, database } = yield* ClickHouse
      const t = tableNames(database)

      const write = Effect.fn("JobResultStore.write")(function*(rows: ReadonlyArray<JobResultRow>, dedupToken?: string) {
        if (rows.length === 0) return
        const at = nowCh()
        yield* insertRows(
          client,
          "JobResultStore.write",
          t.jobResults,
          ["job_id", "interaction_id", "outcome", "new_topics", "processed_at"],
          rows.map((r) => [r.jobId, r.interactionId, r.outcome, r.newTopics, at]),
          dedupToken
        )
      })

      // The latest row per interaction (a replay may not be merged yet).
      const latest = `SELECT interaction_id,
    argMax(outcome, processed_at) AS outcome,
    argMax(new_topics, processed_at) AS new_topics
  FROM ${t.jobResults}
  WHERE job_id = {jobId:String}
  GROUP BY interaction_id`

      // One page of the job's interactions after `after` (all outcomes: the key moves on even
      // through pages with nothing impacted). In key order, so the aggregation reads in order.
      const page = Effect.fn("JobResultStore.impactedPage")(function*(jobId: string, after: string, limit: number) {
        return yield* selectRows<[string, string, Array<string>]>(
          client,
          "JobResultStore.impactedPage",
          `SELECT interaction_id, argMax(outcome, processed_at), argMax(new_topics, processed_at)
  FROM ${t.jobResults}
  WHERE job_id = {jobId:String} AND interaction_id > {after:String}
  GROUP BY interaction_id
  ORDER BY interaction_id
  LIMIT {limit:UInt32}
  SETTINGS optimize_aggregation_in_order = 1`,
          { jobId, after, limit }
        )
      })

      const impactedStream = (jobId: string, pageSize = 10_000) =>
        Stream.paginate("", (after: string) =>
          Effect.map(page(jobId, after, pageSize), (rows) => {
            const impacted = rows
              .filter(([, outcome]) => outcome === "updated")
              .map(([interactionId, , newTopics]): ImpactedInteraction => ({ interactionId, newTopics }))
            const next = rows.length < pageSize ? Option.none<string>() : Option.some(rows[rows.length - 1]![0])
            return [impacted, next] as const
          }))

      const outcomeCounts = Effect.fn("JobResultStore.outcomeCounts")(function*(jobId: string) {
        const rows = yield* selectRows<[string, number | string]>(
          client,
          "JobResultStore.outcomeCounts",
          `SELECT outcome, count() FROM (${latest}) GROUP BY outcome`,
          { jobId }
        )
        const counts = { updated: 0, unchanged: 0, failed: 0 }
        for (const [outcome, n] of rows) {
          if (outcome === "updated" || outcome === "unchanged" || outcome === "failed") counts[outcome] = Number(n)
        }
        return counts as OutcomeCounts
      })

      const topicsAround = Effect.fn("JobResultStore.topicsAround")(function*(interactionIds: ReadonlyArray<string>, version: number) {
        const out = new Map<string, { previous: ReadonlyArray<string>; after: ReadonlyArray<string> }>()
        for (const ids of idChunks(interactionIds)) {
          const rows = yield* selectRows<[string, Array<string>, Array<string>]>(
            client,
            "JobResultStore.topicsAround",
            `SELECT interaction_id,
    arraySort(groupUniqArrayIf(topic_id, before_rows > 0 AND before_deleted = 0)),
    arraySort(groupUniqArrayIf(topic_id, at_deleted = 0))
  FROM (
    SELECT interaction_id, transcript_id, block_index, topic_id,
      countIf(version < {version:UInt64}) AS before_rows,
      argMaxIf(is_deleted, version, version < {version:UInt64}) AS before_deleted,
      argMax(is_deleted, version) AS at_deleted
    FROM ${t.blockTopics}
    WHERE interaction_id IN {ids:Array(String)} AND version <= {version:UInt64}
    GROUP BY interaction_id, transcript_id, block_index, topic_id
  )
  GROUP BY interaction_id`,
            { ids, version }
          )
          for (const [id, previous, after] of rows) out.set(id, { previous, after })
        }
        return out as ReadonlyMap<string, { readonly previous: ReadonlyArray<string>; readonly after: ReadonlyArray<string> }>
      })

      const deleteJob = Effect.fn("JobResultStore.deleteJob")(function*(jobId: string) {
        yield* command(client, "JobResultStore.deleteJob", `DELETE FROM ${t.jobResults} WHERE job_id = {jobId:String}`, {
          jobId
        })
      })

      return JobResultStore.of({ write, impactedStream, outcomeCounts, topicsAround, deleteJob })
    })
  )
}
