/**
 * Details-query conversations (Genesys' AnalyticsConversation) → `PlatformConversation`, Rewind's
 * view of a completed conversation of the platform. Pure functions. Recordings → transcripts:
 * transcripts.ts; STA configuration → topic model: staModel.ts.
 */
import type { Direction } from "../domain/interaction.ts"
import type { MediaType } from "../domain/media.ts"
import { type EmailParties, emailPartiesOf } from "./emailParties.ts"
import type { AnalyticsConversation } from "./genesys.ts"

/** A completed conversation of the platform, in Rewind's terms. */
export interface PlatformConversation {
  readonly id: string
  /** ISO-8601 (UTC, milliseconds). */
  readonly startTime: string
  readonly endTime: string
  readonly mediaType: MediaType
  readonly direction: Direction
  /** The queue that handled it ("" when none did). */
  readonly queueId: string
  /** The first division ("" when none). */
  readonly divisionId: string
  readonly divisionIds: ReadonlyArray<string>
  /** User ids of the agents, in order of appearance. */
  readonly agentIds: ReadonlyArray<string>
  /** The requested routing language (`requestedLanguageId`), lower-cased, when the platform gives one. */
  readonly language?: string
  /** For messaging: sms, webmessaging, facebook, whatsapp, … */
  readonly messageType?: string
  /** For email: the addresses of the customer's side and the organisation's (who wrote each message). */
  readonly emailParties?: EmailParties
}

/** Genesys session media types → ours. Others (cobrowse, video, screenshare, unknown) have no mapping. */
const mediaTypes: Readonly<Record<string, MediaType>> = {
  voice: "voice",
  callback: "callback",
  chat: "chat",
  email: "email",
  message: "message"
}

/** Every session media type Genesys documents (AnalyticsSession.mediaType). */
const GenesysMediaTypes: ReadonlySet<string> = new Set([
  "callback", "chat", "cobrowse", "email", "internalmessage", "message", "screenmonitoring", "screenshare", "unknown", "video", "voice"
])

/** Ours → Genesys (segment filter values). */
export const genesysMediaType = (m: MediaType): string => m

const iso = (s: string): string => {
  const ms = Date.parse(s)
  return Number.isNaN(ms) ? s : new Date(ms).toISOString()
}

/**
 * A conversation of the platform Rewind cannot read (a field it needs is missing or malformed):
 * reported with the reason — counted failed by recovery — never dropped.
 */
export interface UnreadableConversation {
  readonly _tag: "UnreadableConversation"
  /** Its `conversationId`, or where it was when it has none. */
  readonly id: string
  readonly reason: string
}

/**
 * A conversation still going on when the platform was asked (no `conversationEnd` yet: a long
 * email or messaging thread): not complete, so nothing to ingest yet, but recovery keeps it and
 * comes back for it once it has ended. Listed only when asked for (`includeOpen`).
 */
export interface OpenConversation {
  readonly _tag: "OpenConversation"
  readonly id: string
  /** ISO-8601 (UTC, milliseconds). */
  readonly startTime: string
  readonly mediaType: MediaType
}

/** What the details query lists: conversations, and those Rewind cannot read. */
export type ListedConversation = PlatformConversation | UnreadableConversation

/** What the details query lists when asked for the open conversations too. */
export type ListedOrOpen = ListedConversation | OpenConversation

export const isUnreadable = (c: ListedOrOpen): c is UnreadableConversation => "_tag" in c && c._tag === "UnreadableConversation"

export const isOpen = (c: ListedOrOpen): c is OpenConversation => "_tag" in c && c._tag === "OpenConversation"

const unreadable = (id: string, reason: string): UnreadableConversation => ({ _tag: "UnreadableConversation", id, reason })

/** A session's media type, and the purpose of its participant. */
interface Session {
  readonly purpose: string | undefined
  readonly mediaType: string | undefined
}

/**
 * `callback` when any session is a callback; otherwise the customer's first session's media type
 * (any participant's when no customer session says it); undefined when the sessions only say
 * media Rewind does not handle (cobrowse, video, …). Why it cannot be known, when it cannot: no
 * session says it, or they say media types Genesys does not document.
 */
const mediaTypeOf = (sessions: ReadonlyArray<Session>): MediaType | undefined | { readonly unknown: string } => {
  const told = sessions.filter((x) => x.mediaType !== undefined)
  if (told.length === 0) return { unknown: "no session of the conversation says its mediaType: its media type is unknown" }
  if (told.some((x) => x.mediaType === "callback")) return "callback"
  const known = told.filter((x) => mediaTypes[x.mediaType!] !== undefined)
  const chosen = known.find((x) => isCustomerPurpose(x.purpose)) ?? known[0]
  if (chosen !== undefined) return mediaTypes[chosen.mediaType!]
  const undocumented = [...new Set(told.map((x) => x.mediaType!).filter((m) => !GenesysMediaTypes.has(m)))]
  return undocumented.length === 0
    ? undefined
    : { unknown: `its sessions' mediaType ${undocumented.map((m) => JSON.stringify(m)).join(", ")} is not one Genesys documents: its media type is unknown` }
}

