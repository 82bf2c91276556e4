import { describe, expect, it } from 'vitest'
import {
  analyzeGraph, formatShape, graphSpec, GRAPH_TEMPLATES, resolveParams,
  type GraphAnalysis, type GraphDatasetInfo, type GraphNode, type GraphSpec
} from '../../../preload/contract/model'

const mnist: GraphDatasetInfo = { inputShape: [28, 28, 1], task: 'classification', numClasses: 10 }
const flat: GraphDatasetInfo = { inputShape: [4], task: 'classification', numClasses: 3 }
const reg: GraphDatasetInfo = { inputShape: [8], task: 'regression', numClasses: 0 }

const node = (id: string, kind: GraphNode['kind'], inputs: string[], params?: Record<string, unknown>): GraphNode =>
  ({ id, kind, inputs, ...(params ? { params } : {}) } as GraphNode)
const input = (shape?: number[]): GraphNode => node('in', 'Input', [], shape ? { shape } : undefined)
const head = (from: string, units = 10, activation = 'softmax'): GraphNode => node('out', 'Dense', [from], { units, activation })

/** The single error of an analysis (fails the test when there are none or several). */
function onlyError(a: GraphAnalysis): GraphAnalysis['errors'][number] {
  expect(a.errors.map((e) => `${e.nodeId}: ${e.message}`)).toHaveLength(1)
  return a.errors[0]!
}

describe('analyzeGraph: shapes and parameters', () => {
  it('infers a LeNet by hand', () => {
    const spec = GRAPH_TEMPLATES.find((t) => t.id === 'lenet')!.build(mnist)
    const a = analyzeGraph(spec, mnist)
    expect(a.valid).toBe(true)
    const shape = (id: string): number[] | null => a.nodes.find((n) => n.id === id)!.outputShape
    // same 5×5 keeps 28; pool → 14; valid 5×5 → 10; pool → 5; 5·5·16 = 400
    expect(shape('conv_1')).toEqual([28, 28, 6])
    expect(shape('pool_1')).toEqual([14, 14, 6])
    expect(shape('conv_2')).toEqual([10, 10, 16])
    expect(shape('flatten')).toEqual([400])
    // 5·5·1·6+6, 5·5·6·16+16, 400·120+120, 120·84+84, 84·10+10
    expect(a.totalParams).toBe(156 + 2416 + 48120 + 10164 + 850)
    expect(a.trainableParams).toBe(a.totalParams)
  })

  it('counts BatchNormalization as 4·C with 2·C non-trainable, LSTM as 4·(u·(in+u)+u), GRU (TF.js) as 3·(u·(in+u)+u)', () => {
    const spec = graphSpec([
      input([10, 6]),
      node('bn', 'BatchNormalization', ['in']),
      node('lstm', 'LSTM', ['bn'], { units: 5, returnSequences: true }),
      node('gru', 'GRU', ['lstm'], { units: 3 }),
      head('gru', 3)
    ], ['out'])
    const a = analyzeGraph(spec, { inputShape: [10, 6], task: 'classification', numClasses: 3 })
    expect(a.valid).toBe(true)
    const p = (id: string): [number, number] => { const n = a.nodes.find((x) => x.id === id)!; return [n.params, n.trainable] }
    expect(p('bn')).toEqual([24, 12])
    expect(p('lstm')).toEqual([4 * (5 * (6 + 5) + 5), 4 * (5 * (6 + 5) + 5)])
    expect(p('gru')).toEqual([3 * (3 * (5 + 3) + 3), 3 * (3 * (5 + 3) + 3)])
    expect(a.nodes.find((x) => x.id === 'lstm')!.outputShape).toEqual([10, 5])
    expect(a.nonTrainableParams).toBe(12)
  })

  it('pads and strides like Keras: valid ⌊(n−k)/s⌋+1, same ⌈n/s⌉', () => {
    const spec = graphSpec([
      input([11, 11, 2]),
      node('a', 'Conv2D', ['in'], { filters: 3, kernelSize: 3, strides: 2, padding: 'valid' }),
      node('b', 'Conv2D', ['in'], { filters: 3, kernelSize: 3, strides: 2, padding: 'same' }),
      node('c', 'MaxPooling2D', ['in'], { poolSize: 3 }),
      node('d', 'AveragePooling2D', ['in'], { poolSize: [2, 3], strides: 1, padding: 'valid' }),
      node('fa', 'Flatten', ['a']), node('fb', 'Flatten', ['b']), node('fc', 'Flatten', ['c']), node('fd', 'Flatten', ['d']),
      node('all', 'Concatenate', ['fa', 'fb', 'fc', 'fd'])
    ], ['all'])
    const a = analyzeGraph(spec)
    expect(a.errors).toEqual([])
    const s = (id: string): number[] | null => a.nodes.find((n) => n.id === id)!.outputShape
    expect(s('a')).toEqual([5, 5, 3])
    expect(s('b')).toEqual([6, 6, 3])
    expect(s('c')).toEqual([3, 3, 2])
    expect(s('d')).toEqual([10, 9, 2])
    expect(s('all')).toEqual([75 + 108 + 18 + 180])
  })

  it('resolveParams fills Keras defaults and keeps explicit values', () => {
    expect(resolveParams({ kind: 'Conv2D', params: { filters: 8 } })).toMatchObject({ filters: 8, kernelSize: 3, strides: 1, padding: 'valid', activation: 'linear', useBias: true })
    expect(resolveParams({ kind: 'BatchNormalization' })).toEqual({ axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true })
    expect(resolveParams({ kind: 'LSTM', params: { units: 4, returnSequences: undefined } }).returnSequences).toBe(false)
    expect(formatShape([28, 28, 1])).toBe('28×28×1')
  })
})

