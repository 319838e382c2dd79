/**
 * The interaction store's rows: their types (src/store/InteractionStore.ts re-exports them), the
 * columns read and written, a row of interaction metadata or of a block's topic as read back, a
 * page's key range, and the rows a batch of interactions is inserted as (also TopicWriter's).
 */
import type { BlockKey, Direction, Interaction, InteractionMeta, Participant } from "../domain/interaction.ts"
import type { MediaType } from "../domain/media.ts"
import { fromChTime, nowCh, toChTime } from "./sql.ts"

export interface BlockRow extends BlockKey {
  readonly interactionId: string
  readonly transcriptId: string
  readonly blockIndex: number
  readonly participant: Participant
  readonly offsetMs: number
  readonly text: string
}

export interface BlockTopicRow extends BlockKey {
  readonly interactionId: string
  readonly transcriptId: string
  readonly blockIndex: number
  readonly topicId: string
}

export type InteractionSource = "seed" | "ingest" | "recovery"

export const metaColumns =
  "id, start_time, end_time, media_type, direction, queue_id, division_id, agent_ids, language, program_ids"

export type MetaRow = [
  string,
  string,
  string,
  MediaType,
  Direction,
  string,
  string,
  Array<string>,
  string,
  Array<string>
]

export const metaOfRow = (
  [id, start, end, mediaType, direction, queueId, divisionId, agentIds, language, programIds]: MetaRow
): InteractionMeta => ({
  id,
  startTime: fromChTime(start),
  endTime: fromChTime(end),
  mediaType,
  direction,
  queueId,
  divisionId,
  agentIds,
  language,
  programIds
})

export const topicOfRow = (r: ReadonlyArray<string>): BlockTopicRow => ({
  interactionId: r[0]!,
  transcriptId: r[1]!,
  blockIndex: Number(r[2]),
  topicId: r[3]!
})

/** The page's ids and the range of its start times (prunes the blocks' sorting key). */
export const pageRange = (page: ReadonlyArray<InteractionMeta>) => {
  let min = Infinity
  let max = -Infinity
  for (const i of page) {
    const ms = Date.parse(i.startTime)
    if (ms < min) min = ms
    if (ms > max) max = ms
  }
  return { minStart: toChTime(min), maxStart: toChTime(max), ids: page.map((i) => i.id) }
}

export const interactionColumns = [
  "id",
  "start_time",
  "end_time",
  "media_type",
  "direction",
  "queue_id",
  "division_id",
  "agent_ids",
  "language",
  "program_ids",
  "source",
  "ingested_at"
] as const

export const blockColumns = [
  "interaction_id",
  "start_time",
  "transcript_id",
  "block_index",
  "participant",
  "offset_ms",
  "text"
] as const

export const blockTopicColumns = [
  "interaction_id",
  "transcript_id",
  "block_index",
  "topic_id",
  "version",
  "is_deleted",
  "job_id"
] as const

export const buildRows = (items: ReadonlyArray<Interaction>, source: InteractionSource) => {
  const ingestedAt = nowCh()
  const interactions: Array<ReadonlyArray<unknown>> = []
  const blocks: Array<ReadonlyArray<unknown>> = []
  for (const i of items) {
    const start = toChTime(i.startTime)
    interactions.push([
      i.id,
      start,
      toChTime(i.endTime),
      i.mediaType,
      i.direction,
      i.queueId,
      i.divisionId,
      i.agentIds,
      i.language,
      i.programIds,
      source,
      ingestedAt
    ])
    for (const tr of i.transcripts) {
      tr.blocks.forEach((b, index) => {
        blocks.push([i.id, start, tr.id, index, b.participant, Math.max(0, Math.round(b.offsetMs)), b.text])
      })
    }
  }
  return { interactions, blocks }
}
