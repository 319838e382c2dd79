import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { terminalSafe, terminalSafeJson } from "../domain/terminalText.ts"

/**
 * Text for the terminal, line by line: whatever a line carries that would act on the terminal
 * (escape sequences, bidi overrides) shows escaped. Values that came from commands are escaped
 * where they are put in a line too, so that their own line breaks show as `\x0a`.
 */
export const terminalLines = (text: string): string => text.split("\n").map(terminalSafe).join("\n")

/** JSON for machines: exact, and with nothing in it that acts on a terminal. */
export const jsonText = (value: unknown): string => terminalSafeJson(JSON.stringify(value, null, 2))

/** Prints JSON for machines (`--json`) or a human rendering. */
export const emit = (json: boolean, value: unknown, human: () => string) =>
  Console.log(json ? jsonText(value) : terminalLines(human()))

/** Columns padded to their widest cell; every cell shown terminal-safe. */
export const table = (headers: ReadonlyArray<string>, cells: ReadonlyArray<ReadonlyArray<string>>): string => {
  const rows = cells.map((r) => r.map(terminalSafe))
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd()
  return [line(headers), ...rows.map(line)].join("\n")
}

export const bar = (percent: number, width = 30): string => {
  const filled = Math.max(0, Math.min(width, Math.round((percent / 100) * width)))
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${percent.toFixed(1).padStart(5)}%`
}

/** The line shown while waiting for an answer that may take long: what, time so far, and the most it may take. */
export const waitLine = (label: string, elapsedMs: number, limitMs: number): string =>
  `${label} ${bar(Math.min(100, (elapsedMs / limitMs) * 100), 20)} ${Math.floor(elapsedMs / 1000)} s (gives up at ${Math.round(limitMs / 1000)} s)`

/**
 * Shows `waitLine` on stderr, once a second, while `effect` runs (a terminal only: piped output and
 * `--json` on stdout are left as they are); the line is cleared when it ends.
 */
export const whileWaiting = (label: string, limitMs: number) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  process.stderr.isTTY !== true ? effect : Effect.gen(function*() {
    const started = Date.now()
    const show = Effect.sync(() => process.stderr.write(`\r\x1b[2K${waitLine(label, Date.now() - started, limitMs)}`))
    const ticker = yield* Effect.forkChild(Effect.forever(show.pipe(Effect.andThen(Effect.sleep("1 second")))))
    return yield* effect.pipe(Effect.ensuring(Fiber.interrupt(ticker).pipe(Effect.andThen(Effect.sync(() => process.stderr.write("\r\x1b[2K"))))))
  })

/** A user-facing failure: printed without a stack, exit code 1. */
export class CliFailure extends Error {
  override readonly name = "CliFailure"
}

export const fail = (message: string) => Effect.fail(new CliFailure(message))

export { describeFailure } from "../client/failure.ts"

