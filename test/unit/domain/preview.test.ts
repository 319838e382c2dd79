import { describe, expect, it } from "vitest"
import { excerpt, ExcerptChars, extrapolate } from "../../../src/domain/preview.ts"

describe("impact preview arithmetic", () => {
  it("scales the sample's outcomes to the scope, adding up exactly", () => {
    expect(extrapolate({ updated: 100, unchanged: 60, failed: 40 }, 200)).toEqual({ updated: 100, unchanged: 60, failed: 40 })
    expect(extrapolate({ updated: 1, unchanged: 1, failed: 1 }, 100)).toEqual({ updated: 34, unchanged: 33, failed: 33 })
    const big = extrapolate({ updated: 137, unchanged: 41, failed: 22 }, 241_672)
    expect(big.updated + big.unchanged + big.failed).toBe(241_672)
    expect(big.updated).toBe(Math.round((137 * 241_672) / 200))
    expect(extrapolate({ updated: 0, unchanged: 0, failed: 0 }, 10)).toEqual({ updated: 0, unchanged: 0, failed: 0 })
  })

  it("cuts long block texts to an excerpt", () => {
    expect(excerpt("short")).toBe("short")
    const long = "x".repeat(500)
    expect(excerpt(long)).toHaveLength(ExcerptChars)
    expect(excerpt(long).endsWith("…")).toBe(true)
  })
})
