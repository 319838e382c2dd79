import * as Schema from "effect/Schema"
import { phrasesOf, type Phrase, type Topic, type TopicModel } from "./topicModel.ts"

const Named = Schema.Struct({ id: Schema.String, name: Schema.String })

/** What changed between two revisions of the topic model, and which programs it touches. */
export const ModelDiff = Schema.Struct({
  topicsAdded: Schema.Array(Named),
  topicsRemoved: Schema.Array(Named),
  topicsChanged: Schema.Array(Schema.Struct({
    id: Schema.String,
    name: Schema.String,
    /** Phrases as `text` or `text (strictness)`. */
    phrasesAdded: Schema.Array(Schema.String),
    phrasesRemoved: Schema.Array(Schema.String),
    renamed: Schema.optionalKey(Schema.Struct({ from: Schema.String, to: Schema.String })),
    participants: Schema.optionalKey(Schema.Struct({ from: Schema.String, to: Schema.String }))
  })),
  programsAdded: Schema.Array(Named),
  programsRemoved: Schema.Array(Named),
  programsChanged: Schema.Array(Schema.Struct({
    id: Schema.String,
    name: Schema.String,
    topicsLinked: Schema.Array(Schema.String),
    topicsUnlinked: Schema.Array(Schema.String),
    queuesAdded: Schema.Array(Schema.String),
    queuesRemoved: Schema.Array(Schema.String)
  })),
  /**
   * Programs of the new revision whose detection would now differ: new programs with topics,
   * programs that link or unlink a topic, and programs linking a topic that was added, removed
   * or whose phrases or participants changed. What a reprocessing job should cover.
   */
  programsAffected: Schema.Array(Schema.String)
})
export type ModelDiff = typeof ModelDiff.Type

const phraseText = (p: Phrase): string => (p.strictness === undefined ? p.text : `${p.text} (${p.strictness})`)
const phraseSet = (t: Topic): ReadonlySet<string> => new Set(phrasesOf(t).map(phraseText))
const minus = <A>(a: Iterable<A>, b: ReadonlySet<A>): Array<A> => [...a].filter((x) => !b.has(x))
const byId = <A extends { readonly id: string }>(xs: ReadonlyArray<A>): ReadonlyMap<string, A> => new Map(xs.map((x) => [x.id, x]))
const sorted = (xs: Iterable<string>): Array<string> => [...xs].sort()

/** The difference from `from` (none: an empty model) to `to`. Pure; every list sorted by id. */
export const diffModels = (from: TopicModel | undefined, to: TopicModel): ModelDiff => {
  const before = from ?? { programs: [], topics: [] }
  const oldTopics = byId(before.topics)
  const newTopics = byId(to.topics)
  const oldPrograms = byId(before.programs)

  const topicsChanged: Array<ModelDiff["topicsChanged"][number]> = []
  for (const t of to.topics) {
    const old = oldTopics.get(t.id)
    if (old === undefined) continue
    const [was, now] = [phraseSet(old), phraseSet(t)]
    const change = {
      id: t.id,
      name: t.name,
      phrasesAdded: sorted(minus(now, was)),
      phrasesRemoved: sorted(minus(was, now)),
      ...(old.name === t.name ? {} : { renamed: { from: old.name, to: t.name } }),
      ...(old.participants === t.participants ? {} : { participants: { from: old.participants, to: t.participants } })
    }
    if (change.phrasesAdded.length + change.phrasesRemoved.length > 0 || "renamed" in change || "participants" in change) {
      topicsChanged.push(change)
    }
  }
  // Topics whose detection differs (a rename alone changes no detection).
  const detectionChanged = new Set([
    ...minus(newTopics.keys(), new Set(oldTopics.keys())),
    ...minus(oldTopics.keys(), new Set(newTopics.keys())),
    ...topicsChanged.filter((c) => c.phrasesAdded.length + c.phrasesRemoved.length > 0 || c.participants !== undefined).map((c) => c.id)
  ])

  const programsChanged: Array<ModelDiff["programsChanged"][number]> = []
  const affected = new Set<string>()
  for (const p of to.programs) {
    const old = oldPrograms.get(p.id)
    if (old === undefined) {
      if (p.topics.length > 0) affected.add(p.id)
      continue
    }
    const change = {
      id: p.id,
      name: p.name,
      topicsLinked: sorted(minus(p.topics, new Set(old.topics))),
      topicsUnlinked: sorted(minus(old.topics, new Set(p.topics))),
      queuesAdded: sorted(minus(p.queues, new Set(old.queues))),
      queuesRemoved: sorted(minus(old.queues, new Set(p.queues)))
    }
    if (change.topicsLinked.length + change.topicsUnlinked.length + change.queuesAdded.length + change.queuesRemoved.length > 0) {
      programsChanged.push(change)
    }
    if (change.topicsLinked.length + change.topicsUnlinked.length > 0 || p.topics.some((t) => detectionChanged.has(t))) affected.add(p.id)
  }

  const named = (m: ReadonlyMap<string, { readonly id: string; readonly name: string }>, ids: Iterable<string>) =>
    sorted(ids).map((id) => ({ id, name: m.get(id)!.name }))
  const newPrograms = byId(to.programs)
  return {
    topicsAdded: named(newTopics, minus(newTopics.keys(), new Set(oldTopics.keys()))),
    topicsRemoved: named(oldTopics, minus(oldTopics.keys(), new Set(newTopics.keys()))),
    topicsChanged: topicsChanged.sort((a, b) => (a.id < b.id ? -1 : 1)),
    programsAdded: named(newPrograms, minus(newPrograms.keys(), new Set(oldPrograms.keys()))),
    programsRemoved: named(oldPrograms, minus(oldPrograms.keys(), new Set(newPrograms.keys()))),
    programsChanged: programsChanged.sort((a, b) => (a.id < b.id ? -1 : 1)),
    programsAffected: sorted(affected)
  }
}

/** True when nothing changed. */
export const isEmptyDiff = (d: ModelDiff): boolean =>
  d.topicsAdded.length + d.topicsRemoved.length + d.topicsChanged.length +
      d.programsAdded.length + d.programsRemoved.length + d.programsChanged.length === 0
