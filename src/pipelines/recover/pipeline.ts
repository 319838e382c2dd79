import { Effect, Stream } from "effect"
import type { MediaType } from "../../domain/media.ts"
import type { TopicModel } from "../../domain/topicModel.ts"
import { isUnreadable, type ListedConversation, type PlatformConversation } from "../../platform/convert.ts"
import type { PlatformError } from "../../platform/errors.ts"
import { PlatformClient } from "../../platform/PlatformClient.ts"
import { InteractionStore } from "../../store/InteractionStore.ts"
import { RecoveryStore } from "../../store/RecoveryStore.ts"
import { detectorCache } from "../ingest/detectors.ts"
import { type CountsByMedia, missingText } from "./diff.ts"
import { fetchContent, unreadable } from "./fetch.ts"
import { writeRecovered } from "./sink.ts"

export interface RecoverArgs<E, R> {
  readonly runId: string
  readonly from: string
  readonly to: string
  readonly mediaTypes: ReadonlyArray<MediaType>
  readonly model: TopicModel
  /** Called after each written batch with the counts so far (progress, KV, events). */
  readonly onBatch: (counts: CountsByMedia, retriedPending: number) => Effect.Effect<void, E, R>
  readonly fetchConcurrency?: number
}

export interface RecoverResult {
  readonly counts: CountsByMedia
  readonly retriedPending: number
  readonly errors: ReadonlyArray<string>
  /** Why conversations were left pending (the first ones). */
  readonly pendingReasons: ReadonlyArray<string>
}

/**
 * The recovery pipeline (SPEC steps 1–5): page the platform's conversations of [from, to),
 * diff against the store's ids of the same period, fetch metadata and content of each missing
 * text conversation, ingest it with topics; then retry the conversations earlier runs left
 * pending. Counts per media type.
 */
export const recover = <E, R>(a: RecoverArgs<E, R>) =>
  Effect.gen(function*() {
    const platform = yield* PlatformClient
    const store = yield* InteractionStore
    const recovery = yield* RecoveryStore
    const counts: CountsByMedia = {}
    const errors: Array<string> = []
    const pendingReasons: Array<string> = []
    const sink = writeRecovered(a.runId, a.model, detectorCache(a.model), counts, { errors, pending: pendingReasons })
    const concurrency = a.fetchConcurrency ?? 4
    let retriedPending = 0

    const inStore = new Set(yield* store.idsInPeriod(a.from, a.to))
    const seen = new Set<string>()

    const fetchAndWrite = (conversations: Stream.Stream<ListedConversation, PlatformError>) =>
      conversations.pipe(
        Stream.mapEffect((c) => (isUnreadable(c) ? Effect.succeed(unreadable(c)) : fetchContent(c)), { concurrency }),
        Stream.grouped(100),
        Stream.mapEffect((batch) => sink(batch).pipe(Effect.andThen(a.onBatch(counts, retriedPending)))),
        Stream.runDrain
      )

    // Steps 1–4 over the period.
    yield* fetchAndWrite(
      platform.conversations(a.from, a.to).pipe(
        Stream.grouped(500),
        Stream.map((chunk) => {
          const missing = missingText(chunk, inStore, a.mediaTypes, counts)
          for (const c of missing) seen.add(c.id)
          return missing
        }),
        Stream.flattenIterable
      )
    )

    // Conversations earlier runs left pending (content not ready then), whatever their period.
    const pending = (yield* recovery.pending(10_000)).filter((p) => !seen.has(p.conversationId) && a.mediaTypes.includes(p.mediaType as MediaType))
    retriedPending = pending.length
    if (pending.length > 0) {
      const alreadyStored = new Set(yield* store.idsIn(pending.map((p) => p.conversationId)))
      yield* recovery.resolvePending([...alreadyStored])
      const retry = pending.filter((p) => !alreadyStored.has(p.conversationId)).map((p) => JSON.parse(p.conversation) as PlatformConversation)
      yield* fetchAndWrite(Stream.fromIterable(retry))
    }
    yield* a.onBatch(counts, retriedPending)
    return { counts, retriedPending, errors, pendingReasons } satisfies RecoverResult
  })
