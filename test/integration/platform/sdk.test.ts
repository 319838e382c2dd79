/**
 * Contract: the official Genesys Cloud SDK (purecloud-platform-client-v2) against the strict
 * simulator over real HTTP — what a Genesys user's own code would do: log in with client
 * credentials, page the details query with the SDK's filter models, read recording metadata and
 * recordings, list the STA configuration. Every answer must parse with the SDK's models (no field
 * they do not declare, the declared types, the required fields); and Rewind's own client, against
 * the same simulator, must send what the SDK's models and operations declare.
 */
import { Stream } from "effect"
import platformClient from "purecloud-platform-client-v2"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sdkFields, sdkProblems } from "../../helpers/sdkModels.ts"
import { expectedIn, generatedInteractions, selectedIn, type Sim, sim, withClient } from "./helpers.ts"

/** The enums the SDK's model docs give for these strings (ConversationQuery, *DetailQueryFilter/Predicate, AnalyticsSession). */
const Enums = {
  order: ["asc", "desc"],
  orderBy: ["conversationStart", "conversationEnd", "segmentStart", "segmentEnd"],
  filterType: ["and", "or"],
  predicateType: ["dimension", "property", "metric"],
  operator: ["matches", "exists", "notExists"],
  mediaType: ["callback", "chat", "cobrowse", "email", "internalmessage", "message", "screenmonitoring", "screenshare", "unknown", "video", "voice"],
  /** RecordingApi.getConversationRecording: formatId, emailFormatId, chatFormatId, messageFormatId. */
  formats: {
    formatId: ["WAV", "WEBM", "WAV_ULAW", "OGG_VORBIS", "OGG_OPUS", "MP3", "NONE"],
    emailFormatId: ["EML", "NONE"],
    chatFormatId: ["ZIP", "NONE"],
    messageFormatId: ["ZIP", "NONE"]
  } as Record<string, ReadonlyArray<string>>
}

/** Genesys' date-time format: yyyy-MM-ddTHH:mm:ss[.mmm]Z. */
const IsoTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/

const credentials = { clientId: "rewind-test", clientSecret: "s3cr3t-value" }

