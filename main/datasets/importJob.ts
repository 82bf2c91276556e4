/**
 * One import (or resplit) from start to finish, as the import worker runs it: detect, hash the
 * source (same bytes + same options ⇒ the existing dataset is reused at once), read, split,
 * write the cache into a fresh folder. Never touches SQLite and never writes outside `outDir`;
 * main registers the result and moves the folder into place, or deletes it on failure/cancel.
 */
import { createHash } from 'node:crypto'
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import type { ImportOptions, ImportPhase, ImportProgress, ImportWarning, SkippedFile, SplitPercents } from '../../preload/contract/types'
import { warn } from './warnings'
import { readHeader, type CacheHeader } from './cache'
import { CIFAR_PIXELS, arrayKey, pairIdx, pickArrays, readCifar, readIdxFiles, readNumpy, type NpyArray } from './binaryFormats'
import { META_FILE, readMeta, type DatasetMeta } from './datasetMeta'
import { writeDataset, type DatasetSpec } from './datasetWriter'
import { detect, inspect, suggestName, type Detected, type ResolvedInput } from './detect'
import { ImportError, detail, fromImportErrorInfo } from './importError'
import { decodeImageAsync, listImageFolders, resizeInto } from './images'
import { readWhole, type SourceFile } from './sourceFiles'
import { splitIndices3, type SplitIndices3 } from './stratifiedSplit'
import { startWorker, type DecodeRequest, type WorkerReply } from './workerProtocol'
import { readTable, sampleTabular, describeColumns, proposeTarget, taskFor, type ColumnPlan } from './tabular'
import { buildTabular } from './tabularSpec'

export interface ImportJobRequest {
  kind: 'import'
  jobId: string
  input: ResolvedInput
  options: ImportOptions
  /** Fresh folder (inside the data folder) the cache is written into. */
  outDir: string
  /** The worker entry, to start a second decoder thread for big image imports (absent: one thread). */
  workerEntry?: string
}

export interface ResplitJobRequest {
  kind: 'resplit'
  jobId: string
  /** Cache folder of the version being resplit. */
  srcDir: string
  name: string
  split: SplitPercents
  seed: number
  outDir: string
}

export type JobRequest = ImportJobRequest | ResplitJobRequest

export interface JobResult {
  header: CacheHeader
  meta: DatasetMeta
  name: string
  warnings: ImportWarning[]
}

export interface JobHooks {
  progress(p: Omit<ImportProgress, 'jobId'>): void
  /** Asked once the source is hashed: true = a dataset with this key exists, stop here. */
  checkReuse(sourceKey: string): Promise<boolean>
}

export const DEFAULT_SPLIT: SplitPercents = { train: 80, val: 10, test: 10 }
export const DEFAULT_SEED = 42
/** More distinct labels than this is not a classification dataset (and would blow up per-class arrays). */
const MAX_CLASSES = 1000

/** Progress with rate and ETA, throttled to ~5 messages per second per job. */
export class ProgressMeter {
  private phase: ImportPhase = 'queued'
  private t0 = Date.now()
  private last = 0
  constructor(private readonly emit: JobHooks['progress']) {}

  start(phase: ImportPhase, total: number, unit: ImportProgress['unit']): (done: number) => void {
    this.phase = phase
    this.t0 = Date.now()
    this.last = 0
    this.emit({ phase, done: 0, total, unit, rate: 0, etaSeconds: null })
    return (done: number) => {
      const now = Date.now()
      if (now - this.last < 200 && done < total) return
      this.last = now
      const secs = Math.max(1e-3, (now - this.t0) / 1000)
      const rate = done / secs
      this.emit({ phase: this.phase, done, total, unit, rate, etaSeconds: rate > 0 && total > 0 ? Math.max(0, (total - done) / rate) : null })
    }
  }
}

function normalizedOptions(o: ImportOptions): unknown {
  const { name: _n, description: _d, ...rest } = o
  return rest
}

