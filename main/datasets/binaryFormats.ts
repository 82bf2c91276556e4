/**
 * Binary array formats: MNIST IDX (`*-ubyte[.gz]`), CIFAR-10/100 binary batches and NumPy
 * `.npy` / `.npz`. Each reader checks magic numbers and sizes first and throws ImportError naming
 * the file, the byte offset, what was expected and what was found; none of them copies the
 * pixel data more than once (gather reads straight from the decoded file buffers).
 */
import { unzipSync } from 'fflate'
import type { SplitName } from './cache'
import { ImportError, detail } from './importError'
import { readWholeLean, type SourceFile } from './sourceFiles'

// ── IDX ──────────────────────────────────────────────────────────────────────────────────────────

/** One IDX file, header checked, data as a view of the decompressed bytes. */
export interface IdxArray {
  file: SourceFile
  shape: number[]
  data: Uint8Array
}

/** Reads the IDX header of decompressed bytes; throws bad_magic / truncated / unsupported. */
export function parseIdx(f: SourceFile, b: Buffer): IdxArray {
  if (b.length === 0) throw new ImportError('empty_file', `${f.name}: the file is empty (0 bytes); expected an IDX file.`, { file: f.name }, detail('emptyFile', { file: f.name }))
  if (b.length < 4 || b[0] !== 0 || b[1] !== 0) {
    throw new ImportError('bad_magic', `${f.name}: not an IDX file — expected the magic number 00 00 08 0N at offset 0, found ${[...b.subarray(0, 4)].map((x) => x.toString(16).padStart(2, '0')).join(' ')}.`, { file: f.name, offset: 0 }, detail('idxMagic', { file: f.name, found: [...b.subarray(0, 4)].map((x) => x.toString(16).padStart(2, '0')).join(' ') }))
  }
  if (b[2] !== 0x08) {
    throw new ImportError('unsupported', `${f.name}: IDX data type 0x${b[2]!.toString(16).padStart(2, '0')} at offset 2 is not supported; the studio reads unsigned bytes (0x08), as MNIST and Fashion-MNIST use.`, { file: f.name, offset: 2 }, detail('idxType', { file: f.name, found: `0x${b[2]!.toString(16).padStart(2, '0')}` }))
  }
  const rank = b[3]!
  if (rank < 1 || rank > 4) throw new ImportError('bad_magic', `${f.name}: IDX rank ${rank} at offset 3; expected 1 (labels) to 4 (images).`, { file: f.name, offset: 3 }, detail('idxRank', { file: f.name, found: rank }))
  if (b.length < 4 + 4 * rank) throw new ImportError('truncated', `${f.name}: the IDX header needs ${4 + 4 * rank} bytes, the file has ${b.length}.`, { file: f.name, offset: b.length }, detail('idxHeaderShort', { file: f.name, expected: 4 + 4 * rank, found: b.length }))
  const shape: number[] = []
  for (let i = 0; i < rank; i++) shape.push(b.readUInt32BE(4 + 4 * i))
  const size = shape.reduce((a, c) => a * c, 1)
  const start = 4 + 4 * rank
  if (b.length - start < size) {
    throw new ImportError('truncated', `${f.name}: truncated — shape [${shape.join(' × ')}] needs ${size.toLocaleString('en')} data bytes after the header, found ${(b.length - start).toLocaleString('en')} (the file ends at offset ${b.length}).`, { file: f.name, offset: b.length }, detail('dataShort', { file: f.name, shape: shape.join(' × '), expected: size, found: b.length - start, offset: b.length }))
  }
  if (b.length - start > size) {
    throw new ImportError('format_mismatch', `${f.name}: ${(b.length - start - size).toLocaleString('en')} bytes more than shape [${shape.join(' × ')}] needs (offset ${start + size}); not a well-formed IDX file.`, { file: f.name, offset: start + size }, detail('idxExtra', { file: f.name, extra: b.length - start - size, shape: shape.join(' × '), offset: start + size }))
  }
  return { file: f, shape, data: new Uint8Array(b.buffer, b.byteOffset + start, size) }
}

