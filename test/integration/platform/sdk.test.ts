/**
 * Contract: the official Genesys Cloud SDK (purecloud-platform-client-v2) against the strict
 * simulator over real HTTP — what a Genesys user's own code would do: log in with client
 * credentials, page the details query, read recording metadata and recordings, list the STA
 * configuration. The simulator speaks the SDK's models and query parameters.
 */
import platformClient from "purecloud-platform-client-v2"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { expectedIn, generatedInteractions, type Sim, sim } from "./helpers.ts"

describe("the official Genesys SDK ↔ rewind sim (strict)", () => {
  let s: Sim
  beforeAll(async () => {
    s = await sim({ strict: true, clientId: "sdk-client", clientSecret: "sdk-secret" })
    const client = platformClient.ApiClient.instance
    client.setGateway({ host: "127.0.0.1", protocol: "http", port: s.port })
    await client.loginClientCredentialsGrant("sdk-client", "sdk-secret")
  })
  afterAll(() => s.stop())

  it("pages the details query: the whole days the interval touches, in start order", async () => {
    const analytics = new platformClient.AnalyticsApi()
    const page = await analytics.postAnalyticsConversationsDetailsQuery({
      interval: "2026-01-08T10:00:00.000Z/2026-01-08T11:00:00.000Z",
      order: "asc",
      orderBy: "conversationStart",
      paging: { pageSize: 100, pageNumber: 1 }
    })
    const day = expectedIn("2026-01-08T00:00:00.000Z", "2026-01-09T00:00:00.000Z")
    expect(page.totalHits).toBe(day.length)
    expect(page.conversations?.map((c) => c.conversationId)).toEqual(day.slice(0, 100).map((i) => i.id))
    const empty = await analytics.postAnalyticsConversationsDetailsQuery({ interval: "2025-06-01T00:00:00Z/2025-06-02T00:00:00Z" })
    expect(empty.totalHits).toBeUndefined()
    expect(empty.conversations).toBeUndefined()
  })

  it("reads recordings: inline transcripts with every format NONE, a download link with the SDK's defaults", async () => {
    const recordings = new platformClient.RecordingApi()
    for (const [media, field] of [["chat", "transcript"], ["message", "messagingTranscript"], ["email", "emailTranscript"]] as const) {
      const i = generatedInteractions().find((x) => x.mediaType === media)!
      const metadata = await recordings.getConversationRecordingmetadata(i.id)
      expect(metadata.map((m) => [m.id, m.media, m.fileState])).toEqual(i.transcripts.map((t) => [t.id, media, "AVAILABLE"]))
      const inline = await recordings.getConversationRecording(i.id, metadata[0]!.id!, {
        formatId: "NONE",
        chatFormatId: "NONE",
        messageFormatId: "NONE",
        emailFormatId: "NONE"
      })
      expect(inline[field]?.length).toBeGreaterThan(0)
      expect(inline.mediaUris).toBeUndefined()
      const byDefault = await recordings.getConversationRecording(i.id, metadata[0]!.id!)
      expect(byDefault[field]).toBeUndefined()
      expect(Object.values(byDefault.mediaUris ?? {})[0]?.mediaUri).toMatch(media === "email" ? /\.eml$/ : /\.zip$/)
    }
  })

  it("lists the STA topics, programs and mappings", async () => {
    const sta = new platformClient.SpeechTextAnalyticsApi()
    const topics = await sta.getSpeechandtextanalyticsTopics({ pageSize: 500 })
    expect(topics.entities?.length).toBe(s.data.staTopics().length)
    expect(topics.entities?.[0]?.participants).toMatch(/^(External|Internal|All)$/)
    const programs = await sta.getSpeechandtextanalyticsPrograms({ pageSize: 500 })
    expect(programs.entities?.map((p) => p.id)).toEqual(s.data.staPrograms().map((p) => p.id))
    const mappings = await sta.getSpeechandtextanalyticsProgramsMappings({ pageSize: 500 })
    expect(mappings.entities?.map((m) => m.program?.id)).toEqual(s.data.staProgramMappings().map((m) => m.program.id))
  })
})
