/**
 * The import dialog's form: built from what `datasets:inspect` detected, edited as strings (so a
 * half-typed number stays on screen), validated into `ImportOptions` with one specific message per
 * field (an i18n key under `import.errors` and its parameters). Pure: unit-tested in Node.
 */
import type {
  ColorMode, ColumnType, DatasetFormat, ImportOptions, InspectResult, Task
} from '../../../preload/contract/types'

export type Encoding = 'onehot' | 'index'
export type Scaling = 'standardize' | 'minmax' | 'none'
export type MissingPolicy = 'drop' | 'fill' | 'fail'

export interface ColumnForm {
  name: string
  /** What detection guessed (to send only what the person changed). */
  detected: ColumnType
  type: ColumnType
  ignore: boolean
  encoding: Encoding
  /** '' = the dataset-wide policy. */
  missing: '' | MissingPolicy
  /** Missing cells among the sampled rows (from inspect). */
  missingCount: number
  distinct: number
  samples: string[]
}

export interface ImportForm {
  name: string
  description: string
  format: DatasetFormat
  target: string
  task: Task
  columns: ColumnForm[]
  scaling: Scaling
  missing: MissingPolicy
  imageWidth: string
  imageHeight: string
  colorMode: ColorMode
  useOfficialSplit: boolean
  splitTrain: string
  splitVal: string
  splitTest: string
  seed: string
}

export type ImportField =
  | 'name' | 'description' | 'target' | 'task' | 'columns' | 'imageWidth' | 'imageHeight'
  | 'split' | 'seed'

export interface FieldError { key: string; params?: Record<string, string | number> }
export type ImportErrors = Partial<Record<ImportField, FieldError>>

/** Whether the source is a table (columns to type, a target to pick) or images / tensors. */
export function isTabular(ins: Pick<InspectResult, 'format'>): boolean {
  return ins.format === 'csv' || ins.format === 'jsonl'
}

/** The form as detection proposes it: 80/10/10 (or the official split), seed 42. */
export function formFromInspect(ins: InspectResult): ImportForm {
  const official = ins.officialSplit
  return {
    name: ins.suggestedName.slice(0, 120),
    description: '',
    format: ins.format,
    target: ins.proposedTarget ?? '',
    task: ins.proposedTask,
    columns: ins.columns.map((c) => ({
      name: c.name, detected: c.type, type: c.type, ignore: c.type === 'text', encoding: 'onehot',
      missing: '', missingCount: c.missing, distinct: c.distinct, samples: c.samples
    })),
    scaling: 'standardize',
    missing: 'fill',
    imageWidth: String(ins.images?.defaultWidth ?? ''),
    imageHeight: String(ins.images?.defaultHeight ?? ''),
    colorMode: ins.images?.colorMode ?? 'rgb',
    useOfficialSplit: official,
    // With an official train/test split, only validation is carved out of train.
    splitTrain: official ? '90' : '80',
    splitVal: '10',
    splitTest: official ? '0' : '10',
    seed: '42'
  }
}

function intIn(raw: string, min: number, max: number): { value?: number; error?: FieldError } {
  const s = raw.trim()
  if (s === '') return { error: { key: 'required' } }
  if (!/^-?\d+$/.test(s)) return { error: { key: 'notInteger', params: { value: s } } }
  const v = Number(s)
  if (v < min || v > max) return { error: { key: 'range', params: { min, max } } }
  return { value: v }
}

/**
 * Validates the form against what was inspected. Returns the options to send (only what differs
 * from a default is left implicit where the backend's default is the same) or the errors.
 */
