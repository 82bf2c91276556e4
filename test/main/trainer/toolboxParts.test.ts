/**
 * The toolbox's parts one by one: the loop's losses against the reference losses of evaluation/,
 * AdamW's decoupled decay, gradient clipping, class weights, augmentation / mixup / cutmix, the
 * val metrics, resolveToolbox's defaults and the distributions file.
 */
import { describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { monitorMetric, resolveToolbox } from '../../../preload/contract/toolbox'
import { METRIC, valTopKMetric } from '../../../preload/contract/types'
import { binaryCrossentropy, categoricalCrossentropy, huberLoss, meanAbsoluteErrorLoss, meanSquaredErrorLoss } from '../../../main/trainer/evaluation/losses'
import { AdamWOptimizer, buildModel, createOptimizer } from '../../../main/trainer/models'
import { classWeightVector, perExampleLoss } from '../../../main/trainer/toolbox/loop'
import { augmentImages, cutmix, epochSeed, mixup, Rng, smoothLabels } from '../../../main/trainer/toolbox/augment'
import { valMetrics } from '../../../main/trainer/toolbox/valMetrics'
import { firstLayerFilters, writeDistributions } from '../../../main/trainer/toolbox/distributions'

const base = { datasetId: 'd', model: { template: 'mlp' as const }, optimizer: 'adam' as const, learningRate: 0.01, batchSize: 8, epochs: 1, seed: 1, backend: 'cpu' as const }

describe('toolbox losses match the reference losses', () => {
  const yTrue = [0, 1, 0, 1, 0, 0, 0.2, 0.3, 0.5]
  const yPred = [0.2, 0.7, 0.1, 0.5, 0.25, 0.25, 0.1, 0.1, 0.8]
  const mean = (name: Parameters<typeof perExampleLoss>[0], delta = 1): number => tf.tidy(() =>
    tf.mean(perExampleLoss(name, tf.tensor2d(yTrue, [3, 3]), tf.tensor2d(yPred, [3, 3]), delta)).dataSync()[0]!)
  it('categorical / binary cross-entropy, mse, mae, huber', () => {
    expect(mean('categoricalCrossentropy')).toBeCloseTo(categoricalCrossentropy(yTrue, yPred, 3).loss, 5)
    expect(mean('sparseCategoricalCrossentropy')).toBeCloseTo(categoricalCrossentropy(yTrue, yPred, 3).loss, 5)
    expect(mean('binaryCrossentropy')).toBeCloseTo(binaryCrossentropy(yTrue, yPred).loss, 5)
    expect(mean('mse')).toBeCloseTo(meanSquaredErrorLoss(yTrue, yPred).loss, 6)
    expect(mean('mae')).toBeCloseTo(meanAbsoluteErrorLoss(yTrue, yPred).loss, 6)
    expect(mean('huber', 0.3)).toBeCloseTo(huberLoss(yTrue, yPred, 0.3).loss, 6)
  })
})

describe('optimizers', () => {
  it('AdamW = Adam on the decayed weights (w ← w − lr·wd·w first), and serializes as Adam', () => {
    const w1 = tf.variable(tf.tensor1d([1, -2, 3]), true, 'adamw_w')
    const w2 = tf.variable(tf.tensor1d([1, -2, 3]), true, 'adam_w')
    const g = tf.tensor1d([0.5, 0.1, -0.3])
    const adamw = new AdamWOptimizer(0.1, 0.9, 0.999, 1e-7, 0.05)
    const adam = tf.train.adam(0.1, 0.9, 0.999, 1e-7)
    adamw.applyGradients([{ name: 'adamw_w', tensor: g }])
    w2.assign(tf.mul(w2, 1 - 0.1 * 0.05))
    adam.applyGradients([{ name: 'adam_w', tensor: g }])
    expect(Array.from(w1.dataSync())).toEqual(Array.from(w2.dataSync()))
    expect(adamw.getClassName()).toBe('Adam')
    tf.dispose([w1, w2, g]); adamw.dispose(); adam.dispose()
  })

  it('maps names and options onto TF.js optimizers (legacy momentum = sgd + 0.9)', () => {
    expect(createOptimizer('momentum', 0.1).getConfig()).toMatchObject({ momentum: 0.9, useNesterov: false })
    expect(createOptimizer('sgd', 0.1, { momentum: 0.8, nesterov: true }).getConfig()).toMatchObject({ momentum: 0.8, useNesterov: true })
    expect(createOptimizer('sgd', 0.1).getClassName()).toBe('SGD')
    expect(createOptimizer('rmsprop', 0.1, { rho: 0.8 }).getConfig()).toMatchObject({ decay: 0.8 })
    expect(createOptimizer('adagrad', 0.1, { initialAccumulator: 0.2 }).getConfig()).toMatchObject({ initialAccumulatorValue: 0.2 })
  })
})

describe('resolveToolbox', () => {
  it('fills defaults and keeps absent sections off', () => {
    const r = resolveToolbox(base, 'classification')
    expect(r).toMatchObject({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'], earlyStopping: null, gradClip: null })
    expect(r.regularization.augmentation).toBeNull()
    expect(r.checkpointPolicy).toEqual({ everyEpochs: 1, keepLast: 0, bestMetric: 'val_loss', bestMode: 'auto' })
    expect(resolveToolbox({ ...base, optimizer: 'momentum' }, 'regression')).toMatchObject({ optimizer: 'sgd', loss: 'mse', metrics: ['r2'], optimizerOptions: { momentum: 0.9 } })
    expect(resolveToolbox({ ...base, earlyStopping: {} }, 'classification').earlyStopping).toMatchObject({ monitor: 'val_loss', patience: 5, restoreBest: true })
  })
  it('monitors: short names and the direction', () => {
    expect(monitorMetric('val_loss')).toEqual({ metric: 'epoch/val_loss', mode: 'min' })
    expect(monitorMetric('val_acc')).toEqual({ metric: 'epoch/val_acc', mode: 'max' })
    expect(monitorMetric('epoch/val_top5')).toEqual({ metric: 'epoch/val_top5', mode: 'max' })
    expect(monitorMetric('val_f1', 'min').mode).toBe('min')
  })
})

describe('class weights', () => {
  it('balanced = n / (k · count_c); a list must have one weight per class', () => {
    expect(Array.from(classWeightVector('balanced', [0, 0, 0, 1], 2)!)).toEqual([Math.fround(4 / 6), 2])
    expect(() => classWeightVector([1, 2, 3], [0, 1], 2)).toThrow(/3 weights; the dataset has 2 classes/)
    expect(classWeightVector(null, [0, 1], 2)).toBeNull()
  })
})

describe('augmentation, mixup, cutmix', () => {
  it('is seeded: the same seed gives the same images, another seed other images', () => {
    const img = (): Float32Array => Float32Array.from({ length: 2 * 8 * 8 }, (_, i) => (i * 37) % 11)
    const a = { flip: 'both' as const, shift: 0.2, rotation: 20, crop: 1, noise: 0.1 }
    const [x1, x2, x3] = [img(), img(), img()]
    augmentImages(x1, 2, [8, 8, 1], a, new Rng(epochSeed(1, 1)), new Float32Array(64))
    augmentImages(x2, 2, [8, 8, 1], a, new Rng(epochSeed(1, 1)), new Float32Array(64))
    augmentImages(x3, 2, [8, 8, 1], a, new Rng(epochSeed(1, 2)), new Float32Array(64))
    expect(x1).toEqual(x2)
    expect(x1).not.toEqual(x3)
    expect(x1).not.toEqual(img())
  })
  it('a horizontal flip mirrors the rows exactly', () => {
    const x = Float32Array.from({ length: 4 * 4 }, (_, i) => i)
    const rng = new Rng(3)
    // Find a seed state that flips (p = 0.5): try until it does, the rest of the map is the identity.
    for (let k = 0; k < 10; k++) {
      const y = Float32Array.from(x)
      augmentImages(y, 1, [4, 4, 1], { flip: 'horizontal', shift: 0, rotation: 0, crop: 0, noise: 0 }, rng, new Float32Array(16))
      if (y[0] !== 0) { expect(Array.from(y.subarray(0, 4))).toEqual([3, 2, 1, 0]); return }
    }
    throw new Error('never flipped in 10 draws')
  })
  it('label smoothing, mixup and cutmix keep targets as distributions', () => {
    const y = Float32Array.from([1, 0, 0, 0, 1, 0])
    smoothLabels(y, 3, 0.3)
    expect(y[0]).toBeCloseTo(0.8, 6)
    expect(y[1]).toBeCloseTo(0.1, 6)
    const x = Float32Array.from({ length: 4 * 16 }, (_, i) => Math.floor(i / 16))
    const yy = Float32Array.from([1, 0, 0, 1, 1, 0, 0, 1])
    const lam = mixup(x, yy, null, 4, new Rng(5), 0.4)
    expect(lam).toBeGreaterThanOrEqual(0)
    expect(lam).toBeLessThanOrEqual(1)
    for (let i = 0; i < 4; i++) expect(yy[i * 2]! + yy[i * 2 + 1]!).toBeCloseTo(1, 6)
    const xc = Float32Array.from({ length: 4 * 16 }, (_, i) => Math.floor(i / 16))
    const yc = Float32Array.from([1, 0, 0, 1, 1, 0, 0, 1])
    const lc = cutmix(xc, yc, null, 4, [4, 4, 1], new Rng(6), 1)
    // The targets mix by exactly the pasted area.
    for (let i = 0; i < 4; i++) {
      const own = xc.subarray(i * 16, i * 16 + 16).filter((v) => v === i).length / 16
      if (own < 1) expect(lc).toBeCloseTo(own, 6)
    }
  })
})

describe('val metrics', () => {
  it('top-k, precision/recall/F1 (class 1 when binary), AUC, R²', () => {
    const pred = Float32Array.from([0.9, 0.1, 0.4, 0.6, 0.3, 0.7, 0.8, 0.2])
    const m = valMetrics(['accuracy', 'precision', 'recall', 'f1', 'auc'], { classification: true, numClasses: 2, labels: [0, 1, 0, 0], pred, outputSize: 2, topK: 5 })
    expect(m[METRIC.valPrecision]).toBeCloseTo(0.5)
    expect(m[METRIC.valRecall]).toBe(1)
    expect(m[METRIC.valAuc]).toBeCloseTo(2 / 3, 6)
    const p3 = Float32Array.from([0.5, 0.3, 0.2, 0.1, 0.3, 0.6])
    expect(valMetrics(['topK'], { classification: true, numClasses: 3, labels: [1, 0], pred: p3, outputSize: 3, topK: 2 })[valTopKMetric(2)]).toBe(0.5)
    expect(valMetrics(['r2'], { classification: false, numClasses: 0, labels: [1, 2, 3], pred: Float32Array.from([1, 2, 3]), outputSize: 1, topK: 5 })[METRIC.valR2]).toBe(1)
  })
})

describe('distributions', () => {
  it('writes ≤ 8 tensors and a first-Dense filter image for image input', () => {
    const model = buildModel({ template: 'mlp', hidden: [6, 5, 4, 3, 3, 3] }, { inputShape: [4, 5, 1], numClasses: 3, task: 'classification' }, 1)
    const f = firstLayerFilters(model)!
    expect(f).toMatchObject({ layer: 'dense_1', tileHeight: 4, tileWidth: 5, count: 6, cols: 3, rows: 2, width: 15, height: 8 })
    const file = writeDistributions(model, mkdtempSync(path.join(tmpdir(), 'studio-dist-')), 3, 42)
    const json = JSON.parse(readFileSync(file, 'utf8'))
    expect(path.basename(file)).toBe('epoch-0003.json')
    expect(json.points).toHaveLength(8)
    expect(json.points.slice(0, 7).every((p: { tensor: string }) => p.tensor === 'kernel')).toBe(true)
    expect(Array.isArray(json.points[0].histogram.edges)).toBe(true)
    expect(json.points[0].count).toBe(20 * 6)
    model.dispose()
  })
})
