/**
 * The simulator's `POST /api/v2/analytics/conversations/details/query`: Genesys' limits
 * (`pageSize` ≤ 100; paging past the paging limit → 400), segment and conversation filters
 * (dimension predicates), order, and the conversations the interval selects: like Genesys, those
 * that started on a day the interval touches (data.ts).
 */
import { Exit, Schema } from "effect"
import { ConversationQuerySchema, DetailsMaxPageSize, type QueryFilter, type QueryPredicate } from "../platform/genesys.ts"
import { type Answer, fail } from "./answers.ts"
import { analyticsConversation, dimension } from "./analyticsData.ts"
import type { SimConversation, SimData } from "./data.ts"
import { emptyPage, strictConversation } from "./strict.ts"

const predicateMatches = (c: SimConversation, p: QueryPredicate): boolean | string => {
  if (p.type !== undefined && p.type !== "dimension") return `unsupported predicate type ${p.type}`
  if (p.dimension === undefined) return "predicate without dimension"
  const values = dimension(c, p.dimension)
  if (values === undefined) return `unsupported dimension ${p.dimension}`
  switch (p.operator ?? "matches") {
    case "exists":
      return values.length > 0
    case "notExists":
      return values.length === 0
    default:
      return p.value !== undefined && values.includes(p.value)
  }
}

const filterMatches = (c: SimConversation, f: QueryFilter): boolean | string => {
  const results: Array<boolean> = []
  for (const p of f.predicates ?? []) {
    const r = predicateMatches(c, p)
    if (typeof r === "string") return r
    results.push(r)
  }
  for (const clause of f.clauses ?? []) {
    const r = filterMatches(c, clause)
    if (typeof r === "string") return r
    results.push(r)
  }
  if (results.length === 0) return true
  return f.type === "and" ? results.every((x) => x) : results.some((x) => x)
}

/** `strict`: leave out what Genesys may leave out (strict.ts). */
export const makeDetailsQuery = (data: SimData, pagingLimit: number, strict = false) => {
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
    const key = JSON.stringify([fromMs, toMs, q.order ?? "asc", q.orderBy ?? "conversationStart", q.segmentFilters ?? [], q.conversationFilters ?? []])
    let matches = cache.get(key)
    if (matches === undefined) {
      const filters = [...(q.segmentFilters ?? []), ...(q.conversationFilters ?? [])]
      const out: Array<SimConversation> = []
      for (const c of data.startedOnDaysTouched(fromMs, toMs)) {
        let ok = true
        for (const f of filters) {
          const r = filterMatches(c, f)
          if (typeof r === "string") return fail(400, "bad.request", `Invalid filter: ${r}.`)
          if (!r) {
            ok = false
            break
          }
        }
        if (ok) out.push(c)
      }
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
        conversations: page.map((c) => (strict ? strictConversation(analyticsConversation(c)) : analyticsConversation(c))),
        totalHits: matches.length
      }
    }
  }
}
