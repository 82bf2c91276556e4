/**
 * The New Run form as plain data: string fields as typed by the user, validated into a
 * `RunConfigInput` or a map of field → message key (+ params) for inline, specific errors.
 */
import type { RunConfigInput } from '../../../preload/contract/channels'
import type {
  Activation, BackendPreference, DatasetSummary, ModelTemplateId, ModelTemplateInfo, Optimizer
} from '../../../preload/contract/types'
import { analyzeGraph, type GraphSpec } from '../../../preload/contract/model'
import { defaultRunConfig } from './runDefaults'
import { datasetInfo } from './graphEdit'

export interface RunForm {
  datasetId: string
  template: ModelTemplateId
  hidden: string
  activation: Activation
  filters: string
  denseUnits: string
  optimizer: Optimizer
  learningRate: string
  batchSize: string
  epochs: string
  seed: string
  backend: BackendPreference
  name: string
}

export type FormField = keyof RunForm
/** An i18n key under `form.errors` plus its interpolation params. */
export interface FieldError { key: string; params?: Record<string, string | number> }
export type FormErrors = Partial<Record<FormField, FieldError>>

/** Optimizers the form offers (`momentum`, issue 2's SGD with momentum 0.9, stays valid but is not offered). */
export const OPTIMIZERS: readonly Optimizer[] = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad']
const VALID_OPTIMIZERS: readonly Optimizer[] = [...OPTIMIZERS, 'momentum']

/** A composed graph to train instead of a template (from the composer or a saved model version). */
export interface GraphChoice { spec: GraphSpec; modelId?: string; modelVersion?: number }
export const ACTIVATIONS: readonly Activation[] = ['relu', 'tanh', 'sigmoid', 'elu', 'selu', 'linear']
export const BACKENDS: readonly BackendPreference[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']

/** A form filled with the one-click defaults for `ds`. */
export function formFromDataset(ds: DatasetSummary): RunForm {
  const c = defaultRunConfig(ds)
  return {
    datasetId: ds.id,
    template: c.model.template,
    hidden: (c.model.hidden ?? [64, 64]).join(','),
    activation: c.model.activation ?? 'relu',
    filters: (c.model.filters ?? [16, 32]).join(','),
    denseUnits: String(c.model.denseUnits ?? 64),
    optimizer: c.optimizer,
    learningRate: String(c.learningRate),
    batchSize: String(c.batchSize),
    epochs: String(c.epochs),
    seed: String(c.seed),
    backend: 'auto',
    name: ''
  }
}

/** Templates that accept the dataset's input rank (cnn only for images). */
export function templatesFor(ds: DatasetSummary | undefined, templates: readonly ModelTemplateInfo[]): ModelTemplateId[] {
  if (!ds) return templates.map((t) => t.id)
  return templates.filter((t) => t.inputRanks.includes(ds.inputShape.length)).map((t) => t.id)
}

/** Parses "64, 64" into [64, 64]; returns an error for anything else. */
export function parseSizeList(text: string, maxLayers: number, maxUnits: number): number[] | FieldError {
  const parts = text.split(/[\s,]+/).filter((p) => p.length > 0)
  if (parts.length === 0) return { key: 'sizesEmpty' }
  if (parts.length > maxLayers) return { key: 'sizesTooMany', params: { max: maxLayers } }
  const out: number[] = []
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return { key: 'sizesNotInt', params: { value: p } }
    const n = Number(p)
    if (n < 1 || n > maxUnits) return { key: 'sizesRange', params: { value: p, max: maxUnits } }
    out.push(n)
  }
  return out
}

function parseIntField(text: string, min: number, max: number): number | FieldError {
  const t = text.trim()
  if (t === '') return { key: 'required' }
  if (!/^-?\d+$/.test(t)) return { key: 'notInteger', params: { value: t } }
  const n = Number(t)
  if (n < min || n > max) return { key: 'range', params: { min, max } }
  return n
}

