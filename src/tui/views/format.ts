/** Fixed-width text helpers for the dashboard: every cell is exactly as wide as its column. */
import { terminalSafe } from "../../domain/terminalText.ts"

/**
 * Shown terminal-safe (a job named with escape sequences or a bidi override shows them escaped),
 * then truncated with "…" and padded to exactly `width` characters.
 */
export const fit = (text: string, width: number, align: "left" | "right" = "left"): string => {
  if (width <= 0) return ""
  const s = terminalSafe(text)
  const t = s.length > width ? (width === 1 ? "…" : `${s.slice(0, width - 1)}…`) : s
  return align === "right" ? t.padStart(width) : t.padEnd(width)
}

/** 1234 → "1234", 12345 → "12.3k", 1234567 → "1.23M". */
export const compact = (n: number): string => {
  const a = Math.abs(n)
  if (a < 10_000) return String(Math.round(n))
  if (a < 1_000_000) return `${(n / 1000).toFixed(a < 100_000 ? 1 : 0)}k`
  if (a < 1_000_000_000) return `${(n / 1_000_000).toFixed(a < 10_000_000 ? 2 : 1)}M`
  return `${(n / 1_000_000_000).toFixed(2)}G`
}

export const bytes = (n: number): string => {
  if (n < 1024) return `${n} B`
  const units = ["KiB", "MiB", "GiB", "TiB"]
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`
}

/** Messages or interactions per second; "-" when unknown. */
export const rate = (perSecond: number | undefined): string => {
  if (perSecond === undefined || !Number.isFinite(perSecond)) return "-"
  if (perSecond === 0) return "0/s"
  if (perSecond < 0.1) return "<0.1/s"
  if (perSecond < 10) return `${perSecond.toFixed(1)}/s`
  return `${compact(perSecond)}/s`
}

/** 45s, 3m09s, 2h03m, 3d04h. */
export const duration = (ms: number): string => {
  if (!Number.isFinite(ms) || ms < 0) return "-"
  const s = Math.floor(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h}h${String(m % 60).padStart(2, "0")}m`
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, "0")}h`
}

/** How long ago `t` was (never negative: the clock ticks apart from the feeds). */
export const ago = (now: number, t: number): string => duration(Math.max(0, now - t))

/** "2026-01-02T03:04:05.678Z" → "2026-01-02 03:04" (UTC, as stored). */
export const shortTime = (iso: string | undefined): string =>
  iso === undefined ? "-" : iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, "").replace(/Z$/, "")

/** Wall-clock "HH:MM:SS" in UTC. */
export const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 19)

/** A progress bar of `width` cells. */
export const bar = (percent: number, width: number): string => {
  if (width <= 0) return ""
  const filled = Math.max(0, Math.min(width, Math.round((percent / 100) * width)))
  return "█".repeat(filled) + "░".repeat(width - filled)
}

const levels = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

/**
 * The last values as a sparkline of `width` cells, each cell the mean of `perCell` samples
 * (so a narrow column still covers minutes). Zero is the baseline; any activity shows.
 */
export const sparkline = (values: ReadonlyArray<number>, width: number, perCell = 1): string => {
  if (width <= 0) return ""
  const cells: Array<number> = []
  const n = Math.max(1, Math.floor(perCell))
  for (let end = values.length; end > 0 && cells.length < width; end -= n) {
    const chunk = values.slice(Math.max(0, end - n), end)
    cells.unshift(chunk.reduce((a, b) => a + b, 0) / chunk.length)
  }
  const max = Math.max(0, ...cells)
  const drawn = cells.map((v) => (v <= 0 || max === 0 ? levels[0]! : levels[Math.max(1, Math.round((v / max) * 7))]!)).join("")
  return drawn.padStart(width)
}
