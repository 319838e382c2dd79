/** mulberry32: small, fast, seeded; good enough for synthetic data and randomized tests. */
export const mulberry32 = (seed: number): () => number => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A seeded source of numbers in [0, 1), integers in [0, n), picks and coin flips. */
export const prng = (seed: number) => {
  const next = mulberry32(seed)
  const int = (n: number): number => Math.floor(next() * n)
  const pick = <A>(xs: ReadonlyArray<A>): A => xs[int(xs.length)]!
  const chance = (p: number): boolean => next() < p
  return { next, int, pick, chance }
}
export type Prng = ReturnType<typeof prng>
