/**
 * Import of a Keras / TF.js `model.json` topology into a composer graph, and export of a graph as
 * JSON or as a Keras-2-style topology that `tf.models.modelFromJSON` (and Keras's
 * `model_from_json`) read back. Weights are ignored on import: the composer edits architectures.
 *
 * Accepted input: TF.js's `model.json` (`{ modelTopology: { class_name, config }, weightsManifest }`),
 * the Keras converter's (`modelTopology.model_config`), or a bare topology; Sequential and
 * Functional (`Model` / `Functional`) models, Keras 2 `inbound_nodes` and Keras 3 `keras_history`.
 * Anything the composer cannot represent stops the import with a {@link KerasImportError} that
 * names the layer and the field.
 */
import {
  ACTIVATIONS, GRAPH_FORMAT, GRAPH_VERSION, LAYER_DEFAULTS, LEAKY_RELU_ALPHA, NODE_ID_PATTERN, pair, resolveParams,
  type ActivationName, type GraphNode, type GraphSpec, type LayerKind, type LayerParamsByKind,
  type Regularizer
} from './graph'
import { analyzeGraph } from './analyze'

/** Why an import failed, with the Keras layer it concerns (null: the file as a whole). */
export class KerasImportError extends Error {
  constructor(message: string, readonly layer: string | null = null, readonly field: string | null = null) {
    super(message)
    this.name = 'KerasImportError'
  }
}

/** Result of {@link importKerasModel}: the graph and what was dropped on the way (never silently). */
export interface KerasImport {
  spec: GraphSpec
  /** Things the composer does not model that were left out, e.g. an LSTM's internal dropout. */
  warnings: string[]
}

type Json = Record<string, unknown>
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Keras activation names (snake_case, as Keras and TF.js serialize them) → ours. */
const ACTIVATION_FROM_KERAS: Record<string, ActivationName> = {
  linear: 'linear', relu: 'relu', elu: 'elu', selu: 'selu', gelu: 'gelu', sigmoid: 'sigmoid',
  tanh: 'tanh', softmax: 'softmax', leaky_relu: 'leakyRelu', leakyRelu: 'leakyRelu'
}

/** Reads one layer's config fields, failing with the layer's name and the field on anything unusable. */
class LayerReader {
  constructor(readonly layer: string, readonly className: string, readonly config: Json, private readonly warnings: string[]) {}

  fail(field: string | null, why: string): never {
    throw new KerasImportError(`layer "${this.layer}" (${this.className})${field ? `, field ${field}` : ''}: ${why}`, this.layer, field)
  }

  has(field: string): boolean {
    return this.config[field] !== undefined && this.config[field] !== null
  }

  int(field: string, fallback?: number): number {
    const v = this.config[field]
    if ((v === undefined || v === null) && fallback !== undefined) return fallback
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(field, `expected a whole number, got ${JSON.stringify(v)}`)
    return v
  }

