/**
 * In-process training: runTraining with a recording `send`, on the backend 'auto' picks here
 * (wasm on a machine without the native packages). Accuracy targets are the samples' promises.
 */
import { describe, expect, it } from 'vitest'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { METRIC } from '../../../preload/contract/types'
import { runTraining } from '../../../main/trainer/train'
import { checkpointLoader } from '../../../main/trainer/checkpoint'
import { TrainerError } from '../../../main/trainer/trainerError'
import { FLUSH_INTERVAL_MS } from '../../../main/trainer/protocol'
import { readHeader, readSplit } from '../../../main/datasets/cache'
import { Recorder, runDir, sample, suggestedConfig } from './trainHelpers'

describe('runTraining', () => {
  it('XOR reaches 100% accuracy with the suggested mlp [8] tanh, adam 0.05, batch 4, 200 epochs', async () => {
    const s = sample('xor')
    const r = new Recorder()
    const dir = runDir()
    const done = await runTraining({ runId: 'xor', config: suggestedConfig(s), datasetDir: s.dir, runDir: dir }, { send: r.send })
    expect(done).toMatchObject({ type: 'done', status: 'completed', epochsDone: 200, steps: 200 })
    expect(r.last(METRIC.acc)).toBe(1)
    expect(r.last(METRIC.valAcc)).toBe(1)
    expect(r.last(METRIC.loss)).toBeLessThan(0.1)
    // The protocol's order: backend first, done last, a checkpoint per epoch.
    expect(r.messages[0]!.type).toBe('backend')
    expect(r.messages.at(-1)).toBe(done)
    expect(r.of('checkpoint')).toHaveLength(200)
    expect(readdirSync(path.join(dir, 'checkpoints')).filter((d) => d.startsWith('.tmp'))).toEqual([])
  })

  it('two spirals reach ≥ 95% validation accuracy within 100 epochs (mlp [64, 64] relu, adam 0.01, batch 32)', async () => {
    const s = sample('spirals')
    const r = new Recorder()
    const done = await runTraining({ runId: 'sp', config: suggestedConfig(s), datasetDir: s.dir, runDir: runDir() }, { send: r.send })
    expect(done.epochsDone).toBe(100)
    expect(r.last(METRIC.valAcc)).toBeGreaterThanOrEqual(0.95)
  })

  it('streams batch and epoch metrics in batches, never one message per point', async () => {
    const s = sample('spirals')
    const r = new Recorder()
    const t0 = Date.now()
    const done = await runTraining({ runId: 'm', config: suggestedConfig(s, { epochs: 6, batchSize: 8 }), datasetDir: s.dir, runDir: runDir() }, { send: r.send })
    const elapsed = Date.now() - t0
    const loss = r.series(METRIC.batchLoss)
    expect(loss.map((p) => p.step)).toEqual([...Array(done.steps).keys()]) // global batch index, 0-based
    expect(r.series(METRIC.batchAcc)).toHaveLength(done.steps)
    expect(loss[0]!.epoch).toBe(1)
    expect(loss.at(-1)!.epoch).toBe(6)
    for (const name of [METRIC.loss, METRIC.acc, METRIC.valLoss, METRIC.valAcc, METRIC.lr, METRIC.samplesPerSec]) {
      const pts = r.series(name)
      expect(pts.map((p) => p.epoch), name).toEqual([1, 2, 3, 4, 5, 6])
      expect(pts[0]!.step, name).toBe(100 - 1) // 800 / 8 batches: the step of the epoch's last batch
    }
    expect(r.series(METRIC.lr)[0]!.value).toBe(0.01)
    expect(r.series(METRIC.samplesPerSec)[0]!.value).toBeGreaterThan(0)
    const msgs = r.of('metrics')
    // At most one message per flush interval (plus the final one), whatever the number of points.
    expect(msgs.length).toBeLessThanOrEqual(Math.ceil(elapsed / FLUSH_INTERVAL_MS) + 2)
    expect(msgs.length).toBeLessThan(done.steps / 4)
    const wall = loss.map((p) => p.wallTime)
    expect(wall[0]!).toBeGreaterThanOrEqual(t0)
    expect(wall.every((w, i) => i === 0 || w >= wall[i - 1]!)).toBe(true)
    const cps = r.of('checkpoint')
    expect(cps.map((c) => c.epoch)).toEqual([1, 2, 3, 4, 5, 6])
    expect(cps[0]!.metrics[METRIC.valAcc]).toBe(r.series(METRIC.valAcc)[0]!.value)
  })

  it('a stop requested mid-epoch stops within one batch and ends "stopped"', async () => {
    const s = sample('spirals')
    const r = new Recorder()
    const abort = new AbortController()
    let stepAtStop = -1
    const send: typeof r.send = (m) => {
      r.send(m)
      // Stop on the first metrics message. Where that falls depends on the engine's speed (the
      // studio engine may finish several 200-batch epochs before the first flush), so the
      // expectations below are computed from the step the stop came at.
      if (m.type === 'metrics' && stepAtStop < 0 && m.batch.step.length > 0) {
        stepAtStop = Math.max(...m.batch.step)
        abort.abort()
      }
    }
    const done = await runTraining({ runId: 'stop', config: suggestedConfig(s, { batchSize: 4, epochs: 1000 }), datasetDir: s.dir, runDir: runDir() }, { send, signal: abort.signal })
    expect(stepAtStop).toBeGreaterThan(0)
    expect(done.status).toBe('stopped')
    // The batch that was running when the stop came is the last one.
    expect(done.steps).toBe(stepAtStop + 1)
    expect(Math.max(...r.series(METRIC.batchLoss).map((p) => p.step))).toBe(stepAtStop)
    // Only the epochs that ended before the stop count, each with its checkpoint.
    const epochsDone = Math.floor((stepAtStop + 1) / 200)
    expect(done.epochsDone).toBe(epochsDone)
    expect(r.of('checkpoint')).toHaveLength(epochsDone)
  })

  it('a checkpoint folder loads back with tf.loadLayersModel and predicts the same outputs', async () => {
    const s = sample('iris')
    const r = new Recorder()
    const dir = runDir()
    const config = suggestedConfig(s, { epochs: 3 })
    await runTraining({ runId: 'ck', config, datasetDir: s.dir, runDir: dir }, { send: r.send })
    const last = r.of('checkpoint').at(-1)!
    expect(last.path).toBe(path.join(dir, 'checkpoints', 'epoch-0003'))
    const json = JSON.parse(readFileSync(path.join(last.path, 'model.json'), 'utf8'))
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin'])
    expect(json.format).toBe('layers-model')
    // bytes counts every file of the folder (model.json, weights.bin, state.json, optimizer.* when saved).
    expect(last.bytes).toBe(readdirSync(last.path).reduce((n, f) => n + readFileSync(path.join(last.path, f)).byteLength, 0))
    expect(readdirSync(last.path).sort()).toEqual(expect.arrayContaining(['model.json', 'state.json', 'weights.bin']))

    const header = readHeader(s.dir)
    const val = readSplit(s.dir, header, 'val')
    const model = await tf.loadLayersModel(checkpointLoader(last.path))
    const x = tf.tensor2d(val.x, [val.count, 4])
    const probs = model.predict(x) as tf.Tensor
    const pred = (await probs.argMax(-1).data()) as Int32Array
    const acc = pred.reduce((n, p, i) => n + (p === val.y[i] ? 1 : 0), 0) / val.count
    // Same weights ⇒ the loaded model's accuracy is exactly the run's last val_acc.
    expect(acc).toBeCloseTo(last.metrics[METRIC.valAcc]!, 6)
    // And a second load gives bit-identical outputs.
    const again = await tf.loadLayersModel(checkpointLoader(last.path))
    expect(Array.from((again.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(probs.dataSync()))
    expect(existsSync(path.join(dir, 'checkpoints', 'epoch-0001', 'weights.bin'))).toBe(true)
  })

  it('is reproducible: the same seed gives the same losses, another seed different ones', async () => {
    const s = sample('iris')
    const losses = async (seed: number) => {
      const r = new Recorder()
      await runTraining({ runId: 'rep', config: suggestedConfig(s, { epochs: 3, seed }), datasetDir: s.dir, runDir: runDir() }, { send: r.send })
      return r.series(METRIC.batchLoss).map((p) => p.value)
    }
    const a = await losses(5)
    const before = tf.memory().numTensors
    expect(await losses(5)).toEqual(a)
    expect(await losses(6)).not.toEqual(a)
    // Nothing leaks from one run to the next (a long run would otherwise grow without bound).
    expect(tf.memory().numTensors).toBe(before)
  })

  it('the digits CNN reaches ≥ 95% validation accuracy in 2 epochs (conv gradients on wasm)', async () => {
    const s = sample('digits')
    const r = new Recorder()
    const done = await runTraining({ runId: 'cnn', config: suggestedConfig(s, { epochs: 2 }), datasetDir: s.dir, runDir: runDir() }, { send: r.send })
    const backend = r.of('backend')[0]!
    expect(backend.paramCount).toBe(56714)
    expect(done.status).toBe('completed')
    expect(r.last(METRIC.valAcc)).toBeGreaterThanOrEqual(0.95)
  })

  it('fails with a specific code: dataset for a missing cache, model for a template that does not fit', async () => {
    const s = sample('iris')
    const r = new Recorder()
    await expect(runTraining({ runId: 'e1', config: suggestedConfig(s), datasetDir: path.join(s.dir, 'nope'), runDir: runDir() }, { send: r.send }))
      .rejects.toMatchObject({ code: 'dataset', message: expect.stringMatching(/missing/) })
    const err = await runTraining({ runId: 'e2', config: suggestedConfig(s, { model: { template: 'cnn' } }), datasetDir: s.dir, runDir: runDir() }, { send: r.send })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TrainerError)
    expect(err).toMatchObject({ code: 'model', message: expect.stringMatching(/image input/) })
    expect(r.of('done')).toHaveLength(0)
  })
})
