import { describe, expect, it } from 'vitest'
import type { InspectResult } from '../../preload/contract/types'
import { formFromInspect, formatEta, formatRate, splitSizes, validateImportForm, validateSplit } from '../../renderer/src/lib/importForm'

function csvInspect(over: Partial<InspectResult> = {}): InspectResult {
  const col = (name: string, index: number, type: 'numeric' | 'categorical' | 'text', distinct: number) =>
    ({ name, index, type, missing: index === 1 ? 3 : 0, distinct, samples: ['1', '2'] })
  return {
    format: 'csv', formatLabel: 'CSV', files: [{ name: 'a.csv', bytes: 10, role: 'table' }], totalBytes: 10, count: 300, countExact: true,
    inputShape: null, csv: { delimiter: ',', quote: '"', hasHeader: true, bom: false, lineEnding: 'lf' },
    columns: [col('x1', 0, 'numeric', 150), col('x2', 1, 'numeric', 90), col('note', 2, 'text', 300), col('y', 3, 'categorical', 3)],
    images: null, classNames: [], proposedTarget: 'y', proposedTask: 'classification', officialSplit: false,
    suggestedName: 'iris-like', warnings: [], ...over
  }
}

describe('formFromInspect', () => {
  it('proposes the detected target and task, 80/10/10, seed 42, and leaves text columns out', () => {
    const f = formFromInspect(csvInspect())
    expect(f).toMatchObject({ name: 'iris-like', target: 'y', task: 'classification', splitTrain: '80', splitVal: '10', splitTest: '10', seed: '42' })
    expect(f.columns.find((c) => c.name === 'note')!.ignore).toBe(true)
    expect(f.columns.find((c) => c.name === 'x2')!.missingCount).toBe(3)
  })
  it('uses the official split (test 0, validation from train) when the format has one', () => {
    const f = formFromInspect(csvInspect({ format: 'idx', officialSplit: true, columns: [] }))
    expect(f).toMatchObject({ useOfficialSplit: true, splitTrain: '90', splitVal: '10', splitTest: '0' })
  })
})

describe('validateImportForm', () => {
  it('turns a valid form into ImportOptions, sending only changed column settings', () => {
    const ins = csvInspect()
    const f = formFromInspect(ins)
    f.columns[1]!.missing = 'drop'
    f.columns[0]!.type = 'categorical'
    f.columns[0]!.encoding = 'index'
    const { options, errors } = validateImportForm(f, ins)
    expect(errors).toEqual({})
    expect(options).toMatchObject({ name: 'iris-like', target: 'y', task: 'classification', seed: 42, split: { train: 80, val: 10, test: 10 }, scaling: 'standardize', missing: 'fill' })
    expect(options!.columns).toEqual([
      { name: 'x1', type: 'categorical', encoding: 'index' },
      { name: 'x2', missing: 'drop' },
      { name: 'note', ignore: true },
      { name: 'y', encoding: 'onehot' }
    ])
    expect(options!.format).toBeUndefined()
  })
  it('explains each problem specifically', () => {
    const ins = csvInspect()
    const f = formFromInspect(ins)
    f.name = '  '
    f.splitTrain = '80'; f.splitVal = '15'; f.splitTest = '10'
    f.seed = '4.5'
    let r = validateImportForm(f, ins)
    expect(r.options).toBeNull()
    expect(r.errors.name).toEqual({ key: 'nameRequired' })
    expect(r.errors.split).toEqual({ key: 'splitSum', params: { sum: 105 } })
    expect(r.errors.seed).toEqual({ key: 'notInteger', params: { value: '4.5' } })

    f.name = 'ok'; f.splitVal = '10'; f.seed = '1'
    f.task = 'regression'
    r = validateImportForm(f, ins)
    expect(r.errors.task).toEqual({ key: 'regressionNeedsNumeric', params: { name: 'y', type: 'categorical' } })

    f.task = 'classification'
    f.target = ''
    expect(validateImportForm(f, ins).errors.target).toEqual({ key: 'targetRequired' })
    f.target = 'y'
    for (const c of f.columns) if (c.name !== 'y') c.ignore = true
    expect(validateImportForm(f, ins).errors.columns).toEqual({ key: 'noFeatures' })
    f.columns[2]!.ignore = false
    expect(validateImportForm(f, ins).errors.columns).toEqual({ key: 'textFeature', params: { name: 'note' } })
    f.columns[2]!.ignore = true
    f.columns[0]!.ignore = false
    f.target = 'x1'
    expect(validateImportForm(f, ins).errors.task).toEqual({ key: 'tooManyClasses', params: { name: 'x1', n: 150 } })
  })
  it('checks image size bounds', () => {
    const ins = csvInspect({
      format: 'images', columns: [], proposedTarget: null,
      images: { classes: [{ name: 'a', count: 1 }, { name: 'b', count: 1 }], sizes: [], defaultWidth: 28, defaultHeight: 28, colorMode: 'grayscale', skipped: [] }
    })
    const f = formFromInspect(ins)
    expect(validateImportForm(f, ins).options!.image).toEqual({ width: 28, height: 28, colorMode: 'grayscale' })
    f.imageWidth = '2'
    f.imageHeight = ''
    const r = validateImportForm(f, ins)
    expect(r.errors.imageWidth).toEqual({ key: 'range', params: { min: 4, max: 512 } })
    expect(r.errors.imageHeight).toEqual({ key: 'required' })
  })
})

describe('validateSplit and helpers', () => {
  it('accepts 100 in total with train ≥ 1', () => {
    expect(validateSplit('70', '15', '15', '0').value).toEqual({ split: { train: 70, val: 15, test: 15 }, seed: 0 })
    expect(validateSplit('0', '50', '50', '1').errors.split).toEqual({ key: 'splitRange' })
    expect(validateSplit('80', '', '20', '1').errors.split).toEqual({ key: 'required' })
    expect(validateSplit('80', '10', '10', String(2 ** 31)).errors.seed).toMatchObject({ key: 'range' })
  })
  it('previews split sizes, ETA and rates', () => {
    expect(splitSizes(300, 80, 10, 10)).toEqual({ train: 240, val: 30, test: 30 })
    expect(splitSizes(101, 90, 10, 0)).toEqual({ train: 91, val: 10, test: 0 })
    expect(formatEta(null)).toBe('—')
    expect(formatEta(42.4)).toBe('42 s')
    expect(formatEta(185)).toBe('3 min 05 s')
    expect(formatEta(3720)).toBe('1 h 02 min')
    expect(formatRate(5)).toBe('5.0')
    expect(formatRate(850)).toBe('850')
    expect(formatRate(12_345)).toBe('12k')
    expect(formatRate(4_500_000)).toBe('4.5M')
  })
})
