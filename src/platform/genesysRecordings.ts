/**
 * The Genesys Cloud Platform API v2 recording payloads Rewind uses, with Genesys' own field
 * names (public SDK models: RecordingMetadata, Recording, ChatMessage, RecordingMessagingMessage,
 * RecordingEmailMessage, MediaResult) and the recording download formats. Same rules as
 * genesys.ts: only the fields Rewind reads are declared.
 */
import * as Schema from "effect/Schema"

export const RecordingMetadata = Schema.Struct({
  id: Schema.NonEmptyString,
  conversationId: Schema.optionalKey(Schema.String),
  /** audio, chat, email, message, screen. */
  media: Schema.String,
  /** AVAILABLE, UPLOADING, ARCHIVED, RESTORING, DELETED, ERROR, … */
  fileState: Schema.optionalKey(Schema.String),
  startTime: Schema.optionalKey(Schema.String),
  endTime: Schema.optionalKey(Schema.String),
  sessionId: Schema.optionalKey(Schema.String)
})
export type RecordingMetadata = typeof RecordingMetadata.Type

export const RecordingMetadataList = Schema.Array(RecordingMetadata)

/** A user as recordings name one (chat senders, messaging senders). */
const UserRef = Schema.Struct({
  id: Schema.optionalKey(Schema.String),
  name: Schema.optionalKey(Schema.String),
  email: Schema.optionalKey(Schema.String)
})

/** ChatMessage (chat transcripts). */
export const ChatMessage = Schema.Struct({
  id: Schema.optionalKey(Schema.String),
  body: Schema.optionalKey(Schema.String),
  /** standard, notice, member-join, member-leave, media-request. */
  bodyType: Schema.optionalKey(Schema.String),
  from: Schema.optionalKey(Schema.String),
  to: Schema.optionalKey(Schema.String),
  /** The message time: ISO-8601, or epoch milliseconds as a string. */
  utc: Schema.optionalKey(Schema.String),
  type: Schema.optionalKey(Schema.String),
  senderCommunicationId: Schema.optionalKey(Schema.String),
  /** customer, agent, acd, workflow, … */
  participantPurpose: Schema.optionalKey(Schema.String),
  user: Schema.optionalKey(UserRef)
})
export type ChatMessage = typeof ChatMessage.Type

/** RecordingMessagingMessage (messaging/social transcripts). */
export const RecordingMessagingMessage = Schema.Struct({
  id: Schema.optionalKey(Schema.String),
  from: Schema.optionalKey(Schema.String),
  fromUser: Schema.optionalKey(UserRef),
  fromExternalContact: Schema.optionalKey(Schema.Struct({ id: Schema.optionalKey(Schema.String) })),
  to: Schema.optionalKey(Schema.String),
  /** Optional (as in the SDK): a message without one is placed at the previous message's time. */
  timestamp: Schema.optionalKey(Schema.String),
  messageText: Schema.optionalKey(Schema.String),
  /** Sender's purpose (customer, agent, bot, …) when the platform gives it. */
  purpose: Schema.optionalKey(Schema.String)
})
export type RecordingMessagingMessage = typeof RecordingMessagingMessage.Type

export const EmailAddress = Schema.Struct({
  email: Schema.optionalKey(Schema.String),
  name: Schema.optionalKey(Schema.String)
})
export type EmailAddress = typeof EmailAddress.Type

/** RecordingEmailMessage (email transcripts). */
export const RecordingEmailMessage = Schema.Struct({
  id: Schema.optionalKey(Schema.String),
  from: Schema.optionalKey(EmailAddress),
  to: Schema.optionalKey(Schema.Array(EmailAddress)),
  cc: Schema.optionalKey(Schema.Array(EmailAddress)),
  subject: Schema.optionalKey(Schema.String),
  textBody: Schema.optionalKey(Schema.String),
  htmlBody: Schema.optionalKey(Schema.String),
  /** Optional (as in the SDK): a message without one is placed at the previous message's time. */
  time: Schema.optionalKey(Schema.String)
})
export type RecordingEmailMessage = typeof RecordingEmailMessage.Type

/** MediaResult: a download link. */
export const MediaResult = Schema.Struct({
  mediaUri: Schema.optionalKey(Schema.String)
})

/**
 * Download formats of `GET /api/v2/conversations/{id}/recordings/{recordingId}`: `formatId`
 * (audio; default WEBM), `chatFormatId` and `messageFormatId` (default ZIP), `emailFormatId`
 * (default EML). Only `NONE` gives text recordings' transcripts inline.
 */
export const RecordingFormatParams = ["formatId", "chatFormatId", "messageFormatId", "emailFormatId"] as const
export type RecordingFormatParam = typeof RecordingFormatParams[number]

/** Recording media that carry a text transcript. */
export const TextRecordingMedia: ReadonlySet<string> = new Set(["chat", "message", "email"])

/**
 * Recording (`GET /api/v2/conversations/{id}/recordings/{recordingId}`, 200). `id` and `media`
 * are optional (as in the SDK): the id asked for and the transcript present stand in for them.
 */
export const Recording = Schema.Struct({
  id: Schema.optionalKey(Schema.String),
  conversationId: Schema.optionalKey(Schema.String),
  media: Schema.optionalKey(Schema.String),
  fileState: Schema.optionalKey(Schema.String),
  startTime: Schema.optionalKey(Schema.String),
  endTime: Schema.optionalKey(Schema.String),
  transcript: Schema.optionalKey(Schema.Array(ChatMessage)),
  messagingTranscript: Schema.optionalKey(Schema.Array(RecordingMessagingMessage)),
  emailTranscript: Schema.optionalKey(Schema.Array(RecordingEmailMessage)),
  /** Download links (audio; text recordings asked for in a file format: ZIP, EML). */
  mediaUris: Schema.optionalKey(Schema.Record(Schema.String, MediaResult)),
  users: Schema.optionalKey(Schema.Array(UserRef))
})
export type Recording = typeof Recording.Type
