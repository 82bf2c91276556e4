/**
 * Correctness anchors of issue 4 on the studio's own trainer: each run is a real trainer process
 * (child_process.fork of main/trainer/entry.ts through tsx, the same file the app builds), fixed
 * seeds, cpu backend (wasm for the CNN comparison), generated or built-in datasets.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { fork } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { METRIC, type RunConfig } from '../../preload/contract/types'
import { RunConfigSchema } from '../../preload/contract/schemas'
import { templateGraph, type GraphDatasetInfo, type GraphTemplateId } from '../../preload/contract/model'
import { writeCache } from '../../main/datasets/cache'
import { installSamples, type SampleId, type SampleInfo } from '../../main/datasets/samples'
import { PROTOCOL_VERSION, isTrainerMessage, type ResumeFrom, type TrainerMessage } from '../../main/trainer/protocol'

const entry = path.resolve(__dirname, '../../main/trainer/entry.ts')
const root = mkdtempSync(path.join(tmpdir(), 'studio-toolbox-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

let samples: SampleInfo[] | null = null
function sample(id: SampleId): SampleInfo {
  samples ??= installSamples(path.join(root, 'samples'))
  return samples.find((s) => s.id === id)!
}

/** A seeded uniform generator in [-1, 1) (LCG: reproducible everywhere). */
function lcg(seed: number): () => number {
  let s = seed
  return () => { s = (s * 1103515245 + 12345) % 2147483648; return (s / 2147483648) * 2 - 1 }
}

/** y = 2·x0 − 3·x1 + 0.5 exactly: the weights a linear regression must recover. */
const TRUE_W = [2, -3]
const TRUE_B = 0.5
function linearDataset(): string {
  const dir = path.join(root, 'linear')
  const make = (n: number, seed: number): { x: Float32Array; y: Float32Array } => {
    const r = lcg(seed)
    const x = new Float32Array(n * 2)
    const y = new Float32Array(n)
    for (let i = 0; i < n; i++) { x[i * 2] = r(); x[i * 2 + 1] = r(); y[i] = TRUE_W[0]! * x[i * 2]! + TRUE_W[1]! * x[i * 2 + 1]! + TRUE_B }
    return { x, y }
  }
  writeCache(dir, { name: 'linear', task: 'regression', inputShape: [2], classNames: [], xDtype: 'float32', xScale: 1, splits: { train: make(400, 11), val: make(100, 12) } })
  return dir
}

/** Two classes split by the line x0 + 2·x1 = 0.1 (linearly separable, no label noise). */
function separableDataset(): string {
  const dir = path.join(root, 'separable')
  const make = (n: number, seed: number): { x: Float32Array; y: Int32Array } => {
    const r = lcg(seed)
    const x = new Float32Array(n * 2)
    const y = new Int32Array(n)
    for (let i = 0; i < n; i++) { x[i * 2] = r(); x[i * 2 + 1] = r(); y[i] = x[i * 2]! + 2 * x[i * 2 + 1]! > 0.1 ? 1 : 0 }
    return { x, y }
  }
  writeCache(dir, { name: 'separable', task: 'classification', inputShape: [2], classNames: ['below', 'above'], xDtype: 'float32', xScale: 1, splits: { train: make(400, 21), val: make(200, 22) } })
  return dir
}

interface Run { messages: TrainerMessage[]; code: number | null; series(name: string): { step: number; epoch: number; value: number }[]; last(name: string): number; done: Extract<TrainerMessage, { type: 'done' }> }

/**
 * Runs one trainer process to its end. `onMessage` may answer with host messages (pause, stop…)
 * through the `send` it gets.
 */
