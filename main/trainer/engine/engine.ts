/**
 * The fast training engine: trains a compiled tf.Sequential (as models.ts builds it) with its own
 * forward and backward passes on Float32Arrays, through a Kernels set (native addon or portable
 * TypeScript). The TF.js model stays the source of truth for composition, saving and loading:
 * the engine copies the weights out once (`FastEngine.create`) and back before anything reads
 * the model (`syncToModel`: checkpoints, evaluation through TF.js, the end of the run).
 *
 * Why not model.fit: on wasm and cpu, a training step of a small network is dominated by slow
 * transposed matmuls, dozens of tiny optimizer kernels and per-batch tensor bookkeeping. Here a
 * step is a fixed sequence of kernel calls on preallocated buffers: fused bias + activation,
 * matmuls in every transpose combination at full speed, the loss and its gradient fused, one
 * optimizer pass per variable, and no allocation at all.
 *
 * Semantics follow TF.js so a fixed-seed run gives the same curve as model.fit: categorical
 * cross-entropy as tfjs-layers computes it (normalize, clip to [1e-7, 1−1e-7], mean over the
 * batch), mean squared error, tf.train.adam / sgd / momentum / rmsprop updates, relu's gradient
 * 0 at 0, max pooling's gradient to the first maximum.
 *
 * Supported layers: InputLayer, Dense, Conv2D (channelsLast), MaxPooling2D, Flatten, Dropout,
 * Activation; activations linear, relu, relu6, sigmoid, tanh, elu, leakyReLU, and softmax on the
 * last layer. Anything else makes `FastEngine.plan` say why, and the caller keeps model.fit.
 */
import * as tf from '@tensorflow/tfjs'
import { ACT, type ConvGeom, type Kernels, convGeom } from './kernelTypes'

/** tfjs-layers' epsilon() for float32, used to clip probabilities in cross-entropy. */
const EPSILON = 1e-7

type LossKind = 'categoricalCrossentropy' | 'meanSquaredError'

/** A trainable tensor: its values, its gradient and the optimizer's slots. */
interface Param {
  value: Float32Array
  grad: Float32Array
  slots: Float32Array[]
  shape: number[]
}

interface DenseStep { kind: 'dense'; inSize: number; units: number; act: number; alpha: number; softmax: boolean; w: Param; b: Param | null; layer: tf.layers.Layer }
interface ConvStep {
  kind: 'conv'; geom: ConvGeom; rowsPerImage: number; patch: number; filters: number; act: number; alpha: number
  w: Param; b: Param | null; cols: Float32Array; layer: tf.layers.Layer
}
interface PoolStep { kind: 'pool'; geom: ConvGeom; argmax: Int32Array }
interface ActStep { kind: 'act'; act: number; alpha: number; softmax: boolean }
interface DropStep { kind: 'dropout'; rate: number; mask: Float32Array }
interface FlatStep { kind: 'flatten' }
type Step = DenseStep | ConvStep | PoolStep | ActStep | DropStep | FlatStep

/** Optimizer settings read from the compiled model's tf.Optimizer. */
export type OptimizerSpec =
  | { kind: 'adam'; lr: number; beta1: number; beta2: number; epsilon: number }
  | { kind: 'sgd'; lr: number }
  | { kind: 'momentum'; lr: number; momentum: number; nesterov: boolean }
  | { kind: 'rmsprop'; lr: number; decay: number; momentum: number; epsilon: number }

/** What plan() found: the layer list the engine will run, or why it cannot. */
export type EnginePlan =
  | { ok: true; loss: LossKind; optimizer: OptimizerSpec; inputSize: number; outputSize: number }
  | { ok: false; reason: string }

/** Loss and accuracy of one batch or an average over many. acc is NaN for regression. */
export interface LossAcc { loss: number; acc: number }

const ACTIVATIONS: Record<string, number> = {
  linear: ACT.linear, relu: ACT.relu, sigmoid: ACT.sigmoid, tanh: ACT.tanh, relu6: ACT.relu6, elu: ACT.elu
}

function size(shape: readonly (number | null)[]): number {
  return shape.reduce<number>((a, d) => a * (d ?? 1), 1)
}

function actCode(name: unknown, last: boolean): { act: number; alpha: number; softmax: boolean } | string {
  const n = typeof name === 'string' ? name : (name as { className?: string } | undefined)?.className ?? 'linear'
  const key = n.toLowerCase()
  if (key === 'softmax') return last ? { act: ACT.linear, alpha: 0, softmax: true } : 'softmax before the last layer'
  const code = ACTIVATIONS[key]
  return code === undefined ? `activation '${n}'` : { act: code, alpha: 0, softmax: false }
}

