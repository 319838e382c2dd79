/**
 * Live ingestion's watermark (recovery bucket, key `ingest-watermark`): the latest conversation
 * end ingested. Handlers run four at a time, in every daemon of the installation, so it only ever
 * moves forward by compare-and-set: a read then a plain write let a handler holding an older
 * conversation put the mark back over a newer one another had just written.
 */
import { Effect, Option } from "effect"
import type { IngestWatermark } from "../../domain/recovery.ts"
import type { JsonKv } from "../../nats/JsonKv.ts"

export const IngestWatermarkKey = "ingest-watermark"

/** Moves the watermark to `conversation`'s end unless it already stands there or later. */
export const advanceWatermark = (marks: JsonKv<IngestWatermark>, conversation: { readonly id: string; readonly endTime: string }) =>
  Effect.gen(function*() {
    const next: IngestWatermark = { at: conversation.endTime, conversationId: conversation.id, updatedAt: new Date().toISOString() }
    const later = (current: IngestWatermark) => Date.parse(current.at) < Date.parse(next.at) ? next : undefined
    // Created by the first conversation ever ingested; else moved forward. The key deleted between
    // the two (by hand): created again.
    for (let attempt = 0; attempt < 10; attempt++) {
      if (Option.isSome(yield* marks.create(IngestWatermarkKey, next))) return
      if (Option.isSome(yield* marks.modify(IngestWatermarkKey, later))) return
    }
    return yield* Effect.die(new Error(`${marks.bucket}/${IngestWatermarkKey}: created and deleted under every attempt`))
  })
