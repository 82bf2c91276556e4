/**
 * Dataset import end to end through the real StudioCore: contract dispatch (argument schemas),
 * the import worker thread, real SQLite, events, browsing, versions, delete rules — and training
 * runs on an imported CSV and an imported IDX set in real trainer processes.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Envelope } from '../../preload/contract/channels'
import type { DatasetDetail, DatasetImages, DatasetRows, DatasetSummary, ImportEnd, ImportProgress, InspectResult } from '../../preload/contract/types'
import { createDispatcher } from '../../main/ipc/dispatch'
import type { StudioCore } from '../../main/services/studio'
import { encodeIdx } from '../../main/datasets/idxFile'
import { openTestCore } from '../helpers/core'
import { tempDir } from '../helpers/tmp'
import { lcg, tabularText, writeImageFolders } from '../main/datasets/importFixtures'
import { readHeader, readSplit } from '../../main/datasets/cache'

let t: ReturnType<typeof tempDir>
let core: StudioCore
let call: <T>(channel: string, args: unknown) => Promise<T>
let raw: (channel: string, args: unknown) => Promise<Envelope<unknown>>
const events: { event: string; payload: unknown }[] = []

beforeAll(() => {
  t = tempDir('studio-int-import-')
  core = openTestCore(path.join(t.dir, 'data'))
  core.hub.subscribe((event, payload) => { if (event.startsWith('datasets:')) events.push({ event, payload }) })
  const dispatch = createDispatcher(core.handlers)
  raw = (c, a) => dispatch(c, a)
  call = async <T>(c: string, a: unknown) => {
    const r = await dispatch(c, a)
    if (!r.ok) throw new Error(`${c}: ${r.error.code}: ${r.error.message}`)
    return r.value as T
  }
})
afterAll(async () => {
  await core?.close()
  t.cleanup()
})

function endOf(jobId: string): Promise<ImportEnd> {
  const seen = events.find((e) => e.event === 'datasets:didImportEnd' && (e.payload as ImportEnd).jobId === jobId)
  if (seen) return Promise.resolve(seen.payload as ImportEnd)
  return new Promise((resolve) => {
    const off = core.hub.subscribe((event, payload) => {
      if (event === 'datasets:didImportEnd' && (payload as ImportEnd).jobId === jobId) { off(); resolve(payload as ImportEnd) }
    })
  })
}

async function importPaths(paths: string[], options: Record<string, unknown> = {}): Promise<ImportEnd> {
  const { jobId } = await call<{ jobId: string }>('datasets:import', { paths, options })
  return endOf(jobId)
}

function writeLearnableIdx(dir: string): string[] {
  mkdirSync(dir, { recursive: true })
  const r = lcg(11)
  const make = (n: number) => {
    const x = new Uint8Array(n * 64)
    const y = new Uint8Array(n)
    for (let i = 0; i < n; i++) {
      y[i] = i % 4
      for (let p = 0; p < 64; p++) x[i * 64 + p] = Math.floor(r() * 40) + ((p >> 4) === y[i] ? 200 : 0) // class k lights rows 2k, 2k+1
    }
    return { x, y }
  }
  const tr = make(400)
  const te = make(100)
  const files: [string, Buffer][] = [
    ['train-images-idx3-ubyte.gz', encodeIdx({ shape: [400, 8, 8], data: tr.x })],
    ['train-labels-idx1-ubyte.gz', encodeIdx({ shape: [400], data: tr.y })],
    ['t10k-images-idx3-ubyte.gz', encodeIdx({ shape: [100, 8, 8], data: te.x })],
    ['t10k-labels-idx1-ubyte.gz', encodeIdx({ shape: [100], data: te.y })]
  ]
  for (const [n, b] of files) writeFileSync(path.join(dir, n), b)
  return files.map(([n]) => path.join(dir, n))
}

let csvId = ''
let csvPath = ''

describe('import through the core', () => {
  it('refuses bad paths with specific errors before reading anything', async () => {
    expect(await raw('datasets:inspect', { paths: ['relative/file.csv'] })).toMatchObject({ ok: false, error: { code: 'invalid_argument', message: 'Not an absolute path: "relative/file.csv".' } })
    expect(await raw('datasets:inspect', { paths: [path.join(t.dir, 'nope.csv')] })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await raw('datasets:import', { paths: ['/x'], uploadId: 'u1' })).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
    expect(await raw('datasets:import', { uploadId: '../etc' })).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
  })

  it('browses the built-in samples too (no meta.json: distribution from the label files)', async () => {
    const digits = await call<DatasetDetail>('datasets:get', { datasetId: 'digits' })
    expect(digits).toMatchObject({ view: 'images', format: null, split: { train: 3000, val: 600, test: 0 } })
    expect(digits.classDistribution!.train.reduce((a, b) => a + b, 0)).toBe(3000)
    const imgs = await call<DatasetImages>('datasets:images', { datasetId: 'digits', split: 'val', offset: 0, limit: 3 })
    expect(imgs.items.map((i) => Buffer.from(i.pixels, 'base64').length)).toEqual([784, 784, 784])
    const iris = await call<DatasetRows>('datasets:rows', { datasetId: 'iris', split: 'train', offset: 0, limit: 2 })
    expect(iris.columns).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'label'])
    expect(['setosa', 'versicolor', 'virginica']).toContain(iris.rows[0]![4])
  })

  it('inspects and imports a CSV with progress, then browses it', async () => {
    csvPath = path.join(t.dir, 'blobs.csv')
    writeFileSync(csvPath, tabularText(600))
    const info = await call<InspectResult>('datasets:inspect', { paths: [csvPath] })
    expect(info).toMatchObject({ format: 'csv', proposedTarget: 'label', proposedTask: 'classification', count: 600 })
    const noHeader = await call<InspectResult>('datasets:inspect', { paths: [csvPath], options: { csv: { hasHeader: false } } })
    expect(noHeader.columns.map((c) => c.name)).toEqual(['column 1', 'column 2', 'column 3', 'column 4'])
    const end = await importPaths([csvPath], { name: 'Blobs' })
    expect(end).toMatchObject({ ok: true })
    csvId = end.datasetId!
    const progress = events.filter((e) => e.event === 'datasets:didImportProgress' && (e.payload as ImportProgress).jobId === end.jobId).map((e) => e.payload as ImportProgress)
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['hashing', 'reading', 'writing']))
    const list = await call<DatasetSummary[]>('datasets:list', {})
    expect(list.find((d) => d.id === csvId)).toMatchObject({ name: 'Blobs', format: 'csv', version: 1, trainSize: 480, valSize: 60, testSize: 60, numClasses: 3 })
    expect(events.some((e) => e.event === 'datasets:didChange' && (e.payload as { datasetId: string }).datasetId === csvId)).toBe(true)
    const detail = await call<DatasetDetail>('datasets:get', { datasetId: csvId })
    expect(detail).toMatchObject({ view: 'table', target: 'label', format: 'csv', split: { train: 480, val: 60, test: 60, seed: 42, stratified: true } })
    expect(detail.columns.map((c) => [c.name, c.type, c.role])).toEqual([['x1', 'numeric', 'feature'], ['x2', 'numeric', 'feature'], ['colour', 'categorical', 'feature'], ['label', 'categorical', 'target']])
    expect(detail.correlation!.columns).toEqual(['x1', 'x2'])
    expect(detail.charts.map((c) => c.kind)).toEqual(expect.arrayContaining(['classBars', 'histogram', 'bar', 'scatter']))
    expect(detail.classDistribution!.train).toEqual([160, 160, 160])
    const rows = await call<DatasetRows>('datasets:rows', { datasetId: csvId, split: 'train', offset: 10, limit: 5 })
    expect(rows.columns).toEqual(['x1', 'x2', 'colour', 'label'])
    expect(rows.rows).toHaveLength(5)
    expect(rows.total).toBe(480)
    expect(['red', 'green', 'blue']).toContain(rows.rows[0]![2])
    expect(await raw('datasets:rows', { datasetId: csvId, split: 'train', offset: 0, limit: 100_000 })).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
  })

  it('re-importing the same data with the same options is instant and returns the same dataset', async () => {
    const t0 = Date.now()
    const end = await importPaths([csvPath], { name: 'Blobs again' })
    expect(end).toMatchObject({ ok: true, datasetId: csvId, reused: true })
    console.info(`re-import answered in ${Date.now() - t0} ms`)
  })

  it('a bad file ends the job with its typed error and stores nothing', async () => {
    const before = readdirSync(core.layout.datasets).sort()
    const count = core.datasets.list().length
    const p = path.join(t.dir, 'ragged.csv')
    writeFileSync(p, 'a,b\n1,2\n3\n')
    const end = await importPaths([p])
    expect(end).toMatchObject({ ok: false, error: { code: 'ragged_rows', file: 'ragged.csv', line: 3 } })
    expect(core.datasets.list().length).toBe(count)
    expect(readdirSync(core.layout.datasets).sort()).toEqual(before)
  })

  it('cancel stops a running import and leaves nothing behind', async () => {
    const p = path.join(t.dir, 'big.csv')
    writeFileSync(p, tabularText(400_000))
    const before = readdirSync(core.layout.datasets).sort()
    const { jobId } = await call<{ jobId: string }>('datasets:import', { paths: [p] })
    expect((await call<unknown[]>('datasets:importJobs', {})).length).toBe(1)
    expect(await call('datasets:cancelImport', { jobId })).toEqual({ cancelled: true })
    expect(await endOf(jobId)).toMatchObject({ ok: false, error: { code: 'cancelled' } })
    expect(readdirSync(core.layout.datasets).sort()).toEqual(before)
    expect(await call('datasets:cancelImport', { jobId })).toEqual({ cancelled: false })
  })

  it('keeps main\'s event loop free while importing (the work is in the worker thread)', async () => {
    const p = path.join(t.dir, 'loop.csv')
    writeFileSync(p, tabularText(300_000))
    const h = monitorEventLoopDelay({ resolution: 10 })
    h.enable()
    const end = await importPaths([p], { seed: 5 })
    h.disable()
    expect(end.ok).toBe(true)
    // Parsing 300k rows on main would block it for over a second; progress messages cost nothing.
    expect(h.percentile(99) / 1e6).toBeLessThan(200)
  })

  it('trains on the imported CSV in a real trainer process', async () => {
    const run = core.startRun({ datasetId: csvId, model: { template: 'mlp', hidden: [16], activation: 'relu' }, optimizer: 'adam', learningRate: 0.05, batchSize: 32, epochs: 15, seed: 1, backend: 'auto' })
    const end = await core.waitForEnd(run.id, 120_000)
    expect(end.error).toBeNull()
    expect(end.status).toBe('completed')
    expect(end.bestValAcc).toBeGreaterThanOrEqual(0.8)
  })

  it('imports an IDX set (official test split), shows its images and trains on it', async () => {
    const files = writeLearnableIdx(path.join(t.dir, 'idx'))
    const end = await importPaths([path.dirname(files[0]!)])
    expect(end.ok).toBe(true)
    const d = (await call<DatasetSummary[]>('datasets:list', {})).find((x) => x.id === end.datasetId)!
    expect(d).toMatchObject({ format: 'idx', inputShape: [8, 8, 1], testSize: 100, trainSize: 360, valSize: 40, suggested: { template: 'cnn' } })
    const imgs = await call<DatasetImages>('datasets:images', { datasetId: d.id, split: 'test', offset: 0, limit: 8, classIndex: 2 })
    expect(imgs.shape).toEqual([8, 8, 1])
    expect(imgs.total).toBe(25)
    expect(imgs.items.every((it) => it.label === 2 && Buffer.from(it.pixels, 'base64').length === 64)).toBe(true)
    const px = Buffer.from(imgs.items[0]!.pixels, 'base64')
    expect(px[32]).toBeGreaterThanOrEqual(200) // class 2 lights rows 4 and 5
    const run = core.startRun({ datasetId: d.id, model: { template: 'mlp', hidden: [32], activation: 'relu' }, optimizer: 'adam', learningRate: 0.01, batchSize: 32, epochs: 5, seed: 1, backend: 'auto' })
    const r = await core.waitForEnd(run.id, 120_000)
    expect(r.status).toBe('completed')
    expect(r.bestValAcc).toBeGreaterThanOrEqual(0.9)
  })

  it('decodes a big image import on two threads into shared memory (pool forced on for the test)', async () => {
    const root = writeImageFolders(path.join(t.dir, 'pets-pool'), 30)
    process.env.STUDIO_IMPORT_POOL_MIN_FILES = '10'
    let end: ImportEnd
    try {
      end = await importPaths([root], { image: { width: 8, height: 8 } })
    } finally {
      delete process.env.STUDIO_IMPORT_POOL_MIN_FILES
    }
    expect(end.ok).toBe(true)
    const d = core.datasets.get(end.datasetId!)!
    const h = readHeader(d.dir)
    expect(h.splits.train!.count + h.splits.val!.count + h.splits.test!.count).toBe(90)
    for (const s of ['train', 'val', 'test'] as const) {
      const sp = readSplit(d.dir, h, s)
      for (let i = 0; i < sp.count; i++) expect(Math.round(sp.x[i * 64]! * 255)).toBeCloseTo([255, 200, 60][sp.y[i]!]!, -1)
    }
  })

  it('resplit makes a new version; runs keep the version they used; the list shows the newest', async () => {
    const { jobId } = await call<{ jobId: string }>('datasets:resplit', { datasetId: csvId, split: { train: 60, val: 20, test: 20 }, seed: 9 })
    const end = await endOf(jobId)
    expect(end.ok).toBe(true)
    const v2 = end.datasetId!
    expect(v2).not.toBe(csvId)
    const detail = await call<DatasetDetail>('datasets:get', { datasetId: v2 })
    expect(detail.summary).toMatchObject({ name: 'Blobs', version: 2, familyId: csvId, trainSize: 360, valSize: 120, testSize: 120 })
    expect(detail.versions.map((v) => [v.version, v.runCount])).toEqual([[1, 1], [2, 0]])
    expect(detail.split).toMatchObject({ seed: 9, percents: { train: 60, val: 20, test: 20 } })
    const ids = (await call<DatasetSummary[]>('datasets:list', {})).map((d) => d.id)
    expect(ids).toContain(v2)
    expect(ids).not.toContain(csvId)
    // numeric features re-standardized on the new train split
    const rows = await call<DatasetRows>('datasets:rows', { datasetId: v2, split: 'val', offset: 0, limit: 3 })
    expect(rows.rows[0]).toHaveLength(4)
    expect(core.runs.list().filter((r) => r.datasetId === csvId)).toHaveLength(1)
  })

  it('renames and describes every version; delete refuses while a run is running, then leaves a tombstone', async () => {
    const v2 = core.datasets.list().find((d) => d.familyId === csvId)!.id
    await call('datasets:update', { datasetId: v2, name: 'Blobs (3 classes)', description: 'three gaussian-ish blobs' })
    expect(core.datasets.get(csvId)!.name).toBe('Blobs (3 classes)')
    const run = core.startRun({ datasetId: v2, model: { template: 'mlp', hidden: [8] }, optimizer: 'adam', learningRate: 0.01, batchSize: 8, epochs: 200, seed: 1, backend: 'auto' })
    expect(await raw('datasets:delete', { datasetId: v2 })).toMatchObject({ ok: false, error: { code: 'conflict' } })
    core.stopRun(run.id)
    await core.waitForEnd(run.id, 60_000)
    expect(await call('datasets:delete', { datasetId: v2 })).toEqual({ datasetId: v2, tombstone: true })
    expect(core.datasets.list().some((d) => d.familyId === csvId)).toBe(false)
    expect(existsSync(core.datasets.get(v2)!.dir)).toBe(false)
    expect(core.runs.list().find((r) => r.id === run.id)!.datasetName).toBe('Blobs (3 classes)')
    expect(await raw('datasets:get', { datasetId: v2 })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await raw('runs:start', { config: { datasetId: v2, model: { template: 'mlp' }, optimizer: 'adam', learningRate: 0.01, batchSize: 8, epochs: 1, seed: 1 } })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await raw('datasets:delete', { datasetId: 'iris' })).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
  })
})
