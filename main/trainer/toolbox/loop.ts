/**
 * The toolbox's training loop on TF.js: one step is a forward pass in training mode
 * (model.apply(x, {training: true}), so Dropout and BatchNormalization behave as in model.fit),
 * the chosen loss with per-example class weights, L1/L2 penalties, gradients by tf.variableGrads,
 * optional clipping, then optimizer.applyGradients at the learning rate of the schedule.
 * Runs whenever a run uses something neither the studio engine nor model.fit does (see
 * {@link toolboxLoopReasons}); the batches come from the batch source (main/trainer/data), so the
 * same seeded order and dropLast apply.
 *
 * Per batch it reads back one number (the loss: needed for the NaN check and the batch metric)
 * and the batch accuracy when classifying; both are computed in the same step.
 */
import * as tf from '@tensorflow/tfjs'
import type { ResolvedToolbox } from '../../../preload/contract/toolbox'
import { batches, type SplitSource } from '../data/batchSource'
import { learningRateAt, type LrSchedule } from '../evaluation/schedules'
import { setOptimizerLearningRate } from '../models'
import { epochBatchTransform } from './augment'

/** tfjs-layers' epsilon() for float32: probabilities are clipped to [ε, 1−ε] as Keras does. */
const EPS = 1e-7

/**
 * Why a run needs this loop rather than the studio engine or model.fit: the toolbox features it
 * uses that those two cannot do. Empty: the run is plain and the faster paths may train it.
 */
export function toolboxLoopReasons(tb: ResolvedToolbox, task: 'classification' | 'regression'): string[] {
  return [...engineFeatures(tb), ...engineBlockers(tb, task)]
}

/**
 * Toolbox features model.fit lacks but the studio engine does itself: LR schedules (rate set
 * before each step), L1/L2 on kernels and gradient clipping (engine.setGradientOptions), and the
 * batch transforms (augmentation, label smoothing, mixup, cutmix: applied as batches are read).
 */
export function engineFeatures(tb: ResolvedToolbox): string[] {
  const r: string[] = []
  if (hasSchedule(tb)) r.push('a learning-rate schedule')
  if (tb.regularization.l1 > 0 || tb.regularization.l2 > 0) r.push('L1/L2 penalties')
  if (tb.gradClip) r.push('gradient clipping')
  const g = tb.regularization
  if (g.labelSmoothing > 0) r.push('label smoothing')
  if (g.mixupAlpha > 0) r.push('mixup')
  if (g.cutmixAlpha > 0) r.push('cutmix')
  if (g.augmentation) r.push('augmentation')
  if (g.classWeights) r.push('class weights')
  return r
}

/** Whether the run changes its learning rate over steps (the studio engine can follow that; model.fit cannot). */
export function hasSchedule(tb: ResolvedToolbox): boolean {
  return tb.lrSchedule.kind !== 'constant' || (tb.lrSchedule.warmupSteps ?? 0) > 0
}

/**
 * The run's schedule with its defaults resolved: a cosine without decaySteps decays over all the
 * run's steps after warm-up.
 */
export function resolvedSchedule(tb: ResolvedToolbox, totalSteps: number): LrSchedule {
  const sched = tb.lrSchedule
  return sched.kind === 'cosine'
    ? { ...sched, decaySteps: sched.decaySteps ?? Math.max(1, totalSteps - (sched.warmupSteps ?? 0)) }
    : sched as LrSchedule
}

/** The toolbox features only the toolbox loop does (not the studio engine, not model.fit). */
export function engineBlockers(tb: ResolvedToolbox, task: 'classification' | 'regression'): string[] {
  const r: string[] = []
  const plainLoss = task === 'classification' ? tb.loss === 'categoricalCrossentropy' : tb.loss === 'mse'
  if (tb.optimizer === 'adamw' || tb.optimizer === 'adagrad') r.push(`optimizer ${tb.optimizer}`)
  if (!plainLoss) r.push(`loss ${tb.loss}`)
  const g = tb.regularization
  return r
}

