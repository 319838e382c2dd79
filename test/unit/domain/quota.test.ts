import { describe, expect, it } from "vitest"
import { firstWriteVersion } from "../../../src/domain/job.ts"
import { monthOf, quotaImpact, runUsageWrites, type UsageRow, usageRunKey } from "../../../src/domain/quota.ts"

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

describe("usage per job run", () => {
  const started = Date.parse("2026-03-10T12:00:00Z")
  const v = firstWriteVersion(started, 42)
  const key = usageRunKey("march", v)
  /** What `rows` hold once `writes` are applied (last value of a (month, key) wins). */
  const apply = (rows: ReadonlyArray<UsageRow>, writes: ReadonlyArray<{ month: string; key: string; interactions: number }>, at: number) => {
    const out = new Map(rows.map((r) => [`${r.month} ${r.key}`, r]))
    for (const w of writes) out.set(`${w.month} ${w.key}`, { ...w, recordedAtMs: at })
    return [...out.values()]
  }
  const used = (rows: ReadonlyArray<UsageRow>, month: string) => rows.filter((r) => r.month === month).reduce((n, r) => n + r.interactions, 0)

  it("a run's key is its job id and write version; the version says when the job first started", () => {
    expect(key).toBe(`march@${started * 1000 + 42}`)
    expect(usageRunKey("march", firstWriteVersion(started + 1, 42))).not.toBe(key)
  })

  it("a job created again under the id of a deleted one is another run: both are counted", () => {
    const first = apply([], runUsageWrites("2026-03", "march", v, 300, []), started + 60_000)
    const v2 = firstWriteVersion(started + 3_600_000, 57)
    const both = apply(first, runUsageWrites("2026-03", "march", v2, 200, first), started + 3_700_000)
    expect(used(both, "2026-03")).toBe(500)
  })

  it("the same end recorded again writes the same row", () => {
    const once = apply([], runUsageWrites("2026-03", "march", v, 300, []), started + 60_000)
    expect(runUsageWrites("2026-03", "march", v, 300, once)).toEqual([{ month: "2026-03", key, interactions: 300 }])
  })

  it("a run retried in a later month: that month counts what the run processed since", () => {
    const failed = apply([], runUsageWrites("2026-03", "march", v, 120, []), started + 60_000)
    const april = Date.parse("2026-04-02T00:00:00Z")
    const done = apply(failed, runUsageWrites("2026-04", "march", v, 300, failed), april)
    expect([used(done, "2026-03"), used(done, "2026-04")]).toEqual([120, 180])
    // Its end recorded again, even with a clock behind in March: the months still add up to the run's total.
    const again = apply(done, runUsageWrites("2026-04", "march", v, 300, done), april + 1)
    expect([used(again, "2026-03"), used(again, "2026-04")]).toEqual([120, 180])
    const late = apply(again, runUsageWrites("2026-03", "march", v, 300, again), april + 2)
    expect(used(late, "2026-03") + used(late, "2026-04")).toBe(300)
  })

  it("a row of the job id alone recorded once the run had started is the run's: taken over, not counted twice", () => {
    const unkeyed: UsageRow = { month: "2026-03", key: "march", interactions: 120, recordedAtMs: started + 60_000 }
    const done = apply([unkeyed], runUsageWrites("2026-03", "march", v, 300, [unkeyed]), started + 120_000)
    expect(used(done, "2026-03")).toBe(300)
    // In an earlier month: counted there, the later month gets the rest.
    const february = { ...unkeyed, month: "2026-02" }
    expect(runUsageWrites("2026-03", "march", v, 300, [february])).toEqual([{ month: "2026-03", key, interactions: 180 }])
  })

  it("a row of the job id alone recorded well before the run started is an earlier job's: it stays", () => {
    const earlier: UsageRow = { month: "2026-03", key: "march", interactions: 120, recordedAtMs: started - 3_600_000 }
    const done = apply([earlier], runUsageWrites("2026-03", "march", v, 300, [earlier]), started + 120_000)
    expect(used(done, "2026-03")).toBe(420)
  })

  it("one recorded a minute before the run started, by a daemon whose clock runs behind, is the run's", () => {
    const skewed: UsageRow = { month: "2026-03", key: "march", interactions: 120, recordedAtMs: started - 60_000 }
    const done = apply([skewed], runUsageWrites("2026-03", "march", v, 300, [skewed]), started + 120_000)
    expect(used(done, "2026-03")).toBe(300)
  })
})
