/**
 * Summaries of weight and activation tensors for TensorBoard-style "distributions" charts: per
 * epoch and layer, a few quantile bands and a histogram, small enough to store as one metric row
 * each. The trainer samples the tensor values (dataSync), this module only does arithmetic.
 */
import type { Numbers } from './classification'
import { histogram, type Histogram } from './regression'

/**
 * Percentiles of TensorBoard's compressed histograms (its basis points 0, 668, 1587, 3085, 5000,
 * …): the min, the normal distribution's ±1.5σ, ±1σ, ±0.5σ points, the median and the max, so
 * that the bands of a Gaussian are evenly spaced.
 */
export const DISTRIBUTION_PERCENTILES = [0, 6.68, 15.87, 30.85, 50, 69.15, 84.13, 93.32, 100] as const

/** What a distribution chart needs for one tensor at one step. */
export interface DistributionSummary {
  /** Finite values summarised (after sampling, see {@link summarizeDistribution}). */
  count: number
  /** NaN or ±Infinity values seen: a diverging layer shows here first. */
  nonFinite: number
  min: number
  max: number
  mean: number
  std: number
  /** value at each of {@link DISTRIBUTION_PERCENTILES}, in order. */
  quantiles: number[]
  histogram: Histogram
}

/**
 * Quantile q ∈ [0, 1] of sorted values by linear interpolation between closest ranks (numpy's
 * default 'linear' method).
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length
  if (n === 0) return Number.NaN
  const pos = q * (n - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(lo + 1, n - 1)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo)
}

/**
 * Summarises `values` with exact quantiles of the finite values. Tensors above `maxSamples`
 * values (default 2^20) are summarised from every ⌈n/maxSamples⌉-th value, a deterministic sample
 * that keeps a big Dense kernel's summary under ~100 ms; min, max and the non-finite count still
 * see every value.
 */
export function summarizeDistribution(values: Numbers, opts: { bins?: number; maxSamples?: number } = {}): DistributionSummary {
  const stride = Math.max(1, Math.ceil(values.length / (opts.maxSamples ?? 1 << 20)))
  let nonFinite = 0
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (!Number.isFinite(v)) { nonFinite++; continue }
    if (v < min) min = v
    if (v > max) max = v
  }
  const sample = new Float64Array(Math.ceil(values.length / stride))
  let m = 0
  for (let i = 0; i < values.length; i += stride) {
    const v = values[i]!
    if (Number.isFinite(v)) sample[m++] = v
  }
  const sorted = sample.subarray(0, m).sort()
  let mean = 0
  for (let i = 0; i < m; i++) mean += sorted[i]!
  mean = m > 0 ? mean / m : Number.NaN
  let varSum = 0
  for (let i = 0; i < m; i++) varSum += (sorted[i]! - mean) ** 2
  const quantiles = DISTRIBUTION_PERCENTILES.map((p) => (p === 0 ? min : p === 100 ? max : quantileSorted(sorted, p / 100)))
  return {
    count: m,
    nonFinite,
    min: m > 0 ? min : Number.NaN,
    max: m > 0 ? max : Number.NaN,
    mean,
    std: m > 0 ? Math.sqrt(varSum / m) : Number.NaN,
    quantiles: m > 0 ? quantiles : quantiles.map(() => Number.NaN),
    histogram: histogram(sorted, opts.bins ?? 30, m > 0 ? [min, max] : undefined)
  }
}