/** sha256 over the format, the options that shape the data, and every source byte. */
async function sourceKey(d: Detected, files: SourceFile[], opts: ImportOptions, onBytes: (n: number) => void): Promise<string> {
  const h = createHash('sha256')
  h.update(JSON.stringify({ v: 1, format: d.format, options: normalizedOptions(opts) }))
  const buf = Buffer.allocUnsafe(1024 * 1024)
  let done = 0
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    h.update(`\0${f.name}\0${f.bytes}\0`)
    const fd = openSync(f.path, 'r')
    try {
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, null)
        if (n <= 0) break
        h.update(buf.subarray(0, n))
        done += n
        onBytes(done)
      }
    } finally {
      closeSync(fd)
    }
  }
  return h.digest('hex')
}

function percentsOf(opts: ImportOptions): SplitPercents {
  return opts.split ?? DEFAULT_SPLIT
}

/** Official train/test (test kept as is) with validation carved out of train, stratified. */
function officialSplit(nTrain: number, nTest: number, labels: ArrayLike<number> | null, valPercent: number, seed: number): SplitIndices3 {
  const train = new Int32Array(nTrain)
  for (let i = 0; i < nTrain; i++) train[i] = i
  const test = new Int32Array(nTest)
  for (let i = 0; i < nTest; i++) test[i] = nTrain + i
  if (valPercent <= 0) return { train, val: new Int32Array(0), test }
  const s = splitIndices3(train, labels, { train: 100 - valPercent, val: valPercent, test: 0 }, seed)
  return { train: s.train, val: s.val, test }
}

function classLabels(name: string, raw: ArrayLike<number>, count: number): { labels: Int32Array; classNames: string[] } {
  let max = 0
  for (let i = 0; i < count; i++) {
    const v = raw[i]!
    if (!(v >= 0 && v < MAX_CLASSES && Number.isInteger(v))) {
      throw new ImportError('format_mismatch', `${name} record ${i}: label ${v}; expected a class index from 0 to ${MAX_CLASSES - 1}.`, { file: name, record: i }, detail('labelRange', { file: name, record: i, found: v, max: MAX_CLASSES - 1 }))
    }
    if (v > max) max = v
  }
  const used = new Set<number>()
  for (let i = 0; i < count; i++) used.add(raw[i]!)
  if (used.size < 2) {
    throw new ImportError('single_value_target', `${name}: every label is ${[...used][0]}; classification needs at least two classes.`, { file: name }, detail('oneLabel', { file: name, value: [...used][0]! }))
  }
  const labels = new Int32Array(count)
  for (let i = 0; i < count; i++) labels[i] = raw[i]!
  return { labels, classNames: Array.from({ length: max + 1 }, (_, i) => String(i)) }
}

function baseMeta(d: Detected, files: SourceFile[], key: string, opts: ImportOptions, split: DatasetMeta['split'], view: DatasetMeta['view']): DatasetMeta {
  return {
    metaVersion: 1, format: d.format, sourceKey: key, sources: files.slice(0, 200).map((f) => ({ name: f.name, bytes: f.bytes })),
    split, columns: [], target: null, layout: [], correlation: null, charts: [], classDistribution: null, skipped: [], warnings: [], view, options: opts
  }
}

function classCharts(spec: DatasetSpec): DatasetMeta['charts'] {
  return spec.task === 'classification' ? [{ kind: 'classBars', title: 'Examples per class', x: 'label', reason: 'Labelled examples: how balanced the classes are, per split.' }] : []
}

