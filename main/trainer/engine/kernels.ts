/**
 * Picks the engine's kernel set for this process, fastest first:
 *   1. native    — the Node-API addon (AVX2/FMA or generic C++, multi-threaded), see native/loader.ts;
 *   2. wasm-simd — the TypeScript kernels with a WebAssembly SIMD sgemm (the "portable path":
 *                  what runs where the addon is missing, failed to load, or STUDIO_NO_NATIVE=1);
 *   3. portable  — plain TypeScript (always there; the reference the others are tested against).
 * and decides how many threads it may use. Called once per trainer process; the answer is cached.
 *
 * Threads: the run's setting (RunConfig.threads), capped by STUDIO_TRAINER_THREADS (the trainer
 * host sets it to cores ÷ live trainers, see trainerHost.ts and threads.ts) and by the cores; so
 * N trainers × their threads stays ≤ cores.
 */
import { loadNativeAddon, type NativeAddon } from '../native/loader'
import type { Kernels } from './kernelTypes'
import { portableKernels } from './portableKernels'
import { coreCount, THREADS_ENV } from './threads'
import { createWasmKernels } from './wasmKernels'

/** Which kernels run, and why not a faster one: goes into BackendInfo and the run record. */
export interface KernelChoice {
  kernels: Kernels
  /** Why the native addon is not used (absent when it is). */
  nativeUnavailable?: string
  /** Where the addon was loaded from (absent when not native). */
  nativeFile?: string
}

export { coreCount, threadsForConcurrency } from './threads'

/**
 * Thread count for this process: the run's setting (`requested`) capped by the budget the host
 * gave this trainer (STUDIO_TRAINER_THREADS: its share of the cores when several trainers run) and
 * by the cores; all cores within the budget when the run does not say.
 */
export function resolveThreads(requested?: number): number {
  const cores = coreCount()
  const env = Number(process.env[THREADS_ENV])
  const budget = Number.isInteger(env) && env > 0 ? Math.min(env, cores) : cores
  const want = requested !== undefined && requested > 0 ? Math.floor(requested) : budget
  return Math.max(1, Math.min(want, budget))
}

function wrapNative(addon: NativeAddon): Kernels {
  let threads = addon.info().threads
  const k: Kernels = {
    name: 'native',
    get isa() { return addon.info().isa },
    get threads() { return threads },
    setThreads(n: number) { threads = addon.setThreads(n); return threads },
    alloc: (n) => new Float32Array(n),
    sgemm: addon.sgemm,
    biasAct: addon.biasAct,
    actBackward: addon.actBackward,
    colSum: addon.colSum,
    adam: addon.adam,
    momentum: addon.momentum,
    sgd: addon.sgd,
    rmsprop: addon.rmsprop,
    im2col: addon.im2col,
    col2im: addon.col2im,
    maxPoolForward: addon.maxPoolForward,
    maxPoolBackward: (dy, argmax, dx, pooled) => addon.maxPoolBackward(dy, argmax, dx, pooled ?? null)
  }
  return k
}

/** Which kernel set to use: the best available, or one named (tests, benchmarks). */
export type KernelPreference = 'auto' | 'native' | 'wasm-simd' | 'portable'

const cache = new Map<KernelPreference, KernelChoice>()
let wasm: ReturnType<typeof createWasmKernels> | null = null

function portableChoice(nativeUnavailable: string): KernelChoice {
  wasm ??= createWasmKernels()
  return wasm.ok
    ? { kernels: wasm.kernels, nativeUnavailable }
    : { kernels: portableKernels, nativeUnavailable: `${nativeUnavailable}; ${wasm.reason}` }
}

/**
 * The kernel set for this process (cached per preference), with its thread count set from
 * resolveThreads(threads). 'native' falls back like 'auto' when the addon cannot load (the reason
 * is in nativeUnavailable). Never throws.
 */
export function chooseKernels(opts: { threads?: number; prefer?: KernelPreference } = {}): KernelChoice {
  const pref = opts.prefer ?? 'auto'
  let c = cache.get(pref)
  if (!c) {
    if (pref === 'portable') {
      c = { kernels: portableKernels, nativeUnavailable: 'TypeScript kernels requested' }
    } else if (pref === 'wasm-simd') {
      c = portableChoice('WebAssembly kernels requested')
    } else {
      const load = loadNativeAddon()
      c = load.ok ? { kernels: wrapNative(load.addon), nativeFile: load.file } : portableChoice(load.reason)
    }
    cache.set(pref, c)
  }
  c.kernels.setThreads(resolveThreads(opts.threads))
  return c
}

/**
 * The host changed this trainer's share of the cores (a ThreadsMessage): record it as the budget
 * (STUDIO_TRAINER_THREADS) and apply it to every kernel set already chosen, keeping the run's own
 * setting `requested` as the upper bound. Returns the threads asked for (`threads`) and the most
 * threads any chosen kernel set used before and uses now (0 when none is chosen yet; single-thread
 * kernels stay at 1).
 */
export function applyThreadBudget(budget: number, requested?: number): { threads: number; before: number; after: number } {
  const used = (): number => Math.max(0, ...[...cache.values()].map((c) => c.kernels.threads))
  const before = used()
  process.env[THREADS_ENV] = String(Math.max(1, Math.floor(budget)))
  const n = resolveThreads(requested)
  for (const c of cache.values()) c.kernels.setThreads(n)
  return { threads: n, before, after: used() }
}

/** For tests: forget the cached choice. */
export function resetKernelChoiceForTests(): void {
  cache.clear()
  wasm = null
}

/** One line for the UI and the run record, e.g. "studio engine: native sgemm (avx2-fma), 2 threads". */
export function describeKernels(k: Kernels): string {
  const what = k.name === 'native' ? `native kernels (${k.isa})` : k.name === 'wasm-simd' ? 'WebAssembly SIMD kernels' : 'portable JavaScript kernels'
  return `studio engine, ${what}, ${k.threads} thread${k.threads === 1 ? '' : 's'}`
}
