/**
 * Image folders: one sub-folder per class (nested folders flattened into their class), PNG, JPEG,
 * GIF (first frame) and WebP decoded in JS / WebAssembly shipped in npm packages (pngjs + fflate,
 * jpeg-js, omggif, @jsquash/webp — no native binaries to download at install), resized by box averaging to one size, grey or RGB. Files that cannot be
 * read are listed with the reason and skipped; they never stop the import.
 */
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import jpeg from 'jpeg-js'
import { GifReader } from 'omggif'
import { PNG } from 'pngjs'
import type { SkippedFile } from '../../preload/contract/types'
import { ImportError, detail } from './importError'
import { decodePngLean } from './pngDecode'
import { readHead, type SourceFile } from './sourceFiles'
import { decodeWebp } from './webpDecode'

export type ImageKind = 'png' | 'jpeg' | 'gif' | 'webp'

/** Largest image decoded (pixels): a damaged header must not make the decoder allocate gigabytes. */
const MAX_PIXELS = 40e6

export const IMAGE_EXTS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp'])

/** The image type from magic bytes, or null. */
export function sniffImage(b: Uint8Array): ImageKind | null {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png'
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg'
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) return 'gif'
  if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'webp'
  return null
}

/** Width and height from the header bytes alone (no decoding), or null when unreadable. */
export function imageSize(b: Buffer): { width: number; height: number } | null {
  const kind = sniffImage(b)
  try {
    if (kind === 'png') return b.length >= 24 ? { width: b.readUInt32BE(16), height: b.readUInt32BE(20) } : null
    if (kind === 'gif') return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) }
    if (kind === 'webp') {
      const fourcc = b.toString('latin1', 12, 16)
      if (fourcc === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff }
      if (fourcc === 'VP8L') { const v = b.readUInt32LE(21); return { width: (v & 0x3fff) + 1, height: ((v >> 14) & 0x3fff) + 1 } }
      if (fourcc === 'VP8X') return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 }
      return null
    }
    if (kind === 'jpeg') {
      let i = 2
      while (i + 9 < b.length) {
        if (b[i] !== 0xff) { i++; continue }
        const m = b[i + 1]!
        if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) }
        if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) { i += 2; continue }
        i += 2 + b.readUInt16BE(i + 2)
      }
    }
  } catch { /* short header */ }
  return null
}

/** A decoded image: RGBA, 8 bits per channel. */
export interface Rgba { width: number; height: number; data: Uint8Array }

/** Decodes PNG / JPEG / GIF (first frame); throws ImportError('corrupt_image') naming the file. */
export function decodeImage(name: string, b: Buffer): Rgba {
  if (b.length === 0) throw new ImportError('corrupt_image', `${name}: zero-byte file, not an image.`, { file: name }, detail('imageZeroByte', { file: name }))
  const kind = sniffImage(b)
  const ext = path.extname(name).toLowerCase()
  if (!kind) {
    throw new ImportError(IMAGE_EXTS.has(ext) ? 'format_mismatch' : 'corrupt_image',
      `${name}: ${IMAGE_EXTS.has(ext) ? `named ${ext} but the content is not an image` : 'not an image'} (first bytes ${[...b.subarray(0, 4)].map((x) => x.toString(16).padStart(2, '0')).join(' ')}; expected a PNG, JPEG, GIF or WebP signature).`, { file: name, offset: 0 },
      detail(IMAGE_EXTS.has(ext) ? 'imageExtNotImage' : 'imageNotImage', { file: name, ext, found: [...b.subarray(0, 4)].map((x) => x.toString(16).padStart(2, '0')).join(' ') }))
  }
  const dims = imageSize(b)
  if (dims && dims.width * dims.height > MAX_PIXELS) {
    throw new ImportError('corrupt_image', `${name}: the header says ${dims.width}×${dims.height} pixels, over the ${MAX_PIXELS / 1e6} megapixel limit (damaged, or far larger than training needs).`, { file: name }, detail('imageTooLarge', { file: name, width: dims.width, height: dims.height, limit: MAX_PIXELS / 1e6 }))
  }
  try {
    if (kind === 'png') {
      const lean = decodePngLean(b)
      if (lean) return lean
      const p = PNG.sync.read(b)
      return { width: p.width, height: p.height, data: new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength) }
    }
    if (kind === 'jpeg') {
      const j = jpeg.decode(b, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256, maxResolutionInMP: 50 })
      return { width: j.width, height: j.height, data: j.data }
    }
    if (kind === 'gif') return decodeGifFirstFrame(b)
  } catch (e) {
    throw new ImportError('corrupt_image', `${name}: the ${kind.toUpperCase()} data is damaged or cut short (${(e as Error).message}).`, { file: name }, detail('imageDamaged', { file: name, kind: kind.toUpperCase(), detail: (e as Error).message }))
  }
  throw new ImportError('unsupported', `${name}: WebP needs the asynchronous decoder (decodeImageAsync).`, { file: name })
}

