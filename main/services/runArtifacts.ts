/**
 * Files of a run beyond its metrics (issue 4): checkpoint retention (keep last K + best),
 * exporting a checkpoint as a TF.js model folder, the distributions the trainer writes per epoch,
 * and turning a dropped image or a pasted row into the features the model takes. Plain Node; the
 * SQL stays in the repos, the callers (StudioCore) tie the two together.
 */
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import type { CheckpointInfo, CheckpointPolicy, Distributions, DistributionPoint, FilterImage, PredictInput, RunNotice } from '../../preload/contract/types'
import type { FeatureLayout } from '../datasets/datasetMeta'
import { decodeImageAsync, resizeInto, type Rgba } from '../datasets/images'
import type { CacheHeader } from '../datasets/cache'
import type { BestBy } from '../storage/checkpointsRepo'
import { StudioError } from './errors'

/** The "best" rule of a checkpoint policy: `val_loss` → epoch/val_loss, mode auto → min for losses and errors. */
export function bestByFromPolicy(policy: CheckpointPolicy | undefined, metrics: Record<string, number>, fallback: (m: Record<string, number>) => BestBy): BestBy {
  if (!policy?.bestMetric) return fallback(metrics)
  const metric = policy.bestMetric.includes('/') ? policy.bestMetric : `epoch/${policy.bestMetric}`
  if (!(metric in metrics)) return fallback(metrics)
  const mode = policy.bestMode && policy.bestMode !== 'auto' ? policy.bestMode
    : /loss|error|mse|mae|huber/.test(metric) ? 'min' : 'max'
  return { metric, mode }
}

/**
 * Which checkpoints the policy lets go: all but the last `keepLast` (by epoch) and the best.
 * `keepLast` 0 or absent keeps everything. Already deleted ones are not listed again.
 */
export function checkpointsToDelete(checkpoints: readonly CheckpointInfo[], keepLast: number | undefined): CheckpointInfo[] {
  if (!keepLast || keepLast <= 0) return []
  const live = checkpoints.filter((c) => !c.deleted).sort((a, b) => a.epoch - b.epoch || a.id - b.id)
  const keep = new Set(live.slice(-keepLast).map((c) => c.id))
  return live.filter((c) => !keep.has(c.id) && !c.isBest && !c.isLast)
}

/** Removes a checkpoint folder; it must lie inside `runDir` (never follows a path out of it). */
export function removeCheckpointDir(runDir: string, dir: string): void {
  const rel = path.relative(path.resolve(runDir), path.resolve(dir))
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`refusing to delete ${dir}: not inside ${runDir}`)
  rmSync(dir, { recursive: true, force: true })
}

/**
 * Copies a checkpoint folder (model.json and the weight files its manifest names) into `dest`
 * atomically: into `dest.tmp-…`, then renamed. Refuses a `dest` that exists and is not empty.
 */
export function exportCheckpointDir(src: string, dest: string): { files: string[]; bytes: number } {
  const modelJson = path.join(src, 'model.json')
  if (!existsSync(modelJson)) throw new StudioError('not_found', `The checkpoint's files are gone (${src}); the retention policy may have removed them.`)
  const json = JSON.parse(readFileSync(modelJson, 'utf8')) as { weightsManifest?: { paths: string[] }[] }
  const files = ['model.json', ...new Set((json.weightsManifest ?? []).flatMap((g) => g.paths))]
  for (const f of files) {
    if (f.includes('/') || f.includes('\\') || f === '..' || !existsSync(path.join(src, f))) {
      throw new StudioError('internal', `Checkpoint ${src}: model.json names weight file ${JSON.stringify(f)}, which is not a file next to it.`)
    }
  }
  if (existsSync(dest) && readdirSync(dest).length > 0) {
    throw new StudioError('conflict', `${dest} already exists and is not empty; pick an empty or new folder.`)
  }
  mkdirSync(path.dirname(dest), { recursive: true })
  const tmp = `${dest}.tmp-${process.pid}-${Date.now()}`
  mkdirSync(tmp, { recursive: true })
  let bytes = 0
  try {
    for (const f of files) {
      copyFileSync(path.join(src, f), path.join(tmp, f))
      bytes += statSync(path.join(tmp, f)).size
    }
    if (existsSync(dest)) rmSync(dest, { recursive: true, force: true })
    renameSync(tmp, dest)
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true })
    throw e
  }
  return { files, bytes }
}

/**
 * Where an export may go. `anywhere` (the desktop app's save dialog, the CLI): any absolute folder
 * outside the studio's own data, except its exports/ folder. Otherwise (browser mode, whose
 * callers cannot see this machine's disk): a folder inside `<data>/exports`, given relative to it
 * or absolute. `..` segments are refused everywhere, so an export can never overwrite a
 * checkpoint, a dataset cache or the database.
 */
