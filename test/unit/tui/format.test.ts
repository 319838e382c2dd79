import { describe, expect, it } from "vitest"
import { ago, bar, bytes, compact, duration, fit, rate, shortTime, sparkline } from "../../../src/tui/views/format.ts"

describe("dashboard formatting", () => {
  it("fits text to an exact width", () => {
    expect(fit("abc", 5)).toBe("abc  ")
    expect(fit("abcdef", 4)).toBe("abc…")
    expect(fit("7", 3, "right")).toBe("  7")
    expect(fit("x", 0)).toBe("")
  })
  it("writes numbers, sizes, rates and durations compactly", () => {
    expect(compact(9999)).toBe("9999")
    expect(compact(12_345)).toBe("12.3k")
    expect(compact(1_234_567)).toBe("1.23M")
    expect(bytes(512)).toBe("512 B")
    expect(bytes(2.5 * 1024 * 1024)).toBe("2.5 MiB")
    expect(rate(undefined)).toBe("-")
    expect(rate(0.05)).toBe("<0.1/s")
    expect(rate(2.25)).toBe("2.3/s")
    expect(rate(1520)).toBe("1520/s")
    expect(duration(45_000)).toBe("45s")
    expect(duration(189_000)).toBe("3m09s")
    expect(duration(2 * 3_600_000 + 180_000)).toBe("2h03m")
    expect(duration(-1)).toBe("-")
    expect(ago(1000, 5000)).toBe("0s")
    expect(shortTime("2026-01-02T03:04:05.678Z")).toBe("2026-01-02 03:04")
  })
  it("draws progress bars and sparklines of an exact width", () => {
    expect(bar(50, 10)).toBe("█████░░░░░")
    expect(bar(120, 4)).toBe("████")
    expect(sparkline([0, 0, 1, 2, 4, 8], 6)).toBe("▁▁▂▃▅█")
    expect(sparkline([5], 4)).toBe("   █")
    expect(sparkline([0, 0], 3)).toBe(" ▁▁")
    // two samples per cell: 8 values → 4 cells of means
    expect(sparkline([0, 0, 2, 2, 4, 4, 8, 8], 4, 2)).toBe("▁▃▅█")
    expect(sparkline(Array.from({ length: 100 }, (_, i) => i), 10)).toHaveLength(10)
  })
})