export function validateImportForm(form: ImportForm, ins: InspectResult): { options: ImportOptions | null; errors: ImportErrors } {
  const errors: ImportErrors = {}
  const name = form.name.trim()
  if (!name) errors.name = { key: 'nameRequired' }
  else if (name.length > 120) errors.name = { key: 'nameTooLong', params: { max: 120 } }
  if (form.description.length > 2000) errors.description = { key: 'descriptionTooLong', params: { max: 2000 } }

  const tabular = isTabular(form)
  if (tabular) {
    const target = form.columns.find((c) => c.name === form.target)
    if (!form.target) errors.target = { key: 'targetRequired' }
    else if (!target) errors.target = { key: 'targetUnknown', params: { name: form.target } }
    else if (target.ignore) errors.target = { key: 'targetIgnored', params: { name: target.name } }
    else if (form.task === 'regression' && target.type !== 'numeric') {
      errors.task = { key: 'regressionNeedsNumeric', params: { name: target.name, type: target.type } }
    } else if (form.task === 'classification' && target.distinct < 2 && target.samples.length > 0) {
      errors.target = { key: 'targetSingleValue', params: { name: target.name } }
    } else if (form.task === 'classification' && target.type === 'numeric' && target.distinct > 100) {
      errors.task = { key: 'tooManyClasses', params: { name: target.name, n: target.distinct } }
    }
    const features = form.columns.filter((c) => c.name !== form.target && !c.ignore)
    if (features.length === 0) errors.columns = { key: 'noFeatures' }
    else {
      const text = features.find((c) => c.type === 'text')
      if (text) errors.columns = { key: 'textFeature', params: { name: text.name } }
    }
  }

  let width: number | undefined
  let height: number | undefined
  if (ins.images) {
    const w = intIn(form.imageWidth, 4, 512)
    const h = intIn(form.imageHeight, 4, 512)
    if (w.error) errors.imageWidth = w.error
    if (h.error) errors.imageHeight = h.error
    width = w.value
    height = h.value
  }

  const useOfficial = ins.officialSplit && form.useOfficialSplit
  const sp = validateSplit(form.splitTrain, form.splitVal, useOfficial ? '0' : form.splitTest, form.seed)
  if (sp.errors.split) errors.split = sp.errors.split
  if (sp.errors.seed) errors.seed = sp.errors.seed

  if (Object.keys(errors).length > 0) return { options: null, errors }

  const options: ImportOptions = { name, seed: sp.value!.seed, split: sp.value!.split }
  if (form.description.trim()) options.description = form.description.trim()
  if (form.format !== ins.format) options.format = form.format
  if (ins.officialSplit) options.useOfficialSplit = form.useOfficialSplit
  if (tabular) {
    options.target = form.target
    options.task = form.task
    options.scaling = form.scaling
    options.missing = form.missing
    options.columns = form.columns.map((c) => {
      const o: NonNullable<ImportOptions['columns']>[number] = { name: c.name }
      if (c.type !== c.detected) o.type = c.type
      if (c.ignore) o.ignore = true
      if (c.type === 'categorical' || c.type === 'boolean') o.encoding = c.encoding
      if (c.missing) o.missing = c.missing
      return o
    })
  }
  if (ins.images) options.image = { width, height, colorMode: form.colorMode }
  return { options, errors }
}

/**
 * Train / validation / test percentages and a seed, as typed: whole numbers, train ≥ 1, summing to
 * 100, seed in [0, 2³¹ − 1]. Shared by the import dialog and "Resplit…".
 */
export function validateSplit(train: string, val: string, test: string, seed: string): {
  value: { split: { train: number; val: number; test: number }; seed: number } | null
  errors: { split?: FieldError; seed?: FieldError }
} {
  const errors: { split?: FieldError; seed?: FieldError } = {}
  const tr = intIn(train, 1, 100)
  const va = intIn(val, 0, 99)
  const te = intIn(test, 0, 99)
  const e = tr.error ?? va.error ?? te.error
  if (e) errors.split = e.key === 'range' ? { key: 'splitRange' } : e
  else if (tr.value! + va.value! + te.value! !== 100) errors.split = { key: 'splitSum', params: { sum: tr.value! + va.value! + te.value! } }
  const sd = intIn(seed, 0, 2 ** 31 - 1)
  if (sd.error) errors.seed = sd.error
  if (errors.split || errors.seed) return { value: null, errors }
  return { value: { split: { train: tr.value!, val: va.value!, test: te.value! }, seed: sd.value! }, errors }
}

/** Expected examples per split for `count` examples (the preview under the split inputs). */
export function splitSizes(count: number, train: number, val: number, test: number): { train: number; val: number; test: number } {
  const tr = Math.round((count * train) / 100)
  const va = Math.round((count * val) / 100)
  return { train: tr, val: va, test: test === 0 ? 0 : Math.max(0, count - tr - va) }
}

/** Seconds as "12 s", "3 min 05 s", "1 h 02 min" (the import ETA); null or non-finite → "—". */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '—'
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`
}

/** A rate with a compact count: 850, 12.3k, 4.5M (units are added by the caller's string). */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '0'
  if (perSecond < 1000) return perSecond < 10 ? perSecond.toFixed(1) : String(Math.round(perSecond))
  if (perSecond < 1e6) return `${(perSecond / 1e3).toFixed(perSecond < 1e4 ? 1 : 0)}k`
  return `${(perSecond / 1e6).toFixed(1)}M`
}
