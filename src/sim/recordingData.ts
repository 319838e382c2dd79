/**
 * The simulator's recordings: metadata, and content as Genesys serves it — chat, messaging and
 * email transcripts regenerated from the seed interaction, audio (a media link) for voice.
 *
 * Download formats as Genesys takes them: `formatId` (audio, default WEBM), `chatFormatId` and
 * `messageFormatId` (default ZIP), `emailFormatId` (default EML). A text recording comes with its
 * transcript inline only when its format is `NONE`; otherwise with a download link (`mediaUris`).
 */
import type { Transcript } from "../domain/interaction.ts"
import type {
  ChatMessage,
  Recording,
  RecordingEmailMessage,
  RecordingFormatParam,
  RecordingMessagingMessage,
  RecordingMetadata
} from "../platform/genesysRecordings.ts"
import type { SimConversation, SimData } from "./data.ts"
import { agentEmail, customerEmail, customerPhone, fnv, iso, queueEmail } from "./identities.ts"

export function recordingMedia(c: SimConversation): "audio" | "chat" | "email" | "message" {
  return c.mediaType === "voice" || c.mediaType === "callback" ? "audio" : c.mediaType
}

export function recordingMetadata(c: SimConversation): ReadonlyArray<RecordingMetadata> {
  const media = recordingMedia(c)
  return c.transcriptIds.map((id) => ({
    id,
    conversationId: c.id,
    media,
    fileState: "AVAILABLE",
    startTime: iso(c.startMs),
    endTime: iso(c.endMs),
    sessionId: `${c.id}-s0`,
    selfUri: `/api/v2/conversations/${c.id}/recordings/${id}`
  }) as RecordingMetadata)
}

/** Each medium's format parameter and its default. */
const FormatOf = {
  audio: { param: "formatId", default: "WEBM" },
  chat: { param: "chatFormatId", default: "ZIP" },
  message: { param: "messageFormatId", default: "ZIP" },
  email: { param: "emailFormatId", default: "EML" }
} as const satisfies Record<string, { param: RecordingFormatParam; default: string }>

/**
 * The recording in the formats asked (`format(param)`: the query parameter's value, if given),
 * or undefined when the conversation has no such recording.
 */
export function recording(
  data: SimData,
  c: SimConversation,
  recordingId: string,
  format: (param: RecordingFormatParam) => string | undefined = () => undefined
): Recording | undefined {
  if (!c.transcriptIds.includes(recordingId)) return undefined
  const media = recordingMedia(c)
  const base = {
    id: recordingId,
    conversationId: c.id,
    media,
    fileState: "AVAILABLE",
    startTime: iso(c.startMs),
    endTime: iso(c.endMs),
    selfUri: `/api/v2/conversations/${c.id}/recordings/${recordingId}`
  }
  const wanted = (format(FormatOf[media].param) ?? FormatOf[media].default).toUpperCase()
  if (media === "audio") {
    const audio = { ...base, outputDurationMs: c.endMs - c.startMs }
    return (wanted === "NONE" ? audio : { ...audio, mediaUris: { S: { mediaUri: `/sim/media/${recordingId}.${wanted.toLowerCase()}` } } }) as Recording
  }
  if (wanted !== "NONE") {
    return { ...base, mediaUris: { S: { mediaUri: `/sim/media/${recordingId}.${wanted.toLowerCase()}` } } } as Recording
  }
  const t = data.interaction(c).transcripts.find((x) => x.id === recordingId)!
  const agent = (k: number) => c.agentIds[k % c.agentIds.length] ?? "ag-000"
  const agentOf = c.transcriptIds.indexOf(recordingId)
  switch (media) {
    case "chat":
      return { ...base, transcript: chatTranscript(c, t, agent(agentOf)) }
    case "message":
      return { ...base, messagingTranscript: messagingTranscript(c, t, agent(agentOf)) }
    case "email":
      return {
        ...base,
        emailTranscript: emailTranscript(c, t),
        users: c.agentIds.map((id) => ({ id, name: id, email: agentEmail(id), version: 1 }))
      }
  }
}

const chatTranscript = (c: SimConversation, t: Transcript, agentId: string): Array<ChatMessage> =>
  t.blocks.map((b, k) => ({
    id: `${t.id}-m${k + 1}`,
    body: b.text,
    bodyType: "standard",
    utc: iso(c.startMs + b.offsetMs),
    type: "message",
    senderCommunicationId: `${c.id}-${b.participant === "external" ? "s0" : "s3"}`,
    participantPurpose: b.participant === "external" ? "customer" : "agent",
    ...(b.participant === "internal" ? { user: { id: agentId, name: agentId } } : {})
  }))

/**
 * Messaging: the customer's messages from their address (`fromExternalContact`), the agent's from
 * the queue's with `fromUser`; each says its sender's `purpose` and `participantId`.
 */
const messagingTranscript = (c: SimConversation, t: Transcript, agentId: string): Array<RecordingMessagingMessage> => {
  const customer = customerPhone(c.id)
  return t.blocks.map((b, k) => ({
    id: `${t.id}-m${k + 1}`,
    ...(b.participant === "external"
      ? { from: customer, fromExternalContact: { id: `ec-${fnv(c.id).toString(16)}` }, to: c.queueId, purpose: "customer", participantId: `${c.id}-p0` }
      : { from: c.queueId, fromUser: { id: agentId, name: agentId, version: 1 }, to: customer, purpose: "agent", participantId: `${c.id}-p2` }),
    timestamp: iso(c.startMs + b.offsetMs),
    messageText: b.text
  }))
}

/**
 * Email, as Genesys Cloud sends it: the customer writes to the queue's address; the agent's replies
 * go out from the queue's address too (not the agent's own, which only the recording's `users`
 * carry), to the customer.
 */
const emailTranscript = (c: SimConversation, t: Transcript): Array<RecordingEmailMessage> => {
  const customer = { email: customerEmail(c.id), name: "Customer" }
  const queue = { email: queueEmail(c.queueId), name: `Support (${c.queueId})` }
  return t.blocks.map((b, k) => ({
    id: `${t.id}-m${k + 1}`,
    from: b.participant === "external" ? customer : queue,
    to: [b.participant === "external" ? queue : customer],
    subject: `Case ${c.id}`,
    textBody: b.text,
    time: iso(c.startMs + b.offsetMs)
  }))
}