/** Every session of the conversation, with its participant. */
const sessionsOf = (c: AnalyticsConversation) => (c.participants ?? []).flatMap((p) => (p.sessions ?? []).map((s) => ({ p, s })))

/**
 * Reads a details-query conversation: undefined when it is not a completed conversation of a
 * supported media type (no `conversationEnd` — still open: `readOpenConversation` — or only
 * cobrowse/video/screenshare sessions);
 * unreadable when a time is not a time, or no session says its media type, or they say only
 * media types Genesys does not document.
 *
 * Optional fields (optional in Genesys' models too) get defaults: a participant without `purpose`
 * is an agent when it has a `userId`; sessions without `mediaType` do not count for the media
 * type. Queue: the first segment with a `queueId` (ACD participants first). Agents: `userId`s of
 * `agent` participants.
 */
export const readConversation = (c: AnalyticsConversation): PlatformConversation | UnreadableConversation | undefined => {
  if (c.conversationEnd === undefined) return undefined
  for (const [field, value] of [["conversationStart", c.conversationStart], ["conversationEnd", c.conversationEnd]] as const) {
    if (Number.isNaN(Date.parse(value))) return unreadable(c.conversationId, `${field}: expected an ISO-8601 time, got ${JSON.stringify(value)}`)
  }
  const participants = c.participants ?? []
  const sessions = sessionsOf(c)
  const mediaType = mediaTypeOf(sessions.map(({ p, s }) => ({ purpose: p.purpose, mediaType: s.mediaType })))
  if (typeof mediaType === "object") return unreadable(c.conversationId, mediaType.unknown)
  if (mediaType === undefined) return undefined
  const direction: Direction = c.originatingDirection === "outbound" ? "outbound" : "inbound"
  const ordered = [
    ...sessions.filter(({ p }) => p.purpose === "acd"),
    ...sessions.filter(({ p }) => p.purpose !== "acd")
  ]
  let queueId = ""
  let language: string | undefined
  for (const { s } of ordered) {
    for (const seg of s.segments ?? []) {
      if (queueId === "" && seg.queueId !== undefined && seg.queueId !== "") queueId = seg.queueId
      if (language === undefined && seg.requestedLanguageId !== undefined && seg.requestedLanguageId !== "") {
        language = seg.requestedLanguageId.toLowerCase()
      }
    }
  }
  const agentIds: Array<string> = []
  for (const p of participants) {
    const agent = p.purpose === "agent" || (p.purpose === undefined && p.userId !== undefined)
    if (agent && p.userId !== undefined && p.userId !== "" && !agentIds.includes(p.userId)) agentIds.push(p.userId)
  }
  const messageType = sessions.find(({ s }) => s.mediaType === "message" && s.messageType !== undefined)?.s.messageType
  const divisionIds = c.divisionIds ?? []
  return {
    id: c.conversationId,
    startTime: iso(c.conversationStart),
    endTime: iso(c.conversationEnd),
    mediaType,
    direction,
    queueId,
    divisionId: divisionIds[0] ?? "",
    divisionIds,
    agentIds,
    ...(language === undefined ? {} : { language }),
    ...(messageType === undefined ? {} : { messageType }),
    ...(mediaType === "email" ? { emailParties: emailPartiesOf(c) } : {})
  }
}

/**
 * Reads a details-query conversation that is still going on (no `conversationEnd`): open, with
 * its start and media type; undefined when it has ended, or is of a media Rewind does not
 * handle; unreadable as `readConversation` says.
 */
export const readOpenConversation = (c: AnalyticsConversation): OpenConversation | UnreadableConversation | undefined => {
  if (c.conversationEnd !== undefined) return undefined
  if (Number.isNaN(Date.parse(c.conversationStart))) {
    return unreadable(c.conversationId, `conversationStart: expected an ISO-8601 time, got ${JSON.stringify(c.conversationStart)}`)
  }
  const mediaType = mediaTypeOf(sessionsOf(c).map(({ p, s }) => ({ purpose: p.purpose, mediaType: s.mediaType })))
  if (typeof mediaType === "object") return unreadable(c.conversationId, mediaType.unknown)
  if (mediaType === undefined) return undefined
  return { _tag: "OpenConversation", id: c.conversationId, startTime: iso(c.conversationStart), mediaType }
}

/** The conversation when Rewind can read it and it is a completed one of a supported media type. */
export const toPlatformConversation = (c: AnalyticsConversation): PlatformConversation | undefined => {
  const read = readConversation(c)
  return read === undefined || isUnreadable(read) ? undefined : read
}

/** The customer's side of a conversation (participants, message senders). */
export const isCustomerPurpose = (purpose: string | undefined): boolean =>
  purpose === "customer" || purpose === "external"
