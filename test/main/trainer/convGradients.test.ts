import { describe, expect, it, beforeAll } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import { selectBackend } from '../../../main/trainer/backend'
import { installConv2dBackpropFilter } from '../../../main/trainer/kernels/conv2dBackpropFilter'
import { installConv2dBackpropInput } from '../../../main/trainer/kernels/conv2dBackpropInput'
import { missingTrainingKernels } from '../../../main/trainer/kernels/trainingKernels'
import { createRng } from '../../../main/datasets/seededRandom'

interface Case { b: number; h: number; w: number; c: number; kh: number; kw: number; o: number; s: number; pad: 'valid' | 'same' }

/** Reference dW from the backend's own gradient path, computed with tf.grad on `backend`. */
async function filterGrad(backend: string, k: Case, xv: Float32Array, wv: Float32Array, dyScale: Float32Array | null): Promise<{ dw: Float32Array; yShape: number[] }> {
  await tf.setBackend(backend)
  return tf.tidy(() => {
    const x = tf.tensor4d(xv, [k.b, k.h, k.w, k.c])
    const w = tf.tensor4d(wv, [k.kh, k.kw, k.c, k.o])
    const y = tf.conv2d(x, w, k.s, k.pad)
    // A non-uniform upstream gradient (weights per output element) so that every dy entry matters.
    const g = dyScale ? tf.tensor(dyScale, y.shape) : tf.onesLike(y)
    const dw = tf.grad((ww: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, ww as tf.Tensor4D, k.s, k.pad), g)))(w)
    return { dw: dw.dataSync() as Float32Array, yShape: y.shape }
  })
}

function rand(n: number, rng: () => number): Float32Array {
  const a = new Float32Array(n)
  for (let i = 0; i < n; i++) a[i] = rng() * 2 - 1
  return a
}

function relErr(a: Float32Array, b: Float32Array): number {
  let num = 0; let den = 0
  for (let i = 0; i < a.length; i++) { num += (a[i]! - b[i]!) ** 2; den += b[i]! ** 2 }
  return Math.sqrt(num / Math.max(den, 1e-30))
}

describe('convolution gradients from forward convolutions (wasm)', () => {
  beforeAll(async () => {
    // Load the wasm backend (selectBackend also installs our kernels on wasm, never on cpu here).
    const info = await selectBackend('wasm')
    expect(info.name).toBe('wasm')
  })

  it('the wasm backend has every kernel the templates need to train', () => {
    expect(missingTrainingKernels('wasm')).toEqual([])
    // The faster input gradient is in place too (installing again is a no-op).
    expect(installConv2dBackpropInput('wasm')).toBe(false)
  })

  const rng = createRng(42)
  const cases: Case[] = []
  for (const pad of ['valid', 'same'] as const) {
    for (const s of [1, 2]) {
      for (let r = 0; r < 3; r++) {
        const kh = 1 + Math.floor(rng() * 4) // 1..4: odd and even filters
        const kw = 1 + Math.floor(rng() * 4)
        cases.push({
          b: 1 + Math.floor(rng() * 5), h: kh + 2 + Math.floor(rng() * 9), w: kw + 2 + Math.floor(rng() * 9),
          c: 1 + Math.floor(rng() * 4), kh, kw, o: 1 + Math.floor(rng() * 5), s, pad
        })
      }
    }
  }

  it.each(cases)('matches the cpu gradient: %o', async (k) => {
    const xv = rand(k.b * k.h * k.w * k.c, rng)
    const wv = rand(k.kh * k.kw * k.c * k.o, rng)
    const probe = await filterGrad('cpu', k, xv, wv, null)
    const gv = rand(probe.yShape.reduce((a, b) => a * b, 1), rng)
    const ref = await filterGrad('cpu', k, xv, wv, gv)
    const before = tf.memory()
    const got = await filterGrad('wasm', k, xv, wv, gv)
    expect(tf.memory().numTensors).toBe(before.numTensors)
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers) // no leaked intermediates
    expect(got.dw.length).toBe(ref.dw.length)
    expect(relErr(got.dw, ref.dw)).toBeLessThan(1e-4)
  })

  it.each(cases)('the input gradient matches the cpu one: %o', async (k) => {
    const xv = rand(k.b * k.h * k.w * k.c, rng)
    const wv = rand(k.kh * k.kw * k.c * k.o, rng)
    const inputGrad = async (backend: string, g: Float32Array | null) => {
      await tf.setBackend(backend)
      return tf.tidy(() => {
        const x = tf.tensor4d(xv, [k.b, k.h, k.w, k.c])
        const w = tf.tensor4d(wv, [k.kh, k.kw, k.c, k.o])
        const y = tf.conv2d(x, w, k.s, k.pad)
        const gt = g ? tf.tensor(g, y.shape) : tf.onesLike(y)
        const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, w, k.s, k.pad), gt)))(x)
        return { dx: dx.dataSync() as Float32Array, n: y.size }
      })
    }
    const { n } = await inputGrad('cpu', null)
    const gv = rand(n, rng)
    const ref = await inputGrad('cpu', gv)
    const before = tf.memory()
    const got = await inputGrad('wasm', gv)
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers)
    expect(relErr(got.dx, ref.dx)).toBeLessThan(1e-4)
  })

  it('also replaces the slow cpu kernel and still matches the original', async () => {
    const k: Case = { b: 3, h: 9, w: 7, c: 2, kh: 3, kw: 3, o: 4, s: 2, pad: 'same' }
    const xv = rand(k.b * k.h * k.w * k.c, rng)
    const wv = rand(k.kh * k.kw * k.c * k.o, rng)
    const ref = await filterGrad('cpu', k, xv, wv, null)
    expect(installConv2dBackpropFilter('cpu')).toBe(true)
    expect(installConv2dBackpropFilter('cpu')).toBe(false)
    const got = await filterGrad('cpu', k, xv, wv, null)
    expect(relErr(got.dw, ref.dw)).toBeLessThan(1e-4)
  })
})
