/**
 * Issue 4, main side, end to end under plain Node: a real SQLite file, real trainer processes and
 * the real evaluation job (both from the build in out/), the sample datasets. Covers graph runs
 * recording their model version, checkpoint retention, export loaded by tf.loadLayersModel from
 * file:// URLs, evaluation and prediction, pause/resume, runs:resumeFrom and runs:fork.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDispatcher, type Dispatch } from '../../main/ipc/dispatch'
import type { StudioCore } from '../../main/services/studio'
import { templateGraph } from '../../preload/contract/model/templates'
import type { Envelope } from '../../preload/contract/channels'
import type {
  CheckpointExport, CheckpointInfo, Evaluation, MetricBatch, Prediction, RunConfig, RunDetail, RunSummary
} from '../../preload/contract/types'
import { openTestCore } from '../helpers/core'
import { tempDir } from '../helpers/tmp'

let t: ReturnType<typeof tempDir>
let core: StudioCore
let dispatch: Dispatch

const ok = <T>(r: Envelope<unknown>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value as T
}
const detail = async (runId: string) => ok<RunDetail>(await dispatch('runs:get', { runId }))

/** `tf.loadLayersModel('file://…')` in plain @tensorflow/tfjs: a load router for file:// URLs. */
tf.io.registerLoadRouter(((url: string | string[]) => {
  const u = Array.isArray(url) ? url[0] : url
  if (typeof u !== 'string' || !u.startsWith('file://')) return null
  const file = fileURLToPath(u)
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(file, 'utf8')) as tf.io.ModelJSON
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((g) => g.weights)
        const bufs = manifest.flatMap((g) => g.paths.map((p) => readFileSync(path.join(path.dirname(file), p))))
        const all = Buffer.concat(bufs)
        return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)]
      })
    }
  }
}) as unknown as Parameters<typeof tf.io.registerLoadRouter>[0])

beforeAll(() => {
  t = tempDir('studio-life-')
  core = openTestCore(t.dir)
  dispatch = createDispatcher(core.handlers)
})
afterAll(async () => {
  await core?.close()
  t.cleanup()
})

const xorGraph = () => templateGraph('xor', { inputShape: [2], task: 'classification', numClasses: 2 })
const base = { optimizer: 'adam', seed: 7, backend: 'cpu', batchSize: 4 } as const

