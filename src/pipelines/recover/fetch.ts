import { errorText } from "../../domain/errorText.ts"
import * as Effect from "effect/Effect"
import type { Interaction, Transcript } from "../../domain/interaction.ts"
import type { OpenConversation, PlatformConversation, UnreadableConversation } from "../../platform/convert.ts"
import type { PlatformError } from "../../platform/errors.ts"
import { PlatformClient } from "../../platform/PlatformClient.ts"
import { UnknownMedia } from "./diff.ts"
import { fileStateVerdict } from "./fileState.ts"

/** What fetching one missing conversation's content gave. */
export type Fetched =
  | { readonly _tag: "Ready"; readonly conversation: PlatformConversation; readonly interaction: Interaction }
  /**
   * Not fetchable yet (202, or a recording UPLOADING, RESTORING, ARCHIVED; the conversation
   * still open on the platform; or the platform not answering usably after the retries): retried
   * by a later run.
   */
  | {
    readonly _tag: "Pending"
    readonly conversation: PlatformConversation | OpenConversation
    readonly reason: string
    /** The platform gave no usable answer (`noAnswer`): what a run gives up after `giveUp` allows. */
    readonly noAnswer?: true
  }
  /** Failed for good, with the reason: what the platform says of it (taken off the pending list). */
  | { readonly _tag: "Failed"; readonly conversation: { readonly id: string; readonly mediaType: string }; readonly error: string }

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

const AsksAgain = "a later run asks again"

/** Runs that may get no usable answer for a conversation, and for how long, before one gives it up. */
export const GiveUpAfter = { tries: 10, ms: 7 * 86_400_000 } as const

/**
 * A conversation an earlier run left pending, asked again (`tries` in all, counting this one; on
 * the list since `firstSeen`), that still got no usable answer: failed for good once that has
 * lasted `GiveUpAfter` (both its tries and its time), saying so — otherwise every run would ask for
 * it, paying the client's retries and timeouts, for ever. Anything else is left as it came.
 */
export const giveUp = (f: Fetched, tries: number, firstSeen: string, nowMs: number): Fetched => {
  if (f._tag !== "Pending" || f.noAnswer !== true) return f
  const waitedMs = nowMs - Date.parse(firstSeen)
  if (tries < GiveUpAfter.tries || !(waitedMs >= GiveUpAfter.ms)) return f
  const last = f.reason.slice(`${f.conversation.id}: `.length).replace(`: ${AsksAgain}`, "")
  return {
    _tag: "Failed",
    conversation: f.conversation,
    error: `${f.conversation.id}: no usable answer from the platform in ${tries} tries over ${Math.floor(waitedMs / 86_400_000)} days ` +
      `(the last: ${last}): given up — a manual run of its period asks again`
  }
}

/**
 * The platform gave no usable answer, after the transport's retries: unreachable, 5xx, timeouts,
 * 429s without end, a body that was never JSON (cut short), or credentials refused.
 */
export const noAnswer = (e: PlatformError): boolean =>
  e._tag === "PlatformUnavailableError" || e._tag === "PlatformAuthError" || (e._tag === "PlatformDecodeError" && e.attempts !== undefined)

/**
 * Transform: recording metadata, then the content of every text recording of one missing
 * conversation (one metadata call and one content call per recording — the minimum). A recording
 * not fetchable yet (UPLOADING, RESTORING, ARCHIVED, or content still being prepared: 202) makes
 * it Pending; one that never will be (DELETED, ERROR, an unknown state), and what the platform
 * says of it — a malformed answer, a 4xx — make it Failed: each with the reason, for this
 * conversation only, never the run.
 *
 * No usable answer after the transport's retries (`noAnswer`) says nothing about the
 * conversation: it is Pending too, so a later run asks again. Failing it instead lost it for good
 * once an automatic run's watermark moved past its start — a platform outage of minutes during a
 * run would have cost every conversation that run was fetching.
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
    Effect.catch((e) =>
      Effect.succeed<Fetched>(
        noAnswer(e)
          ? { _tag: "Pending", conversation: c, reason: `${c.id}: ${errorText(e)}: ${AsksAgain}`, noAnswer: true }
          : { _tag: "Failed", conversation: c, error: `${c.id}: ${errorText(e)}` }
      )
    )
  )
