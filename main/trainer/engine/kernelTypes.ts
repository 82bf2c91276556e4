/**
 * The kernel set the fast engine runs on. Three implementations share this shape: the native
 * Node-API addon (native/src), the WebAssembly SIMD build of the same C code, and plain TypeScript
 * (portableKernels.ts). All tensors are dense row-major Float32Arrays; convolution data is NHWC.
 */

/** Activation codes shared with native/src/kernels.h (enum Act). */
export const ACT = { linear: 0, relu: 1, sigmoid: 2, tanh: 3, relu6: 4, elu: 5, leakyrelu: 6 } as const
export type ActCode = (typeof ACT)[keyof typeof ACT]

/**
 * Geometry of a 2-D window op as 14 int32 values, in native Conv2DGeom's field order:
 * batch, inH, inW, inC, kH, kW, strideH, strideW, dilH, dilW, padTop, padLeft, outH, outW.
 */
export type ConvGeom = Int32Array

/** Builds a ConvGeom. */
export function convGeom(g: {
  batch: number; inH: number; inW: number; inC: number; kH: number; kW: number; strideH: number; strideW: number
  dilH: number; dilW: number; padTop: number; padLeft: number; outH: number; outW: number
}): ConvGeom {
  return Int32Array.from([g.batch, g.inH, g.inW, g.inC, g.kH, g.kW, g.strideH, g.strideW, g.dilH, g.dilW,
    g.padTop, g.padLeft, g.outH, g.outW])
}

/** Which implementation a kernel set is. */
export type KernelsName = 'native' | 'wasm-simd' | 'portable'

/** One implementation of the engine's kernels. Methods never allocate per call (except grow-once scratch). */
export interface Kernels {
  readonly name: KernelsName
  /** Instruction set in use: 'avx2-fma', 'generic', 'wasm-simd128', 'javascript'. */
  readonly isa: string
  /** Threads large kernels use now. */
  readonly threads: number
  /** Sets the thread count (clamped to what the implementation supports); returns the count in force. */
  setThreads(n: number): number
  /** A zeroed buffer the kernels can work on (the wasm build needs its buffers in its own memory). */
  alloc(n: number): Float32Array
  /**
   * C[M,N] = alpha·op(A)·op(B) + beta·C. op(A) is A[M,K] at aOff with row stride lda, or with tA
   * A[K,M] read transposed; likewise B. beta 0 overwrites C.
   */
  sgemm(tA: boolean, tB: boolean, M: number, N: number, K: number, alpha: number,
    A: Float32Array, aOff: number, lda: number, B: Float32Array, bOff: number, ldb: number,
    beta: number, C: Float32Array, cOff: number, ldc: number): void
  /** y = act(y + bias) per row, in place. */
  biasAct(y: Float32Array, bias: Float32Array | null, rows: number, cols: number, act: number, alpha: number): void
  /** dx = dy ⊙ act'(y) through the activation's output y (dx may be dy). */
  actBackward(dy: Float32Array, y: Float32Array, dx: Float32Array, n: number, act: number, alpha: number): void
  /** out[c] = Σ_r dy[r, c]. */
  colSum(dy: Float32Array, rows: number, cols: number, out: Float32Array): void
  /** tf.train.adam's update for one variable (all of w). */
  adam(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, lr: number, beta1: number, beta2: number,
    eps: number, oneMinusAccBeta1: number, oneMinusAccBeta2: number): void
  /** tf.train.momentum's update. */
  momentum(w: Float32Array, g: Float32Array, accum: Float32Array, lr: number, momentum: number, nesterov: boolean): void
  /** tf.train.sgd's update. */
  sgd(w: Float32Array, g: Float32Array, lr: number): void
  /** tf.train.rmsprop's (uncentered) update. */
  rmsprop(w: Float32Array, g: Float32Array, ms: Float32Array, mom: Float32Array, lr: number, decay: number,
    momentum: number, eps: number): void
  /** Unfolds NHWC windows into rows of (kh, kw, c). */
  im2col(x: Float32Array, g: ConvGeom, cols: Float32Array): void
  /** Folds rows back, summing overlaps; dx overwritten. */
  col2im(cols: Float32Array, g: ConvGeom, dx: Float32Array): void
  /** Max pool with the flat input index of each max. */
  maxPoolForward(x: Float32Array, g: ConvGeom, y: Float32Array, argmax: Int32Array): void
  /**
   * dx (overwritten) = scatter of dy through argmax. With `pooled` (the pool's output, when its
   * input came out of a relu) relu's gradient is applied in the same pass: windows whose max is
   * ≤ 0 pass nothing.
   */
  maxPoolBackward(dy: Float32Array, argmax: Int32Array, dx: Float32Array, pooled?: Float32Array | null): void
}
