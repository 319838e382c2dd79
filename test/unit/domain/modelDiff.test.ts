import { describe, expect, it } from "vitest"
import { diffModels, isEmptyDiff } from "../../../src/domain/modelDiff.ts"
import type { TopicModel } from "../../../src/domain/topicModel.ts"

const base: TopicModel = {
  programs: [
    { id: "p-billing", name: "Billing", topics: ["t-refund", "t-dispute"], queues: ["q-billing"] },
    { id: "p-sales", name: "Sales", topics: ["t-upsell"], queues: ["q-sales"] },
    { id: "p-retention", name: "Retention", topics: ["t-cancel"], queues: ["q-ret"] }
  ],
  topics: [
    { id: "t-refund", name: "Refund", participants: "external", phrases: ["i want a refund", { text: "money back", strictness: "90" }] },
    { id: "t-dispute", name: "Dispute", participants: "external", phrases: ["wrong charge"] },
    { id: "t-upsell", name: "Upsell", participants: "internal", phrases: ["premium plan"] },
    { id: "t-cancel", name: "Cancel", participants: "all", phrases: ["cancel my account"] }
  ]
}

describe("diffModels", () => {
  it("finds nothing between a model and itself", () => {
    const d = diffModels(base, base)
    expect(isEmptyDiff(d)).toBe(true)
    expect(d.programsAffected).toEqual([])
  })

  it("lists topics added, removed and changed, programs changed, and the programs whose detection differs", () => {
    const next: TopicModel = {
      programs: [
        { id: "p-billing", name: "Billing", topics: ["t-refund", "t-late-fee"], queues: ["q-billing", "q-billing-2"] },
        { id: "p-sales", name: "Sales", topics: ["t-upsell"], queues: ["q-sales"] },
        { id: "p-retention", name: "Retention", topics: ["t-cancel"], queues: ["q-ret", "q-winback"] },
        { id: "p-new", name: "New", topics: ["t-upsell"], queues: [] }
      ],
      topics: [
        { id: "t-refund", name: "Refunds", participants: "external", phrases: ["i want a refund", { text: "money back", strictness: "72" }, "reimburse me"] },
        { id: "t-late-fee", name: "Late fee", participants: "external", phrases: ["late fee"] },
        { id: "t-upsell", name: "Upsell", participants: "all", phrases: ["premium plan"] },
        { id: "t-cancel", name: "Cancel", participants: "all", phrases: ["cancel my account"] }
      ]
    }
    const d = diffModels(base, next)
    expect(d.topicsAdded).toEqual([{ id: "t-late-fee", name: "Late fee" }])
    expect(d.topicsRemoved).toEqual([{ id: "t-dispute", name: "Dispute" }])
    expect(d.topicsChanged).toEqual([
      {
        id: "t-refund",
        name: "Refunds",
        phrasesAdded: ["money back (72)", "reimburse me"],
        phrasesRemoved: ["money back (90)"],
        renamed: { from: "Refund", to: "Refunds" }
      },
      { id: "t-upsell", name: "Upsell", phrasesAdded: [], phrasesRemoved: [], participants: { from: "internal", to: "all" } }
    ])
    expect(d.programsAdded).toEqual([{ id: "p-new", name: "New" }])
    expect(d.programsChanged).toEqual([
      { id: "p-billing", name: "Billing", topicsLinked: ["t-late-fee"], topicsUnlinked: ["t-dispute"], queuesAdded: ["q-billing-2"], queuesRemoved: [] },
      { id: "p-retention", name: "Retention", topicsLinked: [], topicsUnlinked: [], queuesAdded: ["q-winback"], queuesRemoved: [] }
    ])
    // Retention only gained a queue: its detection is the same. Sales' topic listens to others now.
    expect(d.programsAffected).toEqual(["p-billing", "p-new", "p-sales"])
  })

  it("a rename alone affects no program; a first revision affects every program with topics", () => {
    const renamed: TopicModel = { ...base, topics: base.topics.map((t) => (t.id === "t-cancel" ? { ...t, name: "Churn" } : t)) }
    const d = diffModels(base, renamed)
    expect(d.topicsChanged.map((c) => c.id)).toEqual(["t-cancel"])
    expect(d.programsAffected).toEqual([])
    expect(diffModels(undefined, base).programsAffected).toEqual(["p-billing", "p-retention", "p-sales"])
  })
})
