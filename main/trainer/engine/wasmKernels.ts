/**
 * The portable path's fast kernels: the TypeScript kernel set with its sgemm replaced by a
 * WebAssembly SIMD128 build (native/wasm/sgemm_wasm.c, embedded as base64). Runs wherever the
 * native addon does not — no compiler, no prebuild, no file lookup — at ~4–5× the speed of the
 * TypeScript sgemm. One thread (wasm threads need SharedArrayBuffer workers; not worth it here).
 *
 * Operands stay ordinary Float32Arrays owned by the engine: each sgemm copies the parts of A, B
 * (and C when accumulating) it reads into the module's memory and copies C back. The copies are
 * O(M·K + K·N + M·N) against O(M·N·K) multiply-adds, a few percent at the engine's shapes, and
 * they keep the module's memory private: it may grow without detaching anyone's views.
 */
import type { Kernels } from './kernelTypes'
import { portableKernels } from './portableKernels'
import { WASM_SGEMM_BASE64 } from './wasmKernelsBinary'

interface SgemmExports {
  memory: WebAssembly.Memory
  __heap_base: WebAssembly.Global
  workSize(N: number, K: number): number
  sgemm(tA: number, tB: number, M: number, N: number, K: number, alpha: number, A: number, lda: number,
    B: number, ldb: number, overwrite: number, C: number, ldc: number, work: number): void
  adam(w: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, eps: number,
    oneMinusAccBeta1: number, oneMinusAccBeta2: number): void
}

/** Span of an operand with `rows` rows of `cols` used values and row stride `ld`. */
function span(rows: number, cols: number, ld: number): number {
  return rows <= 0 || cols <= 0 ? 0 : (rows - 1) * ld + cols
}

/**
 * Instantiates the module (synchronously: it is ~15 KB) and returns the kernel set, or the
 * reason it cannot run here (no WebAssembly SIMD). Never throws.
 */
export function createWasmKernels(): { ok: true; kernels: Kernels } | { ok: false; reason: string } {
  let ex: SgemmExports
  try {
    const bytes = Buffer.from(WASM_SGEMM_BASE64, 'base64')
    const mod = new WebAssembly.Module(bytes)
    ex = new WebAssembly.Instance(mod, {}).exports as unknown as SgemmExports
  } catch (e) {
    return { ok: false, reason: `WebAssembly SIMD is not available (${e instanceof Error ? e.message : String(e)})` }
  }
  const heapBase = (Number(ex.__heap_base.value) + 63) & ~63
  let view = new Float32Array(ex.memory.buffer)

  /** Makes sure `floats` floats fit after the heap base; refreshes the view if memory grew. */
  const reserve = (floats: number): void => {
    const need = heapBase + floats * 4
    const have = ex.memory.buffer.byteLength
    if (need > have) ex.memory.grow(Math.ceil((need - have) / 65536))
    if (view.buffer !== ex.memory.buffer) view = new Float32Array(ex.memory.buffer)
  }

  const sgemm: Kernels['sgemm'] = (tA, tB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc) => {
    if (M <= 0 || N <= 0) return
    if (beta !== 0 && beta !== 1) {
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) C[cOff + i * ldc + j]! *= beta
    }
    const la = span(tA ? K : M, tA ? M : K, lda)
    const lb = span(tB ? N : K, tB ? K : N, ldb)
    const lc = span(M, N, ldc)
    // Layout: [A | B | C | packing], each 16-float aligned.
    const al = (n: number): number => (n + 15) & ~15
    const pA = 0
    const pB = pA + al(la)
    const pC = pB + al(lb)
    const pW = pC + al(lc)
    reserve(pW + ex.workSize(N, K))
    const base = heapBase >> 2
    view.set(A.subarray(aOff, aOff + la), base + pA)
    view.set(B.subarray(bOff, bOff + lb), base + pB)
    const overwrite = beta === 0
    if (!overwrite) view.set(C.subarray(cOff, cOff + lc), base + pC)
    ex.sgemm(tA ? 1 : 0, tB ? 1 : 0, M, N, K, alpha, heapBase + pA * 4, lda, heapBase + pB * 4, ldb, overwrite ? 1 : 0,
      heapBase + pC * 4, ldc, heapBase + pW * 4)
    if (ldc === N) {
      C.set(view.subarray(base + pC, base + pC + lc), cOff)
    } else {
      for (let i = 0; i < M; i++) C.set(view.subarray(base + pC + i * ldc, base + pC + i * ldc + N), cOff + i * ldc)
    }
  }

  // Adam in wasm even with the copies in and out: 7 passes of memcpy cost far less than the
  // scalar float64 sqrt/div loop in JavaScript (~1 ms vs ~8 ms for 235k parameters).
  const adam: Kernels['adam'] = (w, g, m, v, lr, b1, b2, eps, o1, o2) => {
    const n = w.length
    const al = (k: number): number => (k + 3) & ~3
    const pw = 0, pg = al(n), pm = 2 * al(n), pv = 3 * al(n)
    reserve(4 * al(n))
    const base = heapBase >> 2
    view.set(w, base + pw)
    view.set(g.subarray(0, n), base + pg)
    view.set(m.subarray(0, n), base + pm)
    view.set(v.subarray(0, n), base + pv)
    ex.adam(heapBase + pw * 4, heapBase + pg * 4, heapBase + pm * 4, heapBase + pv * 4, n, lr, b1, b2, eps, o1, o2)
    w.set(view.subarray(base + pw, base + pw + n))
    m.set(view.subarray(base + pm, base + pm + n))
    v.set(view.subarray(base + pv, base + pv + n))
  }

  // Self-check on a small product before it is trusted with a run.
  const Cs = new Float32Array(4)
  sgemm(false, true, 2, 2, 2, 1, Float32Array.from([1, 2, 3, 4]), 0, 2, Float32Array.from([5, 6, 7, 8]), 0, 2, 0, Cs, 0, 2)
  if (Cs[0] !== 17 || Cs[1] !== 23 || Cs[2] !== 39 || Cs[3] !== 53) {
    return { ok: false, reason: `the WebAssembly sgemm failed its self-check ([${Array.from(Cs).join(', ')}])` }
  }
  return { ok: true, kernels: { ...portableKernels, name: 'wasm-simd', isa: 'wasm-simd128', threads: 1, sgemm, adam } }
}
