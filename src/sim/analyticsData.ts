/**
 * The simulator's conversations as the details query serves them
 * (`AnalyticsConversationWithoutAttributes`: participants, sessions, segments), and the values of
 * the query dimensions its filters match.
 */
import { TextMediaTypes } from "../domain/media.ts"
import type { AnalyticsConversation, AnalyticsParticipant } from "../platform/genesys.ts"
import type { SimConversation } from "./data.ts"
import { customerEmail, customerPhone, fnv, iso, queueEmail } from "./identities.ts"

const MessageTypes = ["webmessaging", "sms", "whatsapp", "facebook"] as const

/** Genesys session media type of the conversation's main sessions. */
export function genesysMedia(c: SimConversation): string {
  return c.mediaType
}

export function messageTypeOf(c: SimConversation): string | undefined {
  return c.mediaType === "message" ? MessageTypes[fnv(c.id) % MessageTypes.length] : undefined
}

/** Which filters of a details query: conversation-level (ConversationDetailQueryPredicate) or segment-level. */
export type FilterLevel = "conversation" | "segment"

/**
 * The dimensions each level of filter can match, and their values for a conversation. Genesys'
 * predicate models each list their own: `conversationId` and `divisionId` are conversation
 * dimensions, `mediaType` and `queueId` segment ones (the simulator models a subset).
 */
const Dimensions: Record<FilterLevel, Readonly<Record<string, (c: SimConversation) => ReadonlyArray<string>>>> = {
  conversation: {
    conversationId: (c) => [c.id],
    divisionId: (c) => [c.divisionId],
    originatingDirection: (c) => [c.direction],
    conversationStart: (c) => [iso(c.startMs)],
    conversationEnd: (c) => [iso(c.endMs)]
  },
  segment: {
    mediaType: (c) => (c.mediaType === "callback" ? ["callback", "voice"] : [c.mediaType]),
    messageType: (c) => {
      const t = messageTypeOf(c)
      return t === undefined ? [] : [t]
    },
    queueId: (c) => [c.queueId],
    userId: (c) => c.agentIds,
    direction: (c) => [c.direction],
    purpose: () => ["customer", "acd", "agent"],
    requestedLanguageId: (c) => [c.language]
  }
}

/** Whether filters of this level can match the dimension. */
export const isDimension = (level: FilterLevel, name: string): boolean => Object.hasOwn(Dimensions[level], name)

/** Values of a dimension of the level for a conversation (none for one that is not the level's). */
export const dimension = (c: SimConversation, level: FilterLevel, name: string): ReadonlyArray<string> =>
  isDimension(level, name) ? Dimensions[level][name]!(c) : []

/**
 * Whether the text conversation is still open on the platform (`openShare`, 0..1): a deterministic
 * share of the chat, email and messaging conversations, chosen by id (the same ones on every
 * request; monotonic in the share). Voice and callbacks are never open.
 */
export const isOpenConversation = (c: Pick<SimConversation, "id" | "mediaType">, share: number): boolean =>
  share > 0 && TextMediaTypes.includes(c.mediaType) && fnv(`open:${c.id}`) / 2 ** 32 < share

/**
 * The conversation as `AnalyticsConversationWithoutAttributes`. `open`: still going on — no
 * `conversationEnd`, its ongoing segments without `segmentEnd`, no wrap-up yet.
 */
export function analyticsConversation(c: SimConversation, open = false): AnalyticsConversation {
  const start = iso(c.startMs)
  const end = iso(c.endMs)
  const media = genesysMedia(c)
  const messageType = messageTypeOf(c)
  const duration = c.endMs - c.startMs
  const queueEnd = iso(c.startMs + Math.min(20_000, Math.floor(duration / 4)))
  const inbound = c.direction === "inbound"
  const customerAddress = c.mediaType === "email" ? customerEmail(c.id) : customerPhone(c.id)
  const queueAddress = c.mediaType === "email" ? queueEmail(c.queueId) : c.queueId
  /**
   * A session. Email sessions also say whose side they are on, as Genesys does: `addressSelf` is
   * the participant's own address (the customer's, or the queue's for the organisation's side),
   * `addressOther` the other side's.
   */
  const session = (suffix: string, mediaType: string, side: "customer" | "organization", segments: ReadonlyArray<Record<string, unknown>>) => ({
    sessionId: `${c.id}-${suffix}`,
    mediaType,
    ...(mediaType === "message" && messageType !== undefined ? { messageType } : {}),
    direction: c.direction,
    addressFrom: inbound ? customerAddress : queueAddress,
    addressTo: inbound ? queueAddress : customerAddress,
    ...(mediaType === "email"
      ? side === "customer" ? { addressSelf: customerAddress, addressOther: queueAddress } : { addressSelf: queueAddress, addressOther: customerAddress }
      : {}),
    segments
  })
  const customerSessions = c.mediaType === "callback"
    ? [
      session("s0", "callback", "customer", [{ segmentStart: start, segmentEnd: queueEnd, segmentType: "scheduled" }]),
      session("s1", "voice", "customer", [{ segmentStart: queueEnd, segmentEnd: end, segmentType: "interact" }])
    ]
    : [session("s0", media, "customer", [{ segmentStart: start, ...(open ? {} : { segmentEnd: end }), segmentType: "interact" }])]
  const participants = [
    { participantId: `${c.id}-p0`, participantName: "Customer", purpose: "customer", sessions: customerSessions },
    {
      participantId: `${c.id}-p1`,
      participantName: c.queueId,
      purpose: "acd",
      sessions: [session("s2", media === "callback" ? "voice" : media, "organization", [{
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
      sessions: [session(`s${k + 3}`, media === "callback" ? "voice" : media, "organization", open
        ? [{ segmentStart: queueEnd, segmentType: "interact", queueId: c.queueId }]
        : [
          { segmentStart: queueEnd, segmentEnd: end, segmentType: "interact", queueId: c.queueId },
          { segmentStart: end, segmentEnd: end, segmentType: "wrapup", queueId: c.queueId, wrapUpCode: "resolved" }
        ])]
    }))
  ]
  return {
    conversationId: c.id,
    conversationStart: start,
    ...(open ? {} : { conversationEnd: end }),
    divisionIds: [c.divisionId],
    originatingDirection: c.direction,
    participants: participants as unknown as ReadonlyArray<AnalyticsParticipant>
  }
}
