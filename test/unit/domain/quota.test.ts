import { describe, expect, it } from "vitest"
import { monthOf, quotaImpact } from "../../../src/domain/quota.ts"

describe("quota arithmetic", () => {
  it("free quota is 2,000 interactions per agent per month", () => {
    expect(quotaImpact(100, 0, "2026-03", { agents: 3, billingEnabled: true }).freeQuota).toBe(6_000)
  })
  it("a job within the remaining free quota is entirely free", () => {
    const q = quotaImpact(1_000, 4_000, "2026-03", { agents: 3, billingEnabled: true })
    expect(q).toMatchObject({ used: 4_000, free: 1_000, billable: 0 })
  })
  it("the part beyond the remaining free quota is billable", () => {
    const q = quotaImpact(3_000, 4_000, "2026-03", { agents: 3, billingEnabled: true })
    expect(q).toMatchObject({ free: 2_000, billable: 1_000 })
  })
  it("once the quota is used up everything is billable", () => {
    expect(quotaImpact(500, 9_000, "2026-03", { agents: 3, billingEnabled: true })).toMatchObject({ free: 0, billable: 500 })
  })
  it("billing off: nothing is billable, usage still reported", () => {
    expect(quotaImpact(500, 9_000, "2026-03", { agents: 3, billingEnabled: false })).toMatchObject({ used: 9_000, free: 0, billable: 0 })
  })
  it("no agents: no free quota", () => {
    expect(quotaImpact(10, 0, "2026-03", { agents: 0, billingEnabled: true })).toMatchObject({ free: 0, billable: 10 })
  })
  it("months are calendar months in UTC", () => {
    expect(monthOf(Date.parse("2026-03-31T23:59:59.999Z"))).toBe("2026-03")
    expect(monthOf(Date.parse("2026-04-01T00:00:00Z"))).toBe("2026-04")
  })
})
