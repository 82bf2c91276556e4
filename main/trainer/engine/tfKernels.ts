/**
 * Makes the plain TF.js path (model.fit on the wasm or cpu backend) fast and complete, for the
 * models the studio engine does not take itself:
 *
 * - BatchMatMul and _FusedMatMul run on the engine's sgemm in every transpose combination (the
 *   wasm backend runs transposed products in a scalar loop at ~1 GFLOP/s; the cpu backend runs
 *   all of them in JavaScript). Bias and activation are fused into the same pass.
 * - Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter run as im2col + sgemm (the cpu backend's
 *   filter gradient trains a small CNN at ~4 samples/s).
 * - Kernels the wasm backend lacks (depthwise convolution gradients, UnsortedSegmentSum for
 *   Embedding, Conv3D gradients…) are borrowed from the cpu backend: inputs copied out of the wasm
 *   heap, the cpu kernel run, the result copied back — slow but never "kernel not registered".
 *
 * Each replacement keeps the original kernel and hands anything it does not cover (other dtypes,
 * unusual broadcasting, NCHW, prelu) back to it. Installing is idempotent.
 */
import * as tf from '@tensorflow/tfjs'
import { ACT, convGeom, type Kernels } from './kernelTypes'

type TensorInfo = tf.TensorInfo
type KernelFunc = tf.KernelFunc

/** Data access for the two JS-visible backends. */
interface Access {
  read(t: TensorInfo): Float32Array | null
  /** Allocates an output and returns it with a writable view (valid until the next allocation). */
  output(shape: number[]): { info: TensorInfo; data: Float32Array }
}

function accessFor(backendName: string, backend: unknown): Access | null {
  if (backendName === 'cpu') {
    const be = backend as { data: { get(id: object): { values?: unknown } }; makeTensorInfo(s: number[], d: 'float32', v: Float32Array): TensorInfo }
    return {
      read: (t) => {
        if (t.dtype !== 'float32') return null
        const v = be.data.get(t.dataId).values
        return v instanceof Float32Array ? v : null
      },
      output: (shape) => {
        const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
        return { info: be.makeTensorInfo(shape, 'float32', data), data }
      }
    }
  }
  if (backendName === 'wasm') {
    const be = backend as { typedArrayFromHeap(t: TensorInfo): unknown; makeOutput(s: number[], d: 'float32'): TensorInfo }
    return {
      read: (t) => {
        if (t.dtype !== 'float32') return null
        const v = be.typedArrayFromHeap(t)
        return v instanceof Float32Array ? v : null
      },
      output: (shape) => {
        const info = be.makeOutput(shape, 'float32')
        return { info, data: be.typedArrayFromHeap(info) as Float32Array }
      }
    }
  }
  return null
}

const FUSED_ACT: Record<string, number> = {
  linear: ACT.linear, relu: ACT.relu, relu6: ACT.relu6, elu: ACT.elu, sigmoid: ACT.sigmoid, leakyrelu: ACT.leakyrelu
}

/**
 * A BatchMatMul / _FusedMatMul kernel on `kernels.sgemm`, or the original for what it does not
 * cover. `onlyTransposed`: leave untransposed products to the original (wasm's XNNPACK is faster
 * than a single-threaded portable sgemm there).
 */
