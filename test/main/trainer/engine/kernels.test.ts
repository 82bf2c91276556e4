/**
 * Every kernel set (native AVX2/FMA, native generic, WebAssembly SIMD, TypeScript) against
 * references: sgemm against float64 and against TF.js's own matMul on random shapes with edge
 * sizes (1, odd, primes, non-multiples of the 6×16 / 4×8 / 4×4 tiles and of the 256 k-block) in
 * all four transpose combinations; the fused ops against the TypeScript kernels.
 */
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chooseKernels } from '../../../../main/trainer/engine/kernels'
import { ACT, convGeom, type Kernels } from '../../../../main/trainer/engine/kernelTypes'
import { portableKernels } from '../../../../main/trainer/engine/portableKernels'
import { createWasmKernels } from '../../../../main/trainer/engine/wasmKernels'
import { loadNativeAddon } from '../../../../main/trainer/native/loader'
import { randomArray, relError, sgemmRef } from './helpers'

const native = loadNativeAddon()
const wasm = createWasmKernels()

/** The kernel sets to check; the native generic path is the same addon with the AVX2 kernel off. */
const sets: { label: string; get: () => Kernels; before?: () => void; after?: () => void }[] = [
  { label: 'portable (TypeScript)', get: () => portableKernels },
  { label: 'wasm-simd', get: () => (wasm.ok ? wasm.kernels : portableKernels) }
]
if (native.ok) {
  sets.push({ label: `native (${native.addon.info().isa})`, get: () => chooseKernels({ prefer: 'native', threads: 1 }).kernels })
  sets.push({ label: 'native, 2 threads', get: () => chooseKernels({ prefer: 'native', threads: 2 }).kernels })
  sets.push({
    label: 'native generic',
    get: () => chooseKernels({ prefer: 'native', threads: 1 }).kernels,
    before: () => native.addon.forceGeneric(true),
    after: () => native.addon.forceGeneric(false)
  })
}

// Edge sizes around every blocking factor in use: tiles 4/6/8/16, k-blocks of 256, M-blocks 96/128.
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 3], [5, 1, 2], [2, 3, 1], [6, 16, 8], [7, 17, 13], [13, 31, 97], [97, 13, 5],
  [64, 48, 257], [101, 33, 255], [128, 10, 128], [127, 129, 31], [193, 47, 513],
  // Long reductions with small outputs: the K-split threading path (conv weight gradients).
  [20, 30, 7001], [7, 61, 9001]
]
const FLAGS: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]]

describe('the kernel sets load', () => {
  it('the WebAssembly kernels instantiate here', () => {
    expect(wasm.ok, wasm.ok ? '' : wasm.reason).toBe(true)
  })
  it.skipIf(!native.ok)('the native addon loads and reports its instruction set', () => {
    if (!native.ok) return
    const info = native.addon.info()
    expect(['avx2-fma', 'generic']).toContain(info.isa)
  })
})

for (const set of sets) {
  describe(`sgemm: ${set.label}`, () => {
    beforeAll(() => set.before?.())
    afterAll(() => set.after?.())

    it('matches float64 within 1e-4 relative on edge shapes in all transpose combinations', () => {
      const k = set.get()
      let seed = 1
      for (const [M, N, K] of SHAPES) {
        for (const [tA, tB] of FLAGS) {
          const A = randomArray(M * K, seed++)
          const B = randomArray(K * N, seed++)
          const C = new Float32Array(M * N).fill(Number.NaN) // beta 0 must ignore what C held
          k.sgemm(tA, tB, M, N, K, 1, A, 0, tA ? M : K, B, 0, tB ? K : N, 0, C, 0, N)
          const err = relError(C, sgemmRef(tA, tB, M, N, K, 1, A, B, 0, C))
          expect(err, `${M}×${N}×${K} tA=${tA} tB=${tB}`).toBeLessThan(1e-4)
        }
      }
    })

    it('accumulates (beta 1, alpha ≠ 1) and honours offsets and leading dimensions', () => {
      const k = set.get()
      const [M, N, K] = [11, 19, 23]
      for (const [tA, tB] of FLAGS) {
        const lda = (tA ? M : K) + 3
        const ldb = (tB ? K : N) + 5
        const ldc = N + 2
        const A = randomArray(7 + (tA ? K : M) * lda, 11)
        const B = randomArray(9 + (tB ? N : K) * ldb, 12)
        const C = randomArray(4 + M * ldc, 13)
        const C0 = C.slice()
        k.sgemm(tA, tB, M, N, K, 0.5, A, 7, lda, B, 9, ldb, 1, C, 4, ldc)
        // Dense copies for the reference.
        const Ad = new Float32Array(M * K)
        const Bd = new Float32Array(K * N)
        const Cd = new Float32Array(M * N)
        const rA = tA ? K : M, cA = tA ? M : K, rB = tB ? N : K, cB = tB ? K : N
        for (let r = 0; r < rA; r++) for (let c = 0; c < cA; c++) Ad[r * cA + c] = A[7 + r * lda + c]!
        for (let r = 0; r < rB; r++) for (let c = 0; c < cB; c++) Bd[r * cB + c] = B[9 + r * ldb + c]!
        for (let r = 0; r < M; r++) for (let c = 0; c < N; c++) Cd[r * N + c] = C0[4 + r * ldc + c]!
        const want = sgemmRef(tA, tB, M, N, K, 0.5, Ad, Bd, 1, Cd)
        const got = new Float32Array(M * N)
        for (let r = 0; r < M; r++) for (let c = 0; c < N; c++) got[r * N + c] = C[4 + r * ldc + c]!
        expect(relError(got, want), `tA=${tA} tB=${tB}`).toBeLessThan(1e-4)
        // Padding between rows is untouched.
        for (let r = 0; r < M; r++) for (let c = N; c < ldc && 4 + r * ldc + c < C.length; c++) expect(C[4 + r * ldc + c]).toBe(C0[4 + r * ldc + c])
      }
    })
  })
}

