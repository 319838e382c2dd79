import { MediaTypes, TextMediaTypes } from "../../domain/media.ts"
import type { RecoveryCounts, RecoveryRun } from "../../domain/recovery.ts"
import { UnknownMedia } from "../../pipelines/recover/diff.ts"
import type { MetricsShape } from "../Metrics.ts"

/** The counts of a run, each the `outcome` label of `rewind_recovery_conversations_total`. */
export const RecoveryOutcomes: ReadonlyArray<keyof RecoveryCounts> = ["platform", "store", "missing", "recovered", "pending", "failed"]

const knownMedia: ReadonlySet<string> = new Set([...MediaTypes, UnknownMedia])

/** A bounded `media` label: Rewind's media types and `unknown` (anything else counts there). */
const mediaLabel = (media: string): string => (knownMedia.has(media) ? media : UnknownMedia)

/**
 * Recovery's counters start at 0 for the text media types and both triggers, so the first
 * failed run or recovered conversation is seen by `increase()` (a daemon with recovery only).
 */
export const startRecoveryMetricsAtZero = (m: MetricsShape) => {
  for (const media of TextMediaTypes) for (const outcome of RecoveryOutcomes) m.recoveryConversations.inc({ media, outcome }, 0)
  for (const trigger of ["manual", "automatic"]) for (const status of ["Completed", "Failed"]) m.recoveryRuns.inc({ trigger, status }, 0)
  for (const outcome of ["recovered", "pending", "failed"]) m.interactions.inc({ pipeline: "recovery", outcome }, 0)
}

/** An ended run: its counts per media type (a failed run's, as far as it got) and its end. */
export const countEndedRun = (m: MetricsShape, run: Pick<RecoveryRun, "trigger" | "status" | "counts">) => {
  for (const [media, counts] of Object.entries(run.counts)) {
    for (const outcome of RecoveryOutcomes) {
      if (counts[outcome] > 0) m.recoveryConversations.inc({ media: mediaLabel(media), outcome }, counts[outcome])
    }
  }
  m.recoveryRuns.inc({ trigger: run.trigger, status: run.status })
}
