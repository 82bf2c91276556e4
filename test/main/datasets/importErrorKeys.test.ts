/**
 * Import errors and skipped-file reasons carry a sentence key and its values (file, line, column,
 * expected, found, offset), so the UI can say them in Korean; the English message is unchanged.
 * Real imports (the worker's code in-process) of broken files, then the Korean sentence the
 * renderer builds from the key and values.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import { tempDir } from '../../helpers/tmp'
import { inputOf, pngBytes, writeImageFolders } from './importFixtures'
import { expectError, expectOk } from './importHarness'
import en from '../../../renderer/src/i18n/en'
import ko from '../../../renderer/src/i18n/ko'
import { importErrorText, skipReasonText } from '../../../renderer/src/lib/backendText'

let t: ReturnType<typeof tempDir>
let out: string
beforeAll(() => { t = tempDir('studio-keys-'); out = path.join(t.dir, 'out'); mkdirSync(out) })
afterAll(() => t.cleanup())

const f = (name: string, body: string | Buffer) => { const p = path.join(t.dir, name); mkdirSync(path.dirname(p), { recursive: true }); writeFileSync(p, body); return p }
const i18n = createI18n({ legacy: false, locale: 'ko', fallbackLocale: 'en', messages: { en, ko }, missingWarn: false, fallbackWarn: false })
const g = i18n.global
const tr = (k: string, p: Record<string, unknown>) => g.t(k, p)
const te = (k: string) => g.te(k)

describe('import errors with keys', () => {
  it('ragged CSV rows: key, the numbers, and a Korean sentence with them', async () => {
    const e = await expectError(out, inputOf(f('ragged.csv', 'a,b,c\n1,2,x\n3,4,y\n5,6\n')))
    expect(e).toMatchObject({ code: 'ragged_rows', line: 4, key: 'raggedRows', params: { file: 'ragged.csv', line: 4, found: 2, expected: 3 } })
    expect(e.message).toMatch(/^ragged\.csv line 4: 2 fields, expected 3/)
    expect(importErrorText(e, tr, te, 'ko')).toBe('ragged.csv 4행: 필드가 2개인데 3개여야 합니다. 모든 행의 필드 수가 같아야 합니다.')
    expect(importErrorText(e, tr, te, 'en')).toBe(e.message)
  })

  it('a non-numeric value: column, line and the value found', async () => {
    const e = await expectError(out, inputOf(f('declared.csv', 'x,y\n1,a\nfoo,b\n3,a\n4,b\n')), { columns: [{ name: 'x', type: 'numeric' }] })
    expect(e).toMatchObject({ code: 'not_numeric', key: 'notNumber', params: { file: 'declared.csv', line: 3, column: 'x', found: '"foo"' } })
    const ko = importErrorText(e, tr, te, 'ko')
    expect(ko).toContain('declared.csv 3행, "x" 열')
    expect(ko).toContain('"foo"')
  })

  it('an unclosed quote: the line the quote opens on', async () => {
    const e = await expectError(out, inputOf(f('quote.csv', 'a,b\n1,2\n3,"x\n4,5\n')))
    expect(e).toMatchObject({ code: 'format_mismatch', key: 'csvUnclosedQuote', params: { line: 3 } })
    expect(importErrorText(e, tr, te, 'ko')).toContain('quote.csv 3행')
  })

  it('a truncated .npy: expected and found bytes, offset', async () => {
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (10, 4), }"
    const pad = 64 - ((10 + header.length + 1) % 64)
    const h = Buffer.from(`${header}${' '.repeat(pad)}\n`, 'latin1')
    const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 255, h.length >> 8])
    const p = f('x.npy', Buffer.concat([pre, h, Buffer.alloc(40)]))
    f('y.npy', Buffer.concat([pre, h, Buffer.alloc(160)]))
    const e = await expectError(out, { files: [{ path: p, name: 'x.npy' }, { path: path.join(t.dir, 'y.npy'), name: 'y.npy' }], dirs: [] } as never)
    expect(e).toMatchObject({ code: 'truncated', key: 'dataShort', params: { file: 'x.npy', shape: '10, 4', expected: 160, found: 40 } })
    expect(importErrorText(e, tr, te, 'ko')).toBe('x.npy: 잘린 파일입니다. 모양 [10, 4]에는 데이터 160바이트가 필요한데 40바이트뿐입니다(파일이 오프셋 168에서 끝남).')
  })

  it('skipped images carry a code, and the reason reads in Korean', async () => {
    const root = writeImageFolders(path.join(t.dir, 'pets-bad'), 4)
    writeFileSync(path.join(root, 'cats', 'zero.png'), Buffer.alloc(0))
    writeFileSync(path.join(root, 'dogs', 'broken.png'), pngBytes(16, 16, [1, 2, 3]).subarray(0, 40))
    writeFileSync(path.join(root, 'dogs', 'liar.jpg'), 'this is text')
    const r = await expectOk(out, inputOf(root))
    const by = Object.fromEntries(r.meta.skipped.map((s) => [s.name, s]))
    expect(by['cats/zero.png']).toMatchObject({ reason: 'zero-byte file, not an image.', code: 'imageZeroByte' })
    expect(by['dogs/broken.png']).toMatchObject({ code: 'imageDamaged', params: { kind: 'PNG' } })
    expect(by['dogs/liar.jpg']).toMatchObject({ code: 'imageExtNotImage', params: { ext: '.jpg' } })
    expect(skipReasonText(by['dogs/liar.jpg']!, tr, te, 'ko')).toMatch(/^이름은 \.jpg이지만 내용이 이미지가 아님\(첫 바이트 [0-9a-f ]+\)$/)
    expect(skipReasonText(by['cats/zero.png']!, tr, te, 'en')).toBe('zero-byte file, not an image.')
  })
})
