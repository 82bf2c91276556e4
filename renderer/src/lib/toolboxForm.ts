/**
 * The training toolbox part of the run form (issue 4) as plain data: every field as typed, empty
 * meaning "the default" (preload/contract/toolbox.ts), validated into the RunConfig fields it sets
 * — only those that differ from the defaults, so a beginner's one-click config stays short — or
 * into per-field messages (an i18n key under `toolbox.errors` and its params). Also the learning-
 * rate preview (the trainer's own schedule function, sampled) and the model-source check.
 */
import type { RunConfigInput } from '../../../preload/contract/channels'
import type { DatasetSummary, LossName, MetricName, RunConfig } from '../../../preload/contract/types'
import { TOOLBOX_DEFAULTS } from '../../../preload/contract/toolbox'
import { analyzeGraph, type GraphSpec } from '../../../preload/contract/model'
import { learningRateAt, type LrSchedule } from '../../../main/trainer/evaluation/schedules'
import { datasetInfo } from './graphEdit'

export type ScheduleKind = 'constant' | 'step' | 'exponential' | 'cosine'
export type ClassWeightsMode = 'none' | 'balanced' | 'custom'
export type Flip = 'none' | 'horizontal' | 'vertical' | 'both'
export type Mode = 'auto' | 'min' | 'max'

/** The toolbox as typed. Empty strings mean "default". */
export interface ToolboxForm {
  momentum: string
  nesterov: boolean
  beta1: string
  beta2: string
  epsilon: string
  weightDecay: string
  rho: string
  initialAccumulator: string
  schedule: ScheduleKind
  stepSize: string
  gamma: string
  decaySteps: string
  decayRate: string
  staircase: boolean
  alpha: string
  warmupSteps: string
  warmupFrom: string
  loss: LossName
  huberDelta: string
  metrics: MetricName[]
  topK: string
  l1: string
  l2: string
  labelSmoothing: string
  mixupAlpha: string
  cutmixAlpha: string
  flip: Flip
  shift: string
  rotation: string
  crop: string
  noise: string
  classWeights: ClassWeightsMode
  classWeightList: string
  earlyStopping: boolean
  esMonitor: string
  esPatience: string
  esMinDelta: string
  esMode: Mode
  esRestoreBest: boolean
  clipNorm: string
  clipValue: string
  ckptEvery: string
  ckptKeepLast: string
  ckptBestMetric: string
  ckptBestMode: Mode
}

export type ToolboxField = keyof ToolboxForm
export interface ToolboxError { key: string; params?: Record<string, string | number> }
export type ToolboxErrors = Partial<Record<ToolboxField, ToolboxError>>

/** What the dataset allows: image-only and binary-only options, the losses and metrics that fit. */
export interface TaskFacts {
  task: 'classification' | 'regression'
  numClasses: number
  images: boolean
  binary: boolean
}

export function taskFacts(ds: Pick<DatasetSummary, 'task' | 'numClasses' | 'inputShape'> | undefined): TaskFacts {
  const task = ds?.task ?? 'classification'
  const numClasses = ds?.numClasses ?? 0
  return { task, numClasses, images: (ds?.inputShape.length ?? 0) === 3, binary: task === 'classification' && numClasses === 2 }
}

