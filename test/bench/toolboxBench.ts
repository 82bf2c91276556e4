/**
 * Issue-4 figures for `npm run bench`:
 *   models    samples/s of the MLP and the small CNN templates through the trainer's own loop
 *             (runTraining in-process: engine choice, metrics, checkpoints included) per backend,
 *             median of the epochs after the first, with the engine that ran.
 *   composer  analyzeGraph (shape inference + validation) on a 200-layer residual graph: median and
 *             p95 over repeated calls after warm-up (goal ≤ 16 ms, so editing never stutters).
 * Nothing asserts a time.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { analyzeGraph, graphSpec, type GraphNode, type GraphSpec } from '../../preload/contract/model'
import type { ModelSpec, RunConfig } from '../../preload/contract/types'
import { METRIC } from '../../preload/contract/types'
import { writeCache } from '../../main/datasets/cache'
import { selectBackend } from '../../main/trainer/backend'
import { runTraining } from '../../main/trainer/train'
import type { TrainerMessage } from '../../main/trainer/protocol'

const node = (id: string, kind: GraphNode['kind'], inputs: string[], params?: Record<string, unknown>): GraphNode =>
  ({ id, kind, inputs, ...(params ? { params } : {}) } as GraphNode)

/** The residual stack of test/contract/model/analyze.test.ts: conv–BN–conv–add blocks on 32×32×3 input. */
export function bigGraph(layers: number): GraphSpec {
  const nodes: GraphNode[] = [node('in', 'Input', [], { shape: [32, 32, 3] }), node('stem', 'Conv2D', ['in'], { filters: 16, padding: 'same' })]
  let last = 'stem'
  let i = 0
  while (nodes.length < layers - 3) {
    const a = `c${i}a`; const b = `c${i}b`; const n = `bn${i}`; const add = `add${i}`
    nodes.push(node(a, 'Conv2D', [last], { filters: 16, padding: 'same', activation: 'relu' }), node(n, 'BatchNormalization', [a]), node(b, 'Conv2D', [n], { filters: 16, padding: 'same' }), node(add, 'Add', [b, last]))
    last = add
    i++
  }
  nodes.push(node('gap', 'GlobalAveragePooling2D', [last]), node('out', 'Dense', ['gap'], { units: 10, activation: 'softmax' }))
  return graphSpec(nodes, ['out'])
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!
}

/** analyzeGraph timing on a `layers`-layer graph. */
export function benchComposer(layers = 200, repeats = 50): Record<string, unknown> {
  const spec = bigGraph(layers)
  const data = { inputShape: [32, 32, 3], task: 'classification' as const, numClasses: 10 }
  for (let w = 0; w < 10; w++) analyzeGraph(spec, data)
  const times: number[] = []
  let valid = true
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now()
    valid = analyzeGraph(spec, data).valid && valid
    times.push(performance.now() - t0)
  }
  return { layers: spec.nodes.length, valid, medianMs: +quantile(times, 0.5).toFixed(2), p95Ms: +quantile(times, 0.95).toFixed(2), goalMs: 16 }
}

/** An MNIST-shaped cache of `n` train + 512 val images (random pixels, labels from the mean brightness). */
function imageCache(dir: string, n: number): void {
  let s = 1
  const r = (): number => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648 }
  const make = (count: number): { x: Uint8Array; y: Int32Array } => {
    const x = new Uint8Array(count * 784)
    const y = new Int32Array(count)
    for (let i = 0; i < count; i++) {
      let sum = 0
      for (let j = 0; j < 784; j++) { const v = Math.floor(r() * 256); x[i * 784 + j] = v; sum += v }
      y[i] = Math.floor((sum / 784 / 256) * 10 * 7) % 10
    }
    return { x, y }
  }
  writeCache(dir, { name: 'bench-images', task: 'classification', inputShape: [28, 28, 1], classNames: [...'0123456789'], xDtype: 'uint8', xScale: 1 / 255, splits: { train: make(n), val: make(512) } })
}

/** samples/s of the MLP and small CNN templates per available backend, through runTraining. */
export async function benchModels(quick: boolean, say: (s: string) => void): Promise<Record<string, unknown>> {
  const root = mkdtempSync(path.join(tmpdir(), 'studio-bench-models-'))
  const out: Record<string, unknown> = {}
  try {
    const dataDir = path.join(root, 'images')
    const n = quick ? 1024 : 4096
    imageCache(dataDir, n)
    // model.fit on cpu trains a CNN at tens of samples/s: its rows use a smaller set.
    const smallDir = path.join(root, 'images-small')
    imageCache(smallDir, 1024)
    const models: Record<string, ModelSpec> = { mlp: { template: 'mlp', hidden: [64, 64] }, cnn: { template: 'cnn', filters: [16, 32], denseUnits: 64 } }
    for (const pref of ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const) {
      const info = await selectBackend(pref)
      if (info.name !== pref) { out[pref] = { available: false, reason: info.fallbackReason ?? null }; continue }
      const row: Record<string, unknown> = { available: true }
      // Each template twice: as the studio runs it (the engine when it can), and on TF.js model.fit of
      // this backend (STUDIO_ENGINE=tfjs), which is what a toolbox-loop or unsupported model gets.
      for (const [name, model, tfjs] of Object.entries(models).flatMap(([k, m]) => [[k, m, false], [`${k}-tfjs`, m, true]] as const)) {
        const epochs = tfjs ? 2 : 3
        const before = process.env['STUDIO_ENGINE']
        if (tfjs) process.env['STUDIO_ENGINE'] = 'tfjs'
        const config: RunConfig = { datasetId: 'bench', model, optimizer: 'adam', learningRate: 0.001, batchSize: 64, epochs, seed: 1, backend: pref }
        const msgs: TrainerMessage[] = []
        try {
          await runTraining({ runId: `bench-${pref}-${name}`, config, datasetDir: tfjs ? smallDir : dataDir, runDir: path.join(root, `run-${pref}-${name}`) }, { send: (m) => msgs.push(m) })
        } finally {
          if (before === undefined) delete process.env['STUDIO_ENGINE']
          else process.env['STUDIO_ENGINE'] = before
        }
        const rates: number[] = []
        for (const m of msgs) {
          if (m.type !== 'metrics') continue
          for (let i = 0; i < m.batch.name.length; i++) if (m.batch.name[i] === METRIC.samplesPerSec) rates.push(m.batch.value[i]!)
        }
        const after = rates.slice(1).sort((a, b) => a - b)
        const engine = msgs.find((m): m is Extract<TrainerMessage, { type: 'backend' }> => m.type === 'backend')?.backend.engine ?? null
        row[name] = { samples: tfjs ? 1024 : n, samplesPerSec: Math.round(after[Math.floor(after.length / 2)] ?? rates[0] ?? 0), engine }
        say(`models ${pref} ${name}: ${Math.round(after[Math.floor(after.length / 2)] ?? 0)} samples/s (${engine})`)
      }
      out[pref] = row
    }
    return { samples: n, batchSize: 64, ...out }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}
