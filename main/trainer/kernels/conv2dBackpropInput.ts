/**
 * A faster Conv2DBackpropInput for the wasm backend. Its own kernel is a plain loop (≈8× slower
 * than its XNNPACK forward Conv2D) and was the largest cost of a CNN training step. For stride 1
 * (what the studio's templates use) the input gradient is a forward convolution of dy with the
 * filter rotated by 180° and its channel axes swapped:
 *   dx[b, h, w, c] = Σ_p,q,o dy[b, h + p − (kh−1−padTop), w + q − (kw−1−padLeft), o] · W[kh−1−p, kw−1−q, c, o]
 * i.e. conv(dy, reverse(W, [0, 1]) transposed to [kh, kw, outC, inC]) with explicit padding
 * (kh−1−padTop, …). Strided (or otherwise unusual) cases go to the backend's own kernel.
 */
import * as tf from '@tensorflow/tfjs'

type TensorInfo = tf.TensorInfo
type Backend = tf.KernelBackend & { disposeData(dataId: object, force?: boolean): boolean }

const MARK = 'studioForwardConv'

interface BackpropInputAttrs {
  strides: number | [number, number]
  pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]]
  dataFormat?: 'NHWC' | 'NCHW'
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
  inputShape: [number, number, number, number]
}

function call(name: string, backendName: string, inputs: Record<string, TensorInfo>, backend: Backend, attrs: Record<string, unknown>): TensorInfo {
  const k = tf.getKernel(name, backendName)
  if (!k) throw new Error(`Conv2DBackpropInput: kernel '${name}' missing on '${backendName}'`)
  const out = k.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap })
  return Array.isArray(out) ? out[0]! : out
}

/**
 * Replaces `backendName`'s Conv2DBackpropInput with the forward-convolution version for stride 1,
 * keeping the original for every other case. Called once at trainer start for 'wasm'. Idempotent;
 * returns whether it installed now.
 */
export function installConv2dBackpropInput(backendName: string): boolean {
  const original = tf.getKernel('Conv2DBackpropInput', backendName) as (tf.KernelConfig & { [MARK]?: boolean }) | undefined
  if (!original || original[MARK]) return false
  const fallback = original.kernelFunc
  const kernelFunc: tf.KernelFunc = (args) => {
    const a = args.attrs as unknown as BackpropInputAttrs
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo }
    const strides = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides
    if (strides[0] !== 1 || strides[1] !== 1 || a.dataFormat === 'NCHW') return fallback(args)
    const [kh, kw] = filter.shape as [number, number, number, number]
    const [, H, W] = a.inputShape
    const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as [number, number, number, number], 1, 1, a.pad, a.dimRoundingMode, false, 'channelsLast')
    const top = kh - 1 - info.padInfo.top
    const left = kw - 1 - info.padInfo.left
    const bottom = H - dy.shape[1]! + kh - 1 - top
    const right = W - dy.shape[2]! + kw - 1 - left
    if (top < 0 || left < 0 || bottom < 0 || right < 0) return fallback(args)
    const backend = args.backend as Backend
    const temps: TensorInfo[] = []
    try {
      const flipped = call('Reverse', backendName, { x: filter }, backend, { dims: [0, 1] })
      temps.push(flipped)
      const swapped = call('Transpose', backendName, { x: flipped }, backend, { perm: [0, 1, 3, 2] })
      temps.push(swapped)
      return call('Conv2D', backendName, { x: dy, filter: swapped }, backend, {
        strides: [1, 1], dilations: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC', dimRoundingMode: undefined
      })
    } finally {
      for (const t of temps) backend.disposeData(t.dataId)
    }
  }
  tf.unregisterKernel('Conv2DBackpropInput', backendName)
  const config: tf.KernelConfig & { [MARK]: boolean } = { ...original, kernelFunc, [MARK]: true }
  tf.registerKernel(config)
  return true
}
