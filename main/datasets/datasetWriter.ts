/**
 * Writes an imported dataset as a standard tensor cache (see cache.ts: same files, same header,
 * same sha256) without ever holding a second copy of the data: each split is gathered from the
 * source arrays in ~4 MB chunks, hashed and appended to its file. Peak memory stays the source
 * arrays plus one chunk — which is how an import keeps within 2× of its final tensors.
 */
import { createHash } from 'node:crypto'
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import path from 'node:path'
import { CACHE_FORMAT, CACHE_VERSION, type CacheHeader, type SplitName, type XDtype } from './cache'
import type { DatasetMeta } from './datasetMeta'
import { META_FILE } from './datasetMeta'
import type { SplitIndices3 } from './stratifiedSplit'

/** The examples of a dataset, before splitting, as the writer needs them. */
export interface DatasetSpec {
  name: string
  task: 'classification' | 'regression'
  inputShape: number[]
  classNames: string[]
  featureNames?: string[]
  xDtype: XDtype
  xScale: number
  /** Number of examples (gather's index space). */
  count: number
  /** Label of every example: class index or regression target. */
  labels: Int32Array | Float32Array
  /** Writes examples `idx` (in that order) row-major into `out` (idx.length × example size). */
  gather(idx: Int32Array, out: Float32Array | Uint8Array): void
}

const CHUNK_BYTES = 1024 * 1024

function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength)
}

/**
 * Writes header.json, the split files and meta.json into `dir` (which must not exist yet; the
 * caller renames it into place). `onExamples` reports examples written so far.
 */
export function writeDataset(dir: string, spec: DatasetSpec, splits: SplitIndices3, meta: DatasetMeta,
  onExamples: (done: number) => void = () => {}, isCancelled: () => boolean = () => false): CacheHeader {
  const size = spec.inputShape.reduce((a, b) => a * b, 1)
  const bytesPer = spec.xDtype === 'uint8' ? 1 : 4
  const hash = createHash('sha256')
  hash.update(JSON.stringify([spec.task, spec.inputShape, spec.classNames, spec.xDtype, spec.xScale]))
  mkdirSync(dir, { recursive: true })
  const out: CacheHeader['splits'] = {}
  let bytes = 0
  let done = 0
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_BYTES / (size * bytesPer)))
  const chunk = spec.xDtype === 'uint8' ? new Uint8Array(rowsPerChunk * size) : new Float32Array(rowsPerChunk * size)
  try {
    for (const name of ['train', 'val', 'test'] as const satisfies readonly SplitName[]) {
      const idx = splits[name]
      if (!idx.length) continue
      hash.update(name)
      const fx = openSync(path.join(dir, `${name}.x.bin`), 'w')
      try {
        for (let k = 0; k < idx.length; k += rowsPerChunk) {
          const part = idx.subarray(k, Math.min(idx.length, k + rowsPerChunk))
          const view = chunk.subarray(0, part.length * size)
          spec.gather(part, view)
          const b = bytesOf(view)
          hash.update(b)
          writeSync(fx, b)
          bytes += b.byteLength
          done += part.length
          onExamples(done)
          if (isCancelled()) throw new Error('cancelled')
        }
      } finally {
        closeSync(fx)
      }
      const y = spec.task === 'classification' ? new Int32Array(idx.length) : new Float32Array(idx.length)
      for (let k = 0; k < idx.length; k++) y[k] = spec.labels[idx[k]!]!
      const yb = bytesOf(y)
      hash.update(yb)
      writeFileSync(path.join(dir, `${name}.y.bin`), yb)
      bytes += yb.byteLength
      out[name] = { count: idx.length }
    }
    const header: CacheHeader = {
      format: CACHE_FORMAT, version: CACHE_VERSION, name: spec.name, task: spec.task, inputShape: spec.inputShape,
      numClasses: spec.task === 'classification' ? spec.classNames.length : 0, classNames: spec.classNames,
      ...(spec.featureNames ? { featureNames: spec.featureNames } : {}),
      xDtype: spec.xDtype, xScale: spec.xScale, splits: out, sha256: hash.digest('hex'), bytes
    }
    writeFileSync(path.join(dir, META_FILE), JSON.stringify({ ...meta, classDistribution: classDistribution(spec, splits) }))
    writeFileSync(path.join(dir, 'header.json'), JSON.stringify(header, null, 2))
    return header
  } catch (e) {
    rmSync(dir, { recursive: true, force: true })
    throw e
  }
}

/** Examples per class in each split (classification), for the browser's bar charts. */
export function classDistribution(spec: Pick<DatasetSpec, 'task' | 'classNames' | 'labels'>, splits: SplitIndices3): DatasetMeta['classDistribution'] {
  if (spec.task !== 'classification') return null
  const k = spec.classNames.length
  const count = (idx: Int32Array) => {
    const c = new Array<number>(k).fill(0)
    for (let i = 0; i < idx.length; i++) c[spec.labels[idx[i]!]!]!++
    return c
  }
  return { classNames: spec.classNames, train: count(splits.train), val: count(splits.val), test: count(splits.test) }
}
