import { describe, expect, it } from 'vitest'
import type { DatasetSummary, ModelTemplateInfo } from '../../preload/contract/types'
import { templateGraph } from '../../preload/contract/model'
import { formFromDataset, validateRunForm } from '../../renderer/src/lib/runForm'
import { datasetInfo, setParam } from '../../renderer/src/lib/graphEdit'
import {
  defaultToolboxForm, fillScheduleDefaults, lossesFor, lrCurve, metricsFor, monitorsFor, optionalNumber, previewSchedule, taskFacts,
  totalSteps, validateToolbox, withToolbox, type ToolboxForm
} from '../../renderer/src/lib/toolboxForm'

function ds(id: string, inputShape: number[], task: 'classification' | 'regression', numClasses: number): DatasetSummary {
  return {
    id, name: id, description: '', source: 'sample', task, inputShape, numClasses,
    classNames: Array.from({ length: numClasses }, (_, i) => String(i)), trainSize: 1000, valSize: 100, bytes: 1, isSample: true,
    createdAt: 0, suggested: { template: 'mlp' }
  }
}
const digits = ds('digits', [28, 28, 1], 'classification', 10)
const xor = ds('xor', [2], 'classification', 2)
const housing = ds('housing', [8], 'regression', 0)
const templates: ModelTemplateInfo[] = [{ id: 'logreg', inputRanks: [1] }, { id: 'mlp', inputRanks: [1] }, { id: 'cnn', inputRanks: [3] }]
const form = (over: Partial<ToolboxForm> = {}, d: DatasetSummary = digits): ToolboxForm => ({ ...defaultToolboxForm(d), ...over })

