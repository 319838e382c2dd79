import { describe, expect, it } from "vitest"
import { idChunks, ParamChars } from "../../../src/store/sql.ts"

const uuid = (k: number) => `${String(k).padStart(8, "0")}-0000-4000-8000-${String(k).padStart(12, "0")}`

describe("idChunks (ids per HTTP query parameter)", () => {
  it("keeps every id once, in order, each chunk within the budget", () => {
    const ids = Array.from({ length: 10_000 }, (_, k) => uuid(k))
    const chunks = idChunks([...ids, ...ids.slice(0, 100)])
    expect(chunks.flat()).toEqual(ids)
    expect(chunks.length).toBeGreaterThan(1)
    for (const c of chunks) expect(c.reduce((n, id) => n + id.length + 3, 0)).toBeLessThanOrEqual(ParamChars)
  })

  it("no ids: no chunk; a small list: one chunk; an id longer than the budget: a chunk of its own", () => {
    expect(idChunks([])).toEqual([])
    expect(idChunks(["a", "b"])).toEqual([["a", "b"]])
    expect(idChunks(["a", "x".repeat(20), "b"], 10)).toEqual([["a"], ["x".repeat(20)], ["b"]])
  })
})
