/**
 * The Genesys Cloud Platform API v2 payloads Rewind uses, with Genesys' own field names
 * (public SDK models: ConversationQuery, PagingSpec, SegmentDetailQueryFilter/Predicate,
 * AnalyticsConversationQueryResponse, AnalyticsConversationWithoutAttributes,
 * AnalyticsParticipantWithoutAttributes, AnalyticsSession, AnalyticsConversationSegment,
 * Topic, Phrase, Program, ProgramMappings, ErrorBody). Recordings: genesysRecordings.ts.
 *
 * Only the fields Rewind reads are declared; every other field the platform sends is ignored
 * (decoding drops unknown keys). The client decodes responses with these schemas, so a
 * malformed answer fails naming the field; the simulator builds its answers with these types.
 */
import * as Schema from "effect/Schema"

// ---------------------------------------------------------------------------------------------
// OAuth

/** `POST /oauth/token` (client credentials). */
export const TokenResponse = Schema.Struct({
  access_token: Schema.NonEmptyString,
  token_type: Schema.String,
  /** Seconds. */
  expires_in: Schema.Number
})
export type TokenResponse = typeof TokenResponse.Type

// ---------------------------------------------------------------------------------------------
// Errors

/** Genesys' error body: `{status, code, message, contextId}` (plus details we do not read). */
export const ErrorBody = Schema.Struct({
  status: Schema.optionalKey(Schema.Number),
  code: Schema.optionalKey(Schema.String),
  message: Schema.optionalKey(Schema.String),
  contextId: Schema.optionalKey(Schema.String)
})
export type ErrorBody = typeof ErrorBody.Type

// ---------------------------------------------------------------------------------------------
// Conversation details query

export interface QueryPredicate {
  readonly type?: "dimension" | "property" | "metric"
  readonly dimension?: string
  readonly operator?: "matches" | "exists" | "notExists"
  readonly value?: string
}

export interface QueryFilter {
  readonly type: "and" | "or"
  readonly predicates?: ReadonlyArray<QueryPredicate>
  readonly clauses?: ReadonlyArray<{ readonly type: "and" | "or"; readonly predicates: ReadonlyArray<QueryPredicate> }>
}

/** ConversationQuery (request body of `POST /api/v2/analytics/conversations/details/query`). */
export interface ConversationQuery {
  /** `start/end`, ISO-8601 instants. */
  readonly interval: string
  readonly order?: "asc" | "desc"
  readonly orderBy?: "conversationStart" | "conversationEnd"
  readonly paging?: { readonly pageSize: number; readonly pageNumber: number }
  readonly segmentFilters?: ReadonlyArray<QueryFilter>
  readonly conversationFilters?: ReadonlyArray<QueryFilter>
}

const PredicateSchema = Schema.Struct({
  type: Schema.optionalKey(Schema.Literals(["dimension", "property", "metric"])),
  dimension: Schema.optionalKey(Schema.String),
  operator: Schema.optionalKey(Schema.Literals(["matches", "exists", "notExists"])),
  value: Schema.optionalKey(Schema.String)
})

const FilterSchema = Schema.Struct({
  type: Schema.Literals(["and", "or"]),
  predicates: Schema.optionalKey(Schema.Array(PredicateSchema)),
  clauses: Schema.optionalKey(Schema.Array(Schema.Struct({
    type: Schema.Literals(["and", "or"]),
    predicates: Schema.Array(PredicateSchema)
  })))
})

/** The query as the simulator reads it (the client builds `ConversationQuery` values). */
export const ConversationQuerySchema = Schema.Struct({
  interval: Schema.String,
  order: Schema.optionalKey(Schema.Literals(["asc", "desc"])),
  orderBy: Schema.optionalKey(Schema.Literals(["conversationStart", "conversationEnd"])),
  paging: Schema.optionalKey(Schema.Struct({ pageSize: Schema.Number, pageNumber: Schema.Number })),
  segmentFilters: Schema.optionalKey(Schema.Array(FilterSchema)),
  conversationFilters: Schema.optionalKey(Schema.Array(FilterSchema))
})

