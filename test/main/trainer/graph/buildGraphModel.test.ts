import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import { buildGraphModel, GraphModelError, orthogonal } from '../../../../main/trainer/graph/buildGraphModel'
import { buildModel } from '../../../../main/trainer/models'
import {
  analyzeGraph, exportKerasTopology, graphFromModelSpec, graphSpec, GRAPH_TEMPLATES, importKerasModel,
  type GraphDatasetInfo, type GraphNode, type GraphSpec
} from '../../../../preload/contract/model'

const DATASETS: Record<string, GraphDatasetInfo> = {
  xor: { inputShape: [2], task: 'classification', numClasses: 2 },
  iris: { inputShape: [4], task: 'classification', numClasses: 3 },
  housing: { inputShape: [8], task: 'regression', numClasses: 0 },
  twoTargets: { inputShape: [5], task: 'regression', numClasses: 0, numTargets: 2 },
  digits8: { inputShape: [8, 8, 1], task: 'classification', numClasses: 10 },
  mnist: { inputShape: [28, 28, 1], task: 'classification', numClasses: 10 },
  cifar: { inputShape: [32, 32, 3], task: 'classification', numClasses: 10 },
  text: { inputShape: [20], task: 'classification', numClasses: 2, vocabularySize: 50 },
  series: { inputShape: [12, 3], task: 'classification', numClasses: 4 }
}

/** TF.js's own view of a built model, to hold analyzeGraph's numbers against. */
function tfFacts(model: tf.LayersModel): { total: number; trainable: number; shapes: Map<string, number[]> } {
  const size = (w: tf.LayerVariable): number => w.shape.reduce((a: number, b) => a * (b ?? 1), 1)
  const shapes = new Map<string, number[]>()
  for (const l of model.layers) shapes.set(l.name, (l.outputShape as (number | null)[]).slice(1) as number[])
  return { total: model.countParams(), trainable: model.trainableWeights.reduce((a, w) => a + size(w), 0), shapes }
}

/** Builds `spec` and checks every node's shape and the parameter totals against TF.js. */
function expectTfAgrees(spec: GraphSpec, data: GraphDatasetInfo | undefined): void {
  const { model, analysis } = buildGraphModel(spec, data, 42)
  const facts = tfFacts(model)
  expect(analysis.totalParams).toBe(facts.total)
  expect(analysis.trainableParams).toBe(facts.trainable)
  for (const n of analysis.nodes) {
    // A leakyRelu activation lives in a layer after the node; the shape is the same.
    const layerShape = facts.shapes.get(n.id)
    expect(layerShape, `layer ${n.id}`).toBeDefined()
    expect(n.outputShape, `shape of ${n.id}`).toEqual(layerShape)
  }
  let perLayer = 0
  for (const l of model.layers) perLayer += l.countParams()
  expect(analysis.nodes.reduce((a, n) => a + n.params, 0)).toBe(perLayer)
  model.dispose()
}

