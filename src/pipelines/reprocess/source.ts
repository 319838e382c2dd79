import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { InteractionMeta, PageKey } from "../../domain/interaction.ts"
import type { Scope } from "../../domain/scope.ts"
import { InteractionStore } from "../../store/InteractionStore.ts"

export interface Page {
  readonly interactions: ReadonlyArray<InteractionMeta>
  /** Paging key of the page's last interaction: the checkpoint once the page is written. */
  readonly last: PageKey
}

/**
 * Source: the job's in-scope interactions as pages, by key (startTime, id), starting strictly
 * after `after` (a checkpoint) — never OFFSET, so a resumed job reads only what remains — and
 * ending with `until` (inclusive) when given: one work item's range.
 */
export const pageSource = (scope: Scope, after: PageKey | undefined, pageSize: number, until?: PageKey) =>
  Stream.paginate<PageKey | undefined, Page, import("../../store/ClickHouse.ts").StoreError, InteractionStore>(
    after,
    Effect.fnUntraced(function*(cursor) {
      const store = yield* InteractionStore
      const interactions = yield* store.pageInScope(scope, cursor, pageSize, until)
      const lastRow = interactions[interactions.length - 1]
      if (lastRow === undefined) return [[], Option.none()] as const
      const last: PageKey = { startTime: lastRow.startTime, id: lastRow.id }
      const next = interactions.length < pageSize ? Option.none<PageKey>() : Option.some<PageKey | undefined>(last)
      return [[{ interactions, last }], next] as const
    })
  )
