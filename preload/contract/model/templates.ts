/**
 * Starting points for the composer, each a function of the dataset it will train on (input shape,
 * classes, task), plus the conversion of the issue-2 templates (logreg/mlp/cnn run configs) into
 * graphs, so that an old run's model can be shown, edited and retrained in the composer.
 */
import type { ModelSpec } from '../types'
import { graphSpec, type GraphDatasetInfo, type GraphNode, type GraphSpec, type LayerKind, type LayerParamsByKind } from './graph'

/** Ids of the composer's templates. */
export type GraphTemplateId = 'linearRegression' | 'logisticRegression' | 'xor' | 'mlp' | 'lenet' | 'resnet' | 'lstm'

/** A template as the composer lists it. */
export interface GraphTemplate {
  id: GraphTemplateId
  title: string
  description: string
  /** Which datasets it is meant for; the composer still lets the user pick it for others (analyzeGraph then says what does not fit). */
  suits: (data: GraphDatasetInfo) => boolean
  build: (data: GraphDatasetInfo) => GraphSpec
}

/** Collects nodes in order; each `add` feeds from the previous node unless told otherwise. */
class Chain {
  readonly nodes: GraphNode[] = []
  last = ''
  add<K extends LayerKind>(kind: K, id: string, params?: Partial<LayerParamsByKind[K]>, inputs: string[] = [this.last]): string {
    const node = { id, kind, inputs: kind === 'Input' ? [] : inputs, ...(params && Object.keys(params).length > 0 ? { params } : {}) } as GraphNode
    this.nodes.push(node)
    this.last = id
    return id
  }

  spec(name: string): GraphSpec {
    return graphSpec(this.nodes, [this.last], name)
  }
}

/** Input (with the dataset's shape, so the graph stands on its own) then Flatten when examples are not flat. */
function start(data: GraphDatasetInfo, flatten: boolean): Chain {
  const c = new Chain()
  c.add('Input', 'input', { shape: [...data.inputShape] })
  if (flatten && data.inputShape.length > 1) c.add('Flatten', 'flatten')
  return c
}

/** The output layer the task needs: softmax over the classes, or linear regression targets. */
function head(c: Chain, data: GraphDatasetInfo, id = 'output'): string {
  return data.task === 'classification'
    ? c.add('Dense', id, { units: data.numClasses, activation: 'softmax' })
    : c.add('Dense', id, { units: data.numTargets ?? 1, activation: 'linear' })
}

const isImage = (d: GraphDatasetInfo): boolean => d.inputShape.length === 3
const isSequence = (d: GraphDatasetInfo): boolean => d.inputShape.length === 1 && d.vocabularySize !== undefined || d.inputShape.length === 2

