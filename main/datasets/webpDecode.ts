/**
 * WebP decoding with @jsquash/webp: libwebp compiled to WebAssembly, shipped inside the npm package
 * (nothing downloaded at install). It is written for browsers: it builds its result with the DOM's
 * ImageData, which plain Node lacks, so a minimal stand-in is installed when missing, and the
 * .wasm is compiled from the package folder instead of fetched.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Rgba } from './images'

type Decode = (b: ArrayBuffer) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>
let ready: Promise<Decode> | null = null

function load(): Promise<Decode> {
  ready ??= (async () => {
    const g = globalThis as { ImageData?: unknown }
    g.ImageData ??= class ImageData {
      constructor(readonly data: Uint8ClampedArray, readonly width: number, readonly height: number) {}
    }
    const mod = await import('@jsquash/webp/decode.js') as unknown as { default: Decode; init(m: WebAssembly.Module): Promise<void> }
    const wasm = createRequire(import.meta.url).resolve('@jsquash/webp/codec/dec/webp_dec.wasm')
    await mod.init(await WebAssembly.compile(readFileSync(wasm)))
    return mod.default
  })()
  return ready
}

/** Decodes a WebP (first frame) to RGBA; throws on damaged data. */
export async function decodeWebp(b: Uint8Array): Promise<Rgba> {
  const decode = await load()
  const copy = new Uint8Array(b.byteLength)
  copy.set(b)
  const img = await decode(copy.buffer)
  return { width: img.width, height: img.height, data: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength) }
}
