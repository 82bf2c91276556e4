/** Every import format round-trips on generated files (gzip variants included). */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gunzipSync } from 'node:zlib'
import { decodeIdx } from '../../../main/datasets/idxFile'
import { inspect } from '../../../main/datasets/detect'
import { tempDir } from '../../helpers/tmp'
import { gzipSync, inputOf, tabularText, writeCifar, writeIdxSet, writeImageFolders, writeNpyPair, writeNpz } from './importFixtures'
import { expectOk } from './importHarness'

let t: ReturnType<typeof tempDir>
let out: string
beforeAll(() => { t = tempDir('studio-import-'); out = path.join(t.dir, 'out'); mkdirSync(out) })
afterAll(() => t.cleanup())

const f = (name: string, body: string | Buffer) => { const p = path.join(t.dir, name); writeFileSync(p, body); return p }

describe('CSV / TSV / JSON Lines', () => {
  it('detects delimiter, header and types and splits 80/10/10, stratified', async () => {
    const p = f('plain.csv', tabularText(120))
    const info = await inspect(inputOf(p))
    expect(info.format).toBe('csv')
    expect(info.csv).toMatchObject({ delimiter: ',', hasHeader: true, bom: false, lineEnding: 'lf' })
    expect(info.columns.map((c) => c.type)).toEqual(['numeric', 'numeric', 'categorical', 'categorical'])
    expect(info.proposedTarget).toBe('label')
    expect(info.proposedTask).toBe('classification')
    const r = await expectOk(out, inputOf(p))
    expect(r.header.splits).toEqual({ train: { count: 96 }, val: { count: 12 }, test: { count: 12 } })
    expect(r.header.classNames).toEqual(['c0', 'c1', 'c2'])
    // x1, x2 standardized + one-hot colour (3)
    expect(r.header.inputShape).toEqual([5])
    expect(r.meta.classDistribution!.val).toEqual([4, 4, 4])
    const tr = r.split('train')
    let mean = 0
    for (let i = 0; i < tr.count; i++) mean += tr.x[i * 5]!
    expect(Math.abs(mean / tr.count)).toBeLessThan(1e-5) // standardized with train statistics
  })

  it('reads RFC 4180 quotes with embedded newlines, CRLF, a BOM, semicolons and no header', async () => {
    const lines = []
    for (let i = 0; i < 40; i++) lines.push(`${i};"a ""quoted""\r\nnote ${i % 2}";${i % 2 ? 'yes' : 'no'};${i % 2}`)
    const p = f('quoted.csv', `\uFEFF${lines.join('\r\n')}\r\n`)
    const info = await inspect(inputOf(p))
    expect(info.csv).toMatchObject({ delimiter: ';', hasHeader: false, bom: true, lineEnding: 'crlf' })
    expect(info.columns[1]!.samples[0]).toBe('a "quoted"\r\nnote 0')
    const r = await expectOk(out, inputOf(p), { target: 'column 4', columns: [{ name: 'column 2', type: 'categorical', encoding: 'index' }], scaling: 'none', split: { train: 50, val: 25, test: 25 } })
    expect(r.header.inputShape).toEqual([3])
    expect(r.header.featureNames).toEqual(['column 1', 'column 2', 'column 3'])
    const all = [...['train', 'val', 'test'] as const].flatMap((s) => { const d = r.split(s); return Array.from({ length: d.count }, (_, i) => [d.x[i * 3]!, d.x[i * 3 + 2]!, d.y[i]!]) })
    all.sort((a, b) => a[0]! - b[0]!)
    expect(all.map((a) => a[0])).toEqual(Array.from({ length: 40 }, (_, i) => i))
    for (const [i, yes, y] of all) { expect(yes).toBe(i! % 2); expect(y).toBe(i! % 2) }
  })

  it('reads a gzipped TSV', async () => {
    const p = f('table.tsv.gz', gzipSync(Buffer.from(tabularText(60, '\t'))))
    const info = await inspect(inputOf(p))
    expect(info.formatLabel).toMatch(/^TSV/)
    const r = await expectOk(out, inputOf(p))
    expect(r.header.splits.train!.count + r.header.splits.val!.count + r.header.splits.test!.count).toBe(60)
  })

  it('imports regression with min-max scaling and fills missing values from train', async () => {
    let s = 'a,b,price\n'
    for (let i = 0; i < 50; i++) s += `${i},${i % 5 === 0 ? 'NA' : i * 2},${(i * 1.5).toFixed(1)}\n`
    const p = f('reg.csv', s)
    const r = await expectOk(out, inputOf(p), { scaling: 'minmax' })
    expect(r.header.task).toBe('regression')
    expect(r.meta.columns.find((c) => c.name === 'b')!.missing).toBe(10)
    const tr = r.split('train')
    for (let i = 0; i < tr.x.length; i++) expect(Number.isFinite(tr.x[i]!)).toBe(true)
    expect(Math.min(...tr.x)).toBeCloseTo(0, 5)
    expect(Math.max(...tr.x)).toBeCloseTo(1, 5)
  })

  it('imports JSON Lines (and drops rows under the drop policy)', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ x: i, ok: i % 2 === 0, tag: i === 3 ? null : `t${i % 2}`, y: i % 2 ? 'odd' : 'even' }))
    const p = f('records.jsonl', `${lines.join('\n')}\n`)
    const info = await inspect(inputOf(p))
    expect(info.format).toBe('jsonl')
    expect(info.columns.map((c) => [c.name, c.type])).toEqual([['x', 'numeric'], ['ok', 'boolean'], ['tag', 'categorical'], ['y', 'categorical']])
    const r = await expectOk(out, inputOf(p), { missing: 'drop' })
    expect(r.header.splits.train!.count + r.header.splits.val!.count + r.header.splits.test!.count).toBe(29)
    expect(r.meta.warnings.map((w) => (typeof w === 'string' ? w : w.message)).join(' ')).toMatch(/1 of 30 rows dropped/)
  })
})

