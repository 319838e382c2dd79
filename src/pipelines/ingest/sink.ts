import * as Effect from "effect/Effect"
import { InteractionStore, type InteractionSource } from "../../store/InteractionStore.ts"
import type { Ingestible } from "./detect.ts"

/** Version of ingested topics: the same as the seed's, below every job's write version. */
export const IngestTopicVersion = 0

/**
 * Sink: write interactions with their transcripts and detected topics. Idempotent — every row
 * is keyed — so ingesting the same conversation twice (a replay, a second run) leaves one copy.
 */
export const writeIngested = (source: InteractionSource) => (batch: ReadonlyArray<Ingestible>) =>
  Effect.gen(function*() {
    if (batch.length === 0) return
    const store = yield* InteractionStore
    yield* store.insertInteractions(
      batch.map((b) => b.interaction),
      source,
      batch.flatMap((b) => b.topics),
      IngestTopicVersion
    )
  })
