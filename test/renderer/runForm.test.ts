import { describe, expect, it } from 'vitest'
import type { DatasetSummary, ModelTemplateInfo } from '../../preload/contract/types'
import { formFromDataset, parseSizeList, templatesFor, validateRunForm } from '../../renderer/src/lib/runForm'
import { defaultRunConfig } from '../../renderer/src/lib/runDefaults'
import { sortRuns } from '../../renderer/src/lib/sortRuns'
import type { RunSummary } from '../../preload/contract/types'

function ds(id: string, inputShape: number[], trainSize = 1000): DatasetSummary {
  return {
    id, name: id, description: '', source: 'sample', task: 'classification', inputShape, numClasses: 2,
    classNames: ['a', 'b'], trainSize, valSize: 100, bytes: 1, isSample: true, createdAt: 0,
    suggested: inputShape.length === 3 ? { template: 'cnn', filters: [8, 16], denseUnits: 32 } : { template: 'mlp', hidden: [8], activation: 'tanh' }
  }
}
const datasets = [ds('xor', [2], 4), ds('spirals', [2]), ds('iris', [4]), ds('digits', [28, 28, 1])]
const templates: ModelTemplateInfo[] = [
  { id: 'logreg', inputRanks: [1] }, { id: 'mlp', inputRanks: [1] }, { id: 'cnn', inputRanks: [3] }
]

describe('one-click defaults', () => {
  it('uses the suggested model and the per-dataset hyperparameters', () => {
    expect(defaultRunConfig(datasets[0]!)).toMatchObject({ datasetId: 'xor', optimizer: 'adam', learningRate: 0.05, batchSize: 4, epochs: 200, seed: 42, model: { template: 'mlp', hidden: [8] } })
    expect(defaultRunConfig(datasets[1]!)).toMatchObject({ learningRate: 0.01, batchSize: 32, epochs: 20, seed: 42 })
    expect(defaultRunConfig(datasets[3]!)).toMatchObject({ learningRate: 0.01, batchSize: 64, epochs: 5, model: { template: 'cnn' } })
  })
  it('copies the suggested model (editing the config never edits the dataset)', () => {
    const c = defaultRunConfig(datasets[1]!)
    c.model.hidden!.push(99)
    expect(datasets[1]!.suggested.hidden).toEqual([8])
  })
})

describe('New Run form validation', () => {
  it('turns valid input into a RunConfigInput', () => {
    const f = { ...formFromDataset(datasets[1]!), hidden: '64, 32', learningRate: '0.003', name: '  wide  ' }
    const r = validateRunForm(f, datasets, templates)
    expect(r.errors).toBeNull()
    expect(r.config).toEqual({
      datasetId: 'spirals', model: { template: 'mlp', hidden: [64, 32], activation: 'tanh' }, optimizer: 'adam',
      learningRate: 0.003, batchSize: 32, epochs: 20, seed: 42, backend: 'auto', name: 'wide'
    })
  })

  it('gives a specific message per bad field', () => {
    const f = { ...formFromDataset(datasets[1]!), hidden: '64,abc', learningRate: '0', batchSize: '2.5', epochs: '', seed: '-1' }
    const r = validateRunForm(f, datasets, templates)
    expect(r.config).toBeNull()
    expect(r.errors).toEqual({
      hidden: { key: 'sizesNotInt', params: { value: 'abc' } },
      learningRate: { key: 'lrRange' },
      batchSize: { key: 'notInteger', params: { value: '2.5' } },
      epochs: { key: 'required' },
      seed: { key: 'range', params: { min: 0, max: 2 ** 31 - 1 } }
    })
  })

  it('refuses cnn for flat data, mlp for images, and batches larger than the training set', () => {
    expect(validateRunForm({ ...formFromDataset(datasets[2]!), template: 'cnn' }, datasets, templates).errors?.template?.key).toBe('templateNeedsImages')
    expect(validateRunForm({ ...formFromDataset(datasets[3]!), template: 'mlp' }, datasets, templates).errors?.template?.key).toBe('templateNotForImages')
    expect(validateRunForm({ ...formFromDataset(datasets[0]!), batchSize: '8' }, datasets, templates).errors?.batchSize).toEqual({ key: 'batchTooLarge', params: { max: 4 } })
    expect(validateRunForm({ ...formFromDataset(datasets[0]!), datasetId: 'gone' }, datasets, templates).errors?.datasetId?.key).toBe('datasetUnknown')
  })

  it('parses size lists with limits', () => {
    expect(parseSizeList('64,64', 8, 4096)).toEqual([64, 64])
    expect(parseSizeList(' 128 64 ', 8, 4096)).toEqual([128, 64])
    expect(parseSizeList('', 8, 4096)).toEqual({ key: 'sizesEmpty' })
    expect(parseSizeList('1,2,3,4,5', 4, 512)).toEqual({ key: 'sizesTooMany', params: { max: 4 } })
    expect(parseSizeList('0', 8, 4096)).toEqual({ key: 'sizesRange', params: { value: '0', max: 4096 } })
  })

  it('offers cnn only for image datasets', () => {
    expect(templatesFor(datasets[3], templates)).toEqual(['cnn'])
    expect(templatesFor(datasets[1], templates)).toEqual(['logreg', 'mlp'])
  })
})

describe('sortRuns', () => {
  const base = { datasetId: 'd', datasetName: 'D', model: 'm', backend: 'wasm', epochs: 10, error: null } as const
  const runs: RunSummary[] = [
    { ...base, id: 'a', name: 'alpha', status: 'completed', createdAt: 1, startedAt: 1, endedAt: 11, epochsDone: 10, bestValAcc: 0.9, bestValLoss: 0.3 },
    { ...base, id: 'b', name: 'Beta', status: 'running', createdAt: 2, startedAt: 2, endedAt: null, epochsDone: 3, bestValAcc: null, bestValLoss: null },
    { ...base, id: 'c', name: 'gamma', status: 'failed', createdAt: 3, startedAt: 3, endedAt: 4, epochsDone: 0, bestValAcc: 0.5, bestValLoss: 0.9 }
  ]
  it('sorts by a column in either direction, nulls last', () => {
    expect(sortRuns(runs, 'name', 'asc', 100).map((r) => r.id)).toEqual(['a', 'b', 'c'])
    expect(sortRuns(runs, 'bestAcc', 'desc', 100).map((r) => r.id)).toEqual(['a', 'c', 'b'])
    expect(sortRuns(runs, 'bestAcc', 'asc', 100).map((r) => r.id)).toEqual(['c', 'a', 'b'])
    expect(sortRuns(runs, 'duration', 'desc', 100).map((r) => r.id)).toEqual(['b', 'a', 'c'])
    expect(sortRuns(runs, 'status', 'asc', 100).map((r) => r.id)).toEqual(['b', 'c', 'a'])
  })
})
