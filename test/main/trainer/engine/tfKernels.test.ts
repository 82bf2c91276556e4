/**
 * The engine's TF.js kernel replacements against the backends' own kernels: every matmul and
 * convolution result (forward and both gradients) is computed first with the original kernels,
 * then again after installEngineKernels, on the cpu and the wasm backends. Also: the kernels wasm
 * lacks (depthwise gradients, UnsortedSegmentSum for Embedding) now run there.
 */
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import { beforeAll, describe, expect, it } from 'vitest'
import { wasmDistDir } from '../../../../main/trainer/backend'
import { chooseKernels, type KernelPreference } from '../../../../main/trainer/engine/kernels'
import { installEngineKernels } from '../../../../main/trainer/engine/tfKernels'
import { randomArray, relError } from './helpers'

interface Case { name: string; run: () => tf.Tensor | tf.Tensor[] }

function matmulCases(): Case[] {
  const cases: Case[] = []
  let seed = 1
  const t = (shape: number[]) => tf.tensor(randomArray(shape.reduce((a, b) => a * b, 1), seed++), shape)
  for (const [M, N, K] of [[1, 1, 1], [3, 5, 7], [17, 1, 31], [64, 10, 128], [131, 37, 257]] as const) {
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const a = t(tA ? [K, M] : [M, K])
      const b = t(tB ? [N, K] : [K, N])
      const bias = t([N])
      cases.push({ name: `matMul ${M}×${N}×${K} ${tA}/${tB}`, run: () => tf.matMul(a, b, tA, tB) })
      cases.push({
        name: `fused relu+bias ${M}×${N}×${K} ${tA}/${tB}`,
        run: () => tf.fused.matMul({ a, b, transposeA: tA, transposeB: tB, bias, activation: 'relu' })
      })
      // The gradients of a fused matmul are transposed matmuls: the path the issue is about.
      cases.push({
        name: `fused grads ${M}×${N}×${K} ${tA}/${tB}`,
        run: () => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.fused.matMul({ a: x, b: y, transposeA: tA, transposeB: tB, bias, activation: 'elu' }).sum())([a, b])
      })
    }
  }
  const a3 = t([4, 6, 5])
  const b3 = t([4, 5, 3])
  const b2 = t([1, 5, 3])
  const c3 = t([4, 3, 6])
  cases.push({ name: 'batched matMul', run: () => tf.matMul(a3, b3) })
  cases.push({ name: 'batched matMul, broadcast b', run: () => tf.matMul(a3, b2) })
  cases.push({ name: 'batched matMul transposed', run: () => tf.matMul(a3, c3, true, true) })
  return cases
}

function convCases(): Case[] {
  const cases: Case[] = []
  let seed = 500
  const t = (shape: number[]) => tf.tensor(randomArray(shape.reduce((a, b) => a * b, 1), seed++), shape)
  for (const [H, W, C, F, k, s, pad] of [[9, 9, 1, 4, 3, 1, 'valid'], [8, 7, 3, 5, 3, 2, 'same'], [13, 11, 2, 3, 2, 1, 'same'], [5, 5, 4, 2, 5, 1, 'valid']] as const) {
    const x = t([3, H, W, C])
    const w = t([k, k, C, F])
    cases.push({ name: `conv2d ${H}×${W}×${C}→${F} k${k} s${s} ${pad}`, run: () => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad) })
    cases.push({
      name: `conv2d grads ${H}×${W}×${C}→${F} k${k} s${s} ${pad}`,
      run: () => tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, s, pad).square().sum())([x, w])
    })
  }
  const xd = t([2, 7, 7, 3])
  const wd = t([3, 3, 3, 2])
  cases.push({
    name: 'depthwise conv grads',
    run: () => tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.depthwiseConv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 1, 'same').sum())([xd, wd])
  })
  const table = t([10, 4])
  cases.push({
    name: 'gather (embedding) grad',
    run: () => tf.grad((tb: tf.Tensor) => tf.gather(tb, tf.tensor1d([1, 3, 3, 9, 0], 'int32')).sum())(table)
  })
  return cases
}

