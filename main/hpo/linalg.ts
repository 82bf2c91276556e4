/**
 * The little dense linear algebra the GP needs — Cholesky factorization with jitter, triangular
 * solves — and a box-constrained L-BFGS minimizer. Matrices are row-major Float64Arrays of n×n;
 * n is at most a few hundred (trials), so plain loops are fast enough and avoid a dependency.
 */

/**
 * Lower Cholesky factor L (A = L·Lᵀ) of a symmetric positive-definite n×n matrix, in a new
 * array. Adds growing diagonal jitter (1e-10 … 1e-4 of the mean diagonal) when A is
 * numerically indefinite; throws if even that fails. Returns the jitter used.
 */
export function cholesky(a: Float64Array, n: number): { l: Float64Array; jitter: number } {
  let meanDiag = 0
  for (let i = 0; i < n; i++) meanDiag += a[i * n + i] as number
  meanDiag = Math.max(meanDiag / Math.max(n, 1), 1e-300)
  let jitter = 0
  for (let attempt = 0; attempt < 8; attempt++) {
    const l = tryCholesky(a, n, jitter)
    if (l) return { l, jitter }
    jitter = jitter === 0 ? 1e-10 * meanDiag : jitter * 10
  }
  throw new Error('matrix is not positive definite')
}

function tryCholesky(a: Float64Array, n: number, jitter: number): Float64Array | undefined {
  const l = new Float64Array(n * n)
  for (let j = 0; j < n; j++) {
    let s = (a[j * n + j] as number) + jitter
    for (let k = 0; k < j; k++) s -= (l[j * n + k] as number) ** 2
    if (!(s > 0)) return undefined
    const d = Math.sqrt(s)
    l[j * n + j] = d
    for (let i = j + 1; i < n; i++) {
      let t = a[i * n + j] as number
      for (let k = 0; k < j; k++) t -= (l[i * n + k] as number) * (l[j * n + k] as number)
      l[i * n + j] = t / d
    }
  }
  return l
}

/** Solves L·x = b (L lower triangular). */
export function solveLower(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = b[i] as number
    for (let k = 0; k < i; k++) s -= (l[i * n + k] as number) * (x[k] as number)
    x[i] = s / (l[i * n + i] as number)
  }
  return x
}

/** Solves Lᵀ·x = b (L lower triangular). */
export function solveUpperT(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n)
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i] as number
    for (let k = i + 1; k < n; k++) s -= (l[k * n + i] as number) * (x[k] as number)
    x[i] = s / (l[i * n + i] as number)
  }
  return x
}

/** Solves A·x = b given A's Cholesky factor L. */
export function cholSolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  return solveUpperT(l, n, solveLower(l, n, b))
}

/**
 * A⁻¹ from A's Cholesky factor (needed for the marginal-likelihood gradient): W = L⁻¹ by
 * forward substitution, then A⁻¹ = Wᵀ·W on one triangle — about n³/2 multiplications, half of
 * solving for each column.
 */
export function cholInverse(l: Float64Array, n: number): Float64Array {
  const w = new Float64Array(n * n) // row-major lower-triangular L⁻¹
  for (let j = 0; j < n; j++) {
    w[j * n + j] = 1 / (l[j * n + j] as number)
    for (let i = j + 1; i < n; i++) {
      let s = 0
      for (let k = j; k < i; k++) s -= (l[i * n + k] as number) * (w[k * n + j] as number)
      w[i * n + j] = s / (l[i * n + i] as number)
    }
  }
  const inv = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0
      for (let k = i; k < n; k++) s += (w[k * n + i] as number) * (w[k * n + j] as number)
      inv[i * n + j] = s
      inv[j * n + i] = s
    }
  }
  return inv
}

/** Result of {@link minimizeLbfgs}. */
export interface MinimizeResult {
  x: Float64Array
  f: number
  iterations: number
}

/**
 * Minimizes f over the box [lower, upper] (±Infinity for none) with L-BFGS (memory 8) and a
 * projected backtracking (Armijo) line search — a compact stand-in for L-BFGS-B that is enough
 * for the GP's smooth objectives. `fg` returns the value and writes the gradient into `g`.
 * Stops after `maxIter` iterations or when the projected gradient or the step is tiny.
 */
