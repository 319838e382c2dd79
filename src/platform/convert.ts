/**
 * Details-query conversations (Genesys' AnalyticsConversation) → `PlatformConversation`, Rewind's
 * view of a completed conversation of the platform. Pure functions. Recordings → transcripts:
 * transcripts.ts; STA configuration → topic model: staModel.ts.
 */
import type { Direction } from "../domain/interaction.ts"
import type { MediaType } from "../domain/media.ts"
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
}

/** Genesys session media types → ours. Others (cobrowse, video, screenshare, unknown) have no mapping. */
const mediaTypes: Readonly<Record<string, MediaType>> = {
  voice: "voice",
  callback: "callback",
  chat: "chat",
  email: "email",
  message: "message"
}

/** Ours → Genesys (segment filter values). */
export const genesysMediaType = (m: MediaType): string => m

const iso = (s: string): string => {
  const ms = Date.parse(s)
  return Number.isNaN(ms) ? s : new Date(ms).toISOString()
}

/**
 * Maps a details-query conversation; `undefined` when it is not a completed conversation of a
 * supported media type (no `conversationEnd`, or only cobrowse/video/screenshare sessions).
 *
 * Media type: `callback` when any session is a callback; otherwise the customer's first session's
 * media type (any participant's when there is no customer). Queue: the first segment with a
 * `queueId` (ACD participants first). Agents: `userId`s of `agent` participants.
 */
export const toPlatformConversation = (c: AnalyticsConversation): PlatformConversation | undefined => {
  if (c.conversationEnd === undefined) return undefined
  const participants = c.participants ?? []
  const sessions = participants.flatMap((p) => (p.sessions ?? []).map((s) => ({ p, s })))
  let mediaType: MediaType | undefined = sessions.some(({ s }) => s.mediaType === "callback") ? "callback" : undefined
  if (mediaType === undefined) {
    const customer = sessions.find(({ p, s }) => isCustomerPurpose(p.purpose) && mediaTypes[s.mediaType] !== undefined)
    const any = customer ?? sessions.find(({ s }) => mediaTypes[s.mediaType] !== undefined)
    if (any !== undefined) mediaType = mediaTypes[any.s.mediaType]
  }
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
    if (p.purpose === "agent" && p.userId !== undefined && p.userId !== "" && !agentIds.includes(p.userId)) agentIds.push(p.userId)
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
    ...(messageType === undefined ? {} : { messageType })
  }
}

/** The customer's side of a conversation (participants, message senders). */
export const isCustomerPurpose = (purpose: string | undefined): boolean =>
  purpose === "customer" || purpose === "external"