function values(r: tf.Tensor | tf.Tensor[]): Float32Array[] {
  const list = Array.isArray(r) ? r : [r]
  const out = list.map((x) => x.dataSync() as Float32Array)
  tf.dispose(list)
  return out
}

/**
 * References come from the cpu backend's own kernels, computed before anything is replaced: it is
 * TF.js's reference implementation. (wasm's own _FusedMatMul gives wrong results with
 * transposeA in tfjs 4.22 — e.g. [[1,2],[3,4],[5,6]]ᵀ·I + bias — so it cannot serve as one.)
 */
let cases: Case[] = []
const refs = new Map<string, Float32Array[]>()

async function checkBackend(name: 'cpu' | 'wasm', prefer: KernelPreference = 'auto'): Promise<void> {
  await tf.setBackend(name)
  const installed = installEngineKernels(name, chooseKernels({ threads: 2, prefer }).kernels)
  expect(installed.map((k) => k.kernel)).toContain('_FusedMatMul')
  for (const c of cases) {
    const got = values(c.run())
    const want = refs.get(c.name)!
    expect(got.length, c.name).toBe(want.length)
    got.forEach((g, i) => expect(relError(g, want[i]!), `${name}/${prefer}: ${c.name} [${i}]`).toBeLessThan(1e-4))
  }
}

describe('engine kernels inside TF.js', () => {
  beforeAll(async () => {
    const dist = wasmDistDir()
    if (dist) setWasmPaths(dist + path.sep)
    await tf.setBackend('cpu')
    cases = [...matmulCases(), ...convCases()]
    for (const c of cases) refs.set(c.name, values(c.run()))
  })

  it('cpu backend: matmul, fused matmul and conv results and gradients match its own kernels', async () => {
    await checkBackend('cpu')
  })

  it('wasm backend: the same, and the kernels it lacked now run', async () => {
    await checkBackend('wasm')
    // An Embedding model trains on wasm (UnsortedSegmentSum in its gradient).
    const m = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 3 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] })
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' })
    const h = await m.fit(tf.tensor2d([[1, 2, 3], [4, 5, 19]]), tf.tensor2d([[0, 1], [1, 0]]), { epochs: 1, verbose: 0 })
    expect(Number.isFinite(h.history['loss']![0] as number)).toBe(true)
  })

  it('conv1d, separable, depthwise and transposed convolution models train on wasm and cpu', async () => {
    for (const be of ['wasm', 'cpu'] as const) {
      await tf.setBackend(be)
      installEngineKernels(be, chooseKernels({ threads: 2 }).kernels)
      const models = [
        tf.sequential({ layers: [tf.layers.conv1d({ inputShape: [12, 3], filters: 4, kernelSize: 3, activation: 'relu' }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] }),
        tf.sequential({ layers: [tf.layers.separableConv2d({ inputShape: [8, 8, 2], filters: 3, kernelSize: 3 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] }),
        tf.sequential({ layers: [tf.layers.depthwiseConv2d({ inputShape: [8, 8, 2], kernelSize: 3 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] }),
        tf.sequential({ layers: [tf.layers.conv2dTranspose({ inputShape: [5, 5, 2], filters: 3, kernelSize: 3, strides: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] })
      ]
      for (const m of models) {
        m.compile({ optimizer: 'adam', loss: 'meanSquaredError' })
        const inShape = m.inputs[0]!.shape.slice(1) as number[]
        const h = await m.fit(tf.randomUniform([4, ...inShape]), tf.randomUniform([4, 2]), { epochs: 2, verbose: 0 })
        expect(Number.isFinite(h.history['loss']![1] as number), `${be}: ${m.layers[0]!.getClassName()}`).toBe(true)
        m.dispose()
      }
    }
  })

  it('with the portable kernels (no addon) the replacements are right too, on both backends', async () => {
    await checkBackend('cpu', 'wasm-simd')
    await checkBackend('wasm', 'wasm-simd')
  })
})
