/**
 * A lean PNG decoder for the common case (8-bit, not interlaced; grey, grey+alpha, RGB, RGBA or
 * palette). Why not only pngjs: it inflates with a new native zlib stream per image, and 10,000
 * of those, freed only when the GC gets to them, kept ~60 MB of native memory alive in the PNG
 * benchmark (peak 3× the final tensors). Here inflate is fflate's (plain JS, into a reused
 * buffer). Anything else (interlaced, 16-bit, 1/2/4-bit) goes to pngjs.
 */
import { unzlibSync } from 'fflate'
import type { Rgba } from './images'

const SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }

let scratch = new Uint8Array(0)
let rgbaOut = new Uint8Array(0)

/**
 * Decodes `b` to RGBA, or returns null when the file needs the general decoder (pngjs). Throws on damage.
 * The returned pixels live in a buffer that the next call reuses: copy them if they must outlive it.
 */
export function decodePngLean(b: Uint8Array): Rgba | null {
  for (let i = 0; i < 8; i++) if (b[i] !== SIG[i]) throw new Error('not a PNG signature')
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  let p = 8
  let width = 0; let height = 0; let depth = 0; let ctype = -1; let interlace = 0
  let palette: Uint8Array | null = null
  let trns: Uint8Array | null = null
  const idat: Uint8Array[] = []
  let idatLen = 0
  for (;;) {
    if (p + 8 > b.length) throw new Error('file ends inside a chunk header')
    const len = dv.getUint32(p)
    const type = String.fromCharCode(b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!)
    const data = p + 8
    if (len > b.length || data + len + 4 > b.length) throw new Error(`chunk ${type} runs past the end of the file`)
    if (type === 'IHDR') {
      if (len < 13) throw new Error('short IHDR')
      width = dv.getUint32(data); height = dv.getUint32(data + 4)
      depth = b[data + 8]!; ctype = b[data + 9]!; interlace = b[data + 12]!
    } else if (type === 'PLTE') palette = b.subarray(data, data + len)
    else if (type === 'tRNS') trns = b.subarray(data, data + len)
    else if (type === 'IDAT') { idat.push(b.subarray(data, data + len)); idatLen += len }
    else if (type === 'IEND') break
    p = data + len + 4
  }
  if (!width || !height) throw new Error('no image header (IHDR)')
  const ch = CHANNELS[ctype]
  if (depth !== 8 || interlace !== 0 || ch === undefined) return null
  if (ctype === 3 && !palette) throw new Error('palette image without a palette (PLTE)')
  const stride = width * ch
  const rawLen = (stride + 1) * height
  if (scratch.length < rawLen) scratch = new Uint8Array(rawLen)
  let z: Uint8Array
  if (idat.length === 1) z = idat[0]!
  else { z = new Uint8Array(idatLen); let o = 0; for (const c of idat) { z.set(c, o); o += c.length } }
  const raw = unzlibSync(z, { out: scratch.subarray(0, rawLen) })
  if (raw.length < rawLen) throw new Error(`image data is ${raw.length} bytes, expected ${rawLen}`)
  // Unfilter in place, row by row (filter byte, then `stride` bytes).
  for (let y = 0; y < height; y++) {
    const r = y * (stride + 1)
    const f = raw[r]!
    const cur = r + 1
    const prev = r - stride // start of the previous row's pixels (valid when y > 0)
    for (let x = 0; x < stride; x++) {
      const a = x >= ch ? raw[cur + x - ch]! : 0
      const up = y > 0 ? raw[prev + x]! : 0
      const c = y > 0 && x >= ch ? raw[prev + x - ch]! : 0
      let v = raw[cur + x]!
      switch (f) {
        case 0: break
        case 1: v += a; break
        case 2: v += up; break
        case 3: v += (a + up) >> 1; break
        case 4: {
          const pa = Math.abs(up - c); const pb = Math.abs(a - c); const pc = Math.abs(a + up - 2 * c)
          v += pa <= pb && pa <= pc ? a : pb <= pc ? up : c
          break
        }
        default: throw new Error(`row ${y}: unknown filter type ${f}`)
      }
      raw[cur + x] = v & 0xff
    }
  }
  // Reused across calls (the caller resizes it away before the next decode): thousands of small
  // freed buffers fragment the allocator and RSS only grows.
  if (rgbaOut.length < width * height * 4) rgbaOut = new Uint8Array(width * height * 4)
  const out = rgbaOut.subarray(0, width * height * 4)
  for (let y = 0; y < height; y++) {
    const row = y * (stride + 1) + 1
    for (let x = 0; x < width; x++) {
      const s = row + x * ch
      const o = (y * width + x) * 4
      switch (ctype) {
        case 0: { const g = raw[s]!; out[o] = g; out[o + 1] = g; out[o + 2] = g; out[o + 3] = trns && trns.length >= 2 && g === trns[1] ? 0 : 255; break }
        case 2: out[o] = raw[s]!; out[o + 1] = raw[s + 1]!; out[o + 2] = raw[s + 2]!; out[o + 3] = 255; break
        case 3: {
          const i = raw[s]!
          if (3 * i + 2 >= palette!.length) throw new Error(`palette index ${i} outside the ${palette!.length / 3}-colour palette`)
          out[o] = palette![3 * i]!; out[o + 1] = palette![3 * i + 1]!; out[o + 2] = palette![3 * i + 2]!
          out[o + 3] = trns && i < trns.length ? trns[i]! : 255
          break
        }
        case 4: { const g = raw[s]!; out[o] = g; out[o + 1] = g; out[o + 2] = g; out[o + 3] = raw[s + 1]!; break }
        case 6: out[o] = raw[s]!; out[o + 1] = raw[s + 1]!; out[o + 2] = raw[s + 2]!; out[o + 3] = raw[s + 3]!; break
      }
    }
  }
  return { width, height, data: out }
}