function pair(v: unknown, fallback: number): [number, number] {
  if (Array.isArray(v)) return [Number(v[0] ?? fallback), Number(v[1] ?? v[0] ?? fallback)]
  if (typeof v === 'number') return [v, v]
  return [fallback, fallback]
}

/** Reads the compiled model's optimizer, or returns why the engine cannot reproduce it. */
export function optimizerSpec(opt: tf.Optimizer | undefined): OptimizerSpec | string {
  if (!opt) return 'the model is not compiled'
  const cls = opt.getClassName()
  const c = opt.getConfig() as Record<string, number | boolean | undefined>
  const lr = Number(c['learningRate'])
  switch (cls) {
    case 'Adam': return { kind: 'adam', lr, beta1: Number(c['beta1']), beta2: Number(c['beta2']), epsilon: Number(c['epsilon']) }
    case 'SGD': return { kind: 'sgd', lr }
    case 'Momentum': return { kind: 'momentum', lr, momentum: Number(c['momentum']), nesterov: c['useNesterov'] === true }
    case 'RMSProp':
      if (c['centered'] === true) return 'centered RMSProp'
      return { kind: 'rmsprop', lr, decay: Number(c['decay']), momentum: Number(c['momentum']), epsilon: Number(c['epsilon']) }
    default: return `optimizer ${cls}`
  }
}

function lossKind(model: tf.LayersModel): { kind: LossKind } | string {
  const l = (model as unknown as { loss?: unknown }).loss
  const name = Array.isArray(l) ? (l.length === 1 ? l[0] : null) : l
  if (name === 'categoricalCrossentropy' || name === 'meanSquaredError') return { kind: name }
  return `loss ${typeof name === 'string' ? name : 'function'}`
}

/** A small seeded generator for dropout masks (mulberry32): reproducible, allocation-free. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Options of FastEngine.create. */
export interface EngineOptions {
  /** The largest batch the engine will see (buffers are sized for it). */
  batchSize: number
  kernels: Kernels
  /** Seeds dropout masks. */
  seed?: number
}

/**
 * Trains one compiled model. Create with FastEngine.create (after checking FastEngine.plan);
 * single-threaded from JS's point of view (the kernels may use threads inside a call).
 */
export class FastEngine {
  readonly kernels: Kernels
  readonly loss: LossKind
  readonly optimizer: OptimizerSpec
  readonly inputSize: number
  readonly outputSize: number
  readonly batchSize: number
  private readonly steps: Step[]
  private readonly params: Param[]
  /** acts[i] is the input of step i; acts[steps.length] the model output. */
  private readonly acts: Float32Array[]
  /** grads[i] is the gradient w.r.t. acts[i] (grads[0] unused). */
  private readonly grads: Float32Array[]
  /** Index of the first step with parameters: no input gradient is needed before it. */
  private readonly firstTrainable: number
  private readonly model: tf.LayersModel
  private readonly random: () => number
  private gradOpts: GradientOptions | null = null
  private sampleWeights: Float32Array | null = null
  private accBeta1 = 1
  private accBeta2 = 1
  private iterations = 0

  /** Whether the engine can train `model`, and with what; never throws. */
  static plan(model: tf.LayersModel): EnginePlan {
    try {
      const r = FastEngine.analyse(model)
      return typeof r === 'string' ? { ok: false, reason: r } : { ok: true, loss: r.loss, optimizer: r.optimizer, inputSize: r.inputSize, outputSize: r.outputSize }
    } catch (e) {
      return { ok: false, reason: e instanceof Error ? e.message : String(e) }
    }
  }