describe('sgemm against TF.js matMul (cpu backend reference)', () => {
  beforeAll(async () => { await tf.setBackend('cpu') })
  it('agrees within 1e-4 relative for random shapes and all transpose flags, in every kernel set', () => {
    const r = (n: number) => 1 + ((n * 2654435761) >>> 0) % 150
    let seed = 100
    for (let trial = 0; trial < 12; trial++) {
      const [M, N, K] = [r(trial * 3 + 1), r(trial * 3 + 2), r(trial * 3 + 3)]
      for (const [tA, tB] of FLAGS) {
        const A = randomArray(M * K, seed++)
        const B = randomArray(K * N, seed++)
        const want = tf.tidy(() => tf.matMul(tf.tensor2d(A, tA ? [K, M] : [M, K]), tf.tensor2d(B, tB ? [N, K] : [K, N]), tA, tB).dataSync())
        for (const set of sets) {
          set.before?.()
          const C = new Float32Array(M * N)
          set.get().sgemm(tA, tB, M, N, K, 1, A, 0, tA ? M : K, B, 0, tB ? K : N, 0, C, 0, N)
          set.after?.()
          expect(relError(C, want), `${set.label} ${M}×${N}×${K} tA=${tA} tB=${tB}`).toBeLessThan(1e-4)
        }
      }
    }
  })
})

describe('WebAssembly kernels beyond sgemm', () => {
  it('adam matches the TypeScript update (odd length: SIMD body and scalar tail)', () => {
    if (!wasm.ok) return
    const n = 1003
    const g = randomArray(n, 4)
    const make = () => [randomArray(n, 1), randomArray(n, 2).map(Math.abs), randomArray(n, 3).map(Math.abs)] as [Float32Array, Float32Array, Float32Array]
    const [w1, m1, v1] = make()
    const [w2, m2, v2] = make()
    wasm.kernels.adam(w1, g, m1, v1, 0.01, 0.9, 0.999, 1e-7, 0.1, 0.001)
    portableKernels.adam(w2, g, m2, v2, 0.01, 0.9, 0.999, 1e-7, 0.1, 0.001)
    expect(relError(w1, w2)).toBeLessThan(1e-6)
    expect(relError(m1, m2)).toBeLessThan(1e-6)
    expect(relError(v1, v2)).toBeLessThan(1e-6)
  })
})