export function minimizeLbfgs(
  fg: (x: Float64Array, g: Float64Array) => number,
  x0: ArrayLike<number>,
  options: { lower?: ArrayLike<number>; upper?: ArrayLike<number>; maxIter?: number; tol?: number } = {}
): MinimizeResult {
  const n = x0.length
  const lower = options.lower
  const upper = options.upper
  const maxIter = options.maxIter ?? 100
  const tol = options.tol ?? 1e-6
  const project = (x: Float64Array): void => {
    for (let i = 0; i < n; i++) {
      if (lower && x[i]! < (lower[i] as number)) x[i] = lower[i] as number
      if (upper && x[i]! > (upper[i] as number)) x[i] = upper[i] as number
    }
  }
  let x = Float64Array.from(x0)
  project(x)
  let g = new Float64Array(n)
  let f = fg(x, g)
  if (!Number.isFinite(f)) return { x, f, iterations: 0 }
  const sList: Float64Array[] = []
  const yList: Float64Array[] = []
  const m = 8
  let it = 0
  for (; it < maxIter; it++) {
    // Directions along which a bound is active and the gradient pushes outward are frozen.
    const free = new Uint8Array(n)
    let pgNorm = 0
    for (let i = 0; i < n; i++) {
      const atLow = lower !== undefined && x[i]! <= (lower[i] as number) && g[i]! > 0
      const atHigh = upper !== undefined && x[i]! >= (upper[i] as number) && g[i]! < 0
      free[i] = atLow || atHigh ? 0 : 1
      if (free[i]) pgNorm = Math.max(pgNorm, Math.abs(g[i]!))
    }
    if (pgNorm < tol) break
    // Two-loop recursion on the free coordinates.
    const q = new Float64Array(n)
    for (let i = 0; i < n; i++) q[i] = free[i] ? g[i]! : 0
    const alpha: number[] = []
    for (let k = sList.length - 1; k >= 0; k--) {
      const s = sList[k]!
      const y = yList[k]!
      const rho = 1 / dot(y, s)
      const a = rho * dot(s, q)
      alpha[k] = a
      for (let i = 0; i < n; i++) q[i] = q[i]! - a * y[i]! * free[i]!
    }
    if (sList.length) {
      const s = sList[sList.length - 1]!
      const y = yList[yList.length - 1]!
      const gamma = dot(s, y) / dot(y, y)
      for (let i = 0; i < n; i++) q[i] = q[i]! * gamma
    } else {
      // First step: no curvature yet, so cap the largest move at 1 (the backtracking shrinks it).
      for (let i = 0; i < n; i++) q[i] = q[i]! / Math.max(pgNorm, 1)
    }
    for (let k = 0; k < sList.length; k++) {
      const s = sList[k]!
      const y = yList[k]!
      const rho = 1 / dot(y, s)
      const b = rho * dot(y, q)
      for (let i = 0; i < n; i++) q[i] = q[i]! + s[i]! * (alpha[k]! - b) * free[i]!
    }
    // d = −q; fall back to steepest descent if it is not a descent direction.
    let dg = 0
    for (let i = 0; i < n; i++) dg -= q[i]! * g[i]!
    if (!(dg < 0)) {
      for (let i = 0; i < n; i++) q[i] = free[i] ? g[i]! / Math.max(pgNorm, 1) : 0
      sList.length = 0
      yList.length = 0
    }
    let step = 1
    let xNew = new Float64Array(n)
    let gNew = new Float64Array(n)
    let fNew = Infinity
    let accepted = false
    for (let ls = 0; ls < 30; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! - step * q[i]!
      project(xNew)
      let decrease = 0
      for (let i = 0; i < n; i++) decrease += g[i]! * (xNew[i]! - x[i]!)
      fNew = fg(xNew, gNew)
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * decrease) {
        accepted = true
        break
      }
      step *= 0.5
    }
    if (!accepted) break
    const s = new Float64Array(n)
    const y = new Float64Array(n)
    let moved = 0
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!
      y[i] = gNew[i]! - g[i]!
      moved = Math.max(moved, Math.abs(s[i]!))
    }
    const sy = dot(s, y)
    if (sy > 1e-12) {
      sList.push(s)
      yList.push(y)
      if (sList.length > m) {
        sList.shift()
        yList.shift()
      }
    }
    const fOld = f
    x = xNew
    g = gNew
    f = fNew
    xNew = new Float64Array(n)
    gNew = new Float64Array(n)
    if (moved < 1e-10 || Math.abs(fOld - f) < 1e-12 * Math.max(1, Math.abs(f))) break
  }
  return { x, f, iterations: it }
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number)
  return s
}
