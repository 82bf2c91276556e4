/** Shared helpers for the engine tests: seeded data and relative-error measures. */

/** A seeded uniform generator in [-1, 1) (LCG; enough for test data). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31) - 1
}

/** n seeded values in [-1, 1). */
export function randomArray(n: number, seed: number): Float32Array {
  const r = seeded(seed)
  const a = new Float32Array(n)
  for (let i = 0; i < n; i++) a[i] = r()
  return a
}

/**
 * Relative error of `got` against `want`: max |got − want| / max(max |want|, 1e-6). Normalising by
 * the largest reference value (not element-wise) is the usual measure for matmul results, whose
 * individual entries can cancel to ~0.
 */
export function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Infinity
  let num = 0
  let den = 1e-6
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!)
    if (!(d <= num)) num = Number.isNaN(d) ? Infinity : d
    den = Math.max(den, Math.abs(want[i]!))
  }
  return num / den
}

/** float64 reference of C = alpha·op(A)·op(B) + beta·C0 (dense, no offsets). */
export function sgemmRef(tA: boolean, tB: boolean, M: number, N: number, K: number, alpha: number, A: Float32Array,
  B: Float32Array, beta: number, C0: Float32Array): Float64Array {
  const C = new Float64Array(M * N)
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0
      for (let k = 0; k < K; k++) s += (tA ? A[k * M + i]! : A[i * K + k]!) * (tB ? B[j * K + k]! : B[k * N + j]!)
      C[i * N + j] = alpha * s + (beta === 0 ? 0 : beta * C0[i * N + j]!)
    }
  }
  return C
}