  num(field: string, fallback: number): number {
    const v = this.config[field]
    if (v === undefined || v === null) return fallback
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, `expected a number, got ${JSON.stringify(v)}`)
    return v
  }

  bool(field: string, fallback: boolean): boolean {
    const v = this.config[field]
    if (v === undefined || v === null) return fallback
    if (typeof v !== 'boolean') this.fail(field, `expected true or false, got ${JSON.stringify(v)}`)
    return v
  }

  /** A size given as 3, [3] or [3, 3]. */
  size(field: string, dims: 1 | 2, fallback?: number | null): number | [number, number] | null {
    const v = this.config[field]
    if (v === undefined || v === null) {
      if (fallback === undefined) this.fail(field, 'is missing')
      return fallback
    }
    const arr = Array.isArray(v) ? v : [v]
    if (arr.length !== dims && !(arr.length === 1 && dims === 2) || !arr.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 1)) {
      this.fail(field, `expected ${dims === 1 ? 'one whole number' : 'one or two whole numbers'}, got ${JSON.stringify(v)}`)
    }
    if (dims === 1) return arr[0] as number
    const [a, b = a] = arr as number[]
    return a === b ? a! : [a!, b!]
  }

  /** Fails unless `field` is absent or equals one of `allowed` (compared as JSON). */
  only(field: string, allowed: unknown[], hint: string): void {
    if (!this.has(field)) return
    const v = JSON.stringify(this.config[field])
    if (!allowed.some((a) => JSON.stringify(a) === v)) this.fail(field, `${v} is not supported; ${hint}`)
  }

  padding(): 'valid' | 'same' {
    const v = this.config.padding ?? 'valid'
    if (v !== 'valid' && v !== 'same') this.fail('padding', `${JSON.stringify(v)} is not supported; use 'valid' or 'same'`)
    return v
  }

  channelsLast(): void {
    this.only('data_format', ['channels_last', 'channelsLast'], 'the studio keeps channels last (height×width×channels)')
  }

  activation(field = 'activation', fallback: ActivationName = 'linear'): ActivationName {
    const v = this.config[field]
    if (v === undefined || v === null) return fallback
    const name = typeof v === 'string' ? v : isObj(v) && typeof v.class_name === 'string' ? v.class_name : undefined
    const mapped = name === undefined ? undefined : ACTIVATION_FROM_KERAS[name] ?? ACTIVATION_FROM_KERAS[name.toLowerCase()]
    if (!mapped) this.fail(field, `activation ${JSON.stringify(name ?? v)} is not supported; the composer offers ${ACTIVATIONS.join(', ')}`)
    return mapped
  }

  recurrentActivation(): 'sigmoid' | 'hardSigmoid' {
    const v = this.config.recurrent_activation ?? 'sigmoid'
    if (v === 'sigmoid') return 'sigmoid'
    if (v === 'hard_sigmoid' || v === 'hardSigmoid') return 'hardSigmoid'
    return this.fail('recurrent_activation', `${JSON.stringify(v)} is not supported; use sigmoid or hard_sigmoid`)
  }

  regularizer(field: string): Regularizer | undefined {
    const v = this.config[field]
    if (v === undefined || v === null) return undefined
    if (!isObj(v) || !isObj(v.config)) this.fail(field, `expected {class_name, config}, got ${JSON.stringify(v)}`)
    const cls = v.class_name
    if (cls !== 'L1L2' && cls !== 'L1' && cls !== 'L2' && cls !== 'l1_l2' && cls !== 'l1' && cls !== 'l2') {
      this.fail(field, `regularizer ${JSON.stringify(cls)} is not supported; use L1, L2 or L1L2`)
    }
    const c = v.config
    const r: Regularizer = {}
    if (typeof c.l1 === 'number' && c.l1 !== 0) r.l1 = c.l1
    if (typeof c.l2 === 'number' && c.l2 !== 0) r.l2 = c.l2
    return r.l1 === undefined && r.l2 === undefined ? undefined : r
  }

  /** Fields that only shape training (not the architecture) and that we drop with a warning when set. */
  dropIfSet(field: string, neutral: unknown, what: string): void {
    if (this.has(field) && JSON.stringify(this.config[field]) !== JSON.stringify(neutral)) {
      this.warnings.push(`layer "${this.layer}": ${field}=${JSON.stringify(this.config[field])} was dropped (${what}).`)
    }
  }
}

/** Puts defined regularizers on a params object. */
function withRegs<T extends object>(params: T, regs: Record<string, Regularizer | undefined>): T {
  for (const [k, v] of Object.entries(regs)) if (v) (params as Record<string, unknown>)[k] = v
  return params
}

