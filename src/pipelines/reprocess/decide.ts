import type { BlockKey } from "../../domain/interaction.ts"
import { type BlockInput, decideInteraction, type Outcome } from "../../domain/rules.ts"
import type { BlockTopicRow } from "../../store/InteractionStore.ts"
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
 * The topics detected in each block of a page: `at(k)` for `page.blocks[k]` (an array, or the
 * detector pool's answer: src/topics/batchTopics.ts).
 */
export interface PageDetections {
  at(k: number): ReadonlySet<string> | undefined
}

/** Detect the scope topics in every block of the page on this thread (none when the scope is empty). */
export const detectPage = (detector: Detector, scope: ReadonlySet<string>, page: LoadedPage): PageDetections =>
  scope.size === 0 ? page.blocks.map(() => empty) : page.blocks.map((b) => detector.detectTopics(b))

/**
 * Decide (pure): apply the reprocessing rules (src/domain/rules.ts) per interaction, given the
 * topics detected in each block (`detected[k]` for `page.blocks[k]`).
 */
export const decideDetected = (scope: ReadonlySet<string>, page: LoadedPage, detected: PageDetections): DecidedPage => {
  // Prior topics grouped by interaction (a handful each), matched to blocks by a short scan:
  // cheaper than a map keyed by a string built per block.
  const beforeByInteraction = new Map<string, Array<BlockTopicRow>>()
  for (const t of page.before) {
    const rows = beforeByInteraction.get(t.interactionId)
    if (rows === undefined) beforeByInteraction.set(t.interactionId, [t])
    else rows.push(t)
  }
  const byInteraction = new Map<string, Array<BlockInput<BlockKey>>>()
  let detections = 0
  let textBytes = 0
  // Blocks come grouped by interaction: look its lists up once per run of blocks.
  let currentId: string | undefined
  let rows: Array<BlockTopicRow> | undefined
  let list: Array<BlockInput<BlockKey>> = []
  for (let k = 0; k < page.blocks.length; k++) {
    const b = page.blocks[k]!
    if (b.interactionId !== currentId) {
      currentId = b.interactionId
      rows = beforeByInteraction.get(currentId)
      const known = byInteraction.get(currentId)
      if (known === undefined) byInteraction.set(currentId, (list = []))
      else list = known
    }
    let existing: Set<string> | undefined
    if (rows !== undefined) {
      for (const r of rows) {
        if (r.blockIndex === b.blockIndex && r.transcriptId === b.transcriptId) (existing ??= new Set()).add(r.topicId)
      }
    }
    const found = scope.size === 0 ? empty : detected.at(k)!
    detections += found.size
    textBytes += b.text.length
    list.push({
      key: { interactionId: b.interactionId, transcriptId: b.transcriptId, blockIndex: b.blockIndex },
      existing: existing ?? empty,
      detected: found
    })
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

/**
 * Transform (pure): detect the scope topics in every block of every interaction of the page
 * and apply the reprocessing rules (src/domain/rules.ts) per interaction.
 */
export const decidePage = (detector: Detector, scope: ReadonlySet<string>) => (page: LoadedPage): DecidedPage =>
  decideDetected(scope, page, detectPage(detector, scope, page))
