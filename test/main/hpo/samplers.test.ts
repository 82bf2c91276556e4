import { describe, expect, it } from 'vitest'
import { MemoryStorage } from '../../../main/hpo/memoryStorage'
import { GridSampler, enumerateGrid } from '../../../main/hpo/samplers/gridSampler'
import { GPSampler } from '../../../main/hpo/samplers/gpSampler'
import { QMCSampler } from '../../../main/hpo/samplers/qmcSampler'
import { RandomSampler } from '../../../main/hpo/samplers/randomSampler'
import { ParzenEstimator, TPESampler, defaultGamma, defaultWeights, dimOf } from '../../../main/hpo/samplers/tpeSampler'
import { Sobol } from '../../../main/hpo/sobol'
import { checkParams, type Params, type SearchSpace } from '../../../main/hpo/space'
import { Study } from '../../../main/hpo/study'
import type { Sampler } from '../../../main/hpo/types'
import { bestCurve, branin, braninSpace, BRANIN_MIN, median } from './objectives'
import { mixedSpace } from './helpers'

/** A deterministic objective over the mixed space, so model-based samplers have something to learn. */
function mixedObjective(p: Params): number {
  let v = (Math.log10(p.learningRate as number) + 2) ** 2 + ((p.units as number) - 128) ** 2 / 1e4 + (p.dropout as number)
  if (p.optimizer === 'sgd') v += (1 - (p.momentum as number)) + (p.nesterov ? 0 : 0.2)
  return v + (p.batchSize === 1000 ? 0 : 0.1)
}

const samplers: [string, (seed: number) => Sampler][] = [
  ['random', (s) => new RandomSampler(s)],
  ['grid', (s) => new GridSampler(s, 3)],
  ['sobol', (s) => new QMCSampler({ seed: s })],
  ['sobol-plain', (s) => new QMCSampler({ seed: s, scramble: false })],
  ['lhs', (s) => new QMCSampler({ seed: s, kind: 'lhs', lhsSize: 8 })],
  ['tpe', (s) => new TPESampler({ seed: s, nStartupTrials: 5 })],
  ['tpe-multivariate', (s) => new TPESampler({ seed: s, nStartupTrials: 5, multivariate: true })],
  ['gp', (s) => new GPSampler({ seed: s, nCandidates: 200 })]
]

function run(sampler: Sampler, space: SearchSpace, n: number): Params[] {
  const study = Study.create(new MemoryStorage(), { name: 's', direction: 'minimize', space, now: 0 }, { sampler })
  study.optimize((p) => mixedObjective(p), n)
  return study.trials().map((t) => t.params)
}

describe('sampler contract', () => {
  for (const [name, make] of samplers) {
    it(`${name}: proposals are legal, respect conditions, and are deterministic for a seed`, () => {
      const a = run(make(1), mixedSpace, 14)
      for (const p of a) expect(checkParams(mixedSpace, p)).toEqual([])
      expect(a.some((p) => p.optimizer === 'sgd') && a.some((p) => p.optimizer === 'adam')).toBe(true)
      expect(run(make(1), mixedSpace, 14)).toEqual(a)
      if (name !== 'sobol-plain') expect(run(make(2), mixedSpace, 14)).not.toEqual(a)
    })
  }
})

