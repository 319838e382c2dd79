/**
 * The simulator's strict mode limits requests to Genesys' 300 a minute (unless told otherwise),
 * and leaves out what Genesys' models mark optional and the real platform does not always send,
 * so a client that needs those fields fails against it:
 *
 * - an empty details-query result is `{}` (no `totalHits`);
 * - ACD and agent participants have no `purpose` (agents keep their `userId`); only the
 *   customer's sessions say their `mediaType`;
 * - recordings and their metadata have no `startTime`/`endTime` (Genesys: "null" but for screen
 *   recordings); a messaging transcript starts with a typing event (no text, no time);
 * - messages sent at the conversation's start carry no time (`utc`, `timestamp`, `time`): placed
 *   at the conversation's start, as a reader should place a message without a time, they are
 *   where the generator put them, so the recovered content can be compared block for block.
 */
import type { AnalyticsConversation, AnalyticsParticipant } from "../platform/genesys.ts"
import type {
  ChatMessage,
  Recording,
  RecordingEmailMessage,
  RecordingMessagingMessage,
  RecordingMetadata
} from "../platform/genesysRecordings.ts"

/** Genesys Cloud's documented budget: about 300 requests a minute per OAuth client. */
export const StrictRateLimitPerMinute = 300

/** The details-query answer for an empty page. */
export const emptyPage = (strict: boolean, totalHits: number): Record<string, unknown> => (strict ? {} : { totalHits })

const withoutPurpose = (p: AnalyticsParticipant): AnalyticsParticipant => {
  const { purpose, ...rest } = p
  if (purpose === "customer") return p
  return {
    ...rest,
    ...(rest.sessions === undefined ? {} : { sessions: rest.sessions.map(({ mediaType: _m, ...s }) => s) })
  }
}

export const strictConversation = (c: AnalyticsConversation): AnalyticsConversation =>
  c.participants === undefined ? c : { ...c, participants: c.participants.map(withoutPurpose) }

export const strictMetadata = (m: RecordingMetadata): RecordingMetadata => {
  const { startTime: _s, endTime: _e, ...rest } = m
  return rest
}

/** The conversation's start, as the recording's messages write it. */
const atStart = (time: string | undefined, startMs: number): boolean => time !== undefined && Date.parse(time) === startMs

export const strictRecording = (r: Recording, conversationStartMs: number): Recording => {
  const { startTime: _s, endTime: _e, ...rest } = r
  const out: { -readonly [K in keyof Recording]: Recording[K] } = { ...rest }
  if (r.transcript !== undefined) {
    out.transcript = r.transcript.map((m): ChatMessage => {
      if (!atStart(m.utc, conversationStartMs)) return m
      const { utc: _u, ...timeless } = m
      return timeless
    })
  }
  if (r.messagingTranscript !== undefined) {
    const typing = { id: `${r.id}-typing`, events: [{ eventType: "Typing", typing: { type: "On", duration: 5000 } }] }
    out.messagingTranscript = [
      typing as RecordingMessagingMessage,
      ...r.messagingTranscript.map((m): RecordingMessagingMessage => {
        if (!atStart(m.timestamp, conversationStartMs)) return m
        const { timestamp: _t, ...timeless } = m
        return timeless
      })
    ]
  }
  if (r.emailTranscript !== undefined) {
    out.emailTranscript = r.emailTranscript.map((m): RecordingEmailMessage => {
      if (!atStart(m.time, conversationStartMs)) return m
      const { time: _t, ...timeless } = m
      return timeless
    })
  }
  return out
}
