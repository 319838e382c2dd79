/**
 * Genesys payloads → Rewind's domain: conversations (details query) to `PlatformConversation`,
 * recordings to `Transcript`s, STA configuration to a `TopicModel`. Pure functions.
 */
import type { Block, Direction, Participant, Transcript } from "../domain/interaction.ts"
import type { MediaType } from "../domain/media.ts"
import type { Program, Strictness, Topic, TopicModel, TopicParticipants } from "../domain/topicModel.ts"
import type {
  AnalyticsConversation,
  ChatMessage,
  EmailAddress,
  Recording,
  RecordingEmailMessage,
  RecordingMessagingMessage,
  StaProgram,
  StaProgramMappings,
  StaTopic
} from "./genesys.ts"

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

const isCustomerPurpose = (purpose: string | undefined): boolean =>
  purpose === "customer" || purpose === "external"

// ---------------------------------------------------------------------------------------------
// Recordings

/** Where a recording's message times are measured from, and who the customer is. */
export interface TranscriptContext {
  /** The conversation's start (offsets are relative to it). Default: the recording's `startTime`, else its first message. */
  readonly conversationStart?: string
  /** The customer's email addresses: email senders among them are `external`, the others `internal`. */
  readonly customerAddresses?: ReadonlyArray<string>
}

/** An error in a recording's content, naming the field. */
export class TranscriptFormatError extends Error {}

/** Milliseconds of a message time: ISO-8601, or epoch milliseconds as a string. */
const timeMs = (s: string, field: string): number => {
  const ms = /^\d+$/.test(s) ? Number(s) : Date.parse(s)
  if (!Number.isFinite(ms)) throw new TranscriptFormatError(`${field}: expected a time, got ${JSON.stringify(s)}`)
  return ms
}

interface Message {
  readonly participant: Participant
  readonly timeMs: number
  readonly text: string
}

const chatMessages = (messages: ReadonlyArray<ChatMessage>): Array<Message> => {
  const out: Array<Message> = []
  messages.forEach((m, k) => {
    if (m.bodyType !== undefined && m.bodyType !== "standard") return
    if (m.body === undefined || m.body.trim() === "") return
    if (m.utc === undefined) throw new TranscriptFormatError(`transcript[${k}].utc: missing`)
    const participant: Participant = m.participantPurpose !== undefined
      ? (isCustomerPurpose(m.participantPurpose) ? "external" : "internal")
      : (m.user !== undefined ? "internal" : "external")
    out.push({ participant, timeMs: timeMs(m.utc, `transcript[${k}].utc`), text: m.body })
  })
  return out
}

const messagingMessages = (messages: ReadonlyArray<RecordingMessagingMessage>): Array<Message> => {
  const out: Array<Message> = []
  messages.forEach((m, k) => {
    if (m.messageText === undefined || m.messageText.trim() === "") return
    const participant: Participant = m.purpose !== undefined
      ? (isCustomerPurpose(m.purpose) ? "external" : "internal")
      : (m.fromUser !== undefined ? "internal" : "external")
    out.push({ participant, timeMs: timeMs(m.timestamp, `messagingTranscript[${k}].timestamp`), text: m.messageText })
  })
  return out
}

const stripHtml = (html: string): string =>
  html.replace(/<br\s*\/?>/gi, "\n").replace(/<\/p>/gi, "\n").replace(/<[^>]*>/g, "")
    .replace(/&nbsp;/g, " ").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&").trim()

const address = (a: EmailAddress | undefined): string => (a?.email ?? "").trim().toLowerCase()

