/**
 * The simulator's platform of record: the deterministic seed interactions (src/seed/generate.ts)
 * as Genesys Cloud serves them — details-query conversations, recording metadata, recordings
 * (chat / messaging / email transcripts, audio for voice) — and the example topic model as STA
 * topics, programs and program mappings.
 *
 * Same seed/count/from/to as `rewind seed` → the same ids, times and transcripts. Only the
 * interactions' metadata is kept in memory; a recording's content is regenerated on demand.
 */
import type { Interaction, Transcript } from "../domain/interaction.ts"
import type { MediaType } from "../domain/media.ts"
import { phrasesOf, type TopicModel } from "../domain/topicModel.ts"
import type {
  AnalyticsConversation,
  AnalyticsParticipant,
  ChatMessage,
  Recording,
  RecordingEmailMessage,
  RecordingMessagingMessage,
  RecordingMetadata,
  StaProgram,
  StaProgramMappings,
  StaTopic
} from "../platform/genesys.ts"
import { exampleModel, generateInteractionAt, generateInteractions, type SeedOptions } from "../seed/generate.ts"
import { isMissingInteraction } from "../seed/missing.ts"

/** What the simulator keeps of one interaction. */
export interface SimConversation {
  readonly index: number
  readonly id: string
  readonly startMs: number
  readonly endMs: number
  readonly mediaType: MediaType
  readonly direction: "inbound" | "outbound"
  readonly queueId: string
  readonly divisionId: string
  readonly agentIds: ReadonlyArray<string>
  readonly language: string
  readonly transcriptIds: ReadonlyArray<string>
}