describe('TPE', () => {
  it('uses Optuna’s default gamma and weights', () => {
    expect([1, 10, 11, 100, 300].map(defaultGamma)).toEqual([1, 1, 2, 10, 25])
    expect(defaultWeights(3)).toEqual([1, 1, 1])
    const w = defaultWeights(30)
    expect(w.length).toBe(30)
    expect(w[0]).toBeCloseTo(1 / 30)
    expect(w[4]).toBeCloseTo(1)
    expect(w.slice(5)).toEqual(new Array(25).fill(1))
  })
  it('Parzen estimator: bandwidths and log-likelihood of a hand-computed case (Optuna 3.1 form and true density)', () => {
    // One observation 0.5 on [0, 2], prior N(1, 2): sorted centres 0.5, 1 between endpoints 0, 2.
    // Neighbour rule (endpoints not considered): σ = 1 − 0.5 = 0.5 for both, then the magic clip
    // raises it to range / min(100, 1 + 2 kernels) = 2/3; the prior keeps σ = range = 2.
    // Mixture weights 1 : priorWeight 1 → ½ each. Truncation masses: Φ(2.25) − Φ(−0.75) =
    // 0.761148175, Φ(0.5) − Φ(−0.5) = 0.382924923. At x = 0.5, Optuna 3.1 (no −log σ):
    // log ½(φ(0)/0.761148 + φ(−0.25)/0.382925) = −0.265328788; true density (÷σ per kernel):
    // log ½(1.5·φ(0)/0.761148 + ½·φ(−0.25)/0.382925) = −0.437663487. At x = 1.8: −0.653902275 / −1.206796151.
    const dims = [dimOf({ name: 'x', kind: 'float', low: 0, high: 2 })]
    const o = { priorWeight: 1, considerPrior: true, considerMagicClip: true, considerEndpoints: false, multivariate: false, weights: defaultWeights }
    const optuna31 = new ParzenEstimator(dims, [[0.5]], o)
    expect(optuna31.mus[0]).toEqual([0.5, 1])
    expect(optuna31.sigmas[0]![0]).toBeCloseTo(2 / 3, 12)
    expect(optuna31.sigmas[0]![1]).toBe(2)
    expect(optuna31.logW.map(Math.exp)).toEqual([0.5, 0.5])
    const [a31, b31] = optuna31.logPdf([[0.5], [1.8]])
    expect(a31).toBeCloseTo(-0.265328788, 6)
    expect(b31).toBeCloseTo(-0.653902275, 6)
    const [aN, bN] = new ParzenEstimator(dims, [[0.5]], { ...o, normalizedKernels: true }).logPdf([[0.5], [1.8]])
    expect(aN).toBeCloseTo(-0.437663487, 6)
    expect(bN).toBeCloseTo(-1.206796151, 6)
  })
  it('is random for the first nStartupTrials, then concentrates near good values', () => {
    const space: SearchSpace = { params: [{ name: 'x', kind: 'float', low: -10, high: 10 }] }
    const study = Study.create(new MemoryStorage(), { name: 't', direction: 'minimize', space, now: 0 }, { sampler: new TPESampler({ seed: 3 }) })
    study.optimize((p) => ((p.x as number) - 3) ** 2, 60)
    const xs = study.trials().map((t) => t.params.x as number)
    const early = median(xs.slice(0, 10).map((x) => Math.abs(x - 3)))
    const late = median(xs.slice(40).map((x) => Math.abs(x - 3)))
    expect(early).toBeGreaterThan(2) // uniform on [−10, 10]: median distance ≈ 5
    expect(late).toBeLessThan(early / 3)
  })
  it('models a conditional branch only from the trials that had it', () => {
    // momentum only matters (and exists) under sgd; adam is better overall. The sampler must
    // still learn momentum ≈ 0.9 within sgd trials.
    const space: SearchSpace = {
      params: [
        { name: 'opt', kind: 'categorical', choices: ['adam', 'sgd'] },
        { name: 'momentum', kind: 'float', low: 0, high: 1, when: { parent: 'opt', values: ['sgd'] } }
      ]
    }
    const study = Study.create(new MemoryStorage(), { name: 'c', direction: 'minimize', space, now: 0 }, { sampler: new TPESampler({ seed: 1, nStartupTrials: 10 }) })
    study.optimize((p) => (p.opt === 'adam' ? 0.3 : Math.abs((p.momentum as number) - 0.9)), 80)
    const sgd = study.trials().filter((t) => t.params.opt === 'sgd')
    expect(sgd.every((t) => 'momentum' in t.params)).toBe(true)
    expect(study.trials().filter((t) => t.params.opt === 'adam').every((t) => !('momentum' in t.params))).toBe(true)
    expect(Math.min(...sgd.map((t) => t.value as number))).toBeLessThan(0.05)
  })
  it('proposes distinct points in a batch', () => {
    const study = Study.create(new MemoryStorage(), { name: 'b', direction: 'minimize', space: braninSpace, now: 0 }, { sampler: new TPESampler({ seed: 1 }) })
    study.optimize(branin, 20)
    const batch = study.askBatch(4)
    expect(new Set(batch.map((t) => JSON.stringify(t.params))).size).toBe(4)
  })
})