export function checkExportDest(dest: string, dataRoot: string, anywhere: boolean): string {
  if (dest.split(/[\\/]+/).includes('..')) throw new StudioError('invalid_argument', `destDir must not contain "..": ${JSON.stringify(dest)}.`)
  const root = path.resolve(dataRoot)
  const exportsDir = path.join(root, 'exports')
  const inside = (base: string, d: string) => { const rel = path.relative(base, d); return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) }
  if (!anywhere) {
    const d = path.resolve(exportsDir, dest)
    if (!inside(exportsDir, d)) throw new StudioError('invalid_argument', `destDir ${JSON.stringify(dest)} leaves ${exportsDir}; in browser mode exports stay inside it.`)
    return d
  }
  if (!path.isAbsolute(dest)) throw new StudioError('invalid_argument', `destDir must be an absolute folder path, got ${JSON.stringify(dest)}.`)
  const d = path.resolve(dest)
  if ((d === root || inside(root, d)) && !inside(exportsDir, d)) {
    throw new StudioError('invalid_argument', `destDir ${d} lies inside the studio's data folder; export to a folder of your own (or leave destDir out for ${exportsDir}).`)
  }
  return d
}

/**
 * Reads what the trainer wrote per epoch under `<runDir>/distributions/epoch-NNNN.json`:
 * `{ epoch, step, points: DistributionPoint-without-epoch/step[], filters?: FilterImage-without-epoch[] }`.
 * Unreadable files are skipped (a run killed mid-write leaves at most a temp file).
 */
export function readDistributions(runId: string, runDir: string): Distributions {
  const dir = path.join(runDir, 'distributions')
  const out: Distributions = { runId, tensors: [], points: [], filters: [] }
  if (!existsSync(dir)) return out
  const seen = new Map<string, Distributions['tensors'][number]>()
  const files = readdirSync(dir).filter((f) => /^epoch-\d+\.json$/.test(f)).sort()
  for (const f of files) {
    let doc: { epoch: number; step: number; points?: Omit<DistributionPoint, 'epoch' | 'step'>[]; filters?: Omit<FilterImage, 'epoch'>[] | Omit<FilterImage, 'epoch'> }
    try { doc = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) } catch { continue }
    for (const p of doc.points ?? []) {
      const key = `${p.kind}:${p.tensor}`
      if (!seen.has(key)) seen.set(key, { layer: p.layer, tensor: p.tensor, kind: p.kind })
      out.points.push({ ...p, histogram: { edges: numbers(p.histogram?.edges), counts: numbers(p.histogram?.counts) }, epoch: doc.epoch, step: doc.step })
    }
    const filters = Array.isArray(doc.filters) ? doc.filters : doc.filters ? [doc.filters] : []
    for (const fi of filters) out.filters.push({ ...fi, epoch: doc.epoch })
  }
  out.tensors = [...seen.values()]
  return out
}

/** An array, or a typed array serialized by JSON.stringify as {"0": …, "1": …}. */
function numbers(v: unknown): number[] {
  if (Array.isArray(v)) return v as number[]
  if (v && typeof v === 'object') return Object.keys(v).sort((a, b) => Number(a) - Number(b)).map((k) => (v as Record<string, number>)[k]!)
  return []
}

/** What encoding a prediction input needs to know about the dataset. */
export interface InputInfo { header: Pick<CacheHeader, 'inputShape' | 'xScale' | 'xDtype' | 'featureNames'>; layout: FeatureLayout[] | null }

function fromBase64(s: string, what: string): Buffer {
  const b = Buffer.from(s, 'base64')
  if (b.length === 0) throw new StudioError('invalid_argument', `${what}: not base64 data.`)
  return b
}

/** Raw pixels h×w×c (c = 1, 3 or 4) as RGBA. */
function pixelsToRgba(shape: number[], px: Buffer): Rgba {
  const [h, w, c] = shape as [number, number, number]
  if (![1, 3, 4].includes(c)) throw new StudioError('invalid_argument', `input.image.shape: channels must be 1, 3 or 4, got ${c}.`)
  if (px.length !== h * w * c) throw new StudioError('invalid_argument', `input.image.pixels: ${px.length} bytes, expected ${h}×${w}×${c} = ${h * w * c}.`)
  const data = new Uint8Array(h * w * 4)
  for (let i = 0; i < h * w; i++) {
    if (c === 1) { data[4 * i] = data[4 * i + 1] = data[4 * i + 2] = px[i]!; data[4 * i + 3] = 255 }
    else { data[4 * i] = px[c * i]!; data[4 * i + 1] = px[c * i + 1]!; data[4 * i + 2] = px[c * i + 2]!; data[4 * i + 3] = c === 4 ? px[c * i + 3]! : 255 }
  }
  return { width: w, height: h, data }
}