const fnv = (s: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

const iso = (ms: number): string => new Date(ms).toISOString()

const MessageTypes = ["webmessaging", "sms", "whatsapp", "facebook"] as const

export const OrgDomain = "northwind.example"
export const agentEmail = (agentId: string): string => `${agentId}@agents.${OrgDomain}`
export const customerEmail = (conversationId: string): string => `customer-${fnv(conversationId).toString(16).padStart(8, "0")}@example.com`
const queueEmail = (queueId: string): string => `${queueId}@${OrgDomain}`

export class SimData {
  readonly options: SeedOptions
  readonly missingShare: number
  readonly conversations: ReadonlyArray<SimConversation>
  private readonly byId: ReadonlyMap<string, SimConversation>
  private readonly maxDurationMs: number
  private readonly model: TopicModel
  private readonly recent = new Map<string, Interaction>()

  constructor(options: SeedOptions, missingShare = 0) {
    this.options = options
    this.missingShare = missingShare
    const list: Array<SimConversation> = []
    let maxDuration = 0
    let index = 0
    for (const i of generateInteractions(options)) {
      const startMs = Date.parse(i.startTime)
      const endMs = Date.parse(i.endTime)
      maxDuration = Math.max(maxDuration, endMs - startMs)
      list.push({
        index,
        id: i.id,
        startMs,
        endMs,
        mediaType: i.mediaType,
        direction: i.direction,
        queueId: i.queueId,
        divisionId: i.divisionId,
        agentIds: i.agentIds,
        language: i.language,
        transcriptIds: i.transcripts.map((t) => t.id)
      })
      index++
    }
    this.conversations = list
    this.byId = new Map(list.map((c) => [c.id, c]))
    this.maxDurationMs = maxDuration
    this.model = exampleModel()
  }

  get(id: string): SimConversation | undefined {
    return this.byId.get(id)
  }

  /** The ids of the text conversations `rewind seed --missing-share` leaves out of the store. */
  missingIds(): ReadonlyArray<string> {
    return this.conversations.filter((c) => isMissingInteraction(c, this.options.seed, this.missingShare)).map((c) => c.id)
  }

  /** The full interaction (transcripts included), regenerated; the last few are kept. */
  interaction(c: SimConversation): Interaction {
    const hit = this.recent.get(c.id)
    if (hit !== undefined) return hit
    const i = generateInteractionAt(this.options, c.index)
    this.recent.set(c.id, i)
    if (this.recent.size > 256) this.recent.delete(this.recent.keys().next().value!)
    return i
  }

  /**
   * The conversations that touch [fromMs, toMs) — start before its end and end at or after its
   * start — in start order (as Genesys' details query selects them).
   */
  touching(fromMs: number, toMs: number): Array<SimConversation> {
    const list = this.conversations
    const firstAtOrAfter = (t: number): number => {
      let lo = 0
      let hi = list.length
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (list[mid]!.startMs < t) lo = mid + 1
        else hi = mid
      }
      return lo
    }
    const lo = firstAtOrAfter(fromMs - this.maxDurationMs)
    const hi = firstAtOrAfter(toMs)
    const out: Array<SimConversation> = []
    for (let k = lo; k < hi; k++) {
      const c = list[k]!
      if (c.endMs >= fromMs) out.push(c)
    }
    return out
  }

  // --- details query -----------------------------------------------------------------------------

  /** Genesys session media type of the conversation's main sessions. */
  static genesysMedia(c: SimConversation): string {
    return c.mediaType
  }

  static messageType(c: SimConversation): string | undefined {
    return c.mediaType === "message" ? MessageTypes[fnv(c.id) % MessageTypes.length] : undefined
  }

  /** Values of a query dimension for a conversation (for segment/conversation filters). */
  static dimension(c: SimConversation, dimension: string): ReadonlyArray<string> | undefined {
    switch (dimension) {
      case "conversationId":
        return [c.id]
      case "mediaType":
        return c.mediaType === "callback" ? ["callback", "voice"] : [c.mediaType]
      case "messageType": {
        const t = SimData.messageType(c)
        return t === undefined ? [] : [t]
      }
      case "queueId":
        return [c.queueId]
      case "userId":
        return c.agentIds
      case "divisionId":
        return [c.divisionId]
      case "direction":
      case "originatingDirection":
        return [c.direction]
      case "purpose":
        return ["customer", "acd", "agent"]
      case "requestedLanguageId":
        return [c.language]
      default:
        return undefined
    }
  }

  /** The conversation as `AnalyticsConversationWithoutAttributes`. */
  static analyticsConversation(c: SimConversation): AnalyticsConversation {
    const start = iso(c.startMs)
    const end = iso(c.endMs)
    const media = SimData.genesysMedia(c)
    const messageType = SimData.messageType(c)
    const duration = c.endMs - c.startMs
    const queueEnd = iso(c.startMs + Math.min(20_000, Math.floor(duration / 4)))
    const inbound = c.direction === "inbound"
    const customerAddress = c.mediaType === "email" ? customerEmail(c.id) : `+1555${String(fnv(c.id) % 10_000_000).padStart(7, "0")}`
    const queueAddress = c.mediaType === "email" ? queueEmail(c.queueId) : c.queueId
    const session = (suffix: string, mediaType: string, segments: ReadonlyArray<Record<string, unknown>>) => ({
      sessionId: `${c.id}-${suffix}`,
      mediaType,
      ...(mediaType === "message" && messageType !== undefined ? { messageType } : {}),
      direction: c.direction,
      addressFrom: inbound ? customerAddress : queueAddress,
      addressTo: inbound ? queueAddress : customerAddress,
      segments
    })
    const customerSessions = c.mediaType === "callback"
      ? [
        session("s0", "callback", [{ segmentStart: start, segmentEnd: queueEnd, segmentType: "scheduled" }]),
        session("s1", "voice", [{ segmentStart: queueEnd, segmentEnd: end, segmentType: "interact" }])
      ]
      : [session("s0", media, [{ segmentStart: start, segmentEnd: end, segmentType: "interact" }])]
    const participants = [
      { participantId: `${c.id}-p0`, participantName: "Customer", purpose: "customer", sessions: customerSessions },
      {
        participantId: `${c.id}-p1`,
        participantName: c.queueId,
        purpose: "acd",
        sessions: [session("s2", media === "callback" ? "voice" : media, [{
          segmentStart: start,
          segmentEnd: queueEnd,
          segmentType: "interact",
          queueId: c.queueId,
          requestedLanguageId: c.language
        }])]
      },
      ...c.agentIds.map((userId, k) => ({
        participantId: `${c.id}-p${k + 2}`,
        participantName: userId,
        purpose: "agent",
        userId,
        sessions: [session(`s${k + 3}`, media === "callback" ? "voice" : media, [
          { segmentStart: queueEnd, segmentEnd: end, segmentType: "interact", queueId: c.queueId },
          { segmentStart: end, segmentEnd: end, segmentType: "wrapup", queueId: c.queueId, wrapUpCode: "resolved" }
        ])]
      }))
    ]
    return {
      conversationId: c.id,
      conversationStart: start,
      conversationEnd: end,
      divisionIds: [c.divisionId],
      originatingDirection: c.direction,
      participants: participants as unknown as ReadonlyArray<AnalyticsParticipant>
    }
  }

  // --- recordings ----------------------------------------------------------------------------------

  static recordingMedia(c: SimConversation): "audio" | "chat" | "email" | "message" {
    return c.mediaType === "voice" || c.mediaType === "callback" ? "audio" : c.mediaType
  }

  recordingMetadata(c: SimConversation): ReadonlyArray<RecordingMetadata> {
    const media = SimData.recordingMedia(c)
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

  /** The recording, or undefined when the conversation has no such recording. */
  recording(c: SimConversation, recordingId: string): Recording | undefined {
    if (!c.transcriptIds.includes(recordingId)) return undefined
    const media = SimData.recordingMedia(c)
    const base = {
      id: recordingId,
      conversationId: c.id,
      media,
      fileState: "AVAILABLE",
      startTime: iso(c.startMs),
      endTime: iso(c.endMs),
      selfUri: `/api/v2/conversations/${c.id}/recordings/${recordingId}`
    }
    if (media === "audio") {
      return { ...base, mediaUris: { S: { mediaUri: `/sim/media/${recordingId}.opus` } }, outputDurationMs: c.endMs - c.startMs } as Recording
    }
    const t = this.interaction(c).transcripts.find((x) => x.id === recordingId)!
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
          emailTranscript: emailTranscript(c, t, agent(agentOf)),
          users: c.agentIds.map((id) => ({ id, name: id, email: agentEmail(id) }))
        }
    }
  }

  /** The recording's content as the store keeps it (for tests): the generator's transcript. */
  transcript(c: SimConversation, recordingId: string): Transcript | undefined {
    return this.interaction(c).transcripts.find((x) => x.id === recordingId)
  }

  // --- STA configuration ----------------------------------------------------------------------------

  staTopics(): ReadonlyArray<StaTopic & Record<string, unknown>> {
    const programsCount = (id: string) => this.model.programs.filter((p) => p.topics.includes(id)).length
    return this.model.topics.map((t) => ({
      id: t.id,
      name: t.name,
      description: "",
      published: true,
      ...(t.strictness === undefined ? {} : { strictness: t.strictness }),
      dialect: "en-US",
      participants: t.participants === "external" ? "External" : t.participants === "internal" ? "Internal" : "All",
      phrases: t.phrases.map((p) =>
        typeof p === "string"
          ? { text: p, sentiment: "Unspecified" }
          : { text: p.text, ...(p.strictness === undefined ? {} : { strictness: p.strictness }), sentiment: "Unspecified" }
      ),
      phrasesCount: phrasesOf(t).length,
      programsCount: programsCount(t.id),
      tags: [],
      dateModified: "2026-01-01T00:00:00.000Z",
      selfUri: `/api/v2/speechandtextanalytics/topics/${t.id}`
    }))
  }

  staPrograms(): ReadonlyArray<StaProgram & Record<string, unknown>> {
    const topicName = new Map(this.model.topics.map((t) => [t.id, t.name]))
    return this.model.programs.map((p) => ({
      id: p.id,
      name: p.name,
      description: "",
      published: true,
      topics: p.topics.map((id) => ({ id, name: topicName.get(id) ?? id, selfUri: `/api/v2/speechandtextanalytics/topics/${id}` })),
      tags: [],
      dateModified: "2026-01-01T00:00:00.000Z",
      selfUri: `/api/v2/speechandtextanalytics/programs/${p.id}`
    }))
  }

  staProgramMappings(): ReadonlyArray<StaProgramMappings & Record<string, unknown>> {
    return this.model.programs.map((p) => ({
      program: { id: p.id, name: p.name, selfUri: `/api/v2/speechandtextanalytics/programs/${p.id}` },
      queues: p.queues.map((q) => ({ id: q, name: q, selfUri: `/api/v2/routing/queues/${q}` })),
      flows: [],
      dateModified: "2026-01-01T00:00:00.000Z",
      selfUri: `/api/v2/speechandtextanalytics/programs/${p.id}/mappings`
    }))
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

const messagingTranscript = (c: SimConversation, t: Transcript, agentId: string): Array<RecordingMessagingMessage> => {
  const customer = `+1555${String(fnv(c.id) % 10_000_000).padStart(7, "0")}`
  return t.blocks.map((b, k) => ({
    id: `${t.id}-m${k + 1}`,
    ...(b.participant === "external"
      ? { from: customer, fromExternalContact: { id: `ec-${fnv(c.id).toString(16)}` }, to: c.queueId }
      : { from: c.queueId, fromUser: { id: agentId, name: agentId }, to: customer }),
    timestamp: iso(c.startMs + b.offsetMs),
    messageText: b.text
  }))
}

const emailTranscript = (c: SimConversation, t: Transcript, agentId: string): Array<RecordingEmailMessage> => {
  const customer = { email: customerEmail(c.id), name: "Customer" }
  const agent = { email: agentEmail(agentId), name: agentId }
  return t.blocks.map((b, k) => ({
    id: `${t.id}-m${k + 1}`,
    from: b.participant === "external" ? customer : agent,
    to: [b.participant === "external" ? { email: queueEmail(c.queueId) } : customer],
    subject: `Case ${c.id}`,
    textBody: b.text,
    time: iso(c.startMs + b.offsetMs)
  }))
}
