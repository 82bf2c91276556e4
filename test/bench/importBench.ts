/**
 * `npm run bench` import figures: generates a Fashion-MNIST-sized IDX set (60k + 10k 28×28,
 * gzipped), a 100 MB CSV of numbers and 10,000 PNG files under a temp folder, imports each
 * with the built `studio import` (the real DatasetService, its worker thread, real SQLite), one
 * fresh process each, and reports the
 * seconds from request to registered dataset, and the peak RSS above the pre-import baseline
 * against the final tensor bytes. Goals: ≤ 3 s, ≤ 5 s, ≤ 15 s; peak ≤ 2× the final tensors.
 */
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { deflateSync } from 'node:zlib'
import { encodeIdx } from '../../main/datasets/idxFile'
import { spawnSync } from 'node:child_process'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createDispatcher } from '../../main/ipc/dispatch'
import type { ImportEnd } from '../../preload/contract/types'
import { openTestCore } from '../helpers/core'
import { openDatabase } from '../../main/storage/db'
import { DatasetsRepo } from '../../main/storage/datasetsRepo'
import { repoRoot } from '../helpers/core'
import { tempDir } from '../helpers/tmp'

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32)
}

/** Clothing-like blobs: a class-dependent silhouette plus noise (compresses like real images). */
export function fashionLike(n: number, seed: number): { x: Uint8Array; y: Uint8Array } {
  const r = rng(seed)
  const x = new Uint8Array(n * 784)
  const y = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const c = i % 10
    y[i] = c
    const w = 6 + c
    for (let row = 0; row < 28; row++) {
      for (let col = 0; col < 28; col++) {
        const inside = Math.abs(col - 14) < w / 2 + (row > 14 ? c % 3 : 0) && row > 3 + (c % 4) && row < 25
        x[i * 784 + row * 28 + col] = inside ? 120 + Math.floor(r() * 100) : r() < 0.05 ? Math.floor(r() * 30) : 0
      }
    }
  }
  return { x, y }
}

export async function writeCsv(file: string, targetBytes: number): Promise<void> {
  const out = createWriteStream(file)
  const r = rng(9)
  out.write(`${Array.from({ length: 16 }, (_, i) => `f${i}`).join(',')},label\n`)
  let bytes = 0
  let rows = 0
  while (bytes < targetBytes) {
    let chunk = ''
    for (let k = 0; k < 1000; k++) {
      let line = ''
      for (let j = 0; j < 16; j++) line += `${(r() * 10 - 5).toFixed(4)},`
      line += `${rows % 3}\n`
      chunk += line
      rows++
    }
    bytes += chunk.length
    if (!out.write(chunk)) await new Promise<void>((res) => out.once('drain', () => res()))
  }
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())))
}

/** A minimal PNG encoder (RGB, filter 0): pngjs's writer is slower than this for 10k small files. */
function png(w: number, h: number, rgb: Uint8Array): Buffer {
  const crcTable = new Int32Array(256).map((_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c })
  const crc = (b: Buffer) => { let c = -1; for (const v of b) c = crcTable[(c ^ v) & 0xff]! ^ (c >>> 8); return (c ^ -1) >>> 0 }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length)
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td))
    return Buffer.concat([len, td, c])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2
  const raw = Buffer.alloc(h * (w * 3 + 1))
  for (let y = 0; y < h; y++) Buffer.from(rgb.buffer, rgb.byteOffset + y * w * 3, w * 3).copy(raw, y * (w * 3 + 1) + 1)
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}

export function writePngs(root: string, n: number): void {
  const r = rng(4)
  for (let c = 0; c < 10; c++) mkdirSync(path.join(root, `class${c}`), { recursive: true })
  const rgb = new Uint8Array(32 * 32 * 3)
  for (let i = 0; i < n; i++) {
    const c = i % 10
    for (let p = 0; p < rgb.length; p++) rgb[p] = (p % 3 === c % 3 ? 150 : 40) + Math.floor(r() * 60)
    writeFileSync(path.join(root, `class${c}`, `${i}.png`), png(32, 32, rgb))
  }
}

interface Figure { seconds: number; wallSeconds: number; finalTensorBytes: number; peakRssAboveBaselineBytes: number; peakOverFinal: number; examples: number; goalSeconds: number }

/**
 * Imports in a fresh `studio import --json` process, so that one import's leftovers (allocator
 * arenas, caches) cannot hide or inflate the next one's peak: the CLI reports the import's seconds
 * and the process's RSS before it and its high-water mark (worker thread included).
 */