/** Which official split a file belongs to, from its name (MNIST: train-* and t10k-*). */
export function splitFromName(name: string): Extract<SplitName, 'train' | 'test'> | null {
  const n = name.toLowerCase()
  if (/t10k|test/.test(n)) return 'test'
  if (/train|data_batch/.test(n)) return 'train'
  return null
}

/** Images and labels of one IDX set (train or test), counts checked. */
export interface IdxPair { split: 'train' | 'test' | null; images: IdxArray; labels: IdxArray }

/** Pairs IDX files into (images, labels) per split and checks the counts match. */
export function pairIdx(arrays: IdxArray[]): IdxPair[] {
  const groups = new Map<string, { images?: IdxArray; labels?: IdxArray }>()
  for (const a of arrays) {
    const s = splitFromName(a.file.name) ?? 'all'
    const g = groups.get(s) ?? {}
    const role = a.shape.length === 1 ? 'labels' : 'images'
    if (g[role]) throw new ImportError('bad_option', `${a.file.name} and ${g[role]!.file.name} both look like the ${s === 'all' ? '' : `${s} `}${role}; drop one images file and one labels file per split.`, { file: a.file.name },
      detail('idxDuplicate', { file: a.file.name, other: g[role]!.file.name }))
    g[role] = a
    groups.set(s, g)
  }
  const pairs: IdxPair[] = []
  for (const [s, g] of groups) {
    if (!g.images || !g.labels) {
      const have = (g.images ?? g.labels)!
      throw new ImportError('count_mismatch', `${have.file.name}: no matching ${g.images ? 'labels (idx1)' : 'images (idx3)'} file for the ${s === 'all' ? '' : `${s} `}set; drop images and labels together.`, { file: have.file.name },
        detail(g.images ? 'idxNoLabels' : 'idxNoImages', { file: have.file.name }))
    }
    if (g.images.shape[0] !== g.labels.shape[0]) {
      throw new ImportError('count_mismatch', `${g.images.file.name} has ${g.images.shape[0]!.toLocaleString('en')} images but ${g.labels.file.name} has ${g.labels.shape[0]!.toLocaleString('en')} labels; they must match one to one.`, { file: g.labels.file.name }, detail('idxCount', { images: g.images.file.name, imageCount: g.images.shape[0]!, labels: g.labels.file.name, labelCount: g.labels.shape[0]! }))
    }
    pairs.push({ split: s === 'all' ? null : (s as 'train' | 'test'), images: g.images, labels: g.labels })
  }
  const shapes = new Set(pairs.map((p) => p.images.shape.slice(1).join('x')))
  if (shapes.size > 1) throw new ImportError('count_mismatch', `The image files have different shapes (${[...shapes].join(', ')}); train and test images must be the same size.`, {}, detail('idxShapes', { shapes: [...shapes].join(', ') }))
  pairs.sort((a, b) => (a.split === 'test' ? 1 : 0) - (b.split === 'test' ? 1 : 0))
  return pairs
}

/** Reads and checks IDX files. */
export async function readIdxFiles(files: SourceFile[]): Promise<IdxArray[]> {
  const out: IdxArray[] = []
  for (const f of files) out.push(parseIdx(f, await readWholeLean(f)))
  return out
}

// ── CIFAR ─────────────────────────────────────────────────────────────────────────────────────────

export const CIFAR_PIXELS = 32 * 32 * 3

/** One CIFAR binary batch file: records of label byte(s) + 3,072 pixel bytes (channel planes). */
export interface CifarBatch { file: SourceFile; split: 'train' | 'test' | null; data: Buffer; count: number; labelBytes: 1 | 2 }

