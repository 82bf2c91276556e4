/**
 * Reference implementations of the training losses, with their gradients with respect to the
 * model's output, in float64 on plain arrays. The trainer trains with TF.js (or the studio's fast
 * engine); these are what tests hold both against. Each follows TF.js 4.22 Layers' definition
 * (which matches Keras's): mean over the batch of a per-example loss, clipping probabilities to
 * [ε, 1−ε] with ε = 1e-7, label smoothing as in Keras.
 */
import type { Numbers } from './classification'

/** Keras's and TF.js's backend epsilon, the clip bound of probabilities. */
export const LOSS_EPSILON = 1e-7

/** A loss value and ∂loss/∂output, laid out like the output. */
export interface LossResult {
  loss: number
  grad: Float64Array
}

/** Options of the cross-entropies. */
export interface CrossEntropyOptions {
  /** Keras's label_smoothing: y ← y·(1−s) + s/k (categorical) or + s/2 (binary). */
  labelSmoothing?: number
  /** The output is logits (no softmax/sigmoid applied yet); numerically safer, and what a fast engine fuses. */
  fromLogits?: boolean
}

/**
 * Categorical cross-entropy of n×k outputs against n×k (one-hot or soft) targets:
 * mean over examples of −Σⱼ yⱼ·log pⱼ. Without fromLogits, each row is first divided by its sum
 * and clipped to [ε, 1−ε] as TF.js does; the gradient is that of this exact function (0 where a
 * probability is clipped).
 */
export function categoricalCrossentropy(yTrue: Numbers, yPred: Numbers, k: number, opts: CrossEntropyOptions = {}): LossResult {
  if (yTrue.length !== yPred.length || yTrue.length % k !== 0) throw new Error(`cross-entropy needs n×${k} targets and outputs, got ${yTrue.length} and ${yPred.length}`)
  const n = yTrue.length / k
  const s = opts.labelSmoothing ?? 0
  const grad = new Float64Array(yPred.length)
  let total = 0
  const y = new Float64Array(k)
  const q = new Float64Array(k)
  for (let i = 0; i < n; i++) {
    const o = i * k
    let ySum = 0
    for (let j = 0; j < k; j++) { y[j] = yTrue[o + j]! * (1 - s) + s / k; ySum += y[j]! }
    if (opts.fromLogits) {
      // log-softmax with the max subtracted, so large logits do not overflow.
      let max = Number.NEGATIVE_INFINITY
      for (let j = 0; j < k; j++) max = Math.max(max, yPred[o + j]!)
      let z = 0
      for (let j = 0; j < k; j++) z += Math.exp(yPred[o + j]! - max)
      const logZ = Math.log(z) + max
      for (let j = 0; j < k; j++) {
        const logP = yPred[o + j]! - logZ
        total -= y[j]! * logP
        grad[o + j] = (Math.exp(logP) * ySum - y[j]!) / n
      }
      continue
    }
    let sum = 0
    for (let j = 0; j < k; j++) sum += yPred[o + j]!
    // g = ∂L/∂q on the clipped, normalised probabilities; then through q = p / Σp.
    let gq = 0
    for (let j = 0; j < k; j++) {
      const raw = yPred[o + j]! / sum
      const clipped = Math.min(Math.max(raw, LOSS_EPSILON), 1 - LOSS_EPSILON)
      q[j] = raw
      total -= y[j]! * Math.log(clipped)
      const g = raw > LOSS_EPSILON && raw < 1 - LOSS_EPSILON ? -y[j]! / clipped : 0
      grad[o + j] = g
      gq += g * raw
    }
    for (let j = 0; j < k; j++) grad[o + j] = (grad[o + j]! - gq) / sum / n
  }
  return { loss: total / n, grad }
}

/**
 * Sparse categorical cross-entropy: integer labels instead of one-hot rows; otherwise exactly
 * {@link categoricalCrossentropy} (label smoothing included, which Keras's sparse loss lacks: the
 * studio offers it for both, since its datasets store integer labels).
 */
