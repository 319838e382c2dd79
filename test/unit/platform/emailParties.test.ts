import { describe, expect, it } from "vitest"
import { toPlatformConversation } from "../../../src/platform/convert.ts"
import { emailPartiesOf, normalizeAddress } from "../../../src/platform/emailParties.ts"
import type { AnalyticsConversation } from "../../../src/platform/genesys.ts"

const email = (participants: AnalyticsConversation["participants"], originatingDirection = "inbound"): AnalyticsConversation => ({
  conversationId: "c-9",
  conversationStart: "2026-01-01T10:00:00Z",
  conversationEnd: "2026-01-02T10:00:00Z",
  originatingDirection,
  ...(participants === undefined ? {} : { participants })
})

describe("emailPartiesOf", () => {
  it("reads each participant's side from addressSelf and addressOther", () => {
    const c = email([
      { purpose: "customer", sessions: [{ mediaType: "email", addressSelf: "Jo <JO@home.example>", addressOther: "support@org.example" }] },
      { purpose: "acd", sessions: [{ mediaType: "email", addressSelf: "support@org.example", addressOther: "jo@home.example" }] },
      // Strict Genesys: an agent without purpose, a session without mediaType.
      { userId: "u-1", sessions: [{ addressSelf: "Billing@Org.example", addressOther: "jo@home.example" }] }
    ])
    expect(emailPartiesOf(c)).toEqual({ customer: ["jo@home.example"], organization: ["support@org.example", "billing@org.example"] })
    expect(toPlatformConversation(c)).toMatchObject({ mediaType: "email", emailParties: emailPartiesOf(c) })
  })

  it("without them, addressFrom and addressTo by the direction; sessions of other media do not count", () => {
    const inbound = email([
      { purpose: "customer", sessions: [{ mediaType: "email", addressFrom: "jo@home.example", addressTo: "support@org.example" }, { mediaType: "voice", addressFrom: "+15550001" }] }
    ])
    expect(emailPartiesOf(inbound)).toEqual({ customer: ["jo@home.example"], organization: ["support@org.example"] })
    const outbound = email([
      { purpose: "agent", sessions: [{ mediaType: "email", direction: "outbound", addressFrom: "support@org.example", addressTo: "jo@home.example" }] }
    ], "outbound")
    expect(emailPartiesOf(outbound)).toEqual({ customer: ["jo@home.example"], organization: ["support@org.example"] })
  })

  it("an address claimed by both sides tells nothing; chat conversations carry no parties", () => {
    const c = email([
      { purpose: "customer", sessions: [{ mediaType: "email", addressSelf: "x@y.example", addressOther: "x@y.example" }] }
    ])
    expect(emailPartiesOf(c)).toEqual({ customer: [], organization: [] })
    const chat = email([{ purpose: "customer", sessions: [{ mediaType: "chat", addressSelf: "x@y.example" }] }])
    expect(toPlatformConversation(chat)!.emailParties).toBeUndefined()
  })

  it("normalizes addresses: display names, case, spaces", () => {
    expect(normalizeAddress(" Jo Smith <Jo.Smith@Example.COM> ")).toBe("jo.smith@example.com")
    expect(normalizeAddress("a@b.c")).toBe("a@b.c")
    expect(normalizeAddress(undefined)).toBe("")
  })
})
