/**
 * The engine against TF.js itself: gradients equal tf.variableGrads' on small models (and a
 * finite-difference check), a fixed-seed run follows model.fit's loss curve and ends at the same
 * weights, for the templates and optimizers the studio offers, with native and portable kernels.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import type { ModelSpec, Optimizer } from '../../../../preload/contract/types'
import { FastEngine } from '../../../../main/trainer/engine/engine'
import { chooseEngine, fitEpoch } from '../../../../main/trainer/engine/fit'
import { chooseKernels, type KernelPreference } from '../../../../main/trainer/engine/kernels'
import { buildCompiledModel } from '../../../../main/trainer/models'
import { loadNativeAddon } from '../../../../main/trainer/native/loader'
import { randomArray, relError } from './helpers'

const native = loadNativeAddon()
const KINDS: KernelPreference[] = native.ok ? ['native', 'wasm-simd', 'portable'] : ['wasm-simd', 'portable']

interface Data { x: Float32Array; y: Float32Array; n: number; shape: number[]; classes: number }

function data(n: number, shape: number[], classes: number, seed: number): Data {
  const d = shape.reduce((a, b) => a * b, 1)
  const x = randomArray(n * d, seed)
  const y = new Float32Array(n * classes)
  // Labels that depend on the input, so training makes progress.
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let j = 0; j < d; j += 3) s += x[i * d + j]!
    y[i * classes + (Math.floor(Math.abs(s) * 7) % classes)] = 1
  }
  return { x, y, n, shape, classes }
}

function build(spec: ModelSpec, d: Data, optimizer: Optimizer, lr: number, seed = 7): tf.Sequential {
  return buildCompiledModel({ model: spec, optimizer, learningRate: lr, seed }, { inputShape: d.shape, numClasses: d.classes, task: 'classification' }).model
}

const MLP: ModelSpec = { template: 'mlp', hidden: [24, 12], activation: 'relu' }
const CNN: ModelSpec = { template: 'cnn', filters: [4, 6], denseUnits: 10 }

beforeAll(async () => { await tf.setBackend('cpu') })

describe('gradients', () => {
  for (const [label, spec, shape] of [['mlp', MLP, [13]], ['mlp tanh', { ...MLP, activation: 'tanh' } as ModelSpec, [13]], ['cnn', CNN, [11, 10, 2]]] as const) {
    it(`${label}: equal tf.variableGrads on the same batch (all kernel sets)`, () => {
      const d = data(9, [...shape], 4, 3)
      const model = build(spec, d, 'sgd', 0.1)
      const xs = tf.tensor(d.x, [d.n, ...shape])
      const ys = tf.tensor(d.y, [d.n, d.classes])
      // The compiled loss, as model.fit computes it (tfjs-layers' categoricalCrossentropy, batch mean).
      const lossFn = (): tf.Scalar => tf.tidy(() => tf.metrics.categoricalCrossentropy(ys, model.predict(xs) as tf.Tensor).mean() as tf.Scalar)
      const { value, grads } = tf.variableGrads(lossFn, model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val))
      const want = model.trainableWeights.map((w) => grads[(w as unknown as { val: tf.Variable }).val.name]!.dataSync() as Float32Array)
      for (const kind of KINDS) {
        const eng = FastEngine.create(model, { batchSize: 16, kernels: chooseKernels({ prefer: kind, threads: 1 }).kernels })
        const got = eng.gradients(d.x, d.y, d.n)
        expect(Math.abs(got.loss - value.dataSync()[0]!), kind).toBeLessThan(1e-5)
        got.grads.forEach((g, i) => expect(relError(g, want[i]!), `${kind} ${model.trainableWeights[i]!.name}`).toBeLessThan(1e-4))
      }
      tf.dispose([xs, ys, value, ...Object.values(grads)])
      model.dispose()
    })
  }

  it('match central finite differences of the loss (mlp, float32 tolerance)', () => {
    const d = data(5, [6], 3, 9)
    const model = build({ template: 'mlp', hidden: [5], activation: 'tanh' }, d, 'sgd', 0.1)
    const eng = FastEngine.create(model, { batchSize: 8, kernels: chooseKernels({ prefer: KINDS[0], threads: 1 }).kernels })
    const { grads } = eng.gradients(d.x, d.y, d.n)
    // Perturb a few weights of the first kernel through the engine's own view of them.
    const w = (eng as unknown as { params: { value: Float32Array }[] }).params[0]!.value
    const h = 1e-2
    for (const i of [0, 7, 13, 29]) {
      const keep = w[i]!
      w[i] = keep + h
      const up = eng.evaluate(d.x, d.y, d.n).loss
      w[i] = keep - h
      const down = eng.evaluate(d.x, d.y, d.n).loss
      w[i] = keep
      const fd = (up - down) / (2 * h)
      expect(Math.abs(fd - grads[0]![i]!), `w[${i}] fd ${fd} vs ${grads[0]![i]}`).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd))
    }
    model.dispose()
  })
})

describe('a fixed-seed run follows model.fit', () => {
  const runs: [string, ModelSpec, number[], Optimizer, number][] = [
    ['mlp adam', MLP, [20], 'adam', 0.01],
    ['mlp momentum', MLP, [20], 'momentum', 0.05],
    ['mlp sgd', MLP, [20], 'sgd', 0.2],
    ['mlp rmsprop', MLP, [20], 'rmsprop', 0.005],
    ['cnn adam', CNN, [12, 12, 1], 'adam', 0.01]
  ]
  for (const [label, spec, shape, opt, lr] of runs) {
    it(`${label}: same epoch losses (1e-4) and final weights (1e-3), native and portable`, async () => {
      const d = data(150, shape, 5, 21)
      const ref = build(spec, d, opt, lr)
      const xs = tf.tensor(d.x, [d.n, ...shape])
      const ys = tf.tensor(d.y, [d.n, d.classes])
      const refLoss: number[] = []
      for (let e = 0; e < 3; e++) {
        const h = await ref.fit(xs, ys, { batchSize: 32, epochs: 1, shuffle: false, verbose: 0 })
        refLoss.push(h.history['loss']![0] as number)
      }
      const refW = ref.getWeights().map((t) => t.dataSync().slice() as Float32Array)
      for (const kind of KINDS.slice(0, 2)) {
        const model = build(spec, d, opt, lr)
        const eng = FastEngine.create(model, { batchSize: 32, kernels: chooseKernels({ prefer: kind, threads: 2 }).kernels })
        const losses: number[] = []
        for (let e = 0; e < 3; e++) losses.push((await fitEpoch(eng, d.x, d.y, d.n, null, 0)).loss)
        losses.forEach((l, i) => expect(Math.abs(l - refLoss[i]!) / refLoss[i]!, `${kind} epoch ${i + 1}: ${l} vs ${refLoss[i]}`).toBeLessThan(1e-4))
        eng.syncToModel()
        model.getWeights().forEach((t, i) => expect(relError(t.dataSync(), refW[i]!), `${kind} weight ${i}`).toBeLessThan(1e-3))
        // Evaluation through TF.js sees the trained weights.
        const ev = model.evaluate(xs, ys) as tf.Scalar[]
        expect(Math.abs(ev[0]!.dataSync()[0]! - eng.evaluate(d.x, d.y, d.n).loss)).toBeLessThan(1e-4)
        tf.dispose(ev)
        model.dispose()
      }
      tf.dispose([xs, ys])
      ref.dispose()
    })
  }
})

describe('other templates and losses follow model.fit too', () => {
  it('regression (mean squared error, linear head) and logreg on image input (flatten first)', async () => {
    // Regression: mlp with a linear 1-unit head, targets a smooth function of the input.
    const n = 96
    const x = randomArray(n * 6, 41)
    const y = new Float32Array(n)
    for (let i = 0; i < n; i++) y[i] = Math.sin(x[i * 6]! * 2) + 0.5 * x[i * 6 + 1]!
    const cases: { model: () => tf.Sequential; x: Float32Array; y: Float32Array; xShape: number[]; yCols: number }[] = [
      {
        model: () => buildCompiledModel({ model: { template: 'mlp', hidden: [16], activation: 'tanh' }, optimizer: 'adam', learningRate: 0.01, seed: 3 },
          { inputShape: [6], numClasses: 0, task: 'regression' }).model,
        x, y, xShape: [6], yCols: 1
      },
      (() => {
        const d = data(64, [5, 4, 2], 3, 17)
        return {
          model: () => buildCompiledModel({ model: { template: 'logreg' }, optimizer: 'momentum', learningRate: 0.05, seed: 3 },
            { inputShape: [5, 4, 2], numClasses: 3, task: 'classification' }).model,
          x: d.x, y: d.y, xShape: [5, 4, 2], yCols: 3
        }
      })()
    ]
    for (const c of cases) {
      const ref = c.model()
      const count = c.y.length / c.yCols
      const xs = tf.tensor(c.x, [count, ...c.xShape])
      const ys = tf.tensor2d(c.y, [count, c.yCols])
      const refLoss: number[] = []
      for (let e = 0; e < 3; e++) refLoss.push((await ref.fit(xs, ys, { batchSize: 16, epochs: 1, shuffle: false, verbose: 0 })).history['loss']![0] as number)
      const model = c.model()
      const eng = FastEngine.create(model, { batchSize: 16, kernels: chooseKernels({ prefer: KINDS[0], threads: 1 }).kernels })
      for (let e = 0; e < 3; e++) {
        const l = (await fitEpoch(eng, c.x, c.y, count, null, 0)).loss
        expect(Math.abs(l - refLoss[e]!) / refLoss[e]!, `${model.layers.map((l) => l.getClassName()).join('>')} epoch ${e + 1}`).toBeLessThan(1e-4)
      }
      tf.dispose([xs, ys]); ref.dispose(); model.dispose()
    }
  })
})

describe('engine choice', () => {
  it('falls back to model.fit, saying why, for layers it does not run', () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 }), tf.layers.batchNormalization(), tf.layers.dense({ units: 2, activation: 'softmax' })] })
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' })
    const c = chooseEngine(m, { batchSize: 8 })
    expect(c.engine).toBeNull()
    expect(c.id).toBe('tfjs')
    expect(c.description).toMatch(/BatchNormalization/)
    m.dispose()
  })

  it('trains a model with Dropout and an Activation layer; inference matches TF.js (dropout off)', async () => {
    const m = tf.sequential({ layers: [
      tf.layers.dense({ inputShape: [7], units: 12, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      tf.layers.activation({ activation: 'softmax' })
    ] })
    m.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['acc'] })
    const d = data(40, [7], 3, 8)
    const c = chooseEngine(m, { batchSize: 16, threads: 1, prefer: KINDS[0] })
    expect(c.engine, c.description).not.toBeNull()
    const first = (await fitEpoch(c.engine!, d.x, d.y, d.n, null, 0)).loss
    let last = first
    for (let e = 0; e < 20; e++) last = (await fitEpoch(c.engine!, d.x, d.y, d.n, null, 0)).loss
    expect(last).toBeLessThan(first)
    c.engine!.syncToModel()
    const ev = m.evaluate(tf.tensor2d(d.x, [d.n, 7]), tf.tensor2d(d.y, [d.n, 3])) as tf.Scalar[]
    const mine = c.engine!.evaluate(d.x, d.y, d.n)
    expect(Math.abs(ev[0]!.dataSync()[0]! - mine.loss)).toBeLessThan(1e-4)
    expect(Math.abs(ev[1]!.dataSync()[0]! - mine.acc)).toBeLessThan(1e-6)
    tf.dispose(ev)
    m.dispose()
  })

  it('stops within a batch of shouldStop and reports the partial epoch', async () => {
    const d = data(200, [8], 3, 5)
    const model = build(MLP, d, 'adam', 0.01)
    const eng = FastEngine.create(model, { batchSize: 16, kernels: chooseKernels({ prefer: KINDS[0] }).kernels })
    const seen: number[] = []
    const r = await fitEpoch(eng, d.x, d.y, d.n, null, 100, { onBatch: (s) => seen.push(s), shouldStop: () => seen.length >= 3 })
    expect(r.stopped).toBe(true)
    expect(r.batches).toBe(3)
    expect(seen).toEqual([100, 101, 102])
    model.dispose()
  })
})
