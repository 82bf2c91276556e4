/// <reference lib="dom" />
/**
 * `npm run bench`: the spine's figures, measured side by side in one run, printed as JSON
 * (and written to bench-results/latest.json). Not a test: nothing here asserts a time.
 *
 *   overhead   MLP 784-256-128-10, batch 128, 20k samples: samples/s through the studio (trainer
 *              process + metric streaming + SQLite writes in main) vs bare model.fit on the same
 *              backend, alternating, medians over epochs after the first.
 *   ingest     rows/s of batched metric inserts into a real SQLite file.
 *   latency    browser mode: batch end in the trainer → point drawn in Chromium, p50/p95 (digits CNN,
 *              long enough to sample for several seconds).
 *   backends   raw model.fit samples/s of every backend available here.
 *   import     dataset import through the real service and worker: a Fashion-MNIST-sized IDX set
 *              (60k + 10k 28×28, gzipped), a 100 MB numeric CSV and 10,000 PNG files, generated in
 *              a temp folder; seconds, and peak RSS above the baseline vs the final tensor bytes.
 *
 *   models     samples/s of the MLP and small CNN templates through the trainer's loop, per backend (issue 4).
 *   composer   analyzeGraph on a 200-layer graph: median/p95 ms (goal ≤ 16 ms; issue 4).
 *
 * Flags: --quick (smaller sizes, for a smoke run), --only overhead,ingest,latency,backends,import,models,composer
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import type { MetricBatch, ModelSpec } from '../../preload/contract/types'
import { writeCache } from '../../main/datasets/cache'
import { benchImport } from './importBench'
import { benchComposer, benchModels } from './toolboxBench'
import { openDatabase } from '../../main/storage/db'
import { MetricsRepo } from '../../main/storage/metricsRepo'
import { RunsRepo } from '../../main/storage/runsRepo'
import { DatasetsRepo } from '../../main/storage/datasetsRepo'
import { selectBackend } from '../../main/trainer/backend'
import { buildCompiledModel } from '../../main/trainer/models'
import { openTestCore, repoRoot } from '../helpers/core'
import { launchChromium, startServe } from '../helpers/browser'
import { tempDir } from '../helpers/tmp'

const quick = process.argv.includes('--quick')
const onlyArg = process.argv.find((a) => a.startsWith('--only'))
const only = onlyArg ? new Set((onlyArg.split('=')[1] ?? process.argv[process.argv.indexOf(onlyArg) + 1] ?? '').split(',')) : null
const want = (k: string) => !only || only.has(k)
const say = (s: string) => process.stderr.write(`[bench] ${s}\n`)

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!
}

function syntheticMnistLike(n: number, seed = 1): { x: Float32Array; y: Int32Array } {
  let st = seed >>> 0
  const rnd = () => ((st = (st * 1664525 + 1013904223) >>> 0) / 2 ** 32)
  const x = new Float32Array(n * 784)
  const y = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    y[i] = Math.floor(rnd() * 10)
    for (let j = 0; j < 784; j++) x[i * 784 + j] = rnd()
  }
  return { x, y }
}

const MLP: ModelSpec = { template: 'mlp', hidden: [256, 128], activation: 'relu' }
const header = { inputShape: [784], numClasses: 10, task: 'classification' as const }

/** Bare model.fit, one epoch at a time: samples/s per epoch. */
async function bareFit(xs: tf.Tensor, ys: tf.Tensor, epochs: number): Promise<number[]> {
  const { model } = buildCompiledModel({ model: MLP, optimizer: 'adam', learningRate: 0.001, seed: 1 }, header)
  const n = xs.shape[0]!
  const out: number[] = []
  for (let e = 0; e < epochs; e++) {
    const t0 = performance.now()
    await model.fit(xs, ys, { batchSize: 128, epochs: 1, shuffle: false, verbose: 0 })
    out.push(n / ((performance.now() - t0) / 1000))
  }
  model.optimizer?.dispose()
  model.dispose()
  return out
}