/** Detects the CIFAR variant from the size (3,073 bytes per record: CIFAR-10; 3,074: CIFAR-100). */
export function cifarLabelBytes(name: string, size: number): 1 | 2 | null {
  const by10 = size > 0 && size % (CIFAR_PIXELS + 1) === 0
  const by100 = size > 0 && size % (CIFAR_PIXELS + 2) === 0
  if (by10 && !by100) return 1
  if (by100 && !by10) return 2
  if (by10 && by100) return /batch/i.test(name) ? 1 : 2
  return null
}

/** Reads CIFAR batches and checks sizes and label ranges. */
export async function readCifar(files: SourceFile[]): Promise<CifarBatch[]> {
  const out: CifarBatch[] = []
  for (const f of files) {
    const data = await readWholeLean(f)
    const lb = cifarLabelBytes(f.name, data.length)
    if (!lb) {
      const rec = /100|coarse|fine/i.test(f.name) ? CIFAR_PIXELS + 2 : CIFAR_PIXELS + 1
      throw new ImportError('truncated', `${f.name}: ${data.length.toLocaleString('en')} bytes is not a whole number of CIFAR records (${rec.toLocaleString('en')} bytes each); the last record is cut at offset ${data.length - (data.length % rec)}.`, { file: f.name, offset: data.length - (data.length % rec) }, detail('cifarCut', { file: f.name, bytes: data.length, record: rec, offset: data.length - (data.length % rec) }))
    }
    const rec = CIFAR_PIXELS + lb
    const count = data.length / rec
    const max = lb === 1 ? 10 : 100
    for (let r = 0; r < count; r++) {
      const l = data[r * rec + lb - 1]!
      if (l >= max) throw new ImportError('format_mismatch', `${f.name} record ${r} (offset ${r * rec + lb - 1}): label ${l}, expected 0–${max - 1} for CIFAR-${max}.`, { file: f.name, record: r, offset: r * rec + lb - 1 }, detail('cifarLabel', { file: f.name, record: r, found: l, max: max - 1 }))
    }
    out.push({ file: f, split: splitFromName(f.name), data, count, labelBytes: lb })
  }
  if (new Set(out.map((b) => b.labelBytes)).size > 1) throw new ImportError('format_mismatch', 'CIFAR-10 and CIFAR-100 batches were dropped together; import one of them.', {}, detail('cifarMixed'))
  out.sort((a, b) => (a.split === 'test' ? 1 : 0) - (b.split === 'test' ? 1 : 0) || a.file.name.localeCompare(b.file.name))
  return out
}

// ── NumPy ─────────────────────────────────────────────────────────────────────────────────────────

/** A decoded NumPy array (numbers only). */
export interface NpyArray {
  name: string
  shape: number[]
  /** uint8 stays uint8 (images); everything else becomes float32 or int32. */
  data: Uint8Array | Float32Array | Int32Array
  integer: boolean
}

const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])

