import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { automaticPeriod, automaticRunId, RecoveryRunCommand } from "../../../src/domain/recovery.ts"
import { decodeStrict } from "../../../src/domain/validation.ts"
import { prepareForIngest, programsForQueue } from "../../../src/pipelines/ingest/detect.ts"
import { detectorCache } from "../../../src/pipelines/ingest/detectors.ts"
import { exampleModel, generateInteractions } from "../../../src/seed/generate.ts"
import { refTopics } from "../topics/reference.ts"
import { scopeTopicIds } from "../../../src/domain/topicModel.ts"

const decode = decodeStrict(RecoveryRunCommand)
const fail = (u: unknown) => {
  const r = decode(u)
  if (Result.isSuccess(r)) throw new Error("expected a refusal")
  return r.failure
}

describe("recovery.run validation", () => {
  it("accepts a manual period and the automatic form", () => {
    expect(Result.isSuccess(decode({ from: "2026-01-01T00:00:00Z", to: "2026-01-08T00:00:00Z" }))).toBe(true)
    expect(Result.isSuccess(decode({}))).toBe(true)
  })
  it("refuses inverted, half-open, overlong and future periods", () => {
    expect(fail({ from: "2026-01-08T00:00:00Z", to: "2026-01-01T00:00:00Z" }).reason).toContain("must be before")
    expect(fail({ from: "2026-01-08T00:00:00Z" }).reason).toContain("give both from and to")
    expect(fail({ from: "2026-01-01T00:00:00Z", to: "2026-03-01T00:00:00Z" }).reason).toContain("longer than 31 days")
    expect(fail({ from: "2999-01-01T00:00:00Z", to: "2999-01-02T00:00:00Z" }).reason).toContain("in the future")
  })
  it("refuses voice: recovery covers text conversations only", () => {
    const f = fail({ mediaTypes: ["chat", "Call"] })
    expect(f.field).toBe("mediaTypes")
    expect(f.reason).toContain("text conversations only")
  })
})

describe("the automatic period", () => {
  const hour = 3_600_000
  const now = Date.parse("2026-02-01T12:00:00Z")
  it("covers [watermark, now − settle)", () => {
    expect(automaticPeriod("2026-02-01T08:00:00.000Z", now, hour, 24 * hour)).toEqual({ from: "2026-02-01T08:00:00.000Z", to: "2026-02-01T11:00:00.000Z" })
  })
  it("looks back when there is no watermark", () => {
    expect(automaticPeriod(undefined, now, hour, 24 * hour)).toEqual({ from: "2026-01-31T11:00:00.000Z", to: "2026-02-01T11:00:00.000Z" })
  })
  it("has nothing to do when the watermark is already past now − settle", () => {
    expect(automaticPeriod("2026-02-01T11:30:00.000Z", now, hour, 24 * hour)).toBeUndefined()
  })
  it("never covers more than 31 days at once", () => {
    const p = automaticPeriod("2025-01-01T00:00:00.000Z", now, hour, 24 * hour)!
    expect(Date.parse(p.to) - Date.parse(p.from)).toBe(31 * 24 * hour)
  })
})

describe("ingest: recovered interactions look like live-ingested ones", () => {
  const model = exampleModel()
  const items = [...generateInteractions({ seed: 5, count: 40, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" })]
  const prepare = prepareForIngest(model, detectorCache(model))
  it("assigns the programs of the queue mapping", () => {
    for (const i of items) {
      const got = prepare(i).interaction.programIds
      expect(got).toEqual(model.programs.filter((p) => p.queues.includes(i.queueId)).map((p) => p.id).sort())
      expect(programsForQueue(model, i.queueId)).toEqual(got)
    }
  })
  it("detects exactly the reference matcher's topics of those programs, block by block", () => {
    for (const i of items) {
      const { topics } = prepare(i)
      const scope = scopeTopicIds(model, programsForQueue(model, i.queueId))
      const expected = i.transcripts.flatMap((t) =>
        t.blocks.flatMap((b, blockIndex) => [...refTopics(model, b, scope)].sort().map((topicId) => ({ interactionId: i.id, transcriptId: t.id, blockIndex, topicId }))))
      expect(topics).toEqual(expected)
    }
    expect(items.some((i) => prepare(i).topics.length > 0)).toBe(true)
  })
})

describe("automatic runs' ids", () => {
  const ids = (...xs: Array<string>) => xs.map((id) => ({ id }))
  it("are named after the watermark they start from, the same on every daemon", () => {
    expect(automaticRunId(undefined, [])).toBe("auto-first")
    expect(automaticRunId("2026-12-05T10:15:00.123Z", ids("auto-first", "rec-4"))).toBe("auto-20261205T101500Z")
  })
  it("count on after the highest try from that watermark, ignoring other runs' ids", () => {
    expect(automaticRunId(undefined, ids("auto-first"))).toBe("auto-first-2")
    // auto-first-2 gone (purged by hand): still past the highest, never an id that exists.
    expect(automaticRunId(undefined, ids("auto-first", "auto-first-3", "auto-first-x", "auto-firstly"))).toBe("auto-first-4")
    expect(automaticRunId("2026-12-05T10:15:00Z", ids("auto-first", "auto-first-2"))).toBe("auto-20261205T101500Z")
  })
})
