import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import { buildCompiledModel, buildModel, countParams, createOptimizer } from '../../../main/trainer/models'

const flat = (n: number, classes: number) => ({ inputShape: [n], numClasses: classes, task: 'classification' as const })
const image = { inputShape: [28, 28, 1], numClasses: 10, task: 'classification' as const }

describe('model templates', () => {
  it('logreg is one softmax layer (flattening images)', () => {
    expect(countParams(buildModel({ template: 'logreg' }, flat(4, 3), 1))).toBe(4 * 3 + 3)
    const m = buildModel({ template: 'logreg' }, image, 1)
    expect(countParams(m)).toBe(784 * 10 + 10)
    expect(m.outputShape).toEqual([null, 10])
  })

  it('mlp uses the hidden sizes and activation, default [64, 64] relu', () => {
    const xor = buildModel({ template: 'mlp', hidden: [8], activation: 'tanh' }, flat(2, 2), 1)
    expect(countParams(xor)).toBe(2 * 8 + 8 + 8 * 2 + 2)
    expect(xor.layers.map((l) => (l.getConfig() as { activation?: string }).activation)).toEqual(['tanh', 'softmax'])
    const def = buildModel({ template: 'mlp' }, flat(784, 10), 1)
    expect(countParams(def)).toBe(784 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10)
    expect((def.layers[0]!.getConfig() as { activation?: string }).activation).toBe('relu')
    expect(countParams(buildModel({ template: 'mlp', hidden: [256, 128] }, flat(784, 10), 1))).toBe(235146)
  })

  it('cnn is conv-pool-conv-pool-dense-softmax with defaults [16, 32] and 64', () => {
    const m = buildModel({ template: 'cnn' }, image, 1)
    expect(m.layers.map((l) => l.getClassName())).toEqual(['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense'])
    // conv 3·3·1·16+16, conv 3·3·16·32+32, dense (5·5·32)·64+64, out 64·10+10
    expect(countParams(m)).toBe(160 + 4640 + 51264 + 650)
    const custom = buildModel({ template: 'cnn', filters: [4, 8], denseUnits: 16 }, { ...image, inputShape: [12, 12, 3] }, 1)
    expect(custom.outputShape).toEqual([null, 10])
  })

  it('cnn refuses flat rows and too-small images with a clear message', () => {
    expect(() => buildModel({ template: 'cnn' }, flat(4, 3), 1)).toThrow(/cnn template needs image input/)
    expect(() => buildModel({ template: 'cnn' }, { ...image, inputShape: [6, 6, 1] }, 1)).toThrow(/too small/)
  })

  it('refuses a classifier with fewer than two classes', () => {
    expect(() => buildModel({ template: 'mlp' }, flat(3, 1), 1)).toThrow(/at least 2 classes/)
  })

  it('regression gets one linear output and mean squared error', () => {
    const { model } = buildCompiledModel({ model: { template: 'mlp', hidden: [4] }, optimizer: 'sgd', learningRate: 0.1, seed: 1 },
      { inputShape: [3], numClasses: 0, task: 'regression' })
    expect(model.outputShape).toEqual([null, 1])
    expect(model.loss).toBe('meanSquaredError')
  })

  it('initial weights depend only on the seed', () => {
    const w = (seed: number) => buildModel({ template: 'mlp', hidden: [5] }, flat(3, 2), seed).getWeights().map((t) => Array.from(t.dataSync()))
    expect(w(7)).toEqual(w(7))
    expect(w(7)).not.toEqual(w(8))
  })

  it('creates each optimizer with the learning rate', () => {
    expect(createOptimizer('sgd', 0.1)).toBeInstanceOf(tf.SGDOptimizer)
    const mom = createOptimizer('momentum', 0.1) as tf.MomentumOptimizer
    expect(mom).toBeInstanceOf(tf.MomentumOptimizer)
    expect(mom.getConfig()['momentum']).toBe(0.9)
    expect(createOptimizer('adam', 0.1)).toBeInstanceOf(tf.AdamOptimizer)
    expect(createOptimizer('rmsprop', 0.1)).toBeInstanceOf(tf.RMSPropOptimizer)
    expect((createOptimizer('adam', 0.02) as tf.AdamOptimizer).getConfig()['learningRate']).toBe(0.02)
  })

  it('compiles classification with categorical cross-entropy and accuracy', () => {
    const { model, paramCount } = buildCompiledModel({ model: { template: 'logreg' }, optimizer: 'adam', learningRate: 0.01, seed: 3 }, flat(4, 3))
    expect(paramCount).toBe(15)
    expect(model.loss).toBe('categoricalCrossentropy')
    expect(model.metricsNames).toEqual(['loss', 'acc'])
  })
})
