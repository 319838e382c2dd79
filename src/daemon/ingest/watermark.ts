/**
 * Live ingestion's watermark (recovery bucket, key `ingest-watermark`): the latest conversation
 * end ingested. Handlers run four at a time in every daemon of the installation, so it moves only
 * forward (src/nats/advanceKey.ts).
 */
import type { IngestWatermark } from "../../domain/recovery.ts"
import { advanceKey } from "../../nats/advanceKey.ts"
import type { JsonKv } from "../../nats/JsonKv.ts"

export const IngestWatermarkKey = "ingest-watermark"

/** Moves the watermark to `conversation`'s end unless it already stands there or later. */
export const advanceWatermark = (marks: JsonKv<IngestWatermark>, conversation: { readonly id: string; readonly endTime: string }) =>
  advanceKey(
    marks,
    IngestWatermarkKey,
    { at: conversation.endTime, conversationId: conversation.id, updatedAt: new Date().toISOString() },
    (next, current) => Date.parse(current.at) < Date.parse(next.at)
  )
