/**
 * Shape inference, parameter counts and validation of a composer graph, as one pure function the
 * renderer runs on every edit and main runs before a run may start. Shapes exclude the batch axis.
 * Parameter counts follow TF.js 4.22 Layers exactly (checked against `model.countParams()` in
 * test/main/trainer/graph); where TF.js and Keras differ it is said at the layer.
 */
import {
  LEAKY_RELU_ALPHA, NODE_ID_PATTERN, pair, resolveParams,
  type ActivationName, type GraphDatasetInfo, type GraphNode, type GraphSpec, type LayerKind,
  type LayerParamsByKind, type Padding, type Size2D
} from './graph'

/** Machine-readable kind of a problem, for tests and for the UI to pick an icon. */
export type GraphIssueCode =
  | 'format' | 'invalid-id' | 'duplicate-id' | 'unknown-input' | 'input-count' | 'no-input'
  | 'multiple-inputs' | 'cycle' | 'disconnected' | 'dead-end' | 'no-output' | 'unknown-output'
  | 'bad-param' | 'rank' | 'kernel-too-large' | 'shape-mismatch' | 'axis-mismatch' | 'reshape-size'
  | 'input-shape' | 'output-rank' | 'output-size' | 'output-activation' | 'vocabulary' | 'dense-on-sequence'

/** One problem found in the graph, attached to the node to mark (null: the graph as a whole). */
export interface GraphIssue {
  nodeId: string | null
  code: GraphIssueCode
  severity: 'error' | 'warning'
  /** Says what is wrong and how to fix it, in words a learner can act on. */
  message: string
  /** Which sentence `message` is (i18n `graphIssues.<key>`), for saying it in the person's language. */
  key?: string
  /** The names and numbers in that sentence. */
  params?: IssueParams
}

/** Values of an issue's sentence. */
export type IssueParams = Record<string, string | number>

/** A sentence with its key and values (the English `message` is what main and the CLI show). */
interface Said { message: string; key?: string; params?: IssueParams }
const said = (message: string, key: string, params: IssueParams = {}): Said => ({ message, key, params })

/** What the composer shows next to one layer. */
export interface NodeAnalysis {
  id: string
  kind: LayerKind
  /** Output shape without the batch axis; null when it cannot be inferred (an error upstream or here). */
  outputShape: number[] | null
  /** All weights of the layer, trainable or not (what Keras's summary lists as Param #). */
  params: number
  /** The trainable part of `params`. */
  trainable: number
  /** The first error on this node, if any. */
  error?: string
  /** The first warning on this node, if any. */
  warning?: string
}

/** Result of {@link analyzeGraph}. */
export interface GraphAnalysis {
  /** One entry per node, in the spec's order. */
  nodes: NodeAnalysis[]
  totalParams: number
  trainableParams: number
  nonTrainableParams: number
  errors: GraphIssue[]
  warnings: GraphIssue[]
  /** No errors: training may start (warnings do not block). */
  valid: boolean
  /** Node ids in an order where every node follows its inputs (only nodes outside cycles). */
  order: string[]
}

/** Formats a shape the way the composer shows it: 28×28×1. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? 'a scalar' : shape.join('×')
}

const RANK_WORDS = ['0-D', '1-D', '2-D', '3-D', '4-D', '5-D']
const rankWord = (r: number): string => RANK_WORDS[r] ?? `${r}-D`

interface Inference {
  shape: number[] | null
  params: number
  trainable: number
  error?: { code: GraphIssueCode } & Said
  warning?: { code: GraphIssueCode } & Said
}

const fail = (code: GraphIssueCode, m: string | Said, key?: string, params: IssueParams = {}): Inference =>
  ({ shape: null, params: 0, trainable: 0, error: { code, ...(typeof m === 'string' ? (key ? said(m, key, params) : { message: m }) : m) } })
const ok = (shape: number[], params = 0, trainable = params): Inference => ({ shape, params, trainable })

const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1
const isSize2D = (v: unknown): v is Size2D => isPosInt(v) || (Array.isArray(v) && v.length === 2 && v.every(isPosInt))

/** Keras's conv_output_length for dilation 1. */
function convLength(n: number, k: number, s: number, padding: Padding): number {
  return padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1
}

/** Checks a positive-integer parameter; returns an error message naming the field, or null. */
function badInt(kind: string, name: string, v: unknown): Said | null {
  return isPosInt(v) ? null : said(`${kind} needs ${name} to be a whole number ≥ 1 (got ${JSON.stringify(v)}); set ${name}.`, 'badInt', { kind, name, got: String(JSON.stringify(v)) })
}

