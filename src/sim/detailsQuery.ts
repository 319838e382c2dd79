/**
 * The simulator's `POST /api/v2/analytics/conversations/details/query`: Genesys' limits
 * (`pageSize` ≤ 100; an interval longer than the maximum → 400; paging past the paging limit →
 * 400), segment and conversation filters (dimension predicates, each level with its own
 * dimensions), order, and the conversations the interval selects: like Genesys, those that
 * started on a day the interval touches and were active during it (data.ts) — a conversation still
 * open (`openShare`) is active ever since it started, and listed without `conversationEnd`.
 */
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import { ConversationQuerySchema, DetailsMaxPageSize, type QueryFilter, type QueryPredicate } from "../platform/genesys.ts"
import { type Answer, fail } from "./answers.ts"
import { analyticsConversation, dimension, type FilterLevel, isDimension, isOpenConversation } from "./analyticsData.ts"
import type { SimConversation, SimData } from "./data.ts"
import { emptyPage, strictConversation } from "./strict.ts"

export interface DetailsQueryOptions {
  /** Results one query may page through. */
  readonly pagingLimit: number
  /** Longest interval accepted, in days (0: any). */
  readonly maxIntervalDays: number
  /** Leave out what Genesys may leave out (strict.ts). */
  readonly strict?: boolean | undefined
  /** Share of text conversations still open (`openShare`), read at each query. Default: none. */
  readonly openShare?: (() => number) | undefined
}

const DayMs = 86_400_000

/** Why Genesys would refuse the filter (undefined: it would not). */
const filterProblem = (level: FilterLevel, f: QueryFilter): string | undefined => {
  for (const p of f.predicates ?? []) {
    if (p.type !== undefined && p.type !== "dimension") return `unsupported predicate type ${p.type}`
    if (p.dimension === undefined) return "predicate without dimension"
    if (!isDimension(level, p.dimension)) return `${p.dimension} is not a ${level} dimension`
  }
  for (const clause of f.clauses ?? []) {
    const problem = filterProblem(level, clause)
    if (problem !== undefined) return problem
  }
  return undefined
}

const predicateMatches = (c: SimConversation, level: FilterLevel, p: QueryPredicate): boolean => {
  const values = dimension(c, level, p.dimension ?? "")
  switch (p.operator ?? "matches") {
    case "exists":
      return values.length > 0
    case "notExists":
      return values.length === 0
    default:
      return p.value !== undefined && values.includes(p.value)
  }
}

const filterMatches = (c: SimConversation, level: FilterLevel, f: QueryFilter): boolean => {
  const results = [
    ...(f.predicates ?? []).map((p) => predicateMatches(c, level, p)),
    ...(f.clauses ?? []).map((clause) => filterMatches(c, level, clause))
  ]
  if (results.length === 0) return true
  return f.type === "and" ? results.every((x) => x) : results.some((x) => x)
}

export const makeDetailsQuery = (data: SimData, options: DetailsQueryOptions) => {
  const { pagingLimit, maxIntervalDays } = options
  const strict = options.strict === true
  const cache = new Map<string, ReadonlyArray<SimConversation>>()

  return (body: string): Answer => {
    let json: unknown
    try {
      json = JSON.parse(body)
    } catch {
      return fail(400, "bad.request", "The request body is not valid JSON.")
    }
    const decoded = Schema.decodeUnknownExit(ConversationQuerySchema)(json)
    if (Exit.isFailure(decoded)) {
      return fail(400, "bad.request", `Invalid conversation query: ${String(Exit.isFailure(decoded) ? decoded.cause : "")}`.slice(0, 500))
    }
    const q = decoded.value
    const [a, b, extra] = q.interval.split("/")
    const fromMs = Date.parse(a ?? "")
    const toMs = Date.parse(b ?? "")
    if (extra !== undefined || Number.isNaN(fromMs) || Number.isNaN(toMs) || toMs <= fromMs) {
      return fail(400, "bad.request", `Invalid interval ${JSON.stringify(q.interval)}: expected <ISO-8601 start>/<ISO-8601 end>.`)
    }
    if (maxIntervalDays > 0 && toMs - fromMs > maxIntervalDays * DayMs) {
      return fail(400, "bad.request", `The interval ${q.interval} is longer than the maximum of ${maxIntervalDays} days for a detail query.`)
    }
    const pageSize = q.paging?.pageSize ?? 25
    const pageNumber = q.paging?.pageNumber ?? 1
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > DetailsMaxPageSize) {
      return fail(400, "bad.request", `paging.pageSize must be between 1 and ${DetailsMaxPageSize}.`)
    }
    if (!Number.isInteger(pageNumber) || pageNumber < 1) return fail(400, "bad.request", "paging.pageNumber must be at least 1.")
    if ((pageNumber - 1) * pageSize >= pagingLimit) {
      return fail(
        400,
        "bad.request",
        `Paging beyond ${pagingLimit} results is not supported (pageNumber ${pageNumber} × pageSize ${pageSize}); narrow the interval.`
      )
    }
    const filters = [
      ...(q.segmentFilters ?? []).map((f) => ({ level: "segment" as const, f })),
      ...(q.conversationFilters ?? []).map((f) => ({ level: "conversation" as const, f }))
    ]
    for (const { level, f } of filters) {
      const problem = filterProblem(level, f)
      if (problem !== undefined) return fail(400, "bad.request", `Invalid filter: ${problem}.`)
    }
    const openShare = options.openShare?.() ?? 0
    const isOpen = (c: SimConversation) => isOpenConversation(c, openShare)
    const key = JSON.stringify([fromMs, toMs, q.order ?? "asc", q.orderBy ?? "conversationStart", q.segmentFilters ?? [], q.conversationFilters ?? [], openShare])
    let matches = cache.get(key)
    if (matches === undefined) {
      const selected = openShare > 0
        ? data.startedOnDaysTouched(fromMs, toMs).filter((c) => c.startMs < toMs && (c.endMs >= fromMs || isOpen(c)))
        : data.selectedBy(fromMs, toMs)
      const out = selected.filter((c) => filters.every(({ level, f }) => filterMatches(c, level, f)))
      if (q.orderBy === "conversationEnd") out.sort((x, y) => x.endMs - y.endMs || (x.id < y.id ? -1 : 1))
      if (q.order === "desc") out.reverse()
      matches = out
      cache.set(key, matches)
      if (cache.size > 32) cache.delete(cache.keys().next().value!)
    }
    const page = matches.slice((pageNumber - 1) * pageSize, pageNumber * pageSize)
    return {
      status: 200,
      body: page.length === 0 ? emptyPage(strict, matches.length) : {
        conversations: page.map((c) => {
          const conversation = analyticsConversation(c, isOpen(c))
          return strict ? strictConversation(conversation) : conversation
        }),
        totalHits: matches.length
      }
    }
  }
}
