import { describe, expect, it } from 'vitest'
import { bestParams, bestSoFar, contourData, estimateTimeToFinish, intermediateCurves, parallelCoordinates, parameterImportance, sliceData, timeline } from '../../../main/hpo/analysis'
import { MemoryStorage } from '../../../main/hpo/memoryStorage'
import { Rng } from '../../../main/hpo/random'
import { autoSampler, budgetHint } from '../../../main/hpo/samplers/autoSampler'
import { RandomSampler } from '../../../main/hpo/samplers/randomSampler'
import type { SearchSpace } from '../../../main/hpo/space'
import { Study } from '../../../main/hpo/study'
import type { Trial } from '../../../main/hpo/types'
import { mixedSpace } from './helpers'

function trial(number: number, value: number | undefined, state: Trial['state'] = 'complete', extra: Partial<Trial> = {}): Trial {
  return { number, state, params: {}, intermediate: {}, attrs: {}, ...(value !== undefined ? { value } : {}), ...extra }
}

describe('bestSoFar', () => {
  it('tracks the running best per direction, skipping unfinished trials', () => {
    const ts = [trial(0, 5), trial(1, 7), trial(2, undefined, 'failed'), trial(3, 3), trial(4, 4), trial(5, undefined, 'running')]
    expect(bestSoFar(ts, 'minimize').map((p) => [p.number, p.best, p.isBest])).toEqual([
      [0, 5, true],
      [1, 5, false],
      [3, 3, true],
      [4, 3, false]
    ])
    expect(bestSoFar(ts, 'maximize').map((p) => p.best)).toEqual([5, 7, 7, 7])
    expect(bestParams(ts, 'minimize')?.number).toBe(3)
  })
})

describe('parameterImportance', () => {
  const space: SearchSpace = {
    params: [
      { name: 'lr', kind: 'float', low: 1e-4, high: 1, log: true },
      { name: 'units', kind: 'int', low: 8, high: 256 },
      { name: 'act', kind: 'categorical', choices: ['relu', 'tanh'] },
      { name: 'noise', kind: 'float', low: 0, high: 1 }
    ]
  }
  it('ranks a dominant parameter first and sums to 1', () => {
    const study = Study.create(new MemoryStorage(), { name: 'i', direction: 'minimize', space, now: 0 }, { sampler: new RandomSampler(4) })
    const rng = new Rng(9)
    study.optimize((p) => 2 * Math.abs(Math.log10(p.lr as number) + 2) + ((p.units as number) / 256) * 1.5 + (p.act === 'relu' ? 0 : 1) + 0.05 * rng.random(), 80)
    const imp = parameterImportance(study.trials(), space)
    expect(imp[0]!.name).toBe('lr')
    expect(imp[0]!.importance).toBeGreaterThan(0.5)
    expect(imp.reduce((s, x) => s + x.importance, 0)).toBeCloseTo(1, 9)
    expect(imp[imp.length - 1]!.name).toBe('noise')
    expect(parameterImportance(study.trials(), space, { seed: 0 })).toEqual(imp) // deterministic
  })
  it('ranks the parameter that matters when another one is dominant instead', () => {
    const study = Study.create(new MemoryStorage(), { name: 'i2', direction: 'minimize', space, now: 0 }, { sampler: new RandomSampler(5) })
    study.optimize((p) => (p.act === 'relu' ? 0 : 5) + 0.1 * (p.noise as number), 60)
    expect(parameterImportance(study.trials(), space)[0]!.name).toBe('act')
  })
  it('handles conditional (inactive) parameters and too few trials', () => {
    const study = Study.create(new MemoryStorage(), { name: 'i3', direction: 'minimize', space: mixedSpace, now: 0 }, { sampler: new RandomSampler(1) })
    study.optimize((p) => (p.optimizer === 'sgd' ? 1 - (p.momentum as number) : 0.5), 40)
    const imp = parameterImportance(study.trials(), mixedSpace)
    // momentum (−1 when inactive) alone separates adam from sgd and explains the sgd branch.
    expect(imp[0]!.name).toBe('momentum')
    expect(imp[0]!.importance).toBeGreaterThan(0.5)
    expect(parameterImportance(study.trials().slice(0, 1), mixedSpace)).toEqual([])
  })
})

describe('slice and contour data', () => {
  it('lists only complete trials where the parameter is active', () => {
    const ts: Trial[] = [
      { ...trial(0, 1), params: { optimizer: 'sgd', momentum: 0.9 } },
      { ...trial(1, 2), params: { optimizer: 'adam' } },
      { ...trial(2, undefined, 'running'), params: { optimizer: 'sgd', momentum: 0.5 } }
    ]
    const s = sliceData(ts, mixedSpace)
    expect(s.momentum).toEqual([{ value: 0.9, objective: 1, number: 0 }])
    expect(s.optimizer!.length).toBe(2)
    expect(contourData(ts, 'optimizer', 'momentum')).toEqual([{ x: 'sgd', y: 0.9, objective: 1, number: 0 }])
  })
})

