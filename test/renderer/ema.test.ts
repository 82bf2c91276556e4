import { describe, expect, it } from 'vitest'
import { EmaSmoother, clampSmoothing, emaSmooth } from '../../renderer/src/lib/ema'

describe('EMA smoothing (TensorBoard-style, debiased)', () => {
  it('returns the input unchanged at weight 0', () => {
    expect(emaSmooth([3, 1, 4, 1, 5], 0)).toEqual([3, 1, 4, 1, 5])
  })

  it('debiases: the first point equals the first value, not (1-w)·value', () => {
    const out = emaSmooth([10, 10, 10], 0.9)
    for (const v of out) expect(v).toBeCloseTo(10, 10)
  })

  it('matches the hand-computed debiased average', () => {
    const w = 0.5
    // last1 = 0.5·1 = 0.5 → /(1-0.5) = 1; last2 = 0.25 + 0.5·3 = 1.75 → /(1-0.25) = 2.3333
    const out = emaSmooth([1, 3], w)
    expect(out[0]).toBeCloseTo(1, 10)
    expect(out[1]).toBeCloseTo(1.75 / 0.75, 10)
  })

  it('lags a step change, more with a higher weight', () => {
    const xs = [...Array(10).fill(0), ...Array(10).fill(1)]
    const lo = emaSmooth(xs, 0.3)
    const hi = emaSmooth(xs, 0.9)
    expect(lo[12]!).toBeGreaterThan(hi[12]!)
    expect(hi[12]!).toBeLessThan(0.5)
  })

  it('passes non-finite values through without poisoning later points', () => {
    const out = emaSmooth([1, Number.NaN, 1, Number.POSITIVE_INFINITY, 1], 0.8)
    expect(Number.isNaN(out[1])).toBe(true)
    expect(out[3]).toBe(Number.POSITIVE_INFINITY)
    expect(out[4]).toBeCloseTo(1, 10)
  })

  it('is the same incrementally as in one pass', () => {
    const xs = Array.from({ length: 50 }, (_, i) => Math.sin(i) + i / 10)
    const s = new EmaSmoother(0.7)
    expect(xs.map((x) => s.push(x))).toEqual(emaSmooth(xs, 0.7))
  })

  it('rejects weights outside [0, 1) and clamps slider values to [0, 0.99]', () => {
    expect(() => new EmaSmoother(1)).toThrow(RangeError)
    expect(() => new EmaSmoother(-0.1)).toThrow(RangeError)
    expect(clampSmoothing(1.5)).toBe(0.99)
    expect(clampSmoothing(-1)).toBe(0)
    expect(clampSmoothing(Number.NaN)).toBe(0)
    expect(clampSmoothing(0.42)).toBe(0.42)
  })
})