function makeMatMul(backendName: string, kernels: Kernels, original: KernelFunc, fused: boolean, onlyTransposed: boolean): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args
    const a = inputs['a'] as TensorInfo
    const b = inputs['b'] as TensorInfo
    const tA = attrs?.['transposeA'] === true
    const tB = attrs?.['transposeB'] === true
    if (onlyTransposed && !tA && !tB) return original(args)
    const bias = inputs['bias'] as TensorInfo | undefined
    const act = fused ? FUSED_ACT[String(attrs?.['activation'] ?? 'linear')] : ACT.linear
    if (act === undefined || inputs['preluActivationWeights'] || a.shape.length < 2 || b.shape.length < 2) return original(args)
    const M = tA ? a.shape[a.shape.length - 1]! : a.shape[a.shape.length - 2]!
    const K = tA ? a.shape[a.shape.length - 2]! : a.shape[a.shape.length - 1]!
    const K2 = tB ? b.shape[b.shape.length - 1]! : b.shape[b.shape.length - 2]!
    const N = tB ? b.shape[b.shape.length - 2]! : b.shape[b.shape.length - 1]!
    if (K !== K2) return original(args)
    const outerA = a.shape.slice(0, -2)
    const outerB = b.shape.slice(0, -2)
    const batchA = outerA.reduce((x, y) => x * y, 1)
    const batchB = outerB.reduce((x, y) => x * y, 1)
    // Broadcasting only where one side has a single matrix; other patterns go to the original.
    let outer: number[]
    if (batchA === batchB && outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i])) outer = outerA
    else if (batchA === 1) outer = outerB
    else if (batchB === 1) outer = outerA
    else return original(args)
    if (outerA.length > outer.length || outerB.length > outer.length) return original(args)
    const batch = Math.max(batchA, batchB)
    const N1 = bias ? bias.shape.reduce((x, y) => x * y, 1) : 0
    if (bias && !(N1 === N || N1 === 1)) return original(args)
    const io = accessFor(backendName, backend)
    if (!io) return original(args)
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || (bias && bias.dtype !== 'float32')) return original(args)
    const out = io.output([...outer, M, N])
    // Views after the allocation: a wasm heap growth detaches older ones.
    const A = io.read(a)
    const B = io.read(b)
    const biasData = bias ? io.read(bias) : null
    if (!A || !B || (bias && !biasData)) {
      (backend as { disposeData(id: object): void }).disposeData(out.info.dataId)
      return original(args)
    }
    const C = out.data
    for (let i = 0; i < batch; i++) {
      kernels.sgemm(tA, tB, M, N, K, 1, A, batchA === 1 ? 0 : i * M * K, tA ? M : K, B, batchB === 1 ? 0 : i * K * N, tB ? K : N,
        0, C, i * M * N, N)
    }
    if (biasData || act !== ACT.linear) {
      let full: Float32Array | null = null
      if (biasData && N1 === 1) { full = new Float32Array(N).fill(biasData[0]!) }
      kernels.biasAct(C, full ?? biasData, batch * M, N, act, Number(attrs?.['leakyreluAlpha'] ?? 0.2))
    }
    return out.info
  }
}

interface ConvAttrs {
  strides: number | [number, number]
  pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]]
  dataFormat?: 'NHWC' | 'NCHW'
  dilations?: number | [number, number]
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
  filterShape?: [number, number, number, number]
  inputShape?: [number, number, number, number]
}

function conv2dInfo(xShape: number[], filterShape: number[], a: ConvAttrs): tf.backend_util.Conv2DInfo {
  const pair = (v: number | [number, number] | undefined): [number, number] => v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : v
  return tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number],
    pair(a.strides), pair(a.dilations), a.pad, a.dimRoundingMode, false, 'channelsLast')
}

function geomOf(info: tf.backend_util.Conv2DInfo) {
  return convGeom({ batch: info.batchSize, inH: info.inHeight, inW: info.inWidth, inC: info.inChannels, kH: info.filterHeight,
    kW: info.filterWidth, strideH: info.strideHeight, strideW: info.strideWidth, dilH: info.dilationHeight, dilW: info.dilationWidth,
    padTop: info.padInfo.top, padLeft: info.padInfo.left, outH: info.outHeight, outW: info.outWidth })
}

let colsScratch: Float32Array = new Float32Array(0)
function scratch(n: number): Float32Array {
  if (colsScratch.length < n) colsScratch = new Float32Array(n)
  return colsScratch
}