export const AnalyticsConversationSegment = Schema.Struct({
  segmentStart: Schema.String,
  segmentEnd: Schema.optionalKey(Schema.String),
  segmentType: Schema.optionalKey(Schema.String),
  queueId: Schema.optionalKey(Schema.String),
  requestedLanguageId: Schema.optionalKey(Schema.String),
  wrapUpCode: Schema.optionalKey(Schema.String),
  disconnectType: Schema.optionalKey(Schema.String)
})
export type AnalyticsConversationSegment = typeof AnalyticsConversationSegment.Type

export const AnalyticsSession = Schema.Struct({
  sessionId: Schema.optionalKey(Schema.String),
  /** voice, chat, email, callback, message, cobrowse, video, screenshare, unknown (optional, as in the SDK). */
  mediaType: Schema.optionalKey(Schema.String),
  /** For message sessions: sms, webmessaging, facebook, whatsapp, … */
  messageType: Schema.optionalKey(Schema.String),
  direction: Schema.optionalKey(Schema.String),
  /** The address that initiated an action / received it. */
  addressFrom: Schema.optionalKey(Schema.String),
  addressTo: Schema.optionalKey(Schema.String),
  /** Email: the address of the participant's side of the conversation, and of the other side. */
  addressSelf: Schema.optionalKey(Schema.String),
  addressOther: Schema.optionalKey(Schema.String),
  segments: Schema.optionalKey(Schema.Array(AnalyticsConversationSegment))
})
export type AnalyticsSession = typeof AnalyticsSession.Type

export const AnalyticsParticipant = Schema.Struct({
  participantId: Schema.optionalKey(Schema.String),
  participantName: Schema.optionalKey(Schema.String),
  /** customer, external, agent, acd, ivr, workflow, user, voicemail, … (optional, as in the SDK). */
  purpose: Schema.optionalKey(Schema.String),
  userId: Schema.optionalKey(Schema.String),
  sessions: Schema.optionalKey(Schema.Array(AnalyticsSession))
})
export type AnalyticsParticipant = typeof AnalyticsParticipant.Type

export const AnalyticsConversation = Schema.Struct({
  conversationId: Schema.NonEmptyString,
  conversationStart: Schema.String,
  /** Absent while the conversation is still going on. */
  conversationEnd: Schema.optionalKey(Schema.String),
  divisionIds: Schema.optionalKey(Schema.Array(Schema.String)),
  originatingDirection: Schema.optionalKey(Schema.String),
  participants: Schema.optionalKey(Schema.Array(AnalyticsParticipant))
})
export type AnalyticsConversation = typeof AnalyticsConversation.Type

/**
 * AnalyticsConversationQueryResponse. Both fields are optional (as in the SDK): an empty result
 * may come as `{}`, without `totalHits`.
 */
export const AnalyticsConversationQueryResponse = Schema.Struct({
  conversations: Schema.optionalKey(Schema.Array(AnalyticsConversation)),
  totalHits: Schema.optionalKey(Schema.Number)
})
export type AnalyticsConversationQueryResponse = typeof AnalyticsConversationQueryResponse.Type

/**
 * A details-query page as the client reads it: the conversations are decoded one by one, so one
 * it cannot read is reported on its own instead of failing the page.
 */
export const AnalyticsConversationQueryPage = Schema.Struct({
  conversations: Schema.optionalKey(Schema.Array(Schema.Unknown)),
  totalHits: Schema.optionalKey(Schema.Number)
})

// ---------------------------------------------------------------------------------------------
// Speech and text analytics configuration

const GenesysStrictness = Schema.Literals(["1", "55", "65", "72", "85", "90"])

export const StaPhrase = Schema.Struct({
  text: Schema.NonEmptyString,
  strictness: Schema.optionalKey(GenesysStrictness),
  sentiment: Schema.optionalKey(Schema.String)
})
export type StaPhrase = typeof StaPhrase.Type

