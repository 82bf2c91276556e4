/**
 * Reading source files for import: whole or as a stream, gzip detected by its magic bytes (not by
 * the name), and a bounded "first bytes" read for detection. Also the size limits every importer
 * shares.
 */
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs'
import path from 'node:path'
import { createGunzip, gunzipSync } from 'node:zlib'
import { ImportError, detail } from './importError'

/** A file of the dropped source: where it is and how to name it in messages. */
export interface SourceFile {
  /** Absolute path. */
  path: string
  /** Relative to what was dropped: what messages and the UI show. */
  name: string
  bytes: number
}

/** Largest single source file read whole into memory (binary formats). */
export const MAX_WHOLE_FILE = 2 * 1024 ** 3

/** Whether the first bytes are a gzip member. */
export function isGzipHead(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b
}

/** Reads up to `n` bytes from the start of a file (raw, not decompressed). */
export function readHead(file: string, n: number): Buffer {
  const fd = openSync(file, 'r')
  try {
    const buf = Buffer.alloc(n)
    const got = readSync(fd, buf, 0, n, 0)
    return buf.subarray(0, got)
  } finally {
    closeSync(fd)
  }
}

/**
 * Up to `n` decompressed bytes from the start of a (possibly gzipped) file, and whether that is
 * the whole file. Streams, so a 2 GB gzip costs only what is read.
 */
export async function readStart(f: SourceFile, n: number): Promise<{ bytes: Buffer; complete: boolean; gzip: boolean }> {
  const gzip = isGzipHead(readHead(f.path, 2))
  const chunks: Buffer[] = []
  let got = 0
  let complete = true
  const raw = createReadStream(f.path, { highWaterMark: 256 * 1024 })
  const stream = gzip ? raw.pipe(createGunzip()) : raw
  try {
    for await (const c of stream) {
      const b = c as Buffer
      chunks.push(b)
      got += b.length
      if (got >= n) { complete = false; break }
    }
  } catch (e) {
    // A truncated gzip still gives its first bytes for detection; the import will say it is cut.
    if (!chunks.length) throw e
  } finally {
    raw.destroy()
    if (stream !== raw) stream.destroy()
  }
  const all = Buffer.concat(chunks)
  return { bytes: all.subarray(0, Math.min(n, all.length)), complete: complete && all.length <= n, gzip }
}

/** A file's content, gunzipped when it is gzip; throws the typed errors for empty or broken files. */
export function readWhole(f: SourceFile): Buffer {
  const st = statSync(f.path)
  if (st.size === 0) throw new ImportError('empty_file', `${f.name}: the file is empty (0 bytes).`, { file: f.name }, detail('emptyFile', { file: f.name }))
  if (st.size > MAX_WHOLE_FILE) throw new ImportError('too_large', `${f.name}: ${(st.size / 1024 ** 3).toFixed(1)} GB is over the 2 GB limit for one file.`, { file: f.name }, detail('tooLarge', { file: f.name, gb: (st.size / 1024 ** 3).toFixed(1) }))
  const raw = readFileFully(f.path, st.size)
  if (!isGzipHead(raw)) return raw
  try {
    return gunzipSync(raw)
  } catch (e) {
    throw new ImportError('truncated', `${f.name}: the gzip data is damaged or cut short (${(e as Error).message}).`, { file: f.name }, detail('gzipDamaged', { file: f.name, detail: (e as Error).message }))
  }
}

/**
 * Like readWhole, but a gzip is inflated by streaming into one buffer of the size its trailer
 * announces: gunzipSync collects chunks and concatenates them (2× the data, plus the compressed
 * file, at the peak), which alone broke the 2× memory goal on a Fashion-MNIST-sized import.
 */
export async function readWholeLean(f: SourceFile): Promise<Buffer> {
  const st = statSync(f.path)
  if (st.size === 0) throw new ImportError('empty_file', `${f.name}: the file is empty (0 bytes).`, { file: f.name }, detail('emptyFile', { file: f.name }))
  if (st.size > MAX_WHOLE_FILE) throw new ImportError('too_large', `${f.name}: ${(st.size / 1024 ** 3).toFixed(1)} GB is over the 2 GB limit for one file.`, { file: f.name }, detail('tooLarge', { file: f.name, gb: (st.size / 1024 ** 3).toFixed(1) }))
  if (!isGzipHead(readHead(f.path, 2))) return readFileFully(f.path, st.size)
  // ISIZE: the uncompressed size mod 2^32, in the last four bytes (a hint: a damaged file may lie).
  const fd = openSync(f.path, 'r')
  const tail = Buffer.alloc(4)
  try { readSync(fd, tail, 0, 4, Math.max(0, st.size - 4)) } finally { closeSync(fd) }
  const hint = tail.readUInt32LE(0)
  let out = Buffer.allocUnsafe(Math.min(Math.max(hint, 64 * 1024), MAX_WHOLE_FILE))
  let n = 0
  const gunzip = createGunzip({ chunkSize: 1024 * 1024 })
  const stream = createReadStream(f.path, { highWaterMark: 1024 * 1024 }).pipe(gunzip)
  try {
    for await (const c of stream) {
      const b = c as Buffer
      if (n + b.length > out.length) {
        if (n + b.length > MAX_WHOLE_FILE) throw new ImportError('too_large', `${f.name}: more than 2 GB once decompressed.`, { file: f.name }, detail('tooLargeUnzipped', { file: f.name }))
        const bigger = Buffer.allocUnsafe(Math.min(MAX_WHOLE_FILE, Math.max(out.length * 2, n + b.length)))
        out.copy(bigger, 0, 0, n)
        out = bigger
      }
      b.copy(out, n)
      n += b.length
    }
  } catch (e) {
    if (e instanceof ImportError) throw e
    throw new ImportError('truncated', `${f.name}: the gzip data is damaged or cut short (${(e as Error).message}).`, { file: f.name }, detail('gzipDamaged', { file: f.name, detail: (e as Error).message }))
  }
  return out.subarray(0, n)
}

function readFileFully(file: string, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size)
  const fd = openSync(file, 'r')
  try {
    let off = 0
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off)
      if (n === 0) break
      off += n
    }
    return buf.subarray(0, off)
  } finally {
    closeSync(fd)
  }
}

/** A readable stream of the decompressed content (for text formats read in one pass). */
export function openStream(f: SourceFile): NodeJS.ReadableStream {
  const gzip = isGzipHead(readHead(f.path, 2))
  // 256 KB chunks: each is a fresh buffer that lives until the next GC, so bigger chunks mean more
  // dead memory at the peak for no measurable speed (100 MB CSV: same time as 1 MB chunks).
  const raw = createReadStream(f.path, { highWaterMark: 256 * 1024 })
  return gzip ? raw.pipe(createGunzip({ chunkSize: 256 * 1024 })) : raw
}

/** The name without .gz and its lower-case extension, e.g. "train.csv.gz" → ".csv". */
export function baseExt(name: string): string {
  const n = name.toLowerCase().replace(/\.gz$/, '')
  return path.extname(n)
}
