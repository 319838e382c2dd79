import { describe, expect, it } from "vitest"
import { readConversation, toPlatformConversation } from "../../../src/platform/convert.ts"
import { describeSchemaError } from "../../../src/platform/decode.ts"
import type { AnalyticsConversation } from "../../../src/platform/genesys.ts"
import { toTopic, toTopicModel } from "../../../src/platform/staModel.ts"
import { type IdentifiedRecording, recordingTranscripts, TranscriptFormatError } from "../../../src/platform/transcripts.ts"

const conversation = (overrides: Partial<AnalyticsConversation> = {}): AnalyticsConversation => ({
  conversationId: "c-1",
  conversationStart: "2026-01-01T10:00:00Z",
  conversationEnd: "2026-01-01T10:05:00.250Z",
  divisionIds: ["div-a", "div-b"],
  originatingDirection: "inbound",
  participants: [
    { purpose: "customer", sessions: [{ mediaType: "chat", segments: [{ segmentStart: "2026-01-01T10:00:00Z" }] }] },
    {
      purpose: "acd",
      sessions: [{ mediaType: "chat", segments: [{ segmentStart: "2026-01-01T10:00:00Z", queueId: "q-1", requestedLanguageId: "FR-fr" }] }]
    },
    { purpose: "agent", userId: "u-1", sessions: [{ mediaType: "chat", segments: [{ segmentStart: "2026-01-01T10:00:10Z", queueId: "q-1" }] }] },
    { purpose: "agent", userId: "u-2", sessions: [{ mediaType: "chat" }] },
    { purpose: "agent", userId: "u-1", sessions: [{ mediaType: "chat" }] }
  ],
  ...overrides
})

describe("toPlatformConversation", () => {
  it("maps ids, times (normalized ISO), media, direction, queue, division, agents and language", () => {
    expect(toPlatformConversation(conversation())).toEqual({
      id: "c-1",
      startTime: "2026-01-01T10:00:00.000Z",
      endTime: "2026-01-01T10:05:00.250Z",
      mediaType: "chat",
      direction: "inbound",
      queueId: "q-1",
      divisionId: "div-a",
      divisionIds: ["div-a", "div-b"],
      agentIds: ["u-1", "u-2"],
      language: "fr-fr"
    })
  })

  it("callback sessions make a callback; messaging keeps its message type", () => {
    const cb = conversation({
      originatingDirection: "outbound",
      participants: [
        { purpose: "customer", sessions: [{ mediaType: "callback" }, { mediaType: "voice" }] },
        { purpose: "agent", userId: "u-9", sessions: [{ mediaType: "voice" }] }
      ]
    })
    expect(toPlatformConversation(cb)).toMatchObject({ mediaType: "callback", direction: "outbound", queueId: "", agentIds: ["u-9"] })
    const msg = conversation({ participants: [{ purpose: "customer", sessions: [{ mediaType: "message", messageType: "whatsapp" }] }] })
    expect(toPlatformConversation(msg)).toMatchObject({ mediaType: "message", messageType: "whatsapp" })
    expect(toPlatformConversation(msg)!.language).toBeUndefined()
  })

  it("skips conversations still going on, and media Rewind does not handle", () => {
    const { conversationEnd: _, ...ongoing } = conversation()
    expect(toPlatformConversation(ongoing)).toBeUndefined()
    expect(toPlatformConversation(conversation({ participants: [{ purpose: "customer", sessions: [{ mediaType: "cobrowse" }] }] })))
      .toBeUndefined()
  })

  it("optional fields left out: a participant without purpose is an agent by its userId; sessions without mediaType do not count", () => {
    const c = conversation({
      participants: [
        { purpose: "customer", sessions: [{ segments: [{ segmentStart: "2026-01-01T10:00:00Z" }] }, { mediaType: "email" }] },
        { sessions: [{ segments: [{ segmentStart: "2026-01-01T10:00:00Z", queueId: "q-7", requestedLanguageId: "de-DE" }] }] },
        { userId: "u-3", sessions: [{ segments: [{ segmentStart: "2026-01-01T10:00:10Z", queueId: "q-7" }] }] }
      ]
    })
    expect(readConversation(c)).toMatchObject({ mediaType: "email", queueId: "q-7", agentIds: ["u-3"], language: "de-de" })
  })

  it("a conversation no session of which says its mediaType, or with a start that is not a time, is unreadable, with the reason", () => {
    expect(readConversation(conversation({ participants: [{ purpose: "customer", sessions: [{}] }, { userId: "u-1" }] }))).toEqual({
      _tag: "UnreadableConversation",
      id: "c-1",
      reason: "no session of the conversation says its mediaType: its media type is unknown"
    })
    expect(readConversation(conversation({ conversationStart: "yesterday" }))).toEqual({
      _tag: "UnreadableConversation",
      id: "c-1",
      reason: "conversationStart: expected an ISO-8601 time, got \"yesterday\""
    })
  })

  it("media types Genesys does not document make it unreadable, with the reason; documented ones Rewind does not handle are skipped", () => {
    expect(readConversation(conversation({ participants: [{ purpose: "customer", sessions: [{ mediaType: "hologram" }, { mediaType: "video" }] }] }))).toEqual({
      _tag: "UnreadableConversation",
      id: "c-1",
      reason: "its sessions' mediaType \"hologram\" is not one Genesys documents: its media type is unknown"
    })
    expect(readConversation(conversation({ participants: [{ purpose: "customer", sessions: [{ mediaType: "screenmonitoring" }, { mediaType: "unknown" }] }] })))
      .toBeUndefined()
    // A known one among them decides.
    expect(readConversation(conversation({ participants: [{ purpose: "customer", sessions: [{ mediaType: "hologram" }, { mediaType: "chat" }] }] })))
      .toMatchObject({ mediaType: "chat" })
  })
})

