import { blockKeyString, type BlockKey } from "../../src/domain/interaction.ts"
import { type BlockInput, decideInteraction, type Outcome } from "../../src/domain/rules.ts"
import { inScope, type Scope } from "../../src/domain/scope.ts"
import { scopeTopicIds, type TopicModel } from "../../src/domain/topicModel.ts"
import { generateInteractions, initialTopics, type SeedOptions } from "../../src/seed/generate.ts"
import { refTopics } from "../unit/topics/reference.ts"

export interface ExpectedJob {
  readonly total: number
  readonly counts: Record<Outcome, number>
  /** Impacted interaction id → newly detected topics (sorted). */
  readonly impacted: ReadonlyMap<string, ReadonlyArray<string>>
  /** Every block's topics after the job, for in-scope interactions: "iid\0tid\0idx" → sorted topic ids. */
  readonly finalTopics: ReadonlyMap<string, ReadonlyArray<string>>
  /** Impacted interaction id → the topics it had before the job, and those of them it has no more (sorted). */
  readonly beforeAfter: ReadonlyMap<string, { readonly previous: ReadonlyArray<string>; readonly removed: ReadonlyArray<string> }>
  /** Blocks whose topics the job changes ("iid\0tid\0idx"). */
  readonly changedBlocks: ReadonlySet<string>
  /** Per topic: blocks that gain it and blocks that lose it. */
  readonly topicChanges: ReadonlyMap<string, { readonly gained: number; readonly lost: number }>
}

/** Every seeded block's topics as the seed writes them: "iid\0tid\0idx" → topic ids. */
export const seededTopics = (seed: SeedOptions): Map<string, ReadonlySet<string>> => {
  const out = new Map<string, Set<string>>()
  for (const i of generateInteractions(seed)) {
    for (const t of initialTopics(i, seed.seed)) {
      const k = blockKeyString(t)
      out.set(k, (out.get(k) ?? new Set()).add(t.topicId))
    }
  }
  return out
}

/**
 * What a job over freshly seeded data must produce, computed independently of the pipeline and
 * the store: the seed generator's own data, the reference matcher (brute force), the rules.
 * `existing`: the blocks' topics before the job when it is not the first (default: the seed's).
 */
export const expectedJob = (
  seed: SeedOptions,
  model: TopicModel,
  scope: Scope,
  existing: ReadonlyMap<string, ReadonlySet<string>> = seededTopics(seed)
): ExpectedJob => {
  const scopeTopics = scopeTopicIds(model, scope.programs)
  const counts: Record<Outcome, number> = { updated: 0, unchanged: 0, failed: 0 }
  const impacted = new Map<string, ReadonlyArray<string>>()
  const finalTopics = new Map<string, ReadonlyArray<string>>()
  const beforeAfter = new Map<string, { previous: ReadonlyArray<string>; removed: ReadonlyArray<string> }>()
  const topicChanges = new Map<string, { gained: number; lost: number }>()
  const changedBlocks = new Set<string>()
  const change = (t: string) => topicChanges.get(t) ?? topicChanges.set(t, { gained: 0, lost: 0 }).get(t)!
  let total = 0
  for (const i of generateInteractions(seed)) {
    if (!inScope(i, scope)) continue
    total++
    const blocks: Array<BlockInput<BlockKey>> = []
    for (const tr of i.transcripts) {
      tr.blocks.forEach((b, blockIndex) => {
        const key = { interactionId: i.id, transcriptId: tr.id, blockIndex }
        blocks.push({ key, existing: new Set(existing.get(blockKeyString(key)) ?? []), detected: refTopics(model, b, scopeTopics) })
      })
    }
    const d = decideInteraction(blocks, scopeTopics)
    counts[d.outcome]++
    if (d.outcome === "updated") impacted.set(i.id, d.newTopics)
    const changed = new Map(d.changes.map((c) => [blockKeyString(c.key), c.next]))
    for (const k of changed.keys()) changedBlocks.add(k)
    const previous = new Set<string>()
    const after = new Set<string>()
    for (const b of blocks) {
      const k = blockKeyString(b.key)
      const topics = [...(changed.get(k) ?? b.existing)].sort()
      if (topics.length > 0) finalTopics.set(k, topics)
      for (const t of b.existing) previous.add(t)
      for (const t of topics) after.add(t)
      for (const t of topics) if (!b.existing.has(t)) change(t).gained++
      for (const t of b.existing) if (!topics.includes(t)) change(t).lost++
    }
    if (d.outcome === "updated") {
      beforeAfter.set(i.id, { previous: [...previous].sort(), removed: [...previous].filter((t) => !after.has(t)).sort() })
    }
  }
  return { total, counts, impacted, finalTopics, beforeAfter, changedBlocks, topicChanges }
}

/** The blocks' topics after `job`, over `before`: its changed blocks take their final topics. */
export const topicsAfter = (before: ReadonlyMap<string, ReadonlySet<string>>, job: ExpectedJob): Map<string, ReadonlySet<string>> => {
  const out = new Map(before)
  for (const k of job.changedBlocks) out.set(k, new Set(job.finalTopics.get(k) ?? []))
  return out
}