/** Losses that fit the task (the first is `auto`). */
export function lossesFor(f: TaskFacts): LossName[] {
  return f.task === 'regression'
    ? ['auto', 'mse', 'mae', 'huber']
    : ['auto', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', ...(f.binary ? ['binaryCrossentropy' as const] : [])]
}

/** Metrics that fit the task: top-k needs more than 2 classes, AUC is for binary tasks, R² for regression. */
export function metricsFor(f: TaskFacts): MetricName[] {
  if (f.task === 'regression') return ['r2']
  return ['accuracy', ...(f.numClasses > 2 ? ['topK' as const] : []), 'precision', 'recall', 'f1', ...(f.binary ? ['auc' as const] : [])]
}

/** Metric names early stopping and "best checkpoint" may watch, given the chosen metrics. */
export function monitorsFor(f: TaskFacts, metrics: readonly MetricName[], topK: number): string[] {
  const out = ['val_loss', 'loss']
  if (f.task === 'classification') out.push('val_acc')
  for (const m of metrics) {
    if (m === 'accuracy') continue
    out.push(m === 'topK' ? `val_top${topK}` : `val_${m}`)
  }
  return [...new Set(out)]
}

/** The toolbox with every field at its default (nothing set in the config). */
export function defaultToolboxForm(ds?: Pick<DatasetSummary, 'task' | 'numClasses' | 'inputShape'>): ToolboxForm {
  const f = taskFacts(ds)
  return {
    momentum: '', nesterov: false, beta1: '', beta2: '', epsilon: '', weightDecay: '', rho: '', initialAccumulator: '',
    schedule: 'constant', stepSize: '', gamma: '', decaySteps: '', decayRate: '', staircase: false, alpha: '', warmupSteps: '', warmupFrom: '',
    loss: 'auto', huberDelta: '', metrics: f.task === 'regression' ? ['r2'] : [...TOOLBOX_DEFAULTS.metrics], topK: '',
    l1: '', l2: '', labelSmoothing: '', mixupAlpha: '', cutmixAlpha: '',
    flip: 'none', shift: '', rotation: '', crop: '', noise: '',
    classWeights: 'none', classWeightList: '',
    earlyStopping: false, esMonitor: 'val_loss', esPatience: '', esMinDelta: '', esMode: 'auto', esRestoreBest: true,
    clipNorm: '', clipValue: '',
    ckptEvery: '', ckptKeepLast: '', ckptBestMetric: 'val_loss', ckptBestMode: 'auto'
  }
}

/** Which optimizer knobs apply to an optimizer. */
export function optimizerKnobs(optimizer: string): ToolboxField[] {
  switch (optimizer) {
    case 'sgd': case 'momentum': return ['momentum', 'nesterov']
    case 'adam': return ['beta1', 'beta2', 'epsilon']
    case 'adamw': return ['beta1', 'beta2', 'epsilon', 'weightDecay']
    case 'rmsprop': return ['rho', 'epsilon']
    case 'adagrad': return ['initialAccumulator', 'epsilon']
    default: return []
  }
}

type Num = { min?: number; max?: number; gt?: number; int?: boolean }

/**
 * Parses an optional numeric field: empty → undefined, otherwise a number within the bounds or an
 * error naming them.
 */
export function optionalNumber(text: string, b: Num): number | undefined | ToolboxError {
  const t = text.trim()
  if (t === '') return undefined
  const n = Number(t)
  if (!Number.isFinite(n)) return { key: 'notNumber', params: { value: t } }
  if (b.int && !Number.isInteger(n)) return { key: 'notInteger', params: { value: t } }
  if (b.gt !== undefined && !(n > b.gt)) return b.max !== undefined ? { key: 'rangeOpen', params: { min: b.gt, max: b.max } } : { key: 'greater', params: { min: b.gt } }
  if (b.min !== undefined && n < b.min) return b.max !== undefined ? { key: 'range', params: { min: b.min, max: b.max } } : { key: 'atLeast', params: { min: b.min } }
  if (b.max !== undefined && n > b.max) return b.gt !== undefined ? { key: 'rangeOpen', params: { min: b.gt, max: b.max } } : { key: 'range', params: { min: b.min ?? 0, max: b.max } }
  return n
}

const isErr = (v: unknown): v is ToolboxError => typeof v === 'object' && v !== null && 'key' in v

/** The RunConfig fields the toolbox sets (absent: default). Threads have their own field (issue 6). */
export type ToolboxPatch = Pick<RunConfig, 'optimizerOptions' | 'lrSchedule' | 'loss' | 'metrics' | 'topK' | 'huberDelta' | 'regularization' | 'earlyStopping' | 'gradClip' | 'checkpointPolicy'>

/**
 * Validates the toolbox for `optimizer` on a dataset with `facts`. Fields that do not apply (an
 * option of another optimizer, augmentation on tabular data) are ignored, not reported.
 */
export function validateToolbox(f: ToolboxForm, optimizer: string, facts: TaskFacts): { patch: Partial<ToolboxPatch>; errors: ToolboxErrors } {
  const errors: ToolboxErrors = {}
  const patch: Partial<ToolboxPatch> = {}
  const num = (field: ToolboxField, b: Num): number | undefined => {
    const v = optionalNumber(String(f[field]), b)
    if (isErr(v)) { errors[field] = v; return undefined }
    return v
  }
  const required = (field: ToolboxField, b: Num): number | undefined => {
    if (String(f[field]).trim() === '') { errors[field] = { key: 'required' }; return undefined }
    return num(field, b)
  }

  // Optimizer options.
  const knobs = optimizerKnobs(optimizer)
  const oo: Record<string, number | boolean> = {}
  const bounds: Partial<Record<ToolboxField, Num>> = {
    momentum: { min: 0, max: 0.9999 }, beta1: { min: 0, max: 0.9999 }, beta2: { min: 0, max: 0.99999 },
    epsilon: { gt: 0, max: 1 }, weightDecay: { min: 0, max: 1 }, rho: { min: 0, max: 0.9999 }, initialAccumulator: { min: 0, max: 10 }
  }
  for (const k of knobs) {
    if (k === 'nesterov') { if (f.nesterov) oo.nesterov = true; continue }
    const v = num(k, bounds[k]!)
    if (v !== undefined) oo[k] = v
  }
  if (oo.nesterov && !((oo.momentum as number | undefined) ?? (optimizer === 'momentum' ? 0.9 : 0))) errors.nesterov = { key: 'nesterovNeedsMomentum' }
  if (Object.keys(oo).length > 0) patch.optimizerOptions = oo

  // Learning-rate schedule.
  const warmupSteps = num('warmupSteps', { min: 0, max: 10_000_000, int: true })
  const warmupFrom = num('warmupFrom', { min: 0, max: 1 })
  const warm = { ...(warmupSteps ? { warmupSteps } : {}), ...(warmupFrom !== undefined && warmupSteps ? { warmupFrom } : {}) }
  switch (f.schedule) {
    case 'constant':
      if (warm.warmupSteps) patch.lrSchedule = { kind: 'constant', ...warm }
      break
    case 'step': {
      const stepSize = required('stepSize', { min: 1, int: true })
      const gamma = required('gamma', { gt: 0, max: 1 })
      if (stepSize !== undefined && gamma !== undefined) patch.lrSchedule = { kind: 'step', stepSize, gamma, ...warm }
      break
    }
    case 'exponential': {
      const decaySteps = required('decaySteps', { min: 1, int: true })
      const decayRate = required('decayRate', { gt: 0, max: 1 })
      if (decaySteps !== undefined && decayRate !== undefined) patch.lrSchedule = { kind: 'exponential', decaySteps, decayRate, ...(f.staircase ? { staircase: true } : {}), ...warm }
      break
    }
    case 'cosine': {
      const decaySteps = num('decaySteps', { min: 1, int: true })
      const alpha = num('alpha', { min: 0, max: 1 })
      if (!errors.decaySteps && !errors.alpha) patch.lrSchedule = { kind: 'cosine', ...(decaySteps !== undefined ? { decaySteps } : {}), ...(alpha !== undefined ? { alpha } : {}), ...warm }
      break
    }
  }

  // Loss and metrics.
  if (!lossesFor(facts).includes(f.loss)) errors.loss = { key: 'lossNotForTask', params: { loss: f.loss } }
  else if (f.loss !== 'auto') patch.loss = f.loss
  if (f.loss === 'huber') {
    const d = num('huberDelta', { gt: 0, max: 1e6 })
    if (d !== undefined && d !== 1) patch.huberDelta = d
  }
  const allowed = metricsFor(facts)
  const metrics = f.metrics.filter((m) => allowed.includes(m))
  const defaults = facts.task === 'regression' ? ['r2'] : [...TOOLBOX_DEFAULTS.metrics]
  if (metrics.join() !== defaults.join()) patch.metrics = metrics
  let topK: number = TOOLBOX_DEFAULTS.topK
  if (metrics.includes('topK')) {
    const k = num('topK', { min: 2, max: 1000, int: true })
    if (k !== undefined) {
      if (facts.numClasses > 0 && k >= facts.numClasses) errors.topK = { key: 'topKTooLarge', params: { max: facts.numClasses - 1 } }
      else { topK = k; if (k !== TOOLBOX_DEFAULTS.topK) patch.topK = k }
    }
  }

  // Regularization.
  const reg: NonNullable<RunConfig['regularization']> = {}
  const l1 = num('l1', { min: 0, max: 10 })
  const l2 = num('l2', { min: 0, max: 10 })
  if (l1) reg.l1 = l1
  if (l2) reg.l2 = l2
  if (facts.task === 'classification') {
    const ls = num('labelSmoothing', { min: 0, max: 0.5 })
    if (ls) reg.labelSmoothing = ls
    const mix = num('mixupAlpha', { min: 0, max: 10 })
    if (mix) reg.mixupAlpha = mix
    if (facts.images) {
      const cut = num('cutmixAlpha', { min: 0, max: 10 })
      if (cut) reg.cutmixAlpha = cut
    }
    if (f.classWeights === 'balanced') reg.classWeights = 'balanced'
    else if (f.classWeights === 'custom') {
      const parts = f.classWeightList.split(/[\s,]+/).filter((p) => p !== '')
      const values = parts.map(Number)
      if (parts.length !== facts.numClasses) errors.classWeightList = { key: 'classWeightCount', params: { count: parts.length, classes: facts.numClasses } }
      else if (values.some((v) => !Number.isFinite(v) || v < 0 || v > 1000)) errors.classWeightList = { key: 'classWeightRange' }
      else reg.classWeights = values
    }
  }
  if (facts.images) {
    const aug: NonNullable<NonNullable<RunConfig['regularization']>['augmentation']> = {}
    if (f.flip !== 'none') aug.flip = f.flip
    const shift = num('shift', { min: 0, max: 0.5 })
    const rotation = num('rotation', { min: 0, max: 180 })
    const crop = num('crop', { min: 0, max: 64, int: true })
    const noise = num('noise', { min: 0, max: 10 })
    if (shift) aug.shift = shift
    if (rotation) aug.rotation = rotation
    if (crop) aug.crop = crop
    if (noise) aug.noise = noise
    if (Object.keys(aug).length > 0) reg.augmentation = aug
  }
  if (Object.keys(reg).length > 0) patch.regularization = reg

  // Early stopping, clipping, checkpoints.
  const monitors = monitorsFor(facts, metrics, topK)
  if (f.earlyStopping) {
    if (!monitors.includes(f.esMonitor)) errors.esMonitor = { key: 'monitorUnknown', params: { name: f.esMonitor } }
    const patience = num('esPatience', { min: 0, max: 10000, int: true })
    const minDelta = num('esMinDelta', { min: 0 })
    patch.earlyStopping = {
      monitor: f.esMonitor,
      ...(patience !== undefined ? { patience } : {}),
      ...(minDelta ? { minDelta } : {}),
      ...(f.esMode !== 'auto' ? { mode: f.esMode } : {}),
      restoreBest: f.esRestoreBest
    }
  }
  const norm = num('clipNorm', { gt: 0 })
  const value = num('clipValue', { gt: 0 })
  if (norm !== undefined || value !== undefined) patch.gradClip = { ...(norm !== undefined ? { norm } : {}), ...(value !== undefined ? { value } : {}) }
  const every = num('ckptEvery', { min: 1, max: 10000, int: true })
  const keep = num('ckptKeepLast', { min: 0, max: 10000, int: true })
  if (!monitors.includes(f.ckptBestMetric)) errors.ckptBestMetric = { key: 'monitorUnknown', params: { name: f.ckptBestMetric } }
  const cp: NonNullable<RunConfig['checkpointPolicy']> = {}
  if (every !== undefined && every !== 1) cp.everyEpochs = every
  if (keep) cp.keepLast = keep
  if (f.ckptBestMetric !== 'val_loss') cp.bestMetric = f.ckptBestMetric
  if (f.ckptBestMode !== 'auto') cp.bestMode = f.ckptBestMode
  if (Object.keys(cp).length > 0) patch.checkpointPolicy = cp
  return { patch, errors }
}

/** The schedule a form describes, for the preview (null while a required number is missing or bad). */
export function previewSchedule(f: ToolboxForm, totalSteps: number): LrSchedule | null {
  const r = validateToolbox(f, 'adam', { task: 'regression', numClasses: 0, images: false, binary: false })
  if (r.errors.stepSize || r.errors.gamma || r.errors.decaySteps || r.errors.decayRate || r.errors.alpha || r.errors.warmupSteps || r.errors.warmupFrom) return null
  const s = r.patch.lrSchedule ?? { kind: 'constant' as const }
  // The trainer's cosine default: decay over all the steps left after warm-up.
  if (s.kind === 'cosine' && s.decaySteps === undefined) return { ...s, decaySteps: Math.max(1, totalSteps - (s.warmupSteps ?? 0)) }
  return s as LrSchedule
}

/** Samples the learning rate over a run of `totalSteps` steps (at most `points` points, both ends included). */
export function lrCurve(schedule: LrSchedule, lr: number, totalSteps: number, points = 200): { step: number[]; lr: number[] } {
  const n = Math.max(2, Math.min(points, totalSteps + 1))
  const step: number[] = []
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const s = Math.round((i * totalSteps) / (n - 1))
    step.push(s)
    out.push(learningRateAt(schedule, lr, s))
  }
  return { step, lr: out }
}

