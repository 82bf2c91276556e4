import { describe, expect, it } from 'vitest'
import { analyzeGraph, graphFromModelSpec, GRAPH_TEMPLATES, templateGraph, type GraphDatasetInfo } from '../../../preload/contract/model'
import { parseGraphSpec } from '../../../preload/contract/model/schema'

const xor: GraphDatasetInfo = { inputShape: [2], task: 'classification', numClasses: 2 }
const line: GraphDatasetInfo = { inputShape: [3], task: 'regression', numClasses: 0 }
const mnist: GraphDatasetInfo = { inputShape: [28, 28, 1], task: 'classification', numClasses: 10 }
const cifar: GraphDatasetInfo = { inputShape: [32, 32, 3], task: 'classification', numClasses: 10 }
const text: GraphDatasetInfo = { inputShape: [40], task: 'classification', numClasses: 4, vocabularySize: 2000 }

describe('graph templates', () => {
  it('each is valid on the data it suits, with hand-counted parameters', () => {
    const count = (id: Parameters<typeof templateGraph>[0], data: GraphDatasetInfo): number => {
      const a = analyzeGraph(templateGraph(id, data), data)
      expect(a.errors, id).toEqual([])
      return a.totalParams
    }
    expect(count('linearRegression', line)).toBe(3 + 1)
    expect(count('logisticRegression', mnist)).toBe(784 * 10 + 10)
    expect(count('xor', xor)).toBe(2 * 8 + 8 + 8 * 2 + 2)
    expect(count('mlp', mnist)).toBe(784 * 64 + 64 + 64 * 64 + 64 + 650)
    // LeNet on 32×32×3: 5·5·3·6+6; 5·5·6·16+16; (6·6·16)·120+120; 120·84+84; 84·10+10
    expect(count('lenet', cifar)).toBe(456 + 2416 + 576 * 120 + 120 + 10164 + 850)
    // Embedding 2000·32; LSTM 4·(64·(32+64)+64); head 64·4+4
    expect(count('lstm', text)).toBe(64000 + 4 * (64 * 96 + 64) + 260)
    // Small images: LeNet's second conv switches to 'same' so that 8×8 still fits.
    expect(count('lenet', { ...mnist, inputShape: [8, 8, 1] })).toBeGreaterThan(0)
  })

  it('on data it does not suit, analyzeGraph says what to change instead of the template throwing', () => {
    const a = analyzeGraph(templateGraph('resnet', xor), xor)
    expect(a.valid).toBe(false)
    expect(a.errors[0]).toMatchObject({ nodeId: 'stem_conv', code: 'rank' })
    expect(GRAPH_TEMPLATES.filter((t) => t.suits(cifar)).map((t) => t.id)).toEqual(['logisticRegression', 'mlp', 'lenet', 'resnet'])
    expect(GRAPH_TEMPLATES.filter((t) => t.suits(xor)).map((t) => t.id)).toEqual(['logisticRegression', 'xor', 'mlp'])
    expect(() => templateGraph('nope' as 'mlp', xor)).toThrow(/unknown graph template/)
  })

  it('every template passes the runtime schema', () => {
    for (const t of GRAPH_TEMPLATES) expect(parseGraphSpec(t.build(cifar)).ok, t.id).toBe(true)
  })
})

describe('graphFromModelSpec (issue-2 run configs)', () => {
  it('gives the same layers and parameter counts as main/trainer/models.ts', () => {
    const n = (spec: Parameters<typeof graphFromModelSpec>[0], data: GraphDatasetInfo) => analyzeGraph(graphFromModelSpec(spec, data), data)
    // Same numbers as test/main/trainer/models.test.ts asserts for buildModel.
    expect(n({ template: 'logreg' }, mnist).totalParams).toBe(784 * 10 + 10)
    expect(n({ template: 'mlp', hidden: [8], activation: 'tanh' }, xor).totalParams).toBe(2 * 8 + 8 + 8 * 2 + 2)
    expect(n({ template: 'mlp', hidden: [256, 128] }, { ...mnist, inputShape: [784] }).totalParams).toBe(235146)
    const cnn = n({ template: 'cnn' }, mnist)
    expect(cnn.totalParams).toBe(160 + 4640 + 51264 + 650)
    expect(cnn.nodes.map((x) => x.id)).toEqual(['input', 'conv_1', 'pool_1', 'conv_2', 'pool_2', 'flatten', 'dense_1', 'output'])
    expect(n({ template: 'mlp', hidden: [4] }, line).nodes.at(-1)).toMatchObject({ outputShape: [1] })
    // cnn on flat rows: models.ts throws; the graph carries the error to the node instead.
    expect(n({ template: 'cnn' }, xor).errors[0]).toMatchObject({ nodeId: 'conv_1', code: 'rank' })
  })
})
