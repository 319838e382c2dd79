/**
 * Paging the conversation details query (`POST /api/v2/analytics/conversations/details/query`)
 * over a period: the period cut at UTC midnights into intervals of at most 7 days (the longest
 * Genesys takes), each paged; an interval split (at UTC midnights, else evenly) when a query
 * would page past the platform's limit (or a page is refused with 400); each conversation once;
 * only those that start in the period — the platform also returns the conversations started
 * earlier on a day the interval touches that were still active during it. Conversations still
 * going on (no `conversationEnd`) are left out, or listed as open when asked (`includeOpen`).
 *
 * Conversations are decoded one by one: one Rewind cannot read is listed as unreadable with the
 * reason (recovery counts it failed), the others go on. A page without `totalHits` (Genesys sends
 * `{}` for an empty result) is the last one unless it is full.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { HttpClientRequest } from "effect/http"
import type { MediaType } from "../domain/media.ts"
import {
  genesysMediaType,
  isUnreadable,
  type ListedConversation,
  type ListedOrOpen,
  readConversation,
  readOpenConversation,
  type UnreadableConversation
} from "./convert.ts"
import { decodeResponse, describeSchemaError } from "./decode.ts"
import { type PlatformError, PlatformResponseError } from "./errors.ts"
import { AnalyticsConversation, AnalyticsConversationQueryPage, type ConversationQuery, DetailsMaxIntervalDays, Paths } from "./genesys.ts"
import type { PlatformSettings } from "./PlatformConfig.ts"
import type { Request } from "./transport.ts"

export interface ConversationsOptions {
  /** Only these media types (a segment filter on the platform, and a check here). Default: all. */
  readonly mediaTypes?: ReadonlyArray<MediaType>
  /** Only these conversations (a conversation filter on the platform). Default: all. */
  readonly conversationIds?: ReadonlyArray<string>
  /**
   * Also list the conversations still going on (no `conversationEnd`) as `OpenConversation`s
   * (recovery keeps them and comes back for them). Default: they are left out.
   */
  readonly includeOpen?: boolean
}

/** `conversations`: with `includeOpen`, the open conversations too. */
export interface Conversations {
  (from: string, to: string, options?: ConversationsOptions & { readonly includeOpen?: false }): Stream.Stream<ListedConversation, PlatformError>
  (from: string, to: string, options: ConversationsOptions & { readonly includeOpen: true }): Stream.Stream<ListedOrOpen, PlatformError>
}

interface Task {
  readonly fromMs: number
  readonly toMs: number
  readonly page: number
  /**
   * For a part of one day: how many results the interval it was cut from reached. A part that
   * reaches as many (the same conversations, active all along) is not helped by cutting finer.
   */
  readonly parentReach?: number
}

const DayMs = 86_400_000

/** Where one details query's interval starting at `startMs` must end at the latest: `DetailsMaxIntervalDays` after its UTC midnight. */
export const queryIntervalEnd = (startMs: number): number => Math.floor(startMs / DayMs) * DayMs + DetailsMaxIntervalDays * DayMs

/**
 * [fromMs, toMs) as the intervals one details query may cover, in order: cut at UTC midnights
 * into intervals of at most `DetailsMaxIntervalDays`.
 */
export const queryIntervals = (fromMs: number, toMs: number): Array<Task> => {
  const out: Array<Task> = []
  for (let start = fromMs; start < toMs;) {
    const end = Math.min(toMs, queryIntervalEnd(start))
    out.push({ fromMs: start, toMs: end, page: 1 })
    start = end
  }
  return out
}

/**
 * `n` parts of the task's interval (at least 2), from page 1. Cut at UTC midnights when it spans
 * several days — the platform returns the conversations started on any day an interval touches
 * that were active in it, so parts sharing a day would each return that day's long ones; within
 * one day, `n` even parts (at most one per millisecond) that remember `reach`.
 */