describe('grid and quasi-random designs', () => {
  it('grid covers every combination once, expanding conditional branches only when active', () => {
    const grid = enumerateGrid(mixedSpace, 2)
    // lr 2 · dropout 2 · layers 2 · units 2 · batch 3 · (adam 1 + sgd 2·2)
    expect(grid.length).toBe(2 * 2 * 2 * 2 * 3 * 5)
    const study = Study.create(new MemoryStorage(), { name: 'g', direction: 'minimize', space: mixedSpace, now: 0 }, { sampler: new GridSampler(0, 2) })
    study.optimize(mixedObjective, grid.length)
    const seen = new Set(study.trials().map((t) => JSON.stringify(Object.entries(t.params).sort())))
    expect(seen.size).toBe(grid.length)
    expect((new GridSampler(0, 2)).remaining(study, mixedSpace)).toEqual([])
  })
  it('Sobol: each 2^m block is stratified in every 1-D projection (plain and scrambled)', () => {
    for (const scramble of [false, true]) {
      const s = new Sobol(5, scramble, 11)
      const pts = Array.from({ length: 64 }, (_, i) => s.point(i))
      for (let d = 0; d < 5; d++) {
        const cells = new Set(pts.map((p) => Math.floor(p[d]! * 64)))
        expect(cells.size).toBe(64)
      }
      // 2-D projection of dims (0,1): 16 points fill all 4×4 cells (a (0,m,2)-net).
      const cells2 = new Set(pts.slice(0, 16).map((p) => `${Math.floor(p[0]! * 4)},${Math.floor(p[1]! * 4)}`))
      expect(cells2.size).toBe(16)
    }
    expect(new Sobol(2, false).point(0)).toEqual([0, 0])
    expect(new Sobol(2, false).point(1)).toEqual([0.5, 0.5])
    expect(new Sobol(2, false).point(2)).toEqual([0.75, 0.25])
  })
  it('LHS: each design block of n points has one point per 1/n stratum in every dimension', () => {
    const space: SearchSpace = { params: [{ name: 'a', kind: 'float', low: 0, high: 1 }, { name: 'b', kind: 'float', low: 0, high: 1 }] }
    const q = new QMCSampler({ seed: 4, kind: 'lhs', lhsSize: 10 })
    for (const block of [0, 1]) {
      const pts = Array.from({ length: 10 }, (_, i) => q.pointAt(space, block * 10 + i))
      for (const k of ['a', 'b']) expect(new Set(pts.map((p) => Math.floor((p[k] as number) * 10))).size).toBe(10)
    }
  })
})

describe('model-based samplers beat random search on Branin', () => {
  const regretAt = (make: (s: number) => Sampler, n: number, seeds: number[]): number => median(seeds.map((s) => bestCurve(make(s), braninSpace, branin, n)[n - 1]! - BRANIN_MIN))
  it('TPE: median regret after 50 trials well below random search (10 seeds)', () => {
    const seeds = Array.from({ length: 10 }, (_, i) => i)
    const rnd = regretAt((s) => new RandomSampler(s), 50, seeds)
    const tpe = regretAt((s) => new TPESampler({ seed: s }), 50, seeds)
    const mv = regretAt((s) => new TPESampler({ seed: s, multivariate: true }), 50, seeds)
    expect(rnd).toBeGreaterThan(0.5)
    expect(tpe).toBeLessThan(rnd / 2)
    expect(mv).toBeLessThan(rnd / 2)
  })
  it('GP: median regret after 30 trials below 0.01, random search’s above 0.5 (5 seeds)', () => {
    const seeds = [0, 1, 2, 3, 4]
    const rnd = regretAt((s) => new RandomSampler(s), 30, seeds)
    const gp = regretAt((s) => new GPSampler({ seed: s }), 30, seeds)
    expect(rnd).toBeGreaterThan(0.5)
    expect(gp).toBeLessThan(0.01)
  })
})