/** A size that may be one number or [height, width]; the sentence naming the field, or null. */
function badSize2D(kind: string, name: string, v: unknown, orEmpty = false): Said | null {
  if (isSize2D(v)) return null
  return orEmpty
    ? said(`${kind} needs ${name} as a whole number ≥ 1, [height, width] or empty (= poolSize); set ${name}.`, 'badSize2DOrEmpty', { kind, name })
    : said(`${kind} needs ${name} as a whole number ≥ 1 or [height, width]; set ${name}.`, 'badSize2D', { kind, name })
}

function regularizerProblem(kind: string, p: Record<string, unknown>): Said | null {
  for (const key of ['kernelRegularizer', 'biasRegularizer', 'recurrentRegularizer']) {
    const r = p[key] as { l1?: unknown; l2?: unknown } | undefined
    if (r === undefined) continue
    for (const f of ['l1', 'l2'] as const) {
      const v = r[f]
      if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
        return said(`${kind} ${key}.${f} must be a number ≥ 0 (got ${JSON.stringify(v)}); typical values are 1e-4 to 1e-2.`, 'regularizer', { kind, field: `${key}.${f}`, got: String(JSON.stringify(v)) })
      }
    }
  }
  return null
}

/** The Reshape target (e.g. "28, 28, 1") that turns a flat vector into an image, when one is obvious; '' otherwise. */
function imageReshapeTarget(shape: number[]): string {
  const m = /\[([^\]]*)\]/.exec(imageReshapeHint(shape))
  return m ? m[1]! : ''
}

/** Suggests a Reshape that turns a flat vector into an image, when one is obvious. */
function imageReshapeHint(shape: number[]): string {
  // A grayscale image without its channel axis.
  if (shape.length === 2) return ` or add a Reshape to [${shape[0]}, ${shape[1]}, 1] before it`
  if (shape.length !== 1) return ''
  const n = shape[0]!
  for (const c of [1, 3]) {
    const side = Math.round(Math.sqrt(n / c))
    if (side * side * c === n) return ` or add a Reshape to [${side}, ${side}, ${c}] before it`
  }
  return ''
}

/** Axis in Keras's convention (0 is the batch axis, -1 the last) to an index into a batch-less shape. */
function axisIndex(axis: number, rank: number): number | null {
  if (!Number.isInteger(axis)) return null
  const withBatch = axis < 0 ? rank + 1 + axis : axis
  return withBatch >= 1 && withBatch <= rank ? withBatch - 1 : null
}