/** Like decodeImage, and WebP too (its WebAssembly decoder is asynchronous). */
export async function decodeImageAsync(name: string, b: Buffer): Promise<Rgba> {
  if (sniffImage(b) !== 'webp') return decodeImage(name, b)
  const dims = imageSize(b)
  if (dims && dims.width * dims.height > MAX_PIXELS) {
    throw new ImportError('corrupt_image', `${name}: the header says ${dims.width}×${dims.height} pixels, over the ${MAX_PIXELS / 1e6} megapixel limit.`, { file: name }, detail('imageTooLarge', { file: name, width: dims.width, height: dims.height, limit: MAX_PIXELS / 1e6 }))
  }
  try {
    return await decodeWebp(b)
  } catch (e) {
    throw new ImportError('corrupt_image', `${name}: the WEBP data is damaged or cut short (${(e as Error).message}).`, { file: name }, detail('imageDamaged', { file: name, kind: 'WEBP', detail: (e as Error).message }))
  }
}

/**
 * Resizes RGBA to `w`×`h` by averaging the source pixels each target pixel covers (nearest pixel
 * when enlarging) and writes grey (1 channel, ITU-R 601 luma) or RGB (3 channels) into `out` at
 * `offset`. Transparent pixels are composited over white, as viewers show them.
 */
export function resizeInto(img: Rgba, w: number, h: number, channels: 1 | 3, out: Uint8Array, offset: number): void {
  const sw = img.width
  const sh = img.height
  const src = img.data
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * sh) / h)
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * sh) / h))
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor((x * sw) / w)
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * sw) / w))
      let r = 0; let g = 0; let b = 0; let n = 0
      for (let yy = y0; yy < y1; yy++) {
        let p = (yy * sw + x0) * 4
        for (let xx = x0; xx < x1; xx++, p += 4) {
          const a = src[p + 3]! / 255
          r += src[p]! * a + 255 * (1 - a)
          g += src[p + 1]! * a + 255 * (1 - a)
          b += src[p + 2]! * a + 255 * (1 - a)
          n++
        }
      }
      const o = offset + (y * w + x) * channels
      if (channels === 1) out[o] = Math.round((0.299 * r + 0.587 * g + 0.114 * b) / n)
      else { out[o] = Math.round(r / n); out[o + 1] = Math.round(g / n); out[o + 2] = Math.round(b / n) }
    }
  }
}

/** An image file with its class (and its split, when the folders give one). */
export interface LabeledFile extends SourceFile { label: number; split?: 'train' | 'val' | 'test' }

export interface ImageListing {
  classNames: string[]
  files: LabeledFile[]
  /** The dropped folder had train/ and test/ (and maybe val/) folders, each with class folders. */
  official: boolean
  /** Files that are not images (by name), listed for the dialog. */
  skipped: SkippedFile[]
}

