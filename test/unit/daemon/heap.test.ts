import { describe, expect, it } from "vitest"
import { heapProblem, requiredHeapMB } from "../../../src/daemon/heap.ts"

const MB = 1024 * 1024

describe("the heap a daemon needs", () => {
  it("one job fits the daemon's cap (npm run daemon's flags give V8 a 268 MB heap limit)", () => {
    expect(heapProblem(268 * MB, 1)).toBeUndefined()
    expect(heapProblem(255 * MB, 1)).toBeDefined()
    expect(heapProblem(4096 * MB, 16)).toBeUndefined()
  })

  it("more jobs at once need 128 MB each; too small a heap names the setting and the flag to raise", () => {
    expect(requiredHeapMB(1)).toBe(256)
    expect(requiredHeapMB(3)).toBe(512)
    const problem = heapProblem(281 * MB, 3)
    expect(problem).toContain("REWIND_JOB_CONCURRENCY=3")
    expect(problem).toContain("--max-old-space-size=512")
    expect(problem).toContain("this process has 281 MB")
    expect(heapProblem(512 * MB, 3)).toBeUndefined()
    expect(heapProblem(511 * MB, 3)).toBeDefined()
  })
})
