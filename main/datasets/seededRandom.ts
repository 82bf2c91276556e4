/**
 * Small deterministic random helpers shared by the sample generators, the split code and the
 * trainer's shuffle. Math.random cannot be seeded, and a run or a sample file must come out the
 * same on every machine for a given seed.
 */

/** A seeded uniform generator in [0, 1). */
export type Rng = () => number

/**
 * Creates a mulberry32 generator for `seed` (any integer; only the low 32 bits count).
 * Called wherever reproducible randomness is needed; the same seed always yields the same stream.
 */
export function createRng(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Draws one standard-normal sample (Box–Muller). Consumes two draws of `rng`, so a stream stays
 * aligned whatever the values are.
 */
export function normal(rng: Rng): number {
  const u = 1 - rng() // (0, 1]: log(0) would be -Infinity
  const v = rng()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

/** Fisher–Yates shuffle in place with `rng`; returns the same array for chaining. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(a: T, rng: Rng): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    const t = a[i]!
    a[i] = a[j]!
    a[j] = t
  }
  return a
}

/** The permutation 0..n-1 shuffled by a generator seeded with `seed`. */
export function seededPermutation(n: number, seed: number): Int32Array {
  const p = new Int32Array(n)
  for (let i = 0; i < n; i++) p[i] = i
  return shuffleInPlace(p, createRng(seed))
}
