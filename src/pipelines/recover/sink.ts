import * as Effect from "effect/Effect"
import type { TopicModel } from "../../domain/topicModel.ts"
import { RecoveryStore } from "../../store/RecoveryStore.ts"
import { prepareForIngest } from "../ingest/detect.ts"
import type { detectorCache } from "../ingest/detectors.ts"
import { writeIngested } from "../ingest/sink.ts"
import { bump, type CountsByMedia } from "./diff.ts"
import type { Fetched } from "./fetch.ts"

/** Reasons kept per run (failures, pending): the first ones, enough to act on. */
export const MaxReasons = 100

/**
 * Sink: a batch of fetched conversations — the ready ones ingested exactly like live ones (with
 * topics under the current model), the not-ready ones recorded as pending (retried by the next
 * run), failures counted; failures and pending ones named with their reason.
 *
 * Ready and failed ones are taken off the pending list (when an earlier run left them there): a
 * pending conversation that now fails for good (its recording DELETED, no text recording, …) is
 * counted failed once, here, and not asked for again by every later run — where, read oldest
 * first with a cap, such dead entries would crowd out the real retries. One the platform could
 * not answer about is Pending (`fetchContent`), so it stays on the list.
 */
export const writeRecovered = (
  runId: string,
  model: TopicModel,
  detectors: ReturnType<typeof detectorCache>,
  counts: CountsByMedia,
  reasons: { readonly errors: Array<string>; readonly pending: Array<string> }
) => {
  const prepare = prepareForIngest(model, detectors)
  return (batch: ReadonlyArray<Fetched>) =>
    Effect.gen(function*() {
      const recovery = yield* RecoveryStore
      const ready = batch.flatMap((f) => (f._tag === "Ready" ? [f] : []))
      const pending = batch.flatMap((f) => (f._tag === "Pending" ? [f] : []))
      yield* writeIngested("recovery")(ready.map((f) => prepare(f.interaction)))
      const done = batch.filter((f) => f._tag !== "Pending")
      yield* recovery.resolvePending(done.map((f) => f.conversation.id))
      yield* recovery.markPending(
        pending.map((f) => ({ conversationId: f.conversation.id, mediaType: f.conversation.mediaType, conversation: JSON.stringify(f.conversation) })),
        runId
      )
      for (const f of batch) {
        if (f._tag === "Ready") bump(counts, f.conversation.mediaType, "recovered")
        else if (f._tag === "Pending") {
          bump(counts, f.conversation.mediaType, "pending")
          if (reasons.pending.length < MaxReasons) reasons.pending.push(f.reason)
        } else {
          bump(counts, f.conversation.mediaType, "failed")
          if (reasons.errors.length < MaxReasons) reasons.errors.push(f.error)
        }
      }
    })
}
