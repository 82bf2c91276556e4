import { z } from 'zod'

/**
 * Search spaces: what a study may vary, how each parameter is validated, saved, encoded into the
 * unit hypercube for the model-based samplers, and written back into a run configuration.
 *
 * Parameter names are dotted paths into the run configuration ("learningRate",
 * "model.hidden.0", "optimizer.beta1"), so a sampled configuration applies with
 * {@link applyParams} and no per-parameter glue code.
 */

/** A sampled parameter value: numbers for float/int/discrete, any choice for categorical. */
export type ParamValue = number | string | boolean

/** One configuration: dotted path → value. Holds only the parameters active for it. */
export type Params = Record<string, ParamValue>

/** A parameter exists only when the categorical `parent` took one of `values`. */
export interface Condition {
  parent: string
  values: ParamValue[]
}

interface ParamBase {
  /** Dotted path into the run configuration; unique in the space. */
  name: string
  /** Present ⇒ the parameter is conditional on a categorical declared earlier in the space. */
  when?: Condition
}

/** A real number in [low, high]; `log` samples uniformly in log space; `step` quantizes. */
export interface FloatParam extends ParamBase {
  kind: 'float'
  low: number
  high: number
  log?: boolean
  step?: number
}

/** An integer in [low, high] on the grid low + k·step (step defaults to 1); `log` needs step 1. */
export interface IntParam extends ParamBase {
  kind: 'int'
  low: number
  high: number
  step?: number
  log?: boolean
}

/** One of an explicit list of numbers, ordered (e.g. batch size 500, 1000, 2000). */
export interface DiscreteParam extends ParamBase {
  kind: 'discrete'
  values: number[]
}

/** One of unordered choices (strings, numbers or booleans), e.g. optimizer or activation. */
export interface CategoricalParam extends ParamBase {
  kind: 'categorical'
  choices: ParamValue[]
}

/** Any parameter of a search space. */
export type ParamSpec = FloatParam | IntParam | DiscreteParam | CategoricalParam

/**
 * A search space: parameters in declaration order. A conditional parameter's parent comes
 * before it, so walking the list in order always decides a parent before its children.
 */
export interface SearchSpace {
  params: ParamSpec[]
}

const valueSchema = z.union([z.number(), z.string(), z.boolean()])
const conditionSchema = z.object({ parent: z.string(), values: z.array(valueSchema).min(1) })
const base = { name: z.string(), when: conditionSchema.optional() }

/**
 * The zod schema of a saved search space (the JSON a study stores and the UI edits). It checks
 * shapes only; {@link parseSearchSpace} adds the semantic checks of {@link validateSearchSpace}.
 */
export const searchSpaceSchema = z.object({
  params: z.array(
    z.discriminatedUnion('kind', [
      z.object({ ...base, kind: z.literal('float'), low: z.number(), high: z.number(), log: z.boolean().optional(), step: z.number().optional() }),
      z.object({ ...base, kind: z.literal('int'), low: z.number(), high: z.number(), log: z.boolean().optional(), step: z.number().optional() }),
      z.object({ ...base, kind: z.literal('discrete'), values: z.array(z.number()) }),
      z.object({ ...base, kind: z.literal('categorical'), choices: z.array(valueSchema) })
    ])
  )
})

const PATH_RE = /^[A-Za-z_$][\w$]*(\.[\w$]+)*$/

/**
 * Every problem with a space, one message each, prefixed with the parameter name — e.g.
 * `learningRate: low 0 must be > 0 for a log scale`. Empty when the space is usable. Called by
 * the UI on each edit and by {@link parseSearchSpace} before a study starts.
 */