describe('IDX', () => {
  for (const gz of [true, false]) {
    it(`imports the four MNIST files${gz ? ' (gzipped)' : ''} with the official test split`, async () => {
      const dir = path.join(t.dir, `idx-${gz}`)
      const files = writeIdxSet(dir, 60, 20, gz)
      const info = await inspect(inputOf(dir))
      expect(info).toMatchObject({ format: 'idx', count: 80, inputShape: [8, 8, 1], officialSplit: true, classNames: ['0', '1', '2', '3'] })
      const r = await expectOk(out, inputOf(...files))
      expect(r.header).toMatchObject({ inputShape: [8, 8, 1], xDtype: 'uint8', numClasses: 4, splits: { train: { count: 52 }, val: { count: 8 }, test: { count: 20 } } }) // 10% of each class of 15, rounded
      const raw = (i: number) => { const b = readFileSync(files[i]!); return decodeIdx(gz ? gunzipSync(b) : b) }
      const testX = raw(2).data
      const got = r.split('test')
      expect(Array.from(got.x.slice(0, 64), (v) => Math.round(v * 255))).toEqual(Array.from(testX.slice(0, 64)))
      expect(Array.from(got.y)).toEqual(Array.from(raw(3).data))
    })
  }
})

describe('image folders', () => {
  it('imports PNG / JPEG / GIF class folders, flattening nested folders, resized, grayscale by default', async () => {
    const root = writeImageFolders(path.join(t.dir, 'pets'))
    const info = await inspect(inputOf(root))
    expect(info.format).toBe('images')
    expect(info.images!.classes).toEqual([{ name: 'birds', count: 6 }, { name: 'cats', count: 6 }, { name: 'dogs', count: 6 }])
    expect(info.images!.defaultWidth).toBe(16)
    expect(info.images!.colorMode).toBe('grayscale')
    const r = await expectOk(out, inputOf(root), { image: { width: 8, height: 8 }, split: { train: 66, val: 17, test: 17 } })
    expect(r.header.inputShape).toEqual([8, 8, 1])
    const tr = r.split('train')
    for (let i = 0; i < tr.count; i++) {
      const px = Math.round(tr.x[i * 64]! * 255)
      expect(px).toBeCloseTo([255, 200, 60][tr.y[i]!]!, -1) // white gif, light png, dark jpeg
    }
  })

  it('keeps colour in RGB mode', async () => {
    const root = path.join(t.dir, 'rgb')
    mkdirSync(path.join(root, 'red'), { recursive: true }); mkdirSync(path.join(root, 'green'), { recursive: true })
    const { pngBytes } = await import('./importFixtures')
    for (let i = 0; i < 5; i++) {
      writeFileSync(path.join(root, 'red', `${i}.png`), pngBytes(4, 4, [255, 0, 0]))
      writeFileSync(path.join(root, 'green', `${i}.png`), pngBytes(4, 4, [0, 255, 0]))
    }
    expect((await inspect(inputOf(root))).images!.colorMode).toBe('rgb')
    const r = await expectOk(out, inputOf(root))
    expect(r.header.inputShape).toEqual([4, 4, 3])
    const tr = r.split('train')
    const redIdx = r.header.classNames.indexOf('red')
    const i = Array.from(tr.y).indexOf(redIdx)
    expect(Array.from(tr.x.slice(i * 48, i * 48 + 3))).toEqual([1, 0, 0])
  })
  it('keeps the split of train/ and test/ folders that each hold the class folders', async () => {
    const root = path.join(t.dir, 'splitdirs')
    writeImageFolders(path.join(root, 'train'), 10)
    writeImageFolders(path.join(root, 'test'), 3)
    const info = await inspect(inputOf(root))
    expect(info).toMatchObject({ format: 'images', officialSplit: true, count: 39, classNames: ['birds', 'cats', 'dogs'] })
    const r = await expectOk(out, inputOf(root), { split: { train: 80, val: 20, test: 0 } })
    expect(r.header.splits).toEqual({ train: { count: 24 }, val: { count: 6 }, test: { count: 9 } })
    expect(r.meta.split.official).toBe(true)
    expect(r.meta.classDistribution!.test).toEqual([3, 3, 3])
  })

  it('decodes WebP (WebAssembly decoder shipped in the package)', async () => {
    const { webpBytes } = await import('./importFixtures')
    const root = path.join(t.dir, 'webp')
    mkdirSync(path.join(root, 'dark'), { recursive: true }); mkdirSync(path.join(root, 'light'), { recursive: true })
    for (let i = 0; i < 4; i++) {
      writeFileSync(path.join(root, 'dark', `${i}.webp`), await webpBytes(10, 6, [20, 20, 20]))
      writeFileSync(path.join(root, 'light', `${i}.webp`), await webpBytes(10, 6, [230, 230, 230]))
    }
    const info = await inspect(inputOf(root))
    expect(info.images).toMatchObject({ defaultWidth: 10, defaultHeight: 6, colorMode: 'grayscale' })
    const r = await expectOk(out, inputOf(root))
    expect(r.header.inputShape).toEqual([6, 10, 1])
    const tr = r.split('train')
    for (let i = 0; i < tr.count; i++) expect(Math.round(tr.x[i * 60]! * 255)).toBe(tr.y[i] === 0 ? 20 : 230)
  })
})

