/**
 * Datasets beyond the samples (issue 3): detection of dropped files, import jobs in a worker
 * thread (progress, cancel), versions made by resplitting, rename/describe/delete, and the data the
 * dataset browser shows. StudioCore constructs one and merges its handlers into the contract's.
 *
 * Invariants: paths from callers are validated before anything reads them; a job writes only into
 * its own folder under `<data>/datasets/`, which becomes the dataset only after the worker
 * finished and the row is inserted — a failed or cancelled job leaves no folder and no row; a
 * version that runs used is never removed from the database.
 */
import { randomBytes } from 'node:crypto'
import { accessSync, closeSync, constants, createWriteStream, existsSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync } from 'node:fs'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Transform } from 'node:stream'
import path from 'node:path'
import type { Worker } from 'node:worker_threads'
import type { Requests } from '../../preload/contract/channels'
import type {
  DatasetDetail, DatasetImages, DatasetRows, DatasetSummary, ImportEnd, ImportErrorInfo, ImportJob, ImportOptions,
  ImportProgress, InspectResult, ModelSpec, SplitName, SplitPercents, UploadResult
} from '../../preload/contract/types'
import { createLogger } from '../common/logger'
import { resolveInside } from '../common/paths'
import { readHeader, type CacheHeader } from '../datasets/cache'
import { readMeta, type DatasetMeta } from '../datasets/datasetMeta'
import type { ResolvedInput } from '../datasets/detect'
import type { JobRequest, JobResult } from '../datasets/importJob'
import { defaultWorkerEntry, startWorker, type WorkerReply, type WorkerRequest } from '../datasets/workerProtocol'
import { toSummary, type DatasetRecord, type DatasetsRepo } from '../storage/datasetsRepo'
import { StudioError } from './errors'
import type { EventHub } from './events'

const log = createLogger('datasets')

/** The dataset channels this service implements. */
export type DatasetChannel =
  | 'datasets:inspect' | 'datasets:import' | 'datasets:cancelImport' | 'datasets:importJobs' | 'datasets:get'
  | 'datasets:rows' | 'datasets:images' | 'datasets:update' | 'datasets:delete' | 'datasets:resplit'

/** Handlers of the dataset channels, typed by the contract. */
export type DatasetHandlers = {
  [C in DatasetChannel]: (args: Requests[C]['args']) => Promise<Requests[C]['result']> | Requests[C]['result']
}

export interface DatasetServiceOptions {
  /** `<data>/datasets`: every cache folder lives here. */
  datasetsDir: string
  /** `<data>/uploads`: browser-mode uploads (POST /upload). */
  uploadsDir: string
  repo: DatasetsRepo
  hub: EventHub
  /** Built importWorker.js (or its .ts source in tests); default: found next to the running code. */
  workerEntry?: string
  /** Largest total input accepted for one import. */
  maxInputBytes?: number
}

interface Job {
  id: string
  kind: 'import' | 'resplit'
  name: string
  startedAt: number
  worker: Worker
  outDir: string
  progress: ImportProgress | null
  ended: boolean
  cancelled: boolean
  uploadId?: string
  /** Resplit: the version it starts from. */
  from?: DatasetRecord
  done: Promise<ImportEnd>
}

const MAX_INPUT_BYTES = 64 * 1024 ** 3
/** Limits of one browser-mode upload (all files of one drop). */
export const UPLOAD_MAX_BYTES = 4 * 1024 ** 3
export const UPLOAD_MAX_FILES = 100_000
const UPLOAD_TTL_MS = 24 * 3600 * 1000
/** A job folder untouched this long belongs to a job that died with its process. */
const STALE_JOB_MS = 6 * 3600 * 1000

function newDatasetId(): string {
  return `d-${Date.now().toString(36)}-${randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6).toLowerCase()}`
}
function newJobId(): string {
  return `j-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`
}

