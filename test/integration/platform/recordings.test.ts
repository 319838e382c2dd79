/**
 * Recording metadata and content against the simulator: text transcripts equal the generator's,
 * voice has audio only, 202 while content is being prepared, malformed answers name the field.
 */
import { Effect, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Interaction } from "../../../src/domain/interaction.ts"
import type { MediaType } from "../../../src/domain/media.ts"
import { isUnreadable } from "../../../src/platform/convert.ts"
import type { PlatformClient, RecordingContext } from "../../../src/platform/PlatformClient.ts"
import { conversationOf, expectedIn, exitWithClient, failureOf, generatedInteractions, raw, type Sim, sim, withClient } from "./helpers.ts"

const sample = (media: MediaType, n: number): ReadonlyArray<Interaction> =>
  generatedInteractions().filter((i) => i.mediaType === media).slice(0, n)

/**
 * How recovery reads a conversation's recordings: from its start, and — for email — with the
 * addresses of its two sides, which the details query gives (a conversation filter on its id).
 */
const contextOf = (c: PlatformClient["Service"], i: Interaction) =>
  Stream.runCollect(c.conversations(i.startTime, new Date(Date.parse(i.startTime) + 1).toISOString(), { conversationIds: [i.id] })).pipe(
    Effect.map((listed): RecordingContext => {
      const found = listed.find((x) => x.id === i.id)
      if (found === undefined || isUnreadable(found)) throw new Error(`${i.id}: not listed by the details query`)
      return { conversationStart: i.startTime, ...(found.emailParties === undefined ? {} : { emailParties: found.emailParties }) }
    })
  )