describe.skipIf(!native.ok)('native fused ops agree with the TypeScript kernels', () => {
  const nk = () => chooseKernels({ prefer: 'native', threads: 2 }).kernels
  const pk = portableKernels

  it('biasAct and actBackward for every activation', () => {
    for (const act of Object.values(ACT)) {
      const rows = 37, cols = 29
      const y1 = randomArray(rows * cols, 5 + act)
      const y2 = y1.slice()
      const bias = randomArray(cols, 7)
      nk().biasAct(y1, bias, rows, cols, act, 0.2)
      pk.biasAct(y2, bias, rows, cols, act, 0.2)
      expect(relError(y1, y2), `act ${act}`).toBeLessThan(1e-5)
      const dy = randomArray(rows * cols, 9)
      const d1 = new Float32Array(rows * cols)
      const d2 = new Float32Array(rows * cols)
      nk().actBackward(dy, y1, d1, rows * cols, act, 0.2)
      pk.actBackward(dy, y2, d2, rows * cols, act, 0.2)
      expect(relError(d1, d2), `act' ${act}`).toBeLessThan(1e-5)
    }
  })

  it('colSum and the optimizer updates', () => {
    const dy = randomArray(50 * 13, 3)
    const a = new Float32Array(13), b = new Float32Array(13)
    nk().colSum(dy, 50, 13, a); pk.colSum(dy, 50, 13, b)
    expect(relError(a, b)).toBeLessThan(1e-5)
    const n = 1001
    const g = randomArray(n, 4)
    const fresh = () => [randomArray(n, 1), randomArray(n, 2).map(Math.abs), randomArray(n, 3).map(Math.abs)] as Float32Array[]
    const [w1, m1, v1] = fresh() as [Float32Array, Float32Array, Float32Array]
    const [w2, m2, v2] = fresh() as [Float32Array, Float32Array, Float32Array]
    nk().adam(w1, g, m1, v1, 0.01, 0.9, 0.999, 1e-7, 0.1, 0.001)
    pk.adam(w2, g, m2, v2, 0.01, 0.9, 0.999, 1e-7, 0.1, 0.001)
    expect(relError(w1, w2)).toBeLessThan(1e-5)
    expect(relError(v1, v2)).toBeLessThan(1e-5)
    for (const nesterov of [false, true]) {
      const [x1, acc1] = fresh() as [Float32Array, Float32Array]
      const [x2, acc2] = fresh() as [Float32Array, Float32Array]
      nk().momentum(x1, g, acc1, 0.1, 0.9, nesterov); pk.momentum(x2, g, acc2, 0.1, 0.9, nesterov)
      expect(relError(x1, x2)).toBeLessThan(1e-5)
    }
    const [r1, s1, o1] = fresh() as [Float32Array, Float32Array, Float32Array]
    const [r2, s2, o2] = fresh() as [Float32Array, Float32Array, Float32Array]
    nk().rmsprop(r1, g, s1, o1, 0.01, 0.9, 0.5, 1e-7); pk.rmsprop(r2, g, s2, o2, 0.01, 0.9, 0.5, 1e-7)
    expect(relError(r1, r2)).toBeLessThan(1e-5)
    const [q1] = fresh() as [Float32Array]; const [q2] = fresh() as [Float32Array]
    nk().sgd(q1, g, 0.3); pk.sgd(q2, g, 0.3)
    expect(relError(q1, q2)).toBeLessThan(1e-6)
  })

  it('im2col, col2im and max pooling, with padding, strides and dilation', () => {
    for (const [H, W, C, KH, KW, S, D, PT, PL] of [[7, 9, 3, 3, 3, 1, 1, 1, 1], [11, 5, 2, 2, 3, 2, 1, 0, 1], [8, 8, 1, 3, 3, 1, 2, 2, 2], [5, 6, 4, 2, 2, 2, 1, 0, 0]] as const) {
      const B = 3
      const effH = (KH - 1) * D + 1, effW = (KW - 1) * D + 1
      const OH = Math.floor((H + 2 * PT - effH) / S) + 1, OW = Math.floor((W + 2 * PL - effW) / S) + 1
      const g = convGeom({ batch: B, inH: H, inW: W, inC: C, kH: KH, kW: KW, strideH: S, strideW: S, dilH: D, dilW: D, padTop: PT, padLeft: PL, outH: OH, outW: OW })
      const x = randomArray(B * H * W * C, H * 31 + W)
      const n = B * OH * OW * KH * KW * C
      const c1 = new Float32Array(n), c2 = new Float32Array(n)
      nk().im2col(x, g, c1); pk.im2col(x, g, c2)
      expect(Array.from(c1)).toEqual(Array.from(c2))
      const d1 = new Float32Array(x.length), d2 = new Float32Array(x.length)
      nk().col2im(c1, g, d1); pk.col2im(c2, g, d2)
      expect(relError(d1, d2)).toBeLessThan(1e-6)
      const p = B * OH * OW * C
      const y1 = new Float32Array(p), y2 = new Float32Array(p), a1 = new Int32Array(p), a2 = new Int32Array(p)
      nk().maxPoolForward(x, g, y1, a1); pk.maxPoolForward(x, g, y2, a2)
      expect(Array.from(y1)).toEqual(Array.from(y2))
      expect(Array.from(a1)).toEqual(Array.from(a2))
      const dy = randomArray(p, 77)
      nk().maxPoolBackward(dy, a1, d1); pk.maxPoolBackward(dy, a2, d2)
      expect(relError(d1, d2)).toBeLessThan(1e-6)
      // Fused with relu's gradient (given the pool's output): positions whose input is ≤ 0 pass nothing.
      nk().maxPoolBackward(dy, a1, d1, y1); pk.maxPoolBackward(dy, a2, d2, y2)
      expect(relError(d1, d2)).toBeLessThan(1e-6)
      for (let i = 0; i < x.length; i++) if (x[i]! <= 0) expect(d1[i]).toBe(0)
    }
  })

  it('rejects buffers too small for the sizes it is told (RangeError, no memory corruption)', () => {
    const small = new Float32Array(4)
    expect(() => nk().sgemm(false, false, 3, 3, 3, 1, small, 0, 3, small, 0, 3, 0, small, 0, 3)).toThrow(RangeError)
    expect(() => nk().adam(new Float32Array(8), small, small, small, 1, 0.9, 0.999, 1e-7, 0.1, 0.001)).toThrow(RangeError)
  })
})
