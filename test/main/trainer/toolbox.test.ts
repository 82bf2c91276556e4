/**
 * The training toolbox in-process (runTraining with a recorder): every optimizer and loss trains,
 * LR schedules are logged as they are applied, seeded runs repeat exactly, early stopping,
 * divergence, pause/resume, val metrics, distributions, and resuming from a checkpoint.
 */
import { describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { METRIC, valTopKMetric, type RunConfig } from '../../../preload/contract/types'
import { RunConfigSchema } from '../../../preload/contract/schemas'
import { templateGraph } from '../../../preload/contract/model'
import { writeCache } from '../../../main/datasets/cache'
import * as tf from '@tensorflow/tfjs'
import { runTraining } from '../../../main/trainer/train'
import { buildCompiledModel } from '../../../main/trainer/models'
import { loadCheckpointModel } from '../../../main/trainer/checkpoint'
import { PauseGate } from '../../../main/trainer/pauseGate'
import { learningRateAt } from '../../../main/trainer/evaluation/schedules'
import { Recorder, runDir, sample, suggestedConfig } from './trainHelpers'

/** A regression cache y = 2·x0 − 3·x1 + 0.5 (no noise), 256 train / 64 val rows. */
function linearDataset(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'studio-lin-')), 'lin')
  const make = (n: number, seed: number): { x: Float32Array; y: Float32Array } => {
    let s = seed
    const r = (): number => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648 * 2 - 1 }
    const x = new Float32Array(n * 2)
    const y = new Float32Array(n)
    for (let i = 0; i < n; i++) { x[i * 2] = r(); x[i * 2 + 1] = r(); y[i] = 2 * x[i * 2]! - 3 * x[i * 2 + 1]! + 0.5 }
    return { x, y }
  }
  writeCache(dir, { name: 'lin', task: 'regression', inputShape: [2], classNames: [], xDtype: 'float32', xScale: 1, splits: { train: make(256, 7), val: make(64, 9) } })
  return dir
}

async function train(config: RunConfig, datasetDir: string, opts: { runDir?: string; pause?: PauseGate; signal?: AbortSignal; resumeFrom?: { checkpointDir: string; epoch: number; step: number } } = {}): Promise<Recorder> {
  RunConfigSchema.parse(config)
  const r = new Recorder()
  await runTraining({ runId: 't', config, datasetDir, runDir: opts.runDir ?? runDir(), resumeFrom: opts.resumeFrom }, { send: r.send, pause: opts.pause, signal: opts.signal })
  return r
}

