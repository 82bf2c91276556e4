import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import {
  binaryCrossentropy, categoricalCrossentropy, huberLoss, learningRateAt, meanAbsoluteErrorLoss,
  meanSquaredErrorLoss, scheduleProblem, sparseCategoricalCrossentropy, type LossResult
} from '../../../../main/trainer/evaluation'

describe('learning-rate schedules', () => {
  const lr = 0.1
  it('constant and step decay', () => {
    expect(learningRateAt({ kind: 'constant' }, lr, 12345)).toBe(0.1)
    // StepLR(step_size=3, gamma=0.5): 0..2 → .1, 3..5 → .05, 6 → .025
    const step = { kind: 'step' as const, stepSize: 3, gamma: 0.5 }
    expect([0, 2, 3, 5, 6].map((s) => learningRateAt(step, lr, s))).toEqual([0.1, 0.1, 0.05, 0.05, 0.025])
  })

  it('exponential decay, smooth and staircase (×0.99 every 10 steps)', () => {
    const stair = { kind: 'exponential' as const, decaySteps: 10, decayRate: 0.99, staircase: true }
    expect(learningRateAt(stair, lr, 9)).toBe(0.1)
    expect(learningRateAt(stair, lr, 10)).toBeCloseTo(0.099, 15)
    expect(learningRateAt(stair, lr, 25)).toBeCloseTo(0.1 * 0.99 * 0.99, 15)
    // smooth: 0.1 · 0.99^(5/10) = 0.0994987437…
    expect(learningRateAt({ ...stair, staircase: false }, lr, 5)).toBeCloseTo(0.09949874371066199, 14)
  })

  it('cosine decay (Keras CosineDecay) and linear warm-up before any schedule', () => {
    const cos = { kind: 'cosine' as const, decaySteps: 100 }
    expect(learningRateAt(cos, lr, 0)).toBeCloseTo(0.1, 15)
    // 0.1 · ½(1 + cos(π/4)) = 0.0853553390593274
    expect(learningRateAt(cos, lr, 25)).toBeCloseTo(0.08535533905932738, 14)
    expect(learningRateAt(cos, lr, 50)).toBeCloseTo(0.05, 14)
    expect(learningRateAt(cos, lr, 100)).toBeCloseTo(0, 14)
    expect(learningRateAt({ ...cos, alpha: 0.1 }, lr, 500)).toBeCloseTo(0.01, 14)
    const warm = { ...cos, warmupSteps: 10 }
    expect([0, 5, 10].map((s) => learningRateAt(warm, lr, s))).toEqual([0, 0.05, 0.1])
    expect(learningRateAt(warm, lr, 60)).toBeCloseTo(0.05, 14)
    expect(learningRateAt({ kind: 'constant', warmupSteps: 4, warmupFrom: 0.2 }, 1, 2)).toBeCloseTo(0.6, 15)
    const stairWarm = { kind: 'exponential' as const, decaySteps: 10, decayRate: 0.5, staircase: true, warmupSteps: 5 }
    expect(learningRateAt(stairWarm, 1, 15)).toBe(0.5)
  })

  it('names the bad field', () => {
    expect(scheduleProblem({ kind: 'step', stepSize: 0, gamma: 0.5 })).toMatch(/stepSize/)
    expect(scheduleProblem({ kind: 'exponential', decaySteps: 10, decayRate: 0 })).toMatch(/decayRate/)
    expect(scheduleProblem({ kind: 'cosine', decaySteps: 10, alpha: 2 })).toMatch(/alpha/)
    expect(scheduleProblem({ kind: 'constant', warmupSteps: -1 })).toMatch(/warmupSteps/)
    expect(scheduleProblem({ kind: 'cosine', decaySteps: 10 })).toBeNull()
  })
})

/** Central finite differences of `f` at `x`, in float64. */
function numericGrad(f: (x: number[]) => number, x: number[], h = 1e-6): number[] {
  return x.map((_, i) => {
    const up = [...x]; const down = [...x]
    up[i]! += h; down[i]! -= h
    return (f(up) - f(down)) / (2 * h)
  })
}

function expectGradMatches(loss: (p: number[]) => LossResult, p: number[]): void {
  const analytic = Array.from(loss(p).grad)
  const numeric = numericGrad((x) => loss(x).loss, p)
  analytic.forEach((g, i) => expect(g, `∂/∂p[${i}]`).toBeCloseTo(numeric[i]!, 6))
}

