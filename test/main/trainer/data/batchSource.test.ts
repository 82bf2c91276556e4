/**
 * The batch source (main/trainer/data): streaming and in-memory give the same batches for a seed,
 * drop_last drops the partial batch, and a run trains the same on both modes and on both the
 * engine and the TF.js paths. Real cache files written with writeCache, real runTraining.
 */
import { afterAll, describe, expect, it } from 'vitest'
import path from 'node:path'
import { writeCache, readHeader, type CacheHeader } from '../../../../main/datasets/cache'
import { createRng } from '../../../../main/datasets/seededRandom'
import { batches, epochOrder, inMemoryBytes, memoryLimitBytes, openSplit, MEMORY_LIMIT_ENV, DEFAULT_MEMORY_LIMIT_BYTES, type SplitSource } from '../../../../main/trainer/data/batchSource'
import { runTraining } from '../../../../main/trainer/train'
import { METRIC } from '../../../../preload/contract/types'
import { tempDir } from '../../../helpers/tmp'
import { Recorder, runDir, sample, suggestedConfig } from '../trainHelpers'

const tmp = tempDir('studio-batches-')
afterAll(() => tmp.cleanup())

/** An image-like uint8 cache (odd count, 3 classes) and a float32 regression cache with xScale ≠ 1. */
function makeCaches(): { images: string; table: string } {
  const rng = createRng(7)
  const n = 1031
  const xi = new Uint8Array(n * 4 * 3 * 1)
  for (let i = 0; i < xi.length; i++) xi[i] = Math.floor(rng() * 256)
  const yi = new Int32Array(n)
  for (let i = 0; i < n; i++) yi[i] = i % 3
  const images = path.join(tmp.dir, 'images')
  writeCache(images, {
    name: 'img', task: 'classification', inputShape: [4, 3, 1], classNames: ['a', 'b', 'c'], xDtype: 'uint8', xScale: 1 / 255,
    splits: { train: { x: xi, y: yi }, val: { x: xi.slice(0, 97 * 12), y: yi.slice(0, 97) } }
  })
  const m = 517
  const xt = new Float32Array(m * 5)
  for (let i = 0; i < xt.length; i++) xt[i] = rng() * 10 - 5
  const yt = new Float32Array(m)
  for (let i = 0; i < m; i++) yt[i] = xt[i * 5]! * 0.5 + rng()
  const table = path.join(tmp.dir, 'table')
  writeCache(table, { name: 'tab', task: 'regression', inputShape: [5], classNames: [], xDtype: 'float32', xScale: 0.5, splits: { train: { x: xt, y: yt } } })
  return { images, table }
}
const caches = makeCaches()

function collect(src: SplitSource, order: Int32Array | null, b: number): Array<{ x: number[]; y: number[]; n: number }> {
  const out: Array<{ x: number[]; y: number[]; n: number }> = []
  // Copy inside the loop: the generator reuses its buffers.
  for (const bt of batches(src, order, b)) out.push({ x: Array.from(bt.x), y: Array.from(bt.y), n: bt.n })
  return out
}

describe('batch source', () => {
  it('streaming and in-memory yield identical batches for a seed (uint8 classification, float32 regression with xScale)', () => {
    for (const dir of [caches.images, caches.table]) {
      const h = readHeader(dir)
      const mem = openSplit(dir, h, 'train', { mode: 'memory' })
      const str = openSplit(dir, h, 'train', { mode: 'stream' })
      try {
        expect(mem.mode).toBe('memory')
        expect(str.mode).toBe('stream')
        expect(str.x).toBeNull()
        for (const [epoch, b] of [[1, 32], [2, 32], [3, 7], [4, 1000]] as const) {
          const order = epochOrder(mem.count, 42, epoch, b, false)
          const a = collect(mem, order, b)
          const s = collect(str, order, b)
          expect(s.length).toBe(Math.ceil(mem.count / b))
          expect(s).toEqual(a)
        }
        // Sequential pass (validation) too.
        expect(collect(str, null, 64)).toEqual(collect(mem, null, 64))
        // The stream holds the labels and one batch (the largest asked for, 1000 rows) of read buffers.
        expect(str.residentBytes).toBeLessThanOrEqual(str.labels.byteLength + 1000 * (str.inputSize * 4 + 8))
      } finally {
        mem.close()
        str.close()
      }
    }
  })

  it('reads what the cache holds: row i of a stream batch is row order[i] of the file, scaled, with its one-hot label', () => {
    const h = readHeader(caches.images)
    const str = openSplit(caches.images, h, 'train', { mode: 'stream' })
    const order = Int32Array.from([1030, 0, 5, 6, 7, 3])
    const x = new Float32Array(6 * 12)
    const y = new Float32Array(6 * 3)
    str.read(order, 0, 6, x, y)
    const mem = openSplit(caches.images, h, 'train', { mode: 'memory' })
    for (let r = 0; r < 6; r++) {
      const row = order[r]!
      expect(Array.from(x.subarray(r * 12, r * 12 + 12))).toEqual(Array.from(mem.x!.subarray(row * 12, row * 12 + 12)))
      expect(Array.from(y.subarray(r * 3, r * 3 + 3))).toEqual([0, 1, 2].map((c) => (c === row % 3 ? 1 : 0)))
    }
    str.close()
    mem.close()
  })

  it('drop_last drops the partial batch; without it the last batch is smaller', () => {
    const h = readHeader(caches.images)
    const src = openSplit(caches.images, h, 'train', { mode: 'stream' })
    const keep = collect(src, epochOrder(src.count, 3, 1, 100, false), 100)
    const drop = collect(src, epochOrder(src.count, 3, 1, 100, true), 100)
    expect(keep.map((b) => b.n)).toEqual([...Array(10).fill(100), 31])
    expect(drop.map((b) => b.n)).toEqual(Array(10).fill(100))
    // Same rows, in the same order, for the whole batches.
    expect(drop).toEqual(keep.slice(0, 10))
    // A split smaller than one batch keeps its one (partial) batch rather than training on nothing.
    expect(epochOrder(50, 1, 1, 64, true)).toHaveLength(50)
    src.close()
  })

  it('picks the mode by the float32 size against the limit (option, env, default 256 MiB)', () => {
    const h: CacheHeader = readHeader(caches.images)
    const bytes = inMemoryBytes(h, 'train')
    expect(bytes).toBe(1031 * (12 + 3) * 4)
    expect(openSplit(caches.images, h, 'train').mode).toBe('memory')
    expect(openSplit(caches.images, h, 'train', { memoryLimitBytes: bytes - 1 }).mode).toBe('stream')
    expect(memoryLimitBytes()).toBe(DEFAULT_MEMORY_LIMIT_BYTES)
    process.env[MEMORY_LIMIT_ENV] = '0'
    try {
      expect(openSplit(caches.images, h, 'train').mode).toBe('stream')
    } finally {
      delete process.env[MEMORY_LIMIT_ENV]
    }
  })

  it('a label outside the classes fails at open in both modes, naming the split and row', () => {
    const dir = path.join(tmp.dir, 'badlabel')
    writeCache(dir, { name: 'bad', task: 'classification', inputShape: [2], classNames: ['a', 'b'], xDtype: 'float32', xScale: 1,
      splits: { train: { x: new Float32Array(6), y: Int32Array.from([0, 1, 2]) } } })
    const h = readHeader(dir)
    expect(() => openSplit(dir, h, 'train', { mode: 'memory' })).toThrow('train split: label 2 at row 2 is outside 0..1')
    expect(() => openSplit(dir, h, 'train', { mode: 'stream' })).toThrow('train split: label 2 at row 2 is outside 0..1')
  })
})

