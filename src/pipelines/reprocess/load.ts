import * as Effect from "effect/Effect"
import { InteractionStore, type BlockRow, type BlockTopicRow } from "../../store/InteractionStore.ts"
import type { Page } from "./source.ts"

export interface LoadedPage extends Page {
  /** Every block of the page's interactions, ordered by interaction, transcript, block. */
  readonly blocks: ReadonlyArray<BlockRow>
  /** The blocks' topics as they stood before this job wrote anything (so replays decide the same). */
  readonly before: ReadonlyArray<BlockTopicRow>
}

/** Transform: fetch what the decision needs for one page. */
export const loadPage = (beforeVersion: number) =>
  Effect.fnUntraced(function*(page: Page) {
    const store = yield* InteractionStore
    const [blocks, before] = yield* Effect.all(
      [store.loadBlocks(page.interactions), store.topicsBefore(page.interactions, beforeVersion)],
      { concurrency: 2 }
    )
    return { ...page, blocks, before } satisfies LoadedPage
  })
