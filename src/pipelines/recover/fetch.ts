import { errorText } from "../../domain/errorText.ts"
import { Effect } from "effect"
import type { Interaction, Transcript } from "../../domain/interaction.ts"
import type { OpenConversation, PlatformConversation, UnreadableConversation } from "../../platform/convert.ts"
import { PlatformClient } from "../../platform/PlatformClient.ts"
import { UnknownMedia } from "./diff.ts"
import { fileStateVerdict } from "./fileState.ts"

/** What fetching one missing conversation's content gave. */
export type Fetched =
  | { readonly _tag: "Ready"; readonly conversation: PlatformConversation; readonly interaction: Interaction }
  /**
   * Not fetchable yet (202, or a recording UPLOADING, RESTORING, ARCHIVED; or the conversation
   * still open on the platform): retried by a later run.
   */
  | { readonly _tag: "Pending"; readonly conversation: PlatformConversation | OpenConversation; readonly reason: string }
  /**
   * Failed, with the reason. `retryable`: the platform could not be asked (unreachable, credentials
   * refused) — it said nothing about the conversation, so one kept pending stays pending; any other
   * failure is what the platform says of it, and takes it off the pending list.
   */
  | {
    readonly _tag: "Failed"
    readonly conversation: { readonly id: string; readonly mediaType: string }
    readonly error: string
    readonly retryable?: true
  }

const textMedia = new Set(["chat", "email", "message"])

/** The interaction as the store keeps it; programs and topics are added by the ingest stage. */
export const toInteraction = (c: PlatformConversation, transcripts: ReadonlyArray<Transcript>): Interaction => ({
  id: c.id,
  startTime: c.startTime,
  endTime: c.endTime,
  mediaType: c.mediaType,
  direction: c.direction,
  queueId: c.queueId,
  divisionId: c.divisionId,
  agentIds: c.agentIds,
  language: c.language ?? "unknown",
  programIds: [],
  transcripts
})


/** A conversation the platform lists but Rewind cannot read: failed, with the reason. */
export const unreadable = (c: UnreadableConversation): Fetched => ({
  _tag: "Failed",
  conversation: { id: c.id, mediaType: UnknownMedia },
  error: c.reason
})

/**
 * A conversation still open on the platform (no `conversationEnd` yet: a long email or messaging
 * thread): pending, without asking the platform anything — its content is not complete. Later runs
 * look it up again and fetch it once it has ended.
 */
export const stillOpen = (c: OpenConversation): Fetched => ({
  _tag: "Pending",
  conversation: c,
  reason: `${c.id}: the ${c.mediaType} conversation started ${c.startTime} is still open on the platform (no conversationEnd yet): a later run fetches it once it has ended`
})

/**
 * Transform: recording metadata, then the content of every text recording of one missing
 * conversation (one metadata call and one content call per recording — the minimum). A recording
 * not fetchable yet (UPLOADING, RESTORING, ARCHIVED, or content still being prepared: 202) makes
 * it Pending; one that never will be (DELETED, ERROR, an unknown state), and any platform error —
 * malformed answers included — make it Failed: each with the reason, for this conversation only,
 * never the run (retryable when the platform could not be asked at all).
 */
export const fetchContent = (c: PlatformConversation): Effect.Effect<Fetched, never, PlatformClient> =>
  Effect.gen(function*() {
    const platform = yield* PlatformClient
    const metadata = yield* platform.recordingMetadata(c.id)
    const recordings = metadata.filter((m) => textMedia.has(m.media))
    if (recordings.length === 0) {
      return { _tag: "Failed", conversation: c, error: `${c.id}: the platform has no text recording for it` } as const
    }
    const verdicts = recordings.map(fileStateVerdict)
    const failed = verdicts.flatMap((v) => (v._tag === "Failed" ? [v.reason] : []))
    if (failed.length > 0) return { _tag: "Failed", conversation: c, error: `${c.id}: ${failed.join("; ")}` } as const
    const pending = verdicts.flatMap((v) => (v._tag === "Pending" ? [v.reason] : []))
    if (pending.length > 0) return { _tag: "Pending", conversation: c, reason: `${c.id}: ${pending.join("; ")}` } as const
    const transcripts: Array<Transcript> = []
    for (const r of recordings) {
      const content = yield* platform.recording(c.id, r.id, {
        conversationStart: c.startTime,
        media: r.media,
        ...(c.emailParties === undefined ? {} : { emailParties: c.emailParties })
      })
      if (content._tag === "Pending") {
        return { _tag: "Pending", conversation: c, reason: `${c.id}: recording ${r.id}: the platform is still preparing its content (202)` } as const
      }
      transcripts.push(...content.transcripts)
    }
    return { _tag: "Ready", conversation: c, interaction: toInteraction(c, transcripts) } as const
  }).pipe(
    Effect.catch((e) => {
      const failed: Fetched = e._tag === "PlatformUnavailableError" || e._tag === "PlatformAuthError"
        ? { _tag: "Failed", conversation: c, error: `${c.id}: ${errorText(e)}`, retryable: true }
        : { _tag: "Failed", conversation: c, error: `${c.id}: ${errorText(e)}` }
      return Effect.succeed(failed)
    })
  )
