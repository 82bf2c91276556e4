import { describe, expect, it } from 'vitest'
import { createPruner, createSampler } from '../../../main/hpo/factory'
import { HyperbandPruner } from '../../../main/hpo/pruners/hyperbandPruner'
import { MedianPruner, PercentilePruner } from '../../../main/hpo/pruners/percentilePruner'
import { SuccessiveHalvingPruner } from '../../../main/hpo/pruners/successiveHalvingPruner'
import type { SearchSpace } from '../../../main/hpo/space'

const space: SearchSpace = { params: [{ name: 'x', kind: 'float', low: 0, high: 1 }] }

describe('factory', () => {
  it('builds samplers from saved JSON, resolving auto by budget', () => {
    expect(createSampler({ kind: 'tpe', seed: 1, multivariate: true }, space).name).toBe('tpe')
    expect(createSampler({ kind: 'gp', acquisition: 'ucb', kappa: 3 }, space).name).toBe('gp')
    expect(createSampler({ kind: 'lhs', lhsSize: 8 }, space).name).toBe('lhs')
    expect(createSampler({ kind: 'auto' }, space, 30).name).toBe('gp')
    expect(createSampler({ kind: 'auto' }, space, 500).name).toBe('tpe')
    expect(() => createSampler({ kind: 'gp', acquisition: 'nope' }, space)).toThrow()
  })
  it('builds pruners from saved JSON', () => {
    expect(createPruner({ kind: 'median', nWarmupSteps: 2 })).toBeInstanceOf(MedianPruner)
    const p = createPruner({ kind: 'percentile', percentile: 25 })
    expect(p).toBeInstanceOf(PercentilePruner)
    expect((p as PercentilePruner).percentile).toBe(25)
    expect(createPruner({ kind: 'asha', minResource: 1, reductionFactor: 3 })).toBeInstanceOf(SuccessiveHalvingPruner)
    expect(createPruner({ kind: 'hyperband', maxResource: 'auto' })).toBeInstanceOf(HyperbandPruner)
    expect(() => createPruner({ kind: 'percentile', percentile: 120 })).toThrow()
  })
})
