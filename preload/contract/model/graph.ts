/**
 * The composer's model graph: a versioned, JSON-serializable description of a network as layers
 * (nodes) wired by their inputs. Shared by the renderer (live editing, shape inference on every
 * keystroke) and main (validation before a run starts, building the TF.js model), so this file is
 * plain TypeScript: no Node, no TF.js, no zod at runtime (the runtime schema is ./schema.ts, which
 * only main imports).
 *
 * A node's `params` may leave any field out; {@link resolveParams} fills Keras's defaults. Keeping
 * the stored spec sparse means a default we tune later reaches old specs only where the user never
 * chose a value, and the JSON the user exports stays short.
 */

/** Value of {@link GraphSpec.format}: tells a graph spec from any other JSON a user drops in. */
export const GRAPH_FORMAT = 'studio-graph' as const
/** Current version of the graph format; bump it (and migrate in ./schema.ts) on breaking changes. */
export const GRAPH_VERSION = 1 as const

/**
 * Activations a layer can apply. TF.js 4.22 Layers implements all of them natively as activation
 * strings except `leakyRelu`, which exists only as a layer (`tf.layers.leakyReLU`); the builder
 * (main/trainer/graph) emulates `activation: 'leakyRelu'` on Dense/Conv layers by appending that
 * layer. `gelu` is TF.js's exact erf form (x·Φ(x)), like Keras's default `approximate=False`.
 */
export const ACTIVATIONS = ['relu', 'leakyRelu', 'elu', 'selu', 'gelu', 'sigmoid', 'tanh', 'softmax', 'linear'] as const
/** One of {@link ACTIVATIONS}. */
export type ActivationName = typeof ACTIVATIONS[number]

/**
 * How each activation reaches TF.js: `native` as an activation string, `layer` through a separate
 * TF.js layer. Shown by the composer next to the choice; read by the builder.
 */
export const ACTIVATION_SUPPORT: Record<ActivationName, 'native' | 'layer'> = {
  relu: 'native',
  leakyRelu: 'layer',
  elu: 'native',
  selu: 'native',
  gelu: 'native',
  sigmoid: 'native',
  tanh: 'native',
  softmax: 'native',
  linear: 'native'
}

/** Keras 2 / TF.js default negative slope of LeakyReLU (Keras 3 changed it to 0.2; we follow TF.js). */
export const LEAKY_RELU_ALPHA = 0.3

/** Convolution/pooling padding, as in Keras. */
export type Padding = 'valid' | 'same'
/** Gate activation of LSTM/GRU cells (Keras 2 defaults to `sigmoid`, TF.js to `hardSigmoid`). */
export type RecurrentActivation = 'sigmoid' | 'hardSigmoid'
/** An L1/L2 weight penalty: loss += l1·Σ|w| + l2·Σw². Absent fields are 0. */
export interface Regularizer { l1?: number; l2?: number }
/** A size given once for both spatial axes (3) or per axis ([height, width]). */
export type Size2D = number | [number, number]

/** Parameters of a layer that has none (an empty object in JSON). */
export type NoParams = Record<never, never>

/** Weight penalties of layers that own a kernel and a bias. */
interface KernelRegularizers {
  kernelRegularizer?: Regularizer
  biasRegularizer?: Regularizer
}

/**
 * Every layer kind with its full parameter set (after defaults). Field names follow TF.js's
 * camelCase version of the Keras arguments, so a Keras user recognises each one.
 */
export interface LayerParamsByKind {
  /** `shape` excludes the batch axis; absent means "the dataset's example shape". */
  Input: { shape?: number[] }
  Dense: { units: number; activation: ActivationName; useBias: boolean } & KernelRegularizers
  Conv1D: { filters: number; kernelSize: number; strides: number; padding: Padding; activation: ActivationName; useBias: boolean } & KernelRegularizers
  Conv2D: { filters: number; kernelSize: Size2D; strides: Size2D; padding: Padding; activation: ActivationName; useBias: boolean } & KernelRegularizers
  /** `kernelRegularizer` penalises the depthwise kernel (Keras's `depthwise_regularizer`). */
  DepthwiseConv2D: { kernelSize: Size2D; strides: Size2D; padding: Padding; depthMultiplier: number; activation: ActivationName; useBias: boolean } & KernelRegularizers
  /** `strides: null` means "equal to poolSize", as in Keras. */
  MaxPooling1D: { poolSize: number; strides: number | null; padding: Padding }
  MaxPooling2D: { poolSize: Size2D; strides: Size2D | null; padding: Padding }
  AveragePooling1D: { poolSize: number; strides: number | null; padding: Padding }
  AveragePooling2D: { poolSize: Size2D; strides: Size2D | null; padding: Padding }
  GlobalAveragePooling1D: NoParams
  GlobalAveragePooling2D: NoParams
  Flatten: NoParams
  /** One entry may be -1 ("whatever is left"), as in Keras. */
  Reshape: { targetShape: number[] }
  Dropout: { rate: number }
  BatchNormalization: { axis: number; momentum: number; epsilon: number; center: boolean; scale: boolean }
  LayerNormalization: { axis: number; epsilon: number; center: boolean; scale: boolean }
  /** `alpha` is the negative slope of leakyRelu (default 0.3); other activations ignore it (TF.js's elu has alpha 1 only). */
  Activation: { activation: ActivationName; alpha?: number }
  /** Token ids in [0, inputDim) become vectors of outputDim; `kernelRegularizer` penalises the table. */
  Embedding: { inputDim: number; outputDim: number; kernelRegularizer?: Regularizer }
  LSTM: { units: number; activation: ActivationName; recurrentActivation: RecurrentActivation; useBias: boolean; unitForgetBias: boolean; returnSequences: boolean; recurrentRegularizer?: Regularizer } & KernelRegularizers
  GRU: { units: number; activation: ActivationName; recurrentActivation: RecurrentActivation; useBias: boolean; returnSequences: boolean; recurrentRegularizer?: Regularizer } & KernelRegularizers
  Add: NoParams
  Concatenate: { axis: number }
}

