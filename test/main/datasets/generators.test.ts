import { describe, expect, it } from 'vitest'
import { createRng, normal, seededPermutation } from '../../../main/datasets/seededRandom'
import { stratifiedSplit } from '../../../main/datasets/stratifiedSplit'
import { DIGIT_SIZE, generateDigits } from '../../../main/datasets/digitsGenerator'
import { generateSpirals, pointsToCsv, SPIRALS_SAMPLE } from '../../../main/datasets/spiralsGenerator'
import { decodeIdx, encodeIdx } from '../../../main/datasets/idxFile'

describe('seeded randomness', () => {
  it('is reproducible per seed and differs between seeds', () => {
    const draw = (seed: number) => { const r = createRng(seed); return [r(), r(), r(), normal(r)] }
    expect(draw(1)).toEqual(draw(1))
    expect(draw(1)).not.toEqual(draw(2))
    for (const v of draw(3).slice(0, 3)) expect(v >= 0 && v < 1).toBe(true)
  })

  it('a seeded permutation holds every index once', () => {
    const p = seededPermutation(1000, 5)
    expect([...p].sort((a, b) => a - b)).toEqual([...Array(1000).keys()])
    expect(Array.from(p)).not.toEqual([...Array(1000).keys()])
    expect(Array.from(seededPermutation(1000, 5))).toEqual(Array.from(p))
  })
})

describe('stratifiedSplit', () => {
  const labels = Int32Array.from({ length: 300 }, (_, i) => (i < 200 ? 0 : i < 270 ? 1 : 2)) // 200 / 70 / 30

  it('keeps each class share in validation and puts every index in exactly one split', () => {
    const { train, val } = stratifiedSplit(labels, 0.2, 9)
    expect(train.length + val.length).toBe(300)
    expect(new Set([...train, ...val]).size).toBe(300)
    const count = (idx: Int32Array, c: number) => [...idx].filter((i) => labels[i] === c).length
    expect([count(val, 0), count(val, 1), count(val, 2)]).toEqual([40, 14, 6])
  })

  it('is deterministic per seed', () => {
    expect(Array.from(stratifiedSplit(labels, 0.2, 9).val)).toEqual(Array.from(stratifiedSplit(labels, 0.2, 9).val))
    expect(Array.from(stratifiedSplit(labels, 0.2, 9).val)).not.toEqual(Array.from(stratifiedSplit(labels, 0.2, 10).val))
  })

  it('rejects a fraction outside (0, 1)', () => {
    expect(() => stratifiedSplit(labels, 1, 1)).toThrow(/valFraction/)
  })
})

describe('spirals generator', () => {
  it('is deterministic, balanced, and the two arms are mirror images', () => {
    const a = generateSpirals()
    expect(a.count).toBe(2 * SPIRALS_SAMPLE.pointsPerClass)
    expect(pointsToCsv(a)).toBe(pointsToCsv(generateSpirals()))
    expect([...a.y].filter((c) => c === 1).length).toBe(SPIRALS_SAMPLE.pointsPerClass)
    // Without noise, point 2i+1 is point 2i rotated by π.
    const clean = generateSpirals({ ...SPIRALS_SAMPLE, noise: 0 })
    expect(clean.x[2]!).toBeCloseTo(-clean.x[0]!, 5)
    expect(clean.x[3]!).toBeCloseTo(-clean.x[1]!, 5)
    for (const v of a.x) expect(Math.abs(v)).toBeLessThan(1.2)
  })
})

describe('digits generator', () => {
  it('is deterministic per seed, balanced, and draws ink inside the frame', () => {
    const a = generateDigits(100, 3)
    const b = generateDigits(100, 3)
    expect(Buffer.compare(Buffer.from(a.images), Buffer.from(b.images))).toBe(0)
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels))
    expect(Buffer.compare(Buffer.from(a.images), Buffer.from(generateDigits(100, 4).images))).not.toBe(0)
    expect(a.images.length).toBe(100 * DIGIT_SIZE * DIGIT_SIZE)
    for (let d = 0; d < 10; d++) expect([...a.labels].filter((l) => l === d).length).toBe(10)
    for (let i = 0; i < a.count; i++) {
      const img = a.images.subarray(i * 784, (i + 1) * 784)
      const inked = img.reduce((n, v) => n + (v > 128 ? 1 : 0), 0)
      expect(inked).toBeGreaterThan(20) // a visible stroke
      expect(inked).toBeLessThan(400) // not a blob
      // The outermost ring stays (almost) empty, as in MNIST.
      let border = 0
      for (let k = 0; k < 28; k++) border += img[k]! + img[27 * 28 + k]! + img[k * 28]! + img[k * 28 + 27]!
      expect(border).toBeLessThan(255 * 4)
    }
  })

  it('different digits look different: mean images of 1 and 0 differ most in the centre', () => {
    const s = generateDigits(400, 11)
    const mean = (d: number) => {
      const m = new Float64Array(784); let n = 0
      for (let i = 0; i < s.count; i++) if (s.labels[i] === d) { n++; for (let k = 0; k < 784; k++) m[k] = m[k]! + s.images[i * 784 + k]! }
      return m.map((v) => v / n)
    }
    const one = mean(1); const zero = mean(0)
    const centre = 14 * 28 + 14
    expect(one[centre]!).toBeGreaterThan(zero[centre]! + 50)
  })
})

describe('IDX format', () => {
  it('round-trips gzipped and plain, and rejects bad input', () => {
    const t = { shape: [2, 3, 2], data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) }
    for (const gz of [true, false]) {
      const back = decodeIdx(encodeIdx(t, gz))
      expect(back.shape).toEqual([2, 3, 2])
      expect(Array.from(back.data)).toEqual(Array.from(t.data))
    }
    const raw = encodeIdx(t, false)
    expect(raw.subarray(0, 4)).toEqual(Buffer.from([0, 0, 8, 3]))
    expect(() => decodeIdx(raw.subarray(0, raw.length - 1))).toThrow(/data bytes/)
    expect(() => decodeIdx(Buffer.from([1, 2, 3, 4]))).toThrow(/magic/)
    expect(() => encodeIdx({ shape: [5], data: new Uint8Array(4) })).toThrow(/needs 5 values/)
  })
})