/** Per-class loss weights: the given list, or `balanced` = n / (k · count_c) over the train labels. */
export function classWeightVector(cw: ResolvedToolbox['regularization']['classWeights'], labels: ArrayLike<number>, k: number): Float32Array | null {
  if (!cw) return null
  if (cw !== 'balanced') {
    if (cw.length !== k) throw new Error(`regularization.classWeights has ${cw.length} weights; the dataset has ${k} classes (one weight per class)`)
    return Float32Array.from(cw)
  }
  const counts = new Float64Array(k)
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++
  const out = new Float32Array(k)
  for (let c = 0; c < k; c++) out[c] = counts[c]! > 0 ? labels.length / (k * counts[c]!) : 0
  return out
}

/** What the loop needs to know about the run. */
export interface ToolboxLoopSetup {
  model: tf.LayersModel
  optimizer: tf.Optimizer
  tb: ResolvedToolbox
  classification: boolean
  numClasses: number
  /** Shape of one example (images: [h, w, c]). */
  inputShape: number[]
  learningRate: number
  /** Steps (batches) of the whole run: the default length of a cosine schedule. */
  totalSteps: number
  seed: number
  /** Per-class loss weights, or null. */
  classWeights: Float32Array | null
}

/** Per-batch hooks. */
export interface LoopHooks {
  onBatch: (loss: number, acc: number | undefined, lr: number) => void
  /** Awaited after every batch: yields to the event loop, waits while paused; true = stop now. */
  afterBatch: () => Promise<boolean>
}

/** One epoch's outcome. */
export interface LoopEpoch {
  loss: number
  acc: number
  batches: number
  stopped: boolean
  /** Set when a batch's loss was NaN or infinite: the step (global, 0-based) and the value. */
  diverged?: { step: number; loss: number }
}

/** Per-example loss of `yPred` against `yTrue` ([n, k] each), as a [n] tensor. */
export function perExampleLoss(loss: ResolvedToolbox['loss'], yTrue: tf.Tensor, yPred: tf.Tensor, huberDelta: number): tf.Tensor {
  return tf.tidy(() => {
    switch (loss) {
      case 'categoricalCrossentropy':
      case 'sparseCategoricalCrossentropy': {
        // As tfjs-layers: normalise the rows, clip, −Σ y·log p.
        const p = tf.clipByValue(tf.div(yPred, tf.sum(yPred, -1, true)), EPS, 1 - EPS)
        return tf.neg(tf.sum(tf.mul(yTrue, tf.log(p)), -1))
      }
      case 'binaryCrossentropy': {
        const p = tf.clipByValue(yPred, EPS, 1 - EPS)
        const l = tf.add(tf.mul(yTrue, tf.log(p)), tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, p))))
        return tf.neg(tf.mean(l, -1))
      }
      case 'mse': return tf.mean(tf.square(tf.sub(yPred, yTrue)), -1)
      case 'mae': return tf.mean(tf.abs(tf.sub(yPred, yTrue)), -1)
      case 'huber': {
        const e = tf.abs(tf.sub(yPred, yTrue))
        const quad = tf.minimum(e, huberDelta)
        const lin = tf.sub(e, quad)
        return tf.mean(tf.add(tf.mul(0.5, tf.square(quad)), tf.mul(huberDelta, lin)), -1)
      }
    }
  })
}

/**
 * Targets in the model's output layout: one-hot rows as they are, or for a single sigmoid unit on
 * a two-class task the probability of class 1 (column 1 of the one-hot row).
 */
function targetsFor(y: Float32Array, n: number, k: number, outputSize: number): Float32Array {
  if (outputSize === k || outputSize !== 1 || k !== 2) return y
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = y[i * 2 + 1]!
  return out
}

/** The toolbox loop for one run. Keeps no tensors between calls except the model's own. */
export class ToolboxLoop {
  private schedule: LrSchedule
  private readonly outputSize: number
  private readonly penalised: tf.LayerVariable[]

