import * as Effect from "effect/Effect"
import { blockKeyString } from "../../domain/interaction.ts"
import { DefaultPreviewSample, type JobPreviewRequest } from "../../domain/job.ts"
import { excerpt, extrapolate, type PreviewAnswer } from "../../domain/preview.ts"
import { scopeTopicIds } from "../../domain/topicModel.ts"
import { decidePage } from "../../pipelines/reprocess/decide.ts"
import { loadPage } from "../../pipelines/reprocess/load.ts"
import { InteractionStore } from "../../store/InteractionStore.ts"
import { compileDetector } from "../../topics/detector.ts"
import { checkPrograms, currentModel } from "./estimate.ts"

/** Examples of changed blocks in a preview. */
const ExampleCount = 5

/**
 * Impact preview: runs detection and the reprocessing rules under the current model over a
 * deterministic sample of the scope (the same interactions every time), writing nothing, and
 * answers the outcomes it predicts for the whole scope, per topic how many blocks would gain or
 * lose it, and a few blocks' topics before → after. The rules see the topics as they stand now
 * (what a job started now would compare against).
 */
export const preview = Effect.fn("Jobs.preview")(function*(request: JobPreviewRequest) {
  const model = yield* currentModel
  yield* checkPrograms(model, request.programs)
  const store = yield* InteractionStore
  const scopeTopics = scopeTopicIds(model.model, request.programs)
  const [total, sample] = yield* Effect.all([
    store.countInScope(request),
    store.sampleInScope(request, request.sampleSize ?? DefaultPreviewSample)
  ], { concurrency: 2 })
  const last = sample.at(-1)
  const empty = { updated: 0, unchanged: 0, failed: 0 }
  if (last === undefined) {
    return {
      interactionCount: total,
      sampleSize: 0,
      modelRevision: model.revision,
      scopeTopicCount: scopeTopics.size,
      predicted: empty,
      sample: empty,
      topics: [],
      examples: []
    } satisfies PreviewAnswer
  }
  // Topics as they stand now: every version counts as "before".
  const loaded = yield* loadPage(Number.MAX_SAFE_INTEGER)({ interactions: sample, last: { startTime: last.startTime, id: last.id } })
  const decided = decidePage(compileDetector(model.model, scopeTopics), scopeTopics)(loaded)

  const names = new Map(model.model.topics.map((t) => [t.id, t.name]))
  const perTopic = new Map<string, { gained: number; lost: number }>()
  for (const c of decided.changes) {
    for (const t of c.added) (perTopic.get(t) ?? perTopic.set(t, { gained: 0, lost: 0 }).get(t)!).gained++
    for (const t of c.removed) (perTopic.get(t) ?? perTopic.set(t, { gained: 0, lost: 0 }).get(t)!).lost++
  }
  const blocks = new Map(loaded.blocks.map((b) => [blockKeyString(b), b]))
  const before = new Map<string, Array<string>>()
  for (const t of loaded.before) {
    const k = blockKeyString(t)
    before.set(k, [...(before.get(k) ?? []), t.topicId])
  }
  const examples = decided.changes.slice(0, ExampleCount).map((c) => {
    const k = blockKeyString(c.key)
    const was = before.get(k) ?? []
    const removed = new Set(c.removed)
    return {
      interactionId: c.key.interactionId,
      transcriptId: c.key.transcriptId,
      blockIndex: c.key.blockIndex,
      participant: blocks.get(k)?.participant ?? "",
      text: excerpt(blocks.get(k)?.text ?? ""),
      before: [...was].sort(),
      after: [...new Set([...was.filter((t) => !removed.has(t)), ...c.added])].sort()
    }
  })
  return {
    interactionCount: total,
    sampleSize: sample.length,
    modelRevision: model.revision,
    scopeTopicCount: scopeTopics.size,
    predicted: extrapolate(decided.counts, total),
    sample: decided.counts,
    topics: [...perTopic].map(([topicId, n]) => ({ topicId, name: names.get(topicId) ?? topicId, ...n }))
      .sort((a, b) => b.gained + b.lost - (a.gained + a.lost) || (a.topicId < b.topicId ? -1 : 1)),
    examples
  } satisfies PreviewAnswer
})
