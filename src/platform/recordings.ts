/**
 * A conversation's recordings: their metadata (`GET /api/v2/conversations/{id}/recordingmetadata`)
 * and the content of one (`GET /api/v2/conversations/{id}/recordings/{recordingId}`) as Rewind
 * transcripts; 202 (the platform still preparing it) is `Pending`.
 *
 * Every download format is asked as `NONE` (`formatId`, `chatFormatId`, `messageFormatId`,
 * `emailFormatId`): left at their defaults (WEBM, ZIP, ZIP, EML) the platform answers a text
 * recording with a download link instead of its transcript. A text recording answered without
 * an inline transcript is a `PlatformContentError`, never an empty success.
 */
import * as Effect from "effect/Effect"
import { HttpClientRequest } from "effect/http"
import type { Transcript } from "../domain/interaction.ts"
import { decodeResponse } from "./decode.ts"
import { PlatformContentError, PlatformDecodeError } from "./errors.ts"
import { Paths } from "./genesys.ts"
import { Recording, RecordingFormatParams, RecordingMetadataList, TextRecordingMedia } from "./genesysRecordings.ts"
import type { PlatformSettings } from "./PlatformConfig.ts"
import { recordingTranscripts, type TranscriptContext, TranscriptFormatError } from "./transcripts.ts"
import type { Request } from "./transport.ts"

/** A recording's content: still being prepared (202; retry later), or its transcripts (none for audio). */
export type RecordingContent =
  | { readonly _tag: "Pending"; readonly recordingId: string }
  | {
    readonly _tag: "Ready"
    readonly recordingId: string
    /** audio, chat, email, message, … */
    readonly media: string
    readonly transcripts: ReadonlyArray<Transcript>
  }

/** Inline content, no download: every format `NONE`. */
const InlineFormats: Readonly<Record<string, string>> = Object.fromEntries(RecordingFormatParams.map((p) => [p, "NONE"]))

/** How to read a recording: where its times are measured from, who the customer is, its media. */
export interface RecordingContext extends TranscriptContext {
  /** The media its metadata gave (stands in for a recording answered without `media`). */
  readonly media?: string
}

const hasInlineTranscript = (rec: Recording): boolean =>
  rec.transcript !== undefined || rec.messagingTranscript !== undefined || rec.emailTranscript !== undefined

/** The media of the transcript present (for a recording answered without `media`). */
const inlineMedia = (rec: Recording): string | undefined =>
  rec.transcript !== undefined ? "chat" : rec.messagingTranscript !== undefined ? "message" : rec.emailTranscript !== undefined ? "email" : undefined

/** A recording's transcripts; a text recording without an inline transcript is an error. */
const readContent = (
  recordingId: string,
  rec: Recording,
  context: RecordingContext
): Effect.Effect<RecordingContent, PlatformDecodeError | PlatformContentError> => {
  const media = rec.media ?? context.media ?? inlineMedia(rec) ?? "unknown"
  if (TextRecordingMedia.has(media) && !hasInlineTranscript(rec)) {
    return Effect.fail(
      new PlatformContentError({
        message: `recording: the ${media} recording ${recordingId} came back without an inline transcript` +
          (rec.mediaUris === undefined ? "" : " (only a download link, mediaUris)") +
          ": its content cannot be read (every *FormatId was sent as NONE)",
        endpoint: "recording"
      })
    )
  }
  return Effect.try({
    try: (): RecordingContent => ({
      _tag: "Ready",
      recordingId: rec.id ?? recordingId,
      media,
      transcripts: recordingTranscripts({ ...rec, id: rec.id ?? recordingId }, context)
    }),
    catch: (e) =>
      new PlatformDecodeError({
        message: `recording: unexpected content in recording ${recordingId}: ${e instanceof TranscriptFormatError ? e.message : String(e)}`,
        endpoint: "recording"
      })
  })
}

/** `request` sends an authenticated request to the API host. */
export const makeRecordings = (
  s: PlatformSettings,
  request: Request
) => {
  const api = (path: string) => `${s.apiUrl}${path}`

  const recordingMetadata = (conversationId: string) =>
    request("recordingmetadata", () => HttpClientRequest.get(api(Paths.recordingMetadata(conversationId))).pipe(HttpClientRequest.acceptJson))
      .pipe(
        Effect.flatMap((r) => decodeResponse("recordingmetadata", RecordingMetadataList, r)),
        Effect.withSpan("PlatformClient.recordingMetadata", { attributes: { conversationId } })
      )

  const recording = (conversationId: string, recordingId: string, context: RecordingContext = {}) =>
    request("recording", () =>
      HttpClientRequest.get(api(Paths.recording(conversationId, recordingId))).pipe(
        HttpClientRequest.setUrlParams(InlineFormats),
        HttpClientRequest.acceptJson
      )).pipe(
        Effect.flatMap((r): Effect.Effect<RecordingContent, PlatformDecodeError | PlatformContentError> =>
          r.status === 202
            ? Effect.succeed({ _tag: "Pending", recordingId })
            : decodeResponse("recording", Recording, r).pipe(Effect.flatMap((rec) => readContent(recordingId, rec, context)))
        ),
        Effect.withSpan("PlatformClient.recording", { attributes: { conversationId, recordingId } })
      )

  return { recordingMetadata, recording }
}