export function sparseCategoricalCrossentropy(labels: Numbers, yPred: Numbers, k: number, opts: CrossEntropyOptions = {}): LossResult {
  const oneHot = new Float64Array(labels.length * k)
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!
    if (!(Number.isInteger(c) && c >= 0 && c < k)) throw new Error(`label ${c} of example ${i} is not a class 0…${k - 1}`)
    oneHot[i * k + c] = 1
  }
  return categoricalCrossentropy(oneHot, yPred, k, opts)
}

/**
 * Binary cross-entropy, mean over all values of −(y·log p + (1−y)·log(1−p)) with p clipped to
 * [ε, 1−ε] (TF.js's form: no extra ε inside the log, unlike Keras's TF backend).
 */
export function binaryCrossentropy(yTrue: Numbers, yPred: Numbers, opts: CrossEntropyOptions = {}): LossResult {
  if (yTrue.length !== yPred.length) throw new Error(`binary cross-entropy needs as many outputs (${yPred.length}) as targets (${yTrue.length})`)
  const n = yTrue.length
  const s = opts.labelSmoothing ?? 0
  const grad = new Float64Array(n)
  let total = 0
  for (let i = 0; i < n; i++) {
    const y = yTrue[i]! * (1 - s) + 0.5 * s
    const v = yPred[i]!
    if (opts.fromLogits) {
      // max(z, 0) − z·y + log(1 + e^−|z|): the stable form of the same loss.
      total += Math.max(v, 0) - v * y + Math.log1p(Math.exp(-Math.abs(v)))
      grad[i] = (1 / (1 + Math.exp(-v)) - y) / n
      continue
    }
    const p = Math.min(Math.max(v, LOSS_EPSILON), 1 - LOSS_EPSILON)
    total -= y * Math.log(p) + (1 - y) * Math.log(1 - p)
    grad[i] = v > LOSS_EPSILON && v < 1 - LOSS_EPSILON ? (-y / p + (1 - y) / (1 - p)) / n : 0
  }
  return { loss: n > 0 ? total / n : 0, grad }
}

function elementwise(yTrue: Numbers, yPred: Numbers, name: string, f: (e: number) => [number, number]): LossResult {
  if (yTrue.length !== yPred.length) throw new Error(`${name} needs as many outputs (${yPred.length}) as targets (${yTrue.length})`)
  const n = yTrue.length
  const grad = new Float64Array(n)
  let total = 0
  for (let i = 0; i < n; i++) {
    const [l, g] = f(yPred[i]! - yTrue[i]!)
    total += l
    grad[i] = g / n
  }
  return { loss: n > 0 ? total / n : 0, grad }
}

/** Mean squared error; ∂/∂p = 2(p − y)/N. */
export function meanSquaredErrorLoss(yTrue: Numbers, yPred: Numbers): LossResult {
  return elementwise(yTrue, yPred, 'mean squared error', (e) => [e * e, 2 * e])
}

/**
 * Mean absolute error; ∂/∂p = sign(p − y)/N, 0 at a perfect prediction (TensorFlow's subgradient;
 * TF.js 4.22 uses −1 there, which matters only on exact hits).
 */
export function meanAbsoluteErrorLoss(yTrue: Numbers, yPred: Numbers): LossResult {
  return elementwise(yTrue, yPred, 'mean absolute error', (e) => [Math.abs(e), Math.sign(e)])
}

/** Huber loss with threshold δ (Keras default 1): quadratic near 0, linear beyond δ. */
export function huberLoss(yTrue: Numbers, yPred: Numbers, delta = 1): LossResult {
  return elementwise(yTrue, yPred, 'Huber loss', (e) => {
    const a = Math.abs(e)
    return a <= delta ? [0.5 * e * e, e] : [delta * (a - 0.5 * delta), delta * Math.sign(e)]
  })
}
