/**
 * STA configuration (topics, programs, mappings) from the simulator: the example topic model,
 * through Genesys' shapes, cursor paging and the ListedTopic and ListedProgram variants.
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { phrasesOf, type TopicModel } from "../../../src/domain/topicModel.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { raw, sim, withClient } from "./helpers.ts"

/** Comparable form: phrases normalized (a string phrase and `{text}` are the same). */
const normalized = (m: TopicModel) => ({
  programs: m.programs.map((p) => ({ ...p })),
  topics: m.topics.map((t) => ({
    id: t.id,
    name: t.name,
    participants: t.participants,
    strictness: t.strictness,
    phrases: phrasesOf(t)
  }))
})

describe("STA topics, programs and mappings", () => {
  it("import the example model (topics with phrases in the list)", async () => {
    const s = await sim()
    try {
      const { result, calls } = await withClient(s, (c) => c.staTopicModel())
      expect(normalized(result)).toEqual(normalized(exampleModel()))
      // All topics fit one page of 100; no per-topic reads.
      expect(calls.byEndpoint["sta.topics"]).toBe(1)
      expect(calls.byEndpoint["sta.topic"]).toBeUndefined()
    } finally {
      await s.stop()
    }
  })

  it("read each topic when the list carries only phrasesCount (Genesys' ListedTopic)", async () => {
    const s = await sim({ staListing: "listed" })
    try {
      const listed = await raw(s, "GET", "/api/v2/speechandtextanalytics/topics?pageSize=5")
      const body = listed.body as { entities: Array<Record<string, unknown>>; nextUri?: string }
      expect(body.entities.length).toBe(5)
      expect(body.entities[0]!["phrases"]).toBeUndefined()
      expect(body.entities[0]!["phrasesCount"]).toBeGreaterThan(0)
      expect(body.nextUri).toMatch(/^\/api\/v2\/speechandtextanalytics\/topics\?pageSize=5&nextPage=/)

      const { result, calls } = await withClient(s, (c) => c.staTopics())
      const model = exampleModel()
      expect(normalized({ programs: [], topics: [...result] })).toEqual(normalized({ programs: [], topics: model.topics }))
      expect(calls.byEndpoint["sta.topic"]).toBe(model.topics.length)
    } finally {
      await s.stop()
    }
  })

  it("read each program when the list carries only topicsCount (Genesys' ListedProgram)", async () => {
    const s = await sim({ staListing: "listed" })
    try {
      const listed = await raw(s, "GET", "/api/v2/speechandtextanalytics/programs?pageSize=50")
      const first = (listed.body as { entities: Array<Record<string, unknown>> }).entities[0]!
      expect(first["topics"]).toBeUndefined()
      expect(first["topicsCount"]).toBeGreaterThan(0)

      const { result, calls } = await withClient(s, (c) => c.staTopicModel())
      expect(normalized(result)).toEqual(normalized(exampleModel()))
      expect(calls.byEndpoint["sta.program"]).toBe(exampleModel().programs.filter((p) => p.topics.length > 0).length)
    } finally {
      await s.stop()
    }
  })

  it("follows nextUri through small pages", async () => {
    const s = await sim()
    try {
      // Genesys' cursor paging: the client follows nextUri until there is none.
      const first = await raw(s, "GET", "/api/v2/speechandtextanalytics/programs/mappings?pageSize=3")
      const page = first.body as { entities: Array<{ program: { id: string }; queues: Array<{ id: string }> }>; nextUri: string }
      expect(page.entities.length).toBe(3)
      const second = await raw(s, "GET", page.nextUri)
      expect((second.body as { entities: Array<unknown> }).entities.length).toBe(3)
      const { result } = await withClient(s, (c) => Effect.all([c.staPrograms(), c.staProgramMappings()]))
      const [programs, mappings] = result
      const model = exampleModel()
      expect(programs).toEqual(model.programs.map((p) => ({ id: p.id, name: p.name, topics: p.topics })))
      expect(mappings).toEqual(model.programs.map((p) => ({ programId: p.id, queues: p.queues, flows: [] })))
    } finally {
      await s.stop()
    }
  })
})