describe("recordings ↔ rewind sim", () => {
  let s: Sim
  beforeAll(async () => {
    s = await sim()
  })
  afterAll(() => s.stop())

  for (const media of ["chat", "message", "email"] as const) {
    it(`${media}: the transcripts equal the generator's (ids, participants, offsets, text)`, async () => {
      const interactions = sample(media, 15)
      expect(interactions.length).toBe(15)
      if (media === "email") expect(interactions.some((i) => i.transcripts.length > 1)).toBe(true)
      const { result, calls } = await withClient(s, (c) =>
        Effect.forEach(interactions, (i) =>
          Effect.gen(function*() {
            const context = yield* contextOf(c, i)
            const metadata = yield* c.recordingMetadata(i.id)
            expect(metadata.map((m) => m.media)).toEqual(i.transcripts.map(() => media))
            expect(metadata.every((m) => m.conversationId === i.id && m.fileState === "AVAILABLE")).toBe(true)
            const transcripts = yield* Effect.forEach(metadata, (m) =>
              c.recording(i.id, m.id, context).pipe(
                Effect.map((content) => {
                  expect(content._tag).toBe("Ready")
                  return content._tag === "Ready" ? content.transcripts : []
                })
              ))
            return transcripts.flat()
          })))
      result.forEach((transcripts, k) => expect(transcripts).toEqual(interactions[k]!.transcripts))
      // One metadata and one content call per recording: the minimum.
      const recordings = interactions.reduce((n, i) => n + i.transcripts.length, 0)
      expect(calls.byEndpoint["recordingmetadata"]).toBe(interactions.length)
      expect(calls.byEndpoint["recording"]).toBe(recordings)
    })
  }

  it("without the conversation start, offsets are measured from the recording's start time", async () => {
    const i = sample("chat", 1)[0]!
    const { result } = await withClient(s, (c) => c.recording(i.id, i.transcripts[0]!.id))
    expect(result._tag === "Ready" && result.transcripts).toEqual(i.transcripts)
  })

  it("voice and callbacks: audio recordings, no text", async () => {
    for (const media of ["voice", "callback"] as const) {
      const i = sample(media, 1)[0]!
      const { result } = await withClient(s, (c) =>
        Effect.gen(function*() {
          const metadata = yield* c.recordingMetadata(i.id)
          const content = yield* c.recording(i.id, metadata[0]!.id, { conversationStart: i.startTime })
          return { metadata, content }
        }))
      expect(result.metadata.length).toBe(i.transcripts.length)
      expect(result.metadata.every((m) => m.media === "audio")).toBe(true)
      expect(result.content).toEqual({ _tag: "Ready", recordingId: i.transcripts[0]!.id, media: "audio", transcripts: [] })
    }
  })

  it("an unknown conversation is a 404 PlatformResponseError", async () => {
    const e = failureOf(await exitWithClient(s, (c) => c.recordingMetadata("no-such-conversation")))
    expect(e._tag).toBe("PlatformResponseError")
    expect(e._tag === "PlatformResponseError" && e.status).toBe(404)
    expect(e.message).toContain("not.found")
    expect(e._tag === "PlatformResponseError" && e.contextId).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe("content not ready", () => {
  it("answers Pending (202) for the first fetches, then the transcript", async () => {
    const s = await sim({ notReady: 2 })
    try {
      const i = sample("message", 1)[0]!
      const recordingId = i.transcripts[0]!.id
      const { result } = await withClient(s, (c) =>
        Effect.forEach([1, 2, 3], () => c.recording(i.id, recordingId, { conversationStart: i.startTime })))
      expect(result[0]).toEqual({ _tag: "Pending", recordingId })
      expect(result[1]).toEqual({ _tag: "Pending", recordingId })
      expect(result[2]).toEqual({ _tag: "Ready", recordingId, media: "message", transcripts: i.transcripts })
      expect(s.stats().notReady).toBe(2)
    } finally {
      await s.stop()
    }
  })
})

describe("download formats (chatFormatId, messageFormatId, emailFormatId)", () => {
  const path = (i: Interaction, query = "") => `/api/v2/conversations/${i.id}/recordings/${i.transcripts[0]!.id}${query}`
  type Body = { transcript?: unknown; messagingTranscript?: unknown; emailTranscript?: unknown; mediaUris?: Record<string, { mediaUri: string }> }

  it("the simulator, like Genesys, inlines a text transcript only when its format is NONE (formatId alone is not enough)", async () => {
    const s = await sim()
    try {
      for (const [media, param, field, fallback] of [
        ["chat", "chatFormatId", "transcript", "zip"],
        ["message", "messageFormatId", "messagingTranscript", "zip"],
        ["email", "emailFormatId", "emailTranscript", "eml"]
      ] as const) {
        const i = sample(media, 1)[0]!
        for (const query of ["", "?formatId=NONE"]) {
          const linkOnly = await raw(s, "GET", path(i, query))
          expect(linkOnly.status).toBe(200)
          const body = linkOnly.body as Body
          expect(body[field]).toBeUndefined()
          expect(Object.values(body.mediaUris ?? {})[0]?.mediaUri).toMatch(new RegExp(`\\.${fallback}$`))
        }
        const inline = (await raw(s, "GET", path(i, `?formatId=NONE&${param}=NONE`))).body as Body
        expect(inline[field]).toBeDefined()
        expect(inline.mediaUris).toBeUndefined()
      }
    } finally {
      await s.stop()
    }
  })

  it("a text recording answered with only a download link fails with PlatformContentError, never an empty success", async () => {
    // A platform that ignores the formats asked: the transcript is replaced by a download link.
    const s = await sim({
      mutateResponse: (route, body) => {
        if (route !== "recording") return body
        const { transcript: _t, messagingTranscript: _m, emailTranscript: _e, ...rest } = body as Record<string, unknown>
        return { ...rest, mediaUris: { S: { mediaUri: "https://example.com/recording.zip" } } }
      }
    })
    try {
      for (const media of ["chat", "message", "email"] as const) {
        const i = sample(media, 1)[0]!
        const e = failureOf(await exitWithClient(s, (c) => c.recording(i.id, i.transcripts[0]!.id, { conversationStart: i.startTime })))
        expect(e._tag).toBe("PlatformContentError")
        expect(e.message).toBe(
          `recording: the ${media} recording ${i.transcripts[0]!.id} came back without an inline transcript (only a download link, mediaUris): ` +
            "its content cannot be read (every *FormatId was sent as NONE)"
        )
      }
      // Audio has no transcript to miss.
      const v = sample("voice", 1)[0]!
      const { result } = await withClient(s, (c) => c.recording(v.id, v.transcripts[0]!.id))
      expect(result).toMatchObject({ _tag: "Ready", media: "audio", transcripts: [] })
    } finally {
      await s.stop()
    }
  })
})

describe("optional fields left out (strict simulator)", () => {
  it("an empty result without totalHits, participants without purpose, sessions without mediaType, messages without times: the same conversations and transcripts", async () => {
    const s = await sim({ strict: true })
    try {
      const empty = await raw(s, "POST", "/api/v2/analytics/conversations/details/query", {
        interval: "2025-06-01T00:00:00.000Z/2025-06-02T00:00:00.000Z",
        paging: { pageSize: 100, pageNumber: 1 }
      })
      expect(empty.body).toEqual({})
      const nothing = await withClient(s, (c) => Stream.runCollect(c.conversations("2025-06-01T00:00:00Z", "2025-06-02T00:00:00Z")))
      expect(nothing.result).toEqual([])

      const day = { from: "2026-01-08T00:00:00.000Z", to: "2026-01-09T00:00:00.000Z" }
      const expected = expectedIn(day.from, day.to)
      const { result } = await withClient(s, (c) => Stream.runCollect(c.conversations(day.from, day.to)))
      expect(result).toEqual(expected.map((i) => ({
        ...conversationOf(i),
        ...(i.mediaType === "message" ? { messageType: expect.any(String) } : {})
      })))

      const interactions = [...sample("chat", 5), ...sample("message", 5), ...sample("email", 5)]
      const { result: transcripts } = await withClient(s, (c) =>
        Effect.forEach(interactions, (i) =>
          Effect.gen(function*() {
            const context = yield* contextOf(c, i)
            const metadata = yield* c.recordingMetadata(i.id)
            return (yield* Effect.forEach(metadata, (m) =>
              c.recording(i.id, m.id, { ...context, media: m.media }).pipe(
                Effect.map((content) => (content._tag === "Ready" ? content.transcripts : []))
              ))).flat()
          })))
      transcripts.forEach((t, k) => expect(t).toEqual(interactions[k]!.transcripts))
    } finally {
      await s.stop()
    }
  })
})

describe("malformed answers", () => {

  it("a conversation the client cannot read is listed with the reason; the rest of the page goes on", async () => {
    const day = { from: "2026-01-08T00:00:00.000Z", to: "2026-01-08T06:00:00.000Z" }
    let broken: Array<string> = []
    const s = await sim({
      mutateResponse: (route, body) => {
        if (route !== "conversations.query") return body
        const b = structuredClone(body) as { conversations?: Array<Record<string, unknown>> }
        // Two conversations that start in the period (the page also has some that only touch it).
        const [badStart, noMedia] = (b.conversations ?? []).filter((c) => (c["conversationStart"] as string) >= day.from)
        if (badStart === undefined || noMedia === undefined) return b
        broken = [badStart["conversationId"] as string, noMedia["conversationId"] as string]
        badStart["conversationStart"] = 12345
        for (const p of noMedia["participants"] as Array<{ sessions: Array<Record<string, unknown>> }>) {
          for (const session of p.sessions) delete session["mediaType"]
        }
        return b
      }
    })
    try {
      const { result } = await withClient(s, (c) => Stream.runCollect(c.conversations(day.from, day.to)))
      const expected = expectedIn(day.from, day.to)
      expect(expected.length).toBeGreaterThan(3)
      expect(result.map((c) => c.id)).toEqual(expected.map((i) => i.id))
      const unreadable = result.filter(isUnreadable)
      expect(unreadable).toEqual([
        {
          _tag: "UnreadableConversation",
          id: broken[0],
          reason: `conversations.query: conversation ${broken[0]}: conversationStart: Expected string, got 12345`
        },
        {
          _tag: "UnreadableConversation",
          id: broken[1],
          reason: `conversations.query: conversation ${broken[1]}: no session of the conversation says its mediaType: its media type is unknown`
        }
      ])
    } finally {
      await s.stop()
    }
  })

  it("a bad STA topic names its field", async () => {
    const s = await sim({
      mutateResponse: (route, body) => {
        if (route !== "sta.topics") return body
        const b = structuredClone(body) as { entities: Array<Record<string, unknown>> }
        b.entities[3]!["participants"] = "Everybody"
        return b
      }
    })
    try {
      const t = failureOf(await exitWithClient(s, (c) => c.staTopics()))
      expect(t.message).toMatch(/^sta\.topics: unexpected response from the platform: entities\[3\]\.participants: Expected "External" \| "Internal" \| "All", got "Everybody"/)
    } finally {
      await s.stop()
    }
  })

  it("a body that is not JSON fails clearly", async () => {
    const s = await sim({ mutateResponse: () => "<html>gateway</html>" })
    try {
      const i = sample("chat", 1)[0]!
      const e = failureOf(await exitWithClient(s, (c) => c.recordingMetadata(i.id)))
      expect(e._tag).toBe("PlatformDecodeError")
      // The simulator JSON-encodes the string: the client gets a JSON string, not a list.
      expect(e.message).toContain("recordingmetadata: unexpected response from the platform: Expected array")
    } finally {
      await s.stop()
    }
  })
})
