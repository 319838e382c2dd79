import { type BlockKey, blockKeyString } from "../../domain/interaction.ts"
import { type BlockInput, decideInteraction, type Outcome } from "../../domain/rules.ts"
import type { Detector } from "../../topics/detector.ts"
import type { LoadedPage } from "./load.ts"
import type { Page } from "./source.ts"

export interface InteractionResult {
  readonly interactionId: string
  readonly outcome: Outcome
  readonly newTopics: ReadonlyArray<string>
}

export interface BlockChange {
  readonly key: BlockKey
  readonly added: ReadonlyArray<string>
  readonly removed: ReadonlyArray<string>
}

export interface DecidedPage extends Page {
  readonly results: ReadonlyArray<InteractionResult>
  readonly changes: ReadonlyArray<BlockChange>
  readonly counts: { readonly updated: number; readonly unchanged: number; readonly failed: number }
  /** Topic detections in the page (for the metric). */
  readonly detections: number
  /** Bytes of transcript text matched. */
  readonly textBytes: number
}

const empty: ReadonlySet<string> = new Set()

/**
 * Transform (pure): detect the scope topics in every block of every interaction of the page
 * and apply the reprocessing rules (src/domain/rules.ts) per interaction.
 */
export const decidePage = (detector: Detector, scope: ReadonlySet<string>) => (page: LoadedPage): DecidedPage => {
  const before = new Map<string, Set<string>>()
  for (const t of page.before) {
    const k = blockKeyString(t)
    let s = before.get(k)
    if (s === undefined) before.set(k, (s = new Set()))
    s.add(t.topicId)
  }
  const byInteraction = new Map<string, Array<BlockInput<BlockKey>>>()
  let detections = 0
  let textBytes = 0
  for (const b of page.blocks) {
    const key: BlockKey = { interactionId: b.interactionId, transcriptId: b.transcriptId, blockIndex: b.blockIndex }
    const detected = scope.size === 0 ? empty : detector.detectTopics(b)
    detections += detected.size
    textBytes += b.text.length
    let list = byInteraction.get(b.interactionId)
    if (list === undefined) byInteraction.set(b.interactionId, (list = []))
    list.push({ key, existing: before.get(blockKeyString(key)) ?? empty, detected })
  }
  const results: Array<InteractionResult> = []
  const changes: Array<BlockChange> = []
  const counts = { updated: 0, unchanged: 0, failed: 0 }
  for (const i of page.interactions) {
    const d = decideInteraction(byInteraction.get(i.id) ?? [], scope)
    counts[d.outcome]++
    results.push({ interactionId: i.id, outcome: d.outcome, newTopics: d.newTopics })
    for (const c of d.changes) changes.push({ key: c.key, added: c.added, removed: c.removed })
  }
  return { interactions: page.interactions, last: page.last, results, changes, counts, detections, textBytes }
}
