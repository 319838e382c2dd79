/**
 * Recordings (Genesys' Recording: chat, messaging and email transcripts) → Rewind transcripts:
 * one per recording, its messages as blocks with participants and offsets. Pure functions.
 *
 * A message time is optional in Genesys' models (`utc`, `timestamp`, `time`): a message without
 * one is placed at the previous message's time (the first at the conversation's start). A time
 * that is not a time is an error naming the field.
 */
import type { Block, Participant, Transcript } from "../domain/interaction.ts"
import { isCustomerPurpose } from "./convert.ts"
import { emailParticipant, type EmailParties, normalizeAddress } from "./emailParties.ts"
import type { ChatMessage, Recording, RecordingEmailMessage, RecordingMessagingMessage } from "./genesysRecordings.ts"

/** Where a recording's message times are measured from, and who the customer is. */
export interface TranscriptContext {
  /** The conversation's start (offsets are relative to it). Default: the recording's `startTime`, else its first message. */
  readonly conversationStart?: string
  /** Email: the addresses of the two sides (emailParties.ts), which tell who wrote each message. */
  readonly emailParties?: EmailParties
}

/** A recording with its id (the id asked for when the platform's answer has none). */
export type IdentifiedRecording = Recording & { readonly id: string }

/** An error in a recording's content, naming the field. */
export class TranscriptFormatError extends Error {}

/** Milliseconds of a message time: ISO-8601, or epoch milliseconds as a string. */
const timeMs = (s: string, field: string): number => {
  const ms = /^\d+$/.test(s) ? Number(s) : Date.parse(s)
  if (!Number.isFinite(ms)) throw new TranscriptFormatError(`${field}: expected a time, got ${JSON.stringify(s)}`)
  return ms
}

/** Milliseconds of an optional message time. */
const optionalTimeMs = (s: string | undefined, field: string): number | undefined => (s === undefined ? undefined : timeMs(s, field))

interface Message {
  readonly participant: Participant
  /** undefined: the message has no time. */
  readonly timeMs: number | undefined
  readonly text: string
}

const chatMessages = (messages: ReadonlyArray<ChatMessage>): Array<Message> => {
  const out: Array<Message> = []
  messages.forEach((m, k) => {
    if (m.bodyType !== undefined && m.bodyType !== "standard") return
    if (m.body === undefined || m.body.trim() === "") return
    const participant: Participant = m.participantPurpose !== undefined
      ? (isCustomerPurpose(m.participantPurpose) ? "external" : "internal")
      : (m.user !== undefined ? "internal" : "external")
    out.push({ participant, timeMs: optionalTimeMs(m.utc, `transcript[${k}].utc`), text: m.body })
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
    out.push({ participant, timeMs: optionalTimeMs(m.timestamp, `messagingTranscript[${k}].timestamp`), text: m.messageText })
  })
  return out
}

const stripHtml = (html: string): string =>
  html.replace(/<br\s*\/?>/gi, "\n").replace(/<\/p>/gi, "\n").replace(/<[^>]*>/g, "")
    .replace(/&nbsp;/g, " ").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&").trim()

const emailMessages = (
  messages: ReadonlyArray<RecordingEmailMessage>,
  recording: Recording,
  context: TranscriptContext
): Array<Message> => {
  const customer = new Set(context.emailParties?.customer ?? [])
  const agents = (recording.users ?? []).flatMap((u) => (u.email === undefined ? [] : [normalizeAddress(u.email)]))
  const organization = new Set([...context.emailParties?.organization ?? [], ...agents])
  const out: Array<Message> = []
  messages.forEach((m, k) => {
    const text = m.textBody !== undefined && m.textBody.trim() !== "" ? m.textBody : m.htmlBody !== undefined ? stripHtml(m.htmlBody) : ""
    if (text.trim() === "") return
    out.push({ participant: emailParticipant(m, customer, organization), timeMs: optionalTimeMs(m.time, `emailTranscript[${k}].time`), text })
  })
  return out
}

/**
 * A recording's text as Rewind transcripts: one transcript (id = the recording id) whose
 * blocks are its messages in order, `offsetMs` from the conversation start. Audio (and any
 * recording without a text transcript) gives none.
 */
export const recordingTranscripts = (
  recording: IdentifiedRecording,
  context: TranscriptContext = {}
): ReadonlyArray<Transcript> => {
  let messages: Array<Message>
  if (recording.transcript !== undefined) messages = chatMessages(recording.transcript)
  else if (recording.messagingTranscript !== undefined) messages = messagingMessages(recording.messagingTranscript)
  else if (recording.emailTranscript !== undefined) messages = emailMessages(recording.emailTranscript, recording, context)
  else return []
  if (messages.length === 0) return []
  const known = messages.flatMap((m) => (m.timeMs === undefined ? [] : [m.timeMs]))
  const base = context.conversationStart !== undefined
    ? timeMs(context.conversationStart, "conversationStart")
    : recording.startTime !== undefined
    ? timeMs(recording.startTime, "startTime")
    : known.length > 0
    ? Math.min(...known)
    : 0
  let previous = base
  const blocks: Array<Block> = messages.map((m) => {
    const at = m.timeMs ?? previous
    previous = at
    return { participant: m.participant, offsetMs: Math.max(0, Math.round(at - base)), text: m.text }
  })
  return [{ id: recording.id, blocks }]
}