/** Parses .npy bytes; `name` is used in messages. */
export function parseNpy(name: string, b: Uint8Array, headerOnly = false): NpyArray {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength)
  if (buf.length === 0) throw new ImportError('empty_file', `${name}: the file is empty (0 bytes); expected a NumPy array (.npy).`, { file: name }, detail('emptyFile', { file: name }))
  if (buf.length < 10 || !buf.subarray(0, 6).equals(NPY_MAGIC)) {
    throw new ImportError('bad_magic', `${name}: not a NumPy .npy file — expected the bytes 93 'NUMPY' at offset 0, found ${JSON.stringify(buf.subarray(0, 6).toString('latin1'))}.`, { file: name, offset: 0 }, detail('npyMagic', { file: name, found: JSON.stringify(buf.subarray(0, 6).toString('latin1')) }))
  }
  const major = buf[6]!
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.length >= 12 ? buf.readUInt32LE(8) : -1
  const hstart = major === 1 ? 10 : 12
  if (hlen < 0 || buf.length < hstart + hlen) throw new ImportError('truncated', `${name}: the .npy header says ${hlen} bytes but the file ends at offset ${buf.length}.`, { file: name, offset: buf.length }, detail('npyHeaderShort', { file: name, expected: hlen, offset: buf.length }))
  const header = buf.toString('latin1', hstart, hstart + hlen)
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1]
  const fortran = /'fortran_order'\s*:\s*True/.test(header)
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1]
  if (!descr || shapeText === undefined) throw new ImportError('bad_magic', `${name}: the .npy header is not readable (${JSON.stringify(header.slice(0, 80))}).`, { file: name, offset: hstart }, detail('npyHeaderBad', { file: name, found: JSON.stringify(header.slice(0, 80)) }))
  if (fortran) throw new ImportError('unsupported', `${name}: Fortran-ordered arrays are not supported; save with np.ascontiguousarray.`, { file: name }, detail('npyFortran', { file: name }))
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number)
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new ImportError('bad_magic', `${name}: bad shape (${shapeText}) in the .npy header.`, { file: name, offset: hstart }, detail('npyShape', { file: name, found: shapeText }))
  const count = shape.reduce((a, c) => a * c, 1)
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr)
  if (!m) throw new ImportError('unsupported', `${name}: dtype ${descr} is not supported (numbers only: float, int, uint, bool).`, { file: name }, detail('npyDtype', { file: name, dtype: descr }))
  const [, order, kind, sizeText] = m
  const size = Number(sizeText)
  const start = hstart + hlen
  const need = count * size
  if (!headerOnly && buf.length - start < need) {
    throw new ImportError('truncated', `${name}: truncated — shape (${shape.join(', ')}) of ${descr} needs ${need.toLocaleString('en')} data bytes, found ${(buf.length - start).toLocaleString('en')} (file ends at offset ${buf.length}).`, { file: name, offset: buf.length }, detail('dataShort', { file: name, shape: shape.join(', '), expected: need, found: buf.length - start, offset: buf.length }))
  }
  if (headerOnly) return { name, shape, data: new Uint8Array(0), integer: kind !== 'f' }
  const big = order === '>'
  const body = Buffer.from(buf.subarray(start, start + need))
  const integer = kind !== 'f'
  if (kind === 'u' && size === 1 || kind === 'b') return { name, shape, data: new Uint8Array(body.buffer, body.byteOffset, need), integer: true }
  const read: (o: number) => number = (() => {
    switch (`${kind}${size}`) {
      case 'f4': return (o: number) => big ? body.readFloatBE(o) : body.readFloatLE(o)
      case 'f8': return (o: number) => big ? body.readDoubleBE(o) : body.readDoubleLE(o)
      case 'f2': return (o: number) => halfToFloat(big ? body.readUInt16BE(o) : body.readUInt16LE(o))
      case 'i1': return (o: number) => body.readInt8(o)
      case 'i2': return (o: number) => big ? body.readInt16BE(o) : body.readInt16LE(o)
      case 'i4': return (o: number) => big ? body.readInt32BE(o) : body.readInt32LE(o)
      case 'i8': return (o: number) => Number(big ? body.readBigInt64BE(o) : body.readBigInt64LE(o))
      case 'u2': return (o: number) => big ? body.readUInt16BE(o) : body.readUInt16LE(o)
      case 'u4': return (o: number) => big ? body.readUInt32BE(o) : body.readUInt32LE(o)
      case 'u8': return (o: number) => Number(big ? body.readBigUInt64BE(o) : body.readBigUInt64LE(o))
      default: throw new ImportError('unsupported', `${name}: dtype ${descr} is not supported.`, { file: name }, detail('npyDtype', { file: name, dtype: descr }))
    }
  })()
  const data = integer ? new Int32Array(count) : new Float32Array(count)
  for (let i = 0; i < count; i++) data[i] = read(i * size)
  return { name, shape, data, integer }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1
  const e = (h >> 10) & 0x1f
  const f = h & 0x3ff
  if (e === 0) return s * 2 ** -14 * (f / 1024)
  if (e === 31) return f ? NaN : s * Infinity
  return s * 2 ** (e - 15) * (1 + f / 1024)
}