/** Runs an import or resplit job. Returns null when an identical dataset exists (reuse). */
export async function runJob(req: JobRequest, hooks: JobHooks): Promise<JobResult | null> {
  const meter = new ProgressMeter(hooks.progress)
  if (req.kind === 'resplit') return resplit(req, meter)
  const opts = req.options
  const seed = opts.seed ?? DEFAULT_SEED
  const d = await detect(req.input, opts.format)
  const name = opts.name ?? suggestName(req.input)
  // Listed once: the hash and the decoder share it (10k+ file records are worth not repeating).
  const imageListing = d.format === 'images' ? listImageFolders(d.dirs) : null
  const allFiles = imageListing ? imageListing.files : d.files
  const total = allFiles.reduce((a, f) => a + f.bytes, 0)
  const hashTick = meter.start('hashing', total, 'bytes')
  const key = await sourceKey(d, allFiles, opts, hashTick)
  if (await hooks.checkReuse(key)) return null
  const official = opts.useOfficialSplit ?? true
  const percents = percentsOf(opts)

  const finish = (spec: DatasetSpec, splits: SplitIndices3, meta: DatasetMeta, warnings: ImportWarning[]): JobResult => {
    const tick = meter.start('writing', splits.train.length + splits.val.length + splits.test.length, 'examples')
    if (!splits.train.length) throw new ImportError('no_data', 'The train split would be empty; give it a larger share.', {}, detail('emptyTrain'))
    const header = writeDataset(req.outDir, spec, splits, { ...meta, warnings }, tick)
    return { header, meta: { ...meta, warnings, classDistribution: null }, name, warnings }
  }

  switch (d.format) {
    case 'csv':
    case 'jsonl': {
      const f = d.files[0]!
      const sample = await sampleTabular(f, d.format, opts.csv)
      const cols = describeColumns(sample)
      const byName = new Map(cols.map((c) => [c.name, c]))
      for (const o of opts.columns ?? []) {
        if (!byName.has(o.name)) throw new ImportError('bad_option', `No column named "${o.name}" in ${f.name} (columns: ${cols.map((c) => c.name).join(', ')}).`, { file: f.name }, detail('noColumn', { column: o.name, file: f.name, columns: cols.map((c) => c.name).join(', ') }))
      }
      const overrides = new Map((opts.columns ?? []).map((o) => [o.name, o]))
      for (const c of cols) { const t = overrides.get(c.name)?.type; if (t) c.type = t }
      const proposed = proposeTarget(cols, sample)
      const target = opts.target ?? proposed.target
      if (!target) throw new ImportError('bad_option', `${f.name}: no column can be the target; choose one.`, { file: f.name }, detail('chooseTarget'))
      const tcol = byName.get(target)
      if (!tcol) throw new ImportError('bad_option', `No column named "${target}" in ${f.name} (columns: ${cols.map((c) => c.name).join(', ')}).`, { file: f.name }, detail('noColumn', { column: target, file: f.name, columns: cols.map((c) => c.name).join(', ') }))
      const task = opts.task ?? (opts.target ? taskFor(tcol, sample) : proposed.task)
      if (task === 'regression' && tcol.type !== 'numeric') {
        throw new ImportError('bad_option', `Column "${target}" is ${tcol.type}; regression needs a numeric target. Choose classification or another column.`, { file: f.name }, detail('regressionNeedsNumber', { column: target, type: tcol.type }))
      }
      const plans: ColumnPlan[] = cols.map((c) => {
        const o = overrides.get(c.name)
        const role = c.name === target ? 'target' : o?.ignore || c.type === 'text' ? 'ignored' : 'feature'
        return { name: c.name, src: c.index, type: c.type, role, encoding: o?.encoding ?? 'onehot', missing: o?.missing ?? opts.missing ?? 'fill' }
      })
      const read = meter.start('reading', f.bytes, 'bytes')
      const table = await readTable(f, d.format, sample.dialect, sample.columns, plans, task, sample.estimatedRows, read, () => false)
      meter.start('splitting', table.rows, 'rows')
      const built = buildTabular(table, task, opts, percents, seed, name)
      const meta = baseMeta(d, [f], key, opts, { percents, seed, stratified: task === 'classification', official: false }, 'table')
      return finish(built.spec, built.splits, { ...meta, columns: built.columns, target: built.target, layout: built.layout, correlation: built.correlation, charts: built.charts }, built.warnings)
    }
    case 'idx': {
      const read = meter.start('reading', d.files.length, 'files')
      const arrays = await readIdxFiles(d.files)
      read(d.files.length)
      const pairs = pairIdx(arrays)
      const train = pairs.filter((p) => p.split !== 'test')
      const test = pairs.filter((p) => p.split === 'test')
      const ordered = [...train, ...test]
      const counts = ordered.map((p) => p.images.shape[0]!)
      const n = counts.reduce((a, b) => a + b, 0)
      const raw = new Uint8Array(n)
      let o = 0
      for (const p of ordered) { raw.set(p.labels.data, o); o += p.labels.data.length }
      const { labels, classNames } = classLabels(ordered[0]!.labels.file.name, raw, n)
      const ex = ordered[0]!.images.shape.slice(1)
      const inputShape = ex.length === 2 ? [ex[0]!, ex[1]!, 1] : ex
      const size = ex.reduce((a, b) => a * b, 1)
      const starts: number[] = []
      let acc = 0
      for (const c of counts) { starts.push(acc); acc += c }
      const spec: DatasetSpec = {
        name, task: 'classification', inputShape, classNames, xDtype: 'uint8', xScale: 1 / 255, count: n, labels,
        gather: (idx, out) => {
          for (let r = 0; r < idx.length; r++) {
            const i = idx[r]!
            let p = ordered.length - 1
            while (starts[p]! > i) p--
            const src = ordered[p]!.images.data
            const k = i - starts[p]!
            ;(out as Uint8Array).set(src.subarray(k * size, (k + 1) * size), r * size)
          }
        }
      }
      meter.start('splitting', n, 'examples')
      const useOfficial = official && test.length > 0 && train.length > 0
      const nTrain = train.reduce((a, p) => a + p.images.shape[0]!, 0)
      const splits = useOfficial
        ? officialSplit(nTrain, n - nTrain, labels, opts.split?.val ?? 10, seed)
        : splitIndices3(Int32Array.from({ length: n }, (_, i) => i), labels, percents, seed)
      const sp = useOfficial ? { train: 100 - (opts.split?.val ?? 10), val: opts.split?.val ?? 10, test: 0 } : percents
      const meta = baseMeta(d, d.files, key, opts, { percents: sp, seed, stratified: true, official: useOfficial }, inputShape.length === 3 ? 'images' : 'tensor')
      return finish(spec, splits, { ...meta, charts: classCharts(spec) }, [])
    }
    case 'cifar': {
      const read = meter.start('reading', d.files.length, 'files')
      const batchFiles = d.files.filter((f) => !/\.txt$|meta/i.test(f.name))
      const batches = await readCifar(batchFiles)
      read(d.files.length)
      const namesFile = d.files.find((f) => /batches\.meta|fine_label_names|label_names/i.test(f.name))
      const lb = batches[0]!.labelBytes
      const k = lb === 1 ? 10 : 100
      const named = namesFile ? readWhole(namesFile).toString('utf8').split(/\r?\n/).map((s) => s.trim()).filter(Boolean) : []
      const classNames = named.length === k ? named : Array.from({ length: k }, (_, i) => String(i))
      const n = batches.reduce((a, b) => a + b.count, 0)
      const labels = new Int32Array(n)
      const starts: number[] = []
      let o = 0
      for (const b of batches) {
        starts.push(o)
        const rec = CIFAR_PIXELS + lb
        for (let r = 0; r < b.count; r++) labels[o + r] = b.data[r * rec + lb - 1]!
        o += b.count
      }
      const spec: DatasetSpec = {
        name, task: 'classification', inputShape: [32, 32, 3], classNames, xDtype: 'uint8', xScale: 1 / 255, count: n, labels,
        gather: (idx, out) => {
          const u = out as Uint8Array
          const rec = CIFAR_PIXELS + lb
          for (let r = 0; r < idx.length; r++) {
            const i = idx[r]!
            let p = batches.length - 1
            while (starts[p]! > i) p--
            const src = batches[p]!.data
            const base = (i - starts[p]!) * rec + lb
            const ob = r * CIFAR_PIXELS
            // Channel planes (R, G, B) → interleaved height × width × channels.
            for (let px = 0; px < 1024; px++) {
              u[ob + px * 3] = src[base + px]!
              u[ob + px * 3 + 1] = src[base + 1024 + px]!
              u[ob + px * 3 + 2] = src[base + 2048 + px]!
            }
          }
        }
      }
      const nTrain = batches.filter((b) => b.split !== 'test').reduce((a, b) => a + b.count, 0)
      const useOfficial = official && nTrain > 0 && nTrain < n
      const splits = useOfficial
        ? officialSplit(nTrain, n - nTrain, labels, opts.split?.val ?? 10, seed)
        : splitIndices3(Int32Array.from({ length: n }, (_, i) => i), labels, percents, seed)
      const sp = useOfficial ? { train: 100 - (opts.split?.val ?? 10), val: opts.split?.val ?? 10, test: 0 } : percents
      const meta = baseMeta(d, d.files, key, opts, { percents: sp, seed, stratified: true, official: useOfficial }, 'images')
      return finish(spec, splits, { ...meta, charts: classCharts(spec) }, [])
    }
    case 'npy':
    case 'npz': {
      const read = meter.start('reading', d.files.length, 'files')
      const arrays = await readNumpy(d.files)
      read(d.files.length)
      const picked = pickArrays(arrays, opts.arrays)
      const parts = picked.test ? [picked.train, picked.test] : [picked.train]
      for (const p of parts) {
        const ny = p.y.shape[0] ?? 0
        if (p.x.shape[0] !== ny) {
          throw new ImportError('count_mismatch', `${p.x.name} has ${p.x.shape[0]} examples (shape [${p.x.shape.join(', ')}]) but ${p.y.name} has ${ny} labels; they must match.`, { file: p.y.name }, detail('arrayCount', { x: p.x.name, count: p.x.shape[0]!, y: p.y.name, labels: ny }))
        }
        if (!p.x.shape.length || p.x.shape[0] === 0) throw new ImportError('no_data', `${p.x.name}: the array is empty.`, { file: p.x.name }, detail('arrayEmpty', { file: p.x.name }))
      }
      const exShape = picked.train.x.shape.slice(1)
      if (picked.test && picked.test.x.shape.slice(1).join() !== exShape.join()) {
        throw new ImportError('count_mismatch', `${picked.test.x.name} examples have shape [${picked.test.x.shape.slice(1).join(', ')}], ${picked.train.x.name} [${exShape.join(', ')}]; they must match.`, {},
          detail('arrayShapes', { a: picked.test.x.name, aShape: picked.test.x.shape.slice(1).join(', '), b: picked.train.x.name, bShape: exShape.join(', ') }))
      }
      const size = exShape.reduce((a, b) => a * b, 1)
      const isImage = exShape.length >= 2
      const inputShape = exShape.length === 2 ? [exShape[0]!, exShape[1]!, 1] : exShape.length === 0 ? [1] : exShape
      const xs = parts.map((p) => p.x)
      const u8 = xs.every((x) => x.data instanceof Uint8Array)
      const n = parts.reduce((a, p) => a + p.x.shape[0]!, 0)
      const ys = parts.map((p) => p.y)
      const { labels, classNames, task } = npyLabels(ys, n, opts)
      const starts: number[] = []
      let acc = 0
      for (const x of xs) { starts.push(acc); acc += x.shape[0]! }
      const spec: DatasetSpec = {
        name, task, inputShape, classNames, xDtype: u8 ? 'uint8' : 'float32', xScale: u8 && isImage ? 1 / 255 : 1, count: n, labels,
        gather: (idx, out) => {
          for (let r = 0; r < idx.length; r++) {
            const i = idx[r]!
            const p = i >= starts[1]! && xs.length > 1 ? 1 : 0
            const k = i - starts[p]!
            const src = xs[p]!.data
            if (u8) (out as Uint8Array).set((src as Uint8Array).subarray(k * size, (k + 1) * size), r * size)
            else for (let j = 0; j < size; j++) (out as Float32Array)[r * size + j] = src[k * size + j]!
          }
        }
      }
      const useOfficial = official && !!picked.test
      const nTrain = picked.train.x.shape[0]!
      const splits = useOfficial
        ? officialSplit(nTrain, n - nTrain, task === 'classification' ? labels : null, opts.split?.val ?? 10, seed)
        : splitIndices3(Int32Array.from({ length: n }, (_, i) => i), task === 'classification' ? labels : null, percents, seed)
      const sp = useOfficial ? { train: 100 - (opts.split?.val ?? 10), val: opts.split?.val ?? 10, test: 0 } : percents
      const meta = baseMeta(d, d.files, key, opts, { percents: sp, seed, stratified: task === 'classification', official: useOfficial }, isImage && (inputShape[2] === 1 || inputShape[2] === 3) ? 'images' : 'tensor')
      return finish(spec, splits, { ...meta, charts: classCharts(spec) }, [])
    }
    case 'images': {
      const info = await inspect(req.input, opts)
      const listing = imageListing!
      const w = opts.image?.width ?? info.images!.defaultWidth
      const h = opts.image?.height ?? info.images!.defaultHeight
      const mode = opts.image?.colorMode ?? info.images!.colorMode
      const c = mode === 'rgb' ? 3 : 1
      const size = w * h * c
      const n = listing.files.length
      // Big imports decode on two threads (this one and a helper) straight into shared memory.
      const pool = req.workerEntry && n >= POOL_MIN_FILES && availableParallelism() >= 2
      const pixelsBuf = pool ? new SharedArrayBuffer(n * size) : new ArrayBuffer(n * size)
      const okBuf = pool ? new SharedArrayBuffer(n) : new ArrayBuffer(n)
      const pixels = new Uint8Array(pixelsBuf)
      const ok = new Uint8Array(okBuf)
      const labelsAll = new Int32Array(n)
      for (let i = 0; i < n; i++) labelsAll[i] = listing.files[i]!.label
      const skipped = [...listing.skipped]
      const tick = meter.start('decoding', n, 'files')
      const files = listing.files.map((f) => ({ path: f.path, name: f.name }))
      const all = Int32Array.from({ length: n }, (_, i) => i)
      let helperDone = 0
      let mineDone = 0
      let helper: Promise<void> = Promise.resolve()
      let mine = all
      if (pool) {
        // Interleaved shares: both threads see the same mix of classes and file sizes.
        mine = all.filter((i) => i % 2 === 0)
        const theirs = all.filter((i) => i % 2 === 1)
        const w2 = startWorker(req.workerEntry!, { kind: 'decode', files, indices: theirs, width: w, height: h, channels: c, pixels: pixelsBuf as SharedArrayBuffer, ok: okBuf as SharedArrayBuffer })
        helper = new Promise<void>((resolve, reject) => {
          w2.on('message', (m: WorkerReply) => {
            if (m.type === 'decoded') {
              helperDone = m.done
              skipped.push(...m.skipped)
              tick(mineDone + helperDone)
              if (m.final) resolve()
            } else if (m.type === 'error') reject(fromImportErrorInfo(m.error))
          })
          w2.on('error', reject)
          w2.on('exit', () => resolve())
        })
      }
      await decodeShare({ kind: 'decode', files, indices: mine, width: w, height: h, channels: c, pixels: pixelsBuf as SharedArrayBuffer, ok: okBuf as SharedArrayBuffer },
        (done, sk) => { mineDone = done; skipped.push(...sk); tick(mineDone + helperDone) }, pixels, ok)
      await helper
      const keep = Int32Array.from({ length: n }, (_, i) => i).filter((i) => ok[i] === 1)
      if (!keep.length) throw new ImportError('corrupt_image', `None of the ${n} image files could be read (first: ${skipped[0]?.name}: ${skipped[0]?.reason}).`, {},
        detail('noImageReadable', { count: n, first: skipped[0]?.name ?? '' }))
      const present = new Set<number>()
      for (const i of keep) present.add(labelsAll[i]!)
      if (present.size < 2) throw new ImportError('one_class', `Only one class (${listing.classNames[[...present][0]!]}) has readable images; an image dataset needs at least two.`, {}, detail('oneClassReadable', { class: listing.classNames[[...present][0]!]! }))
      const spec: DatasetSpec = {
        name, task: 'classification', inputShape: [h, w, c], classNames: listing.classNames, xDtype: 'uint8', xScale: 1 / 255, count: n, labels: labelsAll,
        gather: (idx, out) => { for (let r = 0; r < idx.length; r++) (out as Uint8Array).set(pixels.subarray(idx[r]! * size, (idx[r]! + 1) * size), r * size) }
      }
      const useOfficial = official && listing.official
      let splits: SplitIndices3
      let sp = percents
      if (useOfficial) {
        const of = (s: 'train' | 'val' | 'test') => keep.filter((i) => listing.files[i]!.split === s)
        const test = of('test')
        const hasVal = listing.files.some((f) => f.split === 'val')
        const v = opts.split?.val ?? 10
        const s = hasVal ? { train: of('train'), val: of('val'), test } : { ...splitIndices3(of('train'), labelsAll, { train: 100 - v, val: v, test: 0 }, seed), test }
        splits = s
        const tot = keep.length || 1
        sp = { train: Math.round((100 * s.train.length) / tot), val: Math.round((100 * s.val.length) / tot), test: 0 }
        sp.test = 100 - sp.train - sp.val
      } else splits = splitIndices3(keep, labelsAll, percents, seed)
      const warnings = skipped.length ? [warn.filesSkipped(skipped.length)] : []
      const meta = baseMeta(d, [], key, opts, { percents: sp, seed, stratified: true, official: useOfficial }, 'images')
      meta.sources = listing.classNames.map((cn) => ({ name: `${cn}/`, bytes: 0 }))
      return finish(spec, splits, { ...meta, skipped: skipped.slice(0, 1000), charts: classCharts(spec) }, warnings)
    }
  }
}

