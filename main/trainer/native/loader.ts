/**
 * Finds and loads the native kernel addon (studio_kernels.node), or says why it could not.
 *
 * Where it looks, first hit wins (STUDIO_NATIVE_PATH overrides all; STUDIO_NO_NATIVE=1 disables):
 *   <native>/build/Release/studio_kernels.node             built from source at install (node-gyp)
 *   <native>/prebuilds/<platform>-<arch>/studio_kernels.node  shipped inside the package
 * where <native> is main/trainer/native under the package root. The package root is found by
 * walking up from this module: from source (vitest, tsx) that is three levels up; from the
 * trainer bundle (out/main/trainer.js) two. Inside a packaged Electron app the .node files live
 * in app.asar.unpacked, so paths through app.asar are redirected there.
 *
 * Loading is a `require` of a Node-API module, so a missing file, a wrong architecture or a
 * missing symbol all end up as a caught error; the engine then runs its portable kernels.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The functions the addon exports (see native/src/addon.cc). */
export interface NativeAddon {
  sgemm(tA: boolean, tB: boolean, M: number, N: number, K: number, alpha: number,
    A: Float32Array, aOff: number, lda: number, B: Float32Array, bOff: number, ldb: number,
    beta: number, C: Float32Array, cOff: number, ldc: number): void
  biasAct(y: Float32Array, bias: Float32Array | null, rows: number, cols: number, act: number, alpha: number): void
  actBackward(dy: Float32Array, y: Float32Array, dx: Float32Array, n: number, act: number, alpha: number): void
  colSum(dy: Float32Array, rows: number, cols: number, out: Float32Array): void
  adam(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, lr: number, b1: number, b2: number,
    eps: number, o1: number, o2: number): void
  momentum(w: Float32Array, g: Float32Array, acc: Float32Array, lr: number, mom: number, nesterov: boolean): void
  sgd(w: Float32Array, g: Float32Array, lr: number): void
  rmsprop(w: Float32Array, g: Float32Array, ms: Float32Array, mom: Float32Array, lr: number, decay: number,
    momentum: number, eps: number): void
  im2col(x: Float32Array, geom: Int32Array, cols: Float32Array): void
  col2im(cols: Float32Array, geom: Int32Array, dx: Float32Array): void
  maxPoolForward(x: Float32Array, geom: Int32Array, y: Float32Array, argmax: Int32Array): void
  maxPoolBackward(dy: Float32Array, argmax: Int32Array, dx: Float32Array, pooled?: Float32Array | null): void
  setThreads(n: number): number
  forceGeneric(on: boolean): void
  info(): { isa: 'avx2-fma' | 'generic'; avx2Fma: boolean; threads: number; abi: number }
}

/** Outcome of loadNativeAddon: the addon and where it came from, or why there is none. */
export type NativeLoad =
  | { ok: true; addon: NativeAddon; file: string; source: 'build' | 'prebuild' | 'env' }
  | { ok: false; reason: string; tried: string[] }

const ADDON_FILE = 'studio_kernels.node'
/** Bumped with any change to the exported functions; a stale prebuild is then refused. */
const ADDON_ABI = 1

// Not named `require`: the built main bundle already declares one.
const nodeRequire = createRequire(import.meta.url)

function unpacked(p: string): string {
  return p.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`)
}

/** The folder main/trainer/native of the package this module belongs to, or null. */
export function nativeDir(from: string = path.dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = from
  for (let i = 0; i < 8; i++) {
    for (const cand of [dir, path.join(dir, 'main', 'trainer', 'native')]) {
      if (existsSync(path.join(unpacked(cand), 'binding.gyp')) || existsSync(path.join(unpacked(cand), 'prebuilds'))) {
        return unpacked(cand)
      }
    }
    const up = path.dirname(dir)
    if (up === dir) break
    dir = up
  }
  return null
}

/** Candidate files in the order they are tried. */
export function addonCandidates(dir: string | null = nativeDir()): { file: string; source: 'build' | 'prebuild' | 'env' }[] {
  const out: { file: string; source: 'build' | 'prebuild' | 'env' }[] = []
  const env = process.env['STUDIO_NATIVE_PATH']
  if (env) out.push({ file: env, source: 'env' })
  if (dir) {
    out.push({ file: path.join(dir, 'build', 'Release', ADDON_FILE), source: 'build' })
    out.push({ file: path.join(dir, 'prebuilds', `${process.platform}-${process.arch}`, ADDON_FILE), source: 'prebuild' })
  }
  return out
}

const REQUIRED = ['sgemm', 'biasAct', 'actBackward', 'colSum', 'adam', 'momentum', 'sgd', 'rmsprop', 'im2col',
  'col2im', 'maxPoolForward', 'maxPoolBackward', 'setThreads', 'forceGeneric', 'info'] as const

/** A 2×2 product: a loaded binary must compute before it is trusted with a run. */
function smokeTest(a: NativeAddon): string | null {
  const A = Float32Array.from([1, 2, 3, 4])
  const B = Float32Array.from([5, 6, 7, 8])
  const C = new Float32Array(4)
  a.sgemm(false, true, 2, 2, 2, 1, A, 0, 2, B, 0, 2, 0, C, 0, 2)
  const want = [17, 23, 39, 53]
  return want.every((v, i) => C[i] === v) ? null : `sgemm self-check gave [${Array.from(C).join(', ')}]`
}

let cached: NativeLoad | null = null

/**
 * Loads the addon once per process (later calls return the same answer). Never throws: every
 * failure comes back as `{ ok: false, reason }`, naming the files tried.
 */
export function loadNativeAddon(): NativeLoad {
  if (cached) return cached
  cached = tryLoad()
  return cached
}

function tryLoad(): NativeLoad {
  const flag = process.env['STUDIO_NO_NATIVE']
  if (flag && flag !== '0' && flag !== 'false') return { ok: false, reason: 'disabled by STUDIO_NO_NATIVE', tried: [] }
  const cands = addonCandidates()
  const tried: string[] = []
  const errors: string[] = []
  for (const c of cands) {
    if (!existsSync(c.file)) { tried.push(c.file); continue }
    tried.push(c.file)
    try {
      const addon = nodeRequire(c.file) as Partial<NativeAddon>
      const missing = REQUIRED.filter((k) => typeof addon[k] !== 'function')
      if (missing.length > 0) { errors.push(`${c.file} lacks ${missing.join(', ')}`); continue }
      const full = addon as NativeAddon
      if (full.info().abi !== ADDON_ABI) { errors.push(`${c.file} is a different version (abi ${full.info().abi})`); continue }
      const bad = smokeTest(full)
      if (bad) { errors.push(`${c.file}: ${bad}`); continue }
      return { ok: true, addon: full, file: c.file, source: c.source }
    } catch (e) {
      errors.push(`${c.file}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`)
    }
  }
  const reason = errors.length > 0 ? errors.join('; ')
    : `no ${ADDON_FILE} for ${process.platform}-${process.arch} (not built at install: a C++ toolchain is needed, or no prebuild ships for this platform)`
  return { ok: false, reason, tried }
}

/** For tests only: forget the cached answer so the next load re-reads the environment. */
export function resetNativeAddonForTests(): void {
  cached = null
}