/** Shape and parameters of one layer given its input shapes (all known). */
function inferNode(node: GraphNode, ins: number[][], data: GraphDatasetInfo | undefined): Inference {
  const kind = node.kind
  const p = resolveParams(node) as LayerParamsByKind[typeof kind] & Record<string, unknown>
  const regProblem = regularizerProblem(kind, p)
  if (regProblem) return fail('bad-param', regProblem)
  const x = ins[0]!
  const rank = x.length
  const needRank = (want: number, what: string, fix: string, key: string, params: IssueParams = {}): Inference | null =>
    rank === want ? null : fail('rank', `${kind} needs a ${rankWord(want)} input (${what}) but gets ${formatShape(x)} (${rankWord(rank)}); ${fix}.`,
      key, { kind, got: formatShape(x), gotRank: rankWord(rank), ...params })
  const reshapeTo = imageReshapeTarget(x)
  switch (node.kind) {
    case 'Input':
      return ok(x)
    case 'Dense': {
      const q = resolveParams(node)
      const bad = badInt(kind, 'units', q.units)
      if (bad) return fail('bad-param', bad)
      if (rank >= 3) {
        return fail('rank', `Dense gets a ${rankWord(rank)} tensor (${formatShape(x)}); add a Flatten (or GlobalAveragePooling2D) before it.`, 'denseRank', { rank: rankWord(rank), shape: formatShape(x) })
      }
      const inDim = x[rank - 1]!
      const params = inDim * q.units + (q.useBias ? q.units : 0)
      const r = ok([...x.slice(0, -1), q.units], params)
      if (rank === 2) {
        r.warning = { code: 'dense-on-sequence', ...said(`Dense on a ${formatShape(x)} sequence acts on each of its ${x[0]} steps separately; add Flatten or GlobalAveragePooling1D before it if you meant one vector per example.`, 'denseOnSequence', { shape: formatShape(x), steps: x[0]! }) }
      }
      return r
    }
    case 'Conv1D': {
      const q = resolveParams(node)
      const bad = badInt(kind, 'filters', q.filters) ?? badInt(kind, 'kernelSize', q.kernelSize) ?? badInt(kind, 'strides', q.strides)
      if (bad) return fail('bad-param', bad)
      const r = needRank(2, 'steps×channels', `use a sequence dataset, or add a Reshape to [${x.reduce((a, b) => a * b, 1)}, 1] before it`, 'rankConv1D', { n: x.reduce((a, b) => a * b, 1) })
      if (r) return r
      const [steps, cin] = x as [number, number]
      if (q.padding === 'valid' && q.kernelSize > steps) {
        return fail('kernel-too-large', `kernel ${q.kernelSize} is longer than its input of ${steps} steps with 'valid' padding; use padding 'same' or a kernel ≤ ${steps}.`, 'kernel1D', { kernel: q.kernelSize, steps })
      }
      return ok([convLength(steps, q.kernelSize, q.strides, q.padding), q.filters], q.kernelSize * cin * q.filters + (q.useBias ? q.filters : 0))
    }
    case 'Conv2D':
    case 'DepthwiseConv2D': {
      const q = resolveParams(node) as LayerParamsByKind['DepthwiseConv2D'] & { filters?: number }
      const bad = (node.kind === 'Conv2D' ? badInt(kind, 'filters', q.filters) : badInt(kind, 'depthMultiplier', q.depthMultiplier))
        ?? badSize2D(kind, 'kernelSize', q.kernelSize)
        ?? badSize2D(kind, 'strides', q.strides)
      if (bad) return fail('bad-param', bad)
      const r = needRank(3, 'height×width×channels', `use an image dataset${imageReshapeHint(x)}`, reshapeTo ? 'rankConv2DReshape' : 'rankConv2D', { reshape: reshapeTo })
      if (r) return r
      const [h, w, cin] = x as [number, number, number]
      const [kh, kw] = pair(q.kernelSize)
      const [sh, sw] = pair(q.strides)
      if (q.padding === 'valid' && (kh > h || kw > w)) {
        return fail('kernel-too-large', `kernel ${kh}×${kw} is larger than its ${h}×${w} input with 'valid' padding; use padding 'same', a smaller kernel, or fewer pooling layers before it.`, 'kernel2D', { kernel: `${kh}×${kw}`, input: `${h}×${w}` })
      }
      const oh = convLength(h, kh, sh, q.padding)
      const ow = convLength(w, kw, sw, q.padding)
      if (node.kind === 'Conv2D') {
        const f = q.filters!
        return ok([oh, ow, f], kh * kw * cin * f + (q.useBias ? f : 0))
      }
      const cout = cin * q.depthMultiplier
      return ok([oh, ow, cout], kh * kw * cout + (q.useBias ? cout : 0))
    }
    case 'MaxPooling1D':
    case 'AveragePooling1D': {
      const q = resolveParams(node)
      const strides = q.strides ?? q.poolSize
      const bad = badInt(kind, 'poolSize', q.poolSize) ?? badInt(kind, 'strides', strides)
      if (bad) return fail('bad-param', bad)
      const r = needRank(2, 'steps×channels', 'use it after Conv1D, Embedding or a sequence input', 'rankPool1D')
      if (r) return r
      const [steps, c] = x as [number, number]
      if (q.padding === 'valid' && q.poolSize > steps) {
        return fail('kernel-too-large', `pool of ${q.poolSize} is longer than its input of ${steps} steps with 'valid' padding; use padding 'same', a smaller poolSize, or remove this layer.`, 'pool1D', { pool: q.poolSize, steps })
      }
      return ok([convLength(steps, q.poolSize, strides, q.padding), c])
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const q = resolveParams(node)
      const strides = q.strides ?? q.poolSize
      const bad = badSize2D(kind, 'poolSize', q.poolSize) ?? badSize2D(kind, 'strides', strides, true)
      if (bad) return fail('bad-param', bad)
      const r = needRank(3, 'height×width×channels', `use it after Conv2D or on image input${imageReshapeHint(x)}`, reshapeTo ? 'rankPool2DReshape' : 'rankPool2D', { reshape: reshapeTo })
      if (r) return r
      const [h, w, c] = x as [number, number, number]
      const [ph, pw] = pair(q.poolSize)
      const [sh, sw] = pair(strides)
      if (q.padding === 'valid' && (ph > h || pw > w)) {
        return fail('kernel-too-large', `pool ${ph}×${pw} is larger than its ${h}×${w} input with 'valid' padding; use padding 'same', a smaller poolSize, or remove this layer.`, 'pool2D', { pool: `${ph}×${pw}`, input: `${h}×${w}` })
      }
      return ok([convLength(h, ph, sh, q.padding), convLength(w, pw, sw, q.padding), c])
    }
    case 'GlobalAveragePooling1D':
      return needRank(2, 'steps×channels', 'use it after Conv1D, Embedding or an LSTM/GRU with returnSequences', 'rankGap1D') ?? ok([x[1]!])
    case 'GlobalAveragePooling2D':
      return needRank(3, 'height×width×channels', 'use it after Conv2D on image input', 'rankGap2D') ?? ok([x[2]!])
    case 'Flatten':
      return ok([x.reduce((a, b) => a * b, 1)])
    case 'Reshape': {
      const t = resolveParams(node).targetShape
      if (!Array.isArray(t) || t.length === 0 || t.some((d) => !(isPosInt(d) || d === -1)) || t.filter((d) => d === -1).length > 1) {
        return fail('bad-param', `Reshape needs targetShape as whole numbers ≥ 1 with at most one -1 (got ${JSON.stringify(t)}); set targetShape, e.g. [28, 28, 1].`, 'reshapeTarget', { got: String(JSON.stringify(t)) })
      }
      const size = x.reduce((a, b) => a * b, 1)
      const known = t.reduce((a, b) => (b === -1 ? a : a * b), 1)
      if (t.includes(-1)) {
        if (size % known !== 0) return fail('reshape-size', `Reshape cannot fit ${size} values (${formatShape(x)}) into [${t.join(', ')}]: ${size} is not a multiple of ${known}; change targetShape.`, 'reshapeMultiple', { size, shape: formatShape(x), target: t.join(', '), known })
        return ok(t.map((d) => (d === -1 ? size / known : d)))
      }
      if (known !== size) return fail('reshape-size', `Reshape to [${t.join(', ')}] needs ${known} values but its input ${formatShape(x)} has ${size}; change targetShape so its product is ${size} (or use -1 for one axis).`, 'reshapeSize', { target: t.join(', '), known, shape: formatShape(x), size })
      return ok([...t])
    }
    case 'Dropout': {
      const rate = resolveParams(node).rate
      if (!(typeof rate === 'number' && rate >= 0 && rate < 1)) return fail('bad-param', `Dropout rate must be in [0, 1) (got ${JSON.stringify(rate)}); 0.1–0.5 is typical.`, 'dropoutRate', { got: String(JSON.stringify(rate)) })
      return ok(x)
    }
    case 'BatchNormalization':
    case 'LayerNormalization': {
      const q = resolveParams(node) as LayerParamsByKind['LayerNormalization'] & { momentum?: number }
      const ax = axisIndex(q.axis, rank)
      if (ax === null) return fail('bad-param', `${kind} axis ${q.axis} does not exist on a ${formatShape(x)} input (axis 0 is the batch); use -1 for the last (channel) axis.`, 'normAxis', { kind, axis: q.axis, shape: formatShape(x) })
      if (!(typeof q.epsilon === 'number' && q.epsilon > 0)) return fail('bad-param', `${kind} epsilon must be > 0 (got ${JSON.stringify(q.epsilon)}); the default is 0.001.`, 'epsilon', { kind, got: String(JSON.stringify(q.epsilon)) })
      if (node.kind === 'BatchNormalization' && !(typeof q.momentum === 'number' && q.momentum >= 0 && q.momentum < 1)) {
        return fail('bad-param', `BatchNormalization momentum must be in [0, 1) (got ${JSON.stringify(q.momentum)}); the default is 0.99.`, 'momentum', { got: String(JSON.stringify(q.momentum)) })
      }
      const c = x[ax]!
      const trainable = (q.center ? c : 0) + (q.scale ? c : 0)
      // BatchNormalization also keeps a moving mean and variance: counted, never trained.
      return node.kind === 'BatchNormalization' ? ok(x, trainable + 2 * c, trainable) : ok(x, trainable)
    }
    case 'Activation': {
      const q = resolveParams(node)
      if (q.alpha !== undefined && !(typeof q.alpha === 'number' && Number.isFinite(q.alpha))) return fail('bad-param', `Activation alpha must be a number (got ${JSON.stringify(q.alpha)}); leakyRelu uses ${LEAKY_RELU_ALPHA} by default.`, 'alpha', { got: String(JSON.stringify(q.alpha)), alpha: LEAKY_RELU_ALPHA })
      if (q.activation === 'softmax' && rank < 1) return fail('rank', 'softmax needs at least one axis to normalise over.', 'softmaxScalar')
      return ok(x)
    }
    case 'Embedding': {
      const q = resolveParams(node)
      const bad = badInt(kind, 'inputDim', q.inputDim) ?? badInt(kind, 'outputDim', q.outputDim)
      if (bad) return fail('bad-param', bad)
      const r = ok([...x, q.outputDim], q.inputDim * q.outputDim)
      const vocab = data?.vocabularySize
      if (vocab !== undefined && vocab > q.inputDim) {
        return fail('vocabulary', `the dataset's token ids go up to ${vocab - 1} but inputDim is ${q.inputDim}; set inputDim to at least ${vocab}.`, 'vocabulary', { max: vocab - 1, inputDim: q.inputDim, vocab })
      }
      return r
    }
    case 'LSTM':
    case 'GRU': {
      const q = resolveParams(node)
      const bad = badInt(kind, 'units', q.units)
      if (bad) return fail('bad-param', bad)
      // leakyRelu exists in TF.js only as a layer, which cannot run inside the recurrent cell.
      if (q.activation === 'leakyRelu') return fail('bad-param', `${kind} cannot use leakyRelu inside its cell; pick tanh (the usual choice) or relu, and add an Activation layer after it if needed.`, 'rnnLeakyRelu', { kind })
      const r = needRank(2, 'steps×features', rank === 1 ? 'put an Embedding before it for token ids, or a Reshape to [steps, 1] for a numeric series' : 'use a sequence input, or a Reshape to [steps, features]', rank === 1 ? 'rankRnnIds' : 'rankRnn')
      if (r) return r
      const [steps, inDim] = x as [number, number]
      const u = q.units
      // TF.js 4.22's GRU has no reset_after (it throws on it), so its bias is 3·units, not Keras 2's 6·units.
      const gates = node.kind === 'LSTM' ? 4 : 3
      const params = gates * (u * (inDim + u) + (q.useBias ? u : 0))
      return ok(q.returnSequences ? [steps, u] : [u], params)
    }
    case 'Add': {
      const first = ins[0]!
      const j = ins.findIndex((s) => s.length !== first.length || s.some((d, i) => d !== first[i]))
      if (j > 0) {
        const other = ins[j]!
        const hint = first.length === 3 && other.length === 3 && first[0] === other[0] && first[1] === other[1]
          ? ` e.g. a 1×1 Conv2D with ${Math.max(first[2]!, other[2]!)} filters on the shortcut`
          : first.length === 3 && other.length === 3 ? ' e.g. a Conv2D with strides 2 (or a pooling layer) on the larger branch' : ''
        return fail('shape-mismatch', `Add needs inputs of the same shape, got ${formatShape(first)} (from "${node.inputs[0]}") and ${formatShape(other)} (from "${node.inputs[j]}"); make the branches match,${hint || ' e.g. with a Dense or Reshape on one branch'}.`,
          hint.includes('1×1') ? 'addShape1x1' : hint ? 'addShapeStrides' : 'addShape',
          { a: formatShape(first), aFrom: node.inputs[0]!, b: formatShape(other), bFrom: node.inputs[j]!, filters: Math.max(first[2] ?? 0, other[2] ?? 0) })
      }
      return ok(first)
    }
    case 'Concatenate': {
      const axis = resolveParams(node).axis
      const first = ins[0]!
      const ax = axisIndex(axis, first.length)
      if (ax === null) return fail('bad-param', `Concatenate axis ${axis} does not exist on a ${formatShape(first)} input (axis 0 is the batch); use -1 for the last axis.`, 'concatAxis', { axis, shape: formatShape(first) })
      for (let j = 1; j < ins.length; j++) {
        const s = ins[j]!
        if (s.length !== first.length) {
          return fail('axis-mismatch', `Concatenate needs inputs of the same rank, got ${formatShape(first)} (from "${node.inputs[0]}") and ${formatShape(s)} (from "${node.inputs[j]}"); Flatten both or reshape one.`, 'concatRank', { a: formatShape(first), aFrom: node.inputs[0]!, b: formatShape(s), bFrom: node.inputs[j]! })
        }
        const off = s.findIndex((d, i) => i !== ax && d !== first[i])
        if (off >= 0) {
          return fail('axis-mismatch', `Concatenate along axis ${axis} needs equal sizes on the other axes, got ${formatShape(first)} (from "${node.inputs[0]}") and ${formatShape(s)} (from "${node.inputs[j]}"); pool or resize the branches to match, or change the axis.`, 'concatSizes', { axis, a: formatShape(first), aFrom: node.inputs[0]!, b: formatShape(s), bFrom: node.inputs[j]! })
        }
      }
      const out = [...first]
      out[ax] = ins.reduce((a, s) => a + s[ax]!, 0)
      return ok(out)
    }
    default: {
      const never: never = node
      return fail('format', `unknown layer kind ${JSON.stringify((never as { kind: unknown }).kind)}; remove this layer.`, 'unknownKind', { kind: String(JSON.stringify((never as { kind: unknown }).kind)) })
    }
  }
}