/** Optimizer steps of a run: batches per epoch (the last partial batch counts) × epochs. */
export function totalSteps(trainSize: number, batchSize: number, epochs: number): number {
  if (!(trainSize > 0 && batchSize > 0 && epochs > 0)) return 0
  return Math.ceil(trainSize / batchSize) * epochs
}

/** Why a composed graph cannot train on the dataset (the first error, prefixed by its layer), or null. */
export function graphProblem(graph: GraphSpec | null, ds: DatasetSummary | undefined): string | null {
  if (!graph) return 'no graph'
  const a = analyzeGraph(graph, ds ? datasetInfo(ds) : undefined)
  const e = a.errors[0]
  return e ? `${e.nodeId ? `${e.nodeId}: ` : ''}${e.message}` : null
}

/** Joins a base config, the toolbox patch and a composed model into what runs:start gets. */
export function withToolbox(base: RunConfigInput, patch: Partial<ToolboxPatch>): RunConfigInput {
  const out: RunConfigInput = { ...base }
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v
  return out
}

/**
 * Starting values for a schedule's required numbers, so picking one gives a working curve at once:
 * step decay halves the rate three times over the run, exponential decay multiplies it by 0.9 per
 * epoch. Only empty fields are filled (what the person typed stays).
 */
export function fillScheduleDefaults(f: ToolboxForm, stepsPerEpoch: number, epochs: number): void {
  const per = Math.max(1, stepsPerEpoch)
  if (f.schedule === 'step') {
    if (f.stepSize.trim() === '') f.stepSize = String(Math.max(1, Math.ceil((per * Math.max(1, epochs)) / 4)))
    if (f.gamma.trim() === '') f.gamma = '0.5'
  } else if (f.schedule === 'exponential') {
    if (f.decaySteps.trim() === '') f.decaySteps = String(per)
    if (f.decayRate.trim() === '') f.decayRate = '0.9'
  }
}
