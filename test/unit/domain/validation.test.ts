import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { JobCreate } from "../../../src/domain/job.ts"
import { decodeStrict, parseJson } from "../../../src/domain/validation.ts"

const decode = decodeStrict(JobCreate)
const valid = {
  name: "Reprocess March",
  dateStart: "2026-03-01T00:00:00Z",
  dateEnd: "2026-04-01T00:00:00Z",
  programs: ["p-retention"],
  mediaTypes: ["Call", "chat"]
}
const failure = (input: unknown) => {
  const r = decode(input)
  if (Result.isSuccess(r)) throw new Error("expected a failure")
  return r.failure
}

describe("job.create validation", () => {
  it("accepts a valid command and folds Genesys media type names", () => {
    const r = decode(valid)
    expect(Result.isSuccess(r) && r.success.mediaTypes).toEqual(["voice", "chat"])
  })
  it("refuses an inverted date range, naming both dates", () => {
    const f = failure({ ...valid, dateStart: "2026-05-01T00:00:00Z" })
    expect(f.reason).toContain("dateStart (2026-05-01T00:00:00Z) must be before dateEnd")
    expect(f.field).toBe("dateStart,dateEnd")
  })
  it("refuses an open date range: the missing end is named", () => {
    const { dateEnd: _, ...open } = valid
    expect(failure(open)).toMatchObject({ field: "dateEnd" })
  })
  it("refuses empty media types", () => {
    expect(failure({ ...valid, mediaTypes: [] })).toMatchObject({ field: "mediaTypes", reason: "mediaTypes: select at least one media type" })
  })
  it("refuses wrong types and names the path", () => {
    const f = failure({ ...valid, name: 42, mediaTypes: ["fax"] })
    expect(f.field).toBe("name")
    expect(f.reason).toContain("mediaTypes[0]")
  })
  it("refuses unknown fields (typos must not be silently ignored)", () => {
    expect(failure({ ...valid, dateFrom: "x" })).toMatchObject({ field: "dateFrom", reason: "dateFrom: unknown field" })
  })
  it("refuses dates without a zone", () => {
    expect(failure({ ...valid, dateStart: "2026-03-01" })).toMatchObject({ field: "dateStart" })
  })
  it("refuses dates that do not exist, saying why, rather than moving them on (2026-02-30 is not 2026-03-02)", () => {
    expect(failure({ ...valid, dateStart: "2026-02-30T00:00:00Z" })).toMatchObject({
      field: "dateStart",
      reason: expect.stringContaining("2026-02 has 28 days, not 30")
    })
    expect(failure({ ...valid, dateEnd: "2026-04-31T00:00:00Z" })).toMatchObject({ field: "dateEnd", reason: expect.stringContaining("2026-04 has 30 days, not 31") })
    expect(failure({ ...valid, dateEnd: "2026-04-01T24:00:00Z" })).toMatchObject({ field: "dateEnd", reason: expect.stringContaining("hour 24 is out of range") })
    expect(failure({ ...valid, dateEnd: "2026-04-01T10:00:00+25:00" })).toMatchObject({ field: "dateEnd", reason: expect.stringContaining("zone offset +25:00") })
    expect(Result.isSuccess(decode({ ...valid, dateStart: "2028-02-29T00:00:00Z", dateEnd: "2028-03-01T23:59:59.999+05:30" }))).toBe(true)
  })
  it("refuses bad duration bounds", () => {
    expect(failure({ ...valid, filters: { minDurationMs: 10, maxDurationMs: 5 } })).toMatchObject({
      field: "filters.minDurationMs,filters.maxDurationMs",
      reason: "filters.minDurationMs,filters.maxDurationMs: minDurationMs is greater than maxDurationMs"
    })
  })
  it("parseJson explains malformed JSON", () => {
    const r = parseJson(new TextEncoder().encode("{nope"))
    expect(Result.isFailure(r) && r.failure.reason).toMatch(/^malformed JSON: /)
  })
})
