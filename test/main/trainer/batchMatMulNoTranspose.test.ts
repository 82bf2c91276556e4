import { describe, expect, it, beforeAll } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import { selectBackend } from '../../../main/trainer/backend'
import { installBatchMatMulNoTranspose } from '../../../main/trainer/kernels/batchMatMulNoTranspose'
import { createRng } from '../../../main/datasets/seededRandom'

const rng = createRng(3)
const rand = (shape: number[]) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng() * 2 - 1)

async function matMulOn(backend: string, a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], ta: boolean, tb: boolean): Promise<{ v: Float32Array; shape: number[] }> {
  await tf.setBackend(backend)
  return tf.tidy(() => {
    const out = tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), ta, tb)
    return { v: out.dataSync() as Float32Array, shape: out.shape }
  })
}

describe('BatchMatMul without transposes on wasm', () => {
  beforeAll(async () => {
    expect((await selectBackend('wasm')).name).toBe('wasm')
  })

  it('is installed once by the trainer\'s backend selection', () => {
    expect(installBatchMatMulNoTranspose('wasm')).toBe(false)
  })

  // [m, k, n] and batch shapes, including broadcasting of a batch of one.
  const cases: Array<{ m: number; k: number; n: number; ba: number[]; bb: number[] }> = [
    { m: 7, k: 5, n: 3, ba: [], bb: [] },
    { m: 128, k: 33, n: 17, ba: [], bb: [] },
    { m: 4, k: 6, n: 5, ba: [3], bb: [3] },
    { m: 4, k: 6, n: 5, ba: [2], bb: [1] },
    { m: 1, k: 9, n: 1, ba: [2, 2], bb: [2, 2] }
  ]
  for (const c of cases) {
    for (const [ta, tb] of [[true, false], [false, true], [true, true], [false, false]] as const) {
      it(`matches the cpu result for ${JSON.stringify(c)} transposeA=${ta} transposeB=${tb}`, async () => {
        const aShape = [...c.ba, ...(ta ? [c.k, c.m] : [c.m, c.k])]
        const bShape = [...c.bb, ...(tb ? [c.n, c.k] : [c.k, c.n])]
        const a = rand(aShape); const b = rand(bShape)
        const ref = await matMulOn('cpu', a, aShape, b, bShape, ta, tb)
        const before = tf.memory()
        const got = await matMulOn('wasm', a, aShape, b, bShape, ta, tb)
        expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers)
        expect(got.shape).toEqual(ref.shape)
        let maxErr = 0
        for (let i = 0; i < ref.v.length; i++) maxErr = Math.max(maxErr, Math.abs(got.v[i]! - ref.v[i]!))
        expect(maxErr).toBeLessThan(1e-4)
      })
    }
  }

  it('gives dense-layer gradients equal to the cpu backend\'s', async () => {
    const x = rand([16, 10]); const w = rand([10, 6]); const dy = rand([16, 6])
    const grads = async (backend: string) => {
      await tf.setBackend(backend)
      return tf.tidy(() => {
        const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(tf.matMul(xx, ww), tf.tensor(dy, [16, 6]))))
        return g([tf.tensor(x, [16, 10]), tf.tensor(w, [10, 6])]).map((t) => Array.from(t.dataSync()))
      })
    }
    const ref = await grads('cpu'); const got = await grads('wasm')
    for (let j = 0; j < 2; j++) for (let i = 0; i < ref[j]!.length; i++) expect(got[j]![i]!).toBeCloseTo(ref[j]![i]!, 4)
  })
})