const split = (task: Task, parts: number, reach: number): Array<Task> => {
  const midnights: Array<number> = []
  for (let m = Math.floor(task.fromMs / DayMs) * DayMs + DayMs; m < task.toMs; m += DayMs) midnights.push(m)
  if (midnights.length > 0) {
    const n = Math.min(Math.max(2, parts), midnights.length + 1)
    const cuts = Array.from({ length: n - 1 }, (_, j) => midnights[Math.floor(((j + 1) * (midnights.length + 1)) / n) - 1]!)
    const bounds = [task.fromMs, ...cuts, task.toMs]
    return bounds.slice(0, -1).map((fromMs, k) => ({ fromMs, toMs: bounds[k + 1]!, page: 1 }))
  }
  const span = task.toMs - task.fromMs
  const n = Math.max(2, Math.min(parts, span))
  const out: Array<Task> = []
  for (let k = 0; k < n; k++) {
    const fromMs = task.fromMs + Math.floor((span * k) / n)
    const toMs = k === n - 1 ? task.toMs : task.fromMs + Math.floor((span * (k + 1)) / n)
    if (toMs > fromMs) out.push({ fromMs, toMs, page: 1, parentReach: reach })
  }
  return out
}

/** The task cannot be paged by cutting it finer: the error that says why; undefined when it can. */
const unsplittable = (task: Task, reach: number, pagingLimit: number): PlatformResponseError | undefined => {
  const day = new Date(task.fromMs).toISOString().slice(0, 10)
  const why = task.toMs - task.fromMs <= 1
    ? `${reach} conversations touch one millisecond (${new Date(task.fromMs).toISOString()})`
    : task.parentReach !== undefined && reach >= task.parentReach
    ? `${reach} conversations started on ${day} are active in ${intervalOf(task)} however finely it is cut`
    : undefined
  return why === undefined ? undefined : new PlatformResponseError({
    message: `conversations.query: ${why}, more than one query can page (${pagingLimit}): narrow the query (media types, conversations)`,
    endpoint: "conversations.query",
    status: 400
  })
}

const intervalOf = (task: Task): string => `${new Date(task.fromMs).toISOString()}/${new Date(task.toMs).toISOString()}`

const decodeConversation = Schema.decodeUnknownResult(AnalyticsConversation)

/**
 * One conversation of a page: undefined when it is not ours (it starts outside the task's
 * interval — the platform adds those — or it is still going on and `includeOpen` is not set, or
 * of a media Rewind does not handle); unreadable when a field it needs is missing or malformed.
 * `where`: its place, for a conversation without an id.
 */
const readListed = (raw: unknown, task: Task, where: string, includeOpen: boolean): ListedOrOpen | undefined => {
  const fields = typeof raw === "object" && raw !== null ? raw as Record<string, unknown> : {}
  const id = typeof fields["conversationId"] === "string" && fields["conversationId"] !== "" ? fields["conversationId"] : undefined
  const startMs = typeof fields["conversationStart"] === "string" ? Date.parse(fields["conversationStart"]) : Number.NaN
  if (!Number.isNaN(startMs) && !(startMs >= task.fromMs && startMs < task.toMs)) return undefined
  const decoded = decodeConversation(raw)
  if (decoded._tag === "Failure") {
    const reason = `conversations.query: ${id === undefined ? where : `conversation ${id}`}: ${describeSchemaError(decoded.failure.message, raw)}`
    return { _tag: "UnreadableConversation", id: id ?? where, reason } satisfies UnreadableConversation
  }
  const read = includeOpen && decoded.success.conversationEnd === undefined
    ? readOpenConversation(decoded.success)
    : readConversation(decoded.success)
  return read !== undefined && isUnreadable(read) ? { ...read, reason: `conversations.query: conversation ${read.id}: ${read.reason}` } : read
}