function runProcess(start: { config: RunConfig; datasetDir: string; runDir?: string; resumeFrom?: ResumeFrom },
  onMessage?: (m: TrainerMessage, send: (msg: object) => void, so: TrainerMessage[]) => void): Promise<Run> {
  RunConfigSchema.parse(start.config)
  const proc = fork(entry, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
  const messages: TrainerMessage[] = []
  let stderr = ''
  proc.stderr!.on('data', (d: Buffer) => { stderr += d.toString() })
  const send = (msg: object): void => { if (proc.connected) proc.send({ v: PROTOCOL_VERSION, ...msg }) }
  proc.on('message', (m) => {
    if (!isTrainerMessage(m)) throw new Error(`not a trainer message: ${JSON.stringify(m)}`)
    messages.push(m)
    if (m.type === 'ready') send({ type: 'start', runId: 'r', runDir: start.runDir ?? mkdtempSync(path.join(root, 'run-')), ...start })
    onMessage?.(m, send, messages)
  })
  return new Promise((resolve, reject) => proc.on('exit', (code) => {
    const done = messages.find((m) => m.type === 'done') as Run['done'] | undefined
    if (!done) { reject(new Error(`trainer exited ${code} without done: ${JSON.stringify(messages.filter((m) => m.type === 'error'))} ${stderr.slice(-2000)}`)); return }
    const series = (name: string): { step: number; epoch: number; value: number }[] => {
      const out: { step: number; epoch: number; value: number }[] = []
      for (const m of messages) {
        if (m.type !== 'metrics') continue
        const b = m.batch
        for (let i = 0; i < b.name.length; i++) if (b.name[i] === name) out.push({ step: b.step[i]!, epoch: b.epoch[i]!, value: b.value[i]! })
      }
      return out
    }
    resolve({ messages, code, series, done, last: (name) => series(name).at(-1)!.value })
  }))
}

function graphConfig(id: GraphTemplateId, data: GraphDatasetInfo, datasetId: string, over: Partial<RunConfig>): RunConfig {
  return { datasetId, model: { kind: 'graph', graph: templateGraph(id, data) }, optimizer: 'adam', learningRate: 0.05, batchSize: 32, epochs: 50, seed: 3, backend: 'cpu', ...over }
}

/** Reads the named weights of a checkpoint folder. */
async function checkpointWeights(dir: string): Promise<Record<string, number[]>> {
  const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON
  const bin = readFileSync(path.join(dir, 'weights.bin'))
  const map = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), json.weightsManifest[0]!.weights)
  const out: Record<string, number[]> = {}
  for (const [k, t] of Object.entries(map)) { out[k] = Array.from(await t.data()); t.dispose() }
  return out
}

