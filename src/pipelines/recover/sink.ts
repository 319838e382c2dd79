import { Effect } from "effect"
import type { TopicModel } from "../../domain/topicModel.ts"
import { RecoveryStore } from "../../store/RecoveryStore.ts"
import { prepareForIngest } from "../ingest/detect.ts"
import type { detectorCache } from "../ingest/detectors.ts"
import { writeIngested } from "../ingest/sink.ts"
import { bump, type CountsByMedia } from "./diff.ts"
import type { Fetched } from "./fetch.ts"

/**
 * Sink: a batch of fetched conversations — the ready ones ingested exactly like live ones (with
 * topics under the current model), the not-ready ones recorded as pending (retried by the next
 * run), failures counted and named.
 */
export const writeRecovered = (
  runId: string,
  model: TopicModel,
  detectors: ReturnType<typeof detectorCache>,
  counts: CountsByMedia,
  errors: Array<string>
) => {
  const prepare = prepareForIngest(model, detectors)
  return (batch: ReadonlyArray<Fetched>) =>
    Effect.gen(function*() {
      const recovery = yield* RecoveryStore
      const ready = batch.flatMap((f) => (f._tag === "Ready" ? [f] : []))
      const pending = batch.flatMap((f) => (f._tag === "Pending" ? [f] : []))
      yield* writeIngested("recovery")(ready.map((f) => prepare(f.interaction)))
      yield* recovery.resolvePending(ready.map((f) => f.conversation.id))
      yield* recovery.markPending(
        pending.map((f) => ({ conversationId: f.conversation.id, mediaType: f.conversation.mediaType, conversation: JSON.stringify(f.conversation) })),
        runId
      )
      for (const f of batch) {
        if (f._tag === "Ready") bump(counts, f.conversation.mediaType, "recovered")
        else if (f._tag === "Pending") bump(counts, f.conversation.mediaType, "pending")
        else {
          bump(counts, f.conversation.mediaType, "failed")
          if (errors.length < 100) errors.push(f.error)
        }
      }
    })
}
