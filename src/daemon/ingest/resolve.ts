import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { IngestEvent } from "../../domain/recovery.ts"
import { isUnreadable, type PlatformConversation, readConversation } from "../../platform/convert.ts"
import { PlatformDecodeError } from "../../platform/errors.ts"
import { AnalyticsConversation } from "../../platform/genesys.ts"
import { PlatformClient } from "../../platform/PlatformClient.ts"
import { Rejected } from "../jobs/errors.ts"

/** How far back an id-only event is looked up when it does not say when the conversation started. */
export const IdLookBackMs = 7 * 86_400_000

/**
 * How far from an event's `conversationStart` its conversation is looked for, either way.
 * Genesys' starts carry milliseconds; producers often cut them off (or round to the second):
 * the lookup covers [start − 1 s, start + 1 s) and keeps the conversation by its id.
 */
export const StartToleranceMs = 1_000

const decodeConversation = Schema.decodeUnknownEffect(AnalyticsConversation)

/**
 * The platform's view of the event's conversation: from its payload when it carries one,
 * otherwise from a details query filtered on its id. None when the platform does not have it (yet).
 */
export const resolveConversation = (e: IngestEvent) =>
  Effect.gen(function*() {
    if (e.conversation !== undefined) {
      const decoded = yield* decodeConversation(e.conversation).pipe(
        Effect.mapError((err) => new Rejected({ field: "conversation", reason: `conversation: ${err.message.replaceAll("\n", " ")}` }))
      )
      if (decoded.conversationId !== e.conversationId) {
        return yield* new Rejected({ field: "conversation", reason: "conversation.conversationId differs from conversationId" })
      }
      // readConversation says undefined for both: tell which.
      if (decoded.conversationEnd === undefined) {
        return yield* new Rejected({ field: "conversation", reason: "the conversation has not ended: it has no conversationEnd" })
      }
      const c = readConversation(decoded)
      if (c === undefined) return yield* new Rejected({ field: "conversation", reason: "the conversation has no media type Rewind knows" })
      if (isUnreadable(c)) return yield* new Rejected({ field: "conversation", reason: `conversation: ${c.reason}` })
      return c
    }
    const platform = yield* PlatformClient
    const startMs = e.conversationStart === undefined ? undefined : Date.parse(e.conversationStart)
    // Around the start it says (to the second, in any offset), else over the look-back; the
    // conversation filter on its id keeps the pages to that one conversation.
    const from = new Date(startMs === undefined ? Date.now() - IdLookBackMs : startMs - StartToleranceMs).toISOString()
    const to = new Date(startMs === undefined ? Date.now() + 60_000 : startMs + StartToleranceMs).toISOString()
    const found = [...yield* Stream.runCollect(platform.conversations(from, to, { conversationIds: [e.conversationId] }))]
      .find((c) => c.id === e.conversationId)
    // The platform has it, but Rewind cannot read it: a clear, final reason (dead-lettered).
    if (found !== undefined && isUnreadable(found)) return yield* new PlatformDecodeError({ message: found.reason, endpoint: "conversations.query" })
    return found as PlatformConversation | undefined
  })
