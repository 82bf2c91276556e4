/** Each bad input gets its own typed error, naming the file and where; nothing is left behind. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeIdx } from '../../../main/datasets/idxFile'
import { tempDir } from '../../helpers/tmp'
import { inputOf, npyBytes, pngBytes, tabularText, writeCifar, writeIdxSet, writeImageFolders, writeNpyPair } from './importFixtures'
import { expectError, expectOk } from './importHarness'

let t: ReturnType<typeof tempDir>
let out: string
beforeAll(() => { t = tempDir('studio-bad-'); out = path.join(t.dir, 'out'); mkdirSync(out) })
afterAll(() => t.cleanup())

const f = (name: string, body: string | Buffer) => { const p = path.join(t.dir, name); mkdirSync(path.dirname(p), { recursive: true }); writeFileSync(p, body); return p }

describe('bad input', () => {
  it('ragged CSV rows: file, line, fields expected and found', async () => {
    const p = f('ragged.csv', 'a,b,c\n1,2,x\n3,4,y\n5,6\n7,8,x\n')
    const e = await expectError(out, inputOf(p))
    expect(e).toMatchObject({ code: 'ragged_rows', file: 'ragged.csv', line: 4 })
    expect(e.message).toBe('ragged.csv line 4: 2 fields, expected 3 (as in the header row). Rows must all have the same number of ","-separated fields.')
  })

  it('a non-numeric value in a numeric column (beyond the sampled rows)', async () => {
    let s = 'x,y\n'
    for (let i = 0; i < 3000; i++) s += `${i === 2600 ? 'abc' : i},${i % 2}\n`
    const e = await expectError(out, inputOf(f('nonnum.csv', s)))
    expect(e).toMatchObject({ code: 'not_numeric', line: 2602 })
    expect(e.message).toMatch(/^nonnum\.csv line 2602, column "x": expected a number .*found "abc"/)
  })

  it('a non-numeric value where the user declared the column numeric', async () => {
    const e = await expectError(out, inputOf(f('declared.csv', 'x,y\n1,a\nfoo,b\n3,a\n4,b\n')), { columns: [{ name: 'x', type: 'numeric' }] })
    expect(e).toMatchObject({ code: 'not_numeric', line: 3 })
  })

  it('missing values under the fail policy', async () => {
    const e = await expectError(out, inputOf(f('missing.csv', 'x,y\n1,a\n,b\n3,a\n4,b\n')), { missing: 'fail' })
    expect(e).toMatchObject({ code: 'missing_values', line: 3 })
  })

  it('an empty file, and a file of blank lines', async () => {
    expect(await expectError(out, inputOf(f('empty.csv', '')))).toMatchObject({ code: 'empty_file', file: 'empty.csv' })
    expect(await expectError(out, inputOf(f('blank.csv', '\n\n  \n')))).toMatchObject({ code: 'empty_file' })
  })

  it('a header row and no data', async () => {
    expect(await expectError(out, inputOf(f('header-only.csv', 'a,b,c\n')))).toMatchObject({ code: 'no_data' })
  })

  it('a label column with a single value', async () => {
    const e = await expectError(out, inputOf(f('single.csv', 'x,label\n1,a\n2,a\n3,a\n')), { target: 'label', task: 'classification' })
    expect(e.code).toBe('single_value_target')
    expect(e.message).toMatch(/"label" has a single value \("a"\)/)
  })

  it('a truncated IDX file', async () => {
    const dir = path.join(t.dir, 'idx-trunc')
    const files = writeIdxSet(dir, 20, 10, false)
    writeFileSync(files[0]!, readFileSync(files[0]!).subarray(0, 500))
    const e = await expectError(out, inputOf(...files))
    expect(e).toMatchObject({ code: 'truncated', file: 'train-images-idx3-ubyte', offset: 500 })
    expect(e.message).toMatch(/needs 1,280 data bytes after the header, found 484/)
  })

  it('a truncated gzip IDX file', async () => {
    const dir = path.join(t.dir, 'idx-trunc-gz')
    const files = writeIdxSet(dir, 20, 10, true)
    writeFileSync(files[0]!, readFileSync(files[0]!).subarray(0, 100))
    expect((await expectError(out, inputOf(...files))).code).toBe('truncated')
  })

  it('an IDX file with the wrong magic number', async () => {
    const dir = path.join(t.dir, 'idx-magic')
    const files = writeIdxSet(dir, 20, 10, false)
    const b = readFileSync(files[1]!); b[0] = 0x12; b[1] = 0x34
    writeFileSync(files[1]!, b)
    const e = await expectError(out, inputOf(...files))
    expect(e).toMatchObject({ code: 'bad_magic', file: 'train-labels-idx1-ubyte', offset: 0 })
    expect(e.message).toMatch(/found 12 34 08 01/)
  })

  it('mismatched image and label counts', async () => {
    const dir = path.join(t.dir, 'idx-count')
    const files = writeIdxSet(dir, 20, 10, true)
    writeFileSync(files[1]!, encodeIdx({ shape: [19], data: new Uint8Array(19).map((_, i) => i % 4) }))
    const e = await expectError(out, inputOf(...files))
    expect(e.code).toBe('count_mismatch')
    expect(e.message).toBe('train-images-idx3-ubyte.gz has 20 images but train-labels-idx1-ubyte.gz has 19 labels; they must match one to one.')
    const { inspect } = await import('../../../main/datasets/detect')
    expect((await inspect(inputOf(...files))).warnings).toContainEqual({
      code: 'idxCountMismatch', params: { images: 'train-images-idx3-ubyte.gz', imageCount: 20, labels: 'train-labels-idx1-ubyte.gz', labelCount: 19 },
      message: 'train-images-idx3-ubyte.gz has 20 images but train-labels-idx1-ubyte.gz has 19 labels; the import will stop on this.'
    })
  })

  it('mismatched feature and label counts in NumPy arrays', async () => {
    const dir = path.join(t.dir, 'np-count')
    const [x] = writeNpyPair(dir, 20)
    writeFileSync(path.join(dir, 'y.npy'), npyBytes(new Int32Array(19).map((_, i) => i % 2), [19]))
    const e = await expectError(out, inputOf(x!, path.join(dir, 'y.npy')))
    expect(e.code).toBe('count_mismatch')
    expect(e.message).toBe('x.npy has 20 examples (shape [20, 5]) but y.npy has 19 labels; they must match.')
  })

  it('a truncated CIFAR batch and an out-of-range CIFAR label', async () => {
    const files = writeCifar(path.join(t.dir, 'cifar-bad'), 4, 2)
    writeFileSync(files[0]!, readFileSync(files[0]!).subarray(0, 3073 * 3 + 100))
    const e = await expectError(out, inputOf(...files))
    expect(e).toMatchObject({ code: 'truncated', file: 'data_batch_1.bin', offset: 3073 * 3 })
    const files2 = writeCifar(path.join(t.dir, 'cifar-label'), 4, 2)
    const b = readFileSync(files2[1]!); b[3073] = 42
    writeFileSync(files2[1]!, b)
    expect(await expectError(out, inputOf(...files2))).toMatchObject({ code: 'format_mismatch', file: 'test_batch.bin', record: 1, offset: 3073 })
  })

  it('corrupt and zero-byte images are listed and skipped, not fatal', async () => {
    const root = writeImageFolders(path.join(t.dir, 'pets-bad'), 4)
    writeFileSync(path.join(root, 'cats', 'zero.png'), Buffer.alloc(0))
    writeFileSync(path.join(root, 'dogs', 'broken.png'), pngBytes(16, 16, [1, 2, 3]).subarray(0, 40))
    writeFileSync(path.join(root, 'dogs', 'liar.jpg'), 'this is text')
    const r = await expectOk(out, inputOf(root))
    const reasons = Object.fromEntries(r.meta.skipped.map((s) => [s.name, s.reason]))
    expect(reasons['cats/zero.png']).toBe('zero-byte file, not an image.')
    expect(reasons['dogs/broken.png']).toMatch(/^the PNG data is damaged or cut short/)
    expect(reasons['dogs/liar.jpg']).toMatch(/^named \.jpg but the content is not an image/)
    expect((r.header.splits.train?.count ?? 0) + (r.header.splits.val?.count ?? 0) + (r.header.splits.test?.count ?? 0)).toBe(12)
  })

  it('a folder where every image is unreadable', async () => {
    const root = path.join(t.dir, 'all-bad')
    for (const c of ['a', 'b']) f(`all-bad/${c}/x.png`, Buffer.from('nope'))
    expect((await expectError(out, inputOf(root))).code).toBe('corrupt_image')
  })

  it('a folder with one class', async () => {
    const root = path.join(t.dir, 'one')
    for (let i = 0; i < 3; i++) f(`one/cats/${i}.png`, pngBytes(4, 4, [9, 9, 9]))
    const e = await expectError(out, inputOf(root))
    expect(e.code).toBe('one_class')
    expect(e.message).toBe('one: only one class folder with images (cats/); an image dataset needs one sub-folder per class, at least two.')
  })

  it('a 0-byte .npy', async () => {
    const e = await expectError(out, inputOf(f('zero.npy', Buffer.alloc(0))))
    expect(e).toMatchObject({ code: 'empty_file', file: 'zero.npy' })
    expect(e.message).toBe('zero.npy: the file is empty (0 bytes); expected a NumPy array (.npy).')
  })

  it('files that are not what their extension says', async () => {
    expect(await expectError(out, inputOf(f('binary.csv', Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0x00, 0x01]))))).toMatchObject({ code: 'format_mismatch', offset: 4 })
    expect(await expectError(out, inputOf(f('text.npy', 'x,y\n1,2\n')))).toMatchObject({ code: 'format_mismatch' })
    expect(await expectError(out, inputOf(f('fake.csv.gz', gzipSync(Buffer.from([0, 0, 0, 0, 9, 9])))))).toMatchObject({ code: 'format_mismatch' })
    const e = await expectError(out, inputOf(f('notidx-images-idx3-ubyte', Buffer.from([1, 2, 3, 4, 0, 0, 7]))))
    expect(e.code).toBe('bad_magic')
  })

  it('an unclosed quote names the line it starts on', async () => {
    const e = await expectError(out, inputOf(f('quote.csv', `${tabularText(10)}1,2,"red,c1\n`)))
    expect(e).toMatchObject({ code: 'format_mismatch', line: 12 })
  })
})
