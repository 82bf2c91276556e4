import { describe, expect, it } from 'vitest'
import { HpoStudyInputSchema } from '../../preload/contract/hpoSchemas'
import type { DatasetSummary, HpoTrialInfo, ModelTemplateInfo } from '../../preload/contract/types'
import { parseSearchSpace } from '../../main/hpo/space'
import { newRow } from '../../renderer/src/lib/hpoSpace'
import {
  applyTutorial, newStudyForm, prunerConfig, samplerConfig, tutorialDataset, validateStudyForm, type StudyForm
} from '../../renderer/src/lib/hpoStudyForm'
import { filterTrials, formatTrialDuration, sortTrials, studyActions, studyProgress, upsertTrial } from '../../renderer/src/lib/hpoTrials'
import { formFromDataset } from '../../renderer/src/lib/runForm'

const digits: DatasetSummary = {
  id: 'digits', name: 'Digits', description: '', source: 'sample', task: 'classification', inputShape: [28, 28, 1], numClasses: 10,
  classNames: [], trainSize: 3000, valSize: 600, bytes: 0, isSample: true, createdAt: 0, suggested: { template: 'cnn', filters: [8, 16], denseUnits: 32 }
}
const templates: ModelTemplateInfo[] = [{ id: 'logreg', inputRanks: [1, 3] }, { id: 'mlp', inputRanks: [1, 3] }, { id: 'cnn', inputRanks: [3] }]

function tutorialForm(): StudyForm {
  const f = newStudyForm(formFromDataset(digits))
  applyTutorial(f)
  f.run.epochs = '1'
  return f
}

describe('New Study form', () => {
  it('the tutorial preset validates into an hpo:create input the contract accepts', () => {
    const r = validateStudyForm(tutorialForm(), [digits], templates)
    expect(r.errors).toEqual({})
    expect(r.input).not.toBeNull()
    const input = r.input!
    expect(input.name).toBe('MNIST-style MLP')
    expect(input.objective).toEqual({ metric: 'epoch/val_acc', direction: 'maximize' })
    expect(input.sampler).toEqual({ kind: 'gp', seed: 0, acquisition: 'ei', initialDesign: 'random', nInitial: 5 })
    expect(input.budget).toEqual({ trials: 20 })
    expect(input.baseConfig).toMatchObject({ datasetId: 'digits', model: { template: 'mlp' }, optimizer: 'sgd', epochs: 1 })
    expect(HpoStudyInputSchema.safeParse(input).success).toBe(true)
    expect(parseSearchSpace(input.space)).toEqual(input.space)
  })

  it('names the field for each problem', () => {
    const f = tutorialForm()
    f.name = ' '
    f.budgetTrials = ''
    f.budgetMinutes = ''
    f.parallelism = '0'
    f.seed = 'x'
    f.metric = 'val acc'
    f.sampler = 'tpe'
    f.opts.tpeStartup = '-1'
    f.pruner = 'percentile'
    f.opts.percentile = '120'
    f.run.epochs = '0'
    const r = validateStudyForm(f, [digits], templates)
    expect(r.input).toBeNull()
    expect(r.errors).toEqual({
      name: { key: 'nameRequired' },
      metric: { key: 'metric' },
      budget: { key: 'budgetRequired' },
      parallelism: { key: 'range', params: { min: 1, max: 32 } },
      seed: { key: 'notInteger', params: { value: 'x' } },
      tpeStartup: { key: 'range', params: { min: 0, max: 1000 } },
      percentile: { key: 'range', params: { min: 0, max: 100 } }
    })
    expect(r.runErrors.epochs).toEqual({ key: 'range', params: { min: 1, max: 10000 } })
  })

  it('a bad space row blocks the input and is reported on its row', () => {
    const f = tutorialForm()
    f.rows.push({ ...newRow('float'), name: 'regularization.l2', low: '0', high: '0.1', log: true })
    const r = validateStudyForm(f, [digits], templates)
    expect(r.input).toBeNull()
    expect(r.space.rowErrors[4]).toEqual({ low: { key: 'logNeedsPositive', params: { low: 0 } } })
  })

  it('budget by minutes alone, and both', () => {
    const f = tutorialForm()
    f.budgetTrials = ''
    f.budgetMinutes = '1.5'
    expect(validateStudyForm(f, [digits], templates).input!.budget).toEqual({ wallTimeMs: 90_000 })
    f.budgetTrials = '30'
    expect(validateStudyForm(f, [digits], templates).input!.budget).toEqual({ trials: 30, wallTimeMs: 90_000 })
  })

  it('sampler and pruner configs carry only their own options', () => {
    const f = tutorialForm()
    for (const kind of ['auto', 'random', 'sobol', 'lhs'] as const) {
      f.sampler = kind
      expect(samplerConfig(f)).toEqual({ kind, seed: 0 })
    }
    f.sampler = 'grid'
    expect(samplerConfig(f)).toEqual({ kind: 'grid', seed: 0, pointsPerContinuous: 5 })
    f.sampler = 'tpe'
    f.opts.tpeMultivariate = true
    expect(samplerConfig(f)).toEqual({ kind: 'tpe', seed: 0, multivariate: true, nStartupTrials: 10, nEiCandidates: 24 })
    f.pruner = 'median'
    expect(prunerConfig(f)).toEqual({ kind: 'median', nStartupTrials: 5, nWarmupSteps: 0 })
    f.pruner = 'asha'
    expect(prunerConfig(f)).toEqual({ kind: 'asha', reductionFactor: 3, minResource: 1 })
    f.pruner = 'hyperband'
    expect(prunerConfig(f)).toEqual({ kind: 'hyperband', reductionFactor: 3, minResource: 1 })
    f.pruner = 'none'
    expect(prunerConfig(f)).toEqual({ kind: 'none' })
  })

  it('the tutorial prefers digits, else any classification dataset', () => {
    expect(tutorialDataset([{ ...digits, id: 'iris' }, digits])?.id).toBe('digits')
    expect(tutorialDataset([{ ...digits, id: 'iris' }])?.id).toBe('iris')
    expect(tutorialDataset([{ ...digits, id: 'reg', task: 'regression' }])).toBeUndefined()
  })
})

