import { describe, expect, it } from 'vitest'
import { crc32, HyperbandPruner } from '../../../main/hpo/pruners/hyperbandPruner'
import { NopPruner } from '../../../main/hpo/pruners/nopPruner'
import { MedianPruner, PercentilePruner } from '../../../main/hpo/pruners/percentilePruner'
import { SuccessiveHalvingPruner } from '../../../main/hpo/pruners/successiveHalvingPruner'
import { prunerStudy } from './helpers'

// Cases mirror Optuna's own pruner tests (tests/pruners_tests), so the decisions match Optuna's.

describe('NopPruner', () => {
  it('never prunes, however bad the curve', () => {
    const h = prunerStudy(new NopPruner())
    const a = h.start()
    h.report(a, 0, 0)
    h.finish(a, 0)
    const b = h.start()
    h.report(b, 100, 0)
    expect(h.shouldPrune(b)).toBe(false)
  })
})

describe('MedianPruner', () => {
  it('is not activated on the first trial', () => {
    const h = prunerStudy(new MedianPruner({ nStartupTrials: 0, nWarmupSteps: 0 }))
    const t = h.start()
    h.report(t, 1, 1)
    expect(h.shouldPrune(t)).toBe(false)
  })
  for (const [direction, value] of [['minimize', 2], ['maximize', 0.5]] as const) {
    it(`prunes a worse intermediate value (${direction})`, () => {
      const h = prunerStudy(new MedianPruner({ nStartupTrials: 0, nWarmupSteps: 0 }), direction)
      const a = h.start()
      h.report(a, 1, 1)
      h.finish(a, 1)
      const b = h.start()
      expect(h.shouldPrune(b)).toBe(false) // no intermediate values yet
      h.report(b, value, 1)
      expect(h.shouldPrune(b)).toBe(true)
    })
  }
  it('prunes all-NaN trials but not against a NaN median', () => {
    const h = prunerStudy(new MedianPruner({ nStartupTrials: 0, nWarmupSteps: 0 }))
    const a = h.start()
    h.report(a, NaN, 1)
    expect(h.shouldPrune(a)).toBe(false) // no previous trials
    h.finish(a, -1)
    const b = h.start()
    h.report(b, NaN, 1)
    expect(h.shouldPrune(b)).toBe(true)
    h.finish(b, -1)
    const c = h.start()
    h.report(c, 1, 1)
    expect(h.shouldPrune(c)).toBe(false) // median of [NaN, NaN] is NaN
  })
  it('waits for nStartupTrials complete trials', () => {
    const h = prunerStudy(new MedianPruner({ nStartupTrials: 2 }))
    const a = h.start()
    h.report(a, 1, 1)
    h.finish(a, 1)
    const b = h.start()
    h.report(b, 2, 1)
    expect(h.shouldPrune(b)).toBe(false)
    h.finish(b, 2)
    const c = h.start()
    h.report(c, 3, 1)
    expect(h.shouldPrune(c)).toBe(true)
  })
  it('waits for nWarmupSteps', () => {
    const h = prunerStudy(new MedianPruner({ nStartupTrials: 0, nWarmupSteps: 1 }))
    const a = h.start()
    h.report(a, 1, 0)
    h.report(a, 1, 1)
    h.finish(a, 1)
    const b = h.start()
    h.report(b, 2, 0)
    expect(h.shouldPrune(b)).toBe(false)
    h.report(b, 2, 1)
    expect(h.shouldPrune(b)).toBe(true)
  })
  const cases: [number, number, number, number[]][] = [
    [0, 1, 1, [0, 1, 2, 3, 4, 5]],
    [1, 1, 1, [1, 2, 3, 4, 5]],
    [1, 2, 1, [1, 3, 5]],
    [0, 3, 10, Array.from({ length: 29 }, (_, i) => i)],
    [2, 3, 10, Array.from({ length: 19 }, (_, i) => i + 10)],
    [0, 10, 3, [0, 1, 2, 12, 13, 14, 21, 22, 23]],
    [2, 10, 3, [3, 4, 5, 12, 13, 14, 24, 25, 26]]
  ]
  for (const [warmup, interval, every, expected] of cases) {
    it(`checks only at interval steps (warmup ${warmup}, interval ${interval}, report every ${every})`, () => {
      const h = prunerStudy(new MedianPruner({ nStartupTrials: 0, nWarmupSteps: warmup, intervalSteps: interval }))
      const last = Math.max(...expected) + 1
      const a = h.start()
      for (let i = 0; i < last; i++) h.report(a, 0, i)
      h.finish(a, 0)
      const b = h.start()
      const pruned: number[] = []
      for (let i = 0; i < last; i++) {
        if (i % every === 0) h.report(b, 2, i)
        if (h.shouldPrune(b)) pruned.push(i)
      }
      expect(pruned).toEqual(expected)
    })
  }
})

