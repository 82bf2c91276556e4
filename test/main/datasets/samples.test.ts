import { describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { cacheSha256, readHeader, readSplit, writeCache } from '../../../main/datasets/cache'
import { buildSampleInput, installSamples, SAMPLE_IDS } from '../../../main/datasets/samples'
import { ModelSpecSchema } from '../../../preload/contract/schemas'

const tmp = () => mkdtempSync(path.join(tmpdir(), 'studio-samples-test-'))

describe('installSamples', () => {
  it('installs every sample as a readable cache with the expected shapes', () => {
    const root = tmp()
    const infos = installSamples(root)
    expect(infos.map((s) => s.id)).toEqual([...SAMPLE_IDS])
    const byId = Object.fromEntries(infos.map((s) => [s.id, s]))
    expect(byId['xor']!.header.splits).toEqual({ train: { count: 4 }, val: { count: 4 } })
    expect(byId['spirals']!.header.splits).toEqual({ train: { count: 800 }, val: { count: 200 } })
    expect(byId['iris']!.header.splits).toEqual({ train: { count: 120 }, val: { count: 30 } })
    expect(byId['iris']!.header.featureNames).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width'])
    expect(byId['digits']!.header).toMatchObject({ inputShape: [28, 28, 1], numClasses: 10, xDtype: 'uint8', splits: { train: { count: 3000 }, val: { count: 600 } } })
    for (const s of infos) {
      expect(s.dir).toBe(path.join(root, s.id))
      expect(readHeader(s.dir).sha256).toBe(s.header.sha256)
      expect(ModelSpecSchema.safeParse(s.suggested).success).toBe(true)
      expect(s.description.length).toBeGreaterThan(20)
      const tr = readSplit(s.dir, s.header, 'train')
      expect(tr.x.length).toBe(tr.count * s.header.inputShape.reduce((a, b) => a * b, 1))
    }
    const digits = readSplit(byId['digits']!.dir, byId['digits']!.header, 'train')
    expect(Math.max(...digits.x.subarray(0, 784 * 10))).toBeLessThanOrEqual(1)
  })

  it('is idempotent: a second call rewrites nothing, a changed or damaged cache is rewritten', () => {
    const root = tmp()
    installSamples(root)
    const headerFile = path.join(root, 'iris', 'header.json')
    const before = statSync(headerFile).mtimeMs
    const again = installSamples(root)
    expect(statSync(headerFile).mtimeMs).toBe(before)
    expect(again.find((s) => s.id === 'iris')!.header.sha256).toBe(readHeader(path.join(root, 'iris')).sha256)
    // A cache with another sha (an older studio's sample) is replaced.
    const h = JSON.parse(readFileSync(headerFile, 'utf8'))
    writeFileSync(headerFile, JSON.stringify({ ...h, sha256: 'old' }))
    installSamples(root)
    expect(readHeader(path.join(root, 'iris')).sha256).toBe(h.sha256)
    // A missing split file is noticed too.
    rmSync(path.join(root, 'spirals', 'val.x.bin'))
    installSamples(root)
    expect(statSync(path.join(root, 'spirals', 'val.x.bin')).size).toBe(200 * 2 * 4)
  })

  it('cacheSha256 agrees with the sha writeCache records', () => {
    for (const id of SAMPLE_IDS) {
      const input = buildSampleInput(id)
      expect(writeCache(path.join(tmp(), id), input).sha256).toBe(cacheSha256(input))
    }
  })

  it('splits are stratified, disjoint and deterministic', () => {
    for (const id of ['spirals', 'iris'] as const) {
      const a = buildSampleInput(id)
      const b = buildSampleInput(id)
      expect(cacheSha256(a)).toBe(cacheSha256(b))
      const tr = a.splits.train!.y; const va = a.splits.val!.y
      const classes = new Set([...tr])
      for (const c of classes) {
        const share = (y: ArrayLike<number>) => Array.from(y).filter((v) => v === c).length / y.length
        expect(Math.abs(share(tr) - share(va))).toBeLessThan(0.02)
      }
    }
  })

  it('iris is standardized with train statistics (train mean 0, sd 1)', () => {
    const x = buildSampleInput('iris').splits.train!.x as Float32Array
    const n = x.length / 4
    for (let j = 0; j < 4; j++) {
      let m = 0; for (let i = 0; i < n; i++) m += x[4 * i + j]!
      m /= n
      let v = 0; for (let i = 0; i < n; i++) v += (x[4 * i + j]! - m) ** 2
      expect(Math.abs(m)).toBeLessThan(1e-5)
      expect(Math.sqrt(v / n)).toBeCloseTo(1, 4)
    }
  })

  it('the iris file is Fisher\'s data: 150 rows, 50 per species, the classic means', () => {
    const lines = readFileSync(path.resolve(__dirname, '../../../resources/samples/iris.csv'), 'utf8').trim().split('\n')
    expect(lines[0]).toBe('sepal_length,sepal_width,petal_length,petal_width,species')
    const rows = lines.slice(1).map((l) => l.split(','))
    expect(rows).toHaveLength(150)
    const means = [0, 1, 2, 3].map((j) => rows.reduce((s, r) => s + Number(r[j]), 0) / 150)
    expect(means.map((m) => m.toFixed(3))).toEqual(['5.843', '3.057', '3.758', '1.199'])
    for (const sp of ['setosa', 'versicolor', 'virginica']) expect(rows.filter((r) => r[4] === sp)).toHaveLength(50)
  })
})
