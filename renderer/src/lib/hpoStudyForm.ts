/**
 * The New Study form as plain data: the base run (the New Run form's fields, validated by
 * `validateRunForm`), the search-space rows, objective, sampler and pruner with their options,
 * budget, parallelism, retry policy and seed — all as typed — validated into the `hpo:create`
 * input or per-field messages (i18n key under `hpo.form.errors` + params).
 */
import type {
  DatasetSummary, HpoPrunerConfig, HpoSamplerConfig, HpoSearchSpace, HpoStudyInput, ModelTemplateInfo
} from '../../../preload/contract/types'
import { METRIC } from '../../../preload/contract/types'
import { rowsToSpace, tutorialRows, type SpaceCheck, type SpaceRow } from './hpoSpace'
import { validateRunForm, type FormErrors, type RunForm } from './runForm'

export type SamplerKind = HpoSamplerConfig['kind']
export type PrunerKind = HpoPrunerConfig['kind']
export const SAMPLER_KINDS: readonly SamplerKind[] = ['auto', 'random', 'grid', 'sobol', 'lhs', 'tpe', 'gp']
export const PRUNER_KINDS: readonly PrunerKind[] = ['none', 'median', 'percentile', 'asha', 'hyperband']
/** Metrics every classification run logs per epoch (any other logged metric can be typed). */
export const OBJECTIVE_METRICS: readonly string[] = [METRIC.valAcc, METRIC.valLoss, METRIC.acc, METRIC.loss]

/** Sampler and pruner options as typed ('' = the sampler's default). */
export interface StudyOptionsForm {
  gpInitial: string
  gpAcquisition: 'ei' | 'ucb' | 'pi'
  gpInitialDesign: 'random' | 'sobol'
  tpeStartup: string
  tpeCandidates: string
  tpeMultivariate: boolean
  gridPoints: string
  percentile: string
  prunerStartup: string
  prunerWarmup: string
  reductionFactor: string
  minResource: string
}

export interface StudyForm {
  name: string
  run: RunForm
  rows: SpaceRow[]
  metric: string
  direction: 'minimize' | 'maximize'
  sampler: SamplerKind
  pruner: PrunerKind
  opts: StudyOptionsForm
  budgetTrials: string
  budgetMinutes: string
  parallelism: string
  onFailure: 'count' | 'retry'
  maxRetries: string
  onInterrupted: 'fail' | 'requeue'
  seed: string
}

export type StudyField =
  | 'name' | 'metric' | 'budget' | 'budgetTrials' | 'budgetMinutes' | 'parallelism' | 'maxRetries' | 'seed'
  | 'gpInitial' | 'tpeStartup' | 'tpeCandidates' | 'gridPoints' | 'percentile' | 'prunerStartup' | 'prunerWarmup'
  | 'reductionFactor' | 'minResource'
export interface StudyFieldError { key: string; params?: Record<string, string | number> }
export type StudyErrors = Partial<Record<StudyField, StudyFieldError>>

export function defaultOptions(): StudyOptionsForm {
  return {
    gpInitial: '5', gpAcquisition: 'ei', gpInitialDesign: 'random', tpeStartup: '10', tpeCandidates: '24', tpeMultivariate: false,
    gridPoints: '5', percentile: '25', prunerStartup: '5', prunerWarmup: '0', reductionFactor: '3', minResource: '1'
  }
}

/** A study form around a base run form (rows empty, auto sampler, 20 trials). */
export function newStudyForm(run: RunForm): StudyForm {
  return {
    name: '', run, rows: [], metric: METRIC.valAcc, direction: 'maximize', sampler: 'auto', pruner: 'none', opts: defaultOptions(),
    budgetTrials: '20', budgetMinutes: '', parallelism: '1', onFailure: 'count', maxRetries: '1', onInterrupted: 'requeue', seed: '0'
  }
}

/**
 * The tutorial preset (GPyOpt's MNIST MLP): learning rate 0.01–0.5, 2–3 layers of 30 or 60
 * units, batch 500/1000/2000, SGD; GP with 5 random starts + 15 guided trials; objective
 * 1 − accuracy, i.e. maximize the validation accuracy. Keeps the dataset and epochs of `f`.
 */
export function applyTutorial(f: StudyForm): void {
  f.rows = tutorialRows()
  f.run.template = 'mlp'
  // The tutorial's learning-rate range (0.01–0.5) is plain SGD's; Adam diverges at its top end.
  f.run.optimizer = 'sgd'
  f.metric = METRIC.valAcc
  f.direction = 'maximize'
  f.sampler = 'gp'
  f.opts.gpInitial = '5'
  f.opts.gpAcquisition = 'ei'
  f.budgetTrials = '20'
  f.budgetMinutes = ''
  if (!f.name.trim()) f.name = 'MNIST-style MLP'
}

function intField(text: string, min: number, max: number, field: StudyField, errors: StudyErrors, optional = false): number | undefined {
  const s = text.trim()
  if (s === '') {
    if (!optional) errors[field] = { key: 'required' }
    return undefined
  }
  if (!/^-?\d+$/.test(s)) { errors[field] = { key: 'notInteger', params: { value: s } }; return undefined }
  const n = Number(s)
  if (n < min || n > max) { errors[field] = { key: 'range', params: { min, max } }; return undefined }
  return n
}

function numField(text: string, min: number, max: number, field: StudyField, errors: StudyErrors): number | undefined {
  const s = text.trim()
  if (s === '') { errors[field] = { key: 'required' }; return undefined }
  const n = Number(s)
  if (!Number.isFinite(n)) { errors[field] = { key: 'notNumber', params: { value: s } }; return undefined }
  if (n < min || n > max) { errors[field] = { key: 'range', params: { min, max } }; return undefined }
  return n
}