/** A model that trains reasonably on a dataset of this shape: what one-click "Train" uses. */
export function suggestModel(inputShape: number[]): ModelSpec {
  if (inputShape.length === 3) return { template: 'cnn', filters: [16, 32], denseUnits: 64 }
  const size = inputShape.reduce((a, b) => a * b, 1)
  return { template: 'mlp', hidden: size > 256 ? [128, 64] : [64, 64], activation: 'relu' }
}

export class DatasetService {
  private readonly jobs = new Map<string, Job>()
  private readonly workerEntry: string
  private readonly uploads = new Map<string, { files: number; bytes: number }>()
  private closed = false

  constructor(private readonly o: DatasetServiceOptions) {
    this.workerEntry = o.workerEntry ?? defaultWorkerEntry()
    mkdirSync(o.uploadsDir, { recursive: true })
    this.sweep()
  }

  /** Removes leftovers of a crash: half-written job folders and uploads older than a day. */
  private sweep(): void {
    try {
      const now = Date.now()
      // Only old ones: the app and a `studio import` may share a data folder, each with live jobs.
      for (const e of readdirSync(this.o.datasetsDir)) {
        const p = path.join(this.o.datasetsDir, e)
        if (e.includes('.job-') && now - statSync(p).mtimeMs > STALE_JOB_MS) rmSync(p, { recursive: true, force: true })
      }
      for (const e of readdirSync(this.o.uploadsDir)) {
        const p = path.join(this.o.uploadsDir, e)
        if (now - statSync(p).mtimeMs > UPLOAD_TTL_MS) rmSync(p, { recursive: true, force: true })
      }
    } catch (e) {
      log.warn('could not sweep old import folders', e)
    }
  }

  // ── input validation ───────────────────────────────────────────────────────────────────────────

  /**
   * Checks caller paths (absolute, existing, readable, regular files or folders, within the size
   * limit) or resolves an upload id to its folder; returns what importers read.
   */
  resolveInput(src: { paths?: string[]; uploadId?: string }): ResolvedInput {
    const input: ResolvedInput = { files: [], dirs: [] }
    let paths: { p: string; name: string }[]
    if (src.uploadId !== undefined) {
      let dir: string
      try { dir = resolveInside(this.o.uploadsDir, src.uploadId) } catch { throw new StudioError('invalid_argument', `Bad upload id "${src.uploadId}".`) }
      if (!existsSync(dir)) throw new StudioError('not_found', `No upload "${src.uploadId}" (uploads are kept for 24 hours).`)
      const entries = readdirSync(dir).filter((e) => !e.startsWith('.'))
      if (!entries.length) throw new StudioError('invalid_argument', `Upload "${src.uploadId}" is empty.`)
      paths = entries.map((e) => ({ p: path.join(dir, e), name: e }))
    } else {
      paths = (src.paths ?? []).map((p) => {
        if (!path.isAbsolute(p)) throw new StudioError('invalid_argument', `Not an absolute path: ${JSON.stringify(p)}.`)
        return { p: path.resolve(p), name: path.basename(path.resolve(p)) }
      })
      if (!paths.length) throw new StudioError('invalid_argument', 'Nothing to import: no paths given.')
    }
    let total = 0
    for (const { p, name } of paths) {
      let st
      try { st = statSync(p) } catch { throw new StudioError('not_found', `${p}: no such file or folder.`) }
      try { accessSync(p, constants.R_OK) } catch { throw new StudioError('invalid_argument', `${p}: not readable (permission denied).`) }
      if (st.isDirectory()) input.dirs.push({ path: p, name })
      else if (st.isFile()) { input.files.push({ path: p, name, bytes: st.size }); total += st.size }
      else throw new StudioError('invalid_argument', `${p}: not a regular file or folder.`)
    }
    const limit = this.o.maxInputBytes ?? MAX_INPUT_BYTES
    if (total > limit) throw new StudioError('invalid_argument', `The files add up to ${(total / 1024 ** 3).toFixed(1)} GB, over the ${(limit / 1024 ** 3).toFixed(0)} GB import limit.`)
    return input
  }

  // ── uploads (browser mode) ─────────────────────────────────────────────────────────────────────

