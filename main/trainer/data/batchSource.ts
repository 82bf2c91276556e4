/**
 * Batches for the trainer, read from the on-disk tensor cache (main/datasets/cache.ts) without
 * holding more than a run needs (issue 3).
 *
 * A split is opened in one of two modes:
 * - memory: the split's float32 features and targets fit under the limit (default 256 MiB,
 *   STUDIO_DATA_MEMORY_MB or `memoryLimitBytes` to change it): read once, batches gathered from RAM.
 * - stream: bigger splits stay on disk. Labels (4 bytes a row) are kept in memory; the features of
 *   each batch are read with positioned reads (`readSync(fd, …, position)`) of exactly the rows the
 *   batch needs, in file order, consecutive rows coalesced into one read. Resident memory is one
 *   batch of raw rows plus one batch of floats, whatever the size of the split.
 *
 * Both modes take rows in the same order, the run's seeded per-epoch permutation (`epochOrder`), so
 * a seed gives identical batches whichever mode a split is opened in. The trade-off of the
 * stream mode's full-permutation random access, instead of shuffling within chunk windows: a read
 * per row (coalesced when rows are adjacent), served by the OS page cache after the first epoch
 * when the file fits in RAM, and by the disk otherwise. It keeps the shuffle exact and seeded (a
 * window shuffle would make batches depend on the window size and correlate neighbouring rows),
 * and an image row (784–3072 bytes) costs far less to read than to train on.
 */
import { closeSync, openSync, readSync } from 'node:fs'
import path from 'node:path'
import { readSplit, type CacheHeader, type SplitName } from '../../datasets/cache'
import { seededPermutation } from '../../datasets/seededRandom'

/** Default limit for keeping a split in memory: its float32 features + targets. */
export const DEFAULT_MEMORY_LIMIT_BYTES = 256 * 1024 * 1024
/** Environment variable that changes the limit, in MiB (0 streams every split). */
export const MEMORY_LIMIT_ENV = 'STUDIO_DATA_MEMORY_MB'

export type SourceMode = 'memory' | 'stream'

export interface OpenOptions {
  /** Splits whose float32 features + targets exceed this stream from disk. */
  memoryLimitBytes?: number
  /** Force a mode (tests, benchmarks); default: by the limit. */
  mode?: SourceMode
}

/** One split of a dataset, as batches of float32 features and targets. */
export interface SplitSource {
  readonly split: SplitName
  readonly mode: SourceMode
  readonly count: number
  /** Classification (targets one-hot) or regression (targets as stored). */
  readonly classification: boolean
  readonly inputShape: number[]
  /** Floats in one example's features. */
  readonly inputSize: number
  /** Floats in one target row: numClasses (one-hot) for classification, 1 for regression. */
  readonly targetSize: number
  /** Labels as stored: int32 class indices or float32 targets (always in memory: 4 bytes a row). */
  readonly labels: Int32Array | Float32Array
  /** memory mode: all features (count × inputSize); null in stream mode. */
  readonly x: Float32Array | null
  /** memory mode: all targets (count × targetSize, one-hot for classification); null in stream mode. */
  readonly y: Float32Array | null
  /** Bytes this source holds in memory (features, targets, labels, read buffers). */
  readonly residentBytes: number
  /**
   * Copies the rows `order[start..start+n)` (rows start..start+n when order is null) into `x`
   * (n × inputSize floats) and `y` (n × targetSize floats), in that order.
   */
  read(order: ArrayLike<number> | null, start: number, n: number, x: Float32Array, y: Float32Array): void
  /** Releases the file (stream mode). Idempotent. */
  close(): void
}

function prod(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1)
}

/** The limit in bytes: the option, else STUDIO_DATA_MEMORY_MB, else 256 MiB. */
export function memoryLimitBytes(opt?: number): number {
  if (opt !== undefined) return opt
  const env = process.env[MEMORY_LIMIT_ENV]
  if (env !== undefined && env.trim() !== '') {
    const mb = Number(env)
    if (Number.isFinite(mb) && mb >= 0) return mb * 1024 * 1024
  }
  return DEFAULT_MEMORY_LIMIT_BYTES
}

