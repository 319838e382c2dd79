import { Console, Effect } from "effect"
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

/** A user-facing failure: printed without a stack, exit code 1. */
export class CliFailure extends Error {
  override readonly name = "CliFailure"
}

export const fail = (message: string) => Effect.fail(new CliFailure(message))

export { describeFailure } from "../client/failure.ts"

