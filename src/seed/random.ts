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

/** 32-bit integer hash (murmur3 finalizer over a combination of the inputs). */
export const hash32 = (...xs: ReadonlyArray<number>): number => {
  let h = 0x9e3779b9
  for (const x of xs) {
    h = Math.imul(h ^ (x >>> 0), 0x85ebca6b)
    h ^= h >>> 13
    h = Math.imul(h, 0xc2b2ae35)
    h ^= h >>> 16
  }
  return h >>> 0
}

export const hashString = (s: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** Seeded numbers for the generator (mulberry32, src/seed/random.ts). */
export class Rng {
  readonly next: () => number
  constructor(seed: number) {
    this.next = mulberry32(seed)
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<A>(xs: ReadonlyArray<A>): A {
    return xs[Math.floor(this.next() * xs.length)]!
  }
  weighted<A>(xs: ReadonlyArray<readonly [A, number]>): A {
    let total = 0
    for (const [, w] of xs) total += w
    let r = this.next() * total
    for (const [x, w] of xs) {
      r -= w
      if (r < 0) return x
    }
    return xs[xs.length - 1]![0]
  }
}
