/**
 * Builds a TF.js LayersModel (functional API) from a composer graph. Runs in the trainer process
 * (and in tests); the graph has been checked by analyzeGraph, which this refuses to skip, so every
 * shape and parameter count the composer showed is what TF.js builds.
 *
 * Initial weights depend only on the graph and the run seed: each layer that draws random weights
 * takes the next seed of the same sequence main/trainer/models.ts uses, in the graph's
 * topological order. An issue-2 template converted with graphFromModelSpec therefore starts from
 * exactly the weights its old run started from.
 */
import * as tf from '@tensorflow/tfjs'
import {
  analyzeGraph, LEAKY_RELU_ALPHA, pair, resolveParams,
  type ActivationName, type GraphAnalysis, type GraphDatasetInfo, type GraphIssue, type GraphNode,
  type GraphSpec, type Regularizer
} from '../../../preload/contract/model'

/** Thrown when the graph is invalid; carries analyzeGraph's issues so the caller can show them. */
export class GraphModelError extends Error {
  constructor(readonly issues: GraphIssue[]) {
    super(issues.length === 1 ? issues[0]!.message : `the model has ${issues.length} problems; the first: ${issues[0]?.message ?? 'unknown'}`)
    this.name = 'GraphModelError'
  }
}

/**
 * Seeds for successive layers. Must stay the same formula as seedSequence in
 * main/trainer/models.ts (test/main/trainer/graph checks the weights match).
 */
function seedSequence(seed: number): () => number {
  let i = 0
  return () => ((seed >>> 0) * 7919 + 104729 * ++i) % 2147483647
}

/** TF.js's initializer type (not exported by name from @tensorflow/tfjs). */
type Initializer = ReturnType<typeof tf.initializers.glorotUniform>

type TfActivation = 'relu' | 'elu' | 'selu' | 'gelu' | 'sigmoid' | 'tanh' | 'softmax' | 'linear'

/** TF.js activation string for a layer argument; leakyRelu is applied by a separate layer instead. */
function nativeActivation(a: ActivationName): TfActivation {
  return a === 'leakyRelu' ? 'linear' : a
}

function regularizer(r: Regularizer | undefined): ReturnType<typeof tf.regularizers.l1l2> | undefined {
  if (!r || (!r.l1 && !r.l2)) return undefined
  return tf.regularizers.l1l2({ l1: r.l1 ?? 0, l2: r.l2 ?? 0 })
}

/** Result of {@link buildGraphModel}. */
export interface GraphModel {
  model: tf.LayersModel
  /** analyzeGraph's result the model was built from (shapes and counts per node). */
  analysis: GraphAnalysis
}

/**
 * Builds the (uncompiled) model of `spec` for data described by `data`, with initial weights
 * determined by `seed`. Throws {@link GraphModelError} when analyzeGraph finds errors. Layer names
 * are the node ids (plus `<id>_leaky_relu` where a leakyRelu activation needs its own layer).
 */
export function buildGraphModel(spec: GraphSpec, data: GraphDatasetInfo | undefined, seed: number): GraphModel {
  const analysis = analyzeGraph(spec, data)
  if (!analysis.valid) throw new GraphModelError(analysis.errors)
  const byId = new Map(spec.nodes.map((n) => [n.id, n]))
  const shapes = new Map(analysis.nodes.map((n) => [n.id, n.outputShape]))
  const nextSeed = seedSequence(seed)
  const glorot = (): Initializer => tf.initializers.glorotUniform({ seed: nextSeed() })
  const tensors = new Map<string, tf.SymbolicTensor>()
  const orthogonalLater: [string, number][] = []
  const orthogonalInit = (layer: string): Initializer => {
    orthogonalLater.push([layer, nextSeed()])
    return tf.initializers.zeros()
  }
  let input: tf.SymbolicTensor | null = null

  // A Dense/Conv layer with leakyRelu gets a LeakyReLU layer after it (TF.js has no such activation string).
  const activate = (id: string, a: ActivationName, x: tf.SymbolicTensor): tf.SymbolicTensor =>
    a === 'leakyRelu' ? tf.layers.leakyReLU({ alpha: LEAKY_RELU_ALPHA, name: `${id}_leaky_relu` }).apply(x) as tf.SymbolicTensor : x

  for (const id of analysis.order) {
    const n = byId.get(id)!
    if (n.kind === 'Input') {
      input = tf.input({ shape: shapes.get(id)!, name: id })
      tensors.set(id, input)
      continue
    }
    const ins = n.inputs.map((src) => tensors.get(src)!)
    tensors.set(id, applyNode(n, ins, { glorot, orthogonal: orthogonalInit, nextSeed, activate, shapeOf: (x) => shapes.get(x)! }))
  }
  if (!input) throw new GraphModelError([{ nodeId: null, code: 'no-input', severity: 'error', message: 'the model has no Input layer' }])
  const model = tf.model({ inputs: input, outputs: spec.outputs.map((o) => tensors.get(o)!), name: spec.name?.replace(/[^A-Za-z0-9_]/g, '_') || 'model' })
  for (const [layerName, layerSeed] of orthogonalLater) {
    const layer = model.getLayer(layerName)
    const weights = layer.getWeights()
    const [rows, cols] = weights[1]!.shape as [number, number]
    const recurrent = tf.tensor2d(orthogonal(rows, cols, layerSeed), [rows, cols])
    layer.setWeights([weights[0]!, recurrent, ...weights.slice(2)])
    // getWeights returns the variables' own tensors (not copies): only our new tensor is ours to free.
    recurrent.dispose()
  }
  return { model, analysis }
}

