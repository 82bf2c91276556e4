/**
 * Peak memory of a trainer on a cache bigger than the in-memory limit (issue 3: "without loading
 * more than it needs into memory"). A real training run in a process of its own
 * (test/helpers/trainRss.ts), once streamed (the default for this size) and once forced into
 * memory; the peak RSS of both is reported. Asserted: streaming stays far below the split's
 * float32 size; times are only reported.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { writeCache, readHeader } from '../../main/datasets/cache'
import { createRng } from '../../main/datasets/seededRandom'
import { DEFAULT_MEMORY_LIMIT_BYTES, inMemoryBytes, MEMORY_LIMIT_ENV } from '../../main/trainer/data/batchSource'
import { tempDir } from '../helpers/tmp'

const tmp = tempDir('studio-rss-')
afterAll(() => tmp.cleanup())

const ROOT = path.resolve(__dirname, '../..')

interface RssReport { peakRssMiB: number; startRssMiB: number; seconds: number; done: { steps: number; status: string }; samplesPerSec: number[]; engine: string | null }

function train(dir: string, env: Record<string, string>): RssReport {
  const config = { datasetId: 'big', model: { template: 'mlp', hidden: [32] }, optimizer: 'adam', learningRate: 0.001, batchSize: 128, epochs: 2, seed: 1, backend: 'auto' }
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/trainRss.ts'), dir, path.join(tmp.dir, `run-${Date.now()}`), JSON.stringify(config)],
    { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 20 })
  return JSON.parse(out.trim().split('\n').at(-1)!) as RssReport
}

describe('batch source memory', () => {
  it('a trainer on a 28×28 cache whose float32 train split exceeds 256 MiB streams it, with bounded peak RSS', () => {
    // 90,000 uint8 images of 28×28 (69 MiB on disk, 273 MiB as float32 + one-hot targets).
    const n = 90_000
    const rng = createRng(11)
    const x = new Uint8Array(n * 784)
    for (let i = 0; i < x.length; i += 4) { const r = Math.floor(rng() * 2 ** 32); x[i] = r & 255; x[i + 1] = (r >>> 8) & 255; x[i + 2] = (r >>> 16) & 255; x[i + 3] = r >>> 24 }
    const y = new Int32Array(n)
    for (let i = 0; i < n; i++) y[i] = i % 10
    const dir = path.join(tmp.dir, 'big')
    writeCache(dir, {
      name: 'big', task: 'classification', inputShape: [28, 28, 1], classNames: [...'0123456789'], xDtype: 'uint8', xScale: 1 / 255,
      splits: { train: { x, y }, val: { x: x.subarray(0, 2000 * 784), y: y.subarray(0, 2000) } }
    })
    const floatBytes = inMemoryBytes(readHeader(dir), 'train')
    expect(floatBytes).toBeGreaterThan(DEFAULT_MEMORY_LIMIT_BYTES)

    const streamed = train(dir, {})
    const inMemory = train(dir, { [MEMORY_LIMIT_ENV]: '4096' })
    const mib = (b: number) => Math.round(b / 1024 / 1024)
    const sps = (r: RssReport) => r.samplesPerSec.map((v) => Math.round(v).toLocaleString('en')).join(', ')
    console.info(`batch source, 90k×784 uint8 (train split ${mib(floatBytes)} MiB as float32), mlp [32], 2 epochs, engine: ${streamed.engine}\n` +
      `  streamed:  peak RSS ${streamed.peakRssMiB.toFixed(0)} MiB (${streamed.startRssMiB.toFixed(0)} MiB at start), ${streamed.seconds.toFixed(2)} s, samples/s per epoch ${sps(streamed)}\n` +
      `  in memory: peak RSS ${inMemory.peakRssMiB.toFixed(0)} MiB (${inMemory.startRssMiB.toFixed(0)} MiB at start), ${inMemory.seconds.toFixed(2)} s, samples/s per epoch ${sps(inMemory)}`)
    expect(streamed.done.status).toBe('completed')
    expect(streamed.done.steps).toBe(2 * Math.ceil(n / 128))
    expect(inMemory.done.steps).toBe(streamed.done.steps)
    // Streaming holds labels and a batch, not the split: its peak stays well under the float32 size
    // above what the same trainer needs in memory mode.
    expect(streamed.peakRssMiB).toBeLessThan(inMemory.peakRssMiB - mib(floatBytes) / 2)
  })
})
