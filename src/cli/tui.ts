import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Command, Flag } from "effect/cli"
import { NatsSettingsConfig } from "../nats/NatsConfig.ts"
import { CliFailure } from "./output.ts"

/** "2s", "500ms", "1m", or a number of seconds. */
export const parseInterval = (s: string): number | undefined => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(s)
  if (m === null) return undefined
  const ms = Number(m[1]) * (m[2] === "ms" ? 1 : m[2] === "m" ? 60_000 : 1000)
  return ms >= 250 && ms <= 600_000 ? Math.round(ms) : undefined
}

const refresh = Flag.String("refresh").pipe(
  Flag.withDescription("How often stream, consumer and daemon figures are polled: 2s, 500ms, 1m (250ms to 10m)"),
  Flag.withDefault("2s"),
  Flag.filterMap((s) => Option.fromUndefinedOr(parseInterval(s)), (s) => `an interval such as 2s, 500ms or 1m (250ms to 10m), not ${JSON.stringify(s)}`)
)

/**
 * `rewind tui`: the operations dashboard. NATS only (the same environment as the other
 * commands: NATS_URL, credentials, REWIND_PREFIX); no ClickHouse.
 */
export const tuiCommand = Command.make("tui", { refresh }, (f) =>
  Effect.gen(function*() {
    if (process.stdout.isTTY !== true || process.stdin.isTTY !== true) {
      return yield* Effect.fail(new CliFailure("rewind tui needs an interactive terminal (use rewind job list/watch in scripts)"))
    }
    const settings = yield* NatsSettingsConfig
    // Loaded here, not with the CLI: Ink, React and Yoga's WebAssembly memory cost every other
    // command's process ≈ 20 MB of RSS — the daemon's among them, whose peak has a target.
    const { runTui } = yield* Effect.promise(() => import("../tui/run.ts"))
    yield* runTui({ ...settings, name: "rewind-tui" }, f.refresh)
  })).pipe(
  Command.withDescription("Operations dashboard: queues, jobs, recovery runs and daemons, live from NATS (keys: ? for help, q to quit)")
)