/**
 * A rows×cols matrix with orthonormal rows (rows ≤ cols) or columns, from a seeded normal draw:
 * what Keras's Orthogonal initializer gives (QR of a Gaussian matrix, signs fixed by R's diagonal).
 * Computed here because TF.js's own runs its QR as hundreds of small tensor ops: 2 s for one
 * 64-unit LSTM on the cpu backend, against under a millisecond for this Gram–Schmidt.
 */
export function orthogonal(rows: number, cols: number, seed: number): Float32Array {
  const n = Math.max(rows, cols)
  const k = Math.min(rows, cols)
  // k columns of length n, drawn N(0, 1) (Box–Muller on mulberry32).
  let state = seed >>> 0
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296
  }
  const q = new Float64Array(n * k)
  for (let i = 0; i < n * k; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()))
    const a = 2 * Math.PI * uniform()
    q[i] = r * Math.cos(a)
    if (i + 1 < n * k) q[i + 1] = r * Math.sin(a)
  }
  // Modified Gram–Schmidt, column j at q[j*n .. j*n+n). Dividing by the norm keeps R's diagonal
  // positive, which is the sign fix Keras applies (q · sign(diag(r))).
  for (let j = 0; j < k; j++) {
    const cj = j * n
    for (let p = 0; p < j; p++) {
      const cp = p * n
      let dot = 0
      for (let i = 0; i < n; i++) dot += q[cp + i]! * q[cj + i]!
      for (let i = 0; i < n; i++) q[cj + i] = q[cj + i]! - dot * q[cp + i]!
    }
    let norm = 0
    for (let i = 0; i < n; i++) norm += q[cj + i]! * q[cj + i]!
    norm = Math.sqrt(norm)
    for (let i = 0; i < n; i++) q[cj + i] = q[cj + i]! / norm
  }
  // Columns of Q are orthonormal vectors of length n; lay them out as the rows×cols result.
  const out = new Float32Array(rows * cols)
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // rows ≥ cols: out = Q (n×k); rows < cols: out = Qᵀ (k×n).
      out[r * cols + c] = rows >= cols ? q[c * n + r]! : q[r * n + c]!
    }
  }
  return out
}

interface Helpers {
  glorot: () => Initializer
  /** Zeros now; buildGraphModel then writes a seeded orthogonal matrix (see {@link orthogonal}). */
  orthogonal: (layer: string) => Initializer
  nextSeed: () => number
  activate: (id: string, a: ActivationName, x: tf.SymbolicTensor) => tf.SymbolicTensor
  /** analyzeGraph's output shape of a node (known for every node of a valid graph). */
  shapeOf: (id: string) => number[]
}