describe('training toolbox', () => {
  it('keeps old configs valid and parses the full toolbox', () => {
    const s = sample('iris')
    expect(RunConfigSchema.safeParse(suggestedConfig(s)).success).toBe(true)
    expect(RunConfigSchema.safeParse(suggestedConfig(s, { optimizer: 'momentum' })).success).toBe(true)
    const full = RunConfigSchema.safeParse(suggestedConfig(s, {
      optimizer: 'adamw', optimizerOptions: { weightDecay: 0.01, beta1: 0.9 },
      lrSchedule: { kind: 'exponential', decayRate: 0.99, decaySteps: 10, staircase: true, warmupSteps: 5 },
      loss: 'huber', metrics: ['accuracy', 'topK', 'f1'], topK: 2,
      regularization: { l2: 1e-4, labelSmoothing: 0.1, mixupAlpha: 0.2, augmentation: { flip: 'horizontal', noise: 0.01 }, classWeights: 'balanced' },
      earlyStopping: { monitor: 'val_acc', patience: 3 }, gradClip: { norm: 1 }, checkpointPolicy: { everyEpochs: 2, keepLast: 3, bestMetric: 'val_acc' }
    }))
    expect(full.success).toBe(true)
    const bad = RunConfigSchema.safeParse(suggestedConfig(s, { lrSchedule: { kind: 'step', stepSize: 0, gamma: 0.5 } }))
    expect(bad.success).toBe(false)
    expect(bad.error!.issues[0]!.path.join('.')).toBe('lrSchedule.stepSize')
  })

  it('trains with every optimizer (the toolbox loop for adamw/adagrad, named in BackendInfo.engine)', async () => {
    const s = sample('iris')
    for (const optimizer of ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'] as const) {
      const r = await train(suggestedConfig(s, { optimizer, learningRate: optimizer === 'sgd' ? 0.1 : 0.02, epochs: 15, optimizerOptions: optimizer === 'sgd' ? { momentum: 0.9, nesterov: true } : undefined }), s.dir)
      const losses = r.series(METRIC.loss).map((p) => p.value)
      expect(losses.at(-1)!, optimizer).toBeLessThan(losses[0]!)
      expect(r.last(METRIC.valAcc), optimizer).toBeGreaterThan(0.8)
      const engine = r.of('backend')[0]!.backend.engine!
      if (optimizer === 'adamw' || optimizer === 'adagrad') expect(engine).toMatch(/custom training loop.*optimizer/)
    }
  }, 60_000)

  it('applies and logs the LR schedule per batch and per epoch, on the studio engine and the toolbox loop', async () => {
    const s = sample('iris')
    const lrSchedule = { kind: 'exponential' as const, decayRate: 0.9, decaySteps: 3, staircase: true, warmupSteps: 4 }
    for (const [extra, engine] of [[{}, /studio engine/], [{ optimizer: 'adamw' as const }, /custom training loop/]] as const) {
      const r = await train(suggestedConfig(s, { epochs: 3, learningRate: 0.05, lrSchedule, ...extra }), s.dir)
      expect(r.of('backend')[0]!.backend.engine).toMatch(engine)
      const batch = r.series(METRIC.batchLr)
      expect(batch).toHaveLength(r.of('done')[0]!.steps)
      for (const p of batch) expect(p.value).toBeCloseTo(learningRateAt(lrSchedule, 0.05, p.step), 10)
      const epoch = r.series(METRIC.lr)
      expect(epoch).toHaveLength(3)
      expect(epoch[2]!.value).toBeCloseTo(learningRateAt(lrSchedule, 0.05, epoch[2]!.step), 10)
      // A rate near 0 for the first warm-up step: the schedule really drives the optimizer.
      expect(batch[0]!.value).toBe(0)
    }
    // The same schedule gives the same curve on the engine as a constant rate would not.
    const constant = await train(suggestedConfig(s, { epochs: 3, learningRate: 0.05 }), s.dir)
    const scheduled = await train(suggestedConfig(s, { epochs: 3, learningRate: 0.05, lrSchedule }), s.dir)
    expect(scheduled.last(METRIC.loss)).not.toBe(constant.last(METRIC.loss))
  })

  it('gives identical metrics for the same config and seed (regularization, mixup, augmentation on)', async () => {
    const s = sample('digits')
    const config = suggestedConfig(s, {
      epochs: 1, batchSize: 64, model: { template: 'mlp', hidden: [32] },
      regularization: { l2: 1e-4, labelSmoothing: 0.1, mixupAlpha: 0.4, cutmixAlpha: 1, augmentation: { flip: 'horizontal', shift: 0.1, rotation: 10, crop: 2, noise: 0.02 }, classWeights: 'balanced' },
      gradClip: { norm: 1, value: 0.5 }, metrics: ['accuracy', 'topK', 'precision', 'recall', 'f1']
    })
    const a = await train(config, s.dir)
    const b = await train(config, s.dir)
    expect(a.series(METRIC.batchLoss).map((p) => p.value)).toEqual(b.series(METRIC.batchLoss).map((p) => p.value))
    expect(a.last(METRIC.valLoss)).toBe(b.last(METRIC.valLoss))
    for (const m of [valTopKMetric(5), METRIC.valPrecision, METRIC.valRecall, METRIC.valF1]) expect(a.last(m)).toBe(b.last(m))
    const c = await train({ ...config, seed: 2 }, s.dir)
    expect(c.last(METRIC.valLoss)).not.toBe(a.last(METRIC.valLoss))
  }, 60_000)

  it('trains a composed graph with other losses, and logs R² for regression', async () => {
    const dir = linearDataset()
    for (const loss of ['mse', 'mae', 'huber'] as const) {
      const graph = templateGraph('linearRegression', { inputShape: [2], task: 'regression', numClasses: 0 })
      const r = await train({ datasetId: 'lin', model: { kind: 'graph', graph }, optimizer: 'adam', learningRate: 0.05, batchSize: 16, epochs: 30, seed: 1, backend: 'cpu', loss }, dir)
      expect(r.last(METRIC.valR2), loss).toBeGreaterThan(0.99)
    }
  }, 60_000)

  it('trains a two-class graph that ends in one sigmoid unit (binary cross-entropy on the toolbox loop)', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'studio-bin-')), 'bin')
    const make = (n: number, seed: number): { x: Float32Array; y: Int32Array } => {
      let st = seed
      const r = (): number => { st = (st * 1103515245 + 12345) % 2147483648; return st / 2147483648 * 2 - 1 }
      const x = new Float32Array(n * 2)
      const y = new Int32Array(n)
      for (let i = 0; i < n; i++) { x[i * 2] = r(); x[i * 2 + 1] = r(); y[i] = x[i * 2]! - x[i * 2 + 1]! > 0 ? 1 : 0 }
      return { x, y }
    }
    writeCache(dir, { name: 'bin', task: 'classification', inputShape: [2], classNames: ['no', 'yes'], xDtype: 'float32', xScale: 1, splits: { train: make(200, 3), val: make(100, 4) } })
    const graph = { format: 'studio-graph' as const, version: 1 as const, nodes: [
      { id: 'in', kind: 'Input' as const, inputs: [] },
      { id: 'out', kind: 'Dense' as const, inputs: ['in'], params: { units: 1, activation: 'sigmoid' as const } }
    ], outputs: ['out'] }
    const r = await train({ datasetId: 'bin', model: { kind: 'graph', graph }, optimizer: 'adam', learningRate: 0.05, batchSize: 16, epochs: 20, seed: 1, backend: 'cpu', metrics: ['accuracy', 'auc', 'f1'] }, dir)
    expect(r.of('backend')[0]!.backend.engine).toMatch(/custom training loop.*loss binaryCrossentropy/)
    expect(r.last(METRIC.valAcc)).toBeGreaterThanOrEqual(0.95)
    expect(r.last(METRIC.valAuc)).toBeGreaterThan(0.98)
    expect(r.last(METRIC.valF1)).toBeGreaterThan(0.9)
  })

  it('ends a run whose loss becomes NaN as diverged, with the step', async () => {
    const dir = linearDataset()
    const r = await train({ datasetId: 'lin', model: { template: 'mlp', hidden: [32, 32] }, optimizer: 'sgd', learningRate: 10, batchSize: 8, epochs: 20, seed: 1, backend: 'cpu' }, dir)
    const done = r.of('done')[0]!
    expect(done.status).toBe('diverged')
    expect(done.diverged!.step).toBeGreaterThanOrEqual(0)
    expect(Number.isFinite(done.diverged!.loss)).toBe(false)
    expect(done.epochsDone).toBeLessThan(20)
  })

  it('stops early when the monitored metric stops improving and restores the best weights', async () => {
    const s = sample('iris')
    // A learning rate far too high for Adam: val_loss soon stops improving.
    const r = await train(suggestedConfig(s, { epochs: 60, learningRate: 0.5, earlyStopping: { monitor: 'val_loss', patience: 2, restoreBest: true } }), s.dir)
    const done = r.of('done')[0]!
    expect(done.status).toBe('completed')
    expect(done.earlyStopped).toBeDefined()
    expect(done.epochsDone).toBe(done.earlyStopped!.bestEpoch + 2)
    expect(r.of('notice').some((n) => n.code === 'early_stopping')).toBe(true)
    // Keyed for the UI's language, with the numbers in it.
    expect(r.of('notice').find((n) => n.code === 'early_stopping')).toMatchObject({
      key: 'earlyStoppedRestored', params: { epoch: done.epochsDone, metric: 'epoch/val_loss', patience: 2, bestEpoch: done.earlyStopped!.bestEpoch }
    })
  })

  it('checkpoints every N epochs plus the best, with optimizer state and state.json', async () => {
    const s = sample('iris')
    const r = await train(suggestedConfig(s, { epochs: 6, optimizer: 'adamw', checkpointPolicy: { everyEpochs: 3, bestMetric: 'val_acc' } }), s.dir)
    const cks = r.of('checkpoint')
    expect(cks.filter((c) => c.reasons!.includes('periodic')).map((c) => c.epoch)).toEqual([3, 6])
    expect(cks.at(-1)!.reasons).toContain('final')
    expect(cks.every((c) => c.reasons!.includes('periodic') || c.isBest)).toBe(true)
    const last = cks.at(-1)!
    expect(last.optimizerState).toBe(true)
    expect(existsSync(path.join(last.path, 'optimizer.json'))).toBe(true)
    const state = JSON.parse(readFileSync(path.join(last.path, 'state.json'), 'utf8'))
    expect(state).toMatchObject({ epoch: 6, step: last.step, seed: 1, optimizerState: true, engine: 'toolbox-loop' })
    expect(JSON.parse(readFileSync(path.join(last.path, 'optimizer.json'), 'utf8')).className).toBe('Adam')
  })

  it('writes weight distributions and first-layer filters each epoch', async () => {
    const s = sample('digits')
    const r = await train(suggestedConfig(s, { epochs: 1, model: { template: 'cnn', filters: [4, 8], denseUnits: 16 } }), s.dir)
    const d = r.of('distributions')[0]!
    const json = JSON.parse(readFileSync(d.path, 'utf8'))
    const weights = json.points.filter((p: { kind: string }) => p.kind === 'weights')
    const acts = json.points.filter((p: { kind: string }) => p.kind === 'activations')
    expect(weights.length).toBeGreaterThan(0)
    expect(weights.length).toBeLessThanOrEqual(8)
    // Hidden layers with weights (conv_1, conv_2, dense_1; not the output) on the 64-example probe.
    expect(acts.map((p: { layer: string }) => p.layer)).toEqual(['conv_1', 'conv_2', 'dense_1'])
    expect(acts[2].count).toBe(64 * 16)
    expect(json.points[0]).toMatchObject({ layer: 'conv_1', tensor: 'kernel', kind: 'weights' })
    expect(json.points[0].quantiles).toHaveLength(9)
    expect(json.filters).toMatchObject({ layer: 'conv_1', tileWidth: 3, tileHeight: 3, count: 4, channels: 1 })
    expect(Buffer.from(json.filters.pixels, 'base64').byteLength).toBe(json.filters.width * json.filters.height)
  })

  it('pauses between batches, still stops while paused, and resumes', async () => {
    const s = sample('spirals')
    const gate = new PauseGate()
    const ctl = new AbortController()
    const r = new Recorder()
    let pausedSeen = false
    const send = (m: Parameters<Recorder['send']>[0]): void => {
      r.send(m)
      if (m.type === 'backend') gate.requestPause()
      if (m.type === 'paused') {
        pausedSeen = true
        const atPause = r.series(METRIC.batchLoss).length
        // Nothing trains while paused.
        setTimeout(() => {
          pointsWhilePaused = r.series(METRIC.batchLoss).length - atPause
          gate.requestResume()
        }, 100)
      }
    }
    let pointsWhilePaused = -1
    await runTraining({ runId: 'p', config: suggestedConfig(s, { epochs: 2 }), datasetDir: s.dir, runDir: runDir() }, { send, pause: gate, signal: ctl.signal })
    expect(pausedSeen).toBe(true)
    expect(pointsWhilePaused).toBe(0)
    expect(r.of('paused')).toHaveLength(1)
    expect(r.of('resumed')).toHaveLength(1)
    expect(r.of('done')[0]!.status).toBe('completed')

    const gate2 = new PauseGate()
    const r2 = new Recorder()
    const ctl2 = new AbortController()
    gate2.requestPause()
    await runTraining({ runId: 'p2', config: suggestedConfig(s, { epochs: 2 }), datasetDir: s.dir, runDir: runDir() }, {
      send: (m) => { r2.send(m); if (m.type === 'paused') { ctl2.abort(); gate2.requestResume() } }, pause: gate2, signal: ctl2.signal
    })
    expect(r2.of('done')[0]!.status).toBe('stopped')
  })

  it('resuming from a checkpoint gives the same final metrics as an uninterrupted run', async () => {
    const s = sample('iris')
    const config = suggestedConfig(s, { epochs: 6, backend: 'cpu', lrSchedule: { kind: 'cosine', decaySteps: 40, warmupSteps: 5 }, optimizer: 'adamw', regularization: { l2: 1e-3, classWeights: 'balanced' } })
    const full = await train(config, s.dir)
    const dir = runDir()
    const first = await train({ ...config, epochs: 3 }, s.dir, { runDir: dir })
    const ck = first.of('checkpoint').find((c) => c.epoch === 3)!
    // decaySteps is explicit: a cosine over "the whole run" would differ between 3 and 6 epochs.
    const rest = await train(config, s.dir, { runDir: dir, resumeFrom: { checkpointDir: ck.path, epoch: 3, step: ck.step } })
    expect(rest.of('notice').filter((n) => n.code === 'optimizer_state')).toHaveLength(0)
    expect(rest.series(METRIC.loss).map((p) => p.epoch)).toEqual([4, 5, 6])
    expect(rest.last(METRIC.valLoss)).toBe(full.last(METRIC.valLoss))
    expect(rest.last(METRIC.loss)).toBe(full.last(METRIC.loss))
    expect(rest.of('done')[0]!.steps).toBe(full.of('done')[0]!.steps)
  })

  it('resumes a studio-engine run with the engine\'s own optimizer state, exactly', async () => {
    const s = sample('spirals')
    const config = suggestedConfig(s, { epochs: 4, backend: 'cpu' })
    const full = await train(config, s.dir)
    expect(full.of('backend')[0]!.backend.engine).toMatch(/studio engine/)
    const dir = runDir()
    const first = await train({ ...config, epochs: 2 }, s.dir, { runDir: dir })
    const ck = first.of('checkpoint').find((c) => c.epoch === 2)!
    expect(ck.optimizerState).toBe(true)
    const rest = await train(config, s.dir, { runDir: dir, resumeFrom: { checkpointDir: ck.path, epoch: 2, step: ck.step } })
    expect(rest.of('backend')[0]!.backend.engine).toMatch(/studio engine/)
    expect(rest.of('notice').filter((n) => n.code === 'optimizer_state')).toHaveLength(0)
    expect(rest.last(METRIC.valLoss)).toBe(full.last(METRIC.valLoss))
    expect(rest.last(METRIC.loss)).toBe(full.last(METRIC.loss))
  })

  it('clips gradients by value and by global norm', async () => {
    const s = sample('iris')
    const initial = async (): Promise<Float32Array[]> => {
      const { model } = buildCompiledModel({ model: { template: 'mlp', hidden: [16] }, optimizer: 'sgd', learningRate: 1, seed: 1 }, { inputShape: [4], numClasses: 3, task: 'classification' })
      const w = model.getWeights().map((t) => t.dataSync() as Float32Array)
      model.dispose()
      return w
    }
    const w0 = await initial()
    // On the studio engine, and on the toolbox loop (a loss named other than the default sends the run there).
    for (const [gradClip, extra] of [[{ value: 1e-3 }, {}], [{ norm: 1e-3 }, {}], [{ value: 1e-3 }, { loss: 'sparseCategoricalCrossentropy' }], [{ norm: 1e-3 }, { loss: 'sparseCategoricalCrossentropy' }]] as const) {
      const r = await train(suggestedConfig(s, { model: { template: 'mlp', hidden: [16] }, optimizer: 'sgd', learningRate: 1, epochs: 1, gradClip, ...(extra as Partial<RunConfig>) }), s.dir)
      expect(r.of('backend')[0]!.backend.engine).toMatch('loss' in extra ? /custom training loop/ : /studio engine/)
      const steps = r.of('done')[0]!.steps
      const ck = r.of('checkpoint').at(-1)!
      const model = await loadCheckpointModel(ck.path)
      const w1 = model.getWeights().map((t) => t.dataSync() as Float32Array)
      model.dispose()
      let maxAbs = 0
      let sq = 0
      w1.forEach((w, i) => w.forEach((v, j) => { const d = v - w0[i]![j]!; maxAbs = Math.max(maxAbs, Math.abs(d)); sq += d * d }))
      // SGD at lr 1: each step moves a weight by at most `value`, all weights together by at most `norm`.
      if ('value' in gradClip) expect(maxAbs).toBeLessThanOrEqual(steps * 1e-3 * 1.0001)
      if ('norm' in gradClip) expect(Math.sqrt(sq)).toBeLessThanOrEqual(steps * 1e-3 * 1.0001)
      expect(maxAbs).toBeGreaterThan(0)
    }
  })

  it('a composed graph with BatchNormalization and Add checkpoints into a folder tf.loadLayersModel predicts from', async () => {
    // A small image set (64 + 16 images of 16×16×3, 4 classes): the ResNet template on the cpu backend is slow.
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'studio-img-')), 'img')
    const make = (n: number): { x: Uint8Array; y: Int32Array } => ({ x: Uint8Array.from({ length: n * 768 }, (_, i) => (i * 7919) % 256), y: Int32Array.from({ length: n }, (_, i) => i % 4) })
    writeCache(dir, { name: 'img', task: 'classification', inputShape: [16, 16, 3], classNames: ['a', 'b', 'c', 'd'], xDtype: 'uint8', xScale: 1 / 255, splits: { train: make(64), val: make(16) } })
    const graph = templateGraph('resnet', { inputShape: [16, 16, 3], task: 'classification', numClasses: 4 })
    const r = await train({ datasetId: 'img', model: { kind: 'graph', graph }, optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 1, seed: 1, backend: 'cpu', regularization: { augmentation: { shift: 0.1 } } }, dir)
    expect(r.of('backend')[0]!.backend.engine).toMatch(/custom training loop/)
    const ck = r.of('checkpoint').at(-1)!
    const model = await loadCheckpointModel(ck.path)
    const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 3)
    const p = model.predict(x) as tf.Tensor
    expect(p.shape).toEqual([2, 4])
    expect(p.sum(-1).dataSync()[0]).toBeCloseTo(1, 4)
    tf.dispose([x, p])
    model.dispose()
  }, 120_000)

  it('L1/L2 and clipping on the studio engine match the toolbox loop', async () => {
    const s = sample('iris')
    const config = suggestedConfig(s, { optimizer: 'sgd', learningRate: 0.1, epochs: 2, regularization: { l1: 1e-3, l2: 1e-2 }, gradClip: { norm: 0.5, value: 0.2 } })
    const engine = await train(config, s.dir)
    expect(engine.of('backend')[0]!.backend.engine).toMatch(/studio engine/)
    process.env['STUDIO_ENGINE'] = 'tfjs'
    let loop: Recorder
    try { loop = await train(config, s.dir) } finally { delete process.env['STUDIO_ENGINE'] }
    expect(loop.of('backend')[0]!.backend.engine).toMatch(/custom training loop.*L1\/L2 penalties, gradient clipping/)
    const a = engine.series(METRIC.loss).map((p) => p.value)
    const b = loop.series(METRIC.loss).map((p) => p.value)
    a.forEach((v, i) => expect(Math.abs(v - b[i]!) / b[i]!).toBeLessThan(1e-3))
    // The penalty is part of the training loss: with L2 the loss is higher than without.
    const plain = await train(suggestedConfig(s, { optimizer: 'sgd', learningRate: 0.1, epochs: 2, gradClip: { norm: 0.5, value: 0.2 } }), s.dir)
    expect(a[0]!).toBeGreaterThan(plain.series(METRIC.loss)[0]!.value)
  })

  it('augmentation, label smoothing, mixup/cutmix and class weights run on the studio engine with the same batches as the toolbox loop', async () => {
    const s = sample('digits')
    const config = suggestedConfig(s, { epochs: 1, batchSize: 64, model: { template: 'mlp', hidden: [32] }, optimizer: 'sgd', learningRate: 0.05,
      regularization: { labelSmoothing: 0.1, mixupAlpha: 0.4, cutmixAlpha: 1, augmentation: { flip: 'horizontal', shift: 0.1, rotation: 10, crop: 2, noise: 0.02 }, classWeights: [1, 2, 1, 1, 1, 1, 1, 1, 1, 3] } })
    const engine = await train(config, s.dir)
    expect(engine.of('backend')[0]!.backend.engine).toMatch(/studio engine/)
    const again = await train(config, s.dir)
    expect(again.series(METRIC.batchLoss).map((p) => p.value)).toEqual(engine.series(METRIC.batchLoss).map((p) => p.value))
    process.env['STUDIO_ENGINE'] = 'tfjs'
    let loop: Recorder
    try { loop = await train(config, s.dir) } finally { delete process.env['STUDIO_ENGINE'] }
    expect(loop.of('backend')[0]!.backend.engine).toMatch(/custom training loop.*augmentation/)
    // Same transformed batches, two implementations of the step: the losses agree closely.
    const a = engine.series(METRIC.batchLoss).map((p) => p.value)
    const b = loop.series(METRIC.batchLoss).map((p) => p.value)
    expect(a).toHaveLength(b.length)
    for (let i = 0; i < 5; i++) expect(Math.abs(a[i]! - b[i]!) / b[i]!).toBeLessThan(1e-3)
    expect(Math.abs(engine.last(METRIC.valLoss) - loop.last(METRIC.valLoss)) / loop.last(METRIC.valLoss)).toBeLessThan(0.02)
  }, 120_000)

  it('trains the LSTM template on sequences, on model.fit and on the toolbox loop', async () => {
    // 96 + 32 sequences of 8 steps × 2 features; class = whether the first feature rises overall.
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'studio-seq-')), 'seq')
    const make = (n: number, seed: number): { x: Float32Array; y: Int32Array } => {
      let st = seed
      const r = (): number => { st = (st * 1103515245 + 12345) % 2147483648; return st / 2147483648 - 0.5 }
      const x = new Float32Array(n * 16)
      const y = new Int32Array(n)
      for (let i = 0; i < n; i++) {
        const up = i % 2
        for (let t = 0; t < 8; t++) { x[i * 16 + t * 2] = (up ? t : -t) / 8 + 0.2 * r(); x[i * 16 + t * 2 + 1] = r() }
        y[i] = up
      }
      return { x, y }
    }
    writeCache(dir, { name: 'seq', task: 'classification', inputShape: [8, 2], classNames: ['down', 'up'], xDtype: 'float32', xScale: 1, splits: { train: make(96, 1), val: make(32, 2) } })
    const graph = templateGraph('lstm', { inputShape: [8, 2], task: 'classification', numClasses: 2 })
    for (const extra of [{}, { gradClip: { norm: 1 } }]) {
      const r = await train({ datasetId: 'seq', model: { kind: 'graph', graph }, optimizer: 'adam', learningRate: 0.01, batchSize: 16, epochs: 8, seed: 1, backend: 'cpu', ...extra }, dir)
      expect(r.of('done')[0]!.status).toBe('completed')
      expect(r.last(METRIC.valAcc)).toBeGreaterThanOrEqual(0.9)
    }
  }, 120_000)

  it('says in a notice when the optimizer state cannot be restored', async () => {
    const s = sample('iris')
    const dir = runDir()
    const first = await train(suggestedConfig(s, { epochs: 2 }), s.dir, { runDir: dir })
    const ck = first.of('checkpoint').at(-1)!
    // The engine saved its own slots; a toolbox-loop run (adamw) cannot take them.
    const rest = await train(suggestedConfig(s, { epochs: 3, optimizer: 'adamw' }), s.dir, { runDir: dir, resumeFrom: { checkpointDir: ck.path, epoch: 2, step: ck.step } })
    const n = rest.of('notice').find((m) => m.code === 'optimizer_state')!
    expect(n.message).toMatch(/fresh optimizer state: the checkpoint holds the studio engine's optimizer state/)
    expect(n).toMatchObject({ key: 'optimizerFresh', params: { epoch: 2 } })
    expect(rest.of('done')[0]).toMatchObject({ status: 'completed', epochsDone: 3 })
  })
})
