/**
 * A faster BatchMatMul for the wasm backend when an operand is transposed. The wasm backend sends
 * only the plain case (no transpose) to XNNPACK; with transposeA or transposeB it falls back to a
 * naive loop that is 6–8× slower. Backpropagation through a dense layer is exactly those cases
 * (dW = xᵀ·dy, dx = dy·Wᵀ), so on an MLP they took ~80% of each training step.
 * This kernel transposes the operand explicitly (XNNPACK transpose: cheap, O(size)) and calls the
 * backend's own kernel with both flags off. Same results, up to float summation order.
 */
import * as tf from '@tensorflow/tfjs'

type TensorInfo = tf.TensorInfo
type Backend = tf.KernelBackend & { disposeData(dataId: object, force?: boolean): boolean }

/** Marker on our kernel config so that installing twice does not wrap the wrapper. */
const MARK = 'studioNoTranspose'

function swapLast2Perm(rank: number): number[] {
  const perm = [...Array(rank).keys()]
  perm[rank - 1] = rank - 2
  perm[rank - 2] = rank - 1
  return perm
}

/**
 * Replaces `backendName`'s BatchMatMul with a wrapper that materialises transposed operands and
 * calls the original kernel untransposed. Called once at trainer start for 'wasm' (after the
 * backend package is loaded, before training). Idempotent; returns whether it installed now.
 */
export function installBatchMatMulNoTranspose(backendName: string): boolean {
  const original = tf.getKernel('BatchMatMul', backendName) as (tf.KernelConfig & { [MARK]?: boolean }) | undefined
  const transpose = tf.getKernel('Transpose', backendName)
  if (!original || !transpose || original[MARK]) return false
  const inner = original.kernelFunc
  const kernelFunc: tf.KernelFunc = (args) => {
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean }
    if (!attrs.transposeA && !attrs.transposeB) return inner(args)
    const backend = args.backend as Backend
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo }
    const temps: TensorInfo[] = []
    const t = (x: TensorInfo): TensorInfo => {
      const out = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm: swapLast2Perm(x.shape.length) } }) as TensorInfo
      temps.push(out)
      return out
    }
    try {
      return inner({
        inputs: { a: attrs.transposeA ? t(a) : a, b: attrs.transposeB ? t(b) : b },
        backend,
        attrs: { ...args.attrs, transposeA: false, transposeB: false }
      })
    } finally {
      for (const x of temps) backend.disposeData(x.dataId)
    }
  }
  tf.unregisterKernel('BatchMatMul', backendName)
  const config: tf.KernelConfig & { [MARK]: boolean } = { ...original, kernelFunc, [MARK]: true }
  tf.registerKernel(config)
  return true
}