/** Converts one Keras layer (not InputLayer) to a node's kind and params. */
function convertLayer(r: LayerReader): { kind: LayerKind; params: Record<string, unknown> } {
  const kernelRegs = (kernelField = 'kernel_regularizer') => ({ kernelRegularizer: r.regularizer(kernelField), biasRegularizer: r.regularizer('bias_regularizer') })
  switch (r.className) {
    case 'Dense':
      return { kind: 'Dense', params: withRegs({ units: r.int('units'), activation: r.activation(), useBias: r.bool('use_bias', true) }, kernelRegs()) }
    case 'Conv1D':
    case 'Conv2D': {
      const dims = r.className === 'Conv1D' ? 1 : 2
      r.channelsLast()
      r.only('dilation_rate', [1, [1], [1, 1]], 'dilated convolutions are not in the composer')
      r.only('groups', [1], 'grouped convolutions are not in the composer')
      return {
        kind: r.className,
        params: withRegs({ filters: r.int('filters'), kernelSize: r.size('kernel_size', dims), strides: r.size('strides', dims, 1), padding: r.padding(), activation: r.activation(), useBias: r.bool('use_bias', true) }, kernelRegs())
      }
    }
    case 'DepthwiseConv2D':
      r.channelsLast()
      r.only('dilation_rate', [1, [1, 1]], 'dilated convolutions are not in the composer')
      return {
        kind: 'DepthwiseConv2D',
        params: withRegs({ kernelSize: r.size('kernel_size', 2), strides: r.size('strides', 2, 1), padding: r.padding(), depthMultiplier: r.int('depth_multiplier', 1), activation: r.activation(), useBias: r.bool('use_bias', true) }, kernelRegs('depthwise_regularizer'))
      }
    case 'MaxPooling1D': case 'MaxPool1D': case 'AveragePooling1D': case 'AvgPool1D': case 'AveragePool1D':
    case 'MaxPooling2D': case 'MaxPool2D': case 'AveragePooling2D': case 'AvgPool2D': case 'AveragePool2D': {
      const dims = r.className.includes('1D') ? 1 : 2
      const max = r.className.startsWith('Max')
      r.channelsLast()
      const kind = `${max ? 'Max' : 'Average'}Pooling${dims}D` as LayerKind
      return { kind, params: { poolSize: r.size('pool_size', dims, 2), strides: r.size('strides', dims, null), padding: r.padding() } }
    }
    case 'GlobalAveragePooling1D': case 'GlobalAvgPool1D': case 'GlobalAveragePooling2D': case 'GlobalAvgPool2D':
      r.channelsLast()
      r.only('keepdims', [false], 'keepdims=true is not in the composer; add a Reshape after the pooling')
      return { kind: r.className.includes('1D') ? 'GlobalAveragePooling1D' : 'GlobalAveragePooling2D', params: {} }
    case 'Flatten':
      r.channelsLast()
      return { kind: 'Flatten', params: {} }
    case 'Reshape': {
      const t = r.config.target_shape
      if (!Array.isArray(t) || !t.every((d) => typeof d === 'number' && Number.isInteger(d))) r.fail('target_shape', `expected whole numbers, got ${JSON.stringify(t)}`)
      return { kind: 'Reshape', params: { targetShape: [...t] } }
    }
    case 'Dropout':
      r.only('noise_shape', [null], 'only plain dropout (no noise_shape) is in the composer')
      return { kind: 'Dropout', params: { rate: r.num('rate', 0.5) } }
    case 'BatchNormalization':
    case 'LayerNormalization': {
      const ax = r.config.axis ?? -1
      const axis = Array.isArray(ax) && ax.length === 1 ? ax[0] : ax
      if (typeof axis !== 'number' || !Number.isInteger(axis)) r.fail('axis', `only one axis is supported, got ${JSON.stringify(ax)}`)
      const common = { axis, epsilon: r.num('epsilon', 0.001), center: r.bool('center', true), scale: r.bool('scale', true) }
      if (r.className === 'LayerNormalization') return { kind: 'LayerNormalization', params: common }
      return { kind: 'BatchNormalization', params: { ...common, momentum: r.num('momentum', 0.99) } }
    }
    case 'Activation':
      return { kind: 'Activation', params: { activation: r.activation('activation', 'linear') } }
    case 'ReLU':
      r.only('max_value', [null], 'a capped ReLU is not in the composer')
      r.only('negative_slope', [0], 'use a LeakyReLU for a negative slope')
      r.only('threshold', [0], 'a thresholded ReLU is not in the composer')
      return { kind: 'Activation', params: { activation: 'relu' } }
    case 'LeakyReLU':
      // Keras 2 and TF.js call the slope alpha, Keras 3 negative_slope.
      return { kind: 'Activation', params: { activation: 'leakyRelu', alpha: r.num(r.has('negative_slope') ? 'negative_slope' : 'alpha', 0.3) } }
    case 'ELU':
      // TF.js 4.22's ELU layer throws on any other alpha.
      r.only('alpha', [1], 'TF.js supports ELU only with alpha 1')
      return { kind: 'Activation', params: { activation: 'elu' } }
    case 'Softmax':
      r.only('axis', [-1, [-1]], 'softmax over another axis than the last is not in the composer')
      return { kind: 'Activation', params: { activation: 'softmax' } }
    case 'Embedding':
      r.dropIfSet('mask_zero', false, 'masking is not in the composer; padded steps count like any other')
      return { kind: 'Embedding', params: withRegs({ inputDim: r.int('input_dim'), outputDim: r.int('output_dim') }, { kernelRegularizer: r.regularizer('embeddings_regularizer') }) }
    case 'LSTM':
    case 'GRU': {
      r.only('go_backwards', [false], 'reverse the sequence in the dataset instead')
      r.only('stateful', [false], 'stateful RNNs are not in the composer')
      r.only('return_state', [false], 'only the output sequence or last output can be used')
      r.dropIfSet('dropout', 0, 'put a Dropout layer before the recurrent layer instead')
      r.dropIfSet('recurrent_dropout', 0, 'recurrent dropout is not in the composer')
      const params: Record<string, unknown> = withRegs({
        units: r.int('units'),
        activation: r.activation('activation', 'tanh'),
        recurrentActivation: r.recurrentActivation(),
        useBias: r.bool('use_bias', true),
        returnSequences: r.bool('return_sequences', false)
      }, { kernelRegularizer: r.regularizer('kernel_regularizer'), recurrentRegularizer: r.regularizer('recurrent_regularizer'), biasRegularizer: r.regularizer('bias_regularizer') })
      if (r.className === 'LSTM') params.unitForgetBias = r.bool('unit_forget_bias', true)
      // Keras 2 defaults to reset_after=true, which TF.js 4.22 cannot build: the architecture is the
      // same GRU, only the bias layout differs (2×3·units instead of 3·units).
      else r.dropIfSet('reset_after', false, 'TF.js has no reset_after; the GRU is built with reset_after=false, 3·units fewer bias weights')
      return { kind: r.className, params }
    }
    case 'Add':
      return { kind: 'Add', params: {} }
    case 'Concatenate':
      return { kind: 'Concatenate', params: { axis: r.int('axis', -1) } }
    default:
      return r.fail(null, `this layer type is not in the composer; it offers ${['Dense', 'Conv1D', 'Conv2D', 'DepthwiseConv2D', 'MaxPooling1D/2D', 'AveragePooling1D/2D', 'GlobalAveragePooling1D/2D', 'Flatten', 'Reshape', 'Dropout', 'BatchNormalization', 'LayerNormalization', 'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax', 'Embedding', 'LSTM', 'GRU', 'Add', 'Concatenate'].join(', ')}`)
  }
}

