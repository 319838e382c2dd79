/**
 * Fill the store with the deterministic seed data (generate.ts): interactions, transcript
 * blocks and initial block topics at version 0 (job write versions start at 1). Idempotent:
 * seeding again with the same options leaves the same rows.
 *
 * Batches are generated while the previous batch is being written, so generation (JS) and
 * the insert (ClickHouse) overlap.
 */
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import type { Interaction } from "../domain/interaction.ts"
import { type BlockTopicRow, InteractionStore } from "../store/InteractionStore.ts"
import type { StoreError } from "../store/StoreError.ts"
import { generateInteractions, initialTopics, type SeedOptions } from "./generate.ts"
import { checkMissingShare, isMissingInteraction } from "./missing.ts"

/** Version of the seed's initial topics. */
export const SeedTopicVersion = 0

export interface SeedStoreOptions extends SeedOptions {
  /** Interactions per insert (default 2,000 ≈ 40,000 blocks). */
  readonly batchSize?: number
  /** Called with the number of interactions written so far, after each batch. */
  readonly onProgress?: (n: number) => void
  /**
   * Share (0..1) of the TEXT interactions left out of the store, as if lost by ingestion
   * (`isMissingInteraction`, deterministic per interaction id and seed; voice is never
   * missing). The simulator serves them all: recovery finds exactly these. Default 0.
   */
  readonly missingShare?: number
}

export const seedStore = (
  o: SeedStoreOptions
): Effect.Effect<{ interactions: number; blocks: number; missing: number }, StoreError, InteractionStore> =>
  Effect.gen(function*() {
    const store = yield* InteractionStore
    const batchSize = Math.max(1, o.batchSize ?? 2_000)
    const missingShare = o.missingShare ?? 0
    const invalidShare = checkMissingShare(missingShare)
    if (invalidShare !== undefined) return yield* Effect.die(new Error(`seedStore: ${invalidShare}`))
    const source = generateInteractions(o)
    let interactions = 0
    let blocks = 0
    let missing = 0

    const nextBatch = (): { items: Array<Interaction>; topics: Array<BlockTopicRow> } => {
      const items: Array<Interaction> = []
      const topics: Array<BlockTopicRow> = []
      while (items.length < batchSize) {
        const r = source.next()
        if (r.done === true) break
        if (missingShare > 0 && isMissingInteraction(r.value, o.seed, missingShare)) {
          missing++
          continue
        }
        items.push(r.value)
        for (const t of r.value.transcripts) blocks += t.blocks.length
        for (const row of initialTopics(r.value, o.seed)) topics.push(row)
      }
      return { items, topics }
    }

    const write = (b: { items: Array<Interaction>; topics: Array<BlockTopicRow> }) =>
      store.insertInteractions(b.items, "seed", b.topics, SeedTopicVersion).pipe(
        Effect.tap(() =>
          Effect.sync(() => {
            interactions += b.items.length
            o.onProgress?.(interactions)
          })
        )
      )

    let batch = nextBatch()
    while (batch.items.length > 0) {
      const writing = yield* Effect.forkChild(write(batch))
      batch = nextBatch()
      yield* Fiber.join(writing)
    }
    return { interactions, blocks, missing }
  }).pipe(Effect.withSpan("seedStore"))
