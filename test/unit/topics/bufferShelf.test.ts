import { describe, expect, it } from "@effect/vitest"
import { BufferShelf, SPARE_BUFFERS } from "../../../src/topics/bufferShelf.ts"

describe("buffer shelf", () => {
  it("hands out the smallest kept buffer that is big enough, else makes one an eighth bigger", () => {
    const shelf = new BufferShelf()
    const a = shelf.take(800)
    expect(a.byteLength).toBe(900)
    const b = shelf.take(1600)
    expect(b.byteLength).toBe(1800)
    expect(shelf.made).toBe(2)
    shelf.keep(a)
    shelf.keep(b)
    expect(shelf.take(850)).toBe(a)
    expect(shelf.take(850)).toBe(b)
    expect(shelf.made).toBe(2)
  })

  it("keeps the biggest buffers, so batches growing a little stop making new ones", () => {
    const shelf = new BufferShelf()
    for (let bytes = 1000; bytes < 2000; bytes += 20) shelf.keep(shelf.take(bytes))
    // Each new buffer has room for the next few batches: a handful, not one per batch.
    expect(shelf.made).toBeLessThanOrEqual(6)
    expect(shelf.sizes().length).toBeLessThanOrEqual(SPARE_BUFFERS)
    expect(shelf.sizes()[0]).toBeGreaterThanOrEqual(1980)
    // A small buffer coming back does not push out bigger ones.
    shelf.keep(new SharedArrayBuffer(10))
    shelf.keep(new SharedArrayBuffer(20))
    expect(shelf.sizes()[0]).toBeGreaterThanOrEqual(1980)
    expect(Math.min(...shelf.sizes())).toBeGreaterThan(20)
  })

  it("keeps nothing once closed", () => {
    const shelf = new BufferShelf()
    const a = shelf.take(100)
    shelf.close()
    shelf.keep(a)
    expect(shelf.sizes()).toEqual([])
    expect(shelf.take(100)).not.toBe(a)
  })
})
