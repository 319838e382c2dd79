import * as Schema from "effect/Schema"
import type { Outcome } from "./rules.ts"

const Counts = Schema.Struct({ updated: Schema.Int, unchanged: Schema.Int, failed: Schema.Int })

/** `rewind.api.job.preview`'s answer: what a job over this scope would do, from a sample. */
export const PreviewAnswer = Schema.Struct({
  /** Interactions in scope now. */
  interactionCount: Schema.Int,
  /** Interactions sampled (all of them when the scope is smaller than the sample asked for). */
  sampleSize: Schema.Int,
  modelRevision: Schema.Int,
  scopeTopicCount: Schema.Int,
  /** The sample's outcomes scaled to the whole scope (largest remainders: they add up to interactionCount). */
  predicted: Counts,
  /** The sample's own outcomes. */
  sample: Counts,
  /** Per topic: blocks of the sample that would gain it and that would lose it. */
  topics: Schema.Array(Schema.Struct({ topicId: Schema.String, name: Schema.String, gained: Schema.Int, lost: Schema.Int })),
  /** A few changed blocks: before → after. */
  examples: Schema.Array(Schema.Struct({
    interactionId: Schema.String,
    transcriptId: Schema.String,
    blockIndex: Schema.Int,
    participant: Schema.String,
    text: Schema.String,
    before: Schema.Array(Schema.String),
    after: Schema.Array(Schema.String)
  }))
})
export type PreviewAnswer = typeof PreviewAnswer.Type

/**
 * Scales a sample's outcome counts to `total` interactions: each count × total / sample, rounded
 * by largest remainders so the predictions add up to `total` exactly.
 */
export const extrapolate = (sample: Readonly<Record<Outcome, number>>, total: number): Record<Outcome, number> => {
  const outcomes: ReadonlyArray<Outcome> = ["updated", "unchanged", "failed"]
  const size = outcomes.reduce((n, o) => n + sample[o], 0)
  if (size === 0) return { updated: 0, unchanged: 0, failed: 0 }
  const exact = outcomes.map((o) => ({ o, v: (sample[o] * total) / size }))
  const out = { updated: 0, unchanged: 0, failed: 0 }
  for (const { o, v } of exact) out[o] = Math.floor(v)
  let left = total - outcomes.reduce((n, o) => n + out[o], 0)
  for (const { o } of [...exact].sort((a, b) => (b.v - Math.floor(b.v)) - (a.v - Math.floor(a.v)))) {
    if (left <= 0) break
    out[o]++
    left--
  }
  return out
}

/** At most this many characters of a block in an example. */
export const ExcerptChars = 160

export const excerpt = (text: string): string => (text.length <= ExcerptChars ? text : `${text.slice(0, ExcerptChars - 1)}…`)