/** Drops params equal to the defaults, so imported graphs are as sparse as composed ones. */
function sparse(kind: LayerKind, params: Record<string, unknown>): Record<string, unknown> | undefined {
  const defaults = LAYER_DEFAULTS[kind] as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue
    if (k in defaults && JSON.stringify(defaults[k]) === JSON.stringify(v)) continue
    out[k] = v
  }
  return Object.keys(out).length > 0 ? out : undefined
}

/** Keras names allow `/`, `.` and `-`; node ids do not. Maps names to unique valid ids. */
function idMaker(): (name: string) => string {
  const used = new Set<string>()
  return (name) => {
    let id = name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 60)
    if (!/^[A-Za-z]/.test(id)) id = `l_${id}`.slice(0, 60)
    let unique = id
    for (let i = 2; used.has(unique); i++) unique = `${id}_${i}`
    used.add(unique)
    return unique
  }
}

/** The shape (without batch) a layer config declares for its input, if any. */
function declaredInputShape(r: LayerReader): number[] | null {
  const c = r.config
  const batchShape = c.batch_input_shape ?? c.batch_shape
  const shape = Array.isArray(batchShape) ? batchShape.slice(1) : Array.isArray(c.input_shape) ? c.input_shape : null
  if (!shape) return null
  if (!shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1)) {
    r.fail(c.batch_input_shape ? 'batch_input_shape' : 'batch_shape', `every axis but the batch must have a fixed size, got ${JSON.stringify(batchShape ?? c.input_shape)}; the studio trains on fixed-size examples`)
  }
  return shape as number[]
}