function npyLabels(ys: NpyArray[], n: number, opts: ImportOptions): { labels: Int32Array | Float32Array; classNames: string[]; task: 'classification' | 'regression' } {
  const flat = new Float64Array(n)
  let o = 0
  for (const y of ys) {
    const cnt = y.shape[0]!
    const width = y.shape.slice(1).reduce((a, b) => a * b, 1)
    for (let i = 0; i < cnt; i++) {
      if (width === 1) flat[o + i] = y.data[i]!
      else { // one-hot rows → class index
        let best = 0
        for (let j = 1; j < width; j++) if (y.data[i * width + j]! > y.data[i * width + best]!) best = j
        flat[o + i] = best
      }
    }
    o += cnt
  }
  const allInt = ys.every((y) => y.integer) || flat.every((v) => Number.isInteger(v))
  const distinct = new Set<number>()
  for (const v of flat) { distinct.add(v); if (distinct.size > 1000) break }
  const task = opts.task ?? (allInt && distinct.size <= 1000 && [...distinct].every((v) => v >= 0) ? 'classification' : 'regression')
  if (task === 'regression') {
    if (distinct.size < 2) throw new ImportError('single_value_target', `${ys[0]!.name}: every label is ${flat[0]}; there is nothing to predict.`, { file: ys[0]!.name }, detail('oneLabel', { file: ys[0]!.name, value: flat[0]! }))
    return { labels: Float32Array.from(flat), classNames: [], task }
  }
  if (!allInt || [...distinct].some((v) => v < 0)) throw new ImportError('bad_option', `${ys[0]!.name}: labels are not non-negative integers; choose regression.`, { file: ys[0]!.name }, detail('labelsNotClasses', { file: ys[0]!.name }))
  const { labels, classNames } = classLabels(arrayKey(ys[0]!), flat, n)
  return { labels, classNames, task }
}