describe('analyzeGraph: every invalid case names the node and the fix', () => {
  it('Add with different shapes suggests a 1×1 Conv2D on the shortcut', () => {
    const spec = graphSpec([input(), node('c1', 'Conv2D', ['in'], { filters: 16, padding: 'same' }), node('c2', 'Conv2D', ['c1'], { filters: 32, padding: 'same' }),
      node('add', 'Add', ['c2', 'c1']), node('f', 'Flatten', ['add']), head('f')], ['out'])
    const e = onlyError(analyzeGraph(spec, mnist))
    expect(e).toMatchObject({ nodeId: 'add', code: 'shape-mismatch' })
    expect(e.message).toContain('28×28×32 (from "c2") and 28×28×16 (from "c1")')
    expect(e.message).toContain('1×1 Conv2D with 32 filters on the shortcut')
  })

  it('Concatenate with unequal sizes off the axis says to pool/resize or change the axis', () => {
    const spec = graphSpec([input(), node('a', 'Conv2D', ['in'], { filters: 4 }), node('b', 'Conv2D', ['in'], { filters: 4, padding: 'same' }),
      node('cat', 'Concatenate', ['a', 'b']), node('f', 'Flatten', ['cat']), head('f')], ['out'])
    const e = onlyError(analyzeGraph(spec, mnist))
    expect(e).toMatchObject({ nodeId: 'cat', code: 'axis-mismatch' })
    expect(e.message).toMatch(/26×26×4 \(from "a"\) and 28×28×4 \(from "b"\).*pool or resize the branches.*change the axis/)
    // The same two branches joined along the height axis fit? No: widths differ too, so still an error.
    const ranks = graphSpec([input(), node('f', 'Flatten', ['in']), node('cat', 'Concatenate', ['in', 'f']), head('cat')], ['out'])
    expect(onlyError(analyzeGraph(ranks, mnist)).message).toMatch(/same rank.*Flatten both/)
  })

  it('Dense on a 3-D feature map asks for Flatten; on a sequence it only warns', () => {
    const spec = graphSpec([input(), node('c', 'Conv2D', ['in'], { filters: 4 }), node('d', 'Dense', ['c'], { units: 10, activation: 'softmax' })], ['d'])
    const e = onlyError(analyzeGraph(spec, mnist))
    expect(e).toMatchObject({ nodeId: 'd', code: 'rank' })
    expect(e.message).toBe('Dense gets a 3-D tensor (26×26×4); add a Flatten (or GlobalAveragePooling2D) before it.')
    const seq = graphSpec([input([5, 3]), node('d', 'Dense', ['in'], { units: 2 }), node('f', 'Flatten', ['d']), head('f', 3)], ['out'])
    const a = analyzeGraph(seq, { inputShape: [5, 3], task: 'classification', numClasses: 3 })
    expect(a.valid).toBe(true)
    expect(a.warnings).toHaveLength(1)
    expect(a.warnings[0]).toMatchObject({ nodeId: 'd', code: 'dense-on-sequence' })
    expect(a.nodes.find((n) => n.id === 'd')!.warning).toMatch(/GlobalAveragePooling1D/)
  })

  it('Conv2D on flat rows or on images without a channel axis suggests the Reshape', () => {
    const onFlat = graphSpec([input(), node('c', 'Conv2D', ['in']), node('f', 'Flatten', ['c']), head('f')], ['out'])
    const e = onlyError(analyzeGraph(onFlat, { inputShape: [784], task: 'classification', numClasses: 10 }))
    expect(e).toMatchObject({ nodeId: 'c', code: 'rank' })
    expect(e.message).toMatch(/needs a 3-D input \(height×width×channels\) but gets 784 \(1-D\).*Reshape to \[28, 28, 1\]/)
    const e2 = onlyError(analyzeGraph(onFlat, { inputShape: [28, 28], task: 'classification', numClasses: 10 }))
    expect(e2.message).toMatch(/gets 28×28 \(2-D\).*Reshape to \[28, 28, 1\]/)
  })

  it('a kernel larger than its input with valid padding names the sizes and the fixes', () => {
    const spec = graphSpec([input([6, 6, 1]), node('p', 'MaxPooling2D', ['in'], { poolSize: 2 }), node('c', 'Conv2D', ['p'], { filters: 4, kernelSize: 5 }),
      node('f', 'Flatten', ['c']), head('f')], ['out'])
    const e = onlyError(analyzeGraph(spec, { inputShape: [6, 6, 1], task: 'classification', numClasses: 10 }))
    expect(e).toMatchObject({ nodeId: 'c', code: 'kernel-too-large' })
    expect(e.message).toBe("kernel 5×5 is larger than its 3×3 input with 'valid' padding; use padding 'same', a smaller kernel, or fewer pooling layers before it.")
    // Nothing downstream is blamed for the upstream problem.
    expect(analyzeGraph(spec).nodes.find((n) => n.id === 'f')!.error).toBeUndefined()
  })

  it('a missing output is a graph-level error', () => {
    const spec: GraphSpec = { ...graphSpec([input([4]), head('in', 3)], []), outputs: [] }
    const a = analyzeGraph(spec, flat)
    expect(a.valid).toBe(false)
    expect(a.errors.find((x) => x.code === 'no-output')).toMatchObject({ nodeId: null, message: 'the model has no output; mark its last layer as the output.' })
    expect(onlyError(analyzeGraph(graphSpec([input([4]), head('in', 3)], ['nope']), flat))).toMatchObject({ nodeId: null, code: 'unknown-output' })
  })

  it('a cycle marks each node on it with the loop spelled out', () => {
    const spec = graphSpec([input([4]), node('a', 'Dense', ['in', 'c']), node('b', 'Dense', ['a']), node('c', 'Dense', ['b']), head('c', 3)], ['out'])
    // 'a' takes two inputs (Dense takes one) and sits on a cycle.
    const a = analyzeGraph(spec, flat)
    const cycles = a.errors.filter((e) => e.code === 'cycle')
    expect(cycles.map((e) => e.nodeId).sort()).toEqual(['a', 'b', 'c'])
    expect(cycles.find((e) => e.nodeId === 'b')!.message).toBe('"b" is part of a cycle (b → c → a → b); a model must flow one way: remove one of these connections.')
    expect(a.errors.find((e) => e.nodeId === 'a' && e.code === 'input-count')!.message).toMatch(/merge the branches with Add or Concatenate/)
    expect(a.nodes.find((n) => n.id === 'out')!.outputShape).toBeNull()
  })

  it('disconnected layers: not fed from the Input, or leading nowhere', () => {
    const spec = graphSpec([input([4]), node('d1', 'Dense', ['in'], { units: 8 }), node('orphan', 'Dense', ['lonely']), node('lonely2', 'Flatten', ['orphan']),
      node('side', 'Dense', ['d1'], { units: 2 }), head('d1', 3)], ['out'])
    const a = analyzeGraph(spec, flat)
    const by = (id: string): string[] => a.errors.filter((e) => e.nodeId === id).map((e) => e.code)
    expect(by('orphan')).toEqual(['unknown-input'])
    expect(a.errors.find((e) => e.nodeId === 'orphan')!.message).toBe('input "lonely" of "orphan" does not exist; connect "orphan" to an existing layer.')
    expect(by('lonely2')).toEqual(['disconnected'])
    expect(by('side')).toEqual(['dead-end'])
    expect(a.errors.find((e) => e.nodeId === 'side')!.message).toBe('"side" does not lead to any output; connect it to the layers below or delete it.')
    const noInputs = analyzeGraph(graphSpec([input([4]), node('x', 'Dense', []), head('in', 3)], ['out']), flat)
    expect(noInputs.errors.find((e) => e.nodeId === 'x')!.message).toBe('Dense takes exactly 1 input, it has 0; connect a layer to it.')
  })

  it('the output must match the dataset: classes, targets, activation, rank', () => {
    const mlp = (units: number, activation: string): GraphSpec => graphSpec([input([4]), node('h', 'Dense', ['in'], { units: 8, activation: 'relu' }), head('h', units, activation)], ['out'])
    expect(onlyError(analyzeGraph(mlp(10, 'softmax'), flat))).toMatchObject({ nodeId: 'out', code: 'output-size', message: 'the output has 10 units but the dataset has 3 classes; set units to 3.' })
    expect(onlyError(analyzeGraph(mlp(3, 'linear'), flat))).toMatchObject({ nodeId: 'out', code: 'output-activation', message: "a classifier's output must give class probabilities but this one ends in linear; set its activation to softmax." })
    const regData = { ...reg, inputShape: [4] }
    expect(onlyError(analyzeGraph(mlp(1, 'softmax'), regData))).toMatchObject({ nodeId: 'out', code: 'output-activation', message: 'softmax forces the outputs to sum to 1, which cannot fit regression targets; set the activation to linear.' })
    expect(onlyError(analyzeGraph(mlp(3, 'linear'), { ...regData, numTargets: 2 }))).toMatchObject({ code: 'output-size', message: 'the output has 3 units but the dataset has 2 regression targets; set units to 2.' })
    expect(analyzeGraph(mlp(1, 'linear'), regData).valid).toBe(true)
    // Two classes: a single sigmoid unit is fine (binary cross-entropy), as is a 2-way softmax.
    const binary = { ...flat, numClasses: 2 }
    expect(analyzeGraph(mlp(1, 'sigmoid'), binary).valid).toBe(true)
    expect(analyzeGraph(mlp(2, 'softmax'), binary).valid).toBe(true)
    // softmax in a separate Activation layer, behind a Dropout, still counts.
    const split = graphSpec([input([4]), node('d', 'Dense', ['in'], { units: 3 }), node('sm', 'Activation', ['d'], { activation: 'softmax' }), node('dr', 'Dropout', ['sm'], { rate: 0.1 })], ['dr'])
    expect(analyzeGraph(split, flat).valid).toBe(true)
    const seqOut = graphSpec([input([5, 3]), node('d', 'Dense', ['in'], { units: 3, activation: 'softmax' })], ['d'])
    expect(analyzeGraph(seqOut, { inputShape: [5, 3], task: 'classification', numClasses: 3 }).errors[0]).toMatchObject({ nodeId: 'd', code: 'output-rank' })
  })

  it('ids, Inputs, Reshape sizes, bad parameters and the vocabulary', () => {
    const dup = analyzeGraph(graphSpec([input([4]), node('d', 'Dense', ['in'], { units: 3 }), node('d', 'Dense', ['in'], { units: 3 })], ['d']), flat)
    expect(dup.errors.find((e) => e.code === 'duplicate-id')!.message).toBe('two layers are called "d"; rename one of them.')
    expect(analyzeGraph(graphSpec([node('1x', 'Input', [], { shape: [4] })], ['1x'])).errors[0]!.code).toBe('invalid-id')
    const two = analyzeGraph(graphSpec([input([4]), node('in2', 'Input', [], { shape: [4] }), node('a', 'Add', ['in', 'in2']), head('a', 3)], ['out']), flat)
    expect(two.errors.find((e) => e.code === 'multiple-inputs')!.nodeId).toBe('in2')
    expect(onlyError(analyzeGraph(graphSpec([input([5]), head('in', 3)], ['out']), flat)).message).toBe("Input shape 5 differs from the dataset's examples (4); clear the shape to take the dataset's.")
    expect(onlyError(analyzeGraph(graphSpec([input(), head('in', 3)], ['out']))).message).toMatch(/pick a dataset or set the shape/)
    expect(analyzeGraph(graphSpec([input(), head('in', 3)], ['out']), flat).valid).toBe(true)
    const reshape = analyzeGraph(graphSpec([input([4]), node('r', 'Reshape', ['in'], { targetShape: [3, -1] }), node('f', 'Flatten', ['r']), head('f', 3)], ['out']), flat)
    expect(onlyError(reshape)).toMatchObject({ nodeId: 'r', code: 'reshape-size' })
    expect(onlyError(reshape).message).toMatch(/4 is not a multiple of 3/)
    const zero = analyzeGraph(graphSpec([input([4]), node('d', 'Dense', ['in'], { units: 0 }), head('d', 3)], ['out']), flat)
    expect(onlyError(zero)).toMatchObject({ nodeId: 'd', code: 'bad-param', message: 'Dense needs units to be a whole number ≥ 1 (got 0); set units.' })
    const drop = analyzeGraph(graphSpec([input([4]), node('x', 'Dropout', ['in'], { rate: 1 }), head('x', 3)], ['out']), flat)
    expect(onlyError(drop).message).toMatch(/rate must be in \[0, 1\)/)
    const negReg = analyzeGraph(graphSpec([input([4]), node('d', 'Dense', ['in'], { units: 3, activation: 'softmax', kernelRegularizer: { l2: -1 } })], ['d']), flat)
    expect(onlyError(negReg).message).toMatch(/kernelRegularizer.l2 must be a number ≥ 0/)
    const text: GraphDatasetInfo = { inputShape: [20], task: 'classification', numClasses: 2, vocabularySize: 5000 }
    const small = analyzeGraph(graphSpec([input([20]), node('e', 'Embedding', ['in'], { inputDim: 1000, outputDim: 8 }), node('g', 'GlobalAveragePooling1D', ['e']), head('g', 2)], ['out']), text)
    expect(onlyError(small)).toMatchObject({ nodeId: 'e', code: 'vocabulary', message: "the dataset's token ids go up to 4999 but inputDim is 1000; set inputDim to at least 5000." })
    const leakyCell = analyzeGraph(graphSpec([input([5, 2]), node('l', 'GRU', ['in'], { activation: 'leakyRelu' }), head('l', 3)], ['out']), { ...flat, inputShape: [5, 2] })
    expect(onlyError(leakyCell)).toMatchObject({ nodeId: 'l', code: 'bad-param' })
    expect(onlyError(leakyCell).message).toMatch(/cannot use leakyRelu inside its cell; pick tanh/)
    const lstmOnIds = analyzeGraph(graphSpec([input([20]), node('l', 'LSTM', ['in']), head('l', 2)], ['out']), text)
    expect(onlyError(lstmOnIds).message).toMatch(/put an Embedding before it/)
    expect(analyzeGraph({ format: 'other', nodes: [], outputs: [] } as unknown as GraphSpec).errors[0]!.code).toBe('format')
  })

  it('marks the node itself (nodes[].error) so the composer can draw it red', () => {
    const spec = graphSpec([input(), node('c', 'Conv2D', ['in']), head('c')], ['out'])
    const a = analyzeGraph(spec, { inputShape: [10], task: 'classification', numClasses: 10 })
    expect(a.nodes.find((n) => n.id === 'c')!.error).toMatch(/Conv2D needs a 3-D input/)
    expect(a.nodes.find((n) => n.id === 'out')!.error).toBeUndefined()
    expect(a.nodes.find((n) => n.id === 'in')!.outputShape).toEqual([10])
  })
})