describe('estimateTimeToFinish', () => {
  const done = (n: number, start: number, ms: number, state: Trial['state'] = 'complete'): Trial => trial(n, 1, state, { startedAt: start, endedAt: start + ms })
  it('schedules the remaining trials on the workers at the median duration', () => {
    // 3 finished (60 s median), 2 running (one started 50 s ago, one just now), budget 10, 2 workers.
    const now = 1_000_000
    const ts = [done(0, 0, 60_000), done(1, 0, 50_000), done(2, 0, 70_000), trial(3, undefined, 'running', { startedAt: now - 50_000 }), trial(4, undefined, 'running', { startedAt: now })]
    const eta = estimateTimeToFinish({ trials: ts, budgetTrials: 10, parallelism: 2, now })
    // Workers free at +10 s and +60 s; 5 more trials of 60 s: ends at 10 + 3·60 = 190 s.
    expect(eta.medianTrialMs).toBe(60_000)
    expect(eta.trialsToStart).toBe(5)
    expect(eta.msRemaining).toBe(190_000)
    expect(eta.endsByDeadline).toBe(false)
    const capped = estimateTimeToFinish({ trials: ts, budgetTrials: 10, parallelism: 2, now, deadline: now + 100_000 })
    expect(capped.msRemaining).toBe(100_000)
    expect(capped.endsByDeadline).toBe(true)
  })
  it('counts pruned trials with their real durations, and is undefined before any trial ends', () => {
    const ts = [done(0, 0, 10_000, 'pruned'), done(1, 0, 10_000, 'pruned'), done(2, 0, 100_000)]
    expect(estimateTimeToFinish({ trials: ts, budgetTrials: 4, parallelism: 1, now: 0 }).msRemaining).toBe(10_000)
    expect(estimateTimeToFinish({ trials: [], budgetTrials: 4, parallelism: 1, now: 0 }).msRemaining).toBeUndefined()
  })
})

describe('autoSampler', () => {
  it('picks the GP for small budgets in low dimension and says why, in English and Korean', () => {
    const space: SearchSpace = { params: [{ name: 'learningRate', kind: 'float', low: 0.01, high: 0.5 }, { name: 'layers', kind: 'discrete', values: [2, 3] }] }
    const c = autoSampler(space, 20)
    expect(c.kind).toBe('gp')
    expect(c.sampler.name).toBe('gp')
    expect(c.reason.key).toBe('hpo.auto.gp')
    expect(c.reason.en).toContain('20 trials in 2 dimensions')
    expect(c.reason.ko).toContain('2차원')
    expect(c.hint.en).toBe('GP works well up to ~100 trials in ≤ 8 dimensions; expect about 20 trials to get near the best.')
    expect(c.hint.suggestedTrials).toBe(20)
  })
  it('picks TPE for large budgets, many dimensions or conditional spaces', () => {
    const wide: SearchSpace = { params: Array.from({ length: 9 }, (_, i) => ({ name: `x${i}`, kind: 'float' as const, low: 0, high: 1 })) }
    expect(autoSampler(wide, 50).reason.key).toBe('hpo.auto.tpeDims')
    expect(autoSampler({ params: wide.params.slice(0, 2) }, 500).reason.key).toBe('hpo.auto.tpeBudget')
    expect(autoSampler({ params: wide.params.slice(0, 2) }, undefined).kind).toBe('tpe')
    expect(autoSampler(mixedSpace, 50).reason.key).toBe('hpo.auto.tpeConditional')
    expect(budgetHint(wide, 'tpe', 50).key).toBe('hpo.hint.tpeShort')
  })
})

describe('view data', () => {
  const ts: Trial[] = [
    { ...trial(0, 0.5), worker: 'w0', startedAt: 0, endedAt: 10, params: { learningRate: 0.01, optimizer: 'adam', batchSize: 500 }, intermediate: { 1: 0.6, 0: 0.9 } },
    { ...trial(1, 0.7, 'pruned'), worker: 'w1', startedAt: 2, endedAt: 5, params: { learningRate: 0.1, optimizer: 'sgd', momentum: 0.9, batchSize: 1000 }, intermediate: { 0: 0.95 } },
    { ...trial(2, undefined, 'running'), worker: 'w0', startedAt: 11, params: { learningRate: 0.2, optimizer: 'adam', batchSize: 2000 } },
    { ...trial(3, undefined, 'waiting'), params: { learningRate: 0.2, optimizer: 'adam', batchSize: 2000 } }
  ]
  it('timeline lanes per worker, running bars end now, waiting trials left out', () => {
    expect(timeline(ts, 20)).toEqual({
      w0: [
        { number: 0, state: 'complete', start: 0, end: 10 },
        { number: 2, state: 'running', start: 11, end: 20 }
      ],
      w1: [{ number: 1, state: 'pruned', start: 2, end: 5 }]
    })
  })
  it('intermediate curves sorted by step, pruned flagged', () => {
    expect(intermediateCurves(ts)).toEqual([
      { number: 0, state: 'complete', pruned: false, points: [[0, 0.9], [1, 0.6]] },
      { number: 1, state: 'pruned', pruned: true, points: [[0, 0.95]] }
    ])
  })
  it('parallel coordinates: typed axes, nulls for inactive parameters, complete trials only', () => {
    const pc = parallelCoordinates(ts, mixedSpace)
    expect(pc.axes.find((a) => a.name === 'learningRate')).toEqual({ name: 'learningRate', kind: 'log', min: 1e-4, max: 0.5 })
    expect(pc.axes.find((a) => a.name === 'batchSize')?.categories).toEqual([500, 1000, 2000])
    expect(pc.axes[pc.axes.length - 1]).toEqual({ name: 'objective', kind: 'numeric', min: 0.5, max: 0.5 })
    expect(pc.rows.length).toBe(1)
    expect(pc.rows[0]!.values[mixedSpace.params.findIndex((p) => p.name === 'momentum')]).toBeNull()
  })
})
