import * as Schema from "effect/Schema"

/** Genesys phrase strictness values. See src/topics/strictness.ts for the gap mapping. */
export const Strictness = Schema.Literals(["1", "55", "65", "72", "85", "90"])
export type Strictness = typeof Strictness.Type

export const TopicParticipants = Schema.Literals(["external", "internal", "all"])
export type TopicParticipants = typeof TopicParticipants.Type

export const Phrase = Schema.Struct({
  text: Schema.NonEmptyString,
  strictness: Schema.optionalKey(Strictness)
})
export type Phrase = typeof Phrase.Type

const Id = Schema.NonEmptyString.pipe(Schema.check(Schema.isMaxLength(200)))

export const Topic = Schema.Struct({
  id: Id,
  name: Schema.NonEmptyString,
  participants: TopicParticipants,
  /** Default strictness of the topic's phrases that carry none. */
  strictness: Schema.optionalKey(Strictness),
  /** A phrase is a string or `{text, strictness}`. */
  phrases: Schema.Array(Schema.Union([Schema.NonEmptyString, Phrase]))
})
export type Topic = typeof Topic.Type

export const Program = Schema.Struct({
  id: Id,
  name: Schema.NonEmptyString,
  /** Ids of the topics linked to the program. */
  topics: Schema.Array(Schema.String),
  /** Queue ids whose interactions belong to the program (its mapping). */
  queues: Schema.Array(Schema.String)
})
export type Program = typeof Program.Type

const checkModel = (m: { programs: ReadonlyArray<Program>; topics: ReadonlyArray<Topic> }): true | string => {
  const topicIds = new Set<string>()
  for (const t of m.topics) {
    if (topicIds.has(t.id)) return `topics: duplicate topic id ${JSON.stringify(t.id)}`
    topicIds.add(t.id)
  }
  const programIds = new Set<string>()
  for (const p of m.programs) {
    if (programIds.has(p.id)) return `programs: duplicate program id ${JSON.stringify(p.id)}`
    programIds.add(p.id)
    for (const t of p.topics) {
      if (!topicIds.has(t)) return `programs[${JSON.stringify(p.id)}].topics: unknown topic id ${JSON.stringify(t)}`
    }
  }
  return true
}

/** The file an operator pushes: all programs and topics. */
export const TopicModel = Schema.Struct({
  programs: Schema.Array(Program),
  topics: Schema.Array(Topic)
}).pipe(Schema.check(Schema.makeFilter(checkModel)))
export type TopicModel = typeof TopicModel.Type

/** A stored revision of the model. */
export const TopicModelRevision = Schema.Struct({
  revision: Schema.Int,
  pushedAt: Schema.String,
  pushedBy: Schema.String,
  model: TopicModel
})
export type TopicModelRevision = typeof TopicModelRevision.Type

/** Normalized phrase (string phrases take the topic's default strictness). */
export const phrasesOf = (t: Topic): ReadonlyArray<Phrase> =>
  t.phrases.map((p) =>
    typeof p === "string"
      ? (t.strictness === undefined ? { text: p } : { text: p, strictness: t.strictness })
      : (p.strictness === undefined && t.strictness !== undefined ? { text: p.text, strictness: t.strictness } : p)
  )

export { programsByTopic, scopeTopicIds } from "./topicPrograms.ts"
