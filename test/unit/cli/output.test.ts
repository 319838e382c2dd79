import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { waitLine, whileWaiting } from "../../../src/cli/output.ts"

describe("the line shown on long waits (job preview, the before/after export)", () => {
  it("says what it waits for, a bar of the time it may take, the seconds so far and the limit", () => {
    expect(waitLine("previewing", 0, 120_000)).toBe(`previewing [--------------------]   0.0% 0 s (gives up at 120 s)`)
    expect(waitLine("previewing", 30_500, 120_000)).toBe(`previewing [#####---------------]  25.4% 30 s (gives up at 120 s)`)
    expect(waitLine("previewing", 500_000, 120_000)).toContain("[####################] 100.0% 500 s")
  })

  describe("on a terminal", () => {
    const tty = process.stderr.isTTY
    const write = process.stderr.write
    afterEach(() => {
      process.stderr.isTTY = tty
      process.stderr.write = write
    })

    it("shows the line while the answer is awaited and clears it after, leaving the answer as it is", async () => {
      const written: Array<string> = []
      process.stderr.isTTY = true
      process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stderr.write
      const answer = await Effect.runPromise(Effect.sleep("1200 millis").pipe(Effect.as(42), whileWaiting("exporting", 300_000)))
      expect(answer).toBe(42)
      const lines = written.filter((w) => w.includes("exporting"))
      expect(lines.length).toBeGreaterThanOrEqual(2) // at once, and a second later
      expect(lines[0]).toContain("0 s (gives up at 300 s)")
      expect(written.at(-1)).toBe("\r\x1b[2K")
      const failed = await Effect.runPromise(Effect.flip(Effect.fail("refused").pipe(whileWaiting("exporting", 300_000))))
      expect(failed).toBe("refused")
      expect(written.at(-1)).toBe("\r\x1b[2K")
    })
  })

  it("writes nothing when stderr is not a terminal", async () => {
    const write = process.stderr.write
    const written: Array<string> = []
    const tty = process.stderr.isTTY
    process.stderr.isTTY = false
    process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stderr.write
    try {
      expect(await Effect.runPromise(Effect.succeed("ok").pipe(whileWaiting("exporting", 300_000)))).toBe("ok")
    } finally {
      process.stderr.write = write
      process.stderr.isTTY = tty
    }
    expect(written).toEqual([])
  })
})
