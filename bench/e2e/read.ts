/**
 * E2E phase (own process): the floor — a bare paged read of the job's rows: every page of the
 * scope (pageInScope) and its blocks (loadBlocks), one page after the other, nothing else, with
 * the job's page size; from the embedded store at DATA_DIR, or from the ClickHouse server at
 * CLICKHOUSE_URL when given.
 */
import { Effect, Layer, References } from "effect"
import { MaxPageInteractions } from "../../src/domain/job.ts"
import { ClickHouse } from "../../src/store/ClickHouse.ts"
import { InteractionStore } from "../../src/store/InteractionStore.ts"
import { storeLayer } from "../../src/store/layer.ts"
import { e2eModel, e2eScope, emit, measure, settingsFor } from "./common.ts"

const [dataDir, countArg, pageSizeArg, clickhouseUrl] = process.argv.slice(2)
const count = Number(countArg)
// The job's pages: the pipeline reads at most MaxPageInteractions at a time.
const pageSize = Math.min(Number(pageSizeArg), MaxPageInteractions)

const program = Effect.gen(function*() {
  const settings = yield* settingsFor({ dataDir: dataDir!, pageSize, ...(clickhouseUrl === undefined ? {} : { clickhouseUrl }) })
  const scope = e2eScope(e2eModel(), count)
  const result = yield* Effect.gen(function*() {
    const store = yield* InteractionStore
    const done = measure((yield* ClickHouse).readBusy)
    let interactions = 0
    let blocks = 0
    let chars = 0
    let pages = 0
    let after: { startTime: string; id: string } | undefined
    for (;;) {
      const page = yield* store.pageInScope(scope, after, pageSize)
      if (page.length === 0) break
      const rows = yield* store.loadBlocks(page)
      pages++
      interactions += page.length
      blocks += rows.length
      for (const r of rows) chars += r.text.length
      const last = page[page.length - 1]!
      after = { startTime: last.startTime, id: last.id }
      if (page.length < pageSize) break
    }
    return { interactions, blocks, chars, pages, ...done() }
  }).pipe(Effect.provide(storeLayer(settings.clickhouse)))
  emit(result)
})

await Effect.runPromise(program.pipe(Effect.provide(Layer.succeed(References.MinimumLogLevel, "Error"))))