/** The activation a node's output ends in, looking through layers that keep values (Dropout, Reshape, Flatten). */
function finalActivation(id: string, byId: Map<string, GraphNode>, depth = 0): ActivationName | 'unknown' {
  const node = byId.get(id)
  if (!node || depth > 64) return 'unknown'
  switch (node.kind) {
    case 'Activation': case 'Dense': case 'Conv1D': case 'Conv2D': case 'DepthwiseConv2D':
      return resolveParams(node).activation
    case 'Dropout': case 'Reshape': case 'Flatten':
      return node.inputs[0] === undefined ? 'unknown' : finalActivation(node.inputs[0], byId, depth + 1)
    default:
      return 'linear'
  }
}

/** How many inputs each kind takes: exactly [min, max]. */
function inputArity(kind: LayerKind): [number, number] {
  if (kind === 'Input') return [0, 0]
  if (kind === 'Add' || kind === 'Concatenate') return [2, Infinity]
  return [1, 1]
}

/**
 * Infers every node's output shape and parameter count and checks the graph against the dataset
 * it will train on (`data` absent: the composer has no dataset yet, so only structure is checked
 * and the Input must carry its shape). Never throws; every problem becomes an issue on the node to
 * mark. Linear in the number of nodes and edges (≈0.1 ms for 100 layers), so the UI calls it on
 * every edit.
 */
