/**
 * Picks the TF.js backend for a trainer process, best first, and describes it as BackendInfo:
 *   1. tensorflow-gpu — @tensorflow/tfjs-node-gpu, when it installed and a CUDA GPU answers;
 *   2. tensorflow     — @tensorflow/tfjs-node (libtensorflow on the CPU);
 *   3. wasm           — @tensorflow/tfjs-backend-wasm (XNNPACK, one thread in Node);
 *   4. cpu            — plain JavaScript.
 * The native packages are optional dependencies whose install fails without internet, so they are
 * loaded only here, with createRequire inside try/catch, never imported statically, and only one
 * of them per process (both register a backend named 'tensorflow').
 *
 * This module imports no TF.js at load time: main imports `probeBackend` at start-up without
 * paying for TF.js. `selectBackend` loads it on demand (trainer process only).
 */
import { existsSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { BackendInfo, BackendName, BackendPreference } from '../../preload/contract/types'

// Not named `require`: the built main bundle already declares one and would crash at load.
const nodeRequire = createRequire(import.meta.url)

const GPU_PKG = '@tensorflow/tfjs-node-gpu'
const NODE_PKG = '@tensorflow/tfjs-node'
const WASM_PKG = '@tensorflow/tfjs-backend-wasm'

/** How to get each native backend, said once so the UI, the CLI and errors say the same thing. */
export const INSTALL_HINTS = {
  'tensorflow-gpu': `run \`npm install ${GPU_PKG}\` on Linux x64 or Windows x64 with an NVIDIA GPU (driver ≥ 450), CUDA 11.2 and cuDNN 8.1 — the versions libtensorflow 2.9 in tfjs-node-gpu 4.22 is built for`,
  tensorflow: `run \`npm install ${NODE_PKG}\` where it can download libtensorflow (internet access, Linux/macOS/Windows x64 or macOS arm64)`
} as const

const DEVICE: Record<BackendName, string> = {
  'tensorflow-gpu': 'CUDA GPU (libtensorflow)',
  tensorflow: 'CPU (libtensorflow, multi-threaded)',
  wasm: 'WebAssembly (XNNPACK), 1 thread',
  cpu: 'CPU, plain JavaScript (slowest)'
}

/** Where a package is installed, or null; resolves the package.json so no code is loaded. */
function packageDir(pkg: string): string | null {
  try {
    return path.dirname(nodeRequire.resolve(`${pkg}/package.json`))
  } catch {
    return null
  }
}

/** A native tfjs-node package is usable only with its compiled binding (lib/napi-v*∕tfjs_binding.node). */
function hasNativeBinding(pkg: string): boolean {
  const dir = packageDir(pkg)
  if (!dir) return false
  const lib = path.join(dir, 'lib')
  try {
    return readdirSync(lib).some((d) => d.startsWith('napi-v') && existsSync(path.join(lib, d, 'tfjs_binding.node')))
  } catch {
    return false
  }
}

/** The folder with the wasm backend's .wasm files, unpacked from app.asar when packaged. */
export function wasmDistDir(): string | null {
  const dir = packageDir(WASM_PKG)
  if (!dir) return null
  const dist = path.join(dir, 'dist')
  const unpacked = dist.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`)
  return existsSync(unpacked) ? unpacked : dist
}

/**
 * A sentence saying how to get a faster backend than `name`, or null when there is nothing faster
 * to get on this machine's CPU: a CUDA GPU, or (`nativeEngine`) the studio's native kernels, which
 * train the models they support on wasm/cpu as fast as libtensorflow would (issue 6), so telling
 * people to install tfjs-node "for much faster training" would mislead. Shown in the UI next to
 * the backend badge and on the home page.
 */
export function fasterBackendHint(name: BackendName, opts: { nativeEngine?: boolean } = {}): string | null {
  switch (name) {
    case 'tensorflow-gpu': return null
    case 'tensorflow': return `For GPU training, ${INSTALL_HINTS['tensorflow-gpu']}.`
    case 'wasm':
    case 'cpu':
      if (opts.nativeEngine) return null
      return `For much faster training, ${INSTALL_HINTS.tensorflow}; with an NVIDIA GPU, ${INSTALL_HINTS['tensorflow-gpu']}.`
  }
}

function order(pref: BackendPreference): BackendName[] {
  const all: BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']
  if (pref === 'auto') return all
  return [pref, ...all.slice(all.indexOf(pref) + 1)]
}

/** One reason a faster backend was not used: the English sentence plus a code and values for the UI's language. */
interface Reason { text: string; code: string; params: Record<string, string> }
const reason = (text: string, code: string, params: Record<string, string> = {}): Reason => ({ text, code, params })

function reasonMissing(name: BackendName): Reason {
  switch (name) {
    case 'tensorflow-gpu': return reason(`${GPU_PKG} is not installed: ${INSTALL_HINTS['tensorflow-gpu']}`, 'gpuMissing', { pkg: GPU_PKG })
    case 'tensorflow': return reason(`${NODE_PKG} is not installed: ${INSTALL_HINTS.tensorflow}`, 'nodeMissing', { pkg: NODE_PKG })
    case 'wasm': return reason(`${WASM_PKG} is not installed (reinstall the studio)`, 'wasmMissing', { pkg: WASM_PKG })
    case 'cpu': return reason('the cpu backend is not available', 'cpuMissing')
  }
}

/** The "how to go faster" hint as a reason (null when there is nothing faster to get). */
function hintReason(name: BackendName): Reason | null {
  const text = fasterBackendHint(name)
  if (!text) return null
  return reason(text, name === 'tensorflow' ? 'hintGpu' : 'hintNode', { nodePkg: NODE_PKG, gpuPkg: GPU_PKG })
}

/**
 * Says which backend a run with preference `pref` would get, without loading TF.js or any native
 * code: it only checks which packages are installed (with their native binding). Called by main
 * once at start-up for the UI; cheap (a few file-system lookups). Whether the GPU really answers
 * is only known when a trainer loads the package, so a 'tensorflow-gpu' answer here is "installed".
 */
export function probeBackend(pref: BackendPreference = 'auto'): BackendInfo {
  const reasons: Reason[] = []
  for (const name of order(pref)) {
    const ok = name === 'tensorflow-gpu' ? hasNativeBinding(GPU_PKG)
      // Only one of the two native packages may be loaded; with the GPU build present the
      // trainer uses it, so the CPU package alone counts here.
      : name === 'tensorflow' ? hasNativeBinding(NODE_PKG) || (pref === 'tensorflow' && hasNativeBinding(GPU_PKG))
        : name === 'wasm' ? wasmDistDir() !== null
          : true
    if (ok) return describe(name, reasons, pref)
    reasons.push(reasonMissing(name))
  }
  return describe('cpu', reasons, pref)
}

function describe(name: BackendName, reasons: Reason[], pref: BackendPreference, device?: string): BackendInfo {
  const info: BackendInfo = { name, device: device ?? DEVICE[name] }
  const parts = [...reasons]
  if (pref === 'auto' && (name === 'wasm' || name === 'cpu') && parts.length === 0) {
    const hint = hintReason(name)
    if (hint) parts.push(hint)
  }
  setReasons(info, parts)
  return info
}

function setReasons(info: BackendInfo, parts: Reason[]): void {
  if (parts.length === 0) return
  info.fallbackReason = parts.map((p) => p.text).join('; ')
  info.fallbackReasons = parts.map((p) => ({ code: p.code, params: p.params }))
}

type Tf = typeof import('@tensorflow/tfjs')

interface LoadResult { ok: boolean; reason?: Reason; device?: string }

let nativeLoaded: typeof GPU_PKG | typeof NODE_PKG | null = null

function loadNative(pkg: typeof GPU_PKG | typeof NODE_PKG): LoadResult {
  if (nativeLoaded !== null) {
    // The other native package is already in this process; loading a second would clash.
    return nativeLoaded === pkg ? { ok: true } : { ok: false, reason: reason(`${nativeLoaded} is already loaded in this process`, 'alreadyLoaded', { pkg: nativeLoaded }) }
  }
  if (!packageDir(pkg)) return { ok: false, reason: reasonMissing(pkg === GPU_PKG ? 'tensorflow-gpu' : 'tensorflow') }
  try {
    nodeRequire(pkg)
    nativeLoaded = pkg
    return { ok: true }
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e)
    const hint = pkg === GPU_PKG ? INSTALL_HINTS['tensorflow-gpu'] : INSTALL_HINTS.tensorflow
    return { ok: false, reason: reason(`${pkg} is installed but failed to load (${msg}); ${hint}`, pkg === GPU_PKG ? 'gpuLoadFailed' : 'nodeLoadFailed', { pkg, detail: msg ?? '' }) }
  }
}

async function tryBackend(tf: Tf, name: BackendName): Promise<LoadResult> {
  switch (name) {
    case 'tensorflow-gpu': {
      const r = loadNative(GPU_PKG)
      if (!r.ok) return r
      if (!(await tf.setBackend('tensorflow'))) return { ok: false, reason: reason(`${GPU_PKG} loaded but its backend did not initialise`, 'notInitialised', { pkg: GPU_PKG }) }
      const usingGpu = (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true
      if (!usingGpu) return { ok: false, reason: reason(`${GPU_PKG} is installed but no CUDA GPU answered (check the NVIDIA driver ≥ 450, CUDA 11.2 and cuDNN 8.1 on the library path)`, 'noCudaGpu', { pkg: GPU_PKG }) }
      return { ok: true }
    }
    case 'tensorflow': {
      // With the GPU build already loaded (no GPU answered), it still runs libtensorflow on the CPU.
      const r = nativeLoaded === GPU_PKG ? { ok: true } : loadNative(NODE_PKG)
      if (!r.ok) return r
      if (!(await tf.setBackend('tensorflow'))) return { ok: false, reason: reason(`${NODE_PKG} loaded but its backend did not initialise`, 'notInitialised', { pkg: NODE_PKG }) }
      return { ok: true }
    }
    case 'wasm': {
      const dist = wasmDistDir()
      if (!dist) return { ok: false, reason: reasonMissing('wasm') }
      try {
        const wasm = await import('@tensorflow/tfjs-backend-wasm')
        wasm.setWasmPaths(dist + path.sep)
        if (!(await tf.setBackend('wasm'))) return { ok: false, reason: reason('the wasm backend did not initialise', 'notInitialised', { pkg: WASM_PKG }) }
        return { ok: true }
      } catch (e) {
        return { ok: false, reason: reason(`the wasm backend failed to load (${e instanceof Error ? e.message : String(e)})`, 'wasmFailed', { detail: e instanceof Error ? e.message : String(e) }) }
      }
    }
    case 'cpu':
      return (await tf.setBackend('cpu')) ? { ok: true } : { ok: false, reason: reason('the cpu backend did not initialise', 'notInitialised', { pkg: 'cpu' }) }
  }
}

/**
 * Loads and activates the best available backend for `pref` in this process and installs the
 * training kernels it lacks (see kernels/trainingKernels.ts). Called once at trainer start (calling
 * again is cheap and returns the same choice). 'auto' takes the best available; a named backend
 * that is unavailable falls back down the list and says why in fallbackReason, together with how
 * to get a faster backend when the result is wasm or cpu. Never throws for a missing package: the
 * cpu backend is always there.
 */
export async function selectBackend(pref: BackendPreference = 'auto'): Promise<BackendInfo> {
  const tf = await import('@tensorflow/tfjs')
  const reasons: Reason[] = []
  for (const name of order(pref)) {
    const r = await tryBackend(tf, name)
    if (r.ok) {
      // Loaded on demand like TF.js itself, so that importing this module stays cheap for main.
      const { installTrainingKernels } = await import('./kernels/trainingKernels')
      installTrainingKernels(tf.getBackend())
      const info = describe(name, reasons, pref, r.device)
      if ((name === 'wasm' || name === 'cpu') && pref !== 'auto' && pref === name) {
        // Chosen on purpose: still say how to go faster, but not as a "fallback".
        return info
      }
      if ((name === 'wasm' || name === 'cpu') && reasons.length > 0) {
        const hint = hintReason(name)
        if (hint && !reasons.some((x) => x.text.includes('npm install'))) setReasons(info, [...reasons, hint])
      }
      return info
    }
    reasons.push(r.reason ?? reason(`${name} is not available`, 'unavailable', { name }))
  }
  throw new Error(`no TF.js backend could be initialised: ${reasons.map((x) => x.text).join('; ')}`)
}