  constructor(private readonly s: ToolboxLoopSetup) {
    this.schedule = this.scheduleFor(s.totalSteps)
    const out = s.model.outputs[0]!.shape
    this.outputSize = Number(out[out.length - 1] ?? 1)
    // L1/L2 of the toolbox apply to kernels (rank ≥ 2), not to biases or normalisation scales (Keras's habit).
    this.penalised = s.model.trainableWeights.filter((w) => w.shape.length >= 2)
  }

  private scheduleFor(totalSteps: number): LrSchedule {
    return resolvedSchedule(this.s.tb, totalSteps)
  }

  /** Sets the run's length in steps (the default length of a cosine schedule). */
  setTotalSteps(totalSteps: number): void {
    this.schedule = this.scheduleFor(totalSteps)
  }

  /** The learning rate at global step `step`. */
  lrAt(step: number): number {
    return learningRateAt(this.schedule, this.s.learningRate, step)
  }

  /**
   * Trains one epoch over `order` from `source` in batches of `batchSize`, starting at global
   * step `firstStep`. Stops early on `hooks.afterBatch() === true` or a non-finite loss.
   */
  async trainEpoch(source: SplitSource, order: Int32Array, batchSize: number, epoch: number, firstStep: number, hooks: LoopHooks): Promise<LoopEpoch> {
    const { model, optimizer, tb, classification, numClasses, inputShape } = this.s
    const reg = tb.regularization
    const transform = epochBatchTransform(tb, inputShape, classification, numClasses, this.s.seed, epoch)
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
    let lossSum = 0
    let accSum = 0
    let seen = 0
    let step = firstStep
    let count = 0
    for (const b of batches(source, order, batchSize)) {
      const n = b.n
      const x = Float32Array.from(b.x)
      const y = Float32Array.from(b.y)
      let sw: Float32Array | null = null
      if (classification && this.s.classWeights) {
        sw = new Float32Array(n)
        for (let i = 0; i < n; i++) {
          let c = 0
          for (let j = 1; j < numClasses; j++) if (y[i * numClasses + j]! > y[i * numClasses + c]!) c = j
          sw[i] = this.s.classWeights[c]!
        }
      }
      transform?.(x, y, sw, n)

      const lr = this.lrAt(step)
      setOptimizerLearningRate(optimizer, lr)
      const yt = targetsFor(y, n, numClasses, this.outputSize)
      let lossT: tf.Tensor | null = null
      let accT: tf.Tensor | null = null
      tf.tidy(() => {
        const xT = tf.tensor(x, [n, ...inputShape])
        const yT = tf.tensor2d(yt, [n, yt.length / n])
        const swT = sw ? tf.tensor1d(sw) : null
        let pred: tf.Tensor | null = null
        const { value, grads } = tf.variableGrads(() => {
          const p = model.apply(xT, { training: true }) as tf.Tensor
          pred = tf.keep(p)
          const per = perExampleLoss(tb.loss, yT, p, tb.huberDelta)
          let total: tf.Tensor = swT ? tf.div(tf.sum(tf.mul(per, swT)), n) : tf.mean(per)
          // Layer regularizers of a composed graph (kernelRegularizer), as model.fit adds them.
          for (const l of model.calculateLosses()) total = tf.add(total, l)
          if (reg.l1 > 0 || reg.l2 > 0) {
            for (const w of this.penalised) {
              const v = w.read()
              if (reg.l1 > 0) total = tf.add(total, tf.mul(reg.l1, tf.sum(tf.abs(v))))
              if (reg.l2 > 0) total = tf.add(total, tf.mul(reg.l2, tf.sum(tf.square(v))))
            }
          }
          return total as tf.Scalar
        }, vars)
        let g: tf.NamedTensorMap = grads
        const clip = tb.gradClip
        if (clip?.value) g = Object.fromEntries(Object.entries(g).map(([k, t]) => [k, tf.clipByValue(t, -clip.value!, clip.value!)]))
        if (clip?.norm) {
          const norm = tf.sqrt(tf.addN(Object.values(g).map((t) => tf.sum(tf.square(t)))))
          const scale = tf.div(clip.norm, tf.maximum(norm, clip.norm))
          g = Object.fromEntries(Object.entries(g).map(([k, t]) => [k, tf.mul(t, scale)]))
        }
        const lossFinite = Number.isFinite(value.dataSync()[0]!)
        // A diverged step is not applied: the weights stay those of the last finite step.
        if (lossFinite) optimizer.applyGradients(g)
        const acc = classification ? batchAccuracy(pred!, yT) : null
        tf.dispose(pred!)
        lossT = tf.keep(value)
        accT = acc ? tf.keep(acc) : null
      })
      const loss = lossT!.dataSync()[0]!
      const acc = accT ? (accT as tf.Tensor).dataSync()[0]! : undefined
      tf.dispose([lossT!, ...(accT ? [accT] : [])])
      if (!Number.isFinite(loss)) return { loss: lossSum / Math.max(1, seen), acc: accSum / Math.max(1, seen), batches: count, stopped: true, diverged: { step, loss } }
      lossSum += loss * n
      if (acc !== undefined) accSum += acc * n
      seen += n
      count++
      step++
      hooks.onBatch(loss, acc, lr)
      if (await hooks.afterBatch()) return { loss: lossSum / seen, acc: accSum / seen, batches: count, stopped: b.start + n < order.length }
    }
    return { loss: lossSum / Math.max(1, seen), acc: accSum / Math.max(1, seen), batches: count, stopped: false }
  }
}