/** A new version of a dataset with another split: same examples, new split, scalers refitted on the new train split. */
async function resplit(req: ResplitJobRequest, meter: ProgressMeter): Promise<JobResult> {
  const header = readHeader(req.srcDir)
  const meta = readMeta(req.srcDir)
  const size = header.inputShape.reduce((a, b) => a * b, 1)
  const splits = (['train', 'val', 'test'] as const).filter((s) => header.splits[s]?.count)
  const n = splits.reduce((a, s) => a + header.splits[s]!.count, 0)
  const u8 = header.xDtype === 'uint8'
  const x = u8 ? new Uint8Array(n * size) : new Float32Array(n * size)
  const labels = header.task === 'classification' ? new Int32Array(n) : new Float32Array(n)
  const read = meter.start('reading', n, 'examples')
  let o = 0
  for (const s of splits) {
    const cnt = header.splits[s]!.count
    const xb = readFileSync(path.join(req.srcDir, `${s}.x.bin`))
    const yb = readFileSync(path.join(req.srcDir, `${s}.y.bin`))
    new Uint8Array(x.buffer, x.byteOffset + o * size * (u8 ? 1 : 4), cnt * size * (u8 ? 1 : 4)).set(xb)
    new Uint8Array(labels.buffer, labels.byteOffset + o * 4, cnt * 4).set(yb)
    o += cnt
    read(o)
  }
  const all = Int32Array.from({ length: n }, (_, i) => i)
  const split = splitIndices3(all, header.task === 'classification' ? labels : null, req.split, req.seed)
  const layout = meta?.layout.map((l) => ({ ...l })) ?? []
  if (!u8) {
    const f = x as Float32Array
    for (const l of layout) {
      if (l.encoding !== 'standardize' && l.encoding !== 'minmax') continue
      let sum = 0; let lo = Infinity; let hi = -Infinity
      for (let i = 0; i < n; i++) f[i * size + l.offset] = f[i * size + l.offset]! * l.div + l.shift
      for (const i of split.train) { const v = f[i * size + l.offset]!; sum += v; if (v < lo) lo = v; if (v > hi) hi = v }
      const mean = sum / Math.max(1, split.train.length)
      let ss = 0
      for (const i of split.train) ss += (f[i * size + l.offset]! - mean) ** 2
      l.shift = l.encoding === 'standardize' ? mean : lo
      l.div = l.encoding === 'standardize' ? Math.sqrt(ss / Math.max(1, split.train.length)) || 1 : hi > lo ? hi - lo : 1
      for (let i = 0; i < n; i++) f[i * size + l.offset] = (f[i * size + l.offset]! - l.shift) / l.div
    }
  }
  const spec: DatasetSpec = {
    name: req.name, task: header.task, inputShape: header.inputShape, classNames: header.classNames,
    ...(header.featureNames ? { featureNames: header.featureNames } : {}),
    xDtype: header.xDtype, xScale: header.xScale, count: n, labels,
    gather: (idx, out) => {
      for (let r = 0; r < idx.length; r++) (out as Uint8Array).set((x as Uint8Array).subarray(idx[r]! * size, (idx[r]! + 1) * size), r * size)
    }
  }
  const newMeta: DatasetMeta = {
    ...(meta ?? {
      metaVersion: 1, format: 'csv', sourceKey: '', sources: [], columns: [], target: null, layout: [], correlation: null,
      charts: [], classDistribution: null, skipped: [], warnings: [], view: header.inputShape.length === 3 ? 'images' : 'tensor', options: {}
    }),
    layout, split: { percents: req.split, seed: req.seed, stratified: header.task === 'classification', official: false },
    // A resplit is not the imported source: its key must not make a later import "reuse" it.
    sourceKey: `resplit:${meta?.sourceKey ?? ''}:${req.split.train}/${req.split.val}/${req.split.test}:${req.seed}`
  }
  const tick = meter.start('writing', n, 'examples')
  const h = writeDataset(req.outDir, spec, split, newMeta, tick)
  return { header: h, meta: newMeta, name: req.name, warnings: [] }
}

