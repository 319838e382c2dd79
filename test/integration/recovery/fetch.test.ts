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
import { PlatformClient } from "../../../src/platform/PlatformClient.ts"
import type { SimOptions } from "../../../src/sim/server.ts"
import { conversationOf, generatedInteractions, settings, sim } from "../platform/helpers.ts"

const sample = (media: MediaType, n: number): ReadonlyArray<Interaction> =>
  generatedInteractions().filter((i) => i.mediaType === media).slice(0, n)

/** fetchContent of each interaction against a simulator with `options` (and the recordings it served). */
const fetchAll = async (interactions: ReadonlyArray<Interaction>, options: SimOptions = {}): Promise<ReadonlyArray<Fetched>> =>
  (await fetchCounting(interactions, options)).fetched

const fetchCounting = async (interactions: ReadonlyArray<Interaction>, options: SimOptions = {}) => {
  const s = await sim(options)
  try {
    const fetched = await Effect.runPromise(
      Effect.forEach(interactions, (i) => fetchContent(conversationOf(i))).pipe(Effect.provide(PlatformClient.layerWith(settings(s))))
    )
    return { fetched, recordingCalls: s.stats().byRoute["recording"] ?? 0 }
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

  it("recording file states: UPLOADING, RESTORING, ARCHIVED pending with the reason; DELETED, ERROR, unknown failed; none fetched", async () => {
    const states = ["UPLOADING", "RESTORING", "ARCHIVED", "DELETED", "ERROR", "SHREDDED", "AVAILABLE"] as const
    const interactions = sample("chat", states.length)
    const stateOf = new Map(interactions.map((i, k) => [i.id, states[k]!]))
    const { fetched, recordingCalls } = await fetchCounting(interactions, {
      mutateResponse: (route, body) =>
        route === "recordingmetadata" && Array.isArray(body)
          ? (body as Array<Record<string, unknown>>).map((m) => ({ ...m, fileState: stateOf.get(m["conversationId"] as string) }))
          : body
    })
    const outcome = fetched.map((f) => [f._tag, f._tag === "Pending" ? f.reason : f._tag === "Failed" ? f.error : ""])
    const r = (k: number) => `${interactions[k]!.id}: recording ${interactions[k]!.transcripts[0]!.id}`
    expect(outcome).toEqual([
      ["Pending", `${r(0)} is UPLOADING (not stored by the platform yet): a later run fetches it`],
      ["Pending", `${r(1)} is RESTORING (coming back from the archive): a later run fetches it`],
      ["Pending", `${r(2)} is ARCHIVED: restore it in Genesys Cloud (it becomes RESTORING, then AVAILABLE); a later run fetches it`],
      ["Failed", `${r(3)} is DELETED: its content is gone from the platform`],
      ["Failed", `${r(4)} is ERROR: the platform could not store it, its content cannot be read`],
      ["Failed", `${r(5)} has a file state Rewind does not know ("SHREDDED"): not fetched`],
      ["Ready", ""]
    ])
    // Only the available recording was downloaded.
    expect(recordingCalls).toBe(1)
  })

  it("content still being prepared (202) is pending, with the reason", async () => {
    const i = sample("message", 1)[0]!
    const fetched = await fetchAll([i], { notReady: 1 })
    expect(fetched[0]).toMatchObject({
      _tag: "Pending",
      reason: `${i.id}: recording ${i.transcripts[0]!.id}: the platform is still preparing its content (202)`
    })
  })
})
