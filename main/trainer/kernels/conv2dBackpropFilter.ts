/**
 * A Conv2DBackpropFilter kernel built from a forward convolution, for backends that lack one
 * (wasm) or whose own is very slow (cpu). The filter gradient of y = conv(x, w) is itself a
 * convolution: dW[kh, kw, c, o] = Σ_b,i,j x[b, i·s + kh·d − pad, j·s + kw·d − pad, c] · dy[b, i, j, o].
 * Reading the batch axis as the channel axis, that is conv(x', dy') with
 *   x'  = x  transposed to [inC, H, W, batch]      (inC plays the batch)
 *   dy' = dy transposed to [outH, outW, batch, outC] (the "filter")
 *   strides := the forward dilations, dilations := the forward strides, same explicit padding,
 * whose output [inC, ≥kh, ≥kw, outC] is sliced to [inC, kh, kw, outC] and transposed to
 * [kh, kw, inC, outC]. The forward Conv2D of wasm runs on XNNPACK, so this is fast there.
 *
 * The kernel calls the backend's own Transpose / Conv2D / Slice kernels directly (not tf ops), so it
 * never touches the engine's tape or scopes, and frees its intermediates itself.
 */
import * as tf from '@tensorflow/tfjs'

type TensorInfo = tf.TensorInfo
type Backend = tf.KernelBackend & { disposeData(dataId: object, force?: boolean): boolean }
type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]]

interface BackpropFilterAttrs {
  strides: number | [number, number]
  pad: 'valid' | 'same' | number | ExplicitPad
  dataFormat?: 'NHWC' | 'NCHW'
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
  filterShape: [number, number, number, number]
  dilations?: number | [number, number]
}

function runKernel(backendName: string, backend: Backend, name: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>): TensorInfo {
  const kernel = tf.getKernel(name, backendName)
  if (!kernel) throw new Error(`Conv2DBackpropFilter fallback needs kernel '${name}' on backend '${backendName}'`)
  const out = kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap })
  return Array.isArray(out) ? out[0]! : out
}

function pair(v: number | [number, number] | undefined): [number, number] {
  if (v === undefined) return [1, 1]
  return typeof v === 'number' ? [v, v] : v
}

/**
 * The kernel function for `backendName`. Exported for tests; use installConv2dBackpropFilter to
 * register it.
 */
export function makeConv2dBackpropFilter(backendName: string): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo }
    const a = attrs as unknown as BackpropFilterAttrs
    const be = backend as Backend
    if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter fallback supports channels-last (NHWC) data only')
    const [kh, kw, inC, outC] = a.filterShape
    const strides = pair(a.strides)
    const dilations = pair(a.dilations)
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], a.filterShape, strides, dilations, a.pad, a.dimRoundingMode, false, 'channelsLast')
    const { top, bottom, left, right } = info.padInfo
    const temps: TensorInfo[] = []
    try {
      const xT = runKernel(backendName, be, 'Transpose', { x }, { perm: [3, 1, 2, 0] })
      temps.push(xT)
      const dyT = runKernel(backendName, be, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] })
      temps.push(dyT)
      const conv = runKernel(backendName, be, 'Conv2D', { x: xT, filter: dyT }, {
        strides: dilations,
        dilations: strides,
        pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
        dataFormat: 'NHWC',
        dimRoundingMode: undefined
      })
      temps.push(conv)
      let cut = conv
      if (conv.shape[1] !== kh || conv.shape[2] !== kw) {
        cut = runKernel(backendName, be, 'Slice', { x: conv }, { begin: [0, 0, 0, 0], size: [inC, kh, kw, outC] })
        temps.push(cut)
      }
      return runKernel(backendName, be, 'Transpose', { x: cut }, { perm: [1, 2, 0, 3] })
    } finally {
      for (const t of temps) be.disposeData(t.dataId)
    }
  }
}

/**
 * Registers the forward-convolution Conv2DBackpropFilter for `backendName`, replacing the
 * backend's own kernel when it has one (the cpu one is orders of magnitude slower). Called once at
 * trainer start, after the backend package is loaded. Idempotent. Returns whether it replaced an
 * existing kernel.
 */
export function installConv2dBackpropFilter(backendName: string): boolean {
  const existing = tf.getKernel('Conv2DBackpropFilter', backendName)
  if (existing && (existing as { studioFallback?: boolean }).studioFallback) return false
  if (existing) tf.unregisterKernel('Conv2DBackpropFilter', backendName)
  const config: tf.KernelConfig & { studioFallback: boolean } = {
    kernelName: 'Conv2DBackpropFilter',
    backendName,
    kernelFunc: makeConv2dBackpropFilter(backendName),
    studioFallback: true
  }
  tf.registerKernel(config)
  return existing !== undefined
}