export { META_FILE }

/**
 * Below this many files one decoder thread is fast enough (10k PNG: ~1.7 s) and a second would
 * only add its fixed memory (~20 MB). STUDIO_IMPORT_POOL_MIN_FILES overrides it (tests, bench).
 */
const POOL_MIN_FILES = Number(process.env.STUDIO_IMPORT_POOL_MIN_FILES ?? 20_000)

/**
 * Decodes `req.indices` of `req.files` into the pixel buffer (resized, grey or RGB), setting an ok
 * flag per file; unreadable files are reported with their reason, never thrown. Reports progress
 * every 256 files. Runs in the job's worker and, for big imports, in a helper worker too.
 */
export async function decodeShare(
  req: DecodeRequest, report: (done: number, skipped: SkippedFile[], final: boolean) => void,
  pixels: Uint8Array<ArrayBufferLike> = new Uint8Array(req.pixels), ok: Uint8Array<ArrayBufferLike> = new Uint8Array(req.ok)
): Promise<void> {
  const size = req.width * req.height * req.channels
  let fileBuf = Buffer.alloc(64 * 1024)
  let batch: SkippedFile[] = []
  for (let k = 0; k < req.indices.length; k++) {
    const i = req.indices[k]!
    const f = req.files[i]!
    try {
      // One reused read buffer: a fresh buffer per file fragments the allocator (RSS only grows).
      const fileBytes = statSync(f.path).size
      if (fileBytes > fileBuf.length) fileBuf = Buffer.alloc(Math.max(fileBytes, fileBuf.length * 2))
      const fd = openSync(f.path, 'r')
      let got = 0
      try { while (got < fileBytes) { const r = readSync(fd, fileBuf, got, fileBytes - got, got); if (r <= 0) break; got += r } } finally { closeSync(fd) }
      const img = await decodeImageAsync(f.name, fileBuf.subarray(0, got))
      resizeInto(img, req.width, req.height, req.channels, pixels, i * size)
      ok[i] = 1
    } catch (e) {
      batch.push({
        name: f.name, reason: e instanceof ImportError ? e.message.replace(`${f.name}: `, '') : String(e),
        ...(e instanceof ImportError && e.detail ? { code: e.detail.key, params: e.detail.params } : {})
      })
    }
    if ((k & 255) === 255) { report(k + 1, batch, false); batch = [] }
  }
  report(req.indices.length, batch, true)
}
