/**
 * Seeded pseudo-random numbers for samplers: xoshiro128** (Blackman & Vigna), seeded through
 * splitmix32 so that nearby seeds give unrelated streams. Pure JS on 32-bit integers, so a seed
 * gives the same sequence on every platform — the basis of "deterministic for a seed".
 */
export class Rng {
  private s0 = 0
  private s1 = 0
  private s2 = 0
  private s3 = 0
  private spareNormal: number | undefined

  /**
   * A generator for `seed` and optional extra keys (e.g. a trial number): `new Rng(seed, 7)` is
   * a stream of its own, so a sampler can derive trial 7's randomness without replaying trials
   * 0–6 — a resumed study proposes exactly what the uninterrupted one would have.
   */
  constructor(seed: number, ...keys: number[]) {
    let h = (Math.floor(seed) ^ 0x9e3779b9) >>> 0
    for (const k of keys) h = (splitmix32(h) ^ (Math.floor(k) >>> 0)) >>> 0
    h = splitmix32(h)
    this.s0 = h = splitmix32(h)
    this.s1 = h = splitmix32(h)
    this.s2 = h = splitmix32(h)
    this.s3 = h = splitmix32(h)
    // An all-zero state never leaves zero; splitmix makes this practically impossible but guard.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0
    const t = this.s1 << 9
    this.s2 ^= this.s0
    this.s3 ^= this.s1
    this.s1 ^= this.s2
    this.s0 ^= this.s3
    this.s2 ^= t
    this.s3 = rotl(this.s3, 11)
    return result
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5 // 27 bits
    const lo = this.nextUint32() >>> 6 // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random()
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.random() * n)
  }

  /** Standard normal (Marsaglia polar method; the second value is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal
      this.spareNormal = undefined
      return v
    }
    for (;;) {
      const u = 2 * this.random() - 1
      const v = 2 * this.random() - 1
      const s = u * u + v * v
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s)
        this.spareNormal = v * m
        return u * m
      }
    }
  }

  /** One element of a non-empty array, uniformly. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('choice from an empty list')
    return items[this.int(items.length)] as T
  }

  /** Index drawn with probability proportional to non-negative `weights` (sum > 0). */
  weightedIndex(weights: ArrayLike<number>): number {
    let total = 0
    for (let i = 0; i < weights.length; i++) total += weights[i] as number
    let r = this.random() * total
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] as number
      if (r < 0) return i
    }
    return weights.length - 1
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = items[i] as T
      items[i] = items[j] as T
      items[j] = t
    }
    return items
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}

/** splitmix32: a 32-bit mixer used only to spread seeds over the generator state. */
function splitmix32(a: number): number {
  a = (a + 0x9e3779b9) >>> 0
  let z = a
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
  return (z ^ (z >>> 16)) >>> 0
}