/** Applies the TF.js layer(s) of one node. Seeds are drawn in a fixed order per kind (kernel, then recurrent). */
function applyNode(n: GraphNode, ins: tf.SymbolicTensor[], h: Helpers): tf.SymbolicTensor {
  const x = ins[0]!
  const name = n.id
  const on = (layer: tf.layers.Layer, arg: tf.SymbolicTensor | tf.SymbolicTensor[] = x): tf.SymbolicTensor => layer.apply(arg) as tf.SymbolicTensor
  switch (n.kind) {
    case 'Input':
      throw new Error('Input is built by buildGraphModel')
    case 'Dense': {
      const q = resolveParams(n)
      const y = on(tf.layers.dense({ name, units: q.units, activation: nativeActivation(q.activation), useBias: q.useBias, kernelInitializer: h.glorot(), kernelRegularizer: regularizer(q.kernelRegularizer), biasRegularizer: regularizer(q.biasRegularizer) }))
      return h.activate(name, q.activation, y)
    }
    case 'Conv1D': {
      const q = resolveParams(n)
      const y = on(tf.layers.conv1d({ name, filters: q.filters, kernelSize: q.kernelSize, strides: q.strides, padding: q.padding, activation: nativeActivation(q.activation), useBias: q.useBias, kernelInitializer: h.glorot(), kernelRegularizer: regularizer(q.kernelRegularizer), biasRegularizer: regularizer(q.biasRegularizer) }))
      return h.activate(name, q.activation, y)
    }
    case 'Conv2D': {
      const q = resolveParams(n)
      const y = on(tf.layers.conv2d({ name, filters: q.filters, kernelSize: pair(q.kernelSize), strides: pair(q.strides), padding: q.padding, activation: nativeActivation(q.activation), useBias: q.useBias, kernelInitializer: h.glorot(), kernelRegularizer: regularizer(q.kernelRegularizer), biasRegularizer: regularizer(q.biasRegularizer) }))
      return h.activate(name, q.activation, y)
    }
    case 'DepthwiseConv2D': {
      const q = resolveParams(n)
      const y = on(tf.layers.depthwiseConv2d({ name, kernelSize: pair(q.kernelSize), strides: pair(q.strides), padding: q.padding, depthMultiplier: q.depthMultiplier, activation: nativeActivation(q.activation), useBias: q.useBias, depthwiseInitializer: h.glorot(), depthwiseRegularizer: regularizer(q.kernelRegularizer), biasRegularizer: regularizer(q.biasRegularizer) }))
      return h.activate(name, q.activation, y)
    }
    case 'MaxPooling1D':
    case 'AveragePooling1D': {
      const q = resolveParams(n)
      const args = { name, poolSize: q.poolSize, strides: q.strides ?? q.poolSize, padding: q.padding }
      return on(n.kind === 'MaxPooling1D' ? tf.layers.maxPooling1d(args) : tf.layers.averagePooling1d(args))
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const q = resolveParams(n)
      const args = { name, poolSize: pair(q.poolSize), strides: pair(q.strides ?? q.poolSize), padding: q.padding }
      return on(n.kind === 'MaxPooling2D' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args))
    }
    case 'GlobalAveragePooling1D':
      return on(tf.layers.globalAveragePooling1d({ name }))
    case 'GlobalAveragePooling2D':
      return on(tf.layers.globalAveragePooling2d({ name }))
    case 'Flatten':
      return on(tf.layers.flatten({ name }))
    case 'Reshape':
      // The inferred shape, not the user's: TF.js leaves a -1 axis unknown (null), and a Flatten
      // after it then refuses to build.
      return on(tf.layers.reshape({ name, targetShape: h.shapeOf(name) }))
    case 'Dropout':
      // Seeded so that two runs with the same seed drop the same units (where the backend honours seeds).
      return on(tf.layers.dropout({ name, rate: resolveParams(n).rate, seed: h.nextSeed() }))
    case 'BatchNormalization': {
      const q = resolveParams(n)
      return on(tf.layers.batchNormalization({ name, axis: q.axis, momentum: q.momentum, epsilon: q.epsilon, center: q.center, scale: q.scale }))
    }
    case 'LayerNormalization': {
      const q = resolveParams(n)
      return on(tf.layers.layerNormalization({ name, axis: q.axis, epsilon: q.epsilon, center: q.center, scale: q.scale }))
    }
    case 'Activation': {
      const q = resolveParams(n)
      if (q.activation === 'leakyRelu') return on(tf.layers.leakyReLU({ name, alpha: q.alpha ?? LEAKY_RELU_ALPHA }))
      return on(tf.layers.activation({ name, activation: q.activation }))
    }
    case 'Embedding': {
      const q = resolveParams(n)
      // Keras's default embeddings initializer is uniform(-0.05, 0.05).
      return on(tf.layers.embedding({ name, inputDim: q.inputDim, outputDim: q.outputDim, embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: h.nextSeed() }), embeddingsRegularizer: regularizer(q.kernelRegularizer) }))
    }
    case 'LSTM':
    case 'GRU': {
      const q = resolveParams(n) as ReturnType<typeof resolveParams<'LSTM'>>
      // Keras's defaults (glorot-uniform kernel, orthogonal recurrent kernel, sigmoid gates), which
      // differ from TF.js's own (hard sigmoid, glorot-normal for GRU).
      const args = {
        name, units: q.units, activation: nativeActivation(q.activation), recurrentActivation: q.recurrentActivation,
        useBias: q.useBias, returnSequences: q.returnSequences,
        kernelInitializer: h.glorot(), recurrentInitializer: h.orthogonal(name),
        kernelRegularizer: regularizer(q.kernelRegularizer), recurrentRegularizer: regularizer(q.recurrentRegularizer), biasRegularizer: regularizer(q.biasRegularizer)
      }
      return on(n.kind === 'LSTM' ? tf.layers.lstm({ ...args, unitForgetBias: q.unitForgetBias }) : tf.layers.gru(args))
    }
    case 'Add':
      return on(tf.layers.add({ name }), ins)
    case 'Concatenate':
      return on(tf.layers.concatenate({ name, axis: resolveParams(n).axis }), ins)
    default: {
      const never: never = n
      throw new Error(`unknown layer kind ${String((never as { kind: unknown }).kind)}`)
    }
  }
}