describe('CIFAR and NumPy', () => {
  it('imports CIFAR-10 batches: channel planes become height × width × channels', async () => {
    const files = writeCifar(path.join(t.dir, 'cifar'))
    const info = await inspect(inputOf(...files))
    expect(info).toMatchObject({ format: 'cifar', count: 30, inputShape: [32, 32, 3], officialSplit: true })
    expect(info.classNames[0]).toBe('airplane')
    const r = await expectOk(out, inputOf(...files))
    expect(r.header.classNames[9]).toBe('truck')
    expect(r.header.splits.test!.count).toBe(10)
    const te = r.split('test')
    expect(Array.from(te.x.slice(0, 6), (v) => Math.round(v * 255))).toEqual([10, 20, 0, 10, 20, 1])
    expect(Array.from(te.y.slice(0, 3))).toEqual([3, 4, 5])
  })

  it('imports a pair of .npy files (features and labels)', async () => {
    const files = writeNpyPair(path.join(t.dir, 'np'))
    const r = await expectOk(out, inputOf(...files))
    expect(r.header).toMatchObject({ inputShape: [5], xDtype: 'float32', numClasses: 2 })
    expect(r.header.splits.train!.count + r.header.splits.val!.count + r.header.splits.test!.count).toBe(50)
  })

  it('imports an .npz with x_train / y_train / x_test / y_test and keeps its test split', async () => {
    const p = writeNpz(path.join(t.dir, 'mnist-like.npz'))
    const info = await inspect(inputOf(p))
    expect(info).toMatchObject({ format: 'npz', officialSplit: true })
    const r = await expectOk(out, inputOf(p))
    expect(r.header).toMatchObject({ inputShape: [6, 6, 1], xDtype: 'uint8', numClasses: 3, splits: { test: { count: 10 } } })
  })
})

