import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { MediaType } from "../../domain/media.ts"
import type { TopicModel } from "../../domain/topicModel.ts"
import { isOpen, type ListedOrOpen, type OpenConversation, type PlatformConversation } from "../../platform/convert.ts"
import type { PlatformError } from "../../platform/errors.ts"
import { queryIntervalEnd } from "../../platform/conversationPaging.ts"
import { PlatformClient } from "../../platform/PlatformClient.ts"
import { InteractionStore } from "../../store/InteractionStore.ts"
import { RecoveryStore } from "../../store/RecoveryStore.ts"
import { detectorCache } from "../ingest/detectors.ts"
import { type CountsByMedia, missingText } from "./diff.ts"
import { type Fetched, fetchContent, giveUp, stillOpen, unreadable } from "./fetch.ts"
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

/** Conversations looked up by one details query when re-checking open ones (its conversation filter's predicates). */
export const OpenLookupChunk = 50

/**
 * Source: conversations earlier runs found still open, as the platform lists them now — ended
 * ones as conversations to fetch, still open ones as open (kept pending again); one the platform
 * no longer lists at all is failed with the reason (nothing left to recover, said once). One
 * details query (no paging: a page holds them all) per group of at most `OpenLookupChunk`, in
 * start order, that one query interval can cover.
 */
export const lookUpOpen = (open: ReadonlyArray<OpenConversation>): Stream.Stream<ListedOrOpen | Fetched, PlatformError, PlatformClient> =>
  Stream.fromIterable(lookupGroups(open)).pipe(
    Stream.mapEffect((chunk) =>
      Effect.gen(function*() {
        const platform = yield* PlatformClient
        const from = chunk[0]!.startTime
        const to = new Date(Date.parse(chunk[chunk.length - 1]!.startTime) + 1).toISOString()
        const listed = yield* Stream.runCollect(platform.conversations(from, to, { conversationIds: chunk.map((c) => c.id), includeOpen: true }))
        const byId = new Map([...listed].map((c) => [c.id, c]))
        return chunk.map((c): ListedOrOpen | Fetched =>
          byId.get(c.id) ?? {
            _tag: "Failed",
            conversation: c,
            error: `${c.id}: the ${c.mediaType} conversation started ${c.startTime}, still open when an earlier run saw it, is no longer listed by the platform: nothing to recover`
          })
      })
    ),
    Stream.flattenIterable
  )

/** What a listed conversation gives: fetched (a completed one), or already known without asking. */
const fetchOne = (c: ListedOrOpen | Fetched): Effect.Effect<Fetched, never, PlatformClient> => {
  if (!("_tag" in c)) return fetchContent(c)
  switch (c._tag) {
    case "UnreadableConversation":
      return Effect.succeed(unreadable(c))
    case "OpenConversation":
      return Effect.succeed(stillOpen(c))
    default:
      return Effect.succeed(c)
  }
}

/**
 * The open conversations in start order, in groups of at most `OpenLookupChunk` whose starts one
 * details query interval covers (`queryIntervalEnd` of its first start).
 */
const lookupGroups = (open: ReadonlyArray<OpenConversation>): Array<ReadonlyArray<OpenConversation>> => {
  const out: Array<Array<OpenConversation>> = []
  let group: Array<OpenConversation> = []
  let endMs = 0
  for (const c of [...open].sort((x, y) => x.startTime.localeCompare(y.startTime))) {
    const startMs = Date.parse(c.startTime)
    if (group.length === 0 || group.length >= OpenLookupChunk || startMs >= endMs) {
      group = []
      out.push(group)
      endMs = queryIntervalEnd(startMs)
    }
    group.push(c)
  }
  return out
}

/**
 * The recovery pipeline (SPEC steps 1–5): page the platform's conversations of [from, to),
 * diff against the store's ids of the same period, fetch metadata and content of each missing
 * text conversation, ingest it with topics; then retry the conversations earlier runs left
 * pending. Counts per media type.
 *
 * A missing conversation still open on the platform (started in the period, no
 * `conversationEnd` yet: a long email or messaging thread) is counted pending — with its reason —
 * and kept on the durable pending list, like content the platform is still preparing; every later
 * run, manual or automatic, whatever its period, looks it up again and recovers it once it has
 * ended. So an automatic run's watermark can move past its start without losing it. Why this
 * rather than holding the watermark back to the earliest open conversation: that would make
 * every run page again the whole stretch since then (hours to weeks of an email's life, all
 * conversations of it) and still need a bound and another durable list for the ones open longer;
 * the pending list costs one details query (filtered on the ids, `OpenLookupChunk` at a time,
 * no paging) per run while some are open, and nothing when none are.
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

    const fetchAndWrite = <R2>(conversations: Stream.Stream<ListedOrOpen | Fetched, PlatformError, R2>, settle: (f: Fetched) => Fetched = (f) => f) =>
      conversations.pipe(
        Stream.mapEffect((c) => Effect.map(fetchOne(c), settle), { concurrency }),
        Stream.grouped(100),
        Stream.mapEffect((batch) => sink(batch).pipe(Effect.andThen(a.onBatch(counts, retriedPending)))),
        Stream.runDrain
      )

    // Steps 1–4 over the period.
    yield* fetchAndWrite(
      platform.conversations(a.from, a.to, { includeOpen: true }).pipe(
        Stream.grouped(500),
        Stream.map((chunk) => {
          const missing = missingText(chunk, inStore, a.mediaTypes, counts)
          for (const c of missing) seen.add(c.id)
          return missing
        }),
        Stream.flattenIterable
      )
    )

    // Conversations earlier runs left pending (content not ready then, or still open), whatever their period.
    const pending = (yield* recovery.pending(10_000)).filter((p) => !seen.has(p.conversationId) && a.mediaTypes.includes(p.mediaType as MediaType))
    if (pending.length > 0) {
      // One stored meanwhile (live ingestion, a job's store) is resolved, not asked for again.
      const alreadyStored = new Set(yield* store.idsIn(pending.map((p) => p.conversationId)))
      yield* recovery.resolvePending([...alreadyStored])
      const retry = pending.filter((p) => !alreadyStored.has(p.conversationId))
        .map((p) => JSON.parse(p.conversation) as PlatformConversation | OpenConversation)
      retriedPending = retry.length
      // Asked again and still no usable answer: given up once that has lasted (giveUp).
      const records = new Map(pending.map((p) => [p.conversationId, p]))
      const startedMs = Date.now()
      const settle = (f: Fetched): Fetched => {
        const r = records.get(f.conversation.id)
        return r === undefined ? f : giveUp(f, r.attempts + 1, r.firstSeen, startedMs)
      }
      yield* fetchAndWrite(Stream.fromIterable(retry.filter((c): c is PlatformConversation => !isOpen(c))), settle)
      yield* fetchAndWrite(lookUpOpen(retry.filter(isOpen)), settle)
    }
    yield* a.onBatch(counts, retriedPending)
    return { counts, retriedPending, errors, pendingReasons } satisfies RecoverResult
  })