/** Unwraps TF.js / Keras-converter / bare topologies to { class_name, config }. */
function topologyOf(json: unknown): Json {
  if (!isObj(json)) throw new KerasImportError('model.json must be a JSON object')
  let t: unknown = json.modelTopology ?? json
  if (isObj(t) && isObj(t.model_config)) t = t.model_config
  if (!isObj(t) || typeof t.class_name !== 'string') {
    throw new KerasImportError('no model topology found: expected modelTopology.class_name (a TF.js or Keras model.json)')
  }
  return t
}

/** Keras 2: [[name, nodeIndex, tensorIndex, kwargs], …] per call; Keras 3: {args: [keras tensors]}. */
function inboundNames(layer: string, inbound: unknown): string[] {
  if (!Array.isArray(inbound) || inbound.length === 0) return []
  if (inbound.length > 1) throw new KerasImportError(`layer "${layer}" is called ${inbound.length} times (shared weights); the composer has one node per layer, so give each use its own layer`, layer, 'inbound_nodes')
  const call = inbound[0]
  const names: string[] = []
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      if (typeof v[0] === 'string' && typeof v[1] === 'number') {
        if (v[2] !== 0 && v[2] !== undefined) throw new KerasImportError(`layer "${layer}" takes output ${String(v[2])} of "${v[0]}"; only single-output layers are supported`, layer, 'inbound_nodes')
        names.push(v[0])
      } else v.forEach(visit)
    } else if (isObj(v)) {
      const history = isObj(v.config) ? v.config.keras_history : undefined
      if (Array.isArray(history) && typeof history[0] === 'string') names.push(history[0])
      else if (Array.isArray(v.args)) v.args.forEach(visit)
    }
  }
  visit(call)
  return names
}

/**
 * Converts a Keras / TF.js `model.json` (parsed JSON) into a graph spec. Throws
 * {@link KerasImportError} naming the layer and field when something is not representable; returns
 * warnings for training-only details it dropped. The result still goes through analyzeGraph
 * (a Keras file may hold a model that does not fit the chosen dataset).
 */