function walk(dir: string, rel: string, out: SourceFile[], skipped: ImageListing['skipped'], limit: number): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const e of entries) {
    if (e.name.startsWith('.')) continue
    const p = path.join(dir, e.name)
    const r = rel ? `${rel}/${e.name}` : e.name
    if (e.isDirectory()) walk(p, r, out, skipped, limit)
    else if (e.isFile()) {
      if (out.length >= limit) throw new ImportError('too_large', `More than ${limit.toLocaleString('en')} files in the dropped folders.`, {}, detail('tooManyFiles', { max: limit }))
      if (IMAGE_EXTS.has(path.extname(e.name).toLowerCase())) out.push({ path: p, name: r, bytes: statSync(p).size })
      else skipped.push({ name: r, reason: 'not an image file (by its name); skipped', code: 'notImageName' })
    }
  }
}

/**
 * Lists class folders and their images. `dirs` are the dropped folders: one folder holding a
 * sub-folder per class, or several class folders dropped together. Needs at least two classes.
 */
const SPLIT_DIRS: Record<string, 'train' | 'val' | 'test'> = { train: 'train', training: 'train', val: 'val', valid: 'val', validation: 'val', test: 'test', testing: 'test' }

export function listImageFolders(dirs: { path: string; name: string }[], limit = 1_000_000): ImageListing {
  // train/ + test/ (+ val/) folders, each holding the class folders: keep that official split.
  if (dirs.length === 1) {
    const subs = readdirSync(dirs[0]!.path, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    const splits = subs.map((e) => SPLIT_DIRS[e.name.toLowerCase()])
    if (subs.length >= 2 && splits.every((x) => x) && splits.includes('train') && splits.includes('test')) {
      const parts = subs.map((e, i) => ({ split: splits[i]!, listing: listImageFolders([{ path: path.join(dirs[0]!.path, e.name), name: `${dirs[0]!.name}/${e.name}` }], limit) }))
      const classNames = [...new Set(parts.flatMap((p) => p.listing.classNames))].sort()
      const files: LabeledFile[] = []
      for (const p of parts) {
        for (const f of p.listing.files) files.push({ ...f, label: classNames.indexOf(p.listing.classNames[f.label]!), split: p.split })
      }
      return { classNames, files, skipped: parts.flatMap((p) => p.listing.skipped), official: true }
    }
  }
  let classDirs: { path: string; name: string }[]
  if (dirs.length === 1) {
    const root = dirs[0]!
    classDirs = readdirSync(root.path, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => ({ path: path.join(root.path, e.name), name: e.name }))
      .sort((a, b) => (a.name < b.name ? -1 : 1))
  } else {
    classDirs = [...dirs].sort((a, b) => (a.name < b.name ? -1 : 1))
  }
  const files: LabeledFile[] = []
  const skipped: ImageListing['skipped'] = []
  const classNames: string[] = []
  for (const c of classDirs) {
    const list: SourceFile[] = []
    walk(c.path, c.name, list, skipped, limit)
    if (!list.length) { skipped.push({ name: `${c.name}/`, reason: 'no images in this folder; not a class', code: 'emptyClassFolder' }); continue }
    const label = classNames.length
    classNames.push(c.name)
    for (const f of list) files.push({ ...f, label })
  }
  if (classNames.length < 2) {
    const where = dirs.length === 1 ? dirs[0]!.name : dirs.map((d) => d.name).join(', ')
    throw new ImportError('one_class', classNames.length === 1
      ? `${where}: only one class folder with images (${classNames[0]}/); an image dataset needs one sub-folder per class, at least two.`
      : `${where}: no class folders with images found; expected one sub-folder per class (e.g. cats/, dogs/) holding PNG, JPEG or GIF files.`, { file: where },
      classNames.length === 1 ? detail('oneClassFolder', { file: where, class: classNames[0]! }) : detail('noClassFolders', { file: where }))
  }
  return { classNames, files, skipped, official: false }
}

/** Reads just enough of a file for imageSize. */
export function readImageHead(file: string): Buffer {
  // 512 bytes hold the size of a PNG, GIF or WebP; only a JPEG with big metadata needs more.
  // (A 64 KB buffer per sampled file was 20 MB of garbage at the peak of a 10k-image import.)
  const head = readHead(file, 512)
  if (sniffImage(head) !== 'jpeg' || imageSize(head)) return head
  return readHead(file, 256 * 1024)
}

/**
 * The first frame of a GIF as RGBA. omggif parses the blocks, but its LZW decoder can loop
 * forever on damaged data (found by the import fuzz test), so the pixels are decoded here with
 * a bounded LZW: every dictionary entry's prefix is an older entry, so no chain can cycle.
 */
export function decodeGifFirstFrame(b: Buffer): Rgba {
  const g = new GifReader(b)
  const f = g.frameInfo(0)
  const W = g.width
  const H = g.height
  if (f.x + f.width > W || f.y + f.height > H) throw new Error(`frame ${f.width}×${f.height} at ${f.x},${f.y} lies outside the ${W}×${H} image`)
  const minCode = b[f.data_offset]!
  if (minCode < 2 || minCode > 8) throw new Error(`LZW minimum code size ${minCode} (expected 2–8)`)
  // Concatenate the data sub-blocks.
  const parts: Buffer[] = []
  let p = f.data_offset + 1
  for (;;) {
    if (p >= b.length) throw new Error('image data runs past the end of the file')
    const len = b[p]!
    if (len === 0) break
    if (p + 1 + len > b.length) throw new Error('image data runs past the end of the file')
    parts.push(b.subarray(p + 1, p + 1 + len))
    p += 1 + len
  }
  const data = Buffer.concat(parts)
  const npix = f.width * f.height
  const index = new Uint8Array(npix)
  const prefix = new Int16Array(4096)
  const suffix = new Uint8Array(4096)
  const first = new Uint8Array(4096)
  const stack = new Uint8Array(4097)
  const clear = 1 << minCode
  const eoi = clear + 1
  for (let i = 0; i < clear; i++) { prefix[i] = -1; suffix[i] = i; first[i] = i }
  let size = minCode + 1
  let next = eoi + 1
  let prev = -1
  let bitPos = 0
  let out = 0
  const totalBits = data.length * 8
  while (out < npix && bitPos + size <= totalBits) {
    let code = 0
    for (let k = 0; k < size; k++, bitPos++) code |= ((data[bitPos >> 3]! >> (bitPos & 7)) & 1) << k
    if (code === clear) { size = minCode + 1; next = eoi + 1; prev = -1; continue }
    if (code === eoi) break
    const kwk = code >= next
    if (kwk && (code !== next || prev < 0)) throw new Error(`LZW code ${code} before it was defined`)
    // Walk the string of `base` backwards; prefixes always point at older entries, so this ends.
    const base = kwk ? prev : code
    let sp = 0
    for (let c = base; c >= 0; c = prefix[c]!) stack[sp++] = suffix[c]!
    for (let k = sp - 1; k >= 0 && out < npix; k--) index[out++] = stack[k]!
    if (kwk && out < npix) index[out++] = first[prev]!
    if (prev >= 0 && next < 4096) {
      prefix[next] = prev
      suffix[next] = kwk ? first[prev]! : first[code]!
      first[next] = first[prev]!
      next++
      if (next === 1 << size && size < 12) size++
    }
    prev = code
  }
  const palOff = f.palette_offset
  const palSize = f.palette_size ?? 0
  if (palOff === null || palOff + palSize * 3 > b.length) throw new Error('no colour table')
  const rgba = new Uint8Array(W * H * 4)
  const rows = f.interlaced ? interlacedRows(f.height) : null
  for (let i = 0; i < out; i++) {
    const ci = index[i]!
    if (ci === f.transparent_index || ci >= palSize) continue
    const fy = rows ? rows[Math.floor(i / f.width)]! : Math.floor(i / f.width)
    const o = ((f.y + fy) * W + f.x + (i % f.width)) * 4
    rgba[o] = b[palOff + ci * 3]!
    rgba[o + 1] = b[palOff + ci * 3 + 1]!
    rgba[o + 2] = b[palOff + ci * 3 + 2]!
    rgba[o + 3] = 255
  }
  return { width: W, height: H, data: rgba }
}

function interlacedRows(h: number): Int32Array {
  const rows = new Int32Array(h)
  let k = 0
  for (const [start, step] of [[0, 8], [4, 8], [2, 4], [1, 2]] as const) for (let y = start; y < h; y += step) rows[k++] = y
  return rows
}