function info(number: number, state: HpoTrialInfo['state'], params: HpoTrialInfo['params'], value: number | null, startedAt: number | null = null, endedAt: number | null = null): HpoTrialInfo {
  return { number, state, params, value, intermediate: [], runId: null, worker: null, startedAt, endedAt, error: null, retryOf: null, importedFrom: null }
}

describe('trials table logic', () => {
  const ts = [
    info(0, 'complete', { lr: 0.1, opt: 'adam' }, 0.8, 0, 5000),
    info(1, 'failed', { lr: 0.3, opt: 'sgd' }, null, 1000, 1500),
    info(2, 'complete', { lr: 0.02, opt: 'sgd' }, 0.9, 2000, 3000),
    info(3, 'running', { lr: 0.2, opt: 'adam' }, null, 9000),
    info(4, 'waiting', { lr: 0.05 }, null)
  ]
  it('sorts by value, parameter or duration with missing values last either way', () => {
    expect(sortTrials(ts, 'value', true, 10_000).map((t) => t.number)).toEqual([2, 0, 1, 3, 4])
    expect(sortTrials(ts, 'value', false, 10_000).map((t) => t.number)).toEqual([0, 2, 1, 3, 4])
    expect(sortTrials(ts, 'param:opt', false, 10_000).map((t) => t.number)).toEqual([0, 3, 1, 2, 4])
    expect(sortTrials(ts, 'param:lr', false, 10_000).map((t) => t.number)).toEqual([2, 4, 0, 3, 1])
    // A running trial lasts until now (1000 ms, tied with trial 2: ties go by number).
    expect(sortTrials(ts, 'duration', true, 10_000).map((t) => t.number)).toEqual([0, 2, 3, 1, 4])
    expect(sortTrials(ts, 'state', false, 0).map((t) => t.number)).toEqual([3, 4, 0, 2, 1])
  })
  it('filters by state and by every word of the text', () => {
    expect(filterTrials(ts, 'complete', '').map((t) => t.number)).toEqual([0, 2])
    expect(filterTrials(ts, '', 'sgd').map((t) => t.number)).toEqual([1, 2])
    expect(filterTrials(ts, '', 'opt=adam 0.2').map((t) => t.number)).toEqual([3])
    expect(filterTrials(ts, '', '#4').map((t) => t.number)).toEqual([4])
  })
  it('merges live trial updates by number', () => {
    const done = { ...ts[3]!, state: 'complete' as const, value: 0.95, endedAt: 12_000 }
    const next = upsertTrial(ts, done)
    expect(next[3]).toEqual(done)
    expect(ts[3]!.state).toBe('running')
    expect(upsertTrial(ts.slice(0, 2), ts[4]!).map((t) => t.number)).toEqual([0, 1, 4])
  })
  it('trial durations: tenths of a second under a minute, m:ss above', () => {
    expect(formatTrialDuration(430)).toBe('0.4 s')
    expect(formatTrialDuration(59_940)).toBe('59.9 s')
    expect(formatTrialDuration(61_000)).toBe('1:01')
    expect(formatTrialDuration(null)).toBe('—')
  })
  it('progress and the buttons each state offers', () => {
    expect(studyProgress({ counts: { total: 5, waiting: 1, running: 1, complete: 2, pruned: 0, failed: 1 }, budget: { trials: 6, wallTimeMs: null } })).toEqual({ done: 3, total: 6, fraction: 0.5 })
    expect(studyProgress({ counts: { total: 1, waiting: 0, running: 0, complete: 1, pruned: 0, failed: 0 }, budget: { trials: null, wallTimeMs: 60_000 } }).fraction).toBeNull()
    expect(studyActions('draft')).toEqual({ start: true, pause: false, resume: false, stop: false, extend: false })
    expect(studyActions('running')).toEqual({ start: false, pause: true, resume: false, stop: true, extend: true })
    expect(studyActions('paused')).toEqual({ start: false, pause: false, resume: true, stop: true, extend: true })
    expect(studyActions('completed')).toEqual({ start: false, pause: false, resume: false, stop: false, extend: true })
    expect(studyActions('stopped')).toEqual({ start: false, pause: false, resume: false, stop: false, extend: false })
  })
})