describe('reference losses', () => {
  it('values by hand: CE, CE with label smoothing, BCE, MSE, MAE, Huber', () => {
    // −ln 0.7 = 0.35667494393873245
    expect(categoricalCrossentropy([1, 0, 0], [0.7, 0.2, 0.1], 3).loss).toBeCloseTo(0.35667494393873245, 12)
    // smoothing 0.1 over 3 classes: y = [.9333, .0333, .0333] → −Σ y ln p = 0.46329738119042185 (numpy)
    expect(categoricalCrossentropy([1, 0, 0], [0.7, 0.2, 0.1], 3, { labelSmoothing: 0.1 }).loss).toBeCloseTo(0.46329738119042185, 12)
    expect(sparseCategoricalCrossentropy([0], [0.7, 0.2, 0.1], 3, { labelSmoothing: 0.1 }).loss).toBeCloseTo(0.46329738119042185, 12)
    // Rows are normalised first (TF.js): [1.4, .4, .2] is the same distribution.
    expect(categoricalCrossentropy([1, 0, 0], [1.4, 0.4, 0.2], 3).loss).toBeCloseTo(0.35667494393873245, 12)
    // numpy: −mean(y ln p + (1−y) ln(1−p)) for y [0,1,1,0], p [.1,.8,.6,.3] = 0.2990011586691898; smoothing .2 → 0.4199082063429767
    expect(binaryCrossentropy([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3]).loss).toBeCloseTo(0.2990011586691898, 12)
    expect(binaryCrossentropy([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3], { labelSmoothing: 0.2 }).loss).toBeCloseTo(0.4199082063429767, 12)
    // Clipping: p = 0 costs −ln(1e-7) = 16.118095650958319 instead of ∞.
    expect(binaryCrossentropy([1], [0]).loss).toBeCloseTo(16.11809565095832, 6)
    expect(meanSquaredErrorLoss([3, -0.5, 2, 7], [2.5, 0, 2, 8]).loss).toBeCloseTo(0.375, 12)
    expect(meanAbsoluteErrorLoss([3, -0.5, 2, 7], [2.5, 0, 2, 8]).loss).toBeCloseTo(0.5, 12)
    expect(huberLoss([0, 0], [0.5, 3]).loss).toBeCloseTo((0.125 + 2.5) / 2, 12)
    expect(huberLoss([0], [3], 2).loss).toBeCloseTo(2 * (3 - 1), 12)
  })

  it('gradients match finite differences (away from clips and kinks)', () => {
    const y3 = [0, 1, 0, 0.2, 0.5, 0.3]
    expectGradMatches((p) => categoricalCrossentropy(y3, p, 3), [0.2, 0.5, 0.3, 0.1, 0.6, 0.3])
    expectGradMatches((p) => categoricalCrossentropy(y3, p, 3, { labelSmoothing: 0.2 }), [0.3, 0.9, 0.4, 0.2, 0.2, 0.7])
    expectGradMatches((z) => categoricalCrossentropy(y3, z, 3, { fromLogits: true, labelSmoothing: 0.1 }), [1.5, -0.3, 2, 0, 4, -2])
    expectGradMatches((p) => sparseCategoricalCrossentropy([2, 0], p, 3, { labelSmoothing: 0.1 }), [0.2, 0.5, 0.3, 0.1, 0.6, 0.3])
    expectGradMatches((p) => binaryCrossentropy([0, 1, 1, 0], p, { labelSmoothing: 0.1 }), [0.1, 0.8, 0.6, 0.3])
    expectGradMatches((z) => binaryCrossentropy([0, 1, 0.3], z, { fromLogits: true }), [-2, 0.5, 3])
    expectGradMatches((p) => meanSquaredErrorLoss([1, -2, 0.5], p), [0.3, -1, 2])
    expectGradMatches((p) => meanAbsoluteErrorLoss([1, -2, 0.5], p), [0.3, -1, 2])
    expectGradMatches((p) => huberLoss([1, -2, 0.5], p), [0.3, -1, 2.7])
    // Where p is clipped the function is flat, and so is the reference gradient.
    expect(binaryCrossentropy([1], [0]).grad[0]).toBe(0)
  })

  it('logits and probabilities give the same loss', () => {
    const z = [1.5, -0.3, 2]
    const e = z.map(Math.exp); const s = e.reduce((a, b) => a + b)
    expect(categoricalCrossentropy([0, 0, 1], z, 3, { fromLogits: true }).loss).toBeCloseTo(categoricalCrossentropy([0, 0, 1], e.map((v) => v / s), 3).loss, 12)
    expect(binaryCrossentropy([1, 0], [0.4, -1.2], { fromLogits: true }).loss).toBeCloseTo(binaryCrossentropy([1, 0], [0.4, -1.2].map((v) => 1 / (1 + Math.exp(-v)))).loss, 12)
  })

  it('agree with TF.js Layers\' own losses and gradients', () => {
    const yTrue = [0, 1, 0, 0.2, 0.5, 0.3]
    const yPred = [0.2, 0.5, 0.3, 0.1, 0.6, 0.3]
    const t = (v: number[], shape: [number, number]) => tf.tensor2d(v, shape)
    const mean = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (p: tf.Tensor) => tf.mean(f(t(yTrue, [2, 3]), p))
    const check = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, ref: LossResult, pred = yPred): void => {
      const lossFn = mean(f)
      const p = t(pred, [2, 3])
      expect(lossFn(p).dataSync()[0]).toBeCloseTo(ref.loss, 5)
      Array.from(tf.grad(lossFn)(p).dataSync()).forEach((g, i) => expect(g).toBeCloseTo(ref.grad[i]!, 4))
    }
    check(tf.metrics.categoricalCrossentropy, categoricalCrossentropy(yTrue, yPred, 3))
    check(tf.metrics.binaryCrossentropy, binaryCrossentropy(yTrue, yPred))
    check(tf.metrics.meanSquaredError, meanSquaredErrorLoss(yTrue, yPred))
    // Not at an exact hit (y = p): TF.js's |x|′(0) is −1 (step(x, −1)), TensorFlow's and ours 0.
    const off = yPred.map((v) => v + 0.01)
    check(tf.metrics.meanAbsoluteError, meanAbsoluteErrorLoss(yTrue, off), off)
  })
})
