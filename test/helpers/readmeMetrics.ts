/**
 * README.md's metrics table (between `<!-- metrics:begin -->` and `<!-- metrics:end -->`),
 * generated from a live scrape's families: a test compares the two, so the docs cannot drift.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import type { Family } from "./monitoring.ts"
import { root } from "./processes.ts"

const cell = (text: string) => text.replaceAll("|", "\\|")

/** The Markdown table of `families`, by name: name, type, labels, meaning (the HELP text). */
export const metricsTable = (families: ReadonlyArray<Family>): string =>
  [
    "| metric | type | labels | meaning |",
    "|---|---|---|---|",
    ...[...families].sort((a, b) => a.name.localeCompare(b.name)).map((f) =>
      `| \`${f.name}\` | ${f.type} | ${f.labels.map((l) => `\`${l}\``).join(", ")} | ${cell(f.help)} |`)
  ].join("\n")

export const readmeMetricsTable = (): string => {
  const readme = readFileSync(join(root, "README.md"), "utf8")
  const m = /<!-- metrics:begin -->\n([\s\S]*?)\n<!-- metrics:end -->/.exec(readme)
  return m === null ? "(README.md has no <!-- metrics:begin --> … <!-- metrics:end --> block)" : m[1]!.trim()
}

/** The rows of README.md's table, as families. */
export const readmeMetricsFamilies = (): ReadonlyArray<Family> =>
  readmeMetricsTable().split("\n").slice(2).map((row) => {
    const cells = row.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim())
    // a row is exactly `| name | type | labels | meaning |`: anything after the last cell is a stray edit
    if (!row.startsWith("| ") || !row.endsWith(" |") || cells.length !== 4) {
      throw new Error(`README.md's metrics table: a row is not four cells: ${row}`)
    }
    return {
      name: cells[0]!.replaceAll("`", ""),
      type: cells[1]!,
      labels: cells[2] === "" ? [] : cells[2]!.split(",").map((l) => l.trim().replaceAll("`", "")),
      help: cells[3]!.replaceAll("\\|", "|")
    }
  })