describe('buildGraphModel: analyzeGraph agrees with TF.js', () => {
  it('on every template for every dataset it suits', () => {
    let built = 0
    for (const t of GRAPH_TEMPLATES) {
      for (const [name, data] of Object.entries(DATASETS)) {
        if (!t.suits(data)) continue
        const spec = t.build(data)
        const a = analyzeGraph(spec, data)
        expect(a.errors, `${t.id} on ${name}`).toEqual([])
        expectTfAgrees(spec, data)
        built++
      }
    }
    expect(built).toBeGreaterThanOrEqual(15)
  })

  it('counts the ResNet for 32×32×3 as Keras would (hand count)', () => {
    const spec = GRAPH_TEMPLATES.find((t) => t.id === 'resnet')!.build(DATASETS.cifar!)
    const a = analyzeGraph(spec, DATASETS.cifar)
    // stem 3·3·3·16 + BN 4·16; block1 2·(3·3·16·16) + 2·BN(4·16);
    // block2 3·3·16·32 + 3·3·32·32 + 1·1·16·32 + 3·BN(4·32); block3 likewise with 32→64; head 64·10+10.
    const bn = (c: number): number => 4 * c
    const expected = 432 + bn(16) + 2 * 2304 + 2 * bn(16) + 4608 + 9216 + 512 + 3 * bn(32) + 18432 + 36864 + 2048 + 3 * bn(64) + 650
    expect(a.totalParams).toBe(expected)
    expect(a.nonTrainableParams).toBe(2 * (16 + 2 * 16 + 3 * 32 + 3 * 64))
    expect(a.nodes.find((n) => n.id === 'gap')!.outputShape).toEqual([64])
    expect(a.nodes.find((n) => n.id === 'block3_add')!.outputShape).toEqual([8, 8, 64])
  })

  it('on one graph per layer kind with non-default parameters', () => {
    const n = (id: string, kind: GraphNode['kind'], inputs: string[], params?: Record<string, unknown>): GraphNode => ({ id, kind, inputs, ...(params ? { params } : {}) } as GraphNode)
    const reg = { l1: 1e-4, l2: 1e-3 }
    const cases: [string, GraphNode[], string][] = [
      ['dense + every activation', [n('in', 'Input', [], { shape: [6] }), n('d1', 'Dense', ['in'], { units: 5, activation: 'gelu', kernelRegularizer: reg, biasRegularizer: reg }), n('d2', 'Dense', ['d1'], { units: 4, activation: 'leakyRelu', useBias: false }), n('a1', 'Activation', ['d2'], { activation: 'selu' }), n('a2', 'Activation', ['a1'], { activation: 'leakyRelu', alpha: 0.1 }), n('a3', 'Activation', ['a2'], { activation: 'elu' }), n('a4', 'Activation', ['a3'], { activation: 'softmax' })], 'a4'],
      ['conv2d strides/same + depthwise + pools', [n('in', 'Input', [], { shape: [17, 13, 3] }), n('c', 'Conv2D', ['in'], { filters: 7, kernelSize: [3, 5], strides: [2, 1], padding: 'same', activation: 'relu', kernelRegularizer: reg }), n('dw', 'DepthwiseConv2D', ['c'], { kernelSize: 3, depthMultiplier: 2, strides: 2, useBias: false }), n('mp', 'MaxPooling2D', ['dw'], { poolSize: [2, 1], strides: 1, padding: 'valid' }), n('ap', 'AveragePooling2D', ['mp'], { poolSize: 3, padding: 'same' }), n('bn', 'BatchNormalization', ['ap'], { center: false, momentum: 0.9 }), n('g', 'GlobalAveragePooling2D', ['bn'])], 'g'],
      ['conv1d and 1-D pooling', [n('in', 'Input', [], { shape: [30, 4] }), n('c', 'Conv1D', ['in'], { filters: 6, kernelSize: 5, strides: 2 }), n('mp', 'MaxPooling1D', ['c'], { poolSize: 3, strides: 2, padding: 'same' }), n('ap', 'AveragePooling1D', ['mp'], { poolSize: 2 }), n('ln', 'LayerNormalization', ['ap'], { scale: false }), n('g', 'GlobalAveragePooling1D', ['ln'])], 'g'],
      ['reshape/flatten/dropout/BN on an axis', [n('in', 'Input', [], { shape: [24] }), n('r', 'Reshape', ['in'], { targetShape: [2, -1, 3] }), n('bn', 'BatchNormalization', ['r'], { axis: 1 }), n('f', 'Flatten', ['bn']), n('dr', 'Dropout', ['f'], { rate: 0.3 }), n('d', 'Dense', ['dr'], { units: 3 })], 'd'],
      ['embedding + LSTM + GRU', [n('in', 'Input', [], { shape: [9] }), n('e', 'Embedding', ['in'], { inputDim: 30, outputDim: 8, kernelRegularizer: reg }), n('l', 'LSTM', ['e'], { units: 6, returnSequences: true, recurrentRegularizer: reg }), n('g', 'GRU', ['l'], { units: 5, recurrentActivation: 'hardSigmoid' }), n('d', 'Dense', ['g'], { units: 2, activation: 'softmax' })], 'd'],
      ['GRU without bias, LSTM with sequences into Dense', [n('in', 'Input', [], { shape: [7, 3] }), n('g', 'GRU', ['in'], { units: 4, useBias: false, returnSequences: true }), n('d', 'Dense', ['g'], { units: 2 })], 'd'],
      ['add and concatenate branches', [n('in', 'Input', [], { shape: [8, 8, 2] }), n('a', 'Conv2D', ['in'], { filters: 4, padding: 'same' }), n('b', 'Conv2D', ['in'], { filters: 4, kernelSize: 1 }), n('s', 'Add', ['a', 'b', 'a']), n('c', 'Conv2D', ['in'], { filters: 3, kernelSize: 1 }), n('cat', 'Concatenate', ['s', 'c', 'in']), n('cat2', 'Concatenate', ['cat', 'cat'], { axis: 1 }), n('f', 'Flatten', ['cat2'])], 'f']
    ]
    for (const [name, nodes, out] of cases) {
      const spec = graphSpec(nodes, [out], name)
      const a = analyzeGraph(spec)
      expect(a.errors, name).toEqual([])
      expectTfAgrees(spec, undefined)
    }
  })

  it('on 60 random valid graphs with branches', () => {
    let seed = 12345
    const rand = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!
    const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1))
    for (let g = 0; g < 60; g++) {
      const image = rand() < 0.5
      const nodes: GraphNode[] = [{ id: 'input', kind: 'Input', inputs: [], params: { shape: image ? [int(6, 20), int(6, 20), int(1, 3)] : [int(3, 12), int(1, 4)] } }]
      let last = 'input'
      const shapeOf = (id: string): number[] => analyzeGraph(graphSpec(nodes, [id])).nodes.find((x) => x.id === id)!.outputShape!
      for (let i = 0; i < int(3, 9); i++) {
        const id = `n${i}`
        const s = shapeOf(last)
        let node: GraphNode
        if (s.length === 3) {
          const k = Math.min(int(1, 4), s[0]!, s[1]!)
          node = pick<GraphNode>([
            { id, kind: 'Conv2D', inputs: [last], params: { filters: int(1, 6), kernelSize: k, strides: int(1, 2), padding: pick(['same', 'valid'] as const), activation: pick(['relu', 'leakyRelu', 'gelu', 'tanh'] as const) } },
            { id, kind: 'DepthwiseConv2D', inputs: [last], params: { kernelSize: k, depthMultiplier: int(1, 2), padding: pick(['same', 'valid'] as const) } },
            { id, kind: 'MaxPooling2D', inputs: [last], params: { poolSize: Math.min(2, s[0]!, s[1]!), padding: 'same' } },
            { id, kind: 'BatchNormalization', inputs: [last] },
            { id, kind: 'Add', inputs: [last, last] }
          ])
        } else if (s.length === 2) {
          node = pick<GraphNode>([
            { id, kind: 'Conv1D', inputs: [last], params: { filters: int(1, 5), kernelSize: Math.min(int(1, 3), s[0]!), padding: pick(['same', 'valid'] as const) } },
            { id, kind: 'LSTM', inputs: [last], params: { units: int(1, 5), returnSequences: rand() < 0.5 } },
            { id, kind: 'GRU', inputs: [last], params: { units: int(1, 5), returnSequences: rand() < 0.5 } },
            { id, kind: 'LayerNormalization', inputs: [last] },
            { id, kind: 'AveragePooling1D', inputs: [last], params: { poolSize: Math.min(2, s[0]!) } }
          ])
        } else {
          node = pick<GraphNode>([
            { id, kind: 'Dense', inputs: [last], params: { units: int(1, 9), activation: pick(['relu', 'elu', 'selu', 'sigmoid', 'leakyRelu'] as const), useBias: rand() < 0.8 } },
            { id, kind: 'Dropout', inputs: [last], params: { rate: 0.25 } },
            { id, kind: 'Concatenate', inputs: [last, last] },
            { id, kind: 'BatchNormalization', inputs: [last] }
          ])
        }
        nodes.push(node)
        last = id
      }
      if (shapeOf(last).length > 1) { nodes.push({ id: 'flat', kind: 'Flatten', inputs: [last] }); last = 'flat' }
      nodes.push({ id: 'out', kind: 'Dense', inputs: [last], params: { units: 3, activation: 'softmax' } })
      const spec = graphSpec(nodes, ['out'])
      expect(analyzeGraph(spec).errors, JSON.stringify(spec)).toEqual([])
      expectTfAgrees(spec, undefined)
    }
  })
})

