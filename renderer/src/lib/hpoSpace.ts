/**
 * The search-space editor as plain data: one row per parameter with its fields as typed, checked
 * row by row into a {@link SearchSpace} (main/hpo/space.ts, the JSON a study saves) or into
 * per-field messages (i18n key under `hpo.space.errors` + params), so each row shows what is wrong
 * with which field. The saved space is then re-checked by the core's `validateSearchSpace`, whose
 * messages are shown as-is if anything slips past the row checks.
 */
import {
  cardinality, validateSearchSpace,
  type ParamSpec, type ParamValue, type SearchSpace
} from '../../../main/hpo/space'

export type ParamKind = ParamSpec['kind']
export const PARAM_KINDS: readonly ParamKind[] = ['float', 'int', 'discrete', 'categorical']

/** One editor row: every field as the user typed it. */
export interface SpaceRow {
  /** Stable key for v-for (not saved). */
  key: number
  name: string
  kind: ParamKind
  low: string
  high: string
  /** Float: optional quantization; int: grid step (empty = 1). */
  step: string
  log: boolean
  /** Discrete numbers or categorical choices, comma separated. */
  values: string
  /** Name of the categorical this row depends on; '' = always active. */
  whenParent: string
  /** Values of the parent for which this row is active, comma separated. */
  whenValues: string
}

export type RowField = 'name' | 'low' | 'high' | 'step' | 'log' | 'values' | 'whenParent' | 'whenValues'
/** An i18n key under `hpo.space.errors` plus interpolation params. */
export interface RowError { key: string; params?: Record<string, string | number> }
export type RowErrors = Partial<Record<RowField, RowError>>

/**
 * Run-configuration paths offered as suggestions in the name field (any dotted path is accepted;
 * the study's creation checks that the sampled configuration is a valid run configuration).
 * `model.layers` / `model.units` are the coordinator's shorthand for an MLP of `layers` equal
 * hidden layers of `units` each.
 */
export const PATH_SUGGESTIONS: readonly string[] = [
  'learningRate', 'batchSize', 'epochs', 'optimizer', 'model.layers', 'model.units', 'model.activation',
  'model.hidden.0', 'model.hidden.1', 'model.hidden.2', 'model.filters.0', 'model.filters.1', 'model.denseUnits'
]

const PATH_RE = /^[A-Za-z_$][\w$]*(\.[\w$]+)*$/
let nextKey = 1

/** A blank row of `kind` (float 0–1 by default). */
export function newRow(kind: ParamKind = 'float', name = ''): SpaceRow {
  const r: SpaceRow = { key: nextKey++, name, kind, low: '', high: '', step: '', log: false, values: '', whenParent: '', whenValues: '' }
  if (kind === 'float') { r.low = '0'; r.high = '1' }
  if (kind === 'int') { r.low = '1'; r.high = '10' }
  return r
}

/** Splits "a, b ,c" into trimmed non-empty parts. */
export function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
}

/**
 * A categorical choice or condition value as typed: numbers and true/false become numbers and
 * booleans (so `model.layers` ∈ {2, 3} writes numbers into the run configuration), anything else
 * stays a string; quotes force a string ("'2'").
 */
