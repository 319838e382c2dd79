import { describe, expect, it } from "vitest"
import { planRevert } from "../../../src/domain/revert.ts"

const row = (interactionId: string, blockIndex: number, topicId: string, removed: boolean) =>
  ({ interactionId, transcriptId: `${interactionId}-c1`, blockIndex, topicId, removed })

describe("planRevert", () => {
  it("takes away what the job added and puts back what it removed, block by block", () => {
    const plan = planRevert([row("i1", 0, "t-new", false), row("i1", 0, "t-old", true), row("i1", 1, "t-x", false)], new Set())
    expect(plan.changes).toEqual([
      { key: { interactionId: "i1", transcriptId: "i1-c1", blockIndex: 0 }, added: ["t-old"], removed: ["t-new"] },
      { key: { interactionId: "i1", transcriptId: "i1-c1", blockIndex: 1 }, added: [], removed: ["t-x"] }
    ])
    expect(plan.results).toEqual([{ interactionId: "i1", outcome: "updated", newTopics: ["t-old"] }])
    expect(plan).toMatchObject({ blocksReverted: 2, blocksInConflict: 0 })
  })

  it("leaves blocks a later write changed alone; an interaction with only such blocks is unchanged", () => {
    const plan = planRevert(
      [row("i1", 0, "t-a", false), row("i1", 1, "t-b", false), row("i2", 0, "t-c", false)],
      new Set(["i1\u0000i1-c1\u00001", "i2\u0000i2-c1\u00000"])
    )
    expect(plan.changes.map((c) => `${c.key.interactionId}#${c.key.blockIndex}`)).toEqual(["i1#0"])
    expect(plan.results).toEqual([
      { interactionId: "i1", outcome: "updated", newTopics: [] },
      { interactionId: "i2", outcome: "unchanged", newTopics: [] }
    ])
    expect(plan).toMatchObject({ blocksReverted: 1, blocksInConflict: 2 })
  })
})