describe('buildGraphModel: weights, activations, errors', () => {
  it('a converted issue-2 template starts from the same weights as models.ts builds', () => {
    const cases = [
      { spec: { template: 'logreg' as const }, data: DATASETS.mnist! },
      { spec: { template: 'mlp' as const, hidden: [7, 5], activation: 'tanh' as const }, data: DATASETS.iris! },
      { spec: { template: 'cnn' as const, filters: [4, 6], denseUnits: 8 }, data: { ...DATASETS.mnist!, inputShape: [12, 12, 1] } }
    ]
    for (const { spec, data } of cases) {
      const old = buildModel(spec, data, 9)
      const { model } = buildGraphModel(graphFromModelSpec(spec, data), data, 9)
      expect(model.countParams()).toBe(old.countParams())
      const w = (m: tf.LayersModel): number[][] => m.getWeights().map((t) => Array.from(t.dataSync()))
      expect(w(model)).toEqual(w(old))
      expect(model.layers.slice(1).map((l) => l.name)).toEqual(old.layers.map((l) => l.name))
    }
  })

  it('the same seed gives the same weights, another seed others (LSTM and embedding included)', () => {
    const spec = GRAPH_TEMPLATES.find((t) => t.id === 'lstm')!.build(DATASETS.text!)
    const w = (seed: number): number[][] => buildGraphModel(spec, DATASETS.text, seed).model.getWeights().map((t) => Array.from(t.dataSync()))
    const a = w(3)
    expect(w(3)).toEqual(a)
    expect(w(4)[0]).not.toEqual(a[0])
    // The recurrent kernel (64×256) is the seeded orthogonal matrix, not TF.js's zeros placeholder.
    const recurrent = a[2]!
    expect(recurrent.length).toBe(64 * 256)
    expect(recurrent.some((v) => v !== 0)).toBe(true)
    expect(recurrent.slice(0, 256).reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 4)
  })

  it('orthogonal() gives orthonormal rows (or columns) and depends only on the seed', () => {
    for (const [rows, cols] of [[4, 16], [12, 3], [5, 5]] as const) {
      const m = orthogonal(rows, cols, 7)
      const wide = rows <= cols
      const [k, n] = wide ? [rows, cols] : [cols, rows]
      const at = (v: number, i: number): number => (wide ? m[v * cols + i]! : m[i * cols + v]!)
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          let dot = 0
          for (let i = 0; i < n; i++) dot += at(a, i) * at(b, i)
          expect(dot).toBeCloseTo(a === b ? 1 : 0, 5)
        }
      }
      expect(orthogonal(rows, cols, 7)).toEqual(m)
      expect(orthogonal(rows, cols, 8)).not.toEqual(m)
    }
  })

  it('computes gelu and leakyRelu(alpha) as defined', () => {
    const spec = graphSpec([
      { id: 'in', kind: 'Input', inputs: [], params: { shape: [4] } },
      { id: 'gelu', kind: 'Activation', inputs: ['in'], params: { activation: 'gelu' } },
      { id: 'leaky', kind: 'Activation', inputs: ['in'], params: { activation: 'leakyRelu' } },
      { id: 'leaky2', kind: 'Activation', inputs: ['in'], params: { activation: 'leakyRelu', alpha: 0.5 } },
      { id: 'cat', kind: 'Concatenate', inputs: ['gelu', 'leaky', 'leaky2'] }
    ], ['cat'])
    const { model } = buildGraphModel(spec, undefined, 1)
    const y = Array.from((model.predict(tf.tensor2d([[-1, 0, 1, 2]])) as tf.Tensor).dataSync())
    // gelu(x) = x·Φ(x): Φ(-1) = 0.158655, Φ(1) = 0.841345, Φ(2) = 0.977250 (normal CDF tables).
    const expected = [-0.158655, 0, 0.841345, 1.954500, -0.3, 0, 1, 2, -0.5, 0, 1, 2]
    y.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4))
  })

  it('refuses an invalid graph with analyzeGraph\'s messages', () => {
    const spec = graphSpec([
      { id: 'in', kind: 'Input', inputs: [], params: { shape: [784] } },
      { id: 'conv', kind: 'Conv2D', inputs: ['in'], params: { filters: 4 } }
    ], ['conv'])
    expect(() => buildGraphModel(spec, undefined, 1)).toThrow(GraphModelError)
    expect(() => buildGraphModel(spec, undefined, 1)).toThrow(/Reshape to \[28, 28, 1\]/)
  })

  it('regularizers add their penalty to the loss', () => {
    const withReg = graphSpec([
      { id: 'in', kind: 'Input', inputs: [], params: { shape: [3] } },
      { id: 'd', kind: 'Dense', inputs: ['in'], params: { units: 2, kernelRegularizer: { l2: 0.5 } } }
    ], ['d'])
    const { model } = buildGraphModel(withReg, undefined, 5)
    const kernel = model.getLayer('d').getWeights()[0]!
    const sumSq = tf.sum(tf.square(kernel)).dataSync()[0]!
    // TF.js collects each regularizer as a loss term that fit adds to the data loss.
    const terms = model.calculateLosses()
    expect(terms.length).toBe(1)
    expect(terms[0]!.dataSync()[0]).toBeCloseTo(0.5 * sumSq, 5)
    const plain = buildGraphModel(graphSpec([withReg.nodes[0]!, { id: 'd', kind: 'Dense', inputs: ['in'], params: { units: 2 } }], ['d']), undefined, 5).model
    expect(plain.calculateLosses()).toEqual([])
  })
})