export function importKerasModel(json: unknown): KerasImport {
  const topo = topologyOf(json)
  const cls = topo.class_name as string
  const warnings: string[] = []
  const toId = idMaker()
  const nodes: GraphNode[] = []
  const node = (id: string, kind: LayerKind, inputs: string[], params: Record<string, unknown> | undefined): void => {
    nodes.push({ id, kind, inputs, ...(params ? { params } : {}) } as GraphNode)
  }
  if (cls !== 'Sequential' && cls !== 'Model' && cls !== 'Functional') {
    throw new KerasImportError(`model class ${JSON.stringify(cls)} is not supported; export a Sequential or Functional model`)
  }
  const cfg = topo.config
  const layerList = (Array.isArray(cfg) ? cfg : isObj(cfg) ? cfg.layers : undefined)
  if (!Array.isArray(layerList)) throw new KerasImportError(`${cls} topology has no config.layers`)
  const name = isObj(cfg) && typeof cfg.name === 'string' ? cfg.name : undefined

  const reader = (entry: unknown, i: number): LayerReader => {
    if (!isObj(entry) || typeof entry.class_name !== 'string' || !isObj(entry.config)) throw new KerasImportError(`layer ${i} is not {class_name, config}`)
    const layerName = typeof entry.name === 'string' ? entry.name : typeof entry.config.name === 'string' ? entry.config.name : `layer_${i}`
    return new LayerReader(layerName, entry.class_name, entry.config, warnings)
  }

  if (cls === 'Sequential') {
    let prev: string | null = null
    layerList.forEach((entry, i) => {
      const r = reader(entry, i)
      const shape = declaredInputShape(r)
      if (r.className === 'InputLayer') {
        if (prev !== null) r.fail(null, 'an InputLayer must come first')
        if (!shape) r.fail('batch_input_shape', 'is missing; the input shape is needed')
        prev = toId(r.layer)
        node(prev, 'Input', [], { shape })
        return
      }
      if (prev === null) {
        if (!shape) r.fail('batch_input_shape', 'the first layer of a Sequential model must declare its input shape')
        prev = toId('input')
        node(prev, 'Input', [], { shape })
      }
      const { kind, params } = convertLayer(r)
      const id = toId(r.layer)
      node(id, kind, [prev], sparse(kind, params))
      prev = id
    })
    if (prev === null) throw new KerasImportError('the Sequential model has no layers')
    return { spec: { format: GRAPH_FORMAT, version: GRAPH_VERSION, ...(name ? { name } : {}), nodes, outputs: [prev] }, warnings }
  }

  if (cls === 'Model' || cls === 'Functional') {
    if (!isObj(cfg)) throw new KerasImportError(`${cls} topology has no config object`)
    const ids = new Map<string, string>()
    const entries = layerList.map((entry, i) => {
      const r = reader(entry, i)
      ids.set(r.layer, toId(r.layer))
      return { r, inbound: isObj(entry) ? entry.inbound_nodes : undefined }
    })
    const idOf = (layer: string, from: string): string => {
      const id = ids.get(layer)
      if (!id) throw new KerasImportError(`layer "${from}" takes its input from "${layer}", which is not in the model`, from, 'inbound_nodes')
      return id
    }
    for (const { r, inbound } of entries) {
      const id = ids.get(r.layer)!
      if (r.className === 'InputLayer') {
        const shape = declaredInputShape(r)
        if (!shape) r.fail('batch_input_shape', 'is missing; the input shape is needed')
        node(id, 'Input', [], { shape })
        continue
      }
      const { kind, params } = convertLayer(r)
      node(id, kind, inboundNames(r.layer, inbound).map((n) => idOf(n, r.layer)), sparse(kind, params))
    }
    const refs = (v: unknown, what: string): string[] => {
      if (!Array.isArray(v)) throw new KerasImportError(`${cls} topology has no config.${what}`)
      // [[name, 0, 0], …] (Keras 2, TF.js) or [name, 0, 0] (Keras 3 with one tensor).
      const list = typeof v[0] === 'string' ? [v] : v
      return list.map((x) => {
        if (!Array.isArray(x) || typeof x[0] !== 'string') throw new KerasImportError(`config.${what} entry ${JSON.stringify(x)} is not [name, node, tensor]`)
        return idOf(x[0], what)
      })
    }
    const inputs = refs(cfg.input_layers, 'input_layers')
    if (inputs.length !== 1) throw new KerasImportError(`the model has ${inputs.length} inputs; the studio trains models with exactly one input`, null, 'input_layers')
    return { spec: { format: GRAPH_FORMAT, version: GRAPH_VERSION, ...(name ? { name } : {}), nodes, outputs: refs(cfg.output_layers, 'output_layers') }, warnings }
  }
  throw new KerasImportError(`model class ${JSON.stringify(cls)} is not supported; export a Sequential or Functional model`)
}

/** Our activation → Keras's serialized name (leakyRelu is not an activation string there: see below). */
const kerasActivation = (a: ActivationName): string => a

const kerasRegularizer = (r: Regularizer | undefined): Json | null =>
  r ? { class_name: 'L1L2', config: { l1: r.l1 ?? 0, l2: r.l2 ?? 0 } } : null

const size2 = (v: number | [number, number]): [number, number] => pair(v)

/**
 * The Keras config of one node (without name/inbound), or two when an activation has to become its
 * own layer (`leakyRelu` on Dense/Conv, which Keras and TF.js only know as a LeakyReLU layer).
 */