describe('issue 4 lifecycle through real processes', () => {
  let xorRun: RunSummary

  it('a graph run records its saved model version and keeps only the last K checkpoints plus the best', async () => {
    const config = {
      ...base, datasetId: 'xor', learningRate: 0.05, epochs: 40,
      model: { kind: 'graph', graph: xorGraph() }, checkpointPolicy: { keepLast: 3 }
    } as unknown as RunConfig
    xorRun = ok<RunSummary>(await dispatch('runs:start', { config }))
    expect(xorRun.modelId).toMatch(/^m-/)
    expect(xorRun.modelVersion).toBe(1)
    const end = await core.waitForEnd(xorRun.id, 180_000)
    expect(end.error).toBeNull()
    expect(end.status).toBe('completed')
    const d = await detail(xorRun.id)
    const model = (d.config.model as { modelId?: string; modelVersion?: number })
    expect([model.modelId, model.modelVersion]).toEqual([xorRun.modelId, 1])
    const models = ok<{ id: string; runCount: number }[]>(await dispatch('models:list', {}))
    expect(models.find((m) => m.id === xorRun.modelId)!.runCount).toBe(1)
    const live = d.checkpoints.filter((c) => !c.deleted)
    const best = d.checkpoints.find((c) => c.isBest)!
    expect(best.deleted).toBe(false)
    expect(d.checkpoints.filter((c) => c.isLast)).toHaveLength(1)
    // last 3 (by epoch) and the best survive; every other folder is gone, its row marked deleted
    const lastThree = d.checkpoints.slice(-3).map((c) => c.id)
    expect(new Set(live.map((c) => c.id))).toEqual(new Set([...lastThree, best.id]))
    for (const c of d.checkpoints) expect(existsSync(path.join(c.path, 'model.json')), `epoch ${c.epoch}`).toBe(!c.deleted)
    console.info(`xor graph run: ${d.checkpoints.length} checkpoints written, ${live.length} kept, best epoch ${best.epoch}`)
    // a second graph run with the same spec reuses the saved version
    const again = core.startRun({ ...config, epochs: 1, name: 'again' })
    expect([again.modelId, again.modelVersion]).toEqual([xorRun.modelId, 1])
    await core.waitForEnd(again.id, 60_000)
  })

  it('retention never deletes the best checkpoint, even when it is older than the last K', async () => {
    // bestMode 'max' on val_loss makes the worst epoch (an early one) the "best": deterministic and old.
    const run = core.startRun({
      ...base, datasetId: 'xor', learningRate: 0.05, epochs: 8, model: { template: 'mlp', hidden: [8], activation: 'tanh' },
      checkpointPolicy: { keepLast: 2, bestMetric: 'val_loss', bestMode: 'max' }
    } as RunConfig)
    const end = await core.waitForEnd(run.id, 60_000)
    expect(end.error).toBeNull()
    const d = await detail(run.id)
    const worst = d.checkpoints.reduce((a, c) => (c.metrics['epoch/val_loss']! > a.metrics['epoch/val_loss']! ? c : a))
    const best = d.checkpoints.find((c) => c.isBest)!
    expect(best.id).toBe(worst.id)
    expect(best.epoch).toBeLessThan(7)
    expect(d.checkpoints.filter((c) => !c.deleted).map((c) => c.epoch)).toEqual([best.epoch, 7, 8])
    expect(existsSync(path.join(best.path, 'model.json'))).toBe(true)
  })

  it('exports a checkpoint that tf.loadLayersModel(file://…) loads and that predicts like the checkpoint and runs:predict', async () => {
    const d = await detail(xorRun.id)
    const best = d.checkpoints.find((c) => c.isBest)!
    const exp = ok<CheckpointExport>(await dispatch('runs:exportCheckpoint', { checkpointId: best.id }))
    expect(exp.dir).toBe(path.join(core.layout.root, 'exports', `${xorRun.id}-epoch-${String(best.epoch).padStart(4, '0')}`))
    expect(exp.files).toEqual(['model.json', 'weights.bin'])
    const exported = await tf.loadLayersModel(`file://${path.join(exp.dir, 'model.json')}`)
    const original = await tf.loadLayersModel(`file://${path.join(best.path, 'model.json')}`)
    const x = tf.tensor2d([[0, 0], [0, 1], [1, 0], [1, 1]])
    const a = Array.from((exported.predict(x) as tf.Tensor).dataSync())
    const b = Array.from((original.predict(x) as tf.Tensor).dataSync())
    expect(a).toEqual(b)
    const t0 = performance.now()
    const viaStudio = ok<Prediction>(await dispatch('runs:predict', { runId: xorRun.id, checkpointId: best.id, input: { row: [0, 1] } }))
    console.info(`first runs:predict, starting the evaluation process and loading the checkpoint: ${(performance.now() - t0).toFixed(0)} ms`)
    expect(viaStudio.probabilities).toHaveLength(2)
    expect(viaStudio.probabilities[0]!).toBeCloseTo(a[2]!, 5)
    expect(viaStudio.probabilities[1]!).toBeCloseTo(a[3]!, 5)
    expect(viaStudio.predictedClass).toBe(1)
    x.dispose()
    exported.dispose()
    original.dispose()
    // a second export of the same checkpoint gets its own folder; browser mode refuses folders outside exports/
    const again = ok<CheckpointExport>(await dispatch('runs:exportCheckpoint', { checkpointId: best.id }))
    expect(again.dir.endsWith('-2')).toBe(true)
    const escape = await dispatch('runs:exportCheckpoint', { checkpointId: best.id, destDir: path.join(t.dir, 'runs') })
    expect(!escape.ok && escape.error.message).toMatch(/leaves/)
    const deleted = d.checkpoints.find((c) => c.deleted)!
    const gone = await dispatch('runs:exportCheckpoint', { checkpointId: deleted.id })
    expect(!gone.ok && gone.error.message).toMatch(/retention policy/)
  })

  it('evaluates the best checkpoint on val: the numbers match the logged val accuracy; the second call is cached', async () => {
    const d = await detail(xorRun.id)
    const best = d.checkpoints.find((c) => c.isBest)!
    const e = ok<Evaluation>(await dispatch('runs:evaluate', { runId: xorRun.id, split: 'val' }))
    expect(e.checkpointId).toBe(best.id)
    expect(e.cached).toBe(false)
    expect(e.confusion!.total).toBe(e.count)
    expect(e.report!.accuracy).toBeCloseTo(best.metrics['epoch/val_acc']!, 6)
    expect(e.loss!).toBeCloseTo(best.metrics['epoch/val_loss']!, 3)
    expect(e.roc!.fpr.length).toBeGreaterThan(1)
    const cells = e.examples!.flat().flat()
    expect(cells.length).toBe(e.count)
    console.info(`evaluation of ${e.count} val examples took ${e.seconds.toFixed(2)} s (incl. starting the evaluation process)`)
    const again = ok<Evaluation>(await dispatch('runs:evaluate', { runId: xorRun.id, split: 'val' }))
    expect(again.cached).toBe(true)
    expect(again.confusion).toEqual(e.confusion)
    const noTest = await dispatch('runs:evaluate', { runId: xorRun.id, split: 'test' })
    expect(!noTest.ok && noTest.error.message).toMatch(/no test split/)
  })

  it('forks a checkpoint into a new linked run with a changed learning rate', async () => {
    const d = await detail(xorRun.id)
    const from = d.checkpoints.find((c) => c.isBest)!
    const fork = ok<RunSummary>(await dispatch('runs:fork', { checkpointId: from.id, overrides: { learningRate: 0.01, epochs: from.epoch + 3 } }))
    expect(fork.id).not.toBe(xorRun.id)
    expect([fork.parentRunId, fork.parentCheckpointId]).toEqual([xorRun.id, from.id])
    const end = await core.waitForEnd(fork.id, 120_000)
    expect(end.error).toBeNull()
    expect(end.status).toBe('completed')
    const fd = await detail(fork.id)
    expect(fd.config.learningRate).toBe(0.01)
    expect(fd.checkpoints.map((c) => c.epoch)).toEqual([from.epoch + 1, from.epoch + 2, from.epoch + 3])
    const series = core.metrics.series(fork.id, ['batch/loss'])
    expect(series['batch/loss']!.step[0]).toBe(from.step + 1)
    // the trainer's notices (here: early stopping on a metric this run does not log) reach listeners and runs:get
    const notices: string[] = []
    const off = core.hub.subscribe((ev, p) => { if (ev === 'runs:didNotice') notices.push((p as { notice: { code: string } }).notice.code) })
    const sched = ok<RunSummary>(await dispatch('runs:fork', { checkpointId: from.id, overrides: { epochs: from.epoch + 1, earlyStopping: { monitor: 'val_r2' } } }))
    await core.waitForEnd(sched.id, 120_000)
    off()
    const sd = await detail(sched.id)
    expect(notices).toContain('early_stopping')
    expect(sd.notices!.map((n) => n.code)).toEqual(notices)
    expect(sd.notices!.find((n) => n.code === 'early_stopping')!.message).toMatch(/val_r2/)
    const bad = await dispatch('runs:fork', { checkpointId: from.id, overrides: { datasetId: 'iris' } })
    expect(!bad.ok && bad.error.message).toMatch(/overrides\.datasetId/)
    const few = await dispatch('runs:fork', { checkpointId: from.id, overrides: { epochs: 1 } })
    expect(!few.ok && few.error.message).toMatch(/epochs must be more than/)
    const lr = await dispatch('runs:fork', { checkpointId: from.id, overrides: { learningRate: -3 } })
    expect(!lr.ok && lr.error.message).toMatch(/overrides\.learningRate/)
  })

  it('resumeFrom continues the same run from an earlier checkpoint: same final metrics as uninterrupted (adam state restored, cpu)', async () => {
    const config: RunConfig = { ...base, optimizer: 'adam', datasetId: 'spirals', learningRate: 0.01, batchSize: 32, epochs: 6, model: { template: 'mlp', hidden: [16] } } as RunConfig
    const run = core.startRun(config)
    const end = await core.waitForEnd(run.id, 180_000)
    expect(end.status).toBe('completed')
    const before = core.metrics.series(run.id)
    const finalLoss = before['epoch/loss']!.value.at(-1)!
    const cps = (await detail(run.id)).checkpoints
    const third = cps.find((c) => c.epoch === 3)!
    const resumed = ok<RunSummary>(await dispatch('runs:resumeFrom', { runId: run.id, checkpointId: third.id }))
    expect(resumed.id).toBe(run.id)
    expect(resumed.status).toBe('running')
    expect(resumed.resumeCount).toBe(1)
    const end2 = await core.waitForEnd(run.id, 180_000)
    expect(end2.error).toBeNull()
    expect(end2.status).toBe('completed')
    expect(end2.epochsDone).toBe(6)
    const after = core.metrics.series(run.id)
    // the abandoned tail was replaced, not duplicated
    expect(after['epoch/loss']!.epoch).toEqual([1, 2, 3, 4, 5, 6])
    expect(after['batch/loss']!.step.length).toBe(before['batch/loss']!.step.length)
    expect(after['epoch/loss']!.value.at(-1)!).toBeCloseTo(finalLoss, 5)
    const cps2 = (await detail(run.id)).checkpoints
    expect(cps2.map((c) => c.epoch)).toEqual([1, 2, 3, 4, 5, 6])
    expect(cps2.slice(0, 3).map((c) => c.id)).toEqual(cps.slice(0, 3).map((c) => c.id))
    console.info(`resumeFrom epoch 3 of 6: final loss ${after['epoch/loss']!.value.at(-1)} vs uninterrupted ${finalLoss}`)
    const notices = (await detail(run.id)).notices ?? []
    console.info(`notices of the resumed run: ${notices.map((n) => `${n.code}: ${n.message}`).join(' | ') || 'none'}`)
    expect(notices.some((n) => n.code === 'optimizer_state')).toBe(false)
    const last = cps2.at(-1)!
    const done = await dispatch('runs:resumeFrom', { runId: run.id, checkpointId: last.id })
    expect(!done.ok && done.error.message).toMatch(/nothing is left to train/)
    const other = await dispatch('runs:resumeFrom', { runId: xorRun.id, checkpointId: last.id })
    expect(!other.ok && other.error.code).toBe('not_found')
  })

  it('pauses and resumes a running run', async () => {
    const run = core.startRun({ ...base, datasetId: 'spirals', learningRate: 0.01, batchSize: 8, epochs: 400, model: { template: 'mlp', hidden: [32, 32] } } as RunConfig)
    // wait for the first metrics so the trainer is in its loop
    await new Promise<void>((resolve) => {
      const off = core.hub.subscribe((e, p) => {
        if (e === 'runs:didMetrics' && (p as { runId: string; batch: MetricBatch }).runId === run.id) { off(); resolve() }
      })
    })
    const paused = ok<RunSummary>(await dispatch('runs:pause', { runId: run.id }))
    expect(paused.status).toBe('paused')
    const twice = await dispatch('runs:pause', { runId: run.id })
    expect(!twice.ok && twice.error.code).toBe('conflict')
    const resumed = ok<RunSummary>(await dispatch('runs:resume', { runId: run.id }))
    expect(resumed.status).toBe('running')
    ok(await dispatch('runs:pause', { runId: run.id }))
    // a paused run can still be stopped
    ok(await dispatch('runs:stop', { runId: run.id }))
    const end = await core.waitForEnd(run.id, 60_000)
    expect(end.status).toBe('stopped')
    const notLive = await dispatch('runs:resume', { runId: run.id })
    expect(!notLive.ok && notLive.error.code).toBe('conflict')
  })

  it('evaluates and predicts on images (digits CNN): 10 classes, top-k, a dropped PNG; distributions per epoch', async () => {
    const run = core.startRun({ ...base, optimizer: 'adam', datasetId: 'digits', learningRate: 0.01, batchSize: 64, epochs: 2, model: { template: 'cnn', filters: [8, 8], denseUnits: 32 } } as RunConfig)
    const end = await core.waitForEnd(run.id, 300_000)
    expect(end.error).toBeNull()
    const e = ok<Evaluation>(await dispatch('runs:evaluate', { runId: run.id, split: 'val' }))
    expect(e.confusion!.counts).toHaveLength(10)
    expect(e.topK.map((x) => x.k)).toEqual([3, 5])
    expect(e.roc).toBeNull()
    const info = core.datasets.get('digits')!
    const [h, w] = info.inputShape as [number, number, number]
    const png = new PNG({ width: w * 3, height: h * 3 })
    png.data.fill(255)
    const t0 = performance.now()
    const p = ok<Prediction>(await dispatch('runs:predict', { runId: run.id, input: { imagePng: PNG.sync.write(png).toString('base64') } }))
    const predictMs = performance.now() - t0
    expect(p.probabilities).toHaveLength(10)
    expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4)
    expect(p.inputShape).toEqual(info.inputShape)
    const dist = ok<{ points: { epoch: number }[]; filters: { epoch: number }[] }>(await dispatch('runs:distributions', { runId: run.id }))
    console.info(`digits cnn: evaluated ${e.count} val images in ${e.seconds.toFixed(2)} s (val acc ${e.report!.accuracy.toFixed(3)}), PNG prediction in ${predictMs.toFixed(0)} ms; ${dist.points.length} distribution points, ${dist.filters.length} filter images`)
    const badRow = await dispatch('runs:predict', { runId: run.id, input: { row: [1, 2] } })
    expect(!badRow.ok && badRow.error.code).toBe('invalid_argument')
  })

  it('regression on an imported CSV: report, scatter with split indices, residuals; a pasted row is encoded like the dataset', async () => {
    const lines = ['x1,x2,color,y']
    let seed = 3
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
    for (let i = 0; i < 400; i++) {
      const x1 = rnd() * 10; const x2 = rnd() * 5; const color = ['red', 'green', 'blue'][i % 3]!
      lines.push(`${x1.toFixed(3)},${x2.toFixed(3)},${color},${(2 * x1 - x2 + (color === 'red' ? 3 : 0)).toFixed(3)}`)
    }
    const csv = path.join(t.dir, 'linear.csv')
    writeFileSync(csv, `${lines.join('\n')}\n`)
    const end = await core.datasetService.startImport({ paths: [csv] }, { name: 'Linear', target: 'y', task: 'regression', seed: 1 }).done
    expect(end.ok, JSON.stringify(end.error)).toBe(true)
    const run = core.startRun({ ...base, datasetId: end.datasetId!, learningRate: 0.01, batchSize: 16, epochs: 30, model: { template: 'mlp', hidden: [16] } } as RunConfig)
    const done = await core.waitForEnd(run.id, 180_000)
    expect(done.error).toBeNull()
    const e = ok<Evaluation>(await dispatch('runs:evaluate', { runId: run.id, split: 'val' }))
    expect(e.task).toBe('regression')
    expect(e.confusion).toBeNull()
    expect(e.regression!.actual).toHaveLength(e.count)
    expect(e.regression!.indices).toEqual(Array.from({ length: e.count }, (_, i) => i))
    expect(e.regression!.residuals.counts.reduce((a, b) => a + b, 0)).toBe(e.count)
    expect(e.regression!.report.r2!).toBeGreaterThan(0.9)
    // the first val row, as datasets:rows shows it, predicts close to its target
    const rows = ok<{ rows: (string | number | null)[][] }>(await dispatch('datasets:rows', { datasetId: end.datasetId!, split: 'val', offset: 0, limit: 1 }))
    const row = rows.rows[0]!
    const p = ok<Prediction>(await dispatch('runs:predict', { runId: run.id, input: { row: row.slice(0, -1) } }))
    expect(p.task).toBe('regression')
    expect(p.value![0]!).toBeCloseTo(e.regression!.predicted[0]!, 4)
    console.info(`regression: val r2 ${e.regression!.report.r2!.toFixed(3)}, rmse ${e.regression!.report.rmse.toFixed(3)} over ${e.count} rows`)
    const bad = await dispatch('runs:predict', { runId: run.id, input: { row: [1, 2, 'purple'] } })
    expect(!bad.ok && bad.error.message).toMatch(/input\.row\[2\] \(color\): expected one of/)
  })

  it('a model that runs trained is tombstoned on delete; runs keep their spec', async () => {
    const r = ok<{ modelId: string; tombstone: boolean }>(await dispatch('models:delete', { modelId: xorRun.modelId! }))
    expect(r.tombstone).toBe(true)
    const d = await detail(xorRun.id)
    expect((d.config.model as { graph?: unknown }).graph).toEqual(xorGraph())
    expect(d.summary.modelId).toBe(xorRun.modelId)
  })
})