export function validateSearchSpace(space: SearchSpace): string[] {
  const errors: string[] = []
  const seen = new Map<string, ParamSpec>()
  if (space.params.length === 0) errors.push('the search space has no parameters')
  for (const p of space.params) {
    const n = p.name || '(unnamed)'
    const err = (m: string): void => {
      errors.push(`${n}: ${m}`)
    }
    if (!p.name) errors.push('a parameter has an empty name')
    else if (!PATH_RE.test(p.name)) err('name must be a dotted path like "model.hidden.0"')
    if (seen.has(p.name)) err('duplicate parameter name')
    for (const other of seen.keys()) {
      if (other.startsWith(p.name + '.') || p.name.startsWith(other + '.')) err(`path overlaps with "${other}"`)
    }
    switch (p.kind) {
      case 'float':
      case 'int': {
        if (!Number.isFinite(p.low)) err(`low ${p.low} must be a finite number`)
        if (!Number.isFinite(p.high)) err(`high ${p.high} must be a finite number`)
        if (p.kind === 'int' && (!Number.isInteger(p.low) || !Number.isInteger(p.high))) err(`low ${p.low} and high ${p.high} must be integers`)
        if (!(p.low <= p.high)) err(`low ${p.low} must be ≤ high ${p.high}`)
        if (p.log && !(p.low > 0)) err(`low ${p.low} must be > 0 for a log scale`)
        if (p.step !== undefined) {
          if (!(p.step > 0) || !Number.isFinite(p.step)) err(`step ${p.step} must be > 0`)
          else if (p.kind === 'int' && !Number.isInteger(p.step)) err(`step ${p.step} must be an integer`)
          if (p.log && !(p.kind === 'int' && p.step === 1)) err('a log scale cannot have a step (other than 1 for integers)')
        }
        break
      }
      case 'discrete': {
        if (p.values.length === 0) err('needs at least one value')
        if (p.values.some((v) => !Number.isFinite(v))) err('values must be finite numbers')
        if (new Set(p.values).size !== p.values.length) err('values must be distinct')
        break
      }
      case 'categorical': {
        if (p.choices.length === 0) err('needs at least one choice')
        if (new Set(p.choices).size !== p.choices.length) err('choices must be distinct')
        break
      }
    }
    if (p.when) {
      const parent = seen.get(p.when.parent)
      if (!parent) {
        const later = space.params.some((q) => q.name === p.when?.parent)
        err(later ? `parent "${p.when.parent}" must be declared before it` : `parent "${p.when.parent}" is not a parameter of the space`)
      } else if (parent.kind !== 'categorical') {
        err(`parent "${p.when.parent}" must be categorical`)
      } else {
        for (const v of p.when.values) if (!parent.choices.includes(v)) err(`condition value ${JSON.stringify(v)} is not a choice of "${parent.name}"`)
      }
    }
    if (p.name) seen.set(p.name, p)
  }
  return errors
}

/**
 * Parses saved or user-supplied JSON into a valid space; throws an Error listing every problem
 * (shape errors from zod, then the messages of {@link validateSearchSpace}). Called when a study
 * is created or loaded.
 */