describe('Keras topology round trips through TF.js', () => {
  it('exported topologies load in tf.models.modelFromJSON with the same parameters and layer shapes', async () => {
    for (const t of GRAPH_TEMPLATES) {
      const data = Object.values(DATASETS).find((d) => t.suits(d))!
      const spec = t.build(data)
      const a = analyzeGraph(spec, data)
      const loaded = await tf.models.modelFromJSON({ modelTopology: exportKerasTopology(spec) } as unknown as tf.io.ModelJSON)
      expect(loaded.countParams(), t.id).toBe(a.totalParams)
      for (const n of a.nodes) expect((loaded.getLayer(n.id).outputShape as number[]).slice(1), `${t.id}/${n.id}`).toEqual(n.outputShape)
      loaded.dispose()
    }
  })

  it('what TF.js itself writes (model.toJSON) imports back to the same shapes and counts', () => {
    for (const t of GRAPH_TEMPLATES) {
      const data = Object.values(DATASETS).find((d) => t.suits(d))!
      const spec = t.build(data)
      const { model, analysis } = buildGraphModel(spec, data, 1)
      const json = { modelTopology: model.toJSON(null, false), format: 'layers-model', weightsManifest: [] }
      const back = importKerasModel(json)
      const b = analyzeGraph(back.spec, data)
      expect(b.errors, t.id).toEqual([])
      expect(b.totalParams).toBe(analysis.totalParams)
      const facts = (x: typeof b): string[] => x.nodes.map((n) => JSON.stringify([n.id, n.outputShape, n.params])).sort()
      expect(facts(b)).toEqual(facts(analysis))
      model.dispose()
    }
  })
})
