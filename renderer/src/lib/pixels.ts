/**
 * Raw image pixels from `datasets:images` (uint8, row-major h × w × c, base64) to RGBA for
 * ImageData. Pure, so it is unit-tested; the grid draws the result on a canvas.
 */

/** Decodes base64 to bytes (atob exists in browsers and in Node ≥ 16). */
export function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/** h × w × c (c = 1 grayscale, 3 RGB, 4 RGBA) → RGBA, opaque. Short input leaves zeros. */
export function toRgba(px: Uint8Array, width: number, height: number, channels: number): Uint8ClampedArray<ArrayBuffer> {
  const n = width * height
  const out = new Uint8ClampedArray(n * 4)
  for (let i = 0; i < n; i++) {
    const o = i * 4
    if (channels === 1) {
      const v = px[i] ?? 0
      out[o] = v; out[o + 1] = v; out[o + 2] = v
    } else {
      const s = i * channels
      out[o] = px[s] ?? 0; out[o + 1] = px[s + 1] ?? 0; out[o + 2] = px[s + 2] ?? 0
    }
    out[o + 3] = 255
  }
  return out
}
