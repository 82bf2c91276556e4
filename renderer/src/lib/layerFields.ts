/**
 * What the composer's inspector shows for each layer kind: its editable parameters, their input
 * kind, and how the text a person types becomes a parameter value (with a specific message when
 * it cannot). Values that parse but do not fit (a kernel larger than its input, units 0) are left
 * to analyzeGraph, which marks the layer and says how to fix it.
 */
import { ACTIVATIONS, type LayerKind } from '../../../preload/contract/model/graph'

/** How a field is edited and parsed. */
export type FieldType =
  | 'int' | 'number' | 'bool' | 'size2d' | 'intList' | 'activation'
  | 'padding' | 'recurrentActivation' | 'nullableInt' | 'nullableSize2d'

export interface LayerField {
  /** Parameter name; dotted for a nested field (`kernelRegularizer.l2`). */
  key: string
  type: FieldType
  /** Empty text clears the field (back to the default / the dataset's value). */
  optional?: boolean
  /** Shown only for these activations (leakyRelu's alpha). */
  whenActivation?: string
}

const reg: LayerField[] = [
  { key: 'kernelRegularizer.l1', type: 'number', optional: true },
  { key: 'kernelRegularizer.l2', type: 'number', optional: true }
]
const pool1: LayerField[] = [{ key: 'poolSize', type: 'int' }, { key: 'strides', type: 'nullableInt', optional: true }, { key: 'padding', type: 'padding' }]
const pool2: LayerField[] = [{ key: 'poolSize', type: 'size2d' }, { key: 'strides', type: 'nullableSize2d', optional: true }, { key: 'padding', type: 'padding' }]

/** The inspector's fields per kind, in display order. */
export const LAYER_FIELDS: Record<LayerKind, LayerField[]> = {
  Input: [{ key: 'shape', type: 'intList', optional: true }],
  Dense: [{ key: 'units', type: 'int' }, { key: 'activation', type: 'activation' }, { key: 'useBias', type: 'bool' }, ...reg],
  Conv1D: [{ key: 'filters', type: 'int' }, { key: 'kernelSize', type: 'int' }, { key: 'strides', type: 'int' }, { key: 'padding', type: 'padding' }, { key: 'activation', type: 'activation' }, { key: 'useBias', type: 'bool' }, ...reg],
  Conv2D: [{ key: 'filters', type: 'int' }, { key: 'kernelSize', type: 'size2d' }, { key: 'strides', type: 'size2d' }, { key: 'padding', type: 'padding' }, { key: 'activation', type: 'activation' }, { key: 'useBias', type: 'bool' }, ...reg],
  DepthwiseConv2D: [{ key: 'kernelSize', type: 'size2d' }, { key: 'strides', type: 'size2d' }, { key: 'depthMultiplier', type: 'int' }, { key: 'padding', type: 'padding' }, { key: 'activation', type: 'activation' }, { key: 'useBias', type: 'bool' }, ...reg],
  MaxPooling1D: pool1,
  AveragePooling1D: pool1,
  MaxPooling2D: pool2,
  AveragePooling2D: pool2,
  GlobalAveragePooling1D: [],
  GlobalAveragePooling2D: [],
  Flatten: [],
  Reshape: [{ key: 'targetShape', type: 'intList' }],
  Dropout: [{ key: 'rate', type: 'number' }],
  BatchNormalization: [{ key: 'momentum', type: 'number' }, { key: 'epsilon', type: 'number' }, { key: 'center', type: 'bool' }, { key: 'scale', type: 'bool' }],
  LayerNormalization: [{ key: 'epsilon', type: 'number' }, { key: 'center', type: 'bool' }, { key: 'scale', type: 'bool' }],
  Activation: [{ key: 'activation', type: 'activation' }, { key: 'alpha', type: 'number', optional: true, whenActivation: 'leakyRelu' }],
  Embedding: [{ key: 'inputDim', type: 'int' }, { key: 'outputDim', type: 'int' }],
  LSTM: [{ key: 'units', type: 'int' }, { key: 'activation', type: 'activation' }, { key: 'recurrentActivation', type: 'recurrentActivation' }, { key: 'returnSequences', type: 'bool' }, { key: 'useBias', type: 'bool' }, { key: 'unitForgetBias', type: 'bool' }, ...reg],
  GRU: [{ key: 'units', type: 'int' }, { key: 'activation', type: 'activation' }, { key: 'recurrentActivation', type: 'recurrentActivation' }, { key: 'returnSequences', type: 'bool' }, { key: 'useBias', type: 'bool' }, ...reg],
  Add: [],
  Concatenate: [{ key: 'axis', type: 'int' }]
}

/** Choices of the select-type fields. */
export const FIELD_OPTIONS: Partial<Record<FieldType, readonly string[]>> = {
  activation: ACTIVATIONS,
  padding: ['valid', 'same'],
  recurrentActivation: ['sigmoid', 'hardSigmoid']
}

