/**
 * Import warnings reach the UI in the person's language: every code the importer emits
 * (main/datasets/warnings.ts) has an English and a Korean message with the same params, and
 * warningText says coded warnings in the locale and plain (pre-code) strings as they are.
 */
import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import en from '../../renderer/src/i18n/en'
import ko from '../../renderer/src/i18n/ko'
import { warningText } from '../../renderer/src/lib/warnings'
import { warn } from '../../main/datasets/warnings'
import { ImportWarningCodeSchema } from '../../preload/contract/schemas'

const i18n = createI18n({ legacy: false, locale: 'en', messages: { en, ko }, missingWarn: false, fallbackWarn: false })
const g = i18n.global
const t = (k: string, p: Record<string, unknown> = {}) => g.t(k, p)
const te = (k: string) => g.te(k)

const samples = [
  warn.textColumn('notes'), warn.idxUnpaired(), warn.idxCountMismatch('a.gz', 20, 'b.gz', 19), warn.imbalanced(300, 12),
  warn.mixedSizes(3, 28, 28), warn.willSkip(2), warn.filesSkipped(1), warn.rowsDropped(1234, 50000, false), warn.rowsDropped(5, 30, true)
]

describe('import warnings in English and Korean', () => {
  it('every code has a builder sample and a message in both locales that uses all its params', () => {
    expect(new Set(samples.map((s) => s.code))).toEqual(new Set(ImportWarningCodeSchema.options))
    for (const w of samples) {
      for (const loc of ['en', 'ko'] as const) {
        g.locale.value = loc
        const text = warningText(w, t, te, loc)
        expect(te(`warnings.${w.code}`), `${loc} ${w.code}`).toBe(true)
        expect(text).not.toMatch(/[{}]/)
        for (const v of Object.values(w.params)) expect(text, `${loc} ${w.code}`).toContain(typeof v === 'number' ? new Intl.NumberFormat(loc).format(v) : v)
      }
    }
  })

  it('Korean differs from English; plain strings and unknown codes show their text', () => {
    g.locale.value = 'ko'
    const w = warn.rowsDropped(1234, 50000, false)
    expect(warningText(w, t, te, 'ko')).toBe('전체 50,000행 중 1,234행을 버렸습니다(타깃 값 없음).')
    g.locale.value = 'en'
    expect(warningText(w, t, te, 'en')).toBe('1,234 of 50,000 rows dropped (missing target).')
    expect(w.message).toBe('1,234 of 50,000 rows dropped (missing target).')
    expect(warningText('an old plain warning', t, te, 'ko')).toBe('an old plain warning')
    expect(warningText({ code: 'fromTheFuture' as never, params: {}, message: 'English fallback' }, t, te)).toBe('English fallback')
  })
})

describe('backend hint in English and Korean', () => {
  it('is said from the renderer’s messages by backend, the English sentence kept for others', async () => {
    const { backendHintText } = await import('../../renderer/src/lib/backendHint')
    const info = (name: 'wasm' | 'tensorflow' | 'cpu', hint: string | null) => ({ backend: { name, device: 'x' }, backendHint: hint })
    g.locale.value = 'ko'
    expect(backendHintText(info('wasm', 'For much faster training…'), t)).toMatch(/훨씬 빠르게 학습하려면 .*@tensorflow\/tfjs-node/)
    expect(backendHintText(info('tensorflow', 'For GPU training…'), t)).toMatch(/GPU로 학습하려면 .*@tensorflow\/tfjs-node-gpu/)
    expect(backendHintText(info('wasm', null), t)).toBeNull() // the native engine runs: nothing to say
    g.locale.value = 'en'
    expect(backendHintText(info('cpu', 'x'), t)).toMatch(/^For much faster training, run “npm install @tensorflow\/tfjs-node”/)
  })
})

describe('inspect words in English and Korean', () => {
  it('format labels and file roles: English equals what detect.ts writes, Korean is translated', async () => {
    const { fileRoleText, formatLabelText } = await import('../../renderer/src/lib/inspectText')
    const csv = (delimiter: string, hasHeader: boolean) => ({ delimiter, quote: '"', hasHeader, bom: false, lineEnding: 'lf' as const })
    const cases: Array<[Parameters<typeof formatLabelText>[0], string]> = [
      [{ format: 'csv', formatLabel: 'CSV (comma-separated, header row)', csv: csv(',', true), classNames: [] }, 'CSV (comma-separated, header row)'],
      [{ format: 'csv', formatLabel: 'TSV (tab-separated, no header row)', csv: csv('\t', false), classNames: [] }, 'TSV (tab-separated, no header row)'],
      [{ format: 'idx', formatLabel: 'IDX (MNIST-style)', csv: null, classNames: [] }, 'IDX (MNIST-style)'],
      [{ format: 'cifar', formatLabel: 'CIFAR-100 binary batches', csv: null, classNames: [] }, 'CIFAR-100 binary batches'],
      [{ format: 'images', formatLabel: 'Image folders (one sub-folder per class)', csv: null, classNames: [] }, 'Image folders (one sub-folder per class)'],
      [{ format: 'npz', formatLabel: 'NumPy archive (.npz)', csv: null, classNames: [] }, 'NumPy archive (.npz)']
    ]
    g.locale.value = 'en'
    for (const [ins, want] of cases) expect(formatLabelText(ins, t)).toBe(want)
    const roles = ['table', 'train images', 'test labels', 'labels', 'train batch', 'batch', 'class names', 'class folder, 120 images', '[60000, 28, 28]']
    for (const r of roles) expect(fileRoleText(r, t).toLowerCase()).toBe(r)
    g.locale.value = 'ko'
    expect(formatLabelText(cases[0]![0], t)).toBe('CSV (쉼표 구분, 머리글 행 있음)')
    expect(fileRoleText('test labels', t)).toBe('테스트 레이블')
    expect(fileRoleText('class folder, 120 images', t)).toBe('클래스 폴더, 이미지 120개')
    expect(fileRoleText('[60000, 28, 28]', t)).toBe('[60000, 28, 28]')
    g.locale.value = 'en'
  })
})
