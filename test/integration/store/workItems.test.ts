/**
 * Cutting a scope into work items: scopeBoundaries against the reference predicate `inScope`
 * over seeded data, and pageInScope bounded by an item's range covering each interaction once.
 */
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import type { PageKey } from "../../../src/domain/interaction.ts"
import { MediaTypes } from "../../../src/domain/media.ts"
import { inScope, type Scope } from "../../../src/domain/scope.ts"
import { planItems } from "../../../src/domain/workItem.ts"
import { exampleModel, generateInteractions } from "../../../src/seed/generate.ts"
import { seedStore } from "../../../src/seed/seedStore.ts"
import { InteractionStore } from "../../../src/store/InteractionStore.ts"
import { type Backend, backends } from "../../helpers/clickhouse.ts"
import { testStoreLayer } from "./storeTestLayer.ts"

const seed = { seed: 23, count: 1_200, from: "2026-04-01T00:00:00Z", to: "2026-04-09T00:00:00Z" }
const byKey = (a: PageKey, b: PageKey) =>
  a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
const all = [...generateInteractions(seed)].sort(byKey)
const model = exampleModel()
const scope: Scope = { dateStart: seed.from, dateEnd: seed.to, programs: model.programs.slice(0, 4).map((p) => p.id), mediaTypes: [...MediaTypes] }
const inScopeIds = all.filter((i) => inScope(i, scope)).map((i) => i.id)

const seeded = (backend: Backend) =>
  Layer.effectDiscard(seedStore(seed).pipe(Effect.orDie)).pipe(Layer.provideMerge(testStoreLayer("items", backend)))

describe.each(backends)("store on %s", (backend) => {
  layer(seeded(backend), { timeout: 120_000 })("a scope cut into work items", (it) => {
    it.effect("boundaries are every n-th key in scope, and the items' ranges page every interaction exactly once", () =>
      Effect.gen(function*() {
        const store = yield* InteractionStore
        assert.isAbove(inScopeIds.length, 500)
        for (const n of [7, 100, 1_000, 100_000]) {
          const boundaries = yield* store.scopeBoundaries(scope, n)
          const expected = inScopeIds.filter((_, k) => (k + 1) % n === 0)
          assert.deepStrictEqual(boundaries.map((b) => b.id), expected, `boundaries every ${n}`)

          const seen: Array<string> = []
          for (const item of planItems("job", boundaries, { pageSize: 13, writeBatchPages: 1 })) {
            let after = item.after
            const inItem: Array<string> = []
            for (;;) {
              const page = yield* store.pageInScope(scope, after, 13, item.upTo)
              inItem.push(...page.map((i) => i.id))
              if (page.length < 13) break
              after = { startTime: page[page.length - 1]!.startTime, id: page[page.length - 1]!.id }
            }
            assert.isAtMost(inItem.length, n, `item ${item.item} holds at most ${n}`)
            if (item.upTo !== undefined) assert.strictEqual(inItem.at(-1), item.upTo.id, `item ${item.item} ends at its boundary`)
            seen.push(...inItem)
          }
          assert.deepStrictEqual(seen, inScopeIds, `items of ${n} cover the scope once, in order`)
        }
      }))
  })
})
