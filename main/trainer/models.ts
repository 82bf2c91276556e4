/**
 * Builds the three model templates the studio offers (logreg, mlp, cnn) as tf.Sequential models,
 * compiled with the run's optimizer. Initializers are seeded from the run seed so that two runs
 * with the same config and backend start from the same weights.
 */
import * as tf from '@tensorflow/tfjs'
import type { ModelSpec, Optimizer, OptimizerOptions, RunConfig, RunModel } from '../../preload/contract/types'
import { isGraphModel } from '../../preload/contract/types'
import { TOOLBOX_DEFAULTS } from '../../preload/contract/toolbox'
import type { GraphSpec } from '../../preload/contract/model'
import { buildGraphModel } from './graph/buildGraphModel'
import type { CacheHeader } from '../datasets/cache'

/** What a template needs to know about the data. */
export type ModelDataInfo = Pick<CacheHeader, 'inputShape' | 'numClasses' | 'task'>

/** Defaults applied when the spec leaves a knob out. */
export const MODEL_DEFAULTS = {
  hidden: [64, 64],
  activation: 'relu',
  filters: [16, 32],
  denseUnits: 64
} as const

/** Input ranks each template accepts (1 = flat features, 3 = images h×w×c). */
export const TEMPLATE_INPUT_RANKS: Record<ModelSpec['template'], number[]> = {
  logreg: [1, 2, 3],
  mlp: [1, 2, 3],
  cnn: [3]
}

/**
 * Seeds for successive layers: a small deterministic sequence derived from the run seed, so that
 * each layer gets a different but reproducible initializer.
 */
function seedSequence(seed: number): () => number {
  let i = 0
  return () => ((seed >>> 0) * 7919 + 104729 * ++i) % 2147483647
}

/**
 * Builds (uncompiled) the Sequential model for `spec` on data described by `data`. Throws an
 * Error that names the problem when the template cannot take this input (e.g. cnn on flat rows).
 * Called once per run, before compile; the same spec, data and seed give the same initial weights.
 */
export function buildModel(spec: ModelSpec, data: ModelDataInfo, seed: number): tf.Sequential {
  const shape = data.inputShape
  if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`input shape [${shape.join(', ')}] is not a valid example shape`)
  }
  const classification = data.task === 'classification'
  if (classification && data.numClasses < 2) {
    throw new Error(`a classifier needs at least 2 classes, the dataset has ${data.numClasses}`)
  }
  const nextSeed = seedSequence(seed)
  const kernelInit = () => tf.initializers.glorotUniform({ seed: nextSeed() })
  const model = tf.sequential()
  // The first layer declares the input shape (no separate InputLayer: model.layers then lists
  // exactly the layers the user composed, as Keras users expect).
  const first = (): { inputShape?: number[] } => (model.layers.length === 0 ? { inputShape: shape } : {})
  const head = (): void => {
    model.add(tf.layers.dense({
      ...first(),
      units: classification ? data.numClasses : 1,
      activation: classification ? 'softmax' : 'linear',
      kernelInitializer: kernelInit(),
      name: 'output'
    }))
  }
  switch (spec.template) {
    case 'logreg':
    case 'mlp': {
      if (shape.length > 1) model.add(tf.layers.flatten({ ...first(), name: 'flatten' }))
      if (spec.template === 'mlp') {
        const hidden = spec.hidden ?? MODEL_DEFAULTS.hidden
        const activation = spec.activation ?? MODEL_DEFAULTS.activation
        hidden.forEach((units, i) => {
          model.add(tf.layers.dense({ ...first(), units, activation, kernelInitializer: kernelInit(), name: `dense_${i + 1}` }))
        })
      }
      head()
      break
    }
    case 'cnn': {
      if (shape.length !== 3) {
        throw new Error(`the cnn template needs image input (height × width × channels); this dataset's examples have shape [${shape.join(', ')}]: use mlp or logreg`)
      }
      const [f1, f2] = [spec.filters?.[0] ?? MODEL_DEFAULTS.filters[0], spec.filters?.[1] ?? spec.filters?.[0] ?? MODEL_DEFAULTS.filters[1]]
      const activation = spec.activation ?? 'relu'
      model.add(tf.layers.conv2d({ ...first(), filters: f1, kernelSize: 3, activation, kernelInitializer: kernelInit(), name: 'conv_1' }))
      model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool_1' }))
      const after1 = model.outputShape as number[]
      if ((after1[1] ?? 0) < 3 || (after1[2] ?? 0) < 3) {
        throw new Error(`images of ${shape[0]}×${shape[1]} are too small for the cnn template (needs at least 10×10)`)
      }
      model.add(tf.layers.conv2d({ filters: f2, kernelSize: 3, activation, kernelInitializer: kernelInit(), name: 'conv_2' }))
      model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool_2' }))
      model.add(tf.layers.flatten({ name: 'flatten' }))
      model.add(tf.layers.dense({ units: spec.denseUnits ?? MODEL_DEFAULTS.denseUnits, activation, kernelInitializer: kernelInit(), name: 'dense_1' }))
      head()
      break
    }
    default: {
      const never: never = spec.template
      throw new Error(`unknown model template ${String(never)}`)
    }
  }
  return model
}