/** Batch accuracy: argmax agreement (or p > 0.5 for a single sigmoid unit), a scalar tensor. */
function batchAccuracy(pred: tf.Tensor, yT: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const k = pred.shape[pred.shape.length - 1]!
    if (k === 1) return tf.mean(tf.equal(tf.greater(pred, 0.5), tf.greater(yT, 0.5)).toFloat()) as tf.Scalar
    return tf.mean(tf.equal(tf.argMax(pred, -1), tf.argMax(yT, -1)).toFloat()) as tf.Scalar
  })
}

/**
 * Predictions of `model` on every row of `source` (inference mode), in chunks: n × outputSize
 * floats. Used for the val metrics beyond loss/accuracy and for the toolbox's own val loss.
 */
export function predictSplit(model: tf.LayersModel, source: SplitSource, batchSize: number): { pred: Float32Array; outputSize: number } {
  const out = model.outputs[0]!.shape
  const k = Number(out[out.length - 1] ?? 1)
  const pred = new Float32Array(source.count * k)
  const chunk = Math.max(batchSize, 256)
  for (const b of batches(source, null, chunk)) {
    const p = tf.tidy(() => (model.predict(tf.tensor(b.x, [b.n, ...source.inputShape])) as tf.Tensor).dataSync())
    pred.set(p as Float32Array, b.start * k)
  }
  return { pred, outputSize: k }
}

/**
 * Val loss (unweighted, without label smoothing: what Keras's evaluate reports for an unsmoothed
 * loss) and accuracy from predictions `pred` of a split's targets.
 */
export function lossFromPredictions(tb: ResolvedToolbox, source: SplitSource, pred: Float32Array, outputSize: number): { loss: number; acc: number } {
  return tf.tidy(() => {
    const n = source.count
    const yAll = new Float32Array(n * source.targetSize)
    let i = 0
    for (const b of batches(source, null, 4096)) { yAll.set(b.y, i); i += b.y.length }
    const yt = targetsFor(yAll, n, source.targetSize, outputSize)
    const yT = tf.tensor2d(yt, [n, yt.length / n])
    const pT = tf.tensor2d(pred, [n, outputSize])
    const loss = tf.mean(perExampleLoss(tb.loss, yT, pT, tb.huberDelta)).dataSync()[0]!
    const acc = source.classification ? batchAccuracy(pT, yT).dataSync()[0]! : Number.NaN
    return { loss, acc }
  })
}
