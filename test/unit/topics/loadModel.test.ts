import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { loadTopicModelFile, parseTopicModelFile, TopicModelFileError } from "../../../src/topics/loadModel.ts"

const yaml = `
programs:
  - id: retention
    name: Retention
    topics: [cancel]
    queues: [q-1, q-2]
topics:
  - id: cancel
    name: Cancellation
    participants: external
    strictness: "85"
    phrases:
      - cancel my account
      - text: close the account
        strictness: "72"
`

const json = JSON.stringify({
  programs: [{ id: "retention", name: "Retention", topics: ["cancel"], queues: ["q-1"] }],
  topics: [{ id: "cancel", name: "Cancellation", participants: "all", phrases: ["cancel"] }]
})

const failure = (text: string, fileName: string) => Effect.flip(parseTopicModelFile(text, fileName))

describe("parseTopicModelFile", () => {
  it.effect("decodes valid YAML", () =>
    Effect.gen(function* () {
      const model = yield* parseTopicModelFile(yaml, "model.yaml")
      expect(model.programs[0]?.queues).toEqual(["q-1", "q-2"])
      expect(model.topics[0]).toEqual({
        id: "cancel",
        name: "Cancellation",
        participants: "external",
        strictness: "85",
        phrases: ["cancel my account", { text: "close the account", strictness: "72" }]
      })
      expect(yield* parseTopicModelFile(yaml, "MODEL.YML")).toEqual(model)
    }))

  it.effect("decodes valid JSON", () =>
    Effect.gen(function* () {
      const model = yield* parseTopicModelFile(json, "model.json")
      expect(model.topics.map((t) => t.id)).toEqual(["cancel"])
    }))

  it.effect("names the field of a bad value", () =>
    Effect.gen(function* () {
      const bad = yaml.replace("participants: external", "participants: customers")
      const e = yield* failure(bad, "model.yaml")
      expect(e).toBeInstanceOf(TopicModelFileError)
      expect(e._tag).toBe("TopicModelFileError")
      expect(e.message).toContain("model.yaml")
      expect(e.message).toContain("topics[0].participants")

      const badStrictness = yield* failure(yaml.replace('strictness: "72"', 'strictness: "70"'), "m.yaml")
      expect(badStrictness.message).toContain("topics[0].phrases[1].strictness")
    }))

  it.effect("names an unknown topic id of a program", () =>
    Effect.gen(function* () {
      const e = yield* failure(yaml.replace("topics: [cancel]", "topics: [cancel, nope]"), "model.yaml")
      expect(e.message).toContain('programs["retention"].topics: unknown topic id "nope"')
    }))

  it.effect("reports every problem, not just the first", () =>
    Effect.gen(function* () {
      const e = yield* failure(
        JSON.stringify({ programs: [{ id: "", name: "P", topics: [], queues: [] }], topics: [{ id: "t", name: "T" }] }),
        "model.json"
      )
      expect(e.message).toContain("programs[0].id")
      expect(e.message).toContain("topics[0].participants")
      expect(e.message).toContain("topics[0].phrases")
    }))

  it.effect("refuses unknown keys", () =>
    Effect.gen(function* () {
      const e = yield* failure(yaml.replace("    participants: external", "    participants: external\n    colour: red"), "m.yaml")
      expect(e.message).toContain("topics[0].colour")
      const top = yield* failure(JSON.stringify({ ...JSON.parse(json), version: 2 }), "m.json")
      expect(top.message).toContain("version")
    }))

  it.effect("reports syntax errors and unsupported extensions", () =>
    Effect.gen(function* () {
      expect((yield* failure("{ nope", "m.json")).message).toContain("invalid JSON")
      expect((yield* failure("a: [1, 2\nb: :", "m.yaml")).message).toContain("invalid YAML")
      expect((yield* failure(json, "m.toml")).message).toContain("unsupported file type")
    }))
})

describe("loadTopicModelFile", () => {
  it.effect("reads a file from disk", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.acquireRelease(
        Effect.promise(() => mkdtemp(join(tmpdir(), "rewind-topics-"))),
        (d) => Effect.promise(() => rm(d, { recursive: true, force: true }))
      )
      const path = join(dir, "model.yaml")
      yield* Effect.promise(() => writeFile(path, yaml))
      const model = yield* loadTopicModelFile(path)
      expect(model.topics[0]?.id).toBe("cancel")
      const missing = yield* Effect.flip(loadTopicModelFile(join(dir, "missing.yaml")))
      expect(missing.message).toContain("cannot read")
    }))
})
