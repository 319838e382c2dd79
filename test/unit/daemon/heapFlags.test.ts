import { describe, expect, it } from "vitest"
import { daemonHeapFlags, heapSizeGiven } from "../../../src/daemon/heapFlags.ts"

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
})
