/**
 * Fills the gaps in a backend's training kernels before a run starts, so that every template the
 * studio offers can train on every backend. Today that is the convolution filter gradient
 * (missing on wasm, very slow on cpu); the native TensorFlow backend needs nothing.
 */
import * as tf from '@tensorflow/tfjs'
import { installConv2dBackpropFilter } from './conv2dBackpropFilter'

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
  installConv2dBackpropFilter(backendName)
  return ['Conv2DBackpropFilter']
}

/** Names from TEMPLATE_TRAINING_KERNELS that `backendName` still lacks (for diagnostics and tests). */
export function missingTrainingKernels(backendName: string): string[] {
  return TEMPLATE_TRAINING_KERNELS.filter((k) => tf.getKernel(k, backendName) === undefined)
}