describe('analyzeGraph: speed', () => {
  /** A chain of conv blocks with residual Adds every few layers: `layers` nodes in all. */
  function bigGraph(layers: number): GraphSpec {
    const nodes: GraphNode[] = [input([32, 32, 3]), node('stem', 'Conv2D', ['in'], { filters: 16, padding: 'same' })]
    let last = 'stem'
    let i = 0
    while (nodes.length < layers - 3) {
      const a = `c${i}a`; const b = `c${i}b`; const n = `bn${i}`; const add = `add${i}`
      nodes.push(node(a, 'Conv2D', [last], { filters: 16, padding: 'same', activation: 'relu' }), node(n, 'BatchNormalization', [a]), node(b, 'Conv2D', [n], { filters: 16, padding: 'same' }), node(add, 'Add', [b, last]))
      last = add
      i++
    }
    nodes.push(node('gap', 'GlobalAveragePooling2D', [last]), head('gap'))
    return graphSpec(nodes, ['out'])
  }

  it('analyzes 100- and 200-layer graphs as valid (timing reported here; the ≤ 16 ms goal is measured by npm run bench)', () => {
    const data = { ...mnist, inputShape: [32, 32, 3] }
    for (const layers of [100, 200]) {
      const spec = bigGraph(layers)
      expect(spec.nodes.length).toBeGreaterThanOrEqual(layers - 3)
      for (let w = 0; w < 5; w++) analyzeGraph(spec, data)
      const times: number[] = []
      for (let r = 0; r < 20; r++) {
        const t0 = performance.now()
        const a = analyzeGraph(spec, data)
        times.push(performance.now() - t0)
        expect(a.valid).toBe(true)
      }
      times.sort((x, y) => x - y)
      console.info(`analyzeGraph, ${layers} layers: median ${times[10]!.toFixed(2)} ms`)
    }
  })
})
