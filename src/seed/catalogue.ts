/**
 * The synthetic data's catalogue, from the example topic model (config/topics.example.yaml):
 * its queues (those of the program mappings, plus one unmapped queue), the programs mapping each
 * queue, and per language and participant the phrases each topic listens for (English from the
 * model, other languages from src/seed/phrases.ts).
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import * as Schema from "effect/Schema"
import * as Yaml from "yaml"
import type { Participant } from "../domain/interaction.ts"
import { phrasesOf, type Topic, TopicModel } from "../domain/topicModel.ts"
import { foreignPhrases, type Language } from "./phrases.ts"

/** Absolute path of config/topics.example.yaml. */
export const exampleModelPath: string = fileURLToPath(new URL("../../config/topics.example.yaml", import.meta.url))

let cachedModel: TopicModel | undefined

/** The example topic model, decoded and validated (read once). */
export const exampleModel = (): TopicModel => {
  if (cachedModel === undefined) {
    const input: unknown = Yaml.parse(readFileSync(exampleModelPath, "utf8"))
    cachedModel = Schema.decodeUnknownSync(TopicModel)(input, { onExcessProperty: "error" })
  }
  return cachedModel
}

/** The queue no program maps: its interactions belong to no program. */
export const UnmappedQueue = "q-overflow"

export const Divisions: ReadonlyArray<string> = ["div-north", "div-south", "div-east", "div-west"]

export const Agents: ReadonlyArray<string> = Array.from({ length: 48 }, (_, i) => `ag-${String(i + 1).padStart(3, "0")}`)

export interface Catalogue {
  readonly queues: ReadonlyArray<readonly [string, number]>
  readonly programsByQueue: ReadonlyMap<string, ReadonlyArray<string>>
  readonly topicsByProgram: ReadonlyMap<string, ReadonlyArray<string>>
  /** language → participant → topic id → phrases usable there. */
  readonly phrases: ReadonlyMap<Language, Readonly<Record<Participant, ReadonlyMap<string, ReadonlyArray<string>>>>>
  readonly topicIds: ReadonlyArray<string>
}

let cachedCatalogue: Catalogue | undefined

const listens = (t: Topic, p: Participant): boolean => t.participants === "all" || t.participants === p

export const catalogue = (): Catalogue => {
  if (cachedCatalogue !== undefined) return cachedCatalogue
  const model = exampleModel()
  const programsByQueue = new Map<string, Array<string>>()
  for (const p of model.programs) {
    for (const q of p.queues) {
      const list = programsByQueue.get(q) ?? []
      if (!list.includes(p.id)) list.push(p.id)
      programsByQueue.set(q, list)
    }
  }
  const queueNames = [...programsByQueue.keys()].sort()
  // Busier queues first in the weights: general and billing see the most traffic.
  const weightOf = (q: string): number =>
    q === "q-general" ? 6 : q === "q-billing" ? 5 : q === "q-tech-support" ? 5 : q === "q-retention" ? 3 : 2
  const queues: Array<readonly [string, number]> = [...queueNames.map((q) => [q, weightOf(q)] as const), [UnmappedQueue, 1]]

  const foreignTexts = new Set<string>()
  for (const byTopic of Object.values(foreignPhrases)) {
    for (const list of Object.values(byTopic)) for (const p of list) foreignTexts.add(p)
  }
  const phrases = new Map<Language, Record<Participant, Map<string, Array<string>>>>()
  const add = (lang: Language, t: Topic, text: string) => {
    let byParticipant = phrases.get(lang)
    if (byParticipant === undefined) {
      byParticipant = { external: new Map(), internal: new Map() }
      phrases.set(lang, byParticipant)
    }
    for (const p of ["external", "internal"] as const) {
      if (!listens(t, p)) continue
      const list = byParticipant[p].get(t.id) ?? []
      list.push(text)
      byParticipant[p].set(t.id, list)
    }
  }
  for (const t of model.topics) {
    for (const ph of phrasesOf(t)) if (!foreignTexts.has(ph.text)) add("en-us", t, ph.text)
    for (const [lang, byTopic] of Object.entries(foreignPhrases) as Array<[Language, Record<string, ReadonlyArray<string>>]>) {
      for (const text of byTopic[t.id] ?? []) add(lang, t, text)
    }
  }
  cachedCatalogue = {
    queues,
    programsByQueue,
    topicsByProgram: new Map(model.programs.map((p) => [p.id, p.topics])),
    phrases,
    topicIds: model.topics.map((t) => t.id)
  }
  return cachedCatalogue
}
