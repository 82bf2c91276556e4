/**
 * The on-disk tensor cache: how an imported dataset lives on disk so that training never re-parses
 * source files. One folder per dataset version:
 *
 *   header.json          CacheHeader (below)
 *   <split>.x.bin        features, row-major, `xDtype`, count × prod(inputShape)
 *   <split>.y.bin        labels: int32 class indices (classification) or float32 targets (regression)
 *
 * Features are stored compactly (uint8 for images) and turned into float32 by `xScale` when read.
 * Written atomically: into a temp folder, then renamed, so a crash never leaves a half dataset.
 * Plain Node only (main and the trainer both use it).
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import path from 'node:path'

export const CACHE_FORMAT = 'studio-tensors'
export const CACHE_VERSION = 1

export type SplitName = 'train' | 'val' | 'test'
export type XDtype = 'float32' | 'uint8'

export interface CacheHeader {
  format: typeof CACHE_FORMAT
  version: typeof CACHE_VERSION
  name: string
  task: 'classification' | 'regression'
  /** Shape of one example, e.g. [2] or [28, 28, 1]. */
  inputShape: number[]
  numClasses: number
  classNames: string[]
  featureNames?: string[]
  xDtype: XDtype
  /** Multiply stored values by this to get the float features the model sees (1/255 for images). */
  xScale: number
  splits: Partial<Record<SplitName, { count: number }>>
  /** sha256 over header fields and all tensor bytes: identical data ⇒ identical hash. */
  sha256: string
  bytes: number
}

/** One split in memory, as the trainer consumes it. */
export interface SplitTensors {
  count: number
  /** float32 features, count × prod(inputShape). */
  x: Float32Array
  /** int32 labels (classification) or float32 targets (regression). */
  y: Int32Array | Float32Array
}

export interface CacheInput {
  name: string
  task: 'classification' | 'regression'
  inputShape: number[]
  classNames: string[]
  featureNames?: string[]
  xDtype: XDtype
  xScale: number
  splits: Partial<Record<SplitName, { x: Float32Array | Uint8Array; y: Int32Array | Float32Array }>>
}

function exampleSize(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1)
}

function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength)
}

/**
 * Writes a dataset into `dir` atomically and returns its header. Throws (and leaves nothing
 * behind) when the arrays do not match the declared shapes.
 */
export function writeCache(dir: string, input: CacheInput): CacheHeader {
  const size = exampleSize(input.inputShape)
  const hash = createHash('sha256')
  hash.update(JSON.stringify([input.task, input.inputShape, input.classNames, input.xDtype, input.xScale]))
  const splits: CacheHeader['splits'] = {}
  let bytes = 0
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  try {
    for (const name of ['train', 'val', 'test'] as const) {
      const s = input.splits[name]
      if (!s) continue
      const count = s.y.length
      if (s.x.length !== count * size) {
        throw new Error(`split ${name}: ${s.x.length} feature values for ${count} labels × ${size} per example`)
      }
      if ((input.xDtype === 'uint8') !== (s.x instanceof Uint8Array)) {
        throw new Error(`split ${name}: features are not ${input.xDtype}`)
      }
      const xb = bytesOf(s.x)
      const yb = bytesOf(s.y)
      hash.update(name).update(xb).update(yb)
      writeFileSync(path.join(tmp, `${name}.x.bin`), xb)
      writeFileSync(path.join(tmp, `${name}.y.bin`), yb)
      bytes += xb.byteLength + yb.byteLength
      splits[name] = { count }
    }
    const header: CacheHeader = {
      format: CACHE_FORMAT,
      version: CACHE_VERSION,
      name: input.name,
      task: input.task,
      inputShape: input.inputShape,
      numClasses: input.task === 'classification' ? input.classNames.length : 0,
      classNames: input.classNames,
      ...(input.featureNames ? { featureNames: input.featureNames } : {}),
      xDtype: input.xDtype,
      xScale: input.xScale,
      splits,
      sha256: hash.digest('hex'),
      bytes
    }
    writeFileSync(path.join(tmp, 'header.json'), JSON.stringify(header, null, 2))
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(path.dirname(dir), { recursive: true })
    renameSync(tmp, dir)
    return header
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true })
    throw e
  }
}

/**
 * The sha256 that writeCache would record for `input`, computed without writing anything: lets a
 * caller (e.g. the sample installer) see whether a cache on disk already holds exactly this data.
 * Mirrors writeCache's hashing; test/main/datasets/samples.test.ts checks that the two agree.
 */
export function cacheSha256(input: CacheInput): string {
  const hash = createHash('sha256')
  hash.update(JSON.stringify([input.task, input.inputShape, input.classNames, input.xDtype, input.xScale]))
  for (const name of ['train', 'val', 'test'] as const) {
    const s = input.splits[name]
    if (!s) continue
    hash.update(name).update(bytesOf(s.x)).update(bytesOf(s.y))
  }
  return hash.digest('hex')
}

/** Reads and checks `header.json`; throws a message naming the file when it is not a cache. */
export function readHeader(dir: string): CacheHeader {
  const file = path.join(dir, 'header.json')
  if (!existsSync(file)) throw new Error(`${file}: missing (not a dataset cache folder)`)
  const h = JSON.parse(readFileSync(file, 'utf8')) as CacheHeader
  if (h.format !== CACHE_FORMAT) throw new Error(`${file}: format is ${String(h.format)}, expected ${CACHE_FORMAT}`)
  if (h.version > CACHE_VERSION) throw new Error(`${file}: cache version ${h.version} is newer than this studio (${CACHE_VERSION})`)
  return h
}

/** Loads one split as float32 features and typed labels. */
export function readSplit(dir: string, header: CacheHeader, split: SplitName): SplitTensors {
  const info = header.splits[split]
  if (!info) throw new Error(`${dir}: dataset has no ${split} split`)
  const size = exampleSize(header.inputShape)
  const xb = readFileSync(path.join(dir, `${split}.x.bin`))
  const yb = readFileSync(path.join(dir, `${split}.y.bin`))
  const expectX = info.count * size * (header.xDtype === 'uint8' ? 1 : 4)
  if (xb.byteLength !== expectX) {
    throw new Error(`${path.join(dir, `${split}.x.bin`)}: ${xb.byteLength} bytes, expected ${expectX}`)
  }
  if (yb.byteLength !== info.count * 4) {
    throw new Error(`${path.join(dir, `${split}.y.bin`)}: ${yb.byteLength} bytes, expected ${info.count * 4}`)
  }
  let x: Float32Array
  if (header.xDtype === 'uint8') {
    x = new Float32Array(xb.byteLength)
    const s = header.xScale
    for (let i = 0; i < xb.byteLength; i++) x[i] = xb[i]! * s
  } else {
    const copy = new Uint8Array(xb.byteLength)
    copy.set(xb)
    x = new Float32Array(copy.buffer)
    if (header.xScale !== 1) for (let i = 0; i < x.length; i++) x[i] = x[i]! * header.xScale
  }
  const ycopy = new Uint8Array(yb.byteLength)
  ycopy.set(yb)
  const y = header.task === 'classification' ? new Int32Array(ycopy.buffer) : new Float32Array(ycopy.buffer)
  return { count: info.count, x, y }
}
