/** STA configuration (Genesys' Topic, Program, ProgramMappings) → a Rewind topic model. Pure functions. */
import type { Program, Strictness, Topic, TopicModel, TopicParticipants } from "../domain/topicModel.ts"
import type { StaProgram, StaProgramMappings, StaTopic } from "./genesys.ts"

const topicParticipants: Readonly<Record<StaTopic["participants"], TopicParticipants>> = {
  External: "external",
  Internal: "internal",
  All: "all"
}

/** A Genesys topic (with its phrases) as a Rewind topic. */
export const toTopic = (t: StaTopic): Topic => ({
  id: t.id,
  name: t.name,
  participants: topicParticipants[t.participants],
  ...(t.strictness === undefined ? {} : { strictness: t.strictness as Strictness }),
  phrases: (t.phrases ?? []).map((p) => (p.strictness === undefined ? p.text : { text: p.text, strictness: p.strictness as Strictness }))
})

/** A program without its mapping. */
export interface PlatformProgram {
  readonly id: string
  readonly name: string
  readonly topics: ReadonlyArray<string>
}

export const toProgram = (p: StaProgram): PlatformProgram => ({
  id: p.id,
  name: p.name,
  topics: (p.topics ?? []).map((t) => t.id)
})

export interface PlatformProgramMapping {
  readonly programId: string
  readonly queues: ReadonlyArray<string>
  readonly flows: ReadonlyArray<string>
}

export const toProgramMapping = (m: StaProgramMappings): PlatformProgramMapping => ({
  programId: m.program.id,
  queues: (m.queues ?? []).map((q) => q.id),
  flows: (m.flows ?? []).map((f) => f.id)
})

/** Programs + their mappings + topics → a topic model (programs without a mapping map no queue). */
export const toTopicModel = (
  topics: ReadonlyArray<Topic>,
  programs: ReadonlyArray<PlatformProgram>,
  mappings: ReadonlyArray<PlatformProgramMapping>
): TopicModel => {
  const queuesOf = new Map<string, Array<string>>()
  for (const m of mappings) {
    const list = queuesOf.get(m.programId) ?? []
    for (const q of m.queues) if (!list.includes(q)) list.push(q)
    queuesOf.set(m.programId, list)
  }
  const out: Array<Program> = programs.map((p) => ({ id: p.id, name: p.name, topics: [...p.topics], queues: queuesOf.get(p.id) ?? [] }))
  return { programs: out, topics: [...topics] }
}