/** Every kind of layer the composer offers. */
export type LayerKind = keyof LayerParamsByKind

/** The palette, in the order the composer lists it. */
export const LAYER_KINDS: readonly LayerKind[] = [
  'Input', 'Dense', 'Conv1D', 'Conv2D', 'DepthwiseConv2D', 'MaxPooling1D', 'MaxPooling2D',
  'AveragePooling1D', 'AveragePooling2D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D',
  'Flatten', 'Reshape', 'Dropout', 'BatchNormalization', 'LayerNormalization', 'Activation',
  'Embedding', 'LSTM', 'GRU', 'Add', 'Concatenate'
]

/** One layer of the graph, its parameters possibly sparse (see {@link resolveParams}). */
export type GraphNode = {
  [K in LayerKind]: {
    /** Unique in the graph; also the TF.js layer name, hence letters, digits and `_` only. */
    id: string
    kind: K
    /** Ids of the nodes feeding this one, in order (Concatenate's order matters). */
    inputs: string[]
    params?: Partial<LayerParamsByKind[K]>
    /** Free text the composer shows instead of the id. */
    label?: string
  }
}[LayerKind]

/** A node narrowed to one kind. */
export type NodeOf<K extends LayerKind> = Extract<GraphNode, { kind: K }>

/** A whole model: nodes, and which of them are outputs. */
export interface GraphSpec {
  format: typeof GRAPH_FORMAT
  version: typeof GRAPH_VERSION
  name?: string
  nodes: GraphNode[]
  /** Ids of output nodes (at least one; the trainer uses the first). */
  outputs: string[]
}

/** Ids must be valid TF.js layer names and weight-name prefixes. */
export const NODE_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/

/**
 * Default parameters, Keras's where Keras has one. Keras has none for units/filters/rate/targetShape
 * /inputDim/outputDim; there we pick a small value the composer starts a new layer with.
 */
export const LAYER_DEFAULTS: { [K in LayerKind]: LayerParamsByKind[K] } = {
  Input: {},
  Dense: { units: 32, activation: 'linear', useBias: true },
  Conv1D: { filters: 32, kernelSize: 3, strides: 1, padding: 'valid', activation: 'linear', useBias: true },
  Conv2D: { filters: 32, kernelSize: 3, strides: 1, padding: 'valid', activation: 'linear', useBias: true },
  DepthwiseConv2D: { kernelSize: 3, strides: 1, padding: 'valid', depthMultiplier: 1, activation: 'linear', useBias: true },
  MaxPooling1D: { poolSize: 2, strides: null, padding: 'valid' },
  MaxPooling2D: { poolSize: 2, strides: null, padding: 'valid' },
  AveragePooling1D: { poolSize: 2, strides: null, padding: 'valid' },
  AveragePooling2D: { poolSize: 2, strides: null, padding: 'valid' },
  GlobalAveragePooling1D: {},
  GlobalAveragePooling2D: {},
  Flatten: {},
  Reshape: { targetShape: [-1] },
  Dropout: { rate: 0.5 },
  BatchNormalization: { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true },
  LayerNormalization: { axis: -1, epsilon: 0.001, center: true, scale: true },
  Activation: { activation: 'relu' },
  Embedding: { inputDim: 1000, outputDim: 32 },
  LSTM: { units: 32, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, unitForgetBias: true, returnSequences: false },
  GRU: { units: 32, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, returnSequences: false },
  Add: {},
  Concatenate: { axis: -1 }
}

/**
 * A node's parameters with every absent field filled from {@link LAYER_DEFAULTS}. Called by the
 * analysis, the builder and the exporter, so all three read the same values.
 */
export function resolveParams<K extends LayerKind>(node: { kind: K; params?: Partial<LayerParamsByKind[K]> }): LayerParamsByKind[K] {
  const defaults = LAYER_DEFAULTS[node.kind]
  if (!node.params) return defaults
  const out: Record<string, unknown> = { ...defaults }
  // An explicit `undefined` (a cleared field in the editor) falls back to the default too.
  for (const [k, v] of Object.entries(node.params)) if (v !== undefined) out[k] = v
  return out as LayerParamsByKind[K]
}

/** Expands a {@link Size2D} to [height, width]. */
export function pair(v: Size2D): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]]
}

/** What the graph is checked against: the dataset it will train on. */
export interface GraphDatasetInfo {
  /** Shape of one example without the batch axis, e.g. [2] or [28, 28, 1] or [100] (token ids). */
  inputShape: number[]
  task: 'classification' | 'regression'
  /** Number of classes (classification); ignored for regression. */
  numClasses: number
  /** Number of regression targets; 1 when absent. */
  numTargets?: number
  /** Size of the token vocabulary for sequence datasets; templates size Embedding from it. */
  vocabularySize?: number
}

/** Builds a spec from nodes and outputs (fills format and version). */
export function graphSpec(nodes: GraphNode[], outputs: string[], name?: string): GraphSpec {
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, ...(name === undefined ? {} : { name }), nodes, outputs }
}