/** Per-batch losses of a short spirals run, with the data mode forced through the env limit. */
async function spiralsLosses(streamed: boolean, over: Record<string, unknown> = {}, engine?: 'tfjs'): Promise<{ losses: number[]; steps: number; valLoss: number[] }> {
  const s = sample('spirals')
  const r = new Recorder()
  const prevMem = process.env[MEMORY_LIMIT_ENV]
  const prevEngine = process.env['STUDIO_ENGINE']
  if (streamed) process.env[MEMORY_LIMIT_ENV] = '0'
  if (engine) process.env['STUDIO_ENGINE'] = engine
  try {
    const done = await runTraining({ runId: 'b', config: suggestedConfig(s, { epochs: 3, batchSize: 30, ...over }), datasetDir: s.dir, runDir: runDir() }, { send: r.send })
    return { losses: r.series(METRIC.batchLoss).map((p) => p.value), steps: done.steps, valLoss: r.series(METRIC.valLoss).map((p) => p.value) }
  } finally {
    if (prevMem === undefined) delete process.env[MEMORY_LIMIT_ENV]; else process.env[MEMORY_LIMIT_ENV] = prevMem
    if (prevEngine === undefined) delete process.env['STUDIO_ENGINE']; else process.env['STUDIO_ENGINE'] = prevEngine
  }
}

describe('training through the batch source', () => {
  const trainCount = (): number => readHeader(sample('spirals').dir).splits.train!.count

  it('the studio engine trains the same curve streamed and in memory; dropLast trains whole batches only', async () => {
    const n = trainCount()
    const mem = await spiralsLosses(false)
    const str = await spiralsLosses(true)
    expect(mem.steps).toBe(3 * Math.ceil(n / 30))
    expect(str.losses).toEqual(mem.losses)
    expect(str.valLoss).toEqual(mem.valLoss)
    const dropped = await spiralsLosses(true, { dropLast: true })
    expect(n % 30).not.toBe(0) // the test needs a partial batch to drop
    expect(dropped.steps).toBe(3 * Math.floor(n / 30))
    // The first epoch's whole batches are the same batches as without dropLast.
    expect(dropped.losses.slice(0, Math.floor(n / 30))).toEqual(mem.losses.slice(0, Math.floor(n / 30)))
  })

  it('the TF.js path (model.fit in memory, fitDataset streamed) trains the same batches, with dropLast too', async () => {
    const n = trainCount()
    const mem = await spiralsLosses(false, {}, 'tfjs')
    const str = await spiralsLosses(true, {}, 'tfjs')
    expect(str.steps).toBe(mem.steps)
    expect(str.losses.length).toBe(mem.losses.length)
    for (let i = 0; i < mem.losses.length; i++) expect(str.losses[i]).toBeCloseTo(mem.losses[i]!, 5)
    for (let i = 0; i < mem.valLoss.length; i++) expect(str.valLoss[i]).toBeCloseTo(mem.valLoss[i]!, 5)
    const dropped = await spiralsLosses(true, { dropLast: true }, 'tfjs')
    expect(dropped.steps).toBe(3 * Math.floor(n / 30))
    const droppedMem = await spiralsLosses(false, { dropLast: true }, 'tfjs')
    expect(droppedMem.steps).toBe(dropped.steps)
  })
})
