/**
 * `seedStore({ missingShare })` leaves exactly the `isMissingInteraction` text interactions out
 * of the store — the ones the simulator serves and recovery must find.
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import type { PageKey } from "../../../src/domain/interaction.ts"
import { MediaTypes } from "../../../src/domain/media.ts"
import { inScope, type Scope } from "../../../src/domain/scope.ts"
import { exampleModel, generateInteractions } from "../../../src/seed/generate.ts"
import { isMissingInteraction } from "../../../src/seed/missing.ts"
import { seedStore } from "../../../src/seed/seedStore.ts"
import { InteractionStore } from "../../../src/store/InteractionStore.ts"
import { testStoreLayer } from "../store/storeTestLayer.ts"

const seed = { seed: 21, count: 600, from: "2026-04-01T00:00:00Z", to: "2026-04-08T00:00:00Z" }
const share = 0.2
const all = [...generateInteractions(seed)]
const missing = all.filter((i) => isMissingInteraction(i, seed.seed, share))

const everything: Scope = {
  dateStart: seed.from,
  dateEnd: seed.to,
  programs: exampleModel().programs.map((p) => p.id),
  mediaTypes: [...MediaTypes]
}

layer(testStoreLayer("seed-missing", "embedded"))("seedStore with a missing share", (it) => {
  it.effect("writes every interaction but the missing text ones", () =>
    Effect.gen(function*() {
      assert.isAbove(missing.length, 20)
      const r = yield* seedStore({ ...seed, missingShare: share, batchSize: 128 })
      assert.strictEqual(r.missing, missing.length)
      assert.strictEqual(r.interactions, all.length - missing.length)
      const store = yield* InteractionStore
      const ids: Array<string> = []
      let after: PageKey | undefined
      for (;;) {
        const page = yield* store.pageInScope(everything, after, 250)
        ids.push(...page.map((i) => i.id))
        if (page.length < 250) break
        const last = page[page.length - 1]!
        after = { startTime: last.startTime, id: last.id }
      }
      const missingIds = new Set(missing.map((i) => i.id))
      const expected = all.filter((i) => !missingIds.has(i.id) && inScope(i, everything)).map((i) => i.id).sort()
      assert.deepStrictEqual([...ids].sort(), expected)
      for (const id of ids) assert.isFalse(missingIds.has(id))
    }))

  it.effect("without a share, leaves nothing out", () =>
    Effect.gen(function*() {
      const r = yield* seedStore({ seed: 22, count: 50, from: "2026-05-01T00:00:00Z", to: "2026-05-02T00:00:00Z" })
      assert.strictEqual(r.missing, 0)
      assert.strictEqual(r.interactions, 50)
    }))
})