/** Conv2D / Conv2DBackpropInput / Conv2DBackpropFilter as im2col + sgemm (NHWC, groups of 1). */
function makeConv(kind: 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter', backendName: string, kernels: Kernels, original: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend } = args
    const a = args.attrs as unknown as ConvAttrs
    if (a.dataFormat === 'NCHW') return original(args)
    const io = accessFor(backendName, backend)
    if (!io) return original(args)
    // Every input must be a plain float32 buffer (checked before allocating the output).
    if (Object.values(inputs).some((t) => t && io.read(t as TensorInfo) === null)) return original(args)
    if (kind === 'Conv2D') {
      const x = inputs['x'] as TensorInfo
      const f = inputs['filter'] as TensorInfo
      if (x.dtype !== 'float32' || f.dtype !== 'float32') return original(args)
      const info = conv2dInfo(x.shape, f.shape, a)
      const g = geomOf(info)
      const rows = info.batchSize * info.outHeight * info.outWidth
      const patch = info.filterHeight * info.filterWidth * info.inChannels
      const out = io.output([info.batchSize, info.outHeight, info.outWidth, info.outChannels])
      const X = io.read(x)!
      const F = io.read(f)!
      const cols = scratch(rows * patch)
      kernels.im2col(X, g, cols)
      kernels.sgemm(false, false, rows, info.outChannels, patch, 1, cols, 0, patch, F, 0, info.outChannels, 0, out.data, 0, info.outChannels)
      return out.info
    }
    if (kind === 'Conv2DBackpropFilter') {
      const x = inputs['x'] as TensorInfo
      const dy = inputs['dy'] as TensorInfo
      if (x.dtype !== 'float32' || dy.dtype !== 'float32' || !a.filterShape) return original(args)
      const info = conv2dInfo(x.shape, a.filterShape, a)
      const g = geomOf(info)
      const rows = info.batchSize * info.outHeight * info.outWidth
      const patch = info.filterHeight * info.filterWidth * info.inChannels
      const out = io.output(a.filterShape.slice())
      const X = io.read(x)!
      const DY = io.read(dy)!
      const cols = scratch(rows * patch)
      kernels.im2col(X, g, cols)
      kernels.sgemm(true, false, patch, info.outChannels, rows, 1, cols, 0, patch, DY, 0, info.outChannels, 0, out.data, 0, info.outChannels)
      return out.info
    }
    const dy = inputs['dy'] as TensorInfo
    const f = inputs['filter'] as TensorInfo
    if (dy.dtype !== 'float32' || f.dtype !== 'float32' || !a.inputShape) return original(args)
    const info = conv2dInfo(a.inputShape, f.shape, a)
    const g = geomOf(info)
    const rows = info.batchSize * info.outHeight * info.outWidth
    const patch = info.filterHeight * info.filterWidth * info.inChannels
    const out = io.output(a.inputShape.slice())
    const DY = io.read(dy)!
    const F = io.read(f)!
    const cols = scratch(rows * patch)
    kernels.sgemm(false, true, rows, patch, info.outChannels, 1, DY, 0, info.outChannels, F, 0, info.outChannels, 0, cols, 0, patch)
    kernels.col2im(cols, g, out.data)
    return out.info
  }
}

/** Runs the cpu backend's kernel `name` on a wasm backend's tensors (copy out, run, copy back). */
function borrowFromCpu(name: string): KernelFunc | null {
  const cpuKernel = tf.getKernel(name, 'cpu')
  if (!cpuKernel) return null
  return ({ inputs, backend, attrs }) => {
    const cpu = tf.findBackend('cpu') as unknown as {
      makeTensorInfo(s: number[], d: tf.DataType, v: unknown): TensorInfo
      data: { get(id: object): { values: unknown } }
      disposeData(id: object): void
    } | null
    if (!cpu) throw new Error(`kernel ${name} needs the cpu backend to borrow from`)
    const wasm = backend as { typedArrayFromHeap(t: TensorInfo): ArrayLike<number>; makeOutput(s: number[], d: tf.DataType): TensorInfo }
    const cpuInputs: Record<string, TensorInfo> = {}
    const made: TensorInfo[] = []
    try {
      for (const [k, t] of Object.entries(inputs)) {
        if (!t) continue
        const ti = t as TensorInfo
        const copy = cpu.makeTensorInfo(ti.shape, ti.dtype, (wasm.typedArrayFromHeap(ti) as unknown as { slice(): unknown }).slice())
        made.push(copy)
        cpuInputs[k] = copy
      }
      const res = cpuKernel.kernelFunc({ inputs: cpuInputs, backend: cpu as unknown as tf.KernelBackend, attrs })
      const outs = Array.isArray(res) ? res : [res]
      made.push(...outs)
      const wasmOuts = outs.map((o) => {
        const w = wasm.makeOutput(o.shape, o.dtype)
        const dst = wasm.typedArrayFromHeap(w) as unknown as { set(v: ArrayLike<number>): void }
        dst.set(cpu.data.get(o.dataId).values as ArrayLike<number>)
        return w
      })
      return Array.isArray(res) ? wasmOuts : wasmOuts[0]!
    } finally {
      for (const t of made) cpu.disposeData(t.dataId)
    }
  }
}

