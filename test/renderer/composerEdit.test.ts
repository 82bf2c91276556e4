import { describe, expect, it } from 'vitest'
import { analyzeGraph, LAYER_KINDS, templateGraph, type GraphSpec } from '../../preload/contract/model'
import { History } from '../../renderer/src/lib/history'
import {
  baseName, candidateInputs, datasetInfo, effectiveParam, emptyGraph, insertLayer, moveLayer, newNodeId,
  quickFix, removeLayer, renameLayer, renameProblem, setInputs, setOutput, setParam
} from '../../renderer/src/lib/graphEdit'
import { LAYER_FIELDS, PALETTE_GROUPS, formatField, parseField } from '../../renderer/src/lib/layerFields'

const digits = datasetInfo({ inputShape: [28, 28, 1], task: 'classification', numClasses: 10 })
const ids = (s: GraphSpec): string[] => s.nodes.map((n) => n.id)
const inputsOf = (s: GraphSpec, id: string): string[] => s.nodes.find((n) => n.id === id)!.inputs

/** Input → Conv2D → MaxPool → Flatten → Dense(10 softmax), built the way the composer's palette does. */
function cnnFromScratch(): GraphSpec {
  let s = emptyGraph()
  for (const kind of ['Input', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense'] as const) s = insertLayer(s, s.nodes.length, kind).spec
  s = setParam(s, 'dense_1', 'units', 10)
  return setParam(s, 'dense_1', 'activation', 'softmax')
}

describe('History', () => {
  it('undoes and redoes snapshots, and a new edit drops the redo branch', () => {
    const h = new History('a')
    h.push('b')
    h.push('c')
    expect(h.undo()).toBe('b')
    expect(h.undo()).toBe('a')
    expect(h.undo()).toBeUndefined()
    expect(h.current).toBe('a')
    expect(h.redo()).toBe('b')
    h.push('x')
    expect(h.canRedo).toBe(false)
    expect(h.redo()).toBeUndefined()
    expect(h.undo()).toBe('b')
  })

  it('merges consecutive edits with the same coalesce key until sealed', () => {
    const h = new History('')
    h.push('1', 'units')
    h.push('12', 'units')
    h.push('128', 'units')
    expect(h.depth).toEqual({ undo: 1, redo: 0 })
    h.seal()
    h.push('1280', 'units')
    expect(h.undo()).toBe('128')
    expect(h.undo()).toBe('')
  })

  it('forgets steps beyond its limit and ignores pushing the current state', () => {
    const h = new History(0, 3)
    for (let i = 1; i <= 10; i++) h.push(i)
    h.push(h.current)
    expect(h.depth.undo).toBe(3)
    h.undo(); h.undo(); h.undo()
    expect(h.current).toBe(7)
    expect(h.canUndo).toBe(false)
    h.reset(42)
    expect(h.depth).toEqual({ undo: 0, redo: 0 })
  })
})

describe('graph edits', () => {
  it('names layers like Keras and never reuses a taken id', () => {
    expect(baseName('MaxPooling2D')).toBe('max_pooling2d')
    expect(baseName('BatchNormalization')).toBe('batch_normalization')
    expect(baseName('LSTM')).toBe('lstm')
    let s = emptyGraph()
    expect(newNodeId(s, 'Input')).toBe('input')
    s = insertLayer(s, 0, 'Input').spec
    expect(newNodeId(s, 'Input')).toBe('input_1')
    s = insertLayer(s, 1, 'Dense').spec
    expect(newNodeId(s, 'Dense')).toBe('dense_2')
  })

  it('builds a valid CNN for the digits dataset from scratch, one appended layer at a time', () => {
    const s = cnnFromScratch()
    expect(ids(s)).toEqual(['input', 'conv2d_1', 'max_pooling2d_1', 'flatten_1', 'dense_1'])
    expect(inputsOf(s, 'conv2d_1')).toEqual(['input'])
    expect(inputsOf(s, 'dense_1')).toEqual(['flatten_1'])
    expect(s.outputs).toEqual(['dense_1'])
    const a = analyzeGraph(s, digits)
    expect(a.errors).toEqual([])
    // conv 3×3×1×32+32 = 320; dense 13·13·32·10+10 = 54,090.
    expect(a.totalParams).toBe(320 + 54_090)
    expect(a.nodes.find((n) => n.id === 'flatten_1')!.outputShape).toEqual([13 * 13 * 32])
  })

  it('inserting between two layers feeds the new one from above and the one below from it', () => {
    let s = cnnFromScratch()
    const r = insertLayer(s, 3, 'Dropout', { rate: 0.25 })
    s = r.spec
    expect(r.id).toBe('dropout_1')
    expect(inputsOf(s, 'dropout_1')).toEqual(['max_pooling2d_1'])
    expect(inputsOf(s, 'flatten_1')).toEqual(['dropout_1'])
    expect(s.nodes[3]!.params).toEqual({ rate: 0.25 })
    expect(analyzeGraph(s, digits).valid).toBe(true)
  })

  it('removing Flatten makes an error at the output, and undo takes it away again', () => {
    const h = new History(cnnFromScratch())
    h.push(removeLayer(h.current, 'flatten_1'))
    expect(inputsOf(h.current, 'dense_1')).toEqual(['max_pooling2d_1'])
    const bad = analyzeGraph(h.current, digits)
    expect(bad.valid).toBe(false)
    expect(bad.nodes.find((n) => n.id === 'dense_1')!.error).toMatch(/Flatten/)
    h.undo()
    expect(analyzeGraph(h.current, digits).valid).toBe(true)
  })

  it('wrong output size is reported at the output with the number of classes', () => {
    const s = setParam(cnnFromScratch(), 'dense_1', 'units', 7)
    const a = analyzeGraph(s, digits)
    expect(a.nodes.find((n) => n.id === 'dense_1')!.error).toMatch(/7 units .* 10 classes; set units to 10/)
  })

  it('removing the output layer makes its input the output; removing Input unfeeds its consumer', () => {
    let s = removeLayer(cnnFromScratch(), 'dense_1')
    expect(s.outputs).toEqual(['flatten_1'])
    s = removeLayer(s, 'input')
    expect(inputsOf(s, 'conv2d_1')).toEqual([])
    expect(removeLayer(s, 'nope')).toBe(s)
  })

  it('moves layers up and down with the chain rewired at both places', () => {
    let s = cnnFromScratch()
    s = moveLayer(s, 'max_pooling2d_1', 1)
    expect(ids(s)).toEqual(['input', 'max_pooling2d_1', 'conv2d_1', 'flatten_1', 'dense_1'])
    expect(inputsOf(s, 'max_pooling2d_1')).toEqual(['input'])
    expect(inputsOf(s, 'conv2d_1')).toEqual(['max_pooling2d_1'])
    expect(inputsOf(s, 'flatten_1')).toEqual(['conv2d_1'])
    // Moving the output up: its input becomes the output, as when it is removed.
    s = moveLayer(s, 'dense_1', 3)
    expect(ids(s)).toEqual(['input', 'max_pooling2d_1', 'conv2d_1', 'dense_1', 'flatten_1'])
    expect(s.outputs).toEqual(['flatten_1'])
    // …and moving the last layer back to the end makes it the output again.
    s = moveLayer(s, 'dense_1', 4)
    expect(s.outputs).toEqual(['dense_1'])
    expect(inputsOf(s, 'dense_1')).toEqual(['flatten_1'])
    expect(moveLayer(s, 'dense_1', 99)).toBe(s)
  })

  it('wires an Add for a residual branch and keeps its inputs when moved', () => {
    let s = emptyGraph()
    for (const kind of ['Input', 'Dense', 'Dense', 'Add'] as const) s = insertLayer(s, s.nodes.length, kind).spec
    expect(analyzeGraph(s).nodes.find((n) => n.id === 'add_1')!.error).toMatch(/at least 2 inputs/)
    expect(candidateInputs(s, 'add_1')).toEqual(['input', 'dense_1', 'dense_2'])
    s = setInputs(s, 'add_1', ['dense_2', 'dense_1'])
    s = setParam(s, 'input', 'shape', [4])
    s = setParam(s, 'dense_1', 'units', 8)
    s = setParam(s, 'dense_2', 'units', 8)
    const a = analyzeGraph(s)
    expect(a.errors).toEqual([])
    expect(a.nodes.find((n) => n.id === 'add_1')!.outputShape).toEqual([8])
    s = insertLayer(s, 4, 'Dense').spec
    s = moveLayer(s, 'add_1', 4)
    expect(inputsOf(s, 'add_1')).toEqual(['dense_2', 'dense_1'])
  })

  it('sets, clears and nests parameters, and reads defaults', () => {
    let s = cnnFromScratch()
    s = setParam(s, 'conv2d_1', 'kernelRegularizer.l2', 0.01)
    expect(s.nodes[1]!.params).toMatchObject({ kernelRegularizer: { l2: 0.01 } })
    s = setParam(s, 'conv2d_1', 'kernelRegularizer.l2', undefined)
    expect(s.nodes[1]!.params).toBeUndefined()
    expect(effectiveParam(s.nodes[1]!, 'filters')).toBe(32)
    expect(effectiveParam(s.nodes[1]!, 'padding')).toBe('valid')
    expect(setParam(s, 'missing', 'units', 3)).toBe(s)
  })

  it('renames a layer everywhere it is referenced, refusing bad or taken names', () => {
    let s = cnnFromScratch()
    expect(renameProblem(s, 'dense_1', '1abc')).toBe('idPattern')
    expect(renameProblem(s, 'dense_1', 'flatten_1')).toBe('idTaken')
    s = renameLayer(s, 'dense_1', 'head')
    expect(s.outputs).toEqual(['head'])
    s = renameLayer(s, 'flatten_1', 'flat')
    expect(inputsOf(s, 'head')).toEqual(['flat'])
    expect(setOutput(s, 'head')).toBe(s)
    expect(setOutput(s, 'flat').outputs).toEqual(['flat'])
  })

  it('keeps every template valid through a round of moves back and forth', () => {
    for (const id of ['lenet', 'mlp'] as const) {
      let s = templateGraph(id, digits)
      const n = s.nodes.length
      const last = s.nodes[n - 2]!.id
      s = moveLayer(s, last, n - 3)
      s = moveLayer(s, last, n - 2)
      expect(analyzeGraph(s, digits).errors, id).toEqual([])
    }
  })
})

describe('quick fixes', () => {
  const fixAll = (s: GraphSpec, data = digits): GraphSpec => {
    for (let i = 0; i < 5; i++) {
      const e = analyzeGraph(s, data).errors[0]
      const f = e?.nodeId ? quickFix(s, e.nodeId, e.code, data) : null
      if (!f) return s
      s = f.apply(s)
    }
    return s
  }
  it('repairs a wrong output size and activation, a missing Flatten and a stale Input shape', () => {
    const bad = setParam(setParam(removeLayer(cnnFromScratch(), 'flatten_1'), 'dense_1', 'units', 7), 'dense_1', 'activation', 'relu')
    const withShape = setParam(bad, 'input', 'shape', [32, 32, 3])
    const e = analyzeGraph(withShape, digits).errors[0]!
    expect(quickFix(withShape, e.nodeId!, e.code, digits)).toMatchObject({ key: 'useDatasetShape', params: { shape: '28×28×1' } })
    const fixed = fixAll(withShape)
    expect(analyzeGraph(fixed, digits).errors).toEqual([])
    expect(fixed.nodes.map((n) => n.kind)).toEqual(['Input', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense'])
    const housing = datasetInfo({ inputShape: [8], task: 'regression', numClasses: 0 })
    const reg = setParam(setParam(setParam(insertLayer(insertLayer(emptyGraph(), 0, 'Input').spec, 1, 'Dense').spec, 'dense_1', 'units', 3), 'dense_1', 'activation', 'softmax'), 'input', 'shape', [8])
    expect(analyzeGraph(fixAll(reg, housing), housing).errors).toEqual([])
    expect(quickFix(reg, 'dense_1', 'cycle', housing)).toBeNull()
    expect(quickFix(reg, 'dense_1', 'output-size', undefined)).toBeNull()
  })
})

describe('inspector fields', () => {
  it('lists every palette kind once and has fields for every kind', () => {
    const all = PALETTE_GROUPS.flatMap((g) => g.kinds)
    expect([...all].sort()).toEqual([...LAYER_KINDS].sort())
    for (const k of LAYER_KINDS) expect(LAYER_FIELDS[k]).toBeDefined()
  })

  it('parses typed text into parameter values with specific errors', () => {
    expect(parseField('int', ' 64 ')).toEqual({ ok: true, value: 64 })
    expect(parseField('int', '6.4')).toEqual({ ok: false, error: { key: 'notInteger', params: { value: '6.4' } } })
    expect(parseField('int', '')).toEqual({ ok: false, error: { key: 'required' } })
    expect(parseField('number', '1e-3')).toEqual({ ok: true, value: 0.001 })
    expect(parseField('number', 'abc').ok).toBe(false)
    expect(parseField('number', '', true)).toEqual({ ok: true, value: undefined })
    expect(parseField('size2d', '3')).toEqual({ ok: true, value: 3 })
    expect(parseField('size2d', '3x5')).toEqual({ ok: true, value: [3, 5] })
    expect(parseField('size2d', '3, 3')).toEqual({ ok: true, value: 3 })
    expect(parseField('size2d', '1,2,3').ok).toBe(false)
    expect(parseField('nullableSize2d', '')).toEqual({ ok: true, value: undefined })
    expect(parseField('intList', '[28, 28, 1]')).toEqual({ ok: true, value: [28, 28, 1] })
    expect(parseField('intList', '-1')).toEqual({ ok: true, value: [-1] })
    expect(parseField('intList', 'a,b').ok).toBe(false)
    expect(parseField('intList', '', true)).toEqual({ ok: true, value: undefined })
    expect(parseField('activation', 'gelu')).toEqual({ ok: true, value: 'gelu' })
    expect(parseField('activation', 'swish').ok).toBe(false)
    expect(parseField('bool', 'true')).toEqual({ ok: true, value: true })
    expect(formatField('intList', [28, 28, 1])).toBe('28, 28, 1')
    expect(formatField('nullableInt', null)).toBe('')
  })
})