  /**
   * Stores one uploaded file of a drop under `<data>/uploads/<uploadId>/<relPath>` (a new upload
   * when `uploadId` is undefined). `relPath` comes from the browser: every segment is checked and
   * the result must stay inside the upload folder. Enforces the per-upload size and file limits
   * while streaming; a file cut short by a limit or a dropped connection is removed.
   */
  async receiveUpload(uploadId: string | undefined, relPath: string, body: Readable): Promise<UploadResult> {
    const segs = relPath.split('/')
    if (!relPath || relPath.length > 1024 || segs.length > 16 || segs.some((s) => !s || s === '.' || s === '..' || s.length > 255 || /[\\\0:]/.test(s))) {
      throw new StudioError('invalid_argument', `Bad upload path ${JSON.stringify(relPath.slice(0, 200))}: expected a relative path like cats/001.png.`)
    }
    let id = uploadId
    if (id === undefined) {
      id = `u-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`
      mkdirSync(resolveInside(this.o.uploadsDir, id), { recursive: true })
      this.uploads.set(id, { files: 0, bytes: 0 })
    }
    const stats = this.uploads.get(id)
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id) || !stats) throw new StudioError('not_found', `No upload "${id}" in progress.`)
    if (stats.files >= UPLOAD_MAX_FILES) throw new StudioError('invalid_argument', `An upload holds at most ${UPLOAD_MAX_FILES.toLocaleString('en')} files.`)
    const dir = resolveInside(this.o.uploadsDir, id)
    const target = resolveInside(dir, ...segs)
    if (existsSync(target)) throw new StudioError('conflict', `${relPath} was already uploaded.`)
    mkdirSync(path.dirname(target), { recursive: true })
    const tmp = `${target}.part`
    let bytes = 0
    const limit = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length
        if (stats.bytes + bytes > UPLOAD_MAX_BYTES) cb(new StudioError('invalid_argument', `The upload is over the ${UPLOAD_MAX_BYTES / 1024 ** 3} GB limit.`))
        else cb(null, chunk)
      }
    })
    try {
      await pipeline(body, limit, createWriteStream(tmp))
      renameSync(tmp, target)
    } catch (e) {
      rmSync(tmp, { force: true })
      throw e instanceof StudioError ? e : new StudioError('invalid_argument', `Upload of ${relPath} failed: ${(e as Error).message}`)
    }
    stats.files++
    stats.bytes += bytes
    return { uploadId: id, files: stats.files, bytes: stats.bytes }
  }

  // ── inspect ────────────────────────────────────────────────────────────────────────────────────

  /** Detects what was dropped, in a worker (a hostile file cannot stall or crash main). */
  inspect(src: { paths?: string[]; uploadId?: string }, options: ImportOptions = {}): Promise<InspectResult> {
    const input = this.resolveInput(src)
    const w = startWorker(this.workerEntry, { kind: 'inspect', input, options })
    return new Promise((resolve, reject) => {
      let settled = false
      const timer = setTimeout(() => { if (!settled) { settled = true; void w.terminate(); reject(new StudioError('unavailable', 'Looking at the files took more than 60 s; try importing directly.')) } }, 60_000)
      w.on('message', (m: WorkerReply) => {
        if (settled) return
        if (m.type === 'inspected') { settled = true; resolve(m.result) }
        else if (m.type === 'error') { settled = true; reject(new StudioError('invalid_argument', m.error.message, m.error.key ? { key: m.error.key, params: m.error.params ?? {} } : undefined)) }
      })
      w.on('error', (e) => { if (!settled) { settled = true; reject(new StudioError('internal', `Inspect failed: ${e.message}`)) } })
      w.on('exit', () => { clearTimeout(timer); if (!settled) { settled = true; reject(new StudioError('internal', 'Inspect ended without an answer.')) } })
    })
  }

  // ── jobs ───────────────────────────────────────────────────────────────────────────────────────

  /** Starts an import job; progress and the outcome arrive as events. */
  startImport(src: { paths?: string[]; uploadId?: string }, options: ImportOptions = {}): { jobId: string; done: Promise<ImportEnd> } {
    if (this.closed) throw new StudioError('unavailable', 'The studio is shutting down.')
    const input = this.resolveInput(src)
    const id = newJobId()
    const outDir = resolveInside(this.o.datasetsDir, `${newDatasetId()}.job-${id}`)
    const name = options.name ?? input.dirs[0]?.name ?? input.files[0]?.name ?? 'dataset'
    const job = this.launch({ kind: 'import', jobId: id, input, options, outDir, workerEntry: this.workerEntry }, name)
    if (src.uploadId) job.uploadId = src.uploadId
    return { jobId: id, done: job.done }
  }

  /** Starts a resplit of a dataset version into a new version. */
  startResplit(datasetId: string, split: SplitPercents, seed: number): { jobId: string; done: Promise<ImportEnd> } {
    if (this.closed) throw new StudioError('unavailable', 'The studio is shutting down.')
    const d = this.record(datasetId)
    if (d.isSample) throw new StudioError('invalid_argument', 'Built-in samples keep their split; import your own copy to change it.')
    const id = newJobId()
    const outDir = resolveInside(this.o.datasetsDir, `${newDatasetId()}.job-${id}`)
    const job = this.launch({ kind: 'resplit', jobId: id, srcDir: d.dir, name: d.name, split, seed, outDir }, d.name)
    job.from = d
    return { jobId: id, done: job.done }
  }

  private launch(req: JobRequest, name: string): Job {
    const worker = startWorker(this.workerEntry, req as WorkerRequest)
    let resolveDone!: (e: ImportEnd) => void
    const job: Job = {
      id: req.jobId, kind: req.kind, name, startedAt: Date.now(), worker, outDir: req.outDir, progress: null, ended: false, cancelled: false,
      done: new Promise<ImportEnd>((r) => { resolveDone = r })
    }
    this.jobs.set(job.id, job)
    const end = (e: Omit<ImportEnd, 'jobId'>) => {
      if (job.ended) return
      job.ended = true
      this.jobs.delete(job.id)
      if (!e.ok) rmSync(job.outDir, { recursive: true, force: true })
      const payload: ImportEnd = { jobId: job.id, ...e }
      this.o.hub.emit('datasets:didImportEnd', payload)
      resolveDone(payload)
    }
    const fail = (error: ImportErrorInfo) => end({ ok: false, error, warnings: [] })
    worker.on('message', (m: WorkerReply) => {
      if (job.ended) return
      switch (m.type) {
        case 'progress':
          job.progress = { jobId: job.id, ...m.progress }
          this.o.hub.emit('datasets:didImportProgress', job.progress)
          return
        case 'key': {
          const existing = this.o.repo.findBySourceKey(m.key)
          const reuse = !!existing && existsSync(path.join(existing.dir, 'header.json'))
          if (reuse) {
            end({ ok: true, datasetId: existing.id, reused: true, warnings: [] })
            this.cleanupUpload(job)
            void worker.terminate()
          } else worker.postMessage({ type: 'reuse', reuse: false })
          return
        }
        case 'done':
          try {
            if (!m.result) throw new Error('the worker reported reuse without a dataset')
            const id = this.register(job, m.result)
            end({ ok: true, datasetId: id, warnings: m.result.warnings })
            this.cleanupUpload(job)
          } catch (e) {
            log.error(`job ${job.id}: could not register the dataset`, e)
            fail({ code: 'internal', message: `Could not register the dataset: ${e instanceof Error ? e.message : String(e)}` })
          }
          return
        case 'error':
          fail(m.error)
      }
    })
    worker.on('error', (e) => {
      const oom = (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
      log.warn(`job ${job.id}: worker error`, e)
      fail(oom ? { code: 'too_large', message: 'The import ran out of memory; the data is too large for this machine.' } : { code: 'internal', message: `Import failed: ${e.message}` })
    })
    worker.on('exit', () => {
      if (job.cancelled) end({ ok: false, error: { code: 'cancelled', message: 'Import cancelled; nothing was stored.' }, warnings: [] })
      else fail({ code: 'internal', message: 'The import worker stopped without a result.' })
    })
    return job
  }

  /** Moves a finished job's folder into place and inserts its row; returns the new id. */
  private register(job: Job, r: JobResult): string {
    const id = path.basename(job.outDir).split('.job-')[0]!
    const dir = resolveInside(this.o.datasetsDir, id)
    renameSync(job.outDir, dir)
    const h: CacheHeader = r.header
    const family = job.from ? this.o.repo.versions(job.from.familyId ?? job.from.id) : []
    const version = job.from ? Math.max(...family.map((v) => v.version ?? 1)) + 1 : 1
    const familyId = job.from ? job.from.familyId ?? job.from.id : id
    const p = r.meta.split.percents
    const source = job.from
      ? `${job.from.source.replace(/ · resplit .*$/, '')} · resplit ${p.train}/${p.val}/${p.test}, seed ${r.meta.split.seed}`
      : `${r.meta.sources.slice(0, 3).map((s) => s.name).join(', ')}${r.meta.sources.length > 3 ? ` and ${r.meta.sources.length - 3} more` : ''}`
    const rec: DatasetRecord = {
      id, name: job.from?.name ?? r.name, description: job.from?.description ?? r.meta.options.description ?? '', source,
      task: h.task, inputShape: h.inputShape, numClasses: h.numClasses, classNames: h.classNames,
      trainSize: h.splits.train?.count ?? 0, valSize: h.splits.val?.count ?? 0, bytes: h.bytes, isSample: false,
      createdAt: Date.now(), suggested: suggestModel(h.inputShape), dir, sha256: h.sha256
    }
    try {
      this.o.repo.insertImported(rec, { format: r.meta.format, version, familyId, sourceKey: r.meta.sourceKey, testSize: h.splits.test?.count ?? 0 })
    } catch (e) {
      rmSync(dir, { recursive: true, force: true })
      throw e
    }
    this.o.hub.emit('datasets:didChange', { datasetId: id, summary: toSummary(this.o.repo.get(id)!) })
    return id
  }

  private cleanupUpload(job: Job): void {
    if (!job.uploadId) return
    this.uploads.delete(job.uploadId)
    try { rmSync(resolveInside(this.o.uploadsDir, job.uploadId), { recursive: true, force: true }) } catch { /* swept later */ }
  }

  /** Cancels a job: its worker is terminated and its folder removed; nothing is registered. */
  cancel(jobId: string): { cancelled: boolean } {
    const j = this.jobs.get(jobId)
    if (!j || j.ended) return { cancelled: false }
    j.cancelled = true
    void j.worker.terminate()
    return { cancelled: true }
  }

  /** Jobs still running. */
  listJobs(): ImportJob[] {
    return [...this.jobs.values()].map((j) => ({ jobId: j.id, kind: j.kind, name: j.name, startedAt: j.startedAt, progress: j.progress }))
  }

  /** Resolves when a job ends (tests, CLI). */
  waitForJob(jobId: string): Promise<ImportEnd> {
    const j = this.jobs.get(jobId)
    if (!j) throw new StudioError('not_found', `No running job ${jobId}.`)
    return j.done
  }

  // ── browse ─────────────────────────────────────────────────────────────────────────────────────

  private record(id: string): DatasetRecord {
    const d = this.o.repo.get(id)
    if (!d || d.deletedAt) throw new StudioError('not_found', `No dataset with id "${id}".`)
    return d
  }

  private headerOf(d: DatasetRecord): CacheHeader {
    try { return readHeader(d.dir) } catch (e) {
      throw new StudioError('unavailable', `The files of dataset "${d.name}" are missing or damaged (${(e as Error).message}).`)
    }
  }

  /** Everything the dataset overview shows. */
  detail(id: string): DatasetDetail {
    const d = this.record(id)
    const h = this.headerOf(d)
    const meta: DatasetMeta | null = readMeta(d.dir)
    const counts = { train: h.splits.train?.count ?? 0, val: h.splits.val?.count ?? 0, test: h.splits.test?.count ?? 0 }
    const n = counts.train + counts.val + counts.test || 1
    const dist = meta?.classDistribution ?? this.distributionFromFiles(d, h)
    let imbalance: DatasetDetail['imbalance'] = null
    if (dist) {
      const tot = dist.classNames.map((_, i) => dist.train[i]! + dist.val[i]! + dist.test[i]!)
      const max = Math.max(...tot)
      const min = Math.min(...tot)
      if (min === 0 || max >= 3 * min) {
        const big = dist.classNames[tot.indexOf(max)]
        const small = dist.classNames[tot.indexOf(min)]
        imbalance = { ratio: min ? max / min : max, message: `Classes are imbalanced: "${big}" has ${max.toLocaleString('en')} examples, "${small}" ${min.toLocaleString('en')}. Accuracy alone can mislead; watch the per-class results.` }
      }
    }
    const family = this.o.repo.versions(d.familyId ?? d.id).filter((v) => !v.deletedAt)
    const versions = family.map((v) => {
      const m = v.id === d.id ? meta : readMeta(v.dir)
      return {
        datasetId: v.id, version: v.version ?? 1, createdAt: v.createdAt, trainSize: v.trainSize, valSize: v.valSize, testSize: v.testSize ?? 0,
        seed: m?.split.seed ?? null, note: v.version === 1 || !v.version ? 'as imported' : `resplit ${m?.split.percents.train}/${m?.split.percents.val}/${m?.split.percents.test}`,
        runCount: this.o.repo.runUse(v.id).total
      }
    })
    const view: DatasetDetail['view'] = meta?.view ?? (h.inputShape.length === 3 && (h.inputShape[2] === 1 || h.inputShape[2] === 3) ? 'images' : h.inputShape.length === 1 ? 'table' : 'tensor')
    return {
      summary: toSummary(d), format: meta?.format ?? null,
      split: {
        ...counts, percents: meta?.split.percents ?? { train: (100 * counts.train) / n, val: (100 * counts.val) / n, test: (100 * counts.test) / n },
        seed: meta?.split.seed ?? null, stratified: meta?.split.stratified ?? d.task === 'classification', official: meta?.split.official ?? false
      },
      columns: meta?.columns ?? [], target: meta?.target ?? null, correlation: meta?.correlation ?? null, classDistribution: dist,
      imbalance, charts: meta?.charts ?? (dist ? [{ kind: 'classBars', title: 'Examples per class', x: 'label', reason: 'Labelled examples: how balanced the classes are, per split.' }] : []),
      versions, skipped: meta?.skipped ?? [], warnings: meta?.warnings ?? [], view
    }
  }

  private distributionFromFiles(d: DatasetRecord, h: CacheHeader): DatasetDetail['classDistribution'] {
    if (h.task !== 'classification') return null
    const k = h.classNames.length
    const count = (s: SplitName) => {
      const c = new Array<number>(k).fill(0)
      if (!h.splits[s]?.count) return c
      const y = this.readY(d, s)
      for (const v of y) if (v >= 0 && v < k) c[v]!++
      return c
    }
    return { classNames: h.classNames, train: count('train'), val: count('val'), test: count('test') }
  }

  private readY(d: DatasetRecord, s: SplitName): Int32Array {
    const f = resolveInside(d.dir, `${s}.y.bin`)
    const b = readRange(f, 0, statSync(f).size)
    return new Int32Array(b.buffer, b.byteOffset, b.byteLength / 4)
  }

  /** A window of rows (tabular): features with their encodings undone, then the target. */
  rows(id: string, split: SplitName, offset: number, limit: number): DatasetRows {
    const d = this.record(id)
    const h = this.headerOf(d)
    const total = h.splits[split]?.count ?? 0
    if (h.inputShape.length !== 1) throw new StudioError('invalid_argument', `Dataset "${d.name}" holds images (shape ${h.inputShape.join('×')}); use datasets:images.`)
    const meta = readMeta(d.dir)
    const size = h.inputShape[0]!
    const end = Math.min(total, offset + limit)
    const out: DatasetRows = { columns: [], rows: [], indices: [], total, offset }
    const layout = meta?.layout ?? []
    const target = meta?.target ?? 'label'
    out.columns = layout.length ? [...layout.map((l) => l.name), target] : [...(h.featureNames ?? Array.from({ length: size }, (_, i) => `x${i}`)), target]
    if (offset >= end) return out
    const bpe = h.xDtype === 'uint8' ? 1 : 4
    const xb = readRange(resolveInside(d.dir, `${split}.x.bin`), offset * size * bpe, (end - offset) * size * bpe)
    const yb = readRange(resolveInside(d.dir, `${split}.y.bin`), offset * 4, (end - offset) * 4)
    const x = h.xDtype === 'uint8' ? Float32Array.from(xb, (v) => v * h.xScale) : new Float32Array(xb.buffer, xb.byteOffset, xb.byteLength / 4)
    const y = h.task === 'classification' ? new Int32Array(yb.buffer, yb.byteOffset, yb.byteLength / 4) : new Float32Array(yb.buffer, yb.byteOffset, yb.byteLength / 4)
    for (let r = 0; r < end - offset; r++) {
      const base = r * size
      const row: (string | number | null)[] = []
      if (layout.length) {
        for (const l of layout) {
          if (l.encoding === 'onehot') {
            let best = -1
            for (let j = 0; j < l.width; j++) if (x[base + l.offset + j]! > 0.5) best = j
            row.push(best >= 0 ? l.categories![best]! : null)
          } else if (l.type === 'categorical') row.push(l.categories![Math.round(x[base + l.offset]!)] ?? null)
          else if (l.type === 'boolean') row.push(x[base + l.offset]! >= 0.5 ? 'true' : 'false')
          else {
            const v = x[base + l.offset]! * l.div + l.shift
            row.push(l.type === 'date' ? new Date(Math.round(v * 86_400_000)).toISOString().slice(0, 10) : Number(v.toPrecision(7)))
          }
        }
      } else {
        for (let j = 0; j < size; j++) row.push(Number(x[base + j]!.toPrecision(7)))
      }
      row.push(h.task === 'classification' ? h.classNames[y[r]!] ?? y[r]! : Number(y[r]!.toPrecision(7)))
      out.rows.push(row)
      out.indices.push(offset + r)
    }
    return out
  }

  /** A window of images as raw uint8 pixels (base64), optionally of one class only. */
  images(id: string, split: SplitName, offset: number, limit: number, classIndex?: number): DatasetImages {
    const d = this.record(id)
    const h = this.headerOf(d)
    const shape = h.inputShape
    if (shape.length !== 3 || (shape[2] !== 1 && shape[2] !== 3)) throw new StudioError('invalid_argument', `Dataset "${d.name}" is not images (shape ${shape.join('×')}); use datasets:rows.`)
    const count = h.splits[split]?.count ?? 0
    const size = shape[0]! * shape[1]! * shape[2]!
    const out: DatasetImages = { shape, total: 0, offset, items: [] }
    if (!count) return out
    const y = this.readY(d, split)
    let indices: number[] | null = null
    if (classIndex !== undefined) {
      indices = []
      for (let i = 0; i < y.length; i++) if (y[i] === classIndex) indices.push(i)
    }
    out.total = indices ? indices.length : count
    const end = Math.min(out.total, offset + limit)
    const f = resolveInside(d.dir, `${split}.x.bin`)
    const bpe = h.xDtype === 'uint8' ? 1 : 4
    const fd = openSync(f, 'r')
    try {
      for (let k = offset; k < end; k++) {
        const i = indices ? indices[k]! : k
        const b = Buffer.alloc(size * bpe)
        readSync(fd, b, 0, b.length, i * size * bpe)
        let px: Buffer = b
        if (bpe === 4) {
          const fl = new Float32Array(b.buffer, b.byteOffset, size)
          px = Buffer.alloc(size)
          for (let j = 0; j < size; j++) px[j] = Math.max(0, Math.min(255, Math.round(fl[j]! * h.xScale * 255)))
        }
        out.items.push({ index: i, label: y[i]!, pixels: px.toString('base64') })
      }
    } finally {
      closeSync(fd)
    }
    return out
  }

  // ── change ─────────────────────────────────────────────────────────────────────────────────────

  /** Renames / describes a dataset (all its versions). */
  update(id: string, fields: { name?: string; description?: string }): DatasetSummary {
    const d = this.record(id)
    if (d.isSample) throw new StudioError('invalid_argument', 'Built-in samples cannot be renamed; import your own copy.')
    this.o.repo.describe(d.familyId ?? d.id, fields)
    for (const v of this.o.repo.versions(d.familyId ?? d.id)) if (!v.deletedAt) this.o.hub.emit('datasets:didChange', { datasetId: v.id, summary: toSummary(v) })
    return toSummary(this.o.repo.get(id)!)
  }

  /**
   * Deletes a dataset with all its versions. Refused while a run on any version is queued or
   * running. A version that runs used stays as a hidden tombstone row (runs keep their dataset
   * name and config); its tensor files are removed either way — that is what frees the disk.
   */
  delete(id: string): { datasetId: string; tombstone: boolean } {
    const d = this.record(id)
    if (d.isSample) throw new StudioError('invalid_argument', 'Built-in samples cannot be deleted (they are reinstalled at every start).')
    const family = this.o.repo.versions(d.familyId ?? d.id)
    for (const v of family) {
      if (this.o.repo.runUse(v.id).active > 0) throw new StudioError('conflict', `Dataset "${d.name}" is in use by a running training; stop it first.`)
    }
    for (const j of this.jobs.values()) if (j.from && family.some((v) => v.id === j.from!.id)) throw new StudioError('conflict', `Dataset "${d.name}" is being resplit; wait for it or cancel it.`)
    let tombstone = false
    const now = Date.now()
    for (const v of family) {
      if (this.o.repo.runUse(v.id).total > 0) { this.o.repo.markDeleted(v.id, now); tombstone = true }
      else this.o.repo.remove(v.id)
      try { rmSync(resolveInside(this.o.datasetsDir, path.basename(v.dir)), { recursive: true, force: true }) } catch (e) { log.warn(`could not remove ${v.dir}`, e) }
      if (!v.deletedAt) this.o.hub.emit('datasets:didChange', { datasetId: v.id, summary: null })
    }
    return { datasetId: id, tombstone }
  }

  /** Stops every job (their folders are removed); called when the studio closes. */
  async close(): Promise<void> {
    this.closed = true
    await Promise.all([...this.jobs.values()].map(async (j) => { j.cancelled = true; await j.worker.terminate(); await j.done }))
  }

  /** The contract handlers of the dataset channels. */
  handlers(): DatasetHandlers {
    return {
      'datasets:inspect': (a) => this.inspect(a, a.options ?? {}),
      'datasets:import': (a) => ({ jobId: this.startImport(a, a.options ?? {}).jobId }),
      'datasets:cancelImport': ({ jobId }) => this.cancel(jobId),
      'datasets:importJobs': () => this.listJobs(),
      'datasets:get': ({ datasetId }) => this.detail(datasetId),
      'datasets:rows': ({ datasetId, split, offset, limit }) => this.rows(datasetId, split, offset, limit),
      'datasets:images': ({ datasetId, split, offset, limit, classIndex }) => this.images(datasetId, split, offset, limit, classIndex),
      'datasets:update': ({ datasetId, ...fields }) => this.update(datasetId, fields),
      'datasets:delete': ({ datasetId }) => this.delete(datasetId),
      'datasets:resplit': ({ datasetId, split, seed }) => ({ jobId: this.startResplit(datasetId, split, seed).jobId })
    }
  }
}

function readRange(file: string, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len)
  const fd = openSync(file, 'r')
  try {
    let off = 0
    while (off < len) {
      const n = readSync(fd, b, off, len - off, pos + off)
      if (n <= 0) break
      off += n
    }
    return b.subarray(0, off)
  } finally {
    closeSync(fd)
  }
}