function kerasLayers(n: GraphNode, shape: number[] | undefined, inferred: number[] | null | undefined): { class_name: string; config: Json }[] {
  const name = n.id
  const p = resolveParams(n) as LayerParamsByKind[LayerKind] & Record<string, unknown>
  const act = (a: ActivationName): { activation: string; extra: { class_name: string; config: Json }[] } =>
    a === 'leakyRelu'
      ? { activation: 'linear', extra: [{ class_name: 'LeakyReLU', config: { name: `${name}_leaky_relu`, alpha: LEAKY_RELU_ALPHA, trainable: true } }] }
      : { activation: kerasActivation(a), extra: [] }
  const regs = { kernel_regularizer: kerasRegularizer(p.kernelRegularizer as Regularizer | undefined), bias_regularizer: kerasRegularizer(p.biasRegularizer as Regularizer | undefined) }
  const base = { name, trainable: true, dtype: 'float32' }
  switch (n.kind) {
    case 'Input':
      return [{ class_name: 'InputLayer', config: { name, batch_input_shape: [null, ...(shape ?? [])], dtype: 'float32', sparse: false } }]
    case 'Dense': {
      const q = resolveParams(n); const a = act(q.activation)
      return [{ class_name: 'Dense', config: { ...base, units: q.units, activation: a.activation, use_bias: q.useBias, ...regs } }, ...a.extra]
    }
    case 'Conv1D': {
      const q = resolveParams(n); const a = act(q.activation)
      return [{ class_name: 'Conv1D', config: { ...base, filters: q.filters, kernel_size: [q.kernelSize], strides: [q.strides], padding: q.padding, data_format: 'channels_last', dilation_rate: [1], activation: a.activation, use_bias: q.useBias, ...regs } }, ...a.extra]
    }
    case 'Conv2D': {
      const q = resolveParams(n); const a = act(q.activation)
      return [{ class_name: 'Conv2D', config: { ...base, filters: q.filters, kernel_size: size2(q.kernelSize), strides: size2(q.strides), padding: q.padding, data_format: 'channels_last', dilation_rate: [1, 1], activation: a.activation, use_bias: q.useBias, ...regs } }, ...a.extra]
    }
    case 'DepthwiseConv2D': {
      const q = resolveParams(n); const a = act(q.activation)
      return [{ class_name: 'DepthwiseConv2D', config: { ...base, kernel_size: size2(q.kernelSize), strides: size2(q.strides), padding: q.padding, depth_multiplier: q.depthMultiplier, data_format: 'channels_last', dilation_rate: [1, 1], activation: a.activation, use_bias: q.useBias, depthwise_regularizer: regs.kernel_regularizer, bias_regularizer: regs.bias_regularizer } }, ...a.extra]
    }
    case 'MaxPooling1D': case 'AveragePooling1D': {
      const q = resolveParams(n)
      return [{ class_name: n.kind, config: { ...base, pool_size: [q.poolSize], strides: [q.strides ?? q.poolSize], padding: q.padding } }]
    }
    case 'MaxPooling2D': case 'AveragePooling2D': {
      const q = resolveParams(n)
      return [{ class_name: n.kind, config: { ...base, pool_size: size2(q.poolSize), strides: size2(q.strides ?? q.poolSize), padding: q.padding, data_format: 'channels_last' } }]
    }
    case 'GlobalAveragePooling1D': case 'GlobalAveragePooling2D':
      return [{ class_name: n.kind, config: { ...base, data_format: 'channels_last' } }]
    case 'Flatten':
      return [{ class_name: 'Flatten', config: { ...base, data_format: 'channels_last' } }]
    case 'Reshape':
      // Written out in full: TF.js leaves a -1 axis unknown when it loads the model, and a Flatten after it fails.
      return [{ class_name: 'Reshape', config: { ...base, target_shape: inferred ?? resolveParams(n).targetShape } }]
    case 'Dropout':
      return [{ class_name: 'Dropout', config: { ...base, rate: resolveParams(n).rate, noise_shape: null, seed: null } }]
    case 'BatchNormalization': {
      const q = resolveParams(n)
      return [{ class_name: 'BatchNormalization', config: { ...base, axis: q.axis, momentum: q.momentum, epsilon: q.epsilon, center: q.center, scale: q.scale } }]
    }
    case 'LayerNormalization': {
      const q = resolveParams(n)
      return [{ class_name: 'LayerNormalization', config: { ...base, axis: q.axis, epsilon: q.epsilon, center: q.center, scale: q.scale } }]
    }
    case 'Activation': {
      const q = resolveParams(n)
      if (q.activation === 'leakyRelu') return [{ class_name: 'LeakyReLU', config: { ...base, alpha: q.alpha ?? LEAKY_RELU_ALPHA } }]
      return [{ class_name: 'Activation', config: { ...base, activation: kerasActivation(q.activation) } }]
    }
    case 'Embedding': {
      const q = resolveParams(n)
      return [{ class_name: 'Embedding', config: { ...base, input_dim: q.inputDim, output_dim: q.outputDim, embeddings_regularizer: kerasRegularizer(q.kernelRegularizer), mask_zero: false } }]
    }
    case 'LSTM': case 'GRU': {
      const q = resolveParams(n) as LayerParamsByKind['LSTM']
      const cfg: Json = {
        ...base, units: q.units, activation: q.activation, recurrent_activation: q.recurrentActivation === 'hardSigmoid' ? 'hard_sigmoid' : 'sigmoid',
        use_bias: q.useBias, return_sequences: q.returnSequences, return_state: false, go_backwards: false, stateful: false,
        ...regs, recurrent_regularizer: kerasRegularizer(q.recurrentRegularizer)
      }
      if (n.kind === 'LSTM') cfg.unit_forget_bias = q.unitForgetBias
      else cfg.reset_after = false
      return [{ class_name: n.kind, config: cfg }]
    }
    case 'Add':
      return [{ class_name: 'Add', config: base }]
    case 'Concatenate':
      return [{ class_name: 'Concatenate', config: { ...base, axis: resolveParams(n).axis } }]
    default: {
      const never: never = n
      throw new Error(`unknown layer kind ${String((never as { kind: unknown }).kind)}`)
    }
  }
}

