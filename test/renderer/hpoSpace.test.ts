import { describe, expect, it } from 'vitest'
import { parseSearchSpace, serializeSearchSpace } from '../../main/hpo/space'
import {
  TUTORIAL_SPACE, checkRow, formatChoice, gridSize, newRow, parentCandidates, parseChoice, rowsToSpace, spaceToRows,
  tutorialRows, type SpaceRow
} from '../../renderer/src/lib/hpoSpace'

function row(p: Partial<SpaceRow>): SpaceRow {
  return { ...newRow(p.kind ?? 'float'), ...p }
}
const errs = (r: SpaceRow, earlier: SpaceRow[] = []) => checkRow(r, earlier).errors

describe('search-space editor rows', () => {
  it('builds each kind of parameter from typed fields', () => {
    expect(checkRow(row({ name: 'learningRate', kind: 'float', low: '1e-4', high: '0.5', log: true }), []).param).toEqual({ name: 'learningRate', kind: 'float', low: 1e-4, high: 0.5, log: true })
    expect(checkRow(row({ name: 'epochs', kind: 'int', low: '2', high: '20', step: '2' }), []).param).toEqual({ name: 'epochs', kind: 'int', low: 2, high: 20, step: 2 })
    // Step 1 is an int's default: left out, so a log-scale int is valid.
    expect(checkRow(row({ name: 'model.units', kind: 'int', low: '16', high: '512', step: '1', log: true }), []).param).toEqual({ name: 'model.units', kind: 'int', low: 16, high: 512, log: true })
    expect(checkRow(row({ name: 'batchSize', kind: 'discrete', values: '500, 1000,2000' }), []).param).toEqual({ name: 'batchSize', kind: 'discrete', values: [500, 1000, 2000] })
    expect(checkRow(row({ name: 'optimizer', kind: 'categorical', values: 'adam, sgd , momentum' }), []).param).toEqual({ name: 'optimizer', kind: 'categorical', choices: ['adam', 'sgd', 'momentum'] })
  })

  it('gives a specific message per field', () => {
    expect(errs(row({ name: '' }))).toEqual({ name: { key: 'nameRequired' } })
    expect(errs(row({ name: 'model..x' }))).toEqual({ name: { key: 'namePath', params: { name: 'model..x' } } })
    expect(errs(row({ name: 'lr', low: 'abc' }))).toEqual({ low: { key: 'notNumber', params: { value: 'abc' } } })
    expect(errs(row({ name: 'lr', low: '' }))).toEqual({ low: { key: 'required' } })
    expect(errs(row({ name: 'lr', low: '0.5', high: '0.1' }))).toEqual({ high: { key: 'lowAboveHigh', params: { low: 0.5, high: 0.1 } } })
    expect(errs(row({ name: 'lr', low: '0', high: '0.1', log: true }))).toEqual({ low: { key: 'logNeedsPositive', params: { low: 0 } } })
    expect(errs(row({ name: 'lr', low: '0.01', high: '0.1', log: true, step: '0.01' }))).toEqual({ step: { key: 'logStepFloat' } })
    expect(errs(row({ name: 'u', kind: 'int', low: '1', high: '64', log: true, step: '2' }))).toEqual({ step: { key: 'logStepInt' } })
    expect(errs(row({ name: 'u', kind: 'int', low: '1.5', high: '4' }))).toEqual({ low: { key: 'notInteger', params: { value: '1.5' } } })
    expect(errs(row({ name: 'u', kind: 'int', low: '1', high: '4', step: '0' }))).toEqual({ step: { key: 'stepPositive', params: { step: 0 } } })
    expect(errs(row({ name: 'd', kind: 'float', low: '0', high: '1', step: '0.3' }))).toEqual({ step: { key: 'stepGrid', params: { step: 0.3, low: 0, high: 1, last: 0.9 } } })
    expect(errs(row({ name: 'b', kind: 'discrete', values: '' }))).toEqual({ values: { key: 'valuesRequired' } })
    expect(errs(row({ name: 'b', kind: 'discrete', values: '1, x' }))).toEqual({ values: { key: 'valueNotNumber', params: { value: 'x' } } })
    expect(errs(row({ name: 'b', kind: 'discrete', values: '1, 2, 1' }))).toEqual({ values: { key: 'valueDuplicate', params: { value: 1 } } })
    expect(errs(row({ name: 'o', kind: 'categorical', values: ' , ' }))).toEqual({ values: { key: 'choicesRequired' } })
  })

  it('checks names against earlier rows: duplicates and overlapping paths', () => {
    const a = row({ name: 'model.hidden', kind: 'categorical', values: 'x' })
    expect(errs(row({ name: 'model.hidden' }), [a])).toEqual({ name: { key: 'nameDuplicate', params: { name: 'model.hidden' } } })
    expect(errs(row({ name: 'model.hidden.0' }), [a])).toEqual({ name: { key: 'nameOverlap', params: { name: 'model.hidden.0', other: 'model.hidden' } } })
  })

  it('conditions: parent must be an earlier categorical, values among its choices', () => {
    const opt = row({ name: 'optimizer', kind: 'categorical', values: 'sgd, momentum, adam' })
    const mom = row({ name: 'optimizerOptions.momentum', low: '0.5', high: '0.99', whenParent: 'optimizer', whenValues: 'momentum' })
    expect(checkRow(mom, [opt]).param).toEqual({ name: 'optimizerOptions.momentum', kind: 'float', low: 0.5, high: 0.99, when: { parent: 'optimizer', values: ['momentum'] } })
    expect(errs({ ...mom, whenValues: 'rmsprop' }, [opt])).toEqual({ whenValues: { key: 'whenValueUnknown', params: { value: 'rmsprop', parent: 'optimizer', choices: 'sgd, momentum, adam' } } })
    expect(errs({ ...mom, whenValues: '' }, [opt])).toEqual({ whenValues: { key: 'whenValuesRequired', params: { parent: 'optimizer' } } })
    expect(errs(mom, [])).toEqual({ whenParent: { key: 'parentUnknown', params: { parent: 'optimizer' } } })
    expect(errs(mom, [row({ name: 'optimizer', kind: 'int', low: '0', high: '2' })])).toEqual({ whenParent: { key: 'parentNotCategorical', params: { parent: 'optimizer' } } })
    expect(parentCandidates([opt, mom, row({ name: 'act', kind: 'categorical', values: 'relu' })], 1)).toEqual(['optimizer'])
  })

  it('parses choices: numbers and booleans typed, quotes force strings, and prints them back', () => {
    expect(['2', '0.5', 'true', 'false', 'relu', "'3'", '"x y"'].map(parseChoice)).toEqual([2, 0.5, true, false, 'relu', '3', 'x y'])
    for (const v of [2, 0.5, true, 'relu', '3', 'false']) expect(parseChoice(formatChoice(v))).toEqual(v)
  })

  it('rowsToSpace: per-row errors, or a space the core validator and zod schema accept', () => {
    const rows = tutorialRows()
    const r = rowsToSpace(rows)
    expect(r.rowErrors.every((e) => Object.keys(e).length === 0)).toBe(true)
    expect(r.space).toEqual(TUTORIAL_SPACE)
    expect(parseSearchSpace(JSON.parse(serializeSearchSpace(r.space!)))).toEqual(TUTORIAL_SPACE)
    const bad = rowsToSpace([...rows, row({ name: 'learningRate' })])
    expect(bad.space).toBeNull()
    expect(bad.rowErrors[4]).toEqual({ name: { key: 'nameDuplicate', params: { name: 'learningRate' } } })
    expect(rowsToSpace([]).spaceErrors).toEqual([{ key: 'empty' }])
  })

  it('round-trips a saved space through the editor rows', () => {
    const space = {
      params: [
        { name: 'optimizer', kind: 'categorical' as const, choices: ['sgd', 'momentum', 2, true, '3'] },
        { name: 'optimizerOptions.momentum', kind: 'float' as const, low: 0.5, high: 0.99, when: { parent: 'optimizer', values: ['momentum'] } },
        { name: 'epochs', kind: 'int' as const, low: 2, high: 10, step: 2 },
        { name: 'learningRate', kind: 'float' as const, low: 1e-4, high: 0.5, log: true }
      ]
    }
    expect(rowsToSpace(spaceToRows(space)).space).toEqual(space)
  })

  it('the tutorial preset is the issue’s space and gridSize counts its configurations', () => {
    expect(TUTORIAL_SPACE.params.map((p) => p.name)).toEqual(['learningRate', 'model.layers', 'model.units', 'batchSize'])
    expect(TUTORIAL_SPACE.params[0]).toEqual({ name: 'learningRate', kind: 'float', low: 0.01, high: 0.5 })
    expect(gridSize(TUTORIAL_SPACE, 5)).toBe(5 * 2 * 2 * 3)
    expect(gridSize({ params: Array.from({ length: 20 }, (_, i) => ({ name: `p${i}`, kind: 'discrete' as const, values: Array.from({ length: 10 }, (_, k) => k) })) })).toBe(Infinity)
  })
})
