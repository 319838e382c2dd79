import { Console, Effect } from "effect"

/** Prints JSON for machines (`--json`) or a human rendering. */
export const emit = (json: boolean, value: unknown, human: () => string) =>
  Console.log(json ? JSON.stringify(value, null, 2) : human())

export const table = (headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
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
