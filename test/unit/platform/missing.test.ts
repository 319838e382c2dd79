import { describe, expect, it } from "vitest"
import { generateInteractionAt, generateInteractions } from "../../../src/seed/generate.ts"
import { checkMissingShare, isMissing, isMissingInteraction } from "../../../src/seed/missing.ts"

const options = { seed: 42, count: 4_000, from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z" }
const data = [...generateInteractions(options)]

describe("isMissing", () => {
  it("is deterministic per (id, seed) and close to the share", () => {
    const picked = data.filter((i) => isMissing(i.id, 42, 0.1))
    expect(data.filter((i) => isMissing(i.id, 42, 0.1))).toEqual(picked)
    expect(picked.length / data.length).toBeGreaterThan(0.08)
    expect(picked.length / data.length).toBeLessThan(0.12)
    const otherSeed = data.filter((i) => isMissing(i.id, 43, 0.1))
    expect(otherSeed.map((i) => i.id)).not.toEqual(picked.map((i) => i.id))
  })

  it("is monotonic in the share, with 0 and 1 as none and all", () => {
    const at = (share: number) => new Set(data.filter((i) => isMissing(i.id, 42, share)).map((i) => i.id))
    const small = at(0.02)
    const large = at(0.05)
    for (const id of small) expect(large.has(id)).toBe(true)
    expect(at(0).size).toBe(0)
    expect(at(1).size).toBe(data.length)
  })

  it("never picks voice or callbacks", () => {
    const picked = data.filter((i) => isMissingInteraction(i, 42, 0.5))
    expect(picked.length).toBeGreaterThan(0)
    for (const i of picked) expect(["chat", "email", "message"]).toContain(i.mediaType)
    expect(data.filter((i) => i.mediaType === "voice" && isMissingInteraction(i, 42, 1))).toEqual([])
  })

  it("validates shares", () => {
    expect(checkMissingShare(0)).toBeUndefined()
    expect(checkMissingShare(0.02)).toBeUndefined()
    expect(checkMissingShare(1.5)).toContain("between 0 and 1")
    expect(checkMissingShare(Number.NaN)).toContain("between 0 and 1")
  })
})

describe("generateInteractionAt", () => {
  it("is the generator's interaction at that index", () => {
    for (const k of [0, 1, 777, 3_999]) expect(generateInteractionAt(options, k)).toEqual(data[k])
    expect(() => generateInteractionAt(options, 4_000)).toThrow()
  })
})