/** `request` sends an authenticated request to the API host. */
export const makeConversationPaging = (
  s: PlatformSettings,
  request: Request
) => {
  const queryPage = (task: Task, mediaTypes: ReadonlyArray<MediaType> | undefined, conversationIds?: ReadonlyArray<string>) => {
    const body: ConversationQuery = {
      interval: intervalOf(task),
      order: "asc",
      orderBy: "conversationStart",
      paging: { pageSize: s.pageSize, pageNumber: task.page },
      ...(mediaTypes === undefined ? {} : {
        segmentFilters: [{
          type: "or",
          predicates: mediaTypes.map((m) => ({ type: "dimension", dimension: "mediaType", operator: "matches", value: genesysMediaType(m) }))
        }]
      }),
      ...(conversationIds === undefined ? {} : {
        conversationFilters: [{
          type: "or",
          predicates: conversationIds.map((id) => ({ type: "dimension", dimension: "conversationId", operator: "matches", value: id }))
        }]
      })
    }
    return request("conversations.query", () =>
      HttpClientRequest.post(`${s.apiUrl}${Paths.detailsQuery}`).pipe(
        HttpClientRequest.bodyJsonUnsafe(body),
        HttpClientRequest.acceptJson
      )).pipe(Effect.flatMap((r) => decodeResponse("conversations.query", AnalyticsConversationQueryPage, r)))
  }

  /**
   * The completed conversations that START in [from, to) (ISO instants), each once, in start
   * order (and those still open, with `includeOpen`).
   */
  const conversations = (from: string, to: string, options: ConversationsOptions = {}): Stream.Stream<ListedOrOpen, PlatformError> =>
    Stream.suspend(() => {
      const fromMs = Date.parse(from)
      const toMs = Date.parse(to)
      if (Number.isNaN(fromMs) || Number.isNaN(toMs) || toMs <= fromMs) {
        return Stream.die(new Error(`PlatformClient.conversations: invalid period [${from}, ${to})`))
      }
      const wanted = options.mediaTypes === undefined ? undefined : new Set(options.mediaTypes)
      const seen = new Set<string>()
      /** Tasks to do, the next one last. */
      type State = ReadonlyArray<Task>
      const step = (tasks: State) =>
        Effect.gen(function*() {
          const task = tasks[tasks.length - 1]!
          const rest = tasks.slice(0, -1)
          const next = (more: ReadonlyArray<Task>): Option.Option<State> => {
            const all = [...rest, ...more]
            return all.length === 0 ? Option.none() : Option.some(all)
          }
          const page = yield* queryPage(task, options.mediaTypes, options.conversationIds).pipe(
            Effect.map(Option.some),
            // A page refused with 400 past page 1: the platform's paging limit is lower than we
            // thought. Split the interval and start over (already emitted ids are skipped).
            Effect.catchTag("PlatformResponseError", (e) => (e.status === 400 && task.page > 1 ? Effect.succeed(Option.none()) : Effect.fail(e)))
          )
          if (Option.isNone(page)) {
            // It paged this far before the refusal.
            const reach = (task.page - 1) * s.pageSize
            const stuck = unsplittable(task, reach, s.pagingLimit)
            if (stuck !== undefined) return yield* stuck
            return [[], next(split(task, 2, reach).reverse())] as const
          }
          const { totalHits } = page.value
          if (task.page === 1 && totalHits !== undefined && totalHits > s.pagingLimit) {
            const stuck = unsplittable(task, totalHits, s.pagingLimit)
            if (stuck !== undefined) return yield* stuck
            const parts = Math.ceil(totalHits / Math.max(1, Math.floor(s.pagingLimit * 0.8)))
            return [[], next(split(task, parts, totalHits).reverse())] as const
          }
          const received = page.value.conversations ?? []
          const out: Array<ListedOrOpen> = []
          received.forEach((raw, k) => {
            const listed = readListed(raw, task, `conversations[${k}] of page ${task.page} of ${intervalOf(task)}`, options.includeOpen === true)
            if (listed === undefined || seen.has(listed.id)) return
            if (!isUnreadable(listed) && wanted !== undefined && !wanted.has(listed.mediaType)) return
            seen.add(listed.id)
            out.push(listed)
          })
          const more = received.length > 0 &&
            (totalHits === undefined ? received.length >= s.pageSize : task.page * s.pageSize < totalHits)
          return [out, next(more ? [{ ...task, page: task.page + 1 }] : [])] as const
        })
      return Stream.paginate<State, ListedOrOpen, PlatformError>(queryIntervals(fromMs, toMs).reverse(), step)
    })

  // Without `includeOpen` no open conversation is listed (readListed): the narrower type holds.
  return { conversations: conversations as Conversations }
}
