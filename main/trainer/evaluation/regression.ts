/**
 * Regression metrics and the data behind the regression charts (predicted-vs-actual scatter,
 * residual histogram). Values are flat arrays of n×t numbers (t targets per example, row-major).
 * Definitions follow scikit-learn (mean_squared_error, mean_absolute_error, r2_score with
 * uniform averaging over targets) and Keras (Huber with delta 1).
 */
import type { Numbers } from './classification'

/** The numbers of the regression table. */
export interface RegressionReport {
  mse: number
  rmse: number
  mae: number
  huber: number
  /** Coefficient of determination, averaged over targets. 1 is perfect; below 0 is worse than predicting the mean. */
  r2: number
  count: number
}

function checkPair(yTrue: Numbers, yPred: Numbers): void {
  if (yTrue.length !== yPred.length) throw new Error(`regression metrics need as many predictions (${yPred.length}) as targets (${yTrue.length})`)
}

/** Mean squared error over all values. */
export function meanSquaredError(yTrue: Numbers, yPred: Numbers): number {
  checkPair(yTrue, yPred)
  let s = 0
  for (let i = 0; i < yTrue.length; i++) { const d = yPred[i]! - yTrue[i]!; s += d * d }
  return yTrue.length > 0 ? s / yTrue.length : 0
}

/** Mean absolute error over all values. */
export function meanAbsoluteError(yTrue: Numbers, yPred: Numbers): number {
  checkPair(yTrue, yPred)
  let s = 0
  for (let i = 0; i < yTrue.length; i++) s += Math.abs(yPred[i]! - yTrue[i]!)
  return yTrue.length > 0 ? s / yTrue.length : 0
}

/** Mean Huber loss: ½e² where |e| ≤ δ, δ(|e| − ½δ) beyond (Keras's default δ = 1). */
export function huberError(yTrue: Numbers, yPred: Numbers, delta = 1): number {
  checkPair(yTrue, yPred)
  let s = 0
  for (let i = 0; i < yTrue.length; i++) {
    const a = Math.abs(yPred[i]! - yTrue[i]!)
    s += a <= delta ? 0.5 * a * a : delta * (a - 0.5 * delta)
  }
  return yTrue.length > 0 ? s / yTrue.length : 0
}

/**
 * R² per target, averaged (sklearn's r2_score, multioutput='uniform_average'). A constant target
 * gives 1 when predicted exactly and 0 otherwise, as sklearn's force_finite does, instead of ±∞.
 */
export function r2Score(yTrue: Numbers, yPred: Numbers, numTargets = 1): number {
  checkPair(yTrue, yPred)
  const n = Math.floor(yTrue.length / numTargets)
  if (n === 0) return 0
  let sum = 0
  for (let t = 0; t < numTargets; t++) {
    let mean = 0
    for (let i = 0; i < n; i++) mean += yTrue[i * numTargets + t]!
    mean /= n
    let ssRes = 0
    let ssTot = 0
    for (let i = 0; i < n; i++) {
      const y = yTrue[i * numTargets + t]!
      const e = y - yPred[i * numTargets + t]!
      ssRes += e * e
      ssTot += (y - mean) * (y - mean)
    }
    sum += ssTot > 0 ? 1 - ssRes / ssTot : ssRes === 0 ? 1 : 0
  }
  return sum / numTargets
}

/** All regression numbers at once (the evaluation view's table). */
export function regressionReport(yTrue: Numbers, yPred: Numbers, numTargets = 1): RegressionReport {
  const mse = meanSquaredError(yTrue, yPred)
  return { mse, rmse: Math.sqrt(mse), mae: meanAbsoluteError(yTrue, yPred), huber: huberError(yTrue, yPred), r2: r2Score(yTrue, yPred, numTargets), count: Math.floor(yTrue.length / numTargets) }
}

/**
 * (actual, predicted) pairs for the scatter chart of one target, thinned to at most `maxPoints` by
 * taking every ⌈n/maxPoints⌉-th example (deterministic, so the chart does not shimmer between
 * epochs the way random sampling would).
 */
export function predictedVsActual(yTrue: Numbers, yPred: Numbers, opts: { numTargets?: number; target?: number; maxPoints?: number } = {}): { actual: Float32Array; predicted: Float32Array; stride: number } {
  checkPair(yTrue, yPred)
  const t = opts.numTargets ?? 1
  const which = opts.target ?? 0
  const n = Math.floor(yTrue.length / t)
  const stride = Math.max(1, Math.ceil(n / (opts.maxPoints ?? 5000)))
  const m = Math.ceil(n / stride)
  const actual = new Float32Array(m)
  const predicted = new Float32Array(m)
  for (let j = 0, i = 0; i < n; i += stride, j++) {
    actual[j] = yTrue[i * t + which]!
    predicted[j] = yPred[i * t + which]!
  }
  return { actual, predicted, stride }
}

/** A histogram: `counts[i]` values fell in [edges[i], edges[i+1]) (the last bin includes its right edge). */
export interface Histogram {
  edges: Float64Array
  counts: Int32Array
}

/**
 * Equal-width histogram over [min, max] of the finite values, like numpy.histogram(values, bins).
 * All-equal values get the range [v − 0.5, v + 0.5] (numpy's rule); non-finite values are skipped.
 */
export function histogram(values: Numbers, bins: number, range?: [number, number]): Histogram {
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  if (range) [lo, hi] = range
  else for (let i = 0; i < values.length; i++) { const v = values[i]!; if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v } }
  if (!Number.isFinite(lo)) { lo = 0; hi = 1 }
  if (lo === hi) { lo -= 0.5; hi += 0.5 }
  const edges = new Float64Array(bins + 1)
  // numpy.linspace's arithmetic (start + i·step, exact end), so values on an edge land where numpy puts them.
  const step = (hi - lo) / bins
  for (let i = 0; i < bins; i++) edges[i] = lo + i * step
  edges[bins] = hi
  const counts = new Int32Array(bins)
  const scale = bins / (hi - lo)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (!Number.isFinite(v) || v < lo || v > hi) continue
    let b = Math.floor((v - lo) * scale)
    if (b >= bins) b = bins - 1
    // Floating-point rounding can put a value one bin off its edges; numpy compares with the edges.
    if (b > 0 && v < edges[b]!) b--
    else if (b < bins - 1 && v >= edges[b + 1]!) b++
    counts[b]!++
  }
  return { edges, counts }
}

/** Histogram of residuals (predicted − actual) of all targets, for the residual chart. */
export function residualHistogram(yTrue: Numbers, yPred: Numbers, bins = 30): Histogram {
  checkPair(yTrue, yPred)
  const r = new Float64Array(yTrue.length)
  for (let i = 0; i < r.length; i++) r[i] = yPred[i]! - yTrue[i]!
  return histogram(r, bins)
}