function lenet(data: GraphDatasetInfo): GraphSpec {
  const c = start(data, false)
  const [h = 0, w = 0] = data.inputShape
  // LeNet-5's second 5×5 conv is 'valid'; on images under 12 px it would leave nothing to pool.
  const secondPadding = Math.min(h, w) >= 12 ? 'valid' : 'same'
  c.add('Conv2D', 'conv_1', { filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' })
  c.add('AveragePooling2D', 'pool_1', { poolSize: 2 })
  c.add('Conv2D', 'conv_2', { filters: 16, kernelSize: 5, padding: secondPadding, activation: 'relu' })
  c.add('AveragePooling2D', 'pool_2', { poolSize: 2 })
  c.add('Flatten', 'flatten')
  c.add('Dense', 'dense_1', { units: 120, activation: 'relu' })
  c.add('Dense', 'dense_2', { units: 84, activation: 'relu' })
  head(c, data)
  return c.spec('LeNet-style CNN')
}

/** A ResNet-8 in the style of He et al.'s CIFAR nets: a stem and three residual stages (16, 32, 64 filters). */
function resnet(data: GraphDatasetInfo): GraphSpec {
  const c = start(data, false)
  // Bias is redundant before BatchNormalization (its beta shifts the same way), as in Keras's ResNets.
  const conv = (id: string, filters: number, strides: number, input?: string): string =>
    c.add('Conv2D', id, { filters, kernelSize: 3, strides, padding: 'same', useBias: false }, input === undefined ? undefined : [input])
  c.add('Conv2D', 'stem_conv', { filters: 16, kernelSize: 3, padding: 'same', useBias: false })
  c.add('BatchNormalization', 'stem_bn')
  let x = c.add('Activation', 'stem_relu', { activation: 'relu' })
  const stages: [string, number, number][] = [['block1', 16, 1], ['block2', 32, 2], ['block3', 64, 2]]
  for (const [b, filters, strides] of stages) {
    const blockIn = x
    conv(`${b}_conv1`, filters, strides, blockIn)
    c.add('BatchNormalization', `${b}_bn1`)
    c.add('Activation', `${b}_relu1`, { activation: 'relu' })
    conv(`${b}_conv2`, filters, 1)
    const main = c.add('BatchNormalization', `${b}_bn2`)
    let shortcut = blockIn
    if (strides !== 1) {
      // Downsampling block: a strided 1×1 conv brings the shortcut to the main path's shape.
      c.add('Conv2D', `${b}_shortcut`, { filters, kernelSize: 1, strides, padding: 'same', useBias: false }, [blockIn])
      shortcut = c.add('BatchNormalization', `${b}_shortcut_bn`)
    }
    c.add('Add', `${b}_add`, undefined, [main, shortcut])
    x = c.add('Activation', `${b}_relu2`, { activation: 'relu' })
  }
  c.add('GlobalAveragePooling2D', 'gap', undefined, [x])
  head(c, data)
  return c.spec('Small ResNet')
}

function lstm(data: GraphDatasetInfo): GraphSpec {
  const c = start(data, false)
  // Rank-1 examples are token ids (text); rank-2 ones are already steps × features.
  if (data.inputShape.length === 1) c.add('Embedding', 'embedding', { inputDim: data.vocabularySize ?? 1000, outputDim: 32 })
  c.add('LSTM', 'lstm', { units: 64 })
  c.add('Dropout', 'dropout', { rate: 0.2 })
  head(c, data)
  return c.spec('LSTM sequence classifier')
}

/** The composer's templates, in the order it lists them. */
export const GRAPH_TEMPLATES: readonly GraphTemplate[] = [
  {
    id: 'linearRegression',
    title: 'Linear regression',
    description: 'One Dense layer with a linear output: y = Wx + b.',
    suits: (d) => d.task === 'regression',
    build: (d) => {
      const c = start(d, true)
      c.add('Dense', 'output', { units: d.task === 'regression' ? d.numTargets ?? 1 : d.numClasses, activation: d.task === 'regression' ? 'linear' : 'softmax' })
      return c.spec('Linear regression')
    }
  },
  {
    id: 'logisticRegression',
    title: 'Logistic regression',
    description: 'One Dense layer with softmax over the classes (sigmoid-logistic for two).',
    suits: (d) => d.task === 'classification',
    build: (d) => { const c = start(d, true); head(c, d); return c.spec('Logistic regression') }
  },
  {
    id: 'xor',
    title: 'XOR network',
    description: 'The smallest net that solves XOR: one hidden layer of 8 tanh units.',
    suits: (d) => d.inputShape.length === 1 && d.inputShape[0] === 2,
    build: (d) => {
      const c = start(d, true)
      c.add('Dense', 'hidden', { units: 8, activation: 'tanh' })
      head(c, d)
      return c.spec('XOR network')
    }
  },
  {
    id: 'mlp',
    title: 'MLP',
    description: 'Two hidden Dense layers of 64 relu units.',
    suits: () => true,
    build: (d) => {
      const c = start(d, true)
      c.add('Dense', 'dense_1', { units: 64, activation: 'relu' })
      c.add('Dense', 'dense_2', { units: 64, activation: 'relu' })
      head(c, d)
      return c.spec('MLP')
    }
  },
  { id: 'lenet', title: 'LeNet-style CNN', description: 'Two conv + average-pool blocks, then Dense 120 and 84 (LeCun et al., 1998).', suits: isImage, build: lenet },
  { id: 'resnet', title: 'Small ResNet', description: 'ResNet-8 for 32×32 images: three residual stages joined by Add, global average pooling.', suits: isImage, build: resnet },
  { id: 'lstm', title: 'LSTM classifier', description: 'Embedding (for token ids), an LSTM of 64 units, dropout and a softmax head.', suits: isSequence, build: lstm }
]

/** Builds template `id` for `data`. Throws only on an unknown id (a programming error). */
export function templateGraph(id: GraphTemplateId, data: GraphDatasetInfo): GraphSpec {
  const t = GRAPH_TEMPLATES.find((x) => x.id === id)
  if (!t) throw new Error(`unknown graph template ${JSON.stringify(id)}`)
  return t.build(data)
}

/** Defaults of the issue-2 templates; must stay equal to MODEL_DEFAULTS in main/trainer/models.ts. */
const LEGACY_DEFAULTS = { hidden: [64, 64], activation: 'relu', filters: [16, 32], denseUnits: 64 } as const

/**
 * The graph of an issue-2 run config (`{ template: 'logreg' | 'mlp' | 'cnn', … }`), layer for layer
 * and name for name what main/trainer/models.ts builds, so old runs open in the composer and
 * retrain with the same parameter count (and, through main/trainer/graph, the same initial weights).
 */
export function graphFromModelSpec(spec: ModelSpec, data: GraphDatasetInfo): GraphSpec {
  const c = new Chain()
  c.add('Input', 'input', { shape: [...data.inputShape] })
  const out = (): void => { head(c, data) }
  switch (spec.template) {
    case 'logreg':
    case 'mlp': {
      if (data.inputShape.length > 1) c.add('Flatten', 'flatten')
      if (spec.template === 'mlp') {
        const activation = spec.activation ?? LEGACY_DEFAULTS.activation
        ;(spec.hidden ?? LEGACY_DEFAULTS.hidden).forEach((units, i) => c.add('Dense', `dense_${i + 1}`, { units, activation }))
      }
      out()
      return c.spec(spec.template === 'mlp' ? 'MLP' : 'Logistic regression')
    }
    case 'cnn': {
      const f1 = spec.filters?.[0] ?? LEGACY_DEFAULTS.filters[0]
      const f2 = spec.filters?.[1] ?? spec.filters?.[0] ?? LEGACY_DEFAULTS.filters[1]
      const activation = spec.activation ?? 'relu'
      c.add('Conv2D', 'conv_1', { filters: f1, kernelSize: 3, activation })
      c.add('MaxPooling2D', 'pool_1', { poolSize: 2 })
      c.add('Conv2D', 'conv_2', { filters: f2, kernelSize: 3, activation })
      c.add('MaxPooling2D', 'pool_2', { poolSize: 2 })
      c.add('Flatten', 'flatten')
      c.add('Dense', 'dense_1', { units: spec.denseUnits ?? LEGACY_DEFAULTS.denseUnits, activation })
      out()
      return c.spec('CNN')
    }
    default: {
      const never: never = spec.template
      throw new Error(`unknown model template ${String(never)}`)
    }
  }
}
