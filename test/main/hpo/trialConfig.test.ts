import { describe, expect, it } from 'vitest'
import type { RunConfig } from '../../../preload/contract/types'
import { buildTrialConfig, normalizeMetric, spaceConfigErrors, trialConfigErrors } from '../../../main/services/hpoService'

const base: RunConfig = {
  datasetId: 'digits', model: { template: 'mlp', hidden: [64, 32], activation: 'relu' }, optimizer: 'adam',
  learningRate: 0.01, batchSize: 32, epochs: 5, seed: 1, backend: 'auto'
}

describe('trial run configurations', () => {
  it('writes dotted paths into a copy of the base config', () => {
    const c = buildTrialConfig(base, { learningRate: 0.1, batchSize: 64, 'model.activation': 'tanh', 'model.hidden.1': 16 })
    expect(c).toMatchObject({ learningRate: 0.1, batchSize: 64, model: { template: 'mlp', hidden: [64, 16], activation: 'tanh' } })
    expect(base.model).toEqual({ template: 'mlp', hidden: [64, 32], activation: 'relu' })
    expect(trialConfigErrors(c)).toEqual([])
  })

  it('model.layers and model.units reshape the MLP; model.hidden.<i> still wins for its layer', () => {
    expect(buildTrialConfig(base, { 'model.layers': 3, 'model.units': 30 }).model).toMatchObject({ hidden: [30, 30, 30] })
    expect(buildTrialConfig(base, { 'model.layers': 1 }).model).toMatchObject({ hidden: [64] })
    expect(buildTrialConfig(base, { 'model.layers': 3 }).model).toMatchObject({ hidden: [64, 32, 32] })
    expect(buildTrialConfig(base, { 'model.units': 60, 'model.hidden.0': 10 }).model).toMatchObject({ hidden: [10, 60] })
  })

  it('gives each trial its share of the cores, never more than the base config asks for', () => {
    expect(buildTrialConfig(base, {}, 4).threads).toBe(4)
    expect(buildTrialConfig({ ...base, threads: 2 }, {}, 4).threads).toBe(2)
  })

  it('names the parameter, its value and the rejected field when a space does not fit the run configuration', () => {
    expect(spaceConfigErrors(base, { params: [{ name: 'learningRate', kind: 'float', low: 1e-4, high: 0.5, log: true }] })).toEqual([])
    const errs = spaceConfigErrors(base, {
      params: [
        { name: 'batchSize', kind: 'discrete', values: [32, 100000] },
        { name: 'model.dropoutRate', kind: 'float', low: 0, high: 0.5 }
      ]
    })
    expect(errs).toHaveLength(2)
    expect(errs[0]).toMatch(/^space\.params\.0 \("batchSize" = 100000\): the run configuration rejects it: batchSize: /)
    expect(errs[1]).toMatch(/^space\.params\.1 \("model\.dropoutRate" = 0\): the run configuration rejects it: model/)
  })

  it('normalizes short metric names', () => {
    expect(normalizeMetric('val_acc')).toBe('epoch/val_acc')
    expect(normalizeMetric('epoch/val_loss')).toBe('epoch/val_loss')
  })
})