const emailMessages = (
  messages: ReadonlyArray<RecordingEmailMessage>,
  recording: Recording,
  context: TranscriptContext
): Array<Message> => {
  const customers = context.customerAddresses?.map((a) => a.trim().toLowerCase())
  const agents = new Set((recording.users ?? []).flatMap((u) => (u.email === undefined ? [] : [u.email.trim().toLowerCase()])))
  const out: Array<Message> = []
  messages.forEach((m, k) => {
    const text = m.textBody !== undefined && m.textBody.trim() !== "" ? m.textBody : m.htmlBody !== undefined ? stripHtml(m.htmlBody) : ""
    if (text.trim() === "") return
    const from = address(m.from)
    const participant: Participant = customers !== undefined && customers.length > 0
      ? (customers.includes(from) ? "external" : "internal")
      : (agents.has(from) ? "internal" : "external")
    out.push({ participant, timeMs: timeMs(m.time, `emailTranscript[${k}].time`), text })
  })
  return out
}

/**
 * A recording's text as Rewind transcripts: one transcript (id = the recording id) whose
 * blocks are its messages in order, `offsetMs` from the conversation start. Audio (and any
 * recording without a text transcript) gives none.
 */
export const recordingTranscripts = (recording: Recording, context: TranscriptContext = {}): ReadonlyArray<Transcript> => {
  let messages: Array<Message>
  if (recording.transcript !== undefined) messages = chatMessages(recording.transcript)
  else if (recording.messagingTranscript !== undefined) messages = messagingMessages(recording.messagingTranscript)
  else if (recording.emailTranscript !== undefined) messages = emailMessages(recording.emailTranscript, recording, context)
  else return []
  if (messages.length === 0) return []
  const base = context.conversationStart !== undefined
    ? timeMs(context.conversationStart, "conversationStart")
    : recording.startTime !== undefined
    ? timeMs(recording.startTime, "startTime")
    : Math.min(...messages.map((m) => m.timeMs))
  const blocks: Array<Block> = messages.map((m) => ({
    participant: m.participant,
    offsetMs: Math.max(0, Math.round(m.timeMs - base)),
    text: m.text
  }))
  return [{ id: recording.id, blocks }]
}

// ---------------------------------------------------------------------------------------------
// STA configuration → topic model

const topicParticipants: Readonly<Record<StaTopic["participants"], TopicParticipants>> = {
  External: "external",
  Internal: "internal",
  All: "all"
}

/** A Genesys topic (with its phrases) as a Rewind topic. */
export const toTopic = (t: StaTopic): Topic => ({
  id: t.id,
  name: t.name,
  participants: topicParticipants[t.participants],
  ...(t.strictness === undefined ? {} : { strictness: t.strictness as Strictness }),
  phrases: (t.phrases ?? []).map((p) => (p.strictness === undefined ? p.text : { text: p.text, strictness: p.strictness as Strictness }))
})

/** A program without its mapping. */
export interface PlatformProgram {
  readonly id: string
  readonly name: string
  readonly topics: ReadonlyArray<string>
}

export const toProgram = (p: StaProgram): PlatformProgram => ({
  id: p.id,
  name: p.name,
  topics: (p.topics ?? []).map((t) => t.id)
})

export interface PlatformProgramMapping {
  readonly programId: string
  readonly queues: ReadonlyArray<string>
  readonly flows: ReadonlyArray<string>
}

export const toProgramMapping = (m: StaProgramMappings): PlatformProgramMapping => ({
  programId: m.program.id,
  queues: (m.queues ?? []).map((q) => q.id),
  flows: (m.flows ?? []).map((f) => f.id)
})

/** Programs + their mappings + topics → a topic model (programs without a mapping map no queue). */
export const toTopicModel = (
  topics: ReadonlyArray<Topic>,
  programs: ReadonlyArray<PlatformProgram>,
  mappings: ReadonlyArray<PlatformProgramMapping>
): TopicModel => {
  const queuesOf = new Map<string, Array<string>>()
  for (const m of mappings) {
    const list = queuesOf.get(m.programId) ?? []
    for (const q of m.queues) if (!list.includes(q)) list.push(q)
    queuesOf.set(m.programId, list)
  }
  const out: Array<Program> = programs.map((p) => ({ id: p.id, name: p.name, topics: [...p.topics], queues: queuesOf.get(p.id) ?? [] }))
  return { programs: out, topics: [...topics] }
}