describe("recordingTranscripts", () => {
  const start = "2026-01-01T10:00:00.000Z"

  it("chat: standard messages become blocks; purpose decides the participant; notices are skipped", () => {
    const rec: IdentifiedRecording = {
      id: "r-1",
      media: "chat",
      transcript: [
        { body: "hi", bodyType: "standard", utc: "2026-01-01T10:00:01.000Z", participantPurpose: "customer" },
        { body: "joined", bodyType: "member-join", utc: "2026-01-01T10:00:02.000Z" },
        { body: "hello!", bodyType: "standard", utc: String(Date.parse("2026-01-01T10:00:03.500Z")), participantPurpose: "agent" },
        { body: "from a user", utc: "2026-01-01T10:00:04.000Z", user: { id: "u-1" } },
        { body: "   ", utc: "2026-01-01T10:00:05.000Z" }
      ]
    }
    expect(recordingTranscripts(rec, { conversationStart: start })).toEqual([{
      id: "r-1",
      blocks: [
        { participant: "external", offsetMs: 1_000, text: "hi" },
        { participant: "internal", offsetMs: 3_500, text: "hello!" },
        { participant: "internal", offsetMs: 4_000, text: "from a user" }
      ]
    }])
  })

  it("messaging: fromUser is the agent, anyone else the customer", () => {
    const rec: IdentifiedRecording = {
      id: "r-2",
      media: "message",
      messagingTranscript: [
        { timestamp: "2026-01-01T10:01:00.000Z", messageText: "my bill", fromExternalContact: { id: "x" } },
        { timestamp: "2026-01-01T10:02:00.000Z", messageText: "let me check", fromUser: { id: "u-1" } },
        { timestamp: "2026-01-01T10:03:00.000Z", messageText: "bot says hi", purpose: "bot" }
      ]
    }
    expect(recordingTranscripts(rec, { conversationStart: start })[0]!.blocks.map((b) => [b.participant, b.offsetMs])).toEqual([
      ["external", 60_000],
      ["internal", 120_000],
      ["internal", 180_000]
    ])
  })

  it("email: agents by the recording's users; html when there is no text", () => {
    const rec: IdentifiedRecording = {
      id: "r-3",
      media: "email",
      users: [{ id: "u-1", email: "Agent@Org.example" }],
      emailTranscript: [
        { time: "2026-01-01T10:00:00.000Z", from: { email: "me@home.example" }, textBody: "Please help" },
        { time: "2026-01-01T11:00:00.000Z", from: { email: "agent@org.example" }, htmlBody: "<p>Sure &amp; done</p><br/>Bye" }
      ]
    }
    expect(recordingTranscripts(rec)).toEqual([{
      id: "r-3",
      blocks: [
        { participant: "external", offsetMs: 0, text: "Please help" },
        { participant: "internal", offsetMs: 3_600_000, text: "Sure & done\n\nBye" }
      ]
    }])
  })

  it("email as Genesys sends it: the organisation writes from the queue's address; the sides come from the details query's addresses", () => {
    const rec: IdentifiedRecording = {
      id: "r-7",
      media: "email",
      users: [{ id: "u-1", email: "agent@org.example" }],
      emailTranscript: [
        { time: "2026-01-01T10:00:00.000Z", from: { email: "me@home.example" }, to: [{ email: "support@org.example" }], textBody: "Please help" },
        { time: "2026-01-01T11:00:00.000Z", from: { email: "support@org.example", name: "Support" }, to: [{ email: "me@home.example" }], textBody: "Done" },
        // Neither side's address: told by its recipients (to the customer: the organisation's).
        { time: "2026-01-01T12:00:00.000Z", from: { email: "noreply@org.example" }, cc: [{ email: "ME@home.example" }], textBody: "Survey" },
        { time: "2026-01-01T13:00:00.000Z", from: { email: "friend@else.example" }, to: [{ email: "support@org.example" }], textBody: "Me too" }
      ]
    }
    const parties = { customer: ["me@home.example"], organization: ["support@org.example"] }
    expect(recordingTranscripts(rec, { conversationStart: start, emailParties: parties })[0]!.blocks.map((b) => b.participant))
      .toEqual(["external", "internal", "internal", "external"])
    // By the agents' own addresses alone, a reply from the queue's address would be the customer's.
    expect(recordingTranscripts(rec, { conversationStart: start })[0]!.blocks.map((b) => b.participant)[1]).toBe("external")
  })

  it("offsets default to the recording's start time; audio has no transcript", () => {
    const rec: IdentifiedRecording = {
      id: "r-4",
      media: "chat",
      startTime: "2026-01-01T09:59:00.000Z",
      transcript: [{ body: "x", utc: "2026-01-01T10:00:00.000Z", participantPurpose: "customer" }]
    }
    expect(recordingTranscripts(rec)[0]!.blocks[0]!.offsetMs).toBe(60_000)
    expect(recordingTranscripts({ id: "r-5", media: "audio" })).toEqual([])
    expect(recordingTranscripts({ id: "r-6", media: "chat", transcript: [] })).toEqual([])
  })

  it("a message without a time is placed at the previous one's; the first at the conversation's start", () => {
    const rec: IdentifiedRecording = {
      id: "r-8",
      media: "message",
      messagingTranscript: [
        { messageText: "hello", fromExternalContact: { id: "x" } },
        { timestamp: "2026-01-01T10:02:00.000Z", messageText: "hi", fromUser: { id: "u-1" } },
        { messageText: "still there?", fromUser: { id: "u-1" } }
      ]
    }
    expect(recordingTranscripts(rec, { conversationStart: start })[0]!.blocks.map((b) => [b.offsetMs, b.text])).toEqual([
      [0, "hello"],
      [120_000, "hi"],
      [120_000, "still there?"]
    ])
    const email: IdentifiedRecording = {
      id: "r-9",
      media: "email",
      emailTranscript: [{ textBody: "first" }, { textBody: "second", time: "2026-01-01T11:00:00.000Z" }]
    }
    expect(recordingTranscripts(email, { conversationStart: start })[0]!.blocks.map((b) => b.offsetMs)).toEqual([0, 3_600_000])
    const chat: IdentifiedRecording = { id: "r-10", media: "chat", transcript: [{ body: "x", participantPurpose: "customer" }] }
    expect(recordingTranscripts(chat, { conversationStart: start })[0]!.blocks).toEqual([{ participant: "external", offsetMs: 0, text: "x" }])
  })

  it("a bad message time names the field", () => {
    const rec: IdentifiedRecording = { id: "r-7", media: "chat", transcript: [{ body: "x", utc: "x" }, { body: "y", utc: "soon" }] }
    expect(() => recordingTranscripts(rec)).toThrow(TranscriptFormatError)
    expect(() => recordingTranscripts(rec)).toThrow('transcript[0].utc: expected a time, got "x"')
  })
})