  private static analyse(model: tf.LayersModel): string | { loss: LossKind; optimizer: OptimizerSpec; inputSize: number; outputSize: number } {
    if (model.inputs.length !== 1 || model.outputs.length !== 1) return 'models with several inputs or outputs'
    const lk = lossKind(model)
    if (typeof lk === 'string') return lk
    const loss = lk.kind
    const optimizer = optimizerSpec(model.optimizer)
    if (typeof optimizer === 'string') return optimizer
    const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer')
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!
      const c = l.getConfig() as Record<string, unknown>
      const cls = l.getClassName()
      const last = i === layers.length - 1
      for (const k of ['kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint']) {
        if (c[k] !== undefined && c[k] !== null) return `${cls} layer '${l.name}' with ${k}`
      }
      switch (cls) {
        case 'Dense':
        case 'Activation': {
          const a = actCode(c['activation'], last)
          if (typeof a === 'string') return `${a} in layer '${l.name}'`
          if (cls === 'Dense' && (l.input as tf.SymbolicTensor).shape.length !== 2) return `Dense '${l.name}' on input that is not flat (add a Flatten)`
          break
        }
        case 'Conv2D': {
          if (c['dataFormat'] === 'channelsFirst') return `channelsFirst Conv2D '${l.name}'`
          const a = actCode(c['activation'], last)
          if (typeof a === 'string') return `${a} in layer '${l.name}'`
          break
        }
        case 'MaxPooling2D':
          if (c['dataFormat'] === 'channelsFirst') return `channelsFirst pooling '${l.name}'`
          break
        case 'Flatten':
        case 'Dropout':
          break
        default:
          return `layer type ${cls} ('${l.name}')`
      }
    }
    const outShape = model.outputs[0]!.shape
    if (outShape.length !== 2) return 'an output that is not [batch, units]'
    const lastLayer = layers[layers.length - 1]
    const lastSoftmax = lastLayer ? (lastLayer.getConfig() as Record<string, unknown>)['activation'] === 'softmax' : false
    if (loss === 'categoricalCrossentropy' && !lastSoftmax) return 'categorical cross-entropy without a softmax output'
    if (loss === 'meanSquaredError' && lastSoftmax) return 'mean squared error on a softmax output'
    return { loss, optimizer, inputSize: size(model.inputs[0]!.shape.slice(1)), outputSize: size(outShape.slice(1)) }
  }

  /** Builds an engine for `model` (which must pass plan()) with buffers for `opts.batchSize` rows. */
  static create(model: tf.LayersModel, opts: EngineOptions): FastEngine {
    const p = FastEngine.plan(model)
    if (!p.ok) throw new Error(`the studio engine cannot train this model: ${p.reason}`)
    return new FastEngine(model, p, opts)
  }

  private constructor(model: tf.LayersModel, plan: Extract<EnginePlan, { ok: true }>, opts: EngineOptions) {
    this.model = model
    this.kernels = opts.kernels
    this.loss = plan.loss
    this.optimizer = plan.optimizer
    this.inputSize = plan.inputSize
    this.outputSize = plan.outputSize
    this.batchSize = Math.max(1, Math.floor(opts.batchSize))
    this.random = rng(opts.seed ?? 1)
    const B = this.batchSize
    const K = this.kernels
    const slotsPerParam = plan.optimizer.kind === 'adam' || plan.optimizer.kind === 'rmsprop' ? 2 : plan.optimizer.kind === 'momentum' ? 1 : 0
    const params: Param[] = []
    const makeParam = (t: tf.Tensor): Param => {
      const value = K.alloc(t.size)
      value.set(t.dataSync() as Float32Array)
      const p: Param = { value, grad: K.alloc(t.size), slots: [], shape: t.shape.slice() }
      for (let s = 0; s < slotsPerParam; s++) p.slots.push(K.alloc(t.size))
      params.push(p)
      return p
    }
    const steps: Step[] = []
    const acts: Float32Array[] = [K.alloc(B * plan.inputSize)]
    const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer')
    let firstTrainable = -1
    layers.forEach((l, i) => {
      const c = l.getConfig() as Record<string, unknown>
      const inShape = ((l.input as tf.SymbolicTensor).shape).slice(1) as number[]
      const outShape = ((l.output as tf.SymbolicTensor).shape).slice(1) as number[]
      const last = i === layers.length - 1
      const prev = acts[acts.length - 1]!
      switch (l.getClassName()) {
        case 'Dense': {
          const a = actCode(c['activation'], last) as { act: number; alpha: number; softmax: boolean }
          // getWeights() hands out the variables' own tensors: read them, never dispose them.
          const w = l.getWeights()
          if (firstTrainable < 0) firstTrainable = steps.length
          steps.push({ kind: 'dense', inSize: size(inShape), units: size(outShape), ...a, w: makeParam(w[0]!), b: w[1] ? makeParam(w[1]) : null, layer: l })
          acts.push(K.alloc(B * size(outShape)))
          break
        }
        case 'Conv2D': {
          const a = actCode(c['activation'], last) as { act: number; alpha: number; softmax: boolean }
          const kernel = pair(c['kernelSize'], 1)
          const strides = pair(c['strides'], 1)
          const dil = pair(c['dilationRate'], 1)
          const filters = Number(c['filters'])
          const [H, W, C] = inShape as [number, number, number]
          const info = tf.backend_util.computeConv2DInfo([B, H, W, C], [kernel[0], kernel[1], C, filters], strides, dil,
            c['padding'] as 'valid' | 'same', undefined, false, 'channelsLast')
          const geom = convGeom({ batch: B, inH: H, inW: W, inC: C, kH: kernel[0], kW: kernel[1], strideH: strides[0], strideW: strides[1],
            dilH: dil[0], dilW: dil[1], padTop: info.padInfo.top, padLeft: info.padInfo.left, outH: info.outHeight, outW: info.outWidth })
          const rowsPerImage = info.outHeight * info.outWidth
          const patch = kernel[0] * kernel[1] * C
          // getWeights() hands out the variables' own tensors: read them, never dispose them.
          const w = l.getWeights()
          if (firstTrainable < 0) firstTrainable = steps.length
          steps.push({ kind: 'conv', geom, rowsPerImage, patch, filters, ...a, w: makeParam(w[0]!), b: w[1] ? makeParam(w[1]) : null,
            cols: K.alloc(B * rowsPerImage * patch), layer: l })
          acts.push(K.alloc(B * rowsPerImage * filters))
          break
        }
        case 'MaxPooling2D': {
          const pool = pair(c['poolSize'], 2)
          const strides = c['strides'] ? pair(c['strides'], pool[0]) : pool
          const [H, W, C] = inShape as [number, number, number]
          const info = tf.backend_util.computePool2DInfo([B, H, W, C], pool, strides, 1, c['padding'] as 'valid' | 'same')
          const geom = convGeom({ batch: B, inH: H, inW: W, inC: C, kH: pool[0], kW: pool[1], strideH: strides[0], strideW: strides[1],
            dilH: 1, dilW: 1, padTop: info.padInfo.top, padLeft: info.padInfo.left, outH: info.outHeight, outW: info.outWidth })
          const n = B * info.outHeight * info.outWidth * C
          steps.push({ kind: 'pool', geom, argmax: new Int32Array(n) })
          acts.push(K.alloc(n))
          break
        }
        case 'Flatten':
          steps.push({ kind: 'flatten' })
          acts.push(prev) // same memory: NHWC row-major is already TF.js's flatten order
          break
        case 'Dropout':
          steps.push({ kind: 'dropout', rate: Number(c['rate']), mask: K.alloc(B * size(inShape)) })
          acts.push(K.alloc(B * size(outShape)))
          break
        case 'Activation': {
          const a = actCode(c['activation'], last) as { act: number; alpha: number; softmax: boolean }
          steps.push({ kind: 'act', ...a })
          acts.push(K.alloc(B * size(outShape)))
          break
        }
      }
    })
    this.steps = steps
    this.params = params
    this.acts = acts
    this.firstTrainable = Math.max(0, firstTrainable)
    // Gradient buffers mirror the activations (aliased through Flatten, like the activations).
    const grads: Float32Array[] = [new Float32Array(0)]
    for (let i = 1; i < acts.length; i++) {
      grads.push(steps[i - 1]!.kind === 'flatten' ? grads[i - 1]! : K.alloc(acts[i]!.length))
    }
    // grads[i] for i ≤ firstTrainable is never written; the Flatten aliasing above may point a
    // later one at grads[0], so give those real buffers.
    for (let i = 1; i < grads.length; i++) if (grads[i]!.length === 0) grads[i] = K.alloc(acts[i]!.length)
    this.grads = grads
  }

  /** Number of optimizer steps taken so far. */
  get stepCount(): number { return this.iterations }

  /**
   * Runs the forward pass for `n` rows already in the input buffer (see inputBuffer). `training`
   * turns dropout on. Returns the output buffer (first n·outputSize values valid).
   */
  private forward(n: number, training: boolean): Float32Array {
    const K = this.kernels
    for (let i = 0; i < this.steps.length; i++) {
      const s = this.steps[i]!
      const x = this.acts[i]!
      const y = this.acts[i + 1]!
      switch (s.kind) {
        case 'dense':
          K.sgemm(false, false, n, s.units, s.inSize, 1, x, 0, s.inSize, s.w.value, 0, s.units, 0, y, 0, s.units)
          K.biasAct(y, s.b ? s.b.value : null, n, s.units, s.act, s.alpha)
          if (s.softmax) softmaxRows(y, n, s.units)
          break
        case 'conv': {
          s.geom[0] = n
          const rows = n * s.rowsPerImage
          K.im2col(x, s.geom, s.cols)
          K.sgemm(false, false, rows, s.filters, s.patch, 1, s.cols, 0, s.patch, s.w.value, 0, s.filters, 0, y, 0, s.filters)
          if (!this.poolAppliesAct(i + 1)) K.biasAct(y, s.b ? s.b.value : null, rows, s.filters, s.act, s.alpha)
          break
        }
        case 'pool': {
          s.geom[0] = n
          K.maxPoolForward(x, s.geom, y, s.argmax)
          if (this.poolAppliesAct(i)) {
            const p = this.steps[i - 1] as ConvStep
            K.biasAct(y, p.b ? p.b.value : null, n * s.geom[12]! * s.geom[13]!, s.geom[3]!, p.act, p.alpha)
          }
          break
        }
        case 'act': {
          const len = n * (y.length / this.batchSize)
          y.set(x.subarray(0, len))
          if (s.softmax) softmaxRows(y, n, len / n)
          else K.biasAct(y, null, n, len / n, s.act, s.alpha)
          break
        }
        case 'dropout': {
          const len = n * (y.length / this.batchSize)
          if (!training || s.rate <= 0) { y.set(x.subarray(0, len)); break }
          const keep = 1 / (1 - s.rate)
          for (let j = 0; j < len; j++) {
            const m = this.random() >= s.rate ? keep : 0
            s.mask[j] = m
            y[j] = x[j]! * m
          }
          break
        }
        case 'flatten':
          break
      }
    }
    return this.acts[this.steps.length]!
  }

  /** Backward pass from the output gradient already in grads[last]; fills every param's grad. */
  private backward(n: number): void {
    const K = this.kernels
    for (let i = this.steps.length - 1; i >= this.firstTrainable; i--) {
      const s = this.steps[i]!
      const x = this.acts[i]!
      const y = this.acts[i + 1]!
      const dy = this.grads[i + 1]!
      const needDx = i > this.firstTrainable
      const dx = this.grads[i]!
      switch (s.kind) {
        case 'dense': {
          // The softmax head's gradient arrives already taken through the softmax (see lossGrad).
          if (!s.softmax) K.actBackward(dy, y, dy, n * s.units, s.act, s.alpha)
          K.sgemm(true, false, s.inSize, s.units, n, 1, x, 0, s.inSize, dy, 0, s.units, 0, s.w.grad, 0, s.units)
          if (s.b) K.colSum(dy, n, s.units, s.b.grad)
          if (needDx) K.sgemm(false, true, n, s.inSize, s.units, 1, dy, 0, s.units, s.w.value, 0, s.units, 0, dx, 0, s.inSize)
          break
        }
        case 'conv': {
          const rows = n * s.rowsPerImage
          s.geom[0] = n
          // A following max pool already applied relu's gradient (see the 'pool' case).
          if (!this.poolTakesRelu(i + 1)) K.actBackward(dy, y, dy, rows * s.filters, s.act, s.alpha)
          // cols still holds this batch's im2col from the forward pass.
          K.sgemm(true, false, s.patch, s.filters, rows, 1, s.cols, 0, s.patch, dy, 0, s.filters, 0, s.w.grad, 0, s.filters)
          if (s.b) K.colSum(dy, rows, s.filters, s.b.grad)
          if (needDx) {
            K.sgemm(false, true, rows, s.patch, s.filters, 1, dy, 0, s.filters, s.w.value, 0, s.filters, 0, s.cols, 0, s.patch)
            K.col2im(s.cols, s.geom, dx)
          }
          break
        }
        case 'pool': {
          if (!needDx) break
          const len = n * (dx.length / this.batchSize)
          const outLen = n * (dy.length / this.batchSize)
          K.maxPoolBackward(dy.subarray(0, outLen), s.argmax, dx.subarray(0, len), this.poolTakesRelu(i) ? y.subarray(0, outLen) : null)
          break
        }
        case 'act': {
          if (!needDx) break
          const len = n * (y.length / this.batchSize)
          if (s.softmax) dx.set(dy.subarray(0, len))
          else K.actBackward(dy, y, dx, len, s.act, s.alpha)
          break
        }
        case 'dropout': {
          if (!needDx) break
          const len = n * (y.length / this.batchSize)
          for (let j = 0; j < len; j++) dx[j] = dy[j]! * s.mask[j]!
          break
        }
        case 'flatten':
          break
      }
    }
  }

  /**
   * Whether max pool step `i` applies the preceding conv's bias and activation to its (4× smaller)
   * output instead of the conv doing it to its whole output: max over a window commutes with a
   * per-channel bias and a non-decreasing activation (relu, linear), and the first maximum stays
   * the first maximum, so values, argmax and gradients are those of bias → relu → pool.
   */
  private poolAppliesAct(i: number): boolean {
    const s = this.steps[i]
    const p = this.steps[i - 1]
    return s?.kind === 'pool' && p?.kind === 'conv' && (p.act === ACT.relu || p.act === ACT.linear)
  }

  /**
   * Whether step `i` is a max pool right after a relu conv/dense: its backward then applies the
   * relu gradient while scattering (one pass over the large conv output instead of two).
   */
  private poolTakesRelu(i: number): boolean {
    const s = this.steps[i]
    const p = this.steps[i - 1]
    return s?.kind === 'pool' && (p?.kind === 'conv' || p?.kind === 'dense') && p.act === ACT.relu && !(p.kind === 'dense' && p.softmax)
  }

  /** Applies the optimizer to every parameter (one fused kernel call per variable). */
  private update(): void {
    const K = this.kernels
    const o = this.optimizer
    this.iterations++
    if (o.kind === 'adam') {
      // TF.js keeps accBeta in float32 and multiplies it after each step; the update uses the
      // value before that multiplication, which starts at beta (so step t uses beta^t).
      this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(o.beta1))
      this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(o.beta2))
      const o1 = Math.fround(1 - this.accBeta1)
      const o2 = Math.fround(1 - this.accBeta2)
      for (const p of this.params) K.adam(p.value, p.grad, p.slots[0]!, p.slots[1]!, o.lr, o.beta1, o.beta2, o.epsilon, o1, o2)
    } else if (o.kind === 'sgd') {
      for (const p of this.params) K.sgd(p.value, p.grad, o.lr)
    } else if (o.kind === 'momentum') {
      for (const p of this.params) K.momentum(p.value, p.grad, p.slots[0]!, o.lr, o.momentum, o.nesterov)
    } else {
      for (const p of this.params) K.rmsprop(p.value, p.grad, p.slots[0]!, p.slots[1]!, o.lr, o.decay, o.momentum, o.epsilon)
    }
  }

  /** Copies rows `order[start..start+n)` of `x` (rows of inputSize) into the input buffer. */
  private gather(x: Float32Array, order: ArrayLike<number> | null, start: number, n: number, into: Float32Array, width: number): void {
    if (!order) { into.set(x.subarray(start * width, (start + n) * width)); return }
    for (let r = 0; r < n; r++) {
      const src = order[start + r]! * width
      into.set(x.subarray(src, src + width), r * width)
    }
  }

  private targets: Float32Array | null = null

  /**
   * One optimizer step on rows `order[start..start+n)` of x/y (n ≤ batchSize), exactly as one
   * batch of model.fit. Returns the batch's loss and accuracy (plain numbers: no tensor, no sync).
   */
  trainBatch(x: Float32Array, y: Float32Array, order: ArrayLike<number> | null, start: number, n: number): LossAcc {
    if (n < 1 || n > this.batchSize) throw new RangeError(`batch of ${n} rows; the engine holds ${this.batchSize}`)
    if (!this.targets) this.targets = new Float32Array(this.batchSize * this.outputSize)
    this.gather(x, order, start, n, this.acts[0]!, this.inputSize)
    this.gather(y, order, start, n, this.targets, this.outputSize)
    const out = this.forward(n, true)
    // Per-example weights (class weights) of this batch, when set: loss = Σ wᵢ·lᵢ / n, as Keras.
    const la = this.lossAndGrad(out, this.targets, n, this.grads[this.steps.length]!, this.sampleWeights)
    this.backward(n)
    const penalty = this.gradOpts ? this.applyGradientOptions(this.gradOpts) : 0
    this.update()
    return penalty !== 0 ? { loss: la.loss + penalty, acc: la.acc } : la
  }

  /**
   * L1/L2 penalties on the kernels (rank ≥ 2 parameters, as the toolbox loop applies them) and
   * gradient clipping (each value to ±clipValue, then the global norm to clipNorm), applied
   * between the backward pass and the optimizer step (issue 4). null turns them off.
   */
  setGradientOptions(o: GradientOptions | null): void {
    this.gradOpts = o && (o.l1 > 0 || o.l2 > 0 || o.clipValue > 0 || o.clipNorm > 0) ? o : null
  }

  /** Adds the penalties' gradients, clips, and returns the penalty to add to the batch loss. */
  private applyGradientOptions(o: GradientOptions): number {
    let penalty = 0
    if (o.l1 > 0 || o.l2 > 0) {
      for (const p of this.params) {
        if (p.shape.length < 2) continue
        const w = p.value
        const g = p.grad
        let a = 0
        let q = 0
        for (let i = 0; i < w.length; i++) {
          const v = w[i]!
          a += Math.abs(v)
          q += v * v
          g[i] = g[i]! + o.l1 * Math.sign(v) + 2 * o.l2 * v
        }
        penalty += o.l1 * a + o.l2 * q
      }
    }
    if (o.clipValue > 0) {
      for (const p of this.params) {
        const g = p.grad
        for (let i = 0; i < g.length; i++) g[i] = Math.min(o.clipValue, Math.max(-o.clipValue, g[i]!))
      }
    }
    if (o.clipNorm > 0) {
      let sq = 0
      for (const p of this.params) for (let i = 0; i < p.grad.length; i++) sq += p.grad[i]! * p.grad[i]!
      const norm = Math.sqrt(sq)
      if (norm > o.clipNorm) {
        const scale = o.clipNorm / norm
        for (const p of this.params) for (let i = 0; i < p.grad.length; i++) p.grad[i] = p.grad[i]! * scale
      }
    }
    return penalty
  }

  /**
   * Loss and the gradient of every trainable variable (model.trainableWeights order) on rows
   * [0, n) of x/y, without updating anything. For gradient checks; copies the gradients.
   */
  gradients(x: Float32Array, y: Float32Array, n: number): { loss: number; grads: Float32Array[] } {
    if (n < 1 || n > this.batchSize) throw new RangeError(`batch of ${n} rows; the engine holds ${this.batchSize}`)
    if (!this.targets) this.targets = new Float32Array(this.batchSize * this.outputSize)
    this.gather(x, null, 0, n, this.acts[0]!, this.inputSize)
    this.gather(y, null, 0, n, this.targets, this.outputSize)
    const la = this.lossAndGrad(this.forward(n, false), this.targets, n, this.grads[this.steps.length]!)
    this.backward(n)
    return { loss: la.loss, grads: this.params.map((p) => p.grad.slice()) }
  }

  /** Loss/accuracy of rows [0, count) of x/y without training (chunks of batchSize). */
  evaluate(x: Float32Array, y: Float32Array, count: number): LossAcc {
    if (!this.targets) this.targets = new Float32Array(this.batchSize * this.outputSize)
    let loss = 0
    let acc = 0
    for (let s = 0; s < count; s += this.batchSize) {
      const n = Math.min(this.batchSize, count - s)
      this.gather(x, null, s, n, this.acts[0]!, this.inputSize)
      this.gather(y, null, s, n, this.targets, this.outputSize)
      const la = this.lossAndGrad(this.forward(n, false), this.targets, n, null)
      loss += la.loss * n
      acc += la.acc * n
    }
    return { loss: loss / count, acc: acc / count }
  }

  /** Model outputs for rows [0, count) of x (inference: dropout off). */
  predict(x: Float32Array, count: number): Float32Array {
    const out = new Float32Array(count * this.outputSize)
    for (let s = 0; s < count; s += this.batchSize) {
      const n = Math.min(this.batchSize, count - s)
      this.gather(x, null, s, n, this.acts[0]!, this.inputSize)
      out.set(this.forward(n, false).subarray(0, n * this.outputSize), s * this.outputSize)
    }
    return out
  }

  /**
   * The batch loss (as tfjs-layers defines it) and, when `grad` is given, its gradient w.r.t. the
   * last layer's pre-softmax output (softmax head) or output (otherwise), already divided by n.
   */
  private lossAndGrad(out: Float32Array, t: Float32Array, n: number, grad: Float32Array | null, w: Float32Array | null = null): LossAcc {
    const D = this.outputSize
    let loss = 0
    if (this.loss === 'meanSquaredError') {
      const scale = 2 / (n * D)
      for (let r = 0; r < n; r++) {
        const wr = w ? w[r]! : 1
        let s = 0
        for (let j = 0; j < D; j++) {
          const d = out[r * D + j]! - t[r * D + j]!
          s += d * d
          if (grad) grad[r * D + j] = scale * d * wr
        }
        loss += (wr * s) / D
      }
      return { loss: loss / n, acc: NaN }
    }
    // Categorical cross-entropy on softmax output p: q = p / Σp, clipped to [ε, 1−ε];
    // L = −Σ t·log q. Gradient through the clip (0 where clipped), the normalisation and the
    // softmax, exactly as TF.js's autodiff would take it.
    let correct = 0
    const hi = 1 - EPSILON
    for (let r = 0; r < n; r++) {
      const o = r * D
      let s = 0
      let best = 0
      let bestT = 0
      for (let j = 0; j < D; j++) {
        s += out[o + j]!
        if (out[o + j]! > out[o + best]!) best = j
        if (t[o + j]! > t[o + bestT]!) bestT = j
      }
      if (best === bestT) correct++
      let rowLoss = 0
      let gq = 0 // Σ_j g_j q_j with g_j = ∂L/∂q_j
      for (let j = 0; j < D; j++) {
        const q = Math.fround(out[o + j]! / s)
        const tj = t[o + j]!
        const clipped = q < EPSILON || q > hi
        const qc = q < EPSILON ? EPSILON : q > hi ? hi : q
        rowLoss -= tj * Math.log(qc)
        if (grad) {
          const g = clipped ? 0 : -tj / q
          grad[o + j] = g
          gq += g * q
        }
      }
      const wr = w ? w[r]! : 1
      loss += wr * rowLoss
      if (grad) {
        // dp_j = (g_j − Σ g q) / s, then through softmax: dz_k = p_k (dp_k − Σ_j p_j dp_j).
        let pdp = 0
        for (let j = 0; j < D; j++) {
          const dp = (grad[o + j]! - gq) / s
          grad[o + j] = dp
          pdp += out[o + j]! * dp
        }
        for (let j = 0; j < D; j++) grad[o + j] = (out[o + j]! * (grad[o + j]! - pdp) / n) * wr
      }
    }
    return { loss: loss / n, acc: correct / n }
  }

  /**
   * Writes the engine's weights into the TF.js model's variables, so that saving, evaluation and
   * prediction through TF.js see the trained values. Call before each checkpoint and at the end.
   */
  syncToModel(): void {
    tf.tidy(() => {
      for (const s of this.steps) {
        if (s.kind !== 'dense' && s.kind !== 'conv') continue
        const ws = [tf.tensor(s.w.value, s.w.shape, 'float32')]
        if (s.b) ws.push(tf.tensor(s.b.value, s.b.shape, 'float32'))
        s.layer.setWeights(ws)
      }
    })
  }

  /** The model this engine trains. */
  get tfModel(): tf.LayersModel { return this.model }

  /**
   * Per-example loss weights for the next trainBatch calls (rows [0, n) of the batch), or null
   * for none. The caller refills the array before each batch (class weights, issue 4).
   */
  setSampleWeights(w: Float32Array | null): void {
    this.sampleWeights = w
  }

  /** Sets the learning rate for the next steps (LR schedules, issue 4); every optimizer kind has one. */
  setLearningRate(lr: number): void {
    (this.optimizer as { lr: number }).lr = lr
  }

  /**
   * The optimizer's state (issue 4: checkpoints that resume exactly): the step counter, Adam's
   * running β powers and every parameter's slots, in parameter order. Views, not copies: write
   * them out before the next step.
   */
  exportOptimizerState(): EngineOptimizerState {
    return { kind: this.optimizer.kind, iterations: this.iterations, accBeta1: this.accBeta1, accBeta2: this.accBeta2, slots: this.params.map((p) => p.slots) }
  }

  /** Restores what {@link exportOptimizerState} gave; returns why not when it does not fit this engine. */
  importOptimizerState(s: EngineOptimizerState): string | null {
    if (s.kind !== this.optimizer.kind) return `the checkpoint's optimizer is ${s.kind}, this run uses ${this.optimizer.kind}`
    if (s.slots.length !== this.params.length) return `the checkpoint has slots for ${s.slots.length} parameters, the model has ${this.params.length}`
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i]!
      const src = s.slots[i]!
      if (src.length !== p.slots.length || src.some((a, j) => a.length !== p.slots[j]!.length)) return `the slots of parameter ${i} do not match the model`
    }
    for (let i = 0; i < this.params.length; i++) this.params[i]!.slots.forEach((slot, j) => slot.set(s.slots[i]![j]!))
    this.iterations = s.iterations
    this.accBeta1 = s.accBeta1
    this.accBeta2 = s.accBeta2
    return null
  }
}

/** Penalties and clipping the engine applies to the gradients before each step (0 = off). */
export interface GradientOptions { l1: number; l2: number; clipValue: number; clipNorm: number }

/** The studio engine's optimizer state, as checkpoints store it. */
export interface EngineOptimizerState {
  kind: OptimizerSpec['kind']
  iterations: number
  accBeta1: number
  accBeta2: number
  /** Per parameter (in the engine's order), its slots (Adam: m, v; momentum: v; rmsprop: ms, mom). */
  slots: Float32Array[][]
}

/** Row-wise softmax in place (max-subtracted, in float64, stored as float32). */
function softmaxRows(y: Float32Array, n: number, d: number): void {
  for (let r = 0; r < n; r++) {
    const o = r * d
    let m = -Infinity
    for (let j = 0; j < d; j++) if (y[o + j]! > m) m = y[o + j]!
    let s = 0
    for (let j = 0; j < d; j++) { const e = Math.exp(y[o + j]! - m); y[o + j] = e; s += e }
    for (let j = 0; j < d; j++) y[o + j] = y[o + j]! / s
  }
}
