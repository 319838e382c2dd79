/**
 * The simulator's API routes (everything but the token endpoint's credentials check): which
 * route a request is for, and its answer from the data — details query, recording metadata,
 * recordings (in the download formats asked; 202 for the first `notReady` fetches of each), STA lists (cursor-paged) and topics.
 */
import { type Answer, Empty, fail, notFound } from "./answers.ts"
import type { SimData } from "./data.ts"
import { makeDetailsQuery } from "./detailsQuery.ts"
import { recording as recordingOf, recordingMedia, recordingMetadata } from "./recordingData.ts"
import { strictMetadata, strictRecording } from "./strict.ts"

/** Every route of the simulator (fault knobs can be aimed at some). */
export const SimRoutes = [
  "token",
  "conversations.query",
  "recordingmetadata",
  "recording",
  "sta.topics",
  "sta.topic",
  "sta.programs",
  "sta.program",
  "sta.mappings"
] as const

export type SimRoute = typeof SimRoutes[number]

export interface RoutesOptions {
  readonly pagingLimit: number
  /** Longest details-query interval accepted, in days (0: any). */
  readonly maxIntervalDays: number
  /**
   * `full` (default): the topics list carries each topic's phrases, the programs list each
   * program's topics. `listed`: like Genesys' ListedTopic (phrasesCount only) and ListedProgram
   * (topicsCount only), so clients must read `/topics/{id}` and `/programs/{id}`.
   */
  readonly staListing?: "full" | "listed" | undefined
  /** Leave out what Genesys may leave out (strict.ts). */
  readonly strict?: boolean | undefined
  /** Share of text conversations still open (`openShare`), read at each details query. */
  readonly openShare?: (() => number) | undefined
}

/** Which route a request is for (undefined: none, 404). */
export const matchRoute = (method: string, path: string): { route: SimRoute; params: ReadonlyArray<string> } | undefined => {
  if (method === "POST" && path === "/oauth/token") return { route: "token", params: [] }
  if (method === "POST" && path === "/api/v2/analytics/conversations/details/query") return { route: "conversations.query", params: [] }
  if (method === "GET") {
    let m = /^\/api\/v2\/conversations\/([^/]+)\/recordingmetadata$/.exec(path)
    if (m !== null) return { route: "recordingmetadata", params: [decodeURIComponent(m[1]!)] }
    m = /^\/api\/v2\/conversations\/([^/]+)\/recordings\/([^/]+)$/.exec(path)
    if (m !== null) return { route: "recording", params: [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)] }
    if (path === "/api/v2/speechandtextanalytics/topics") return { route: "sta.topics", params: [] }
    m = /^\/api\/v2\/speechandtextanalytics\/topics\/([^/]+)$/.exec(path)
    if (m !== null) return { route: "sta.topic", params: [decodeURIComponent(m[1]!)] }
    if (path === "/api/v2/speechandtextanalytics/programs") return { route: "sta.programs", params: [] }
    if (path === "/api/v2/speechandtextanalytics/programs/mappings") return { route: "sta.mappings", params: [] }
    m = /^\/api\/v2\/speechandtextanalytics\/programs\/([^/]+)$/.exec(path)
    if (m !== null) return { route: "sta.program", params: [decodeURIComponent(m[1]!)] }
  }
  return undefined
}

/** Cursor paging of the STA lists: `nextPage` is an offset. */
const listing = (path: string, entities: ReadonlyArray<unknown>, url: URL): Answer => {
  const requested = Number(url.searchParams.get("pageSize") ?? "20")
  const pageSize = Number.isInteger(requested) && requested >= 1 ? Math.min(requested, 500) : 20
  const cursor = url.searchParams.get("nextPage")
  const offset = cursor === null ? 0 : Number(Buffer.from(cursor, "base64url").toString("utf8"))
  if (!Number.isInteger(offset) || offset < 0) return fail(400, "bad.request", "Invalid nextPage.")
  const page = entities.slice(offset, offset + pageSize)
  const next = offset + pageSize < entities.length
    ? `${path}?pageSize=${pageSize}&nextPage=${Buffer.from(String(offset + pageSize)).toString("base64url")}`
    : undefined
  return {
    status: 200,
    body: {
      entities: page,
      pageSize,
      selfUri: `${path}?pageSize=${pageSize}`,
      ...(next === undefined ? {} : { nextUri: next }),
      pageCount: Math.ceil(entities.length / pageSize)
    }
  }
}

/** `notReady()` is read at each fetch; `onNotReady` counts the 202s. */
export const makeRoutes = (data: SimData, options: RoutesOptions, notReady: () => number, onNotReady: () => void) => {
  const strict = options.strict === true
  const detailsQuery = makeDetailsQuery(data, { pagingLimit: options.pagingLimit, maxIntervalDays: options.maxIntervalDays, strict, openShare: options.openShare })
  const recordingFetches = new Map<string, number>()

  const recording = (conversationId: string, recordingId: string, url: URL): Answer => {
    const c = data.get(conversationId)
    if (c === undefined) return notFound(`Conversation ${conversationId}`)
    const key = `${conversationId}/${recordingId}`
    if (!c.transcriptIds.includes(recordingId)) return notFound(`Recording ${recordingId}`)
    const fetches = (recordingFetches.get(key) ?? 0) + 1
    recordingFetches.set(key, fetches)
    if (fetches <= notReady()) {
      onNotReady()
      return {
        status: 202,
        body: { id: recordingId, conversationId, media: recordingMedia(c), fileState: "UPLOADING" }
      }
    }
    const answer = recordingOf(data, c, recordingId, (param) => url.searchParams.get(param) ?? undefined)
    return { status: 200, body: strict && answer !== undefined ? strictRecording(answer, c.startMs) : answer }
  }

  return (r: SimRoute, params: ReadonlyArray<string>, url: URL, body: string): Answer => {
    switch (r) {
      case "token":
        return Empty
      case "conversations.query":
        return detailsQuery(body)
      case "recordingmetadata": {
        const c = data.get(params[0]!)
        if (c === undefined) return notFound(`Conversation ${params[0]}`)
        return { status: 200, body: strict ? recordingMetadata(c).map(strictMetadata) : recordingMetadata(c) }
      }
      case "recording":
        return recording(params[0]!, params[1]!, url)
      case "sta.topics": {
        const topics = data.staTopics()
        const entities = options.staListing === "listed"
          ? topics.map(({ phrases: _phrases, ...listed }) => listed)
          : topics
        return listing("/api/v2/speechandtextanalytics/topics", entities, url)
      }
      case "sta.topic": {
        const t = data.staTopics().find((x) => x.id === params[0])
        if (t === undefined) return notFound(`Topic ${params[0]}`)
        // A Topic has its phrases; the counts are the listing's (ListedTopic).
        const { phrasesCount: _p, programsCount: _c, ...topic } = t
        return { status: 200, body: topic }
      }
      case "sta.programs": {
        const programs = data.staPrograms()
        const entities = options.staListing === "listed"
          ? programs.map(({ topics, ...listed }) => ({ ...listed, topicsCount: topics?.length ?? 0 }))
          : programs
        return listing("/api/v2/speechandtextanalytics/programs", entities, url)
      }
      case "sta.program": {
        const p = data.staPrograms().find((x) => x.id === params[0])
        return p === undefined ? notFound(`Program ${params[0]}`) : { status: 200, body: p }
      }
      case "sta.mappings":
        return listing("/api/v2/speechandtextanalytics/programs/mappings", data.staProgramMappings(), url)
    }
  }
}
