import { describe, expect, it } from 'vitest'
import { MemoryStorage } from '../../../main/hpo/memoryStorage'
import { MedianPruner } from '../../../main/hpo/pruners/percentilePruner'
import { SuccessiveHalvingPruner } from '../../../main/hpo/pruners/successiveHalvingPruner'
import { Rng } from '../../../main/hpo/random'
import { RandomSampler } from '../../../main/hpo/samplers/randomSampler'
import type { Params, SearchSpace } from '../../../main/hpo/space'
import { Study } from '../../../main/hpo/study'
import type { Pruner } from '../../../main/hpo/types'

// A stand-in for "30 trials × 10 epochs of the MLP": validation error curves that decay from 0.9
// towards a floor set by the hyperparameters, with a little epoch-to-epoch noise. The real-MLP
// version of this goal needs trainer processes and belongs to the coordinator's tests.
const space: SearchSpace = {
  params: [
    { name: 'learningRate', kind: 'float', low: 1e-4, high: 0.5, log: true },
    { name: 'hidden', kind: 'discrete', values: [30, 60, 120] }
  ]
}
const EPOCHS = 10

function curve(p: Params, epoch: number, rng: Rng): number {
  const lr = p.learningRate as number
  const floor = 0.02 + 0.05 * Math.log10(lr / 0.03) ** 2 + (p.hidden === 30 ? 0.01 : 0)
  const tau = 1 + 2 * Math.abs(Math.log10(lr / 0.03))
  return floor + (0.9 - floor) * Math.exp(-(epoch + 1) / tau) + 0.003 * rng.normal()
}

function runStudy(pruner: Pruner | undefined): { epochs: number; best: number } {
  const study = Study.create(new MemoryStorage(), { name: 'p', direction: 'minimize', space, now: 0 }, { sampler: new RandomSampler(11), ...(pruner ? { pruner } : {}) })
  let epochs = 0
  study.optimize((p, report) => {
    const rng = new Rng(7, JSON.stringify(p).length, Math.round((p.learningRate as number) * 1e6))
    let v = 1
    for (let e = 0; e < EPOCHS; e++) {
      v = curve(p, e, rng)
      epochs++
      if (report(e, v)) return v
    }
    return v
  }, 30)
  return { epochs, best: study.bestTrial()!.value! }
}

describe('pruning on synthetic learning curves (30 trials × 10 epochs)', () => {
  const full = runStudy(undefined)
  // Measured: ASHA runs 138 of 300 epochs (saves 54%), median 210 (saves 30%); both keep the best.
  for (const [name, pruner, saves] of [
    ['asha', new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 }), 0.4],
    ['median', new MedianPruner({ nStartupTrials: 5, nWarmupSteps: 1 }), 0.25]
  ] as const) {
    it(`${name} saves ≥ ${saves * 100}% of epochs and keeps the best value within 1%`, () => {
      const pruned = runStudy(pruner)
      expect(full.epochs).toBe(300)
      expect(pruned.epochs).toBeLessThanOrEqual((1 - saves) * full.epochs)
      expect(Math.abs(pruned.best - full.best) / full.best).toBeLessThan(0.01)
    })
  }
})