/** Bytes a split would take in memory as float32 features + targets. */
export function inMemoryBytes(header: CacheHeader, split: SplitName): number {
  const count = header.splits[split]?.count ?? 0
  const targetSize = header.task === 'classification' ? header.numClasses : 1
  return count * (prod(header.inputShape) + targetSize) * 4
}

/**
 * The rows of one epoch, in training order: the seeded permutation of the run (same formula as
 * before the batch source, so curves of older runs stay reproducible), cut to whole batches when
 * `dropLast` is set and the split does not divide evenly.
 */
export function epochOrder(count: number, seed: number, epoch: number, batchSize: number, dropLast: boolean): Int32Array {
  const order = seededPermutation(count, (seed * 1000003 + epoch) >>> 0)
  if (!dropLast) return order
  const whole = Math.floor(count / batchSize) * batchSize
  return whole > 0 && whole < count ? order.subarray(0, whole) : order
}

/** Batches in an epoch of `rows` rows. */
export function batchesPerEpoch(rows: number, batchSize: number): number {
  return Math.ceil(rows / batchSize)
}

function checkLabels(labels: Int32Array | Float32Array, header: CacheHeader, split: SplitName): void {
  if (header.task !== 'classification') return
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!
    if (!(c >= 0 && c < header.numClasses && Number.isInteger(c))) {
      throw new Error(`${split} split: label ${c} at row ${i} is outside 0..${header.numClasses - 1}`)
    }
  }
}

/** Targets the model trains on: one-hot rows (classification) or the values (regression). */
function fillTargets(labels: Int32Array | Float32Array, classification: boolean, width: number,
  order: ArrayLike<number> | null, start: number, n: number, y: Float32Array): void {
  if (!classification) {
    for (let r = 0; r < n; r++) y[r] = labels[order ? order[start + r]! : start + r]!
    return
  }
  y.fill(0, 0, n * width)
  for (let r = 0; r < n; r++) y[r * width + labels[order ? order[start + r]! : start + r]!] = 1
}

function readLabels(dir: string, header: CacheHeader, split: SplitName, count: number): Int32Array | Float32Array {
  const file = path.join(dir, `${split}.y.bin`)
  const buf = new Uint8Array(count * 4)
  const fd = openSync(file, 'r')
  try {
    let got = 0
    while (got < buf.byteLength) {
      const r = readSync(fd, buf, got, buf.byteLength - got, got)
      if (r === 0) break
      got += r
    }
    if (got !== buf.byteLength) throw new Error(`${file}: ${got} bytes, expected ${buf.byteLength}`)
  } finally {
    closeSync(fd)
  }
  return header.task === 'classification' ? new Int32Array(buf.buffer) : new Float32Array(buf.buffer)
}

/**
 * Opens one split of the cache in `dir`. Labels are checked (classification: every label a class
 * index) in both modes, so a bad dataset fails before training starts. Throws a message naming
 * the file when the cache does not match its header.
 */