/** The sampler configuration the form describes (options only where they apply). */
export function samplerConfig(f: StudyForm, errors: StudyErrors = {}): HpoSamplerConfig {
  const seed = intField(f.seed, 0, 2 ** 31 - 1, 'seed', {}, true)
  const s = seed !== undefined ? { seed } : {}
  switch (f.sampler) {
    case 'gp': {
      const n = intField(f.opts.gpInitial, 1, 1000, 'gpInitial', errors)
      return { kind: 'gp', ...s, acquisition: f.opts.gpAcquisition, initialDesign: f.opts.gpInitialDesign, ...(n !== undefined ? { nInitial: n } : {}) }
    }
    case 'tpe': {
      const n = intField(f.opts.tpeStartup, 0, 1000, 'tpeStartup', errors)
      const c = intField(f.opts.tpeCandidates, 1, 10000, 'tpeCandidates', errors)
      return { kind: 'tpe', ...s, multivariate: f.opts.tpeMultivariate, ...(n !== undefined ? { nStartupTrials: n } : {}), ...(c !== undefined ? { nEiCandidates: c } : {}) }
    }
    case 'grid': {
      const n = intField(f.opts.gridPoints, 1, 100, 'gridPoints', errors)
      return { kind: 'grid', ...s, ...(n !== undefined ? { pointsPerContinuous: n } : {}) }
    }
    default:
      return { kind: f.sampler, ...s } as HpoSamplerConfig
  }
}

/** The pruner configuration the form describes. */
export function prunerConfig(f: StudyForm, errors: StudyErrors = {}): HpoPrunerConfig {
  switch (f.pruner) {
    case 'none':
      return { kind: 'none' }
    case 'median':
    case 'percentile': {
      const st = intField(f.opts.prunerStartup, 0, 1000, 'prunerStartup', errors)
      const w = intField(f.opts.prunerWarmup, 0, 10000, 'prunerWarmup', errors)
      const base = { ...(st !== undefined ? { nStartupTrials: st } : {}), ...(w !== undefined ? { nWarmupSteps: w } : {}) }
      if (f.pruner === 'median') return { kind: 'median', ...base }
      const p = numField(f.opts.percentile, 0, 100, 'percentile', errors)
      return { kind: 'percentile', percentile: p ?? 25, ...base }
    }
    case 'asha':
    case 'hyperband': {
      const r = numField(f.opts.reductionFactor, 2, 100, 'reductionFactor', errors)
      const m = intField(f.opts.minResource, 1, 10000, 'minResource', errors)
      return { kind: f.pruner, ...(r !== undefined ? { reductionFactor: r } : {}), ...(m !== undefined ? { minResource: m } : {}) }
    }
  }
}

/** What {@link validateStudyForm} returns. */
export interface StudyCheck {
  input: HpoStudyInput | null
  errors: StudyErrors
  runErrors: FormErrors
  space: SpaceCheck
}

/** Validates every part of the form; `input` is set only when all parts are fine. */
export function validateStudyForm(f: StudyForm, datasets: readonly DatasetSummary[], templates: readonly ModelTemplateInfo[]): StudyCheck {
  const errors: StudyErrors = {}
  const name = f.name.trim()
  if (name === '') errors.name = { key: 'nameRequired' }
  else if (name.length > 120) errors.name = { key: 'nameTooLong', params: { max: 120 } }
  // The space decides batch size etc.; the base run still has to be a valid run on its own.
  const run = validateRunForm(f.run, datasets, templates)
  const space = rowsToSpace(f.rows)
  if (!/^[\w/.-]{1,64}$/.test(f.metric.trim())) errors.metric = { key: 'metric' }
  const trials = intField(f.budgetTrials, 1, 10000, 'budgetTrials', errors, true)
  let minutes: number | undefined
  if (f.budgetMinutes.trim() !== '') minutes = numField(f.budgetMinutes, 0.1, 30 * 24 * 60, 'budgetMinutes', errors)
  if (f.budgetTrials.trim() === '' && f.budgetMinutes.trim() === '') errors.budget = { key: 'budgetRequired' }
  const parallelism = intField(f.parallelism, 1, 32, 'parallelism', errors)
  const maxRetries = intField(f.maxRetries, 0, 10, 'maxRetries', errors)
  const seed = intField(f.seed, 0, 2 ** 31 - 1, 'seed', errors)
  const sampler = samplerConfig(f, errors)
  const pruner = prunerConfig(f, errors)
  if (Object.keys(errors).length > 0 || !run.config || !space.space || parallelism === undefined || seed === undefined) {
    return { input: null, errors, runErrors: run.errors ?? {}, space }
  }
  const input: HpoStudyInput = {
    name,
    baseConfig: { ...run.config, backend: run.config.backend ?? 'auto' },
    space: space.space as HpoSearchSpace,
    objective: { metric: f.metric.trim(), direction: f.direction },
    sampler,
    pruner,
    budget: { ...(trials !== undefined ? { trials } : {}), ...(minutes !== undefined ? { wallTimeMs: Math.round(minutes * 60_000) } : {}) },
    parallelism,
    retry: { onFailure: f.onFailure, maxRetries: maxRetries ?? 1, onInterrupted: f.onInterrupted },
    seed
  }
  return { input, errors, runErrors: {}, space }
}

/** Whether a dataset fits an MLP tutorial (any classification dataset does). */
export function tutorialDataset(datasets: readonly DatasetSummary[]): DatasetSummary | undefined {
  return datasets.find((d) => d.id === 'digits') ?? datasets.find((d) => d.task === 'classification')
}