async function benchIngest() {
  const t = tempDir('studio-bench-')
  try {
    const db = openDatabase(path.join(t.dir, 'studio.db'))
    new DatasetsRepo(db).upsert({
      id: 'd', name: 'd', description: '', source: 'bench', task: 'classification', inputShape: [1], numClasses: 2,
      classNames: ['a', 'b'], trainSize: 1, valSize: 1, bytes: 1, isSample: false, createdAt: 0,
      suggested: { template: 'mlp' }, dir: t.dir, sha256: ''
    })
    new RunsRepo(db).create({ id: 'r', name: 'r', model: 'm', runDir: t.dir, createdAt: 0,
      config: { datasetId: 'd', model: { template: 'mlp' }, optimizer: 'adam', learningRate: 0.1, batchSize: 1, epochs: 1, seed: 0, backend: 'auto' } })
    const repo = new MetricsRepo(db)
    const total = quick ? 200_000 : 1_000_000
    const batchRows = 10_000
    const names = ['batch/loss', 'batch/acc']
    const rates: number[] = []
    let step = 0
    for (let done = 0; done < total; done += batchRows) {
      const b: MetricBatch = { name: [], step: [], epoch: [], wallTime: [], value: [] }
      for (let i = 0; i < batchRows; i++) {
        b.name.push(names[i & 1]!); b.step.push(step); b.epoch.push(1); b.wallTime.push(Date.now()); b.value.push(Math.random())
        if (i & 1) step++
      }
      const t0 = performance.now()
      repo.append('r', b)
      rates.push(batchRows / ((performance.now() - t0) / 1000))
    }
    const count = repo.count('r')
    db.close()
    return { rows: count, batchRows, rowsPerSecMedian: Math.round(median(rates)), goal: 500_000 }
  } finally {
    t.cleanup()
  }
}

async function benchBackends() {
  const out: Record<string, unknown> = {}
  const data = syntheticMnistLike(quick ? 1024 : 4096)
  for (const pref of ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const) {
    const info = await selectBackend(pref)
    if (info.name !== pref) { out[pref] = { available: false, reason: info.fallbackReason ?? null }; continue }
    const n = pref === 'cpu' ? (quick ? 256 : 1024) : data.y.length
    const xs = tf.tensor2d(data.x.subarray(0, n * 784), [n, 784])
    const ys = tf.oneHot(tf.tensor1d(data.y.subarray(0, n), 'int32'), 10).toFloat()
    const rates = await bareFit(xs, ys, 3)
    tf.dispose([xs, ys])
    out[pref] = { available: true, device: info.device, samples: n, samplesPerSec: Math.round(median(rates.slice(1))) }
    say(`backend ${pref}: ${Math.round(median(rates.slice(1)))} samples/s`)
  }
  return out
}

