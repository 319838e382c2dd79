import { EventEmitter } from "node:events"
import { describe, expect, it, vi } from "vitest"
import { frameDiff, fullScreen } from "../../../src/tui/terminal.ts"

describe("full-screen output", () => {
  it("rewrites only the lines that changed, at absolute positions, in one synchronized update", () => {
    expect(frameDiff(["a", "b", "c"], ["a", "b", "c"], 80)).toBe("")
    const d = frameDiff(["a", "b", "c"], ["a", "B", "c"], 80)
    expect(d).toBe("\x1b[?2026h\x1b[2;1HB\x1b[K\x1b[?2026l")
    // a shorter frame blanks the lines it no longer has
    expect(frameDiff(["a", "b"], ["a"], 80)).toContain("\x1b[2;1H\x1b[K")
    // a full-width line is not followed by an erase (it would eat the last cell)
    expect(frameDiff([], ["\x1b[31mxxxx\x1b[39m"], 4)).toBe("\x1b[?2026h\x1b[1;1H\x1b[31mxxxx\x1b[39m\x1b[?2026l")
  })

  it("takes Ink's frames through a stdout stand-in, coalesces bursts, and restores the terminal", () => {
    vi.useFakeTimers()
    try {
      const written: Array<string> = []
      const out = Object.assign(new EventEmitter(), { columns: 20, rows: 5, write: (s: string) => written.push(s) }) as unknown as NodeJS.WriteStream
      const screen = fullScreen(out, 16)
      expect(written[0]).toContain("\x1b[?1049h")
      expect(screen.stdout.columns).toBe(20)
      expect(screen.stdout.rows).toBe(5)
      screen.stdout.write("one\ntwo")
      screen.stdout.write("one\nTWO")
      vi.advanceTimersByTime(20)
      expect(written.slice(1)).toEqual(["\x1b[?2026h\x1b[1;1Hone\x1b[K\x1b[2;1HTWO\x1b[K\x1b[?2026l"])
      screen.stdout.write("one\nTWO")
      vi.advanceTimersByTime(20)
      expect(written).toHaveLength(2)
      const resized = vi.fn()
      screen.stdout.on("resize", resized)
      out.emit("resize")
      expect(resized).toHaveBeenCalled()
      screen.restore()
      screen.restore()
      expect(written.at(-1)).toBe("\x1b[?25h\x1b[?1049l")
      expect(written.filter((w) => w.includes("1049l"))).toHaveLength(1)
    } finally {
      vi.useRealTimers()
    }
  })
})
