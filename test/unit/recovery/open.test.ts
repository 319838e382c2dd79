/**
 * Conversations still open on the platform (no `conversationEnd` yet), as the simulator describes
 * them: read as open — not dropped — and picked as missing by the recovery diff, which counts them.
 */
import { describe, expect, it } from "vitest"
import { missingText } from "../../../src/pipelines/recover/diff.ts"
import { readConversation, readOpenConversation } from "../../../src/platform/convert.ts"
import { analyticsConversation, isOpenConversation } from "../../../src/sim/analyticsData.ts"
import { SimData } from "../../../src/sim/data.ts"

const data = new SimData({ seed: 61, count: 200, from: "2026-03-01T00:00:00Z", to: "2026-03-03T00:00:00Z" })
const text = data.conversations.filter((c) => c.mediaType === "chat" || c.mediaType === "email" || c.mediaType === "message")

describe("open conversations", () => {
  it("the simulator leaves text conversations open by share (never voice); an open one reads as open, with its start and media type", () => {
    const open = data.conversations.filter((c) => isOpenConversation(c, 0.3))
    expect(open.length).toBeGreaterThan(0)
    expect(open.every((c) => text.includes(c))).toBe(true)
    expect(data.conversations.filter((c) => isOpenConversation(c, 1)).length).toBe(text.length)
    for (const c of open) {
      const raw = analyticsConversation(c, true)
      expect(raw.conversationEnd).toBeUndefined()
      expect(readConversation(raw)).toBeUndefined()
      expect(readOpenConversation(raw)).toEqual({ _tag: "OpenConversation", id: c.id, startTime: new Date(c.startMs).toISOString(), mediaType: c.mediaType })
      // Ended: a completed conversation again.
      expect(readOpenConversation(analyticsConversation(c))).toBeUndefined()
      expect(readConversation(analyticsConversation(c))).toMatchObject({ id: c.id, endTime: new Date(c.endMs).toISOString() })
    }
  })

  it("the diff counts an open missing conversation on the platform and as missing, and picks it", () => {
    const open = text.slice(0, 3).map((c) => readOpenConversation(analyticsConversation(c, true))!)
    const counts = {}
    const picked = missingText(open, new Set([open[0]!.id]), ["chat", "email", "message"], counts)
    expect(picked).toEqual(open.slice(1))
    const total = (field: "platform" | "store" | "missing") =>
      Object.values(counts as Record<string, Record<string, number>>).reduce((n, c) => n + (c[field] ?? 0), 0)
    expect([total("platform"), total("store"), total("missing")]).toEqual([3, 1, 2])
  })
})
