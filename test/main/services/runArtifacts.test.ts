/** Retention, export destinations, prediction inputs, distributions files and the evaluation numbers. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { PNG } from 'pngjs'
import { describe, expect, it } from 'vitest'
import type { CheckpointInfo } from '../../../preload/contract/types'
import {
  appendNotice, bestByFromPolicy, checkExportDest, checkpointsToDelete, encodePredictInput, exportCheckpointDir, readDistributions, readNotices
} from '../../../main/services/runArtifacts'
import { evaluateOutputs, toProbabilities } from '../../../main/trainer/evaluation/evaluate'
import type { FeatureLayout } from '../../../main/datasets/datasetMeta'
import { tempDir } from '../../helpers/tmp'

const cp = (id: number, epoch: number, extra: Partial<CheckpointInfo> = {}): CheckpointInfo => ({
  id, runId: 'r', epoch, step: epoch * 10 - 1, path: `/r/epoch-${epoch}`, bytes: 1, metrics: {}, isBest: false, isLast: false, createdAt: epoch, ...extra
})

describe('checkpoint retention', () => {
  it('keeps the last K and the best; keepLast 0 keeps all; deleted rows are not listed again', () => {
    const all = [cp(1, 1), cp(2, 2, { isBest: true }), cp(3, 3), cp(4, 4, { deleted: true }), cp(5, 5), cp(6, 6, { isLast: true })]
    expect(checkpointsToDelete(all, 2).map((c) => c.id)).toEqual([1, 3])
    expect(checkpointsToDelete(all, 0)).toEqual([])
    expect(checkpointsToDelete(all, undefined)).toEqual([])
    expect(checkpointsToDelete(all, 1).map((c) => c.id)).toEqual([1, 3, 5])
  })

  it('reads the best rule from the policy (auto: min for losses, max otherwise)', () => {
    const fb = () => ({ metric: 'fallback', mode: 'max' as const })
    expect(bestByFromPolicy({ bestMetric: 'val_loss' }, { 'epoch/val_loss': 1 }, fb)).toEqual({ metric: 'epoch/val_loss', mode: 'min' })
    expect(bestByFromPolicy({ bestMetric: 'val_acc', bestMode: 'auto' }, { 'epoch/val_acc': 1 }, fb)).toEqual({ metric: 'epoch/val_acc', mode: 'max' })
    expect(bestByFromPolicy({ bestMetric: 'val_auc' }, { 'epoch/val_loss': 1 }, fb).metric).toBe('fallback')
    expect(bestByFromPolicy(undefined, {}, fb).metric).toBe('fallback')
  })
})

describe('export destinations', () => {
  const root = path.resolve('/data/studio')
  it('browser mode: only inside <data>/exports', () => {
    expect(checkExportDest('mine', root, false)).toBe(path.join(root, 'exports', 'mine'))
    expect(checkExportDest(path.join(root, 'exports', 'a'), root, false)).toBe(path.join(root, 'exports', 'a'))
    expect(() => checkExportDest('../runs/x', root, false)).toThrow(/must not contain ".."/)
    expect(() => checkExportDest('/tmp/elsewhere', root, false)).toThrow(/leaves/)
    expect(() => checkExportDest(path.join(root, 'exports'), root, false)).toThrow(/leaves/)
  })
  it('desktop/CLI: any absolute folder outside the data folder (its exports/ allowed)', () => {
    expect(checkExportDest('/tmp/out/model', root, true)).toBe(path.resolve('/tmp/out/model'))
    expect(() => checkExportDest('relative/dir', root, true)).toThrow(/absolute/)
    expect(() => checkExportDest(path.join(root, 'runs', 'r1'), root, true)).toThrow(/inside the studio's data folder/)
    expect(() => checkExportDest(root, root, true)).toThrow(/inside/)
    expect(checkExportDest(path.join(root, 'exports', 'x'), root, true)).toBe(path.join(root, 'exports', 'x'))
  })
  it('copies model.json and the manifest\'s weight files; refuses a non-empty destination and bad manifests', () => {
    const t = tempDir()
    try {
      const src = path.join(t.dir, 'ck')
      mkdirSync(src)
      writeFileSync(path.join(src, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['weights.bin'], weights: [] }] }))
      writeFileSync(path.join(src, 'weights.bin'), Buffer.alloc(12))
      writeFileSync(path.join(src, 'optimizer.bin'), Buffer.alloc(5))
      const r = exportCheckpointDir(src, path.join(t.dir, 'out', 'model'))
      expect(r.files).toEqual(['model.json', 'weights.bin'])
      expect(r.bytes).toBeGreaterThan(12)
      expect(() => exportCheckpointDir(src, path.join(t.dir, 'out', 'model'))).toThrow(/not empty/)
      writeFileSync(path.join(src, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['../../etc/passwd'], weights: [] }] }))
      expect(() => exportCheckpointDir(src, path.join(t.dir, 'out2'))).toThrow(/not a file next to it/)
    } finally { t.cleanup() }
  })
})

describe('prediction inputs', () => {
  it('decodes a PNG, resizes it to the dataset size and scales like the cache', async () => {
    const png = new PNG({ width: 4, height: 4 })
    png.data.fill(255) // white, opaque
    for (let i = 0; i < 8; i++) { png.data[i * 4] = 0; png.data[i * 4 + 1] = 0; png.data[i * 4 + 2] = 0 } // top half black
    const b64 = PNG.sync.write(png).toString('base64')
    const x = await encodePredictInput({ imagePng: b64 }, { header: { inputShape: [2, 2, 1], xScale: 1 / 255, xDtype: 'uint8' }, layout: null })
    expect(Array.from(x)).toEqual([0, 0, 1, 1])
    await expect(encodePredictInput({ imagePng: Buffer.from('hello').toString('base64') }, { header: { inputShape: [2, 2, 1], xScale: 1, xDtype: 'uint8' }, layout: null })).rejects.toThrow(/not an image/)
    await expect(encodePredictInput({ imagePng: b64 }, { header: { inputShape: [3], xScale: 1, xDtype: 'float32' }, layout: null })).rejects.toThrow(/not images/)
  })

  it('encodes a row with the dataset\'s layout and names the bad cell', async () => {
    const layout: FeatureLayout[] = [
      { name: 'size', type: 'numeric', offset: 0, width: 1, encoding: 'standardize', shift: 10, div: 2 },
      { name: 'color', type: 'categorical', offset: 1, width: 3, encoding: 'onehot', categories: ['red', 'green', 'blue'], shift: 0, div: 1 },
      { name: 'ok', type: 'boolean', offset: 4, width: 1, encoding: 'none', shift: 0, div: 1 }
    ]
    const info = { header: { inputShape: [5], xScale: 1, xDtype: 'float32' as const }, layout }
    expect(Array.from(await encodePredictInput({ row: [14, 'blue', 'true'] }, info))).toEqual([2, 0, 0, 1, 1])
    await expect(encodePredictInput({ row: [14, 'pink', 'true'] }, info)).rejects.toThrow(/input\.row\[1\] \(color\): expected one of "red"/)
    await expect(encodePredictInput({ row: ['big', 'red', 'true'] }, info)).rejects.toThrow(/input\.row\[0\] \(size\): expected a number/)
    await expect(encodePredictInput({ row: [1] }, info)).rejects.toThrow(/1 values, expected 3/)
    expect(Array.from(await encodePredictInput({ row: [1, '2'] }, { header: { inputShape: [2], xScale: 1, xDtype: 'float32' }, layout: null }))).toEqual([1, 2])
  })
})

describe('distributions files', () => {
  it('reads per-epoch files in order, typed-array histograms included', () => {
    const t = tempDir()
    try {
      const dir = path.join(t.dir, 'distributions')
      mkdirSync(dir)
      const point = { layer: 'd', tensor: 'kernel', kind: 'weights', count: 4, nonFinite: 0, min: 0, max: 1, mean: 0.5, std: 0.1, quantiles: [0, 0.5, 1] }
      writeFileSync(path.join(dir, 'epoch-0002.json'), JSON.stringify({ epoch: 2, step: 19, points: [{ ...point, histogram: { edges: { 0: 0, 1: 1 }, counts: { 0: 4 } } }], filters: null }))
      writeFileSync(path.join(dir, 'epoch-0001.json'), JSON.stringify({ epoch: 1, step: 9, points: [{ ...point, histogram: { edges: [0, 1], counts: [4] } }], filters: { layer: 'c', width: 2, height: 2, channels: 1, pixels: 'AAAA', rows: 1, cols: 1, tileHeight: 2, tileWidth: 2 } }))
      writeFileSync(path.join(dir, '.tmp-epoch-0003.json'), '{')
      const d = readDistributions('r', t.dir)
      expect(d.tensors).toEqual([{ layer: 'd', tensor: 'kernel', kind: 'weights' }])
      expect(d.points.map((p) => [p.epoch, p.step, p.histogram.edges, p.histogram.counts])).toEqual([[1, 9, [0, 1], [4]], [2, 19, [0, 1], [4]]])
      expect(d.filters.map((f) => [f.epoch, f.layer])).toEqual([[1, 'c']])
      expect(readDistributions('r', path.join(t.dir, 'none'))).toEqual({ runId: 'r', tensors: [], points: [], filters: [] })
    } finally { t.cleanup() }
  })
})

describe('run notices', () => {
  it('are appended one per line and read back oldest first; a torn last line is skipped', () => {
    const t = tempDir()
    try {
      expect(readNotices(t.dir)).toEqual([])
      appendNotice(t.dir, { code: 'engine', message: 'studio engine', at: 1 })
      appendNotice(t.dir, { code: 'optimizer_state', message: 'not restored', at: 2 })
      writeFileSync(path.join(t.dir, 'notices.jsonl'), `${readFileSync(path.join(t.dir, 'notices.jsonl'), 'utf8')}{"code":`)
      expect(readNotices(t.dir).map((n) => n.code)).toEqual(['engine', 'optimizer_state'])
    } finally { t.cleanup() }
  })
})

describe('evaluation numbers', () => {
  it('classification: confusion, per-cell examples, loss, ROC/PR for two classes', () => {
    const outputs = Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7])
    const y = Int32Array.from([0, 1, 1, 1])
    const e = evaluateOutputs({ task: 'classification', classNames: ['a', 'b'], outputs, outputSize: 2, y, examplesPerCell: 10 })
    expect(e.confusion!.counts).toEqual([[1, 0], [1, 2]])
    expect(e.examples).toEqual([[[0], []], [[2], [1, 3]]])
    expect(e.report!.accuracy).toBe(0.75)
    expect(e.loss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8) + Math.log(0.4) + Math.log(0.7)) / 4, 5)
    expect(e.roc!.auc).toBe(1)
    expect(e.pr!.averagePrecision).toBeCloseTo(1, 6)
    expect(e.topK).toEqual([])
  })
  it('a single sigmoid unit on two classes becomes [1-p, p]; a mismatch is an error', () => {
    expect(Array.from(toProbabilities(Float32Array.from([0.25]), 1, 2))).toEqual([0.75, 0.25])
    expect(() => toProbabilities(Float32Array.from([1, 2, 3]), 3, 2)).toThrow(/3 outputs/)
  })
  it('regression: report, scatter points with their split indices, residual histogram', () => {
    const y = Float32Array.from([1, 2, 3, 4])
    const e = evaluateOutputs({ task: 'regression', classNames: [], outputs: Float32Array.from([1, 2, 3, 5]), outputSize: 1, y, examplesPerCell: 1 })
    expect(e.regression!.report.mse).toBe(0.25)
    expect(e.regression!.indices).toEqual([0, 1, 2, 3])
    expect(e.regression!.residuals.counts.reduce((a, b) => a + b, 0)).toBe(4)
    expect(e.confusion).toBeNull()
  })
})
