import { describe, expect, it } from "vitest"
import { backoffMs } from "../../../src/platform/transport.ts"

describe("backoffMs (retries after 5xx, 408, timeouts)", () => {
  it("doubles from 250 ms up to 8 s, with equal jitter: half fixed, half random", () => {
    for (const [failures, ceiling] of [[1, 250], [2, 500], [3, 1_000], [5, 4_000], [6, 8_000], [12, 8_000]] as const) {
      const delays = Array.from({ length: 200 }, () => backoffMs(failures))
      for (const d of delays) {
        expect(d).toBeGreaterThanOrEqual(ceiling / 2)
        expect(d).toBeLessThanOrEqual(ceiling)
      }
      // Jittered: clients that failed together do not retry together.
      expect(new Set(delays).size).toBeGreaterThan(20)
      expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(ceiling / 4)
    }
  })
})
