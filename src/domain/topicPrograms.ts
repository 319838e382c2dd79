/**
 * Pure rules over a topic model's programs. Kept apart from topicModel.ts (its schemas import
 * `effect`) so that the detector pool's worker threads, which need only these, do not load the
 * library: a worker importing it held ≈ 20 MB more heap.
 */
import type { TopicModel } from "./topicModel.ts"

/** Rule 1: the scope topics of a job are the topics linked to its selected programs. */
export const scopeTopicIds = (model: TopicModel, programIds: ReadonlyArray<string>): ReadonlySet<string> => {
  const selected = new Set(programIds)
  const out = new Set<string>()
  for (const p of model.programs) if (selected.has(p.id)) for (const t of p.topics) out.add(t)
  return out
}

/** The programs that include a topic (for hit output). */
export const programsByTopic = (model: TopicModel): ReadonlyMap<string, ReadonlyArray<string>> => {
  const out = new Map<string, Array<string>>()
  for (const p of model.programs) {
    for (const t of p.topics) {
      const list = out.get(t) ?? []
      list.push(p.id)
      out.set(t, list)
    }
  }
  return out
}
