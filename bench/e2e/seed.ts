/** E2E phase 1 (own process): seed N interactions into the embedded store at DATA_DIR. */
import { Effect, Layer, References } from "effect"
import { seedStore } from "../../src/seed/seedStore.ts"
import { storeLayer } from "../../src/store/layer.ts"
import { emit, log, measure, seedOptions, settingsFor } from "./common.ts"

const [dataDir, countArg] = process.argv.slice(2)
const count = Number(countArg)

const program = Effect.gen(function*() {
  const settings = yield* settingsFor({ dataDir: dataDir!, pageSize: 500 })
  const done = measure()
  let last = 0
  const seeded = yield* seedStore({
    ...seedOptions(count),
    onProgress: (n) => {
      if (n - last >= 25_000 || n === count) {
        last = n
        log(`seeded ${n.toLocaleString("en-US")} interactions`)
      }
    }
  }).pipe(Effect.provide(storeLayer(settings.clickhouse)))
  emit({ ...seeded, ...done() })
})

await Effect.runPromise(program.pipe(Effect.provide(Layer.succeed(References.MinimumLogLevel, "Error"))))