/** Reads the arrays of dropped .npy / .npz files. */
export async function readNumpy(files: SourceFile[]): Promise<NpyArray[]> {
  const out: NpyArray[] = []
  for (const f of files) {
    const bytes = await readWholeLean(f)
    if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
      let members: Record<string, Uint8Array>
      try {
        members = unzipSync(bytes)
      } catch (e) {
        throw new ImportError('truncated', `${f.name}: the .npz (zip) archive is damaged or cut short (${(e as Error).message}).`, { file: f.name }, detail('npzDamaged', { file: f.name, detail: (e as Error).message }))
      }
      const names = Object.keys(members).filter((n) => n.endsWith('.npy'))
      if (!names.length) throw new ImportError('no_data', `${f.name}: the archive holds no .npy arrays.`, { file: f.name }, detail('npzEmpty', { file: f.name }))
      for (const n of names) out.push(parseNpy(`${f.name}:${n.replace(/\.npy$/, '')}`, members[n]!))
    } else {
      out.push(parseNpy(f.name, bytes))
    }
  }
  return out
}

/** The short name of an array: "mnist.npz:x_train" → "x_train", "dir/labels.npy" → "labels". */
export function arrayKey(a: NpyArray): string {
  const n = a.name.includes(':') ? a.name.split(':').pop()! : a.name.split('/').pop()!
  return n.replace(/\.npy$/i, '')
}

const X_NAMES = /^(x|x_?train|x_?test|features?|data|images?|inputs?|samples?)$/i
const Y_NAMES = /^(y|y_?train|y_?test|labels?|targets?|classes|outputs?)$/i

/**
 * Finds features and labels among the arrays: by name (x / y, x_train / y_train / x_test / y_test,
 * images / labels …), or by the user's choice, or by rank (1-D = labels). Returns the train and
 * (when there is one) test pair.
 */
export function pickArrays(arrays: NpyArray[], choice?: { x?: string; y?: string }): { train: { x: NpyArray; y: NpyArray }; test: { x: NpyArray; y: NpyArray } | null } {
  const by = (k: string | undefined) => (k ? arrays.find((a) => arrayKey(a) === k || a.name === k) : undefined)
  const xTrain = arrays.find((a) => /^x_?train$/i.test(arrayKey(a)))
  const yTrain = arrays.find((a) => /^y_?train$/i.test(arrayKey(a)))
  const xTest = arrays.find((a) => /^x_?test$/i.test(arrayKey(a)))
  const yTest = arrays.find((a) => /^y_?test$/i.test(arrayKey(a)))
  if (!choice?.x && xTrain && yTrain) return { train: { x: xTrain, y: yTrain }, test: xTest && yTest ? { x: xTest, y: yTest } : null }
  let x = by(choice?.x) ?? arrays.find((a) => X_NAMES.test(arrayKey(a)))
  let y = by(choice?.y) ?? arrays.find((a) => Y_NAMES.test(arrayKey(a)) && a !== x)
  if (!x || !y) {
    const oneD = arrays.filter((a) => a.shape.length === 1 || (a.shape.length === 2 && a.shape[1] === 1))
    const multi = arrays.filter((a) => !oneD.includes(a))
    y ??= oneD.find((a) => a !== x)
    x ??= multi.find((a) => a !== y) ?? arrays.find((a) => a !== y)
  }
  if (!x || !y || x === y) {
    throw new ImportError('count_mismatch', `Found ${arrays.length} array${arrays.length === 1 ? '' : 's'} (${arrays.map((a) => `${arrayKey(a)} [${a.shape.join(', ')}]`).join(', ')}); a dataset needs a features array and a labels array (name them x and y, or pick them in the dialog).`, {},
      detail('arraysPick', { count: arrays.length, arrays: arrays.map((a) => `${arrayKey(a)} [${a.shape.join(', ')}]`).join(', ') }))
  }
  return { train: { x, y }, test: null }
}