/** Training kernels some models need that tfjs-backend-wasm 4.22 does not have. */
export const WASM_BORROWED_KERNELS = [
  'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum',
  'Conv3DBackpropFilterV2', 'Conv3DBackpropInputV2', 'MaxPool3DGrad', 'AvgPool3DGrad', 'Conv2DBackpropFilter'
] as const

type Installed = { kernel: string; how: 'sgemm' | 'im2col' | 'borrowed-from-cpu' }

const installedFor = new Map<string, Installed[]>()

function replace(name: string, backendName: string, make: (original: KernelFunc) => KernelFunc, allowMissing = false): boolean {
  const existing = tf.getKernel(name, backendName)
  if (!existing && !allowMissing) return false
  const missing: KernelFunc = () => { throw new Error(`Kernel '${name}' not registered for backend '${backendName}' (and the studio engine's cannot run these arguments)`) }
  const marked = existing as (tf.KernelConfig & { studioEngine?: boolean; studioOriginal?: KernelFunc }) | undefined
  const original = !marked ? missing : marked.studioEngine && marked.studioOriginal ? marked.studioOriginal : marked.kernelFunc
  if (existing) tf.unregisterKernel(name, backendName)
  const config: tf.KernelConfig & { studioEngine: boolean; studioOriginal: KernelFunc } = {
    kernelName: name, backendName, kernelFunc: make(original), studioEngine: true, studioOriginal: original
  }
  tf.registerKernel(config)
  return true
}

/**
 * Installs the engine's kernels into the TF.js backend `backendName` ('cpu' or 'wasm'; others are
 * left alone) and returns what it installed. With the native kernels every matmul and conv goes
 * through them; with the portable ones, on wasm only transposed fused matmuls (XNNPACK and the
 * trainer's own kernels do the rest faster), on cpu all of them. Call after the backend is registered and after
 * kernels/trainingKernels (this replaces its Conv2DBackpropFilter where it does better).
 */
export function installEngineKernels(backendName: string, kernels: Kernels): Installed[] {
  if (backendName !== 'cpu' && backendName !== 'wasm') return []
  const out: Installed[] = []
  const native = kernels.name === 'native'
  // Without the addon, wasm keeps its matmuls: XNNPACK (with the trainer's transpose-first kernel
  // for transposed products, kernels/batchMatMulNoTranspose.ts) beats a one-thread portable sgemm.
  // _FusedMatMul still needs ours for transposeA (wasm's own gives wrong results there).
  const onlyTransposed = backendName === 'wasm' && !native
  if (native || backendName === 'cpu') {
    if (replace('BatchMatMul', backendName, (o) => makeMatMul(backendName, kernels, o, false, false))) out.push({ kernel: 'BatchMatMul', how: 'sgemm' })
  }
  if (replace('_FusedMatMul', backendName, (o) => makeMatMul(backendName, kernels, o, true, onlyTransposed))) out.push({ kernel: '_FusedMatMul', how: 'sgemm' })
  if (backendName === 'wasm') {
    for (const name of WASM_BORROWED_KERNELS) {
      if (tf.getKernel(name, 'wasm')) continue
      const k = borrowFromCpu(name)
      if (!k) continue
      tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: k })
      out.push({ kernel: name, how: 'borrowed-from-cpu' })
    }
  }
  // im2col convolutions: everywhere with native kernels; on cpu also with portable ones (its own
  // are far slower); wasm's XNNPACK forward convolution beats the portable im2col.
  if (native || backendName === 'cpu') {
    for (const kind of ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'] as const) {
      if (replace(kind, backendName, (o) => makeConv(kind, backendName, kernels, o), true)) out.push({ kernel: kind, how: 'im2col' })
    }
  }
  installedFor.set(backendName, out)
  return out
}

/** What installEngineKernels put into `backendName` (empty when nothing). */
export function engineKernelsInstalled(backendName: string): Installed[] {
  return installedFor.get(backendName) ?? []
}