describe('GIF decoding', () => {
  it('decodes the first frame exactly as omggif does (own bounded LZW; omggif can hang on damaged data)', async () => {
    const { GifReader, GifWriter } = await import('omggif')
    const { decodeGifFirstFrame } = await import('../../../main/datasets/images')
    const { lcg } = await import('./importFixtures')
    const r = lcg(3)
    for (let k = 0; k < 30; k++) {
      const w = 1 + Math.floor(r() * 60)
      const h = 1 + Math.floor(r() * 60)
      const colors = 2 << Math.floor(r() * 7)
      const pal = Array.from({ length: colors }, (_, i) => (i * 2654435761) & 0xffffff)
      const px = Array.from({ length: w * h }, (_, i) => (r() < 0.7 ? (i >> 3) % colors : Math.floor(r() * colors)))
      const buf = Buffer.alloc(w * h * 2 + 4096)
      const wr = new GifWriter(buf, w, h, { palette: pal })
      wr.addFrame(0, 0, w, h, px, k % 3 === 0 ? { transparent: 1 } : {})
      const b = buf.subarray(0, wr.end())
      const ref = new Uint8Array(w * h * 4)
      new GifReader(b).decodeAndBlitFrameRGBA(0, ref)
      expect(Buffer.from(decodeGifFirstFrame(b).data).equals(Buffer.from(ref))).toBe(true)
    }
  })
})

describe('lean PNG decoder', () => {
  it('decodes palette PNGs with transparency, and matches pngjs on every filter and colour type', async () => {
    const { deflateSync } = await import('node:zlib')
    const { PNG } = await import('pngjs')
    const { decodePngLean } = await import('../../../main/datasets/pngDecode')
    const { lcg } = await import('./importFixtures')
    const chunk = (type: string, data: Buffer) => {
      const len = Buffer.alloc(4); len.writeUInt32BE(data.length)
      return Buffer.concat([len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]) // CRC unchecked by both decoders' callers here
    }
    const ihdr = Buffer.alloc(13)
    ihdr.writeUInt32BE(3, 0); ihdr.writeUInt32BE(2, 4); ihdr[8] = 8; ihdr[9] = 3
    const rows = Buffer.from([0, 0, 1, 2, 1, 2, 0xff, 0]) // row 1: no filter, indices 0 1 2; row 2: Sub, decodes to 2 1 1
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
      chunk('PLTE', Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255])), chunk('tRNS', Buffer.from([128])), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))])
    const img = decodePngLean(png)!
    expect(Array.from(img.data)).toEqual([255, 0, 0, 128, 0, 255, 0, 255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 255, 0, 255, 0, 255, 0, 255])
    const r = lcg(5)
    for (let k = 0; k < 40; k++) {
      const w = 1 + Math.floor(r() * 30)
      const h = 1 + Math.floor(r() * 30)
      const colorType = [0, 2, 4, 6][k % 4]!
      const p = new PNG({ width: w, height: h })
      for (let i = 0; i < w * h * 4; i++) p.data[i] = (i * 7 + Math.floor(r() * 3)) & 0xff
      const b = PNG.sync.write(p, { colorType, filterType: -1 } as never)
      expect(Buffer.from(decodePngLean(b)!.data).equals(PNG.sync.read(b).data)).toBe(true)
    }
  })
})