describe("the official Genesys SDK ↔ rewind sim (strict)", () => {
  let s: Sim
  const requests: Array<{ route: string; url: URL; body: string }> = []
  const analytics = () => new platformClient.AnalyticsApi()
  const recordings = () => new platformClient.RecordingApi()

  beforeAll(async () => {
    s = await sim({ strict: true, ...credentials, observeRequest: (route, url, body) => requests.push({ route, url, body }) })
    const client = platformClient.ApiClient.instance
    client.setGateway({ host: "127.0.0.1", protocol: "http", port: s.port })
    await client.loginClientCredentialsGrant(credentials.clientId, credentials.clientSecret)
  })
  afterAll(() => s.stop())

  it("pages the details query page after page (PagingSpec); every page parses as AnalyticsConversationQueryResponse", async () => {
    const interval = "2026-01-08T06:00:00.000Z/2026-01-09T06:00:00.000Z"
    const expected = selectedIn("2026-01-08T06:00:00.000Z", "2026-01-09T06:00:00.000Z")
    expect(expected.length).toBeGreaterThan(75)
    const ids: Array<string> = []
    let pages = 0
    for (let pageNumber = 1; ; pageNumber++) {
      const page = await analytics().postAnalyticsConversationsDetailsQuery({
        interval,
        order: "asc",
        orderBy: "conversationStart",
        paging: { pageSize: 25, pageNumber }
      })
      expect(sdkProblems("Models.AnalyticsConversationQueryResponse", page)).toEqual([])
      if (page.conversations === undefined) {
        // Past the last page: Genesys answers {} (no totalHits either).
        expect(page).toEqual({})
        break
      }
      pages++
      expect(page.totalHits).toBe(expected.length)
      for (const c of page.conversations) {
        for (const t of [c.conversationStart, c.conversationEnd]) expect(t).toMatch(IsoTime)
        for (const p of c.participants ?? []) {
          for (const session of p.sessions ?? []) {
            if (session.mediaType !== undefined) expect(Enums.mediaType).toContain(session.mediaType)
            for (const seg of session.segments ?? []) expect(seg.segmentStart).toMatch(IsoTime)
          }
        }
        ids.push(c.conversationId!)
      }
    }
    expect(pages).toBe(Math.ceil(expected.length / 25))
    expect(ids).toEqual(expected.map((i) => i.id))
  })

  it("filters as the SDK models them: a SegmentDetailQueryFilter on mediaType, a ConversationDetailQueryFilter on originatingDirection", async () => {
    const from = "2026-01-10T00:00:00.000Z"
    const to = "2026-01-12T00:00:00.000Z"
    const query: platformClient.Models.ConversationQuery = {
      interval: `${from}/${to}`,
      paging: { pageSize: 100, pageNumber: 1 },
      segmentFilters: [{
        type: "or",
        predicates: ["email", "message"].map((value) => ({ type: "dimension", dimension: "mediaType", operator: "matches", value }))
      }],
      conversationFilters: [{
        type: "and",
        predicates: [{ type: "dimension", dimension: "originatingDirection", operator: "matches", value: "inbound" }]
      }]
    }
    const page = await analytics().postAnalyticsConversationsDetailsQuery(query)
    expect(sdkProblems("Models.AnalyticsConversationQueryResponse", page)).toEqual([])
    const expected = selectedIn(from, to).filter((i) => ["email", "message"].includes(i.mediaType) && i.direction === "inbound")
    expect(expected.length).toBeGreaterThan(5)
    expect(page.conversations?.map((c) => c.conversationId)).toEqual(expected.map((i) => i.id))
    for (const c of page.conversations ?? []) {
      const customer = c.participants?.find((p) => p.purpose === "customer")
      expect(["email", "message"]).toContain(customer?.sessions?.[0]?.mediaType)
    }
    // A dimension at the wrong level is refused, as Genesys refuses values its predicate models do not list.
    await expect(analytics().postAnalyticsConversationsDetailsQuery({
      interval: `${from}/${to}`,
      conversationFilters: [{ type: "or", predicates: [{ dimension: "mediaType", value: "email" }] }]
    })).rejects.toMatchObject({ status: 400 })
  })

  it("reads recording metadata and recordings with every format NONE: each parses as RecordingMetadata and Recording", async () => {
    for (const [media, field] of [["chat", "transcript"], ["message", "messagingTranscript"], ["email", "emailTranscript"]] as const) {
      const i = generatedInteractions().find((x) => x.mediaType === media && x.transcripts.length > 0)!
      const metadata = await recordings().getConversationRecordingmetadata(i.id)
      for (const m of metadata) expect(sdkProblems("Models.RecordingMetadata", m, `${media} metadata`)).toEqual([])
      expect(metadata.map((m) => [m.id, m.media, m.fileState])).toEqual(i.transcripts.map((t) => [t.id, media, "AVAILABLE"]))
      const inline = await recordings().getConversationRecording(i.id, metadata[0]!.id!, {
        formatId: "NONE",
        chatFormatId: "NONE",
        messageFormatId: "NONE",
        emailFormatId: "NONE"
      })
      expect(sdkProblems("Models.Recording", inline, `${media} recording`)).toEqual([])
      expect(inline[field]?.length).toBeGreaterThan(0)
      expect(inline.mediaUris).toBeUndefined()
      if (media === "email") {
        for (const m of inline.emailTranscript!) {
          expect(m.from?.email).toMatch(/@/)
          for (const to of m.to ?? []) expect(to.email).toMatch(/@/)
        }
      }
    }
  })

  it("downloads: with the SDK's default formats a text recording comes as a download link (mediaUris), as Genesys answers", async () => {
    for (const media of ["chat", "message", "email"] as const) {
      const i = generatedInteractions().find((x) => x.mediaType === media)!
      const byDefault = await recordings().getConversationRecording(i.id, i.transcripts[0]!.id)
      expect(sdkProblems("Models.Recording", byDefault)).toEqual([])
      expect(byDefault.transcript ?? byDefault.messagingTranscript ?? byDefault.emailTranscript).toBeUndefined()
      expect(Object.values(byDefault.mediaUris ?? {})[0]?.mediaUri).toMatch(media === "email" ? /\.eml$/ : /\.zip$/)
    }
  })

  it("lists the STA topics, programs and mappings: each page parses as the SDK's entity listings", async () => {
    const sta = new platformClient.SpeechTextAnalyticsApi()
    const topics = await sta.getSpeechandtextanalyticsTopics({ pageSize: 500 })
    expect(sdkProblems("Models.TopicsEntityListing", topics)).toEqual([])
    expect(topics.entities?.length).toBe(s.data.staTopics().length)
    expect(topics.entities?.[0]?.participants).toMatch(/^(External|Internal|All)$/)
    const topic = await sta.getSpeechandtextanalyticsTopic(topics.entities![0]!.id!)
    expect(sdkProblems("Models.Topic", topic)).toEqual([])
    const programs = await sta.getSpeechandtextanalyticsPrograms({ pageSize: 500 })
    expect(sdkProblems("Models.ProgramsEntityListing", programs)).toEqual([])
    expect(programs.entities?.map((p) => p.id)).toEqual(s.data.staPrograms().map((p) => p.id))
    const mappings = await sta.getSpeechandtextanalyticsProgramsMappings({ pageSize: 500 })
    expect(sdkProblems("Models.TopicsDefinitionsProgramsMappingsEntityListing", mappings)).toEqual([])
    expect(mappings.entities?.map((m) => m.program?.id)).toEqual(s.data.staProgramMappings().map((m) => m.program.id))
  })

  it("Rewind's client sends what the SDK declares: ConversationQuery bodies, getConversationRecording's query parameters", async () => {
    requests.length = 0
    const period = { from: "2026-01-13T12:00:00.000Z", to: "2026-01-22T00:00:00.000Z" }
    const { result } = await withClient(s, (c) =>
      Stream.runCollect(c.conversations(period.from, period.to, { mediaTypes: ["chat", "email", "message"] })))
    expect(result.map((c) => c.id)).toEqual(expectedIn(period.from, period.to).filter((i) => i.mediaType !== "voice" && i.mediaType !== "callback").map((i) => i.id))
    const email = generatedInteractions().find((i) => i.mediaType === "email")!
    await withClient(s, (c) => c.recording(email.id, email.transcripts[0]!.id))
    await withClient(s, (c) => c.conversations(period.from, period.to, { conversationIds: [email.id] }).pipe(Stream.runCollect))

    const queries = requests.filter((r) => r.route === "conversations.query").map((r) => JSON.parse(r.body) as platformClient.Models.ConversationQuery)
    expect(queries.length).toBeGreaterThan(1)
    for (const q of queries) {
      expect(sdkProblems("Models.ConversationQuery", q)).toEqual([])
      expect(Enums.order).toContain(q.order)
      expect(Enums.orderBy).toContain(q.orderBy)
      const [a, b] = q.interval.split("/")
      expect(a).toMatch(IsoTime)
      expect(b).toMatch(IsoTime)
      for (const f of [...q.segmentFilters ?? [], ...q.conversationFilters ?? []]) {
        expect(Enums.filterType).toContain(f.type)
        for (const p of f.predicates ?? []) {
          expect(Enums.predicateType).toContain(p.type)
          expect(Enums.operator).toContain(p.operator)
        }
      }
      for (const p of q.segmentFilters?.flatMap((f) => f.predicates ?? []) ?? []) {
        expect(p.dimension).toBe("mediaType")
        expect(Enums.mediaType).toContain(p.value)
      }
      for (const p of q.conversationFilters?.flatMap((f) => f.predicates ?? []) ?? []) expect(p.dimension).toBe("conversationId")
    }
    expect(queries.some((q) => q.conversationFilters !== undefined)).toBe(true)

    const options = [...sdkFields("RecordingApi.getConversationRecordingOptions").keys()].filter((k) => k !== "customHeaders")
    const fetched = requests.filter((r) => r.route === "recording")
    expect(fetched.length).toBe(1)
    for (const { url } of fetched) {
      expect([...url.searchParams.keys()].sort()).toEqual(["chatFormatId", "emailFormatId", "formatId", "messageFormatId"])
      for (const [param, value] of url.searchParams) {
        expect(options).toContain(param)
        expect(Enums.formats[param]).toContain(value)
      }
    }
  })
})
