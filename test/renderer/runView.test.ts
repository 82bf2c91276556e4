import { describe, expect, it } from 'vitest'
import type { CheckpointInfo, RunConfig } from '../../preload/contract/types'
import {
  checkpointMarks, configEntries, divergedStep, familyOf, forkDepth, forkOverrides, mergeCheckpoint, parseRow, sortCheckpoints
} from '../../renderer/src/lib/runView'

const config: RunConfig = {
  datasetId: 'digits', model: { template: 'mlp', hidden: [64, 32], activation: 'relu' }, optimizer: 'adam',
  learningRate: 0.01, batchSize: 32, epochs: 10, seed: 1, backend: 'auto',
  regularization: { l2: 0.001, augmentation: { flip: 'horizontal' } }, metrics: ['accuracy', 'f1']
}

function ckpt(id: number, epoch: number, extra: Partial<CheckpointInfo> = {}): CheckpointInfo {
  return { id, runId: 'r1', epoch, step: epoch * 10, path: `/x/${epoch}`, bytes: 100, metrics: { 'epoch/val_loss': 1 / epoch }, isBest: false, isLast: false, createdAt: 0, ...extra }
}

describe('fork dialog', () => {
  const form = { name: 'f', learningRate: '0.01', optimizer: 'adam' as const, epochs: '10', batchSize: '32', seed: '1' }
  it('sends only what changed', () => {
    expect(forkOverrides(form, config)).toEqual({ overrides: {}, errors: {} })
    expect(forkOverrides({ ...form, learningRate: '0.001', optimizer: 'sgd', epochs: '20' }, config).overrides)
      .toEqual({ learningRate: 0.001, optimizer: 'sgd', epochs: 20 })
  })
  it('names each field out of range with its limits', () => {
    const r = forkOverrides({ ...form, learningRate: '0', epochs: '2.5', batchSize: '', seed: '-1' }, config)
    expect(Object.keys(r.errors).sort()).toEqual(['batchSize', 'epochs', 'learningRate', 'seed'])
    expect(r.errors.epochs).toEqual({ min: 1, max: 10000 })
    expect(r.overrides).toEqual({})
  })
})

describe('configuration rows', () => {
  it('flattens nested fields with dotted paths and joins scalar arrays', () => {
    const rows = new Map(configEntries(config))
    expect(rows.get('model.hidden')).toBe('[64, 32]')
    expect(rows.get('regularization.l2')).toBe('0.001')
    expect(rows.get('regularization.augmentation.flip')).toBe('horizontal')
    expect(rows.get('metrics')).toBe('[accuracy, f1]')
    expect(rows.get('learningRate')).toBe('0.01')
    expect(rows.has('threads')).toBe(false)
  })
  it('summarises a composed graph instead of dumping it', () => {
    const rows = new Map(configEntries({ ...config, model: { kind: 'graph', graph: { nodes: [1, 2, 3] }, modelId: 'm1', modelVersion: 2 } } as unknown as RunConfig))
    expect(rows.get('model.kind')).toBe('graph')
    expect(rows.get('model.graph.nodes')).toBe('3')
    expect(rows.get('model.modelVersion')).toBe('2')
  })
})

describe('diverged step', () => {
  it('prefers divergedAtStep, falls back to the error text, and is null for other statuses', () => {
    expect(divergedStep({ status: 'diverged', error: 'x', divergedAtStep: 42 })).toBe(42)
    expect(divergedStep({ status: 'diverged', error: 'loss became NaN at step 1234 (epoch 3)' })).toBe(1234)
    expect(divergedStep({ status: 'diverged', error: null })).toBeNull()
    expect(divergedStep({ status: 'failed', error: 'at step 5' })).toBeNull()
  })
})

describe('checkpoints', () => {
  it('sorts newest first and marks by the first metric present', () => {
    const list = [ckpt(1, 1), ckpt(3, 3, { isBest: true, deleted: true }), ckpt(2, 2)]
    expect(sortCheckpoints(list).map((c) => c.id)).toEqual([3, 2, 1])
    expect(checkpointMarks(list, ['epoch/val_loss'])).toEqual([
      { step: 10, epoch: 1, value: 1, best: false, deleted: false },
      { step: 20, epoch: 2, value: 0.5, best: false, deleted: false },
      { step: 30, epoch: 3, value: 1 / 3, best: true, deleted: true }
    ])
  })
  it('moves best/last to a new checkpoint and replaces one with the same id', () => {
    const list = [ckpt(1, 1, { isBest: true, isLast: true })]
    const next = mergeCheckpoint(list, ckpt(2, 2, { isLast: true }))
    expect(next.map((c) => [c.id, c.isBest, c.isLast])).toEqual([[1, true, false], [2, false, true]])
    const again = mergeCheckpoint(next, ckpt(2, 2, { isLast: true, isBest: true }))
    expect(again.map((c) => [c.id, c.isBest, c.isLast])).toEqual([[1, false, false], [2, true, true]])
  })
})

describe('families', () => {
  const runs = [
    { id: 'a', createdAt: 1 }, { id: 'b', createdAt: 2, parentRunId: 'a' }, { id: 'c', createdAt: 3, parentRunId: 'b' },
    { id: 'd', createdAt: 4, parentRunId: 'a' }, { id: 'x', createdAt: 5 }, { id: 'y', createdAt: 6, parentRunId: 'gone' }
  ]
  it('adds parents, children and siblings transitively, selection first', () => {
    expect(familyOf(['c'], runs)).toEqual(['c', 'a', 'b', 'd'])
    expect(familyOf(['x'], runs)).toEqual(['x'])
    expect(familyOf(['y'], runs)).toEqual(['y'])
    expect(familyOf(['x', 'b'], runs)).toEqual(['x', 'b', 'a', 'c', 'd'])
  })
  it('measures fork depth and survives cycles', () => {
    expect(forkDepth('c', runs)).toBe(2)
    expect(forkDepth('a', runs)).toBe(0)
    expect(forkDepth('p', [{ id: 'p', parentRunId: 'q' }, { id: 'q', parentRunId: 'p' }])).toBe(1)
  })
})

describe('Try it rows', () => {
  it('splits on the separator the row uses and keeps numbers as numbers', () => {
    expect(parseRow('5.1, 3.5,"setosa",\n')).toEqual([5.1, 3.5, 'setosa', null])
    expect(parseRow('1\t2\tx')).toEqual([1, 2, 'x'])
    expect(parseRow('1;2')).toEqual([1, 2])
    expect(parseRow('  ')).toEqual([])
    expect(parseRow('\n-1 2e3 .5')).toEqual([-1, 2000, 0.5])
    expect(parseRow('Infinity,nan')).toEqual(['Infinity', 'nan'])
  })
})