describe("STA → topic model", () => {
  it("maps participants, strictness and phrases; mappings give the programs' queues", () => {
    const topic = toTopic({
      id: "t-1",
      name: "Billing",
      participants: "External",
      strictness: "72",
      phrases: [{ text: "my bill" }, { text: "refund please", strictness: "90", sentiment: "Negative" }]
    })
    expect(topic).toEqual({
      id: "t-1",
      name: "Billing",
      participants: "external",
      strictness: "72",
      phrases: ["my bill", { text: "refund please", strictness: "90" }]
    })
    const model = toTopicModel(
      [topic],
      [{ id: "p-1", name: "P", topics: ["t-1"] }, { id: "p-2", name: "Q", topics: [] }],
      [{ programId: "p-1", queues: ["q-1", "q-2"], flows: [] }, { programId: "p-1", queues: ["q-2", "q-3"], flows: ["f"] }]
    )
    expect(model.programs).toEqual([
      { id: "p-1", name: "P", topics: ["t-1"], queues: ["q-1", "q-2", "q-3"] },
      { id: "p-2", name: "Q", topics: [], queues: [] }
    ])
  })
})

describe("describeSchemaError", () => {
  it("turns the schema path into a field name and shows the value", () => {
    expect(describeSchemaError('Expected string\n  at ["conversations"][2]["participants"][0]["purpose"]', {
      conversations: [{}, {}, { participants: [{ purpose: 42 }] }]
    })).toBe("conversations[2].participants[0].purpose: Expected string, got 42")
    expect(describeSchemaError('Missing key\n  at ["totalHits"]', {})).toBe("totalHits: Missing key")
    expect(describeSchemaError("Expected array", "x")).toBe("Expected array")
  })
})