describe('PercentilePruner', () => {
  it('uses the linear-interpolated percentile of complete trials at the same step', () => {
    // Complete trials at step 1: 1, 2, 3, 4, 5 → 25th percentile = 2, 75th = 4.
    const make = (q: number) => {
      const h = prunerStudy(new PercentilePruner(q, { nStartupTrials: 0 }))
      for (const v of [1, 2, 3, 4, 5]) {
        const t = h.start()
        h.report(t, v, 1)
        h.finish(t, v)
      }
      return h
    }
    const h25 = make(25)
    const a = h25.start()
    h25.report(a, 2.1, 1)
    expect(h25.shouldPrune(a)).toBe(true)
    const h75 = make(75)
    const b = h75.start()
    h75.report(b, 3.9, 1)
    expect(h75.shouldPrune(b)).toBe(false)
    const c = h75.start()
    h75.report(c, 4.1, 1)
    expect(h75.shouldPrune(c)).toBe(true)
  })
  it('compares the best value over the trial’s steps, and needs nMinTrials at the step', () => {
    const h = prunerStudy(new PercentilePruner(50, { nStartupTrials: 0, nMinTrials: 2 }))
    const a = h.start()
    h.report(a, 1, 0)
    h.report(a, 1, 1)
    h.finish(a, 1)
    const b = h.start()
    h.report(b, 0.5, 0)
    h.report(b, 3, 1)
    expect(h.shouldPrune(b)).toBe(false) // only one complete trial reported step 1
    h.finish(b, 3)
    const c = h.start()
    h.report(c, 0.1, 0)
    h.report(c, 5, 1) // best so far is 0.1 ≤ median(1, 3) = 2
    expect(h.shouldPrune(c)).toBe(false)
    const d = h.start()
    h.report(d, 2.5, 0)
    h.report(d, 2.4, 1) // best 2.4 > 2
    expect(h.shouldPrune(d)).toBe(true)
  })
  it('rejects a percentile outside [0, 100]', () => {
    expect(() => new PercentilePruner(101)).toThrow(/percentile/)
  })
})

