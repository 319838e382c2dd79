import { describe, expect, it } from "vitest"
import { decideBlock, decideInteraction } from "../../../src/domain/rules.ts"
import { scopeTopicIds, type TopicModel } from "../../../src/domain/topicModel.ts"

const set = (...xs: Array<string>) => new Set(xs)

describe("rule 1: scope topics are the topics of the selected programs", () => {
  const model: TopicModel = {
    topics: ["a", "b", "c", "d"].map((id) => ({ id, name: id, participants: "all" as const, phrases: [id] })),
    programs: [
      { id: "p1", name: "P1", topics: ["a", "b"], queues: [] },
      { id: "p2", name: "P2", topics: ["b", "c"], queues: [] },
      { id: "p3", name: "P3", topics: [], queues: [] }
    ]
  }
  it("unions the topics of every selected program, and only those", () => {
    expect([...scopeTopicIds(model, ["p1", "p2"])].sort()).toEqual(["a", "b", "c"])
    expect([...scopeTopicIds(model, ["p2"])].sort()).toEqual(["b", "c"])
    expect(scopeTopicIds(model, ["p3"]).size).toBe(0)
    expect(scopeTopicIds(model, ["nope"]).size).toBe(0)
  })
})

describe("rule 3: per block, new detections replace the block's scope-topic hits", () => {
  const scope = set("a", "b", "c")
  it("replaces scope topics with the detected ones and keeps topics outside the scope", () => {
    const d = decideBlock(set("a", "x"), set("b"), scope)
    expect([...d.next].sort()).toEqual(["b", "x"])
    expect(d.added).toEqual(["b"])
    expect(d.removed).toEqual(["a"])
  })
  it("keeps everything a block had when nothing at all is detected in it", () => {
    const d = decideBlock(set("a", "x"), set(), scope)
    expect([...d.next].sort()).toEqual(["a", "x"])
    expect(d.added).toEqual([])
    expect(d.removed).toEqual([])
  })
  it("never touches topics outside the scope, even when detections replace the rest", () => {
    const d = decideBlock(set("x", "y", "a", "b"), set("c"), scope)
    expect([...d.next].sort()).toEqual(["c", "x", "y"])
    expect(d.removed).toEqual(["a", "b"])
  })
  it("reports no change when the detections equal the existing scope topics", () => {
    const d = decideBlock(set("a", "x"), set("a"), scope)
    expect(d.added).toEqual([])
    expect(d.removed).toEqual([])
  })
})

describe("rules 2-5 over a whole interaction", () => {
  const scope = set("a", "b")
  const block = (key: string, existing: Array<string>, detected: Array<string>) => ({
    key,
    existing: new Set(existing),
    detected: new Set(detected)
  })

  it("rule 2: every block of every transcript is decided (the entire interaction)", () => {
    const d = decideInteraction([block("t1/0", [], ["a"]), block("t2/5", ["b"], ["a"])], scope)
    expect(d.outcome).toBe("updated")
    expect(d.changes.map((c) => c.key)).toEqual(["t1/0", "t2/5"])
    expect(d.newTopics).toEqual(["a"])
  })

  it("rule 4: no topic detected in any block → failed, and it keeps its topics", () => {
    const d = decideInteraction([block("0", ["a", "x"], []), block("1", ["b"], [])], scope)
    expect(d.outcome).toBe("failed")
    expect(d.changes).toEqual([])
  })

  it("rule 4: an interaction without blocks is failed", () => {
    expect(decideInteraction([], scope).outcome).toBe("failed")
  })

  it("rule 5: selected programs without topics → unchanged, nothing touched", () => {
    const d = decideInteraction([block("0", ["a"], ["b"])], new Set())
    expect(d.outcome).toBe("unchanged")
    expect(d.changes).toEqual([])
  })

  it("detections that change nothing → unchanged", () => {
    const d = decideInteraction([block("0", ["a"], ["a"]), block("1", [], [])], scope)
    expect(d.outcome).toBe("unchanged")
    expect(d.newTopics).toEqual([])
  })

  it("a block without detections keeps its topics while another block changes (rule 3 within rule 2)", () => {
    const d = decideInteraction([block("0", ["a"], []), block("1", ["a"], ["b"])], scope)
    expect(d.outcome).toBe("updated")
    expect(d.changes).toHaveLength(1)
    expect(d.changes[0]!.key).toBe("1")
    expect([...d.changes[0]!.next]).toEqual(["b"])
  })

  it("newTopics lists only topics added somewhere, sorted and distinct; removals are not listed", () => {
    const d = decideInteraction([block("0", ["a"], ["b"]), block("1", [], ["b", "a"])], scope)
    expect(d.newTopics).toEqual(["a", "b"])
  })

  it("rule 6: deciding again from the same prior state gives the same result", () => {
    const blocks = [block("0", ["a", "x"], ["b"]), block("1", [], [])]
    expect(decideInteraction(blocks, scope)).toEqual(decideInteraction(blocks, scope))
  })
})