export function parseSearchSpace(json: unknown): SearchSpace {
  const r = searchSpaceSchema.safeParse(json)
  if (!r.success) {
    throw new Error('invalid search space: ' + r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '))
  }
  const space = r.data as SearchSpace
  const errors = validateSearchSpace(space)
  if (errors.length) throw new Error('invalid search space: ' + errors.join('; '))
  return space
}

/** The JSON a study stores for its space (a plain copy; round-trips through {@link parseSearchSpace}). */
export function serializeSearchSpace(space: SearchSpace): string {
  return JSON.stringify(space)
}

/** Whether `p` is active given the values decided so far (unconditional parameters always are). */
export function isActive(p: ParamSpec, params: Params): boolean {
  if (!p.when) return true
  const v = params[p.when.parent]
  return v !== undefined && p.when.values.includes(v)
}

/** The parameters active in a complete configuration, in space order. */
export function activeParams(space: SearchSpace, params: Params): ParamSpec[] {
  return space.params.filter((p) => isActive(p, params))
}

/** Whether `value` is a legal value of `p` (in range, on the step grid, or one of the list). */
export function inDomain(p: ParamSpec, value: ParamValue): boolean {
  switch (p.kind) {
    case 'float':
      if (typeof value !== 'number' || !(value >= p.low && value <= p.high)) return false
      return p.step === undefined || isOnGrid(value, p.low, p.step)
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= p.low && value <= p.high && isOnGrid(value, p.low, p.step ?? 1)
    case 'discrete':
      return typeof value === 'number' && p.values.includes(value)
    case 'categorical':
      return p.choices.includes(value)
  }
}

function isOnGrid(v: number, low: number, step: number): boolean {
  const k = (v - low) / step
  return Math.abs(k - Math.round(k)) < 1e-9 * Math.max(1, Math.abs(k))
}

/**
 * Problems with a configuration against a space: missing active parameters, values out of the
 * domain, parameters present while inactive or unknown. Empty when valid. Called on enqueued
 * (warm-start) points and imported trials before they enter a study.
 */
export function checkParams(space: SearchSpace, params: Params): string[] {
  const errors: string[] = []
  const known = new Set(space.params.map((p) => p.name))
  for (const p of space.params) {
    const v = params[p.name]
    if (isActive(p, params)) {
      if (v === undefined) errors.push(`${p.name}: missing`)
      else if (!inDomain(p, v)) errors.push(`${p.name}: ${JSON.stringify(v)} is outside the parameter's domain`)
    } else if (v !== undefined) errors.push(`${p.name}: present although its condition on "${p.when?.parent}" does not hold`)
  }
  for (const k of Object.keys(params)) if (!known.has(k)) errors.push(`${k}: not a parameter of the space`)
  return errors
}

/** Number of distinct values of a finite parameter (int, stepped float, discrete, categorical); Infinity for a continuous float. */
export function cardinality(p: ParamSpec): number {
  switch (p.kind) {
    case 'float':
      return p.step === undefined ? (p.low === p.high ? 1 : Infinity) : Math.floor((p.high - p.low) / p.step + 1e-9) + 1
    case 'int':
      return Math.floor((p.high - p.low) / (p.step ?? 1)) + 1
    case 'discrete':
      return p.values.length
    case 'categorical':
      return p.choices.length
  }
}

/**
 * The internal continuous range of a numeric parameter, as the samplers see it: log-transformed
 * for log scales and widened by half a step on each side for quantized ones, so that a uniform
 * draw in this range rounds to every grid value with equal probability (as Optuna does).
 */
export function numericRange(p: FloatParam | IntParam): { low: number; high: number; step: number | undefined; log: boolean } {
  const step = p.kind === 'int' ? (p.step ?? 1) : p.step
  const log = p.log === true
  if (log) {
    const lo = p.kind === 'int' ? p.low - 0.5 : p.low
    const hi = p.kind === 'int' ? p.high + 0.5 : p.high
    return { low: Math.log(Math.max(lo, Number.MIN_VALUE)), high: Math.log(hi), step: undefined, log }
  }
  if (step !== undefined) {
    const last = p.low + (cardinality(p) - 1) * step
    return { low: p.low - step / 2, high: last + step / 2, step, log }
  }
  return { low: p.low, high: p.high, step: undefined, log }
}

/** Maps an internal value (see {@link numericRange}) back to a legal parameter value. */
export function fromInternal(p: FloatParam | IntParam, x: number): number {
  let v = p.log ? Math.exp(x) : x
  if (p.kind === 'int') {
    const step = p.step ?? 1
    v = p.low + Math.round((v - p.low) / step) * step
    const last = p.low + (cardinality(p) - 1) * step
    return Math.min(Math.max(v, p.low), last)
  }
  if (p.step !== undefined) {
    const last = p.low + (cardinality(p) - 1) * p.step
    v = p.low + Math.round((v - p.low) / p.step) * p.step
    v = Math.min(Math.max(v, p.low), last)
    // Trim binary noise (0.1 + 2·0.05 → 0.2) so values print and compare as the user typed them.
    return Number(v.toPrecision(12))
  }
  return Math.min(Math.max(v, p.low), p.high)
}

/** A parameter value's internal (log / continuous) coordinate; inverse of {@link fromInternal} on legal values. */
export function toInternal(p: FloatParam | IntParam, v: number): number {
  return p.log ? Math.log(v) : v
}

/**
 * A parameter value as a scalar in [0, 1]. Numeric parameters: position in their
 * {@link numericRange}; discrete lists and categoricals: the centre of their cell,
 * (index + ½) / count, so a uniform u maps back to every value with equal probability.
 */
export function toUnit(p: ParamSpec, v: ParamValue): number {
  if (p.kind === 'float' || p.kind === 'int') {
    const r = numericRange(p)
    return r.high === r.low ? 0.5 : (toInternal(p, v as number) - r.low) / (r.high - r.low)
  }
  const list: readonly ParamValue[] = p.kind === 'discrete' ? p.values : p.choices
  const i = list.indexOf(v)
  if (i < 0) throw new Error(`${p.name}: ${JSON.stringify(v)} is not one of its values`)
  return (i + 0.5) / list.length
}

/** Inverse of {@link toUnit}: any u in [0, 1] (clamped) to a legal value. */
export function fromUnit(p: ParamSpec, u: number): ParamValue {
  const c = Math.min(Math.max(u, 0), 1)
  if (p.kind === 'float' || p.kind === 'int') {
    const r = numericRange(p)
    return fromInternal(p, r.low + c * (r.high - r.low))
  }
  const list: readonly ParamValue[] = p.kind === 'discrete' ? p.values : p.choices
  return list[Math.min(list.length - 1, Math.floor(c * list.length))] as ParamValue
}

/** How {@link SpaceEncoder} represents categoricals: one column per choice, or one index column. */
export type CategoricalEncoding = 'onehot' | 'index'

/** One column range of an encoded vector and the parameter it belongs to. */
export interface EncodedColumn {
  param: ParamSpec
  /** First column of the parameter. */
  start: number
  /** Number of columns (choices for one-hot categoricals, else 1). */
  width: number
}

/**
 * Encodes configurations to points of the unit hypercube [0,1]^d and back — the coordinates the
 * GP and the multivariate TPE model work in. Numeric parameters take one column (log scale and
 * step cells as in {@link toUnit}); categoricals take one column per choice (`onehot`, decoded
 * by argmax — "rounding" after continuous optimization) or one cell-index column (`index`).
 * Inactive conditional parameters encode as 0.5 (one-hot: all 0) so that every configuration has
 * the same dimension; {@link decode} drops them again.
 */
export class SpaceEncoder {
  /** Column layout, in space order. */
  readonly columns: EncodedColumn[]
  /** Dimension d of the encoded vectors. */
  readonly dim: number

  constructor(
    readonly space: SearchSpace,
    readonly categorical: CategoricalEncoding = 'onehot'
  ) {
    let start = 0
    this.columns = space.params.map((param) => {
      const width = param.kind === 'categorical' && categorical === 'onehot' ? param.choices.length : 1
      const col = { param, start, width }
      start += width
      return col
    })
    this.dim = start
  }

  /** A configuration's point in [0,1]^d. Guarantees decode(encode(x)) deep-equals x for legal x. */
  encode(params: Params): Float64Array {
    const u = new Float64Array(this.dim)
    for (const { param, start, width } of this.columns) {
      const v = params[param.name]
      if (v === undefined || !isActive(param, params)) {
        if (width === 1) u[start] = 0.5
        continue
      }
      if (width > 1 && param.kind === 'categorical') u[start + param.choices.indexOf(v)] = 1
      else u[start] = toUnit(param, v)
    }
    return u
  }

  /** The legal configuration nearest to any point (clamped; argmax for one-hot blocks); inactive parameters are left out. */
  decode(u: ArrayLike<number>): Params {
    const out: Params = {}
    for (const { param, start, width } of this.columns) {
      if (!isActive(param, out)) continue
      if (width > 1 && param.kind === 'categorical') {
        let best = 0
        for (let j = 1; j < width; j++) if ((u[start + j] as number) > (u[start + best] as number)) best = j
        out[param.name] = param.choices[best] as ParamValue
      } else out[param.name] = fromUnit(param, u[start] as number)
    }
    return out
  }

  /** Snaps a point onto the encoding of its decoded configuration (rounded integers, exact one-hot). */
  snap(u: ArrayLike<number>): Float64Array {
    return this.encode(this.decode(u))
  }
}

/**
 * Writes sampled parameters into a copy of a nested run configuration by their dotted paths;
 * numeric segments index arrays ("model.hidden.0"). Missing intermediate objects/arrays are
 * created. The input is never mutated. Called by the coordinator just before a trial's run starts.
 */
export function applyParams<T>(config: T, params: Params): T {
  const out = structuredClone(config) as unknown
  const root: Record<string, unknown> = (typeof out === 'object' && out !== null ? out : {}) as Record<string, unknown>
  for (const [path, value] of Object.entries(params)) {
    const parts = path.split('.')
    let node: Record<string, unknown> = root
    for (let i = 0; i < parts.length - 1; i++) {
      const key = parts[i] as string
      let next = node[key]
      if (typeof next !== 'object' || next === null) {
        next = /^\d+$/.test(parts[i + 1] as string) ? [] : {}
        node[key] = next
      }
      node = next as Record<string, unknown>
    }
    node[parts[parts.length - 1] as string] = value
  }
  return root as T
}

/** Reads a dotted path from a nested object; undefined when any segment is missing. */
export function getByPath(config: unknown, path: string): unknown {
  let node: unknown = config
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}
