import { describe, expect, it } from "vitest"
import { daemonHeapFlags, daemonRestart, heapSizeGiven } from "../../../src/daemon/heapFlags.ts"

describe("the daemon's own heap limits", () => {
  it("grows with the jobs (work items) it runs at once", () => {
    expect(daemonHeapFlags(1)).toEqual(["--max-old-space-size=256", "--max-semi-space-size=4"])
    expect(daemonHeapFlags(3)[0]).toBe("--max-old-space-size=512")
  })
  it("leaves an operator's own heap size alone, on the command line or in NODE_OPTIONS", () => {
    expect(heapSizeGiven([], undefined)).toBe(false)
    expect(heapSizeGiven(["--enable-source-maps"], "--trace-warnings")).toBe(false)
    expect(heapSizeGiven(["--max-old-space-size=1024"], undefined)).toBe(true)
    expect(heapSizeGiven([], "--expose-gc --max-old-space-size=2048")).toBe(true)
  })
  it("starts again with what is missing: the heap flags, two malloc arenas, a fixed mmap threshold; never twice; an operator's values win", () => {
    const malloc = { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "2097152" }
    expect(daemonRestart(1, [], {})).toEqual({
      flags: ["--max-old-space-size=256", "--max-semi-space-size=4"],
      env: { ...malloc, REWIND_HEAP_SET: "1" }
    })
    expect(daemonRestart(1, ["--max-old-space-size=1024"], {})).toEqual({ flags: [], env: { ...malloc, REWIND_HEAP_SET: "1" } })
    expect(daemonRestart(3, [], { MALLOC_ARENA_MAX: "4" })).toEqual({
      flags: ["--max-old-space-size=512", "--max-semi-space-size=4"],
      env: { MALLOC_MMAP_THRESHOLD_: "2097152", REWIND_HEAP_SET: "1" }
    })
    expect(daemonRestart(1, [], { MALLOC_MMAP_THRESHOLD_: "4194304", MALLOC_ARENA_MAX: "4" })).toEqual({
      flags: ["--max-old-space-size=256", "--max-semi-space-size=4"],
      env: { REWIND_HEAP_SET: "1" }
    })
    expect(daemonRestart(1, ["--max-old-space-size=1024"], { MALLOC_ARENA_MAX: "8" })).toEqual({
      flags: [],
      env: { MALLOC_MMAP_THRESHOLD_: "2097152", REWIND_HEAP_SET: "1" }
    })
    expect(daemonRestart(1, [], { NODE_OPTIONS: "--max-old-space-size=900", MALLOC_ARENA_MAX: "8", MALLOC_MMAP_THRESHOLD_: "131072" })).toBeUndefined()
    expect(daemonRestart(1, [], { REWIND_HEAP_SET: "1" })).toBeUndefined()
  })
})