describe('correctness anchors (real trainer process)', () => {
  it('linear regression recovers the true weights within 1%', async () => {
    const dir = linearDataset()
    const r = await runProcess({ config: graphConfig('linearRegression', { inputShape: [2], task: 'regression', numClasses: 0 }, 'linear', { epochs: 60, lrSchedule: { kind: 'exponential', decayRate: 0.5, decaySteps: 200 } }), datasetDir: dir })
    expect(r.done.status).toBe('completed')
    const last = r.messages.filter((m) => m.type === 'checkpoint').at(-1) as Extract<TrainerMessage, { type: 'checkpoint' }>
    const w = await checkpointWeights(last.path)
    const kernel = Object.entries(w).find(([k]) => k.endsWith('kernel'))![1]
    const bias = Object.entries(w).find(([k]) => k.endsWith('bias'))![1]
    console.info(`linear regression: w = [${kernel.map((v) => v.toFixed(5))}], b = ${bias[0]!.toFixed(5)}, val_r2 = ${r.last(METRIC.valR2)}`)
    expect(Math.abs(kernel[0]! - TRUE_W[0]!) / Math.abs(TRUE_W[0]!)).toBeLessThan(0.01)
    expect(Math.abs(kernel[1]! - TRUE_W[1]!) / Math.abs(TRUE_W[1]!)).toBeLessThan(0.01)
    expect(Math.abs(bias[0]! - TRUE_B) / TRUE_B).toBeLessThan(0.01)
  }, 120_000)

  it('the XOR network reaches 100% accuracy, and the same seed repeats the same metrics', async () => {
    const s = sample('xor')
    const config = graphConfig('xor', { inputShape: [2], task: 'classification', numClasses: 2 }, 'xor', { batchSize: 4, epochs: 200, learningRate: 0.05 })
    const a = await runProcess({ config, datasetDir: s.dir })
    expect(a.last(METRIC.valAcc)).toBe(1)
    const b = await runProcess({ config, datasetDir: s.dir })
    expect(b.series(METRIC.loss).map((p) => p.value)).toEqual(a.series(METRIC.loss).map((p) => p.value))
    expect(b.series(METRIC.valLoss).map((p) => p.value)).toEqual(a.series(METRIC.valLoss).map((p) => p.value))
  }, 120_000)

  it('logistic regression reaches ≥ 90% on a linearly separable set (with F1 and AUC logged)', async () => {
    const dir = separableDataset()
    const r = await runProcess({ config: graphConfig('logisticRegression', { inputShape: [2], task: 'classification', numClasses: 2 }, 'separable', { epochs: 40, metrics: ['accuracy', 'f1', 'auc'] }), datasetDir: dir })
    console.info(`logistic regression: val_acc ${r.last(METRIC.valAcc)}, val_f1 ${r.last(METRIC.valF1)}, val_auc ${r.last(METRIC.valAuc)}`)
    expect(r.last(METRIC.valAcc)).toBeGreaterThanOrEqual(0.9)
    expect(r.last(METRIC.valAuc)).toBeGreaterThan(0.95)
  }, 120_000)

  it('a small CNN beats the MLP template on the digits sample with the same budget', async () => {
    const s = sample('digits')
    // The studio's small CNN (two conv blocks) against the MLP template: same optimizer, rate, batch, epochs, seed.
    const budget = { datasetId: 'digits', optimizer: 'adam', epochs: 2, batchSize: 32, learningRate: 0.001, seed: 3, backend: 'auto' } as const
    const cnn = await runProcess({ config: { ...budget, model: { template: 'cnn' } }, datasetDir: s.dir })
    const mlp = await runProcess({ config: { ...budget, model: { template: 'mlp' } }, datasetDir: s.dir })
    const engine = (r: Run): string => (r.messages.find((m) => m.type === 'backend') as Extract<TrainerMessage, { type: 'backend' }>).backend.engine ?? '?'
    console.info(`digits, 2 epochs: CNN val_acc ${r4(cnn.last(METRIC.valAcc))} (${engine(cnn)}), MLP val_acc ${r4(mlp.last(METRIC.valAcc))} (${engine(mlp)})`)
    expect(cnn.last(METRIC.valAcc)).toBeGreaterThan(mlp.last(METRIC.valAcc))
  }, 300_000)

  it('resume from a checkpoint gives the same final metrics as an uninterrupted run (cpu)', async () => {
    const s = sample('iris')
    const config: RunConfig = {
      datasetId: 'iris', model: { template: 'mlp', hidden: [16] }, optimizer: 'adam', learningRate: 0.01, batchSize: 16, epochs: 8, seed: 5, backend: 'cpu',
      // A loss named explicitly keeps this run on the TF.js toolbox loop (the engine path resumes exactly too: unit tests).
      loss: 'sparseCategoricalCrossentropy', lrSchedule: { kind: 'cosine', decaySteps: 60, warmupSteps: 8 }, regularization: { l2: 1e-3, classWeights: 'balanced' }
    }
    const full = await runProcess({ config, datasetDir: s.dir })
    // Interrupted: stop as soon as epoch 4's checkpoint is announced, then resume from it in a new process.
    const dir = mkdtempSync(path.join(root, 'run-'))
    const first = await runProcess({ config, datasetDir: s.dir, runDir: dir }, (m, send) => {
      if (m.type === 'checkpoint' && m.epoch === 4) send({ type: 'stop' })
    })
    expect(first.done.status).toBe('stopped')
    const ck = first.messages.find((m) => m.type === 'checkpoint' && m.epoch === 4) as Extract<TrainerMessage, { type: 'checkpoint' }>
    expect(ck.optimizerState).toBe(true)
    const rest = await runProcess({ config, datasetDir: s.dir, runDir: dir, resumeFrom: { checkpointDir: ck.path, epoch: 4, step: ck.step } })
    expect(rest.messages.some((m) => m.type === 'notice' && m.code === 'optimizer_state')).toBe(false)
    expect(rest.series(METRIC.loss)[0]!.epoch).toBe(5)
    expect(rest.done).toMatchObject({ status: 'completed', epochsDone: 8, steps: full.done.steps })
    expect(rest.last(METRIC.loss)).toBe(full.last(METRIC.loss))
    expect(rest.last(METRIC.valLoss)).toBe(full.last(METRIC.valLoss))
    expect(rest.last(METRIC.valAcc)).toBe(full.last(METRIC.valAcc))
  }, 120_000)

  it('early stopping ends the run after `patience` epochs without improvement', async () => {
    const s = sample('iris')
    const r = await runProcess({ config: { datasetId: 'iris', model: { template: 'mlp', hidden: [16] }, optimizer: 'adam', learningRate: 0.5, batchSize: 16, epochs: 100, seed: 1, backend: 'cpu', earlyStopping: { monitor: 'val_loss', patience: 3 } }, datasetDir: s.dir })
    expect(r.done.status).toBe('completed')
    expect(r.done.earlyStopped).toMatchObject({ monitor: 'epoch/val_loss', restored: true })
    expect(r.done.epochsDone).toBe(r.done.earlyStopped!.bestEpoch + 3)
    expect(r.done.epochsDone).toBeLessThan(100)
  }, 60_000)

  it('a NaN loss ends the run as diverged with the step', async () => {
    const r = await runProcess({ config: { datasetId: 'linear', model: { template: 'mlp', hidden: [32, 32] }, optimizer: 'sgd', learningRate: 10, batchSize: 8, epochs: 50, seed: 1, backend: 'cpu' }, datasetDir: linearDataset() })
    expect(r.code).toBe(0)
    expect(r.done.status).toBe('diverged')
    expect(r.done.diverged!.step).toBeGreaterThanOrEqual(0)
    expect(r.done.diverged!.epoch).toBeGreaterThanOrEqual(1)
    // No point after the divergence.
    expect(Math.max(...r.series(METRIC.batchLoss).map((p) => p.step))).toBeLessThan(r.done.diverged!.step)
  }, 60_000)

  it('pause parks the trainer between batches until resume; stop still ends a paused run', async () => {
    const s = sample('digits')
    // Long enough (the engine trains an epoch of this in ~0.1 s) that the pause lands mid-run.
    const config: RunConfig = { datasetId: 'digits', model: { template: 'mlp', hidden: [32] }, optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 30, seed: 1, backend: 'cpu', lrSchedule: { kind: 'cosine' } }
    let pointsAtPause = -1
    let pointsBeforeResume = -1
    const count = (ms: TrainerMessage[]): number => ms.reduce((n, m) => n + (m.type === 'metrics' ? m.batch.name.length : 0), 0)
    let asked = false
    const r = await runProcess({ config, datasetDir: s.dir }, (m, send, so) => {
      if (m.type === 'metrics' && !asked) { asked = true; send({ type: 'pause' }) }
      if (m.type === 'paused') {
        pointsAtPause = count(so)
        setTimeout(() => { pointsBeforeResume = count(so); send({ type: 'resume' }) }, 300)
      }
    })
    expect(asked).toBe(true)
    expect(r.messages.filter((m) => m.type === 'paused')).toHaveLength(1)
    expect(r.messages.filter((m) => m.type === 'resumed')).toHaveLength(1)
    expect(pointsBeforeResume).toBe(pointsAtPause)
    expect(r.done.status).toBe('completed')

    const stopped = await runProcess({ config, datasetDir: s.dir }, (m, send) => {
      if (m.type === 'backend') send({ type: 'pause' })
      if (m.type === 'paused') setTimeout(() => send({ type: 'stop' }), 100)
    })
    expect(stopped.done.status).toBe('stopped')
  }, 120_000)
})

function r4(v: number): string {
  return v.toFixed(4)
}
