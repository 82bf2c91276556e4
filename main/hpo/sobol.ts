import { Rng } from './random'

/**
 * Joe & Kuo's direction numbers (2008, `new-joe-kuo-6.21201`) for dimensions 2–37, one row each
 * as `s a m_1 … m_s`; dimension 1 is van der Corput. A 1 KB table rather than a dependency.
 */
const JOE_KUO =
  '1 0 1|2 1 1 3|3 1 1 3 1|3 2 1 1 1|4 1 1 1 3 3|4 4 1 3 5 13|5 2 1 1 5 5 17|5 4 1 1 5 5 5|5 7 1 1 7 11 19|5 11 1 1 5 1 1|5 13 1 1 1 3 11|5 14 1 3 5 5 31|6 1 1 3 3 9 7 49|6 13 1 1 1 15 21 21|6 16 1 3 1 13 27 49|6 19 1 1 1 15 7 5|6 22 1 3 1 15 13 25|6 25 1 1 5 5 19 61|7 1 1 3 7 11 23 15 103|7 4 1 3 7 13 13 15 69|7 7 1 1 3 13 7 35 63|7 8 1 3 5 9 1 25 53|7 14 1 3 1 13 9 35 107|7 19 1 3 1 5 27 61 31|7 21 1 1 5 11 19 41 61|7 28 1 3 5 3 3 13 69|7 31 1 1 7 13 1 19 1|7 32 1 3 7 5 13 19 59|7 37 1 1 3 9 25 29 41|7 41 1 3 5 13 23 1 55|7 42 1 3 7 3 13 59 17|7 50 1 3 1 3 5 53 69|7 55 1 1 5 5 23 33 13|7 56 1 1 7 7 1 61 123|7 59 1 1 7 9 13 61 49|7 62 1 3 3 5 3 55 33'

const BITS = 32

/** Most dimensions {@link Sobol} supports. */
export const SOBOL_MAX_DIM = JOE_KUO.split('|').length + 1

function directionNumbers(dim: number): Uint32Array[] {
  const rows = JOE_KUO.split('|')
  const out: Uint32Array[] = []
  for (let d = 0; d < dim; d++) {
    const v = new Uint32Array(BITS)
    if (d === 0) {
      for (let i = 0; i < BITS; i++) v[i] = (1 << (31 - i)) >>> 0
    } else {
      const [s, a, ...m] = (rows[d - 1] as string).split(' ').map(Number) as [number, number, ...number[]]
      for (let i = 0; i < BITS; i++) {
        if (i < s) v[i] = ((m[i] as number) << (31 - i)) >>> 0
        else {
          let x = (v[i - s] as number) ^ ((v[i - s] as number) >>> s)
          for (let k = 1; k < s; k++) if ((a >>> (s - 1 - k)) & 1) x ^= v[i - k] as number
          v[i] = x >>> 0
        }
      }
    }
    out.push(v)
  }
  return out
}

function parity(x: number): number {
  x ^= x >>> 16
  x ^= x >>> 8
  x ^= x >>> 4
  x ^= x >>> 2
  x ^= x >>> 1
  return x & 1
}

/**
 * The Sobol sequence in [0,1)^dim, plain or scrambled. Scrambling is a random linear matrix
 * scramble plus a digital shift (as SciPy's `qmc.Sobol(scramble=True)`), which keeps the
 * (t, m, s)-net balance of every 2^m-point block while removing the plain sequence's corner
 * point and axis-aligned artifacts. `point(i)` is random-access, so trial i of a study gets
 * point i whatever order trials are asked in.
 */
export class Sobol {
  private readonly v: Uint32Array[]
  private readonly shift: Uint32Array

  constructor(
    readonly dim: number,
    scramble: boolean,
    seed = 0
  ) {
    if (dim < 1 || dim > SOBOL_MAX_DIM) throw new Error(`Sobol supports 1–${SOBOL_MAX_DIM} dimensions, not ${dim}`)
    this.v = directionNumbers(dim)
    this.shift = new Uint32Array(dim)
    if (scramble) {
      const rng = new Rng(seed, 0x50b01)
      for (let d = 0; d < dim; d++) {
        // Lower-triangular (in MSB-first bit order) random binary matrix with unit diagonal.
        const rows = new Uint32Array(BITS)
        for (let b = 0; b < BITS; b++) {
          const higher = b === 0 ? 0 : (rng.nextUint32() >>> (BITS - b)) << (BITS - b)
          rows[b] = (higher | (1 << (31 - b))) >>> 0
        }
        const src = this.v[d] as Uint32Array
        const dst = new Uint32Array(BITS)
        for (let j = 0; j < BITS; j++) {
          let x = 0
          for (let b = 0; b < BITS; b++) if (parity((rows[b] as number) & (src[j] as number))) x |= 1 << (31 - b)
          dst[j] = x >>> 0
        }
        this.v[d] = dst
        this.shift[d] = rng.nextUint32()
      }
    }
  }

  /** The i-th point (i ≥ 0, < 2^31), in Gray-code order like SciPy's and Joe & Kuo's generators. */
  point(i: number): number[] {
    const gray = (i ^ (i >>> 1)) >>> 0
    const x: number[] = []
    for (let d = 0; d < this.dim; d++) {
      const v = this.v[d] as Uint32Array
      let acc = this.shift[d] as number
      let n = gray
      for (let b = 0; n > 0 && b < BITS; b++, n = Math.floor(n / 2)) if (n % 2 === 1) acc ^= v[b] as number
      x.push((acc >>> 0) / 4294967296)
    }
    return x
  }
}
