/**
 * Fills the gaps in a backend's training kernels before a run starts, so that every template the
 * studio offers can train on every backend, and train fast: the convolution filter gradient
 * (missing on wasm, very slow on cpu) and, on wasm, matrix products with a transposed operand
 * (a slow path there; they are most of a dense layer's backward pass) and the convolution input
 * gradient (a plain loop there). The native TensorFlow backend needs nothing.
 * (wasm's MaxPoolGrad is a loop too, ≈25% of a CNN step; rebuilt from vectorised kernels it was
 * slower still, because broadcasting binary ops and rank-6 transposes are slow paths on wasm.)
 */
import * as tf from '@tensorflow/tfjs'
import { installBatchMatMulNoTranspose } from './batchMatMulNoTranspose'
import { installConv2dBackpropFilter } from './conv2dBackpropFilter'
import { installConv2dBackpropInput } from './conv2dBackpropInput'

/** Kernels the studio's templates need when training (forward + backward). */
export const TEMPLATE_TRAINING_KERNELS = [
  'Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'MaxPool', 'MaxPoolGrad', 'Relu', 'Step',
  '_FusedMatMul', 'BatchMatMul', 'Softmax', 'Reshape', 'Transpose', 'Sum', 'Multiply', 'Sub', 'Add'
] as const

/**
 * Installs our kernels for `backendName` ('wasm' and 'cpu'; others are left alone) and returns the
 * names of the kernels that were added or replaced. Called once per process at trainer start.
 */
export function installTrainingKernels(backendName: string): string[] {
  if (backendName !== 'wasm' && backendName !== 'cpu') return []
  const changed = ['Conv2DBackpropFilter']
  installConv2dBackpropFilter(backendName)
  if (backendName === 'wasm') {
    installBatchMatMulNoTranspose(backendName)
    installConv2dBackpropInput(backendName)
    changed.push('BatchMatMul', 'Conv2DBackpropInput')
  }
  return changed
}

/** Names from TEMPLATE_TRAINING_KERNELS that `backendName` still lacks (for diagnostics and tests). */
export function missingTrainingKernels(backendName: string): string[] {
  return TEMPLATE_TRAINING_KERNELS.filter((k) => tf.getKernel(k, backendName) === undefined)
}