/**
 * Exports a graph as a Keras-2-style Functional topology (`{ class_name: 'Model', config:
 * { layers, input_layers, output_layers } }`), the `modelTopology` of a TF.js `model.json`.
 * `inputShape` gives the Input's shape when the spec leaves it to the dataset. Throws when the
 * Input has no shape or a node sits on a cycle (run analyzeGraph first).
 */
export function exportKerasTopology(spec: GraphSpec, inputShape?: number[]): Json {
  const byId = new Map(spec.nodes.map((n) => [n.id, n]))
  const inferred = new Map(analyzeGraph(spec, inputShape ? { inputShape, task: 'regression', numClasses: 0 } : undefined).nodes.map((a) => [a.id, a.outputShape]))
  // The output name of each node: a node whose activation became its own layer is read from that layer.
  const outName = new Map<string, string>()
  const layers: Json[] = []
  const visited = new Set<string>()
  const visiting = new Set<string>()
  const visit = (id: string): void => {
    if (visited.has(id)) return
    if (visiting.has(id)) throw new Error(`layer "${id}" is on a cycle; a model must flow one way`)
    const n = byId.get(id)
    if (!n) throw new Error(`layer "${id}" does not exist`)
    visiting.add(id)
    n.inputs.forEach(visit)
    visiting.delete(id)
    visited.add(id)
    const shape = n.kind === 'Input' ? resolveParams(n).shape ?? inputShape : undefined
    if (n.kind === 'Input' && !shape) throw new Error('the Input has no shape; pass the dataset\'s example shape')
    const parts = kerasLayers(n, shape, inferred.get(id))
    let inbound = n.inputs.map((src) => [outName.get(src)!, 0, 0, {}])
    for (const part of parts) {
      const layerName = part.config.name as string
      layers.push({ name: layerName, class_name: part.class_name, config: part.config, inbound_nodes: part.class_name === 'InputLayer' ? [] : [inbound] })
      inbound = [[layerName, 0, 0, {}]]
      outName.set(id, layerName)
    }
  }
  spec.nodes.forEach((n) => visit(n.id))
  const input = spec.nodes.find((n) => n.kind === 'Input')
  if (!input) throw new Error('the graph has no Input')
  if (!spec.nodes.every((n) => NODE_ID_PATTERN.test(n.id))) throw new Error('layer ids must be letters, digits and _')
  return {
    class_name: 'Model',
    config: {
      name: spec.name ?? 'model',
      layers,
      input_layers: [[input.id, 0, 0]],
      output_layers: spec.outputs.map((o) => [outName.get(o) ?? o, 0, 0])
    },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js'
  }
}

/** The graph as pretty JSON, the file the composer's "Export spec" writes. */
export function exportGraphJson(spec: GraphSpec): string {
  return `${JSON.stringify(spec, null, 2)}\n`
}