export function analyzeGraph(spec: GraphSpec, data?: GraphDatasetInfo): GraphAnalysis {
  const issues: GraphIssue[] = []
  const nodeErr = new Map<string, string>()
  const nodeWarn = new Map<string, string>()
  const add = (
    nodeId: string | null, code: GraphIssueCode, message: string, key?: string, params: IssueParams = {}, severity: 'error' | 'warning' = 'error'
  ): void => {
    issues.push({ nodeId, code, severity, message, ...(key ? { key, params } : {}) })
    if (nodeId === null) return
    const m = severity === 'error' ? nodeErr : nodeWarn
    if (!m.has(nodeId)) m.set(nodeId, message)
  }
  const nodes: GraphNode[] = Array.isArray(spec?.nodes) ? spec.nodes : []
  const outputs: string[] = Array.isArray(spec?.outputs) ? spec.outputs : []
  if (spec?.format !== 'studio-graph' || spec.version !== 1) {
    add(null, 'format', `this is not a version-1 studio model graph (format ${JSON.stringify(spec?.format)}, version ${JSON.stringify(spec?.version)}); import it through the Keras importer or a newer studio.`, 'format', { format: String(JSON.stringify(spec?.format)), version: String(JSON.stringify(spec?.version)) })
  }

  // Ids: unique and usable as TF.js layer names.
  const byId = new Map<string, GraphNode>()
  for (const n of nodes) {
    if (!NODE_ID_PATTERN.test(n.id)) add(n.id, 'invalid-id', `layer id ${JSON.stringify(n.id)} must start with a letter and use only letters, digits and _ (at most 64); rename it.`, 'invalidId', { id: String(JSON.stringify(n.id)) })
    if (byId.has(n.id)) add(n.id, 'duplicate-id', `two layers are called "${n.id}"; rename one of them.`, 'duplicateId', { id: n.id })
    else byId.set(n.id, n)
  }

  // Edges: known targets and the right number of them.
  const inputNodes = nodes.filter((n) => n.kind === 'Input')
  if (inputNodes.length === 0) add(null, 'no-input', 'the model has no Input layer; add one at the top (it takes the dataset\'s example shape).', 'noInput')
  for (const extra of inputNodes.slice(1)) add(extra.id, 'multiple-inputs', `the model has more than one Input ("${inputNodes[0]!.id}" and "${extra.id}"); the studio feeds one dataset tensor: delete this one or connect its layers to "${inputNodes[0]!.id}".`, 'multipleInputs', { first: inputNodes[0]!.id, id: extra.id })
  for (const n of nodes) {
    const ins = Array.isArray(n.inputs) ? n.inputs : []
    for (const src of ins) {
      if (!byId.has(src)) add(n.id, 'unknown-input', `input "${src}" of "${n.id}" does not exist; connect "${n.id}" to an existing layer.`, 'unknownInput', { src, id: n.id })
    }
    const [lo, hi] = inputArity(n.kind)
    if (ins.length < lo || ins.length > hi) {
      const msg = n.kind === 'Input' ? 'an Input layer takes no inputs; remove its incoming connections.'
        : hi === Infinity ? `${n.kind} merges branches and needs at least 2 inputs, it has ${ins.length}; connect another branch or delete it.`
          : `${n.kind} takes exactly 1 input, it has ${ins.length}; ${ins.length === 0 ? 'connect a layer to it' : 'merge the branches with Add or Concatenate first'}.`
      const key = n.kind === 'Input' ? 'inputTakesNone' : hi === Infinity ? 'mergeNeedsTwo' : ins.length === 0 ? 'oneInputConnect' : 'oneInputMerge'
      add(n.id, 'input-count', msg, key, { kind: n.kind, count: ins.length })
    }
  }

  // Topological order (Kahn); what is left over sits on or behind a cycle.
  const indeg = new Map<string, number>()
  const consumers = new Map<string, string[]>()
  for (const n of byId.values()) { indeg.set(n.id, 0); consumers.set(n.id, []) }
  for (const n of byId.values()) {
    for (const src of n.inputs ?? []) {
      if (!byId.has(src)) continue
      indeg.set(n.id, indeg.get(n.id)! + 1)
      consumers.get(src)!.push(n.id)
    }
  }
  const order: string[] = []
  const queue = [...byId.values()].filter((n) => indeg.get(n.id) === 0).map((n) => n.id)
  for (let qi = 0; qi < queue.length; qi++) {
    const id = queue[qi]!
    order.push(id)
    for (const c of consumers.get(id)!) {
      const d = indeg.get(c)! - 1
      indeg.set(c, d)
      if (d === 0) queue.push(c)
    }
  }
  if (order.length < byId.size) {
    const left = new Set([...byId.keys()].filter((id) => indeg.get(id)! > 0))
    // Only nodes that reach themselves are on the cycle; the rest are merely downstream of it.
    for (const id of left) {
      const path = findCycle(id, byId, left)
      if (path) add(id, 'cycle', `"${id}" is part of a cycle (${path.join(' → ')}); a model must flow one way: remove one of these connections.`, 'cycle', { id, path: path.join(' → ') })
    }
  }

  // Outputs.
  if (outputs.length === 0) add(null, 'no-output', 'the model has no output; mark its last layer as the output.', 'noOutput')
  for (const o of outputs) if (!byId.has(o)) add(null, 'unknown-output', `output "${o}" does not exist; mark an existing layer as the output.`, 'unknownOutput', { id: o })

  // Connectivity: every layer must be fed from the Input and lead to an output.
  const fromInput = new Set<string>()
  const stack = inputNodes.map((n) => n.id)
  while (stack.length) {
    const id = stack.pop()!
    if (fromInput.has(id)) continue
    fromInput.add(id)
    for (const c of consumers.get(id) ?? []) stack.push(c)
  }
  const toOutput = new Set<string>()
  const back = outputs.filter((o) => byId.has(o))
  while (back.length) {
    const id = back.pop()!
    if (toOutput.has(id)) continue
    toOutput.add(id)
    for (const src of byId.get(id)!.inputs ?? []) if (byId.has(src)) back.push(src)
  }
  for (const n of byId.values()) {
    if (n.kind !== 'Input' && !fromInput.has(n.id) && (n.inputs?.length ?? 0) > 0 && !nodeErr.has(n.id)) {
      add(n.id, 'disconnected', `"${n.id}" is not connected to the Input; connect its branch to the model or delete it.`, 'disconnected', { id: n.id })
    } else if (toOutput.size > 0 && !toOutput.has(n.id) && !nodeErr.has(n.id)) {
      // (With no valid output everything would be a dead end; the missing output is the one error then.)
      add(n.id, 'dead-end', `"${n.id}" does not lead to any output; connect it to the layers below or delete it.`, 'deadEnd', { id: n.id })
    }
  }

  // Shapes and parameters, in order.
  const shapes = new Map<string, number[] | null>()
  const counts = new Map<string, { params: number; trainable: number }>()
  for (const id of order) {
    const n = byId.get(id)!
    let inferred: Inference
    if (n.kind === 'Input') {
      const given = resolveParams(n).shape
      if (given !== undefined && (!Array.isArray(given) || given.length === 0 || !given.every(isPosInt))) {
        inferred = fail('bad-param', `Input shape must be whole numbers ≥ 1 without the batch axis (got ${JSON.stringify(given)}); clear it to use the dataset's shape.`, 'inputShapeBad', { got: String(JSON.stringify(given)) })
      } else if (given && data && (given.length !== data.inputShape.length || given.some((d, i) => d !== data.inputShape[i]))) {
        inferred = fail('input-shape', `Input shape ${formatShape(given)} differs from the dataset's examples (${formatShape(data.inputShape)}); clear the shape to take the dataset's.`, 'inputShapeDiffers', { given: formatShape(given), data: formatShape(data.inputShape) })
      } else if (!given && !data) {
        inferred = fail('input-shape', 'Input has no shape yet; pick a dataset or set the shape (without the batch axis).', 'inputNoShape')
      } else {
        inferred = ok([...(given ?? data!.inputShape)])
      }
    } else {
      const ins = (n.inputs ?? []).map((src) => shapes.get(src))
      if (ins.length === 0 || ins.some((s) => !s) || nodeErr.has(n.id)) {
        // Unknown because of a problem upstream (already reported there) or on this node.
        inferred = { shape: null, params: 0, trainable: 0 }
      } else {
        inferred = inferNode(n, ins as number[][], data)
      }
    }
    if (inferred.error) add(n.id, inferred.error.code, inferred.error.message, inferred.error.key, inferred.error.params)
    if (inferred.warning) add(n.id, inferred.warning.code, inferred.warning.message, inferred.warning.key, inferred.warning.params, 'warning')
    shapes.set(id, inferred.shape)
    counts.set(id, { params: inferred.params, trainable: inferred.trainable })
  }

  // The output against the dataset: one vector per example, sized and activated for the task.
  if (data) {
    for (const o of outputs) {
      const shape = shapes.get(o)
      if (!shape || nodeErr.has(o)) continue
      if (shape.length !== 1) {
        add(o, 'output-rank', `the output is ${formatShape(shape)} per example but the model must give one vector; add Flatten or GlobalAveragePooling before a final Dense.`, 'outputRank', { shape: formatShape(shape) })
        continue
      }
      const k = shape[0]!
      const act = finalActivation(o, byId)
      if (data.task === 'classification') {
        const c = data.numClasses
        const binarySigmoid = c === 2 && k === 1 && act === 'sigmoid'
        if (!binarySigmoid && k !== c) {
          add(o, 'output-size', `the output has ${k} unit${k === 1 ? '' : 's'} but the dataset has ${c} classes; set units to ${c}.`, 'outputClasses', { units: k, classes: c })
        } else if (!binarySigmoid && act !== 'softmax') {
          add(o, 'output-activation', `a classifier's output must give class probabilities but this one ends in ${act}; set its activation to softmax.`, 'outputSoftmax', { act })
        }
      } else {
        const t = data.numTargets ?? 1
        if (act === 'softmax') {
          add(o, 'output-activation', 'softmax forces the outputs to sum to 1, which cannot fit regression targets; set the activation to linear.', 'softmaxRegression')
        } else if (k !== t) {
          add(o, 'output-size', `the output has ${k} unit${k === 1 ? '' : 's'} but the dataset has ${t} regression target${t === 1 ? '' : 's'}; set units to ${t}.`, 'outputTargets', { units: k, targets: t })
        } else if (act === 'sigmoid' || act === 'tanh') {
          add(o, 'output-activation', `a ${act} output can only reach ${act === 'sigmoid' ? '0…1' : '-1…1'}; use linear unless the targets are scaled to that range.`, 'outputRange', { act, range: act === 'sigmoid' ? '0…1' : '-1…1' }, 'warning')
        }
      }
    }
  }

  const result: NodeAnalysis[] = nodes.map((n) => {
    const c = counts.get(n.id)
    const entry: NodeAnalysis = { id: n.id, kind: n.kind, outputShape: shapes.get(n.id) ?? null, params: c?.params ?? 0, trainable: c?.trainable ?? 0 }
    const e = nodeErr.get(n.id)
    const w = nodeWarn.get(n.id)
    if (e) entry.error = e
    if (w) entry.warning = w
    return entry
  })
  let totalParams = 0
  let trainableParams = 0
  for (const id of byId.keys()) {
    const c = counts.get(id)
    if (!c) continue
    totalParams += c.params
    trainableParams += c.trainable
  }
  const errors = issues.filter((i) => i.severity === 'error')
  return {
    nodes: result,
    totalParams,
    trainableParams,
    nonTrainableParams: totalParams - trainableParams,
    errors,
    warnings: issues.filter((i) => i.severity === 'warning'),
    valid: errors.length === 0,
    order
  }
}

/** A path start → … → start among `candidates`, or null when `start` is not on a cycle. */
function findCycle(start: string, byId: Map<string, GraphNode>, candidates: Set<string>): string[] | null {
  // Depth-first along inputs; graphs are small, and this runs only when a cycle exists.
  const seen = new Set<string>()
  const path: string[] = [start]
  const dfs = (id: string): boolean => {
    for (const src of byId.get(id)!.inputs ?? []) {
      if (src === start) return true
      if (!candidates.has(src) || seen.has(src)) continue
      seen.add(src)
      path.push(src)
      if (dfs(src)) return true
      path.pop()
    }
    return false
  }
  if (!dfs(start)) return null
  // The walk went against the arrows; show it in the direction data flows.
  return [start, ...path.slice(1).reverse(), start]
}
