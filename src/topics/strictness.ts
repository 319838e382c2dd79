/**
 * Phrase strictness → the largest number of extra (non-matching) words allowed
 * between two consecutive words of a phrase.
 *
 * Genesys expresses strictness as a confidence-like number; the higher it is, the
 * closer the words must be. Rewind maps it to a fixed word gap:
 *
 * | strictness | max extra words per gap |
 * |------------|-------------------------|
 * | (none)     | 0 (exact consecutive)   |
 * | "90"       | 0                       |
 * | "85"       | 1                       |
 * | "72"       | 2                       |
 * | "65"       | 3                       |
 * | "55"       | 4                       |
 * | "1"        | 5                       |
 *
 * Example: "cancel account" at "85" matches "cancel my account" but not
 * "cancel my old account"; at "72" it matches both.
 */
import type { Strictness } from "../domain/topicModel.ts"

export const STRICTNESS_GAPS: Readonly<Record<Strictness, number>> = {
  "90": 0,
  "85": 1,
  "72": 2,
  "65": 3,
  "55": 4,
  "1": 5
}

/** Gap of a phrase without strictness: its words must be consecutive. */
export const DEFAULT_GAP = 0

/** Largest gap any strictness allows. */
export const MAX_GAP = 5

/** The max number of extra words allowed between consecutive phrase words. */
export const maxGapOf = (strictness: Strictness | undefined): number =>
  strictness === undefined ? DEFAULT_GAP : STRICTNESS_GAPS[strictness]
