import { type BlockKey, blockKeyString } from "./interaction.ts"
import type { Outcome } from "./rules.ts"

/** One topic a job added to (or removed from) one block. */
export interface TopicChangeRow extends BlockKey {
  readonly topicId: string
  readonly removed: boolean
}

export interface RevertPage {
  /** What to write per block: the job's additions taken away, its removals put back. */
  readonly changes: ReadonlyArray<{ readonly key: BlockKey; readonly added: ReadonlyArray<string>; readonly removed: ReadonlyArray<string> }>
  /** Per interaction: updated (some block restored, `newTopics` = topics put back) or unchanged (every block in conflict). */
  readonly results: ReadonlyArray<{ readonly interactionId: string; readonly outcome: Outcome; readonly newTopics: ReadonlyArray<string> }>
  readonly blocksReverted: number
  readonly blocksInConflict: number
}

/**
 * Reverting a job's changes on a page of interactions (pure): every block the job changed gets
 * the topics it had before the job — what the job added is removed, what it removed is added
 * back — unless a later write changed the block since (`changedSince`): such a block is left as
 * it is and counted as a conflict.
 */
export const planRevert = (rows: ReadonlyArray<TopicChangeRow>, changedSince: ReadonlySet<string>): RevertPage => {
  const blocks = new Map<string, { key: BlockKey; added: Array<string>; removed: Array<string> }>()
  for (const r of rows) {
    const k = blockKeyString(r)
    const block = blocks.get(k) ?? blocks.set(k, { key: { interactionId: r.interactionId, transcriptId: r.transcriptId, blockIndex: r.blockIndex }, added: [], removed: [] }).get(k)!
    // The revert's write undoes the job's: its removal comes back, its addition goes.
    if (r.removed) block.added.push(r.topicId)
    else block.removed.push(r.topicId)
  }
  const changes: Array<RevertPage["changes"][number]> = []
  const perInteraction = new Map<string, { reverted: boolean; restored: Set<string> }>()
  let blocksInConflict = 0
  for (const [k, b] of blocks) {
    const state = perInteraction.get(b.key.interactionId) ?? perInteraction.set(b.key.interactionId, { reverted: false, restored: new Set() }).get(b.key.interactionId)!
    if (changedSince.has(k)) {
      blocksInConflict++
      continue
    }
    changes.push({ key: b.key, added: b.added.sort(), removed: b.removed.sort() })
    state.reverted = true
    for (const t of b.added) state.restored.add(t)
  }
  const results = [...perInteraction].map(([interactionId, s]) => ({
    interactionId,
    outcome: (s.reverted ? "updated" : "unchanged") as Outcome,
    newTopics: [...s.restored].sort()
  }))
  return { changes, results, blocksReverted: changes.length, blocksInConflict }
}
