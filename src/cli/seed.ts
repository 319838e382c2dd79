import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Command, Flag } from "effect/cli"
import { ClickHouse } from "../store/ClickHouse.ts"
import { ClickHouseSettingsConfig } from "../store/ClickHouseConfig.ts"
import { InteractionStore } from "../store/InteractionStore.ts"
import { checkMissingShare } from "../seed/missing.ts"
import { seedStore } from "../seed/seedStore.ts"
import { emit, fail } from "./output.ts"

/** The store from the environment (embedded engine unless CLICKHOUSE_URL). */
export const StoreClientLayer = InteractionStore.layer.pipe(
  Layer.provideMerge(Layer.unwrap(Effect.map(ClickHouseSettingsConfig, (s) => ClickHouse.layer(s))))
)

export const seedFlags = {
  count: Flag.Int("count").pipe(Flag.withDescription("Interactions to generate (100 to 250,000+)"), Flag.withDefault(5_000)),
  seed: Flag.Int("seed").pipe(Flag.withDescription("Random seed: same seed, same data"), Flag.withDefault(42)),
  from: Flag.String("from").pipe(Flag.withDescription("Start of the period (ISO)"), Flag.withDefault("2026-01-01T00:00:00Z")),
  to: Flag.String("to").pipe(Flag.withDescription("End of the period (ISO, exclusive)"), Flag.withDefault("2026-02-01T00:00:00Z")),
  missingShare: Flag.Finite("missing-share").pipe(
    Flag.withDescription("Share (0..1) of the TEXT interactions to leave out, as the store lost them (rewind sim still serves them)"),
    Flag.withDefault(0)
  )
}

/** Seeds with a progress line on a terminal. */
export const seedWithProgress = (o: { count: number; seed: number; from: string; to: string; missingShare?: number }, quiet = false) =>
  Effect.gen(function*() {
    const started = Date.now()
    const tty = process.stderr.isTTY === true && !quiet
    const r = yield* seedStore({
      ...o,
      onProgress: (n) => {
        if (tty) process.stderr.write(`\r\x1b[2Kseeding ${n.toLocaleString("en-US")}/${o.count.toLocaleString("en-US")} interactions`)
      }
    })
    if (tty) process.stderr.write("\n")
    return { ...r, seconds: (Date.now() - started) / 1000 }
  })

/** What is wrong with the flags, if anything: checked before the store is opened. */
export const seedFlagsProblem = (f: { count: number; from: string; to: string; missingShare: number }): string | undefined =>
  (f.count < 1 ? `--count must be at least 1, got ${f.count}` : undefined) ??
    (Number.isNaN(Date.parse(f.from)) ? `--from: not an ISO instant: ${f.from}` : undefined) ??
    (Number.isNaN(Date.parse(f.to)) || Date.parse(f.to) <= Date.parse(f.from) ? `--to must be an ISO instant after --from, got ${f.to}` : undefined) ??
    (checkMissingShare(f.missingShare) === undefined ? undefined : `--missing-share must be between 0 and 1, got ${f.missingShare}`)

export const seedCommand = Command.make("seed", {
  ...seedFlags,
  json: Flag.Boolean("json").pipe(Flag.withDefault(false))
}, (f) =>
  Effect.gen(function*() {
    const problem = seedFlagsProblem(f)
    if (problem !== undefined) return yield* fail(problem)
    // The store is opened only once the flags are known to be good.
    const r = yield* seedWithProgress(f).pipe(Effect.provide(StoreClientLayer))
    yield* emit(f.json, r, () =>
      `seeded ${r.interactions.toLocaleString("en-US")} interactions (${r.blocks.toLocaleString("en-US")} blocks) ` +
      (f.missingShare > 0 ? `leaving out ${(f.missingShare * 100).toFixed(1)}% of the text ones, ` : "") +
      `between ${f.from} and ${f.to} in ${r.seconds.toFixed(1)} s (seed ${f.seed}); the matching model is config/topics.example.yaml`)
  })).pipe(
  Command.withDescription("Write deterministic synthetic interactions (multi-block transcripts, topics of an older model) into the store")
)
