/**
 * TensorBoard-style exponential moving average with debiasing: the first points are not pulled
 * toward zero (the running average is divided by 1 − weightⁿ). Non-finite values pass through
 * unchanged and do not poison the average.
 */
export class EmaSmoother {
  private last = 0
  private count = 0

  /** @param weight smoothing in [0, 1); 0 returns the input unchanged. */
  constructor(readonly weight: number) {
    if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`)
  }

  /** Feeds one value and returns its smoothed value. */
  push(value: number): number {
    if (!Number.isFinite(value)) return value
    if (this.weight === 0) return value
    this.last = this.last * this.weight + (1 - this.weight) * value
    this.count++
    return this.last / (1 - this.weight ** this.count)
  }
}

/** Smooths a whole array (see EmaSmoother). */
export function emaSmooth(values: readonly number[], weight: number): number[] {
  const s = new EmaSmoother(weight)
  return values.map((v) => s.push(v))
}

/** Clamps a slider value to the range EmaSmoother accepts (0 … 0.99). */
export function clampSmoothing(w: number): number {
  if (!Number.isFinite(w)) return 0
  return Math.min(0.99, Math.max(0, w))
}
