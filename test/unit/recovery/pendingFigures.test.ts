import { describe, expect, it } from "vitest"
import { pendingFigures } from "../../../src/daemon/recovery/pendingMetrics.ts"

describe("the pending-list gauges' figures", () => {
  const now = Date.parse("2026-12-05T12:00:00Z")

  it("an empty list: every text media type at 0, the oldest 0 s", () => {
    expect(pendingFigures([], now)).toEqual({ byMedia: new Map([["chat", 0], ["email", 0], ["message", 0]]), oldestSeconds: 0 })
  })

  it("counts per media type (others too), the oldest's age over all of them", () => {
    const f = pendingFigures([
      { mediaType: "chat", conversations: 3, oldestSince: "2026-12-05T11:00:00.000Z" },
      { mediaType: "email", conversations: 1, oldestSince: "2026-12-02T12:00:00.000Z" },
      { mediaType: "unknown", conversations: 2, oldestSince: "2026-12-05T11:59:00.000Z" }
    ], now)
    expect(f.byMedia).toEqual(new Map([["chat", 3], ["email", 1], ["message", 0], ["unknown", 2]]))
    expect(f.oldestSeconds).toBe(3 * 86_400)
  })
})