export function openSplit(dir: string, header: CacheHeader, split: SplitName, opts: OpenOptions = {}): SplitSource {
  const info = header.splits[split]
  if (!info) throw new Error(`${dir}: dataset has no ${split} split`)
  const classification = header.task === 'classification'
  const inputSize = prod(header.inputShape)
  const targetSize = classification ? header.numClasses : 1
  const mode: SourceMode = opts.mode ?? (inMemoryBytes(header, split) > memoryLimitBytes(opts.memoryLimitBytes) ? 'stream' : 'memory')
  const base = { split, mode, count: info.count, classification, inputShape: header.inputShape, inputSize, targetSize }

  if (mode === 'memory') {
    const s = readSplit(dir, header, split)
    checkLabels(s.y, header, split)
    const y = new Float32Array(s.count * targetSize)
    fillTargets(s.y, classification, targetSize, null, 0, s.count, y)
    const x = s.x
    return {
      ...base,
      labels: s.y,
      x,
      y,
      residentBytes: x.byteLength + y.byteLength + s.y.byteLength,
      read(order, start, n, xo, yo) {
        if (!order) xo.set(x.subarray(start * inputSize, (start + n) * inputSize))
        else for (let r = 0; r < n; r++) {
          const src = order[start + r]! * inputSize
          xo.set(x.subarray(src, src + inputSize), r * inputSize)
        }
        if (!order) yo.set(y.subarray(start * targetSize, (start + n) * targetSize))
        else for (let r = 0; r < n; r++) {
          const src = order[start + r]! * targetSize
          yo.set(y.subarray(src, src + targetSize), r * targetSize)
        }
      },
      close() { /* nothing held */ }
    }
  }

  const labels = readLabels(dir, header, split, info.count)
  checkLabels(labels, header, split)
  const file = path.join(dir, `${split}.x.bin`)
  const elem = header.xDtype === 'uint8' ? 1 : 4
  const rowBytes = inputSize * elem
  const fd = openSync(file, 'r')
  let closed = false
  // Read buffers grow to the largest batch asked for and are reused.
  let raw = new Uint8Array(0)
  let sorted = new Int32Array(0)
  const scale = header.xScale
  const src: SplitSource = {
    ...base,
    labels,
    x: null,
    y: null,
    get residentBytes() { return labels.byteLength + raw.byteLength + sorted.byteLength * 2 },
    read(order, start, n, xo, yo) {
      if (closed) throw new Error(`${file}: read after close`)
      if (raw.byteLength < n * rowBytes) raw = new Uint8Array(n * rowBytes)
      if (sorted.length < n * 2) sorted = new Int32Array(n * 2)
      // Pairs (row, slot) sorted by row: reads go through the file in order, adjacent rows coalesce.
      const rows = sorted.subarray(0, n)
      const slots = sorted.subarray(n, 2 * n)
      if (order) {
        const keys = new Float64Array(n)
        for (let r = 0; r < n; r++) keys[r] = order[start + r]! * n + r // row-major key: row, then slot
        keys.sort()
        for (let r = 0; r < n; r++) { rows[r] = Math.floor(keys[r]! / n); slots[r] = keys[r]! - rows[r]! * n }
      } else {
        for (let r = 0; r < n; r++) { rows[r] = start + r; slots[r] = r }
      }
      let i = 0
      while (i < n) {
        let j = i + 1
        while (j < n && rows[j] === rows[j - 1]! + 1) j++
        const want = (j - i) * rowBytes
        const pos = rows[i]! * rowBytes
        let got = 0
        while (got < want) {
          const r = readSync(fd, raw, i * rowBytes + got, want - got, pos + got)
          if (r === 0) throw new Error(`${file}: ended at byte ${pos + got}, expected ${rows[j - 1]! + 1} rows of ${rowBytes} bytes`)
          got += r
        }
        i = j
      }
      // raw holds rows in sorted order; place each into its slot of the batch.
      if (elem === 1) {
        for (let k = 0; k < n; k++) {
          const from = k * rowBytes
          const to = slots[k]! * inputSize
          for (let c = 0; c < inputSize; c++) xo[to + c] = raw[from + c]! * scale
        }
      } else {
        const f = new Float32Array(raw.buffer, 0, n * inputSize)
        for (let k = 0; k < n; k++) {
          const to = slots[k]! * inputSize
          const row = f.subarray(k * inputSize, (k + 1) * inputSize)
          if (scale === 1) xo.set(row, to)
          else for (let c = 0; c < inputSize; c++) xo[to + c] = row[c]! * scale
        }
      }
      fillTargets(labels, classification, targetSize, order, start, n, yo)
    },
    close() {
      if (closed) return
      closed = true
      closeSync(fd)
    }
  }
  return src
}

/** One batch handed out by `batches`: views into buffers reused by the next batch. */
export interface Batch {
  /** n × inputSize features. */
  x: Float32Array
  /** n × targetSize targets. */
  y: Float32Array
  n: number
  /** Index of the batch's first position in the order. */
  start: number
}

/**
 * The batches of one pass over `order` (all rows in file order when null): batchSize rows each,
 * the last one smaller unless the order was cut by `epochOrder(…, dropLast)`. The arrays are
 * reused: copy what must outlive the next iteration.
 */
export function* batches(source: SplitSource, order: ArrayLike<number> | null, batchSize: number): Generator<Batch> {
  const total = order ? order.length : source.count
  const xb = new Float32Array(batchSize * source.inputSize)
  const yb = new Float32Array(batchSize * source.targetSize)
  for (let start = 0; start < total; start += batchSize) {
    const n = Math.min(batchSize, total - start)
    source.read(order, start, n, xb, yb)
    yield { x: xb.subarray(0, n * source.inputSize), y: yb.subarray(0, n * source.targetSize), n, start }
  }
}
