/**
 * Fetching a missing conversation's content (the recovery pipeline's transform) against the
 * simulator over real HTTP: what the platform answers decides Ready, Pending (with a reason,
 * retried by a later run) or Failed (with a reason) — for that conversation only, never an empty
 * success.
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { Interaction } from "../../../src/domain/interaction.ts"
import type { MediaType } from "../../../src/domain/media.ts"
import { type Fetched, fetchContent } from "../../../src/pipelines/recover/fetch.ts"
import type { PlatformConversation } from "../../../src/platform/convert.ts"
import { PlatformClient } from "../../../src/platform/PlatformClient.ts"
import type { SimOptions } from "../../../src/sim/server.ts"
import { generatedInteractions, settings, sim } from "../platform/helpers.ts"

const sample = (media: MediaType, n: number): ReadonlyArray<Interaction> =>
  generatedInteractions().filter((i) => i.mediaType === media).slice(0, n)

const conversationOf = (i: Interaction): PlatformConversation => ({
  id: i.id,
  startTime: i.startTime,
  endTime: i.endTime,
  mediaType: i.mediaType,
  direction: i.direction,
  queueId: i.queueId,
  divisionId: i.divisionId,
  divisionIds: [i.divisionId],
  agentIds: i.agentIds,
  language: i.language
})

/** fetchContent of each interaction against a simulator with `options`. */
const fetchAll = async (interactions: ReadonlyArray<Interaction>, options: SimOptions = {}): Promise<ReadonlyArray<Fetched>> => {
  const s = await sim(options)
  try {
    return await Effect.runPromise(
      Effect.forEach(interactions, (i) => fetchContent(conversationOf(i))).pipe(Effect.provide(PlatformClient.layerWith(settings(s))))
    )
  } finally {
    await s.stop()
  }
}

describe("fetchContent ↔ rewind sim", () => {
  it("a text recording answered with only a download link fails that conversation, naming the recording", async () => {
    const interactions = [...sample("chat", 2), ...sample("message", 2), ...sample("email", 2)]
    const linkOnly = new Set(interactions.filter((_, k) => k % 2 === 0).map((i) => i.transcripts[0]!.id))
    const fetched = await fetchAll(interactions, {
      mutateResponse: (route, body) => {
        const b = body as Record<string, unknown>
        if (route !== "recording" || !linkOnly.has(b["id"] as string)) return body
        const { transcript: _t, messagingTranscript: _m, emailTranscript: _e, ...rest } = b
        return { ...rest, mediaUris: { S: { mediaUri: "https://example.com/recording.zip" } } }
      }
    })
    fetched.forEach((f, k) => {
      const i = interactions[k]!
      if (!linkOnly.has(i.transcripts[0]!.id)) {
        expect(f._tag === "Ready" && f.interaction.transcripts).toEqual(i.transcripts)
        return
      }
      expect(f._tag).toBe("Failed")
      expect(f._tag === "Failed" && f.error).toBe(
        `${i.id}: recording: the ${i.mediaType} recording ${i.transcripts[0]!.id} came back without an inline transcript ` +
          "(only a download link, mediaUris): its content cannot be read (every *FormatId was sent as NONE)"
      )
    })
  })

  it("a malformed answer fails that conversation, naming the field, and the others are fetched", async () => {
    const interactions = [...sample("chat", 2), ...sample("email", 2)]
    const [badId, noMedia] = [interactions[0]!.id, interactions[3]!.id]
    const fetched = await fetchAll(interactions, {
      mutateResponse: (route, body) => {
        if (route !== "recordingmetadata" || !Array.isArray(body)) return body
        const list = body as Array<Record<string, unknown>>
        if (list[0]?.["conversationId"] === badId) return list.map((m) => ({ ...m, id: 42 }))
        if (list[0]?.["conversationId"] === noMedia) return list.map(({ media: _m, ...m }) => m)
        return list
      }
    })
    expect(fetched.map((f) => f._tag)).toEqual(["Failed", "Ready", "Ready", "Failed"])
    expect(fetched[0]!._tag === "Failed" && fetched[0]!.error)
      .toBe(`${badId}: recordingmetadata: unexpected response from the platform: [0].id: Expected string, got 42`)
    expect(fetched[3]!._tag === "Failed" && fetched[3]!.error).toBe(`${noMedia}: recordingmetadata: unexpected response from the platform: [0].media: Missing key`)
    expect(fetched[1]!._tag === "Ready" && fetched[1]!.interaction.transcripts).toEqual(interactions[1]!.transcripts)
  })
})
