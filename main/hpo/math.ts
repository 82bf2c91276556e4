/**
 * Scalar special functions for the samplers: the normal distribution (pdf, cdf, inverse cdf,
 * log of an interval's mass), truncated-normal sampling and log-sum-exp. Accurate to ~1e-7
 * relative even in the tails, which is what TPE's likelihood ratios and EI need.
 */

const SQRT2 = Math.SQRT2
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI)

/** Complementary error function (Chebyshev fit, Numerical Recipes `erfcc`; relative error < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x)
  const t = 1 / (1 + 0.5 * z)
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
    )
  return x >= 0 ? r : 2 - r
}

/** Standard normal density. */
export function normPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI)
}

/** Log of the standard normal density. */
export function normLogPdf(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI
}

/** Standard normal cumulative distribution Φ(z). */
export function normCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2)
}

/** Inverse of Φ (Acklam's rational approximation with one Halley step; |error| < 1e-9). */
export function normIcdf(p: number): number {
  if (p <= 0) return -Infinity
  if (p >= 1) return Infinity
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239]
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1]
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416]
  const pl = 0.02425
  let x: number
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p))
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
  } else if (p <= 1 - pl) {
    const q = p - 0.5
    const r = q * q
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p))
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
  }
  // One Halley refinement step against our own cdf keeps sampling and log-pdf consistent.
  const e = normCdf(x) - p
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2)
  return x - u / (1 + (x * u) / 2)
}

/**
 * log(Φ(b) − Φ(a)) for a ≤ b, computed on the side of the distribution where the difference
 * does not cancel (upper tail through erfc), so far-tail intervals keep their relative accuracy.
 */
export function logNormMass(a: number, b: number): number {
  let m: number
  if (a >= 0) m = 0.5 * (erfc(a / SQRT2) - erfc(b / SQRT2))
  else if (b <= 0) m = 0.5 * (erfc(-b / SQRT2) - erfc(-a / SQRT2))
  else m = 1 - 0.5 * erfc(-a / SQRT2) - 0.5 * erfc(b / SQRT2)
  return Math.log(Math.max(m, 1e-300))
}

/** A draw from N(mu, sigma²) truncated to [low, high], by inverse cdf (mirrored into the lower tail for accuracy). */
export function truncNormSample(u: number, mu: number, sigma: number, low: number, high: number): number {
  let a = (low - mu) / sigma
  let b = (high - mu) / sigma
  let flip = false
  if (a > 0) {
    // Work in the lower tail, where Φ has full relative precision.
    ;[a, b] = [-b, -a]
    flip = true
  }
  const pa = normCdf(a)
  const pb = normCdf(b)
  let z = normIcdf(pa + u * (pb - pa))
  if (!Number.isFinite(z)) z = u < 0.5 ? a : b
  z = Math.min(Math.max(z, a), b)
  if (flip) z = -z
  return Math.min(Math.max(mu + sigma * z, low), high)
}

/** log Σ exp(x_i), stable; −Infinity for an empty list. */
export function logSumExp(xs: ArrayLike<number>): number {
  let m = -Infinity
  for (let i = 0; i < xs.length; i++) if ((xs[i] as number) > m) m = xs[i] as number
  if (m === -Infinity) return -Infinity
  let s = 0
  for (let i = 0; i < xs.length; i++) s += Math.exp((xs[i] as number) - m)
  return m + Math.log(s)
}

/** Linear-interpolated percentile of finite values (NumPy's default `np.percentile` method); NaN if none. */
export function percentile(values: readonly number[], q: number): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((x, y) => x - y)
  if (v.length === 0) return NaN
  const rank = (q / 100) * (v.length - 1)
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  return (v[lo] as number) + ((v[hi] as number) - (v[lo] as number)) * (rank - lo)
}