/**
 * AdamW (Loshchilov & Hutter): Adam plus decoupled weight decay, w ← w − lr·wd·w before the Adam
 * step, on every variable it updates (Keras's AdamW default). TF.js has no AdamW; this subclass
 * keeps Adam's slots, so getWeights/setWeights (checkpoints) work unchanged.
 */
export class AdamWOptimizer extends tf.AdamOptimizer {
  // The class name stays Adam's (inherited): a checkpoint's model.json then loads in any TF.js app
  // (Adam.fromConfig ignores weightDecay). The studio engine never trains an adamw run (toolbox loop).
  constructor(learningRate: number, beta1: number, beta2: number, epsilon: number, readonly weightDecay: number) {
    super(learningRate, beta1, beta2, epsilon)
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients)
    const factor = 1 - this.learningRate * this.weightDecay
    tf.tidy(() => {
      for (const name of names) {
        const v = tf.engine().registeredVariables[name]
        if (v) v.assign(tf.mul(v, factor))
      }
    })
    super.applyGradients(variableGradients)
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), weightDecay: this.weightDecay }
  }
}

/**
 * Creates the optimizer for `name` with learning rate `lr` and the run's options (defaults:
 * preload/contract/toolbox.ts). The legacy `momentum` is SGD with momentum 0.9; `sgd` with
 * options.momentum > 0 is tf.train.momentum (Nesterov when options.nesterov).
 */
export function createOptimizer(name: Optimizer, lr: number, options: OptimizerOptions = {}): tf.Optimizer {
  const o = { ...TOOLBOX_DEFAULTS.optimizerOptions, ...(name === 'momentum' ? { momentum: 0.9 } : {}), ...definedOnly(options) }
  switch (name) {
    case 'sgd':
    case 'momentum':
      return o.momentum > 0 ? tf.train.momentum(lr, o.momentum, o.nesterov) : tf.train.sgd(lr)
    // Keras-default epsilon 1e-7 matches TF.js's float32 backend epsilon: adam(lr) gives the same updates.
    case 'adam': return options.beta1 === undefined && options.beta2 === undefined && options.epsilon === undefined ? tf.train.adam(lr) : tf.train.adam(lr, o.beta1, o.beta2, o.epsilon)
    case 'adamw': return new AdamWOptimizer(lr, o.beta1, o.beta2, o.epsilon, o.weightDecay)
    case 'rmsprop': return options.rho === undefined && options.epsilon === undefined && options.momentum === undefined ? tf.train.rmsprop(lr) : tf.train.rmsprop(lr, o.rho, o.momentum, o.epsilon)
    case 'adagrad': return tf.train.adagrad(lr, o.initialAccumulator)
    default: {
      const never: never = name
      throw new Error(`unknown optimizer ${String(never)}`)
    }
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {}
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v
  return out
}

/**
 * Sets the learning rate of a TF.js optimizer between steps (LR schedules). SGD/Momentum cache
 * −lr as a tensor (setLearningRate); Adam, RMSProp and Adagrad read the field at every step.
 */
export function setOptimizerLearningRate(opt: tf.Optimizer, lr: number): void {
  const o = opt as unknown as { learningRate: number; setLearningRate?: (lr: number) => void }
  if (o.learningRate === lr) return
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr)
  else o.learningRate = lr
}

/**
 * Builds the (uncompiled) model of a run: an issue-2 template or a composed graph (checked by
 * analyzeGraph; a GraphModelError names the layer when it does not fit the data).
 */
export function buildRunModel(model: RunModel, data: ModelDataInfo, seed: number): tf.LayersModel {
  if (isGraphModel(model)) return buildGraphModel(model.graph as GraphSpec, { inputShape: data.inputShape, task: data.task, numClasses: data.numClasses }, seed).model
  return buildModel(model, data, seed)
}

/** The parts of a RunConfig that building and compiling the model reads. */
export type CompileConfig = Pick<RunConfig, 'model' | 'optimizer' | 'learningRate' | 'seed'> & Partial<Pick<RunConfig, 'optimizerOptions'>>

/**
 * Builds and compiles the model of a run: categorical cross-entropy on one-hot labels with an
 * accuracy metric for classification (the trainer one-hot encodes the int32 class indices once,
 * up front), mean squared error for regression. Returns the model and its trainable parameter count.
 * The compiled loss is what model.fit and the studio engine use; the toolbox's own losses run in
 * the trainer's custom loop (toolboxLoop.ts).
 */
export function buildCompiledModel(config: CompileConfig & { model: ModelSpec }, data: ModelDataInfo): { model: tf.Sequential; paramCount: number }
export function buildCompiledModel(config: CompileConfig, data: ModelDataInfo): { model: tf.LayersModel; paramCount: number }
export function buildCompiledModel(config: CompileConfig, data: ModelDataInfo): { model: tf.LayersModel; paramCount: number } {
  const model = buildRunModel(config.model, data, config.seed)
  const classification = data.task === 'classification'
  model.compile({
    optimizer: createOptimizer(config.optimizer, config.learningRate, config.optimizerOptions),
    loss: classification ? 'categoricalCrossentropy' : 'meanSquaredError',
    metrics: classification ? ['acc'] : []
  })
  return { model, paramCount: countParams(model) }
}

/** Number of trainable parameters (what the UI shows next to the model). */
export function countParams(model: tf.LayersModel): number {
  let n = 0
  for (const w of model.trainableWeights) n += w.shape.reduce((a: number, b) => a * (b ?? 1), 1)
  return n
}