export function parseChoice(text: string): ParamValue {
  const s = text.trim()
  const quoted = /^(['"])(.*)\1$/.exec(s)
  if (quoted) return quoted[2] as string
  if (s === 'true') return true
  if (s === 'false') return false
  if (s !== '' && Number.isFinite(Number(s))) return Number(s)
  return s
}

/** How a choice prints in the editor (inverse of {@link parseChoice}). */
export function formatChoice(v: ParamValue): string {
  if (typeof v === 'string' && (v === 'true' || v === 'false' || (v.trim() !== '' && Number.isFinite(Number(v))))) return `'${v}'`
  return String(v)
}

function num(text: string, field: RowField, errors: RowErrors, integer: boolean): number | undefined {
  const s = text.trim()
  if (s === '') { errors[field] = { key: 'required' }; return undefined }
  const n = Number(s)
  if (!Number.isFinite(n)) { errors[field] = { key: 'notNumber', params: { value: s } }; return undefined }
  if (integer && !Number.isInteger(n)) { errors[field] = { key: 'notInteger', params: { value: s } }; return undefined }
  return n
}

/**
 * Checks one row against the rows before it (names must be unique; a condition's parent must be
 * an earlier categorical row) and builds its parameter. Returns the errors (empty object = fine)
 * and the parameter when the row is valid.
 */
export function checkRow(row: SpaceRow, earlier: readonly SpaceRow[]): { param?: ParamSpec; errors: RowErrors } {
  const errors: RowErrors = {}
  const name = row.name.trim()
  if (name === '') errors.name = { key: 'nameRequired' }
  else if (!PATH_RE.test(name)) errors.name = { key: 'namePath', params: { name } }
  else if (earlier.some((r) => r.name.trim() === name)) errors.name = { key: 'nameDuplicate', params: { name } }
  else {
    const overlap = earlier.find((r) => r.name.trim() !== '' && (r.name.trim().startsWith(name + '.') || name.startsWith(r.name.trim() + '.')))
    if (overlap) errors.name = { key: 'nameOverlap', params: { name, other: overlap.name.trim() } }
  }

  let param: ParamSpec | undefined
  switch (row.kind) {
    case 'float':
    case 'int': {
      const isInt = row.kind === 'int'
      const low = num(row.low, 'low', errors, isInt)
      const high = num(row.high, 'high', errors, isInt)
      let step: number | undefined
      if (row.step.trim() !== '') {
        step = num(row.step, 'step', errors, isInt)
        if (step !== undefined && !(step > 0)) { errors.step = { key: 'stepPositive', params: { step } }; step = undefined }
      }
      if (low !== undefined && high !== undefined && !(low <= high)) errors.high = { key: 'lowAboveHigh', params: { low, high } }
      if (row.log && low !== undefined && !(low > 0)) errors.low = { key: 'logNeedsPositive', params: { low } }
      if (row.log && step !== undefined && !(isInt && step === 1)) errors.step = { key: isInt ? 'logStepInt' : 'logStepFloat' }
      if (low !== undefined && high !== undefined && step !== undefined && !errors.high && !errors.step) {
        const n = (high - low) / step
        if (Math.abs(n - Math.round(n)) > 1e-9 * Math.max(1, n)) errors.step = { key: 'stepGrid', params: { step, low, high, last: Number((low + Math.floor(n + 1e-9) * step).toPrecision(12)) } }
      }
      if (low !== undefined && high !== undefined && Object.keys(errors).filter((k) => k !== 'name').length === 0) {
        // An integer step of 1 is the default: left out, so a log-scale int saves without a step.
        param = { name, kind: row.kind, low, high, ...(row.log ? { log: true } : {}), ...(step !== undefined && !(isInt && step === 1) ? { step } : {}) }
      }
      break
    }
    case 'discrete': {
      const parts = splitList(row.values)
      if (parts.length === 0) { errors.values = { key: 'valuesRequired' }; break }
      const bad = parts.find((p) => !Number.isFinite(Number(p)))
      if (bad !== undefined) { errors.values = { key: 'valueNotNumber', params: { value: bad } }; break }
      const values = parts.map(Number)
      const dup = values.find((v, i) => values.indexOf(v) !== i)
      if (dup !== undefined) { errors.values = { key: 'valueDuplicate', params: { value: dup } }; break }
      param = { name, kind: 'discrete', values }
      break
    }
    case 'categorical': {
      const parts = splitList(row.values)
      if (parts.length === 0) { errors.values = { key: 'choicesRequired' }; break }
      const choices = parts.map(parseChoice)
      const dup = choices.find((v, i) => choices.indexOf(v) !== i)
      if (dup !== undefined) { errors.values = { key: 'valueDuplicate', params: { value: String(dup) } }; break }
      param = { name, kind: 'categorical', choices }
      break
    }
  }

  const parentName = row.whenParent.trim()
  if (parentName !== '' && param) {
    const parent = earlier.find((r) => r.name.trim() === parentName)
    if (!parent) errors.whenParent = { key: 'parentUnknown', params: { parent: parentName } }
    else if (parent.kind !== 'categorical') errors.whenParent = { key: 'parentNotCategorical', params: { parent: parentName } }
    else {
      const choices = splitList(parent.values).map(parseChoice)
      const vals = splitList(row.whenValues).map(parseChoice)
      if (vals.length === 0) errors.whenValues = { key: 'whenValuesRequired', params: { parent: parentName } }
      else {
        const missing = vals.find((v) => !choices.includes(v))
        if (missing !== undefined) errors.whenValues = { key: 'whenValueUnknown', params: { value: String(missing), parent: parentName, choices: choices.map(String).join(', ') } }
        else param = { ...param, when: { parent: parentName, values: vals } }
      }
    }
  }
  if (Object.keys(errors).length > 0) return { errors }
  return { param, errors }
}

/** What {@link rowsToSpace} returns: the space when every row is fine, else per-row errors. */
export interface SpaceCheck {
  space: SearchSpace | null
  /** Errors per row, same order as the rows (empty objects for fine rows). */
  rowErrors: RowErrors[]
  /** Errors about the whole space: i18n keys (`empty`) or the core validator's own messages. */
  spaceErrors: RowError[]
}

/** Checks every row and, when all are fine, the assembled space with the core's validator. */
export function rowsToSpace(rows: readonly SpaceRow[]): SpaceCheck {
  const rowErrors = rows.map((r, i) => checkRow(r, rows.slice(0, i)).errors)
  if (rows.length === 0) return { space: null, rowErrors, spaceErrors: [{ key: 'empty' }] }
  if (rowErrors.some((e) => Object.keys(e).length > 0)) return { space: null, rowErrors, spaceErrors: [] }
  const space: SearchSpace = { params: rows.map((r, i) => checkRow(r, rows.slice(0, i)).param as ParamSpec) }
  const core = validateSearchSpace(space)
  if (core.length) return { space: null, rowErrors, spaceErrors: core.map((message) => ({ key: 'core', params: { message } })) }
  return { space, rowErrors, spaceErrors: [] }
}

/** Editor rows for a saved space (e.g. to edit a copy of a study's space). */
export function spaceToRows(space: SearchSpace): SpaceRow[] {
  return space.params.map((p) => {
    const r = newRow(p.kind, p.name)
    if (p.kind === 'float' || p.kind === 'int') {
      r.low = String(p.low)
      r.high = String(p.high)
      r.log = p.log === true
      r.step = p.step !== undefined ? String(p.step) : ''
    } else if (p.kind === 'discrete') r.values = p.values.join(', ')
    else r.values = p.choices.map(formatChoice).join(', ')
    if (p.when) {
      r.whenParent = p.when.parent
      r.whenValues = p.when.values.map(formatChoice).join(', ')
    }
    return r
  })
}

/** Categorical rows before `index` that can be a condition's parent. */
export function parentCandidates(rows: readonly SpaceRow[], index: number): string[] {
  return rows.slice(0, index).filter((r) => r.kind === 'categorical' && r.name.trim() !== '').map((r) => r.name.trim())
}

/**
 * Grid size of the space (product of cardinalities, continuous floats counted as
 * `pointsPerContinuous`), for the grid sampler's hint; Infinity past 1e9.
 */
export function gridSize(space: SearchSpace, pointsPerContinuous = 5): number {
  let n = 1
  for (const p of space.params) {
    const c = cardinality(p)
    n *= Number.isFinite(c) ? c : pointsPerContinuous
    if (n > 1e9) return Infinity
  }
  return n
}

/**
 * The tutorial's search space (GPyOpt's MNIST MLP example): learning rate 0.01–0.5, 2 or 3
 * layers of 30 or 60 units, batch 500, 1000 or 2000.
 */
export function tutorialRows(): SpaceRow[] {
  return spaceToRows(TUTORIAL_SPACE)
}

export const TUTORIAL_SPACE: SearchSpace = {
  params: [
    { name: 'learningRate', kind: 'float', low: 0.01, high: 0.5 },
    { name: 'model.layers', kind: 'discrete', values: [2, 3] },
    { name: 'model.units', kind: 'discrete', values: [30, 60] },
    { name: 'batchSize', kind: 'discrete', values: [500, 1000, 2000] }
  ]
}