function measure(dataDir: string, paths: string[], goalSeconds: number, flags: string[] = []): Figure {
  const cli = path.join(repoRoot, 'out', 'main', 'cli.js')
  const t0 = performance.now()
  const r = spawnSync(process.execPath, [cli, 'import', ...paths, '--data-dir', dataDir, '--json', ...flags], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  const wallSeconds = (performance.now() - t0) / 1000
  if (r.status !== 0) throw new Error(`studio import failed (${r.status}): ${r.stderr}`)
  const o = JSON.parse(r.stdout) as { seconds: number; memory: { baselineRssBytes: number; peakRssBytes: number }; dataset: { trainSize: number; valSize: number; testSize: number; id: string } }
  const db = openDatabase(path.join(dataDir, 'studio.db'))
  const bytes = new DatasetsRepo(db).get(o.dataset.id)!.bytes
  db.close()
  const above = o.memory.peakRssBytes - o.memory.baselineRssBytes
  return {
    seconds: Number(o.seconds.toFixed(2)), wallSeconds: Number(wallSeconds.toFixed(2)), finalTensorBytes: bytes, peakRssAboveBaselineBytes: above,
    peakOverFinal: Number((above / bytes).toFixed(2)), examples: o.dataset.trainSize + o.dataset.valSize + o.dataset.testSize, goalSeconds
  }
}

/** Runs the three import figures; `quick` uses a tenth of the sizes. */
export async function benchImport(quick: boolean, say: (s: string) => void): Promise<Record<string, unknown>> {
  const t = tempDir('studio-bench-import-')
  const worker = path.join(repoRoot, 'out', 'main', 'importWorker.js')
  if (!existsSync(worker)) throw new Error(`${worker} is missing: run "npm run build" first`)
  const data = path.join(t.dir, 'data')
  const k = quick ? 10 : 1
  try {
    say('import: generating a Fashion-MNIST-sized IDX set')
    const idx = path.join(t.dir, 'fashion')
    mkdirSync(idx)
    const tr = fashionLike(60_000 / k, 1)
    const te = fashionLike(10_000 / k, 2)
    writeFileSync(path.join(idx, 'train-images-idx3-ubyte.gz'), encodeIdx({ shape: [60_000 / k, 28, 28], data: tr.x }))
    writeFileSync(path.join(idx, 'train-labels-idx1-ubyte.gz'), encodeIdx({ shape: [60_000 / k], data: tr.y }))
    writeFileSync(path.join(idx, 't10k-images-idx3-ubyte.gz'), encodeIdx({ shape: [10_000 / k, 28, 28], data: te.x }))
    writeFileSync(path.join(idx, 't10k-labels-idx1-ubyte.gz'), encodeIdx({ shape: [10_000 / k], data: te.y }))
    say('import: generating a 100 MB numeric CSV')
    const csv = path.join(t.dir, 'numbers.csv')
    await writeCsv(csv, 100e6 / k)
    say('import: generating 10,000 PNG files')
    const pngs = path.join(t.dir, 'pngs')
    writePngs(pngs, 10_000 / k)
    // The fixed cost of an import (worker thread, its code, SQLite): a 10-row CSV, measured the same way.
    const tiny = path.join(t.dir, 'tiny.csv')
    writeFileSync(tiny, `a,b\n${Array.from({ length: 10 }, (_, i) => `${i},${i % 2}`).join('\n')}\n`)
    const fixed = measure(data, [tiny], 5).peakRssAboveBaselineBytes
    say('import: IDX')
    const idxFig = measure(data, [idx], 3)
    say(`import: IDX ${idxFig.seconds} s; CSV`)
    const csvFig = measure(data, [csv], 5, ['--target', 'label'])
    say(`import: CSV ${csvFig.seconds} s; PNG`)
    const pngFig = measure(data, [pngs], 15)
    say(`import: PNG ${pngFig.seconds} s`)
    const net = (f: Figure) => ({ ...f, peakOverFinalWithoutFixedCost: Number(((f.peakRssAboveBaselineBytes - fixed) / f.finalTensorBytes).toFixed(2)) })
    say('import: generating 60,000 PNG files for the responsiveness figure')
    const pngs60k = path.join(t.dir, 'pngs60k')
    writePngs(pngs60k, 60_000 / k)
    say('import: 60,000 PNG files in-process, measuring main\'s event loop')
    const responsiveness = await responsivenessDuringImport(path.join(t.dir, 'data-live'), pngs60k)
    say(`import: 60k PNG ${responsiveness.seconds} s, request p95 ${responsiveness.requestP95Ms} ms`)
    return { fixedCostRssBytes: fixed, idxFashionMnistSized: net(idxFig), csv100MB: net(csvFig), png10k: net(pngFig), goalPeakOverFinal: 2, png60kResponsiveness: responsiveness }
  } finally {
    t.cleanup()
  }
}

/**
 * "The UI stays responsive during a 60,000-image import": the import runs in the real StudioCore of
 * this process (as in the app's main or `studio serve`) while a request the UI makes all the time
 * (`datasets:list`, through the contract dispatcher) is sent every 50 ms; reports its latency and
 * main's event-loop delay over the import. The UI itself is a separate process (renderer/browser).
 */
async function responsivenessDuringImport(dataDir: string, folder: string): Promise<Record<string, number>> {
  const core = openTestCore(dataDir)
  const dispatch = createDispatcher(core.handlers)
  try {
    const h = monitorEventLoopDelay({ resolution: 10 })
    const latencies: number[] = []
    let done: ImportEnd | null = null
    let jobId = ''
    const off = core.hub.subscribe((event, payload) => {
      if (event === 'datasets:didImportEnd' && (payload as ImportEnd).jobId === jobId) done = payload as ImportEnd
    })
    const t0 = performance.now()
    h.enable()
    const r = await dispatch('datasets:import', { paths: [folder], options: {} })
    if (!r.ok) throw new Error(`import refused: ${r.error.message}`)
    jobId = (r.value as { jobId: string }).jobId
    while (!done) {
      const q0 = performance.now()
      await dispatch('datasets:list', {})
      latencies.push(performance.now() - q0)
      await new Promise((res) => setTimeout(res, 50))
    }
    h.disable()
    off()
    const end = done as ImportEnd
    if (!end.ok) throw new Error(`60k PNG import failed: ${JSON.stringify(end)}`)
    latencies.sort((a, b) => a - b)
    const q = (p: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1))
    return {
      files: 60_000, seconds: Number(((performance.now() - t0) / 1000).toFixed(2)), requests: latencies.length,
      requestP50Ms: q(0.5), requestP95Ms: q(0.95), requestMaxMs: Number(latencies.at(-1)!.toFixed(1)),
      eventLoopDelayP99Ms: Number((h.percentile(99) / 1e6).toFixed(1)), eventLoopDelayMaxMs: Number((h.max / 1e6).toFixed(1))
    }
  } finally {
    await core.close()
  }
}
