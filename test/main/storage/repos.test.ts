import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RunConfig } from '../../../preload/contract/types'
import { openDatabase, type StudioDb } from '../../../main/storage/db'
import { CheckpointsRepo } from '../../../main/storage/checkpointsRepo'
import { DatasetsRepo, toSummary } from '../../../main/storage/datasetsRepo'
import { MetricsRepo } from '../../../main/storage/metricsRepo'
import { RunsRepo } from '../../../main/storage/runsRepo'
import { tempDir } from '../../helpers/tmp'

let t: ReturnType<typeof tempDir>
let db: StudioDb

const config: RunConfig = {
  datasetId: 'xor', model: { template: 'mlp', hidden: [8], activation: 'tanh' }, optimizer: 'adam',
  learningRate: 0.05, batchSize: 4, epochs: 10, seed: 1, backend: 'auto'
}

beforeEach(() => {
  t = tempDir()
  db = openDatabase(path.join(t.dir, 'studio.db'))
  new DatasetsRepo(db).upsert({
    id: 'xor', name: 'XOR', description: 'd', source: 'sample', task: 'classification', inputShape: [2],
    numClasses: 2, classNames: ['0', '1'], trainSize: 4, valSize: 4, bytes: 64, isSample: true,
    createdAt: 1, suggested: { template: 'mlp', hidden: [8] }, dir: '/x', sha256: 'abc'
  })
})
afterEach(() => { db.close(); t.cleanup() })

describe('DatasetsRepo', () => {
  it('upserts and keeps the summary free of local paths', () => {
    const repo = new DatasetsRepo(db)
    const d = repo.get('xor')!
    expect(d.inputShape).toEqual([2])
    const s = toSummary(d) as Record<string, unknown>
    expect(s.dir).toBeUndefined()
    expect(s.sha256).toBeUndefined()
    repo.upsert({ ...d, name: 'XOR 2', createdAt: 999 })
    expect(repo.get('xor')!.name).toBe('XOR 2')
    expect(repo.get('xor')!.createdAt).toBe(1)
  })
})

describe('RunsRepo', () => {
  it('creates, tracks best validation figures, and never changes a finished run', () => {
    const runs = new RunsRepo(db)
    runs.create({ id: 'r1', name: 'one', config, model: 'mlp 8 tanh', runDir: '/r1', createdAt: 10 })
    runs.markRunning('r1', 11)
    runs.recordEpoch('r1', 1, 1, 0.5, 0.7)
    runs.recordEpoch('r1', 2, 2, 0.75, 0.9)
    runs.recordEpoch('r1', 3, 3, 0.6, 0.4)
    const r = runs.get('r1')!
    expect(r).toMatchObject({ status: 'running', epochsDone: 3, bestValAcc: 0.75, bestValLoss: 0.4, datasetName: 'XOR' })
    expect(r.config).toEqual(config)
    expect(runs.finish('r1', 'completed', 20)).toBe(true)
    expect(runs.finish('r1', 'failed', 30, 'late')).toBe(false)
    expect(runs.get('r1')).toMatchObject({ status: 'completed', endedAt: 20, error: null })
  })

  it('refuses a run for an unknown dataset (foreign key)', () => {
    const runs = new RunsRepo(db)
    expect(() => runs.create({ id: 'r2', name: 'x', config: { ...config, datasetId: 'nope' }, model: 'm', runDir: '/', createdAt: 1 }))
      .toThrow(/FOREIGN KEY/)
  })
})

describe('MetricsRepo', () => {
  it('appends batches atomically and reads them back grouped by name in step order', () => {
    new RunsRepo(db).create({ id: 'r1', name: 'one', config, model: 'm', runDir: '/r1', createdAt: 1 })
    const m = new MetricsRepo(db)
    const n = 1000
    const batch = { name: [] as string[], step: [] as number[], epoch: [] as number[], wallTime: [] as number[], value: [] as number[] }
    for (let i = 0; i < n; i++) {
      batch.name.push(i % 2 ? 'batch/acc' : 'batch/loss')
      batch.step.push(i >> 1); batch.epoch.push(1); batch.wallTime.push(1000 + i); batch.value.push(i)
    }
    batch.value[10] = NaN
    expect(m.append('r1', batch)).toBe(n)
    expect(m.count('r1')).toBe(n)
    const s = m.series('r1')
    expect(Object.keys(s).sort()).toEqual(['batch/acc', 'batch/loss'])
    expect(s['batch/loss']!.step.slice(0, 3)).toEqual([0, 1, 2])
    expect(s['batch/loss']!.value[5]).toBeNaN()
    expect(s['batch/acc']!.value[0]).toBe(1)
    expect(m.series('r1', ['batch/acc'], 497)['batch/acc']!.step).toEqual([498, 499])
  })

  it('writes nothing when a batch is malformed or the run is unknown', () => {
    new RunsRepo(db).create({ id: 'r1', name: 'one', config, model: 'm', runDir: '/r1', createdAt: 1 })
    const m = new MetricsRepo(db)
    expect(() => m.append('r1', { name: ['a', 'b'], step: [1], epoch: [1, 1], wallTime: [1, 1], value: [1, 2] })).toThrow(/different lengths/)
    expect(() => m.append('ghost', { name: ['a'], step: [1], epoch: [1], wallTime: [1], value: [1] })).toThrow(/unknown run/)
    expect(m.count('r1')).toBe(0)
  })
})

describe('CheckpointsRepo', () => {
  it('moves the last mark to the newest and the best mark by the chosen metric', () => {
    new RunsRepo(db).create({ id: 'r1', name: 'one', config, model: 'm', runDir: '/r1', createdAt: 1 })
    const c = new CheckpointsRepo(db)
    const by = { metric: 'epoch/val_acc', mode: 'max' as const }
    c.add({ runId: 'r1', epoch: 1, step: 10, path: '/a', bytes: 5, metrics: { 'epoch/val_acc': 0.6 }, createdAt: 1 }, by)
    c.add({ runId: 'r1', epoch: 2, step: 20, path: '/b', bytes: 5, metrics: { 'epoch/val_acc': 0.9 }, createdAt: 2 }, by)
    c.add({ runId: 'r1', epoch: 3, step: 30, path: '/c', bytes: 5, metrics: { 'epoch/val_acc': 0.8 }, createdAt: 3 }, by)
    const list = c.list('r1')
    expect(list.map((x) => [x.epoch, x.isBest, x.isLast])).toEqual([[1, false, false], [2, true, false], [3, false, true]])
  })
})
