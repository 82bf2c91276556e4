/**
 * The MNIST IDX file format (http://yann.lecun.com/exdb/mnist/): a 4-byte magic (0, 0, dtype code,
 * rank), `rank` big-endian uint32 dimensions, then the values row-major. The sample digits ship
 * in it (gzipped, as MNIST does) so that the same reader serves IDX import of real MNIST files.
 */
import { gunzipSync, gzipSync } from 'node:zlib'

/** A decoded IDX tensor. Only the unsigned-byte type (0x08) is supported: that is what MNIST uses. */
export interface IdxTensor {
  shape: number[]
  data: Uint8Array
}

const UBYTE = 0x08

/**
 * Encodes `t` as IDX bytes, gzipped when `gzip` (default true). Used by the sample regenerator.
 * Deterministic: the same tensor always gives the same bytes.
 */
export function encodeIdx(t: IdxTensor, gzip = true): Buffer {
  const size = t.shape.reduce((a, b) => a * b, 1)
  if (size !== t.data.length) throw new Error(`IDX: shape [${t.shape.join(', ')}] needs ${size} values, got ${t.data.length}`)
  const head = Buffer.alloc(4 + 4 * t.shape.length)
  head[2] = UBYTE
  head[3] = t.shape.length
  t.shape.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i))
  const raw = Buffer.concat([head, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)])
  return gzip ? gzipSync(raw, { level: 9 }) : raw
}

/**
 * Decodes IDX bytes (gzipped or not: detected by the gzip magic). Throws a message saying what is
 * wrong when the bytes are not an unsigned-byte IDX file or are truncated.
 */
export function decodeIdx(bytes: Uint8Array): IdxTensor {
  let b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (b[0] === 0x1f && b[1] === 0x8b) b = gunzipSync(b)
  if (b.length < 4 || b[0] !== 0 || b[1] !== 0) throw new Error('IDX: bad magic number (not an IDX file)')
  if (b[2] !== UBYTE) throw new Error(`IDX: data type 0x${(b[2] ?? 0).toString(16)} is not supported (only unsigned bytes, 0x08)`)
  const rank = b[3]!
  if (b.length < 4 + 4 * rank) throw new Error('IDX: truncated header')
  const shape: number[] = []
  for (let i = 0; i < rank; i++) shape.push(b.readUInt32BE(4 + 4 * i))
  const size = shape.reduce((a, c) => a * c, 1)
  const start = 4 + 4 * rank
  if (b.length - start !== size) throw new Error(`IDX: ${b.length - start} data bytes for shape [${shape.join(', ')}] (expected ${size})`)
  return { shape, data: new Uint8Array(b.subarray(start, start + size)) }
}
