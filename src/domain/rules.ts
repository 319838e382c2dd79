/**
 * The six reprocessing rules of the SPEC as pure functions.
 *
 * 1. Only scope topics (linked to the selected programs) are evaluated — the detector is
 *    compiled for them alone (see topicModel.scopeTopicIds).
 * 2. Scope membership of an interaction — see scope.ts; the entire interaction is processed.
 * 3. Per block, new detections replace the block's existing scope-topic hits; a block with no
 *    detection keeps what it had; topics outside the scope are never touched.
 * 4. An interaction with no detection in any block is `failed` (it keeps its topics).
 * 5. No scope topics at all → the interaction is `unchanged` and nothing is touched.
 * 6. Idempotence — the functions are pure, and the pipeline compares against the topics as
 *    they were before the job (see the store), so a replay decides the same.
 */

export type Outcome = "updated" | "unchanged" | "failed"

export interface BlockDecision {
  /** The block's topics after the job. */
  readonly next: ReadonlySet<string>
  readonly added: ReadonlyArray<string>
  readonly removed: ReadonlyArray<string>
}

const sorted = (s: Iterable<string>): Array<string> => [...s].sort()

/** Rule 3 for one block. */
export const decideBlock = (
  existing: ReadonlySet<string>,
  detected: ReadonlySet<string>,
  scope: ReadonlySet<string>
): BlockDecision => {
  if (detected.size === 0) return { next: existing, added: [], removed: [] }
  const next = new Set<string>()
  for (const t of existing) if (!scope.has(t)) next.add(t)
  for (const t of detected) next.add(t)
  const added = sorted([...next].filter((t) => !existing.has(t)))
  const removed = sorted([...existing].filter((t) => !next.has(t)))
  return { next, added, removed }
}

export interface BlockInput<K> {
  readonly key: K
  readonly existing: ReadonlySet<string>
  readonly detected: ReadonlySet<string>
}

export interface InteractionDecision<K> {
  readonly outcome: Outcome
  /** Blocks whose topics change, with what changes. Empty unless `updated`. */
  readonly changes: ReadonlyArray<{ readonly key: K } & BlockDecision>
  /** Topics newly detected in the interaction (added somewhere), sorted. */
  readonly newTopics: ReadonlyArray<string>
}

/** Rules 3–5 for one whole interaction (every block of every transcript). */
export const decideInteraction = <K>(
  blocks: ReadonlyArray<BlockInput<K>>,
  scope: ReadonlySet<string>
): InteractionDecision<K> => {
  if (scope.size === 0) return { outcome: "unchanged", changes: [], newTopics: [] }
  if (!blocks.some((b) => b.detected.size > 0)) return { outcome: "failed", changes: [], newTopics: [] }
  const changes: Array<{ readonly key: K } & BlockDecision> = []
  const newTopics = new Set<string>()
  for (const b of blocks) {
    const d = decideBlock(b.existing, b.detected, scope)
    if (d.added.length > 0 || d.removed.length > 0) {
      changes.push({ key: b.key, ...d })
      for (const t of d.added) newTopics.add(t)
    }
  }
  return { outcome: changes.length > 0 ? "updated" : "unchanged", changes, newTopics: sorted(newTopics) }
}
