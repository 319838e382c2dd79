/**
 * A conversation's recordings: their metadata (`GET /api/v2/conversations/{id}/recordingmetadata`)
 * and the content of one (`GET /api/v2/conversations/{id}/recordings/{recordingId}`) as Rewind
 * transcripts; 202 (the platform still preparing it) is `Pending`.
 */
import { Effect } from "effect"
import { HttpClientRequest } from "effect/http"
import type { Transcript } from "../domain/interaction.ts"
import { recordingTranscripts, type TranscriptContext, TranscriptFormatError } from "./convert.ts"
import { decodeResponse } from "./decode.ts"
import { PlatformDecodeError } from "./errors.ts"
import { Paths, Recording, RecordingMetadataList } from "./genesys.ts"
import type { PlatformSettings } from "./PlatformConfig.ts"
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

  const recording = (conversationId: string, recordingId: string, context: TranscriptContext = {}) =>
    request("recording", () =>
      HttpClientRequest.get(api(Paths.recording(conversationId, recordingId))).pipe(
        HttpClientRequest.setUrlParams({ formatId: "NONE" }),
        HttpClientRequest.acceptJson
      )).pipe(
        Effect.flatMap((r): Effect.Effect<RecordingContent, PlatformDecodeError> =>
          r.status === 202
            ? Effect.succeed({ _tag: "Pending", recordingId })
            : decodeResponse("recording", Recording, r).pipe(
              Effect.flatMap((rec) =>
                Effect.try({
                  try: (): RecordingContent => ({
                    _tag: "Ready",
                    recordingId: rec.id,
                    media: rec.media,
                    transcripts: recordingTranscripts(rec, context)
                  }),
                  catch: (e) =>
                    new PlatformDecodeError({
                      message: `recording: unexpected content in recording ${recordingId}: ${e instanceof TranscriptFormatError ? e.message : String(e)}`,
                      endpoint: "recording"
                    })
                })
              )
            )
        ),
        Effect.withSpan("PlatformClient.recording", { attributes: { conversationId, recordingId } })
      )

  return { recordingMetadata, recording }
}