async function benchOverhead() {
  const n = quick ? 4096 : 20_000
  const epochs = quick ? 3 : 4
  const data = syntheticMnistLike(n)
  const info = await selectBackend('auto')
  const t = tempDir('studio-bench-')
  const core = openTestCore(t.dir)
  try {
    const dir = path.join(core.layout.datasets, 'bench-mlp')
    const h = writeCache(dir, {
      name: 'bench', task: 'classification', inputShape: [784], classNames: Array.from({ length: 10 }, (_, i) => String(i)),
      xDtype: 'float32', xScale: 1, splits: { train: { x: data.x, y: data.y }, val: { x: data.x.subarray(0, 256 * 784), y: data.y.subarray(0, 256) } }
    })
    core.datasets.upsert({
      id: 'bench-mlp', name: 'bench', description: '', source: 'bench', task: 'classification', inputShape: [784],
      numClasses: 10, classNames: h.classNames, trainSize: n, valSize: 256, bytes: h.bytes, isSample: false,
      createdAt: Date.now(), suggested: MLP, dir, sha256: h.sha256
    })
    const xs = tf.tensor2d(data.x, [n, 784])
    const ys = tf.oneHot(tf.tensor1d(data.y, 'int32'), 10).toFloat()
    const bare: number[] = []
    const studio: number[] = []
    const studioFit: number[] = []
    let metricRows = 0
    // One studio run as shipped (its engine) and one forced onto the same model.fit path as the bare
    // baseline (STUDIO_ENGINE=tfjs, inherited by the trainer process): the second ratio isolates what
    // the trainer process, metric streaming and SQLite cost.
    const studioRun = async (engine: 'default' | 'tfjs'): Promise<number[]> => {
      const before = process.env['STUDIO_ENGINE']
      if (engine === 'tfjs') process.env['STUDIO_ENGINE'] = 'tfjs'
      try {
        const run = core.startRun({ datasetId: 'bench-mlp', model: MLP, optimizer: 'adam', learningRate: 0.001, batchSize: 128, epochs, seed: 1, backend: info.name })
        const end = await core.waitForEnd(run.id, 3_600_000)
        if (end.status !== 'completed') throw new Error(`studio run ${end.status}: ${end.error}`)
        metricRows += core.metrics.count(run.id)
        return core.metrics.series(run.id, ['epoch/samples_per_sec'])['epoch/samples_per_sec']!.value.slice(1)
      } finally {
        if (before === undefined) delete process.env['STUDIO_ENGINE']
        else process.env['STUDIO_ENGINE'] = before
      }
    }
    for (let rep = 0; rep < 2; rep++) {
      say(`overhead rep ${rep + 1}/2: bare model.fit on ${info.name}`)
      bare.push(...(await bareFit(xs, ys, epochs)).slice(1))
      say(`overhead rep ${rep + 1}/2: studio trainer process on model.fit (STUDIO_ENGINE=tfjs)`)
      studioFit.push(...(await studioRun('tfjs')))
      say(`overhead rep ${rep + 1}/2: studio trainer process as shipped (engine)`)
      studio.push(...(await studioRun('default')))
    }
    tf.dispose([xs, ys])
    const b = median(bare)
    const s = median(studio)
    const sf = median(studioFit)
    return {
      backend: info.name, samples: n, batch: 128, epochsPerRep: epochs, reps: 2,
      bareSamplesPerSec: Math.round(b), studioModelFitSamplesPerSec: Math.round(sf), overheadRatio: Number((sf / b).toFixed(3)),
      studioSamplesPerSec: Math.round(s), ratio: Number((s / b).toFixed(3)),
      metricRowsWritten: metricRows, goal: 0.97
    }
  } finally {
    await core.close()
    t.cleanup()
  }
}

async function benchLatency() {
  const t = tempDir('studio-bench-')
  const serve = await startServe(t.dir)
  const browser = await launchChromium()
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    await page.goto(serve.url)
    await page.getByTestId('train-digits').waitFor({ timeout: 30_000 })
    await page.getByTestId('train-digits').click()
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points') ?? 0) > 0, null, { timeout: 60_000 })
    await page.evaluate(() => { (window as unknown as { __studioLatency: number[] }).__studioLatency = [] })
    await page.waitForTimeout(quick ? 3000 : 8000)
    const lat = await page.evaluate(() => [...((window as unknown as { __studioLatency?: number[] }).__studioLatency ?? [])])
    if (!lat.length) throw new Error('no latency samples: the renderer did not record window.__studioLatency')
    return { samples: lat.length, p50Ms: Math.round(median(lat)), p95Ms: Math.round(quantile(lat, 0.95)), maxMs: Math.round(Math.max(...lat)), goalP95Ms: 100 }
  } finally {
    await browser.close()
    await serve.stop()
    t.cleanup()
  }
}

const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '?', memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}` },
  quick
}
if (want('ingest')) { say('metric ingest'); results.ingest = await benchIngest() }
if (want('backends')) { say('raw backend throughput'); results.backends = await benchBackends() }
if (want('overhead')) { say('studio overhead'); results.overhead = await benchOverhead() }
if (want('latency')) { say('live latency in browser mode'); results.latency = await benchLatency() }
if (want('composer')) { say('composer shape inference, 200 layers'); results.composer = benchComposer(200) }
if (want('models')) { say('MLP and CNN samples/s per backend'); results.models = await benchModels(quick, say) }
if (want('import')) { say('dataset import'); results.import = await benchImport(quick, say) }

const outDir = path.join(repoRoot, 'bench-results')
mkdirSync(outDir, { recursive: true })
writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`)
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`)