function encodeCell(l: FeatureLayout, v: string | number | null, out: Float32Array, col: number): void {
  const bad = (expected: string): never => {
    throw new StudioError('invalid_argument', `input.row[${col}] (${l.name}): expected ${expected}, got ${JSON.stringify(v)}.`)
  }
  if (v === null || v === '') bad(l.type === 'categorical' ? `one of ${l.categories!.slice(0, 10).map((c) => JSON.stringify(c)).join(', ')}` : 'a value (missing values cannot be predicted)')
  if (l.type === 'categorical') {
    const code = l.categories!.indexOf(String(v))
    if (code < 0) bad(`one of ${l.categories!.slice(0, 10).map((c) => JSON.stringify(c)).join(', ')}${l.categories!.length > 10 ? ', …' : ''}`)
    if (l.encoding === 'onehot') out[l.offset + code] = 1
    else out[l.offset] = code
    return
  }
  if (l.type === 'boolean') {
    const s = String(v).toLowerCase()
    const b = ['true', '1', 'yes'].includes(s) ? 1 : ['false', '0', 'no'].includes(s) ? 0 : bad('true or false')
    out[l.offset] = b as number
    return
  }
  let raw: number
  if (l.type === 'date') {
    const t = typeof v === 'number' ? v : Date.parse(String(v))
    if (!Number.isFinite(t)) bad('a date like 2024-01-31')
    raw = typeof v === 'number' ? v : t / 86_400_000
  } else {
    raw = typeof v === 'number' ? v : Number(v)
    if (!Number.isFinite(raw)) bad('a number')
  }
  out[l.offset] = (raw - l.shift) / l.div
}

/**
 * Turns a prediction input into one example's features, exactly as the dataset cache stores
 * examples: images decoded (PNG/JPEG/GIF/WebP), resized to the dataset's size and colour mode and
 * scaled like the cache; rows encoded with the dataset's own encodings and scaling.
 */
export async function encodePredictInput(input: PredictInput, info: InputInfo): Promise<Float32Array> {
  const shape = info.header.inputShape
  const size = shape.reduce((a, b) => a * b, 1)
  const scale = info.header.xDtype === 'uint8' ? info.header.xScale : 1
  if ('imagePng' in input || 'image' in input) {
    if (shape.length !== 3 || (shape[2] !== 1 && shape[2] !== 3)) {
      throw new StudioError('invalid_argument', `This run's dataset takes examples of shape ${shape.join('×')}, not images; send input.row or input.features.`)
    }
    let rgba: Rgba
    if ('imagePng' in input) {
      try {
        rgba = await decodeImageAsync('dropped image', fromBase64(input.imagePng, 'input.imagePng'))
      } catch (e) {
        throw new StudioError('invalid_argument', e instanceof Error ? e.message : String(e))
      }
    } else {
      rgba = pixelsToRgba(input.image.shape, fromBase64(input.image.pixels, 'input.image.pixels'))
    }
    const u8 = new Uint8Array(size)
    resizeInto(rgba, shape[1]!, shape[0]!, shape[2] as 1 | 3, u8, 0)
    return Float32Array.from(u8, (v) => v * scale)
  }
  if ('features' in input) {
    if (input.features.length !== size) throw new StudioError('invalid_argument', `input.features: ${input.features.length} values, the model takes ${size} (${shape.join('×')}).`)
    return Float32Array.from(input.features)
  }
  const row = input.row
  const layout = info.layout
  if (!layout || layout.length === 0) {
    if (row.length !== size) throw new StudioError('invalid_argument', `input.row: ${row.length} values, the model takes ${size} features.`)
    return Float32Array.from(row, (v, i) => {
      const n = typeof v === 'number' ? v : Number(v)
      if (v === null || !Number.isFinite(n)) throw new StudioError('invalid_argument', `input.row[${i}]: expected a number, got ${JSON.stringify(v)}.`)
      return n
    })
  }
  if (row.length !== layout.length) {
    throw new StudioError('invalid_argument', `input.row: ${row.length} values, expected ${layout.length} (${layout.map((l) => l.name).join(', ')}), in datasets:rows order without the target.`)
  }
  const out = new Float32Array(size)
  layout.forEach((l, i) => encodeCell(l, row[i]!, out, i))
  return out
}

const NOTICES_FILE = 'notices.jsonl'

/** Appends one trainer notice to `<runDir>/notices.jsonl` (one JSON object per line). */
export function appendNotice(runDir: string, notice: RunNotice): void {
  appendFileSync(path.join(runDir, NOTICES_FILE), `${JSON.stringify(notice)}\n`)
}

/** A run's notices, oldest first; lines that do not parse (a torn last write) are skipped. */
export function readNotices(runDir: string): RunNotice[] {
  const f = path.join(runDir, NOTICES_FILE)
  if (!existsSync(f)) return []
  const out: RunNotice[] = []
  for (const line of readFileSync(f, 'utf8').split('\n')) {
    if (!line.trim()) continue
    try { out.push(JSON.parse(line) as RunNotice) } catch { /* skipped */ }
  }
  return out
}