/** Palette groups, in the order the palette lists them (every kind exactly once). */
export const PALETTE_GROUPS: readonly { key: string; kinds: LayerKind[] }[] = [
  { key: 'core', kinds: ['Input', 'Dense', 'Activation', 'Dropout', 'Flatten', 'Reshape'] },
  { key: 'conv', kinds: ['Conv1D', 'Conv2D', 'DepthwiseConv2D'] },
  { key: 'pool', kinds: ['MaxPooling1D', 'MaxPooling2D', 'AveragePooling1D', 'AveragePooling2D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D'] },
  { key: 'norm', kinds: ['BatchNormalization', 'LayerNormalization'] },
  { key: 'seq', kinds: ['Embedding', 'LSTM', 'GRU'] },
  { key: 'merge', kinds: ['Add', 'Concatenate'] }
]

/** A parse failure: an i18n key under `composer.fieldErrors` and its params. */
export interface FieldParseError { key: string; params?: Record<string, string | number> }
export type FieldParse = { ok: true; value: unknown } | { ok: false; error: FieldParseError }

const INT = /^-?\d+$/
const splitList = (t: string): string[] => t.split(/[\s,×x*]+/i).filter((p) => p.length > 0)

/** Shows a parameter value as editable text (the inverse of {@link parseField}). */
export function formatField(type: FieldType, value: unknown): string {
  if (value === undefined || value === null) return ''
  if (Array.isArray(value)) return value.join(', ')
  return String(value)
}

/**
 * Parses what was typed into a field of `type`. Empty text gives `undefined` (the default) for
 * optional fields and nullable ones, and an error otherwise.
 */
export function parseField(type: FieldType, text: string, optional = false): FieldParse {
  const t = text.trim()
  if (type === 'bool') return { ok: true, value: t === 'true' }
  if (FIELD_OPTIONS[type]) {
    return FIELD_OPTIONS[type]!.includes(t) ? { ok: true, value: t } : { ok: false, error: { key: 'choice', params: { value: t } } }
  }
  if (t === '') {
    if (optional || type === 'nullableInt' || type === 'nullableSize2d') return { ok: true, value: undefined }
    return { ok: false, error: { key: 'required' } }
  }
  switch (type) {
    case 'int':
    case 'nullableInt':
      return INT.test(t) ? { ok: true, value: Number(t) } : { ok: false, error: { key: 'notInteger', params: { value: t } } }
    case 'number': {
      const n = Number(t)
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, error: { key: 'notNumber', params: { value: t } } }
    }
    case 'size2d':
    case 'nullableSize2d': {
      const parts = splitList(t)
      if (parts.length < 1 || parts.length > 2 || !parts.every((p) => INT.test(p))) return { ok: false, error: { key: 'size2d', params: { value: t } } }
      const nums = parts.map(Number)
      return { ok: true, value: nums.length === 1 || nums[0] === nums[1] ? nums[0] : [nums[0], nums[1]] }
    }
    case 'intList': {
      const parts = t.replace(/^\[|\]$/g, '').split(/[\s,×]+/).filter((p) => p.length > 0)
      if (parts.length === 0 || !parts.every((p) => INT.test(p))) return { ok: false, error: { key: 'intList', params: { value: t } } }
      return { ok: true, value: parts.map(Number) }
    }
    default:
      return { ok: false, error: { key: 'required' } }
  }
}

/**
 * A short line of a layer's key settings for the stack ("32 · 3×3 · relu"), from its effective
 * parameters (`get` reads a parameter with its default).
 */
export function layerSummary(kind: LayerKind, get: (key: string) => unknown): string {
  const size = (v: unknown): string => (Array.isArray(v) ? v.join('×') : `${String(v)}×${String(v)}`)
  const act = (): string => (get('activation') === 'linear' ? '' : String(get('activation')))
  const parts: string[] = []
  switch (kind) {
    case 'Input': { const s = get('shape'); parts.push(Array.isArray(s) ? s.join('×') : 'dataset'); break }
    case 'Dense': parts.push(String(get('units')), act()); break
    case 'Conv1D': parts.push(String(get('filters')), `k${String(get('kernelSize'))}`, get('strides') === 1 ? '' : `s${String(get('strides'))}`, get('padding') === 'same' ? 'same' : '', act()); break
    case 'Conv2D': parts.push(String(get('filters')), size(get('kernelSize')), get('strides') === 1 ? '' : `/${String(get('strides'))}`, get('padding') === 'same' ? 'same' : '', act()); break
    case 'DepthwiseConv2D': parts.push(size(get('kernelSize')), `×${String(get('depthMultiplier'))}`, act()); break
    case 'MaxPooling1D': case 'AveragePooling1D': parts.push(String(get('poolSize'))); break
    case 'MaxPooling2D': case 'AveragePooling2D': parts.push(size(get('poolSize'))); break
    case 'Reshape': { const s = get('targetShape'); parts.push(Array.isArray(s) ? s.join('×') : ''); break }
    case 'Dropout': parts.push(String(get('rate'))); break
    case 'Activation': parts.push(String(get('activation'))); break
    case 'Embedding': parts.push(`${String(get('inputDim'))}→${String(get('outputDim'))}`); break
    case 'LSTM': case 'GRU': parts.push(String(get('units')), get('returnSequences') ? 'seq' : ''); break
    case 'Concatenate': parts.push(get('axis') === -1 ? '' : `axis ${String(get('axis'))}`); break
    default: break
  }
  return parts.filter((p) => p !== '').join(' · ')
}