/**
 * Topic. The list endpoint of the real platform sends `phrasesCount` without `phrases`
 * (ListedTopic): the client then reads each topic (`/topics/{id}`).
 */
export const StaTopic = Schema.Struct({
  id: Schema.NonEmptyString,
  name: Schema.NonEmptyString,
  description: Schema.optionalKey(Schema.String),
  published: Schema.optionalKey(Schema.Boolean),
  strictness: Schema.optionalKey(GenesysStrictness),
  dialect: Schema.optionalKey(Schema.String),
  participants: Schema.Literals(["External", "Internal", "All"]),
  phrases: Schema.optionalKey(Schema.Array(StaPhrase)),
  phrasesCount: Schema.optionalKey(Schema.Number)
})
export type StaTopic = typeof StaTopic.Type

const EntityRef = Schema.Struct({
  id: Schema.NonEmptyString,
  name: Schema.optionalKey(Schema.String),
  selfUri: Schema.optionalKey(Schema.String)
})

/**
 * Program. The list endpoint of the real platform sends `topicsCount` without `topics`
 * (ListedProgram): the client then reads each program (`/programs/{id}`).
 */
export const StaProgram = Schema.Struct({
  id: Schema.NonEmptyString,
  name: Schema.NonEmptyString,
  description: Schema.optionalKey(Schema.String),
  published: Schema.optionalKey(Schema.Boolean),
  topics: Schema.optionalKey(Schema.Array(EntityRef)),
  topicsCount: Schema.optionalKey(Schema.Number)
})
export type StaProgram = typeof StaProgram.Type

export const StaProgramMappings = Schema.Struct({
  program: EntityRef,
  queues: Schema.optionalKey(Schema.Array(EntityRef)),
  flows: Schema.optionalKey(Schema.Array(EntityRef))
})
export type StaProgramMappings = typeof StaProgramMappings.Type

/** Cursor-paged listing (`nextUri` carries `nextPage`). */
export const EntityListing = <S extends Schema.Top>(entity: S) =>
  Schema.Struct({
    entities: Schema.optionalKey(Schema.Array(entity)),
    pageSize: Schema.optionalKey(Schema.Number),
    nextUri: Schema.optionalKey(Schema.String),
    selfUri: Schema.optionalKey(Schema.String),
    pageCount: Schema.optionalKey(Schema.Number)
  })

// ---------------------------------------------------------------------------------------------
// Paths

export const Paths = {
  token: "/oauth/token",
  detailsQuery: "/api/v2/analytics/conversations/details/query",
  recordingMetadata: (conversationId: string) => `/api/v2/conversations/${encodeURIComponent(conversationId)}/recordingmetadata`,
  recording: (conversationId: string, recordingId: string) =>
    `/api/v2/conversations/${encodeURIComponent(conversationId)}/recordings/${encodeURIComponent(recordingId)}`,
  staTopics: "/api/v2/speechandtextanalytics/topics",
  staTopic: (id: string) => `/api/v2/speechandtextanalytics/topics/${encodeURIComponent(id)}`,
  staPrograms: "/api/v2/speechandtextanalytics/programs",
  staProgram: (id: string) => `/api/v2/speechandtextanalytics/programs/${encodeURIComponent(id)}`,
  staProgramMappings: "/api/v2/speechandtextanalytics/programs/mappings"
} as const

/** The platform refuses to page past this many results of one details query. */
export const DetailsPagingLimit = 100_000
/** Largest `paging.pageSize` of a details query. */
export const DetailsMaxPageSize = 100
/**
 * Longest interval of one details query, in days. Genesys refuses longer intervals of the
 * synchronous analytics queries (400); the SDK's models do not state the figure, and 7 days is
 * the lowest in use (31 for some queries): the client never asks for more than 7 days at once.
 */
export const DetailsMaxIntervalDays = 7