describe('toolbox form', () => {
  it('sets nothing at the defaults, so a one-click config stays as short as before', () => {
    for (const d of [digits, xor, housing]) {
      const r = validateToolbox(defaultToolboxForm(d), 'adam', taskFacts(d))
      expect(r.errors, d.id).toEqual({})
      expect(r.patch, d.id).toEqual({})
    }
  })

  it('offers the losses and metrics that fit the task', () => {
    expect(lossesFor(taskFacts(housing))).toEqual(['auto', 'mse', 'mae', 'huber'])
    expect(lossesFor(taskFacts(xor))).toContain('binaryCrossentropy')
    expect(lossesFor(taskFacts(digits))).not.toContain('binaryCrossentropy')
    expect(metricsFor(taskFacts(xor))).toEqual(['accuracy', 'precision', 'recall', 'f1', 'auc'])
    expect(metricsFor(taskFacts(digits))).toEqual(['accuracy', 'topK', 'precision', 'recall', 'f1'])
    expect(metricsFor(taskFacts(housing))).toEqual(['r2'])
    expect(monitorsFor(taskFacts(digits), ['accuracy', 'topK', 'f1'], 3)).toEqual(['val_loss', 'loss', 'val_acc', 'val_top3', 'val_f1'])
    expect(validateToolbox(form({ loss: 'mse' }), 'adam', taskFacts(digits)).errors.loss).toEqual({ key: 'lossNotForTask', params: { loss: 'mse' } })
  })

  it('turns every section into its RunConfig fields', () => {
    const f = form({
      momentum: '0.9', nesterov: true, schedule: 'exponential', decaySteps: '10', decayRate: '0.99', staircase: true, warmupSteps: '100',
      loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy', 'topK', 'f1'], topK: '3', l2: '1e-4', labelSmoothing: '0.1',
      cutmixAlpha: '1', flip: 'horizontal', rotation: '10', crop: '2', classWeights: 'balanced', earlyStopping: true, esMonitor: 'val_top3',
      esPatience: '3', clipNorm: '1', ckptEvery: '2', ckptKeepLast: '3', ckptBestMetric: 'val_f1'
    })
    const r = validateToolbox(f, 'sgd', taskFacts(digits))
    expect(r.errors).toEqual({})
    expect(r.patch).toEqual({
      optimizerOptions: { momentum: 0.9, nesterov: true },
      lrSchedule: { kind: 'exponential', decaySteps: 10, decayRate: 0.99, staircase: true, warmupSteps: 100 },
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy', 'topK', 'f1'],
      topK: 3,
      regularization: { l2: 1e-4, labelSmoothing: 0.1, cutmixAlpha: 1, classWeights: 'balanced', augmentation: { flip: 'horizontal', rotation: 10, crop: 2 } },
      earlyStopping: { monitor: 'val_top3', patience: 3, restoreBest: true },
      gradClip: { norm: 1 },
      checkpointPolicy: { everyEpochs: 2, keepLast: 3, bestMetric: 'val_f1' }
    })
    // Options of other optimizers and image-only options on tabular data are ignored, not sent.
    expect(validateToolbox(form({ beta1: '0.5', flip: 'both', cutmixAlpha: '1' }, xor), 'sgd', taskFacts(xor)).patch).toEqual({})
  })

  it('gives a specific message per bad field', () => {
    const r = validateToolbox(form({
      beta2: '2', epsilon: '0', schedule: 'step', stepSize: '', gamma: '1.5', warmupSteps: '2.5', topK: '10', metrics: ['accuracy', 'topK'],
      classWeights: 'custom', classWeightList: '1, 2', earlyStopping: true, esMonitor: 'val_auc', clipValue: 'x'
    }), 'adam', taskFacts(digits))
    expect(r.errors).toEqual({
      beta2: { key: 'range', params: { min: 0, max: 0.99999 } },
      epsilon: { key: 'rangeOpen', params: { min: 0, max: 1 } },
      stepSize: { key: 'required' },
      gamma: { key: 'rangeOpen', params: { min: 0, max: 1 } },
      warmupSteps: { key: 'notInteger', params: { value: '2.5' } },
      topK: { key: 'topKTooLarge', params: { max: 9 } },
      classWeightList: { key: 'classWeightCount', params: { count: 2, classes: 10 } },
      esMonitor: { key: 'monitorUnknown', params: { name: 'val_auc' } },
      clipValue: { key: 'notNumber', params: { value: 'x' } }
    })
    expect(validateToolbox(form({ nesterov: true }), 'sgd', taskFacts(digits)).errors.nesterov).toEqual({ key: 'nesterovNeedsMomentum' })
    expect(optionalNumber('', { min: 0 })).toBeUndefined()
    expect(optionalNumber('-1', { min: 0 })).toEqual({ key: 'atLeast', params: { min: 0 } })
  })

  it('previews the schedule with the trainer’s own function over the run’s steps', () => {
    expect(totalSteps(1000, 64, 5)).toBe(16 * 5)
    expect(totalSteps(0, 64, 5)).toBe(0)
    const steps = totalSteps(1000, 100, 10)
    const cos = previewSchedule(form({ schedule: 'cosine', warmupSteps: '10' }), steps)!
    expect(cos).toEqual({ kind: 'cosine', warmupSteps: 10, decaySteps: 90 })
    const c = lrCurve(cos, 0.1, steps)
    expect(c.step[0]).toBe(0)
    expect(c.step[c.step.length - 1]).toBe(100)
    expect(c.lr[0]).toBe(0)
    expect(Math.max(...c.lr)).toBeCloseTo(0.1, 10)
    expect(c.lr[c.lr.length - 1]).toBeCloseTo(0, 10)
    const ex = lrCurve(previewSchedule(form({ schedule: 'exponential', decaySteps: '10', decayRate: '0.5', staircase: true }), 30)!, 1, 30, 31)
    expect(ex.lr.slice(8, 12)).toEqual([1, 1, 0.5, 0.5])
    expect(previewSchedule(form({ schedule: 'step', stepSize: 'x' }), 100)).toBeNull()
  })

  it('fills a picked schedule with working numbers, keeping what was typed', () => {
    const f = form({ schedule: 'step' })
    fillScheduleDefaults(f, 16, 10)
    expect([f.stepSize, f.gamma]).toEqual(['40', '0.5'])
    const g = form({ schedule: 'exponential', decayRate: '0.99' })
    fillScheduleDefaults(g, 16, 10)
    expect([g.decaySteps, g.decayRate]).toEqual(['16', '0.99'])
    expect(validateToolbox(g, 'adam', taskFacts(digits)).patch.lrSchedule).toEqual({ kind: 'exponential', decaySteps: 16, decayRate: 0.99 })
  })
})

describe('run form with a composed model', () => {
  it('sends the graph with its saved version and refuses one that does not fit the dataset', () => {
    const graph = templateGraph('lenet', datasetInfo(digits))
    const base = formFromDataset(digits)
    const ok = validateRunForm(base, [digits], templates, { spec: graph, modelId: 'm1', modelVersion: 3 })
    expect(ok.errors).toBeNull()
    expect(ok.config!.model).toEqual({ kind: 'graph', graph, modelId: 'm1', modelVersion: 3 })
    const bad = validateRunForm(base, [digits], templates, { spec: setParam(graph, 'output', 'units', 7) })
    expect(bad.errors?.template).toEqual({ key: 'graphInvalid', params: { message: 'output: the output has 7 units but the dataset has 10 classes; set units to 10.' } })
    const merged = withToolbox(ok.config!, { loss: 'huber', topK: undefined })
    expect(merged.loss).toBe('huber')
    expect('topK' in merged).toBe(false)
  })
})