function isError(v: unknown): v is FieldError {
  return typeof v === 'object' && v !== null && 'key' in v
}

/** Validates the form against the dataset list and templates. */
export function validateRunForm(
  f: RunForm,
  datasets: readonly DatasetSummary[],
  templates: readonly ModelTemplateInfo[],
  graph?: GraphChoice | null
): { config: RunConfigInput; errors: null } | { config: null; errors: FormErrors } {
  const errors: FormErrors = {}
  const ds = datasets.find((d) => d.id === f.datasetId)
  if (!f.datasetId) errors.datasetId = { key: 'datasetRequired' }
  else if (!ds) errors.datasetId = { key: 'datasetUnknown', params: { id: f.datasetId } }

  const tpl = templates.find((t) => t.id === f.template)
  let model: RunConfigInput['model'] = { template: f.template }
  if (graph) {
    // A composed model: it must pass the same analysis main runs before the run may start.
    const a = analyzeGraph(graph.spec, ds ? datasetInfo(ds) : undefined)
    const e = a.errors[0]
    if (e) errors.template = { key: 'graphInvalid', params: { message: `${e.nodeId ? `${e.nodeId}: ` : ''}${e.message}` } }
    model = { kind: 'graph', graph: graph.spec, ...(graph.modelId ? { modelId: graph.modelId } : {}), ...(graph.modelVersion ? { modelVersion: graph.modelVersion } : {}) }
  } else if (!tpl) errors.template = { key: 'templateUnknown', params: { id: f.template } }
  else if (ds && !tpl.inputRanks.includes(ds.inputShape.length)) {
    errors.template = { key: ds.inputShape.length === 3 ? 'templateNotForImages' : 'templateNeedsImages', params: { template: f.template } }
  }

  // The template knobs apply to template models only.
  if (f.template === 'mlp' && 'template' in model) {
    const h = parseSizeList(f.hidden, 8, 4096)
    if (isError(h)) errors.hidden = h
    else model.hidden = h
    model.activation = f.activation
  } else if (f.template === 'cnn' && 'template' in model) {
    const fl = parseSizeList(f.filters, 4, 512)
    if (isError(fl)) errors.filters = fl
    else model.filters = fl
    const du = parseIntField(f.denseUnits, 1, 4096)
    if (isError(du)) errors.denseUnits = du
    else model.denseUnits = du
    model.activation = f.activation
  }

  const lrText = f.learningRate.trim()
  const lr = Number(lrText)
  if (lrText === '') errors.learningRate = { key: 'required' }
  else if (!Number.isFinite(lr)) errors.learningRate = { key: 'notNumber', params: { value: lrText } }
  else if (lr <= 0 || lr > 10) errors.learningRate = { key: 'lrRange' }

  const batch = parseIntField(f.batchSize, 1, 65536)
  if (isError(batch)) errors.batchSize = batch
  else if (ds && batch > ds.trainSize) errors.batchSize = { key: 'batchTooLarge', params: { max: ds.trainSize } }

  const epochs = parseIntField(f.epochs, 1, 10000)
  if (isError(epochs)) errors.epochs = epochs
  const seed = parseIntField(f.seed, 0, 2 ** 31 - 1)
  if (isError(seed)) errors.seed = seed
  if (f.name.length > 120) errors.name = { key: 'nameTooLong', params: { max: 120 } }
  if (!VALID_OPTIMIZERS.includes(f.optimizer)) errors.optimizer = { key: 'required' }

  if (Object.keys(errors).length > 0 || isError(batch) || isError(epochs) || isError(seed)) {
    return { config: null, errors }
  }
  const config: RunConfigInput = {
    datasetId: f.datasetId,
    model,
    optimizer: f.optimizer,
    learningRate: lr,
    batchSize: batch,
    epochs,
    seed,
    backend: f.backend
  }
  const name = f.name.trim()
  if (name) config.name = name
  return { config, errors: null }
}