describe('SuccessiveHalvingPruner', () => {
  for (const [direction, value] of [['minimize', 2], ['maximize', 0.5]] as const) {
    it(`prunes against the running trials' rung values (${direction})`, () => {
      const h = prunerStudy(new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2, minEarlyStoppingRate: 0 }), direction)
      const a = h.start()
      h.report(a, 1, 1)
      expect(h.shouldPrune(a)).toBe(false)
      const b = h.start()
      expect(h.shouldPrune(b)).toBe(false)
      h.report(b, value, 1)
      expect(h.shouldPrune(b)).toBe(true)
    })
  }
  it('promotes through rungs like Optuna (rung check)', () => {
    const h = prunerStudy(new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2, minEarlyStoppingRate: 0 }))
    for (let i = 0; i < 7; i++) {
      const t = h.start()
      h.report(t, 0.1 * (i + 1), 7)
      h.shouldPrune(t)
    }
    const rungs = (n: number): string[] => Object.keys(h.trial(n).attrs).sort()
    const a = h.start()
    h.report(a, 0.75, 7)
    expect(h.shouldPrune(a)).toBe(true)
    expect(rungs(a)).toEqual(['completed_rung_0'])
    const b = h.start()
    h.report(b, 0.25, 7)
    expect(h.shouldPrune(b)).toBe(true)
    expect(rungs(b)).toEqual(['completed_rung_0', 'completed_rung_1'])
    const c = h.start()
    h.report(c, 0.05, 7)
    expect(h.shouldPrune(c)).toBe(false)
    expect(rungs(c)).toEqual(['completed_rung_0', 'completed_rung_1', 'completed_rung_2'])
  })
  it('places rungs at minResource · η^(s + k) and estimates minResource from complete trials', () => {
    const h = prunerStudy(new SuccessiveHalvingPruner({ reductionFactor: 3, minEarlyStoppingRate: 1 }))
    const a = h.start()
    for (let s = 0; s < 300; s++) h.report(a, 1, s)
    expect(h.shouldPrune(a)).toBe(false) // no complete trial yet: 'auto' cannot decide
    h.finish(a, 1)
    // minResource = max(⌊299 / 100⌋, 1) = 2; s = 1 → first rung at step 2·3 = 6.
    const b = h.start()
    h.report(b, 5, 5)
    expect(h.shouldPrune(b)).toBe(false)
    const c = h.start()
    h.report(c, 1, 6)
    expect(h.shouldPrune(c)).toBe(false) // first at rung 0: promoted when best so far
    h.report(b, 5, 6)
    expect(h.shouldPrune(b)).toBe(true) // 5 vs [1, 5]: not in the top 1/3
  })
})

describe('HyperbandPruner', () => {
  it('computes crc32 like zlib', () => {
    expect(crc32('123456789')).toBe(0xcbf43926)
    expect(crc32('')).toBe(0)
  })
  it('has ⌊log_η(max/min)⌋ + 1 brackets with Optuna’s budgets, trials spread by crc32', () => {
    const p = new HyperbandPruner({ minResource: 1, maxResource: 27, reductionFactor: 3 })
    const h = prunerStudy(p, 'minimize', 'hb')
    const t = h.start()
    h.report(t, 1, 0)
    h.shouldPrune(t)
    expect(p.nBrackets).toBe(4)
    // Budgets ⌈4·3^(3−s)/(4−s)⌉ = 27, 12, 6, 4 of 49: bracket 0 gets about 55% of trials.
    const counts = [0, 0, 0, 0]
    for (let n = 0; n < 4900; n++) counts[p.bracketOf('hb', n)]!++
    expect(counts[0]! / 4900).toBeCloseTo(27 / 49, 1)
    expect(counts[3]! / 4900).toBeCloseTo(4 / 49, 1)
    for (let n = 0; n < 50; n++) {
      const b = p.bracketOf('hb', n)
      const budget = crc32(`hb_${n}`) % 49
      expect(b).toBe(budget < 27 ? 0 : budget < 39 ? 1 : budget < 45 ? 2 : 3)
    }
  })
  it('prunes only against trials of the same bracket', () => {
    const p = new HyperbandPruner({ minResource: 1, maxResource: 9, reductionFactor: 3 })
    const h = prunerStudy(p, 'minimize', 'hb2')
    for (let i = 0; i < 30; i++) h.start()
    expect(p.prune(h.study, h.trial(0))).toBe(false) // no report yet; sets up 3 brackets
    expect(p.nBrackets).toBe(3)
    const inBracket = (b: number): number[] => Array.from({ length: 30 }, (_, n) => n).filter((n) => p.bracketOf('hb2', n) === b)
    const [a0, a1] = inBracket(0) as [number, number]
    const [b0] = inBracket(1) as [number]
    h.report(a0, 0.1, 1) // bracket 0: first rung at step 1
    expect(h.shouldPrune(a0)).toBe(false)
    // Bracket 1's first rung is at step 3 and uses the same attribute name; sharing it with
    // bracket 0 would prune this trial (5 vs 0.1). Alone in its bracket it is promoted.
    h.report(b0, 5, 3)
    expect(h.shouldPrune(b0)).toBe(false)
    h.report(a1, 5, 1)
    expect(h.shouldPrune(a1)).toBe(true)
  })
})
