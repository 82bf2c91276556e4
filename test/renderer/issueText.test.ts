import { describe, expect, it } from 'vitest'
import { analyzeGraph, graphSpec, type GraphNode, type GraphSpec } from '../../preload/contract/model'
import { issueText } from '../../renderer/src/lib/issueText'
import { datasetInfo, emptyGraph, insertLayer, removeLayer, setInputs, setParam } from '../../renderer/src/lib/graphEdit'

const digits = datasetInfo({ inputShape: [28, 28, 1], task: 'classification', numClasses: 10 })
const housing = datasetInfo({ inputShape: [8], task: 'regression', numClasses: 0 })

function chain(kinds: GraphNode['kind'][]): GraphSpec {
  let s = emptyGraph()
  for (const k of kinds) s = insertLayer(s, s.nodes.length, k).spec
  return s
}
const cnn = (): GraphSpec => setParam(setParam(chain(['Input', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense']), 'dense_1', 'units', 10), 'dense_1', 'activation', 'softmax')

/** Every error message of `spec` on `data`, with its code. */
function messages(spec: GraphSpec, data = digits): { code: string; message: string }[] {
  return analyzeGraph(spec, data).errors.map((e) => ({ code: e.code, message: e.message }))
}

describe('Korean problem messages', () => {
  it('translates the common messages analyzeGraph writes, keeping their numbers and names', () => {
    const cases: GraphSpec[] = [
      setParam(cnn(), 'dense_1', 'units', 7), // output-size
      setParam(cnn(), 'dense_1', 'activation', 'relu'), // output-activation
      removeLayer(cnn(), 'flatten_1'), // Dense on an image
      removeLayer(removeLayer(cnn(), 'flatten_1'), 'dense_1'), // output-rank
      chain(['Input', 'Dense', 'Add']), // merge with one input
      setInputs(cnn(), 'conv2d_1', []), // single input missing
      chain(['Dense']), // no Input
      { ...cnn(), outputs: [] }, // no output
      setParam(cnn(), 'input', 'shape', [32, 32, 3]), // input shape
      setParam(cnn(), 'conv2d_1', 'kernelSize', 40), // kernel too large
      setParam(cnn(), 'max_pooling2d_1', 'poolSize', 40), // pool too large
      setParam(setInputs(chain(['Input', 'Conv2D', 'Conv2D', 'Add']), 'add_1', ['conv2d_1', 'conv2d_2']), 'input', 'shape', [28, 28, 1]), // Add shapes
      setParam(chain(['Input', 'Flatten', 'Reshape']), 'reshape_1', 'targetShape', [10, 10]), // reshape size
      setParam(insertLayer(cnn(), 4, 'Dropout').spec, 'dropout_1', 'rate', 2), // dropout rate
      graphSpec([...cnn().nodes, { id: 'dense_1', kind: 'Flatten', inputs: ['input'] }], ['dense_1']), // duplicate id
      graphSpec([...cnn().nodes, { id: 'extra', kind: 'Dense', inputs: ['conv2d_1'] }], ['dense_1']) // dead end
    ]
    const seen = new Set<string>()
    for (const spec of cases) {
      const errs = messages(spec)
      expect(errs.length, JSON.stringify(spec.nodes.map((n) => n.id))).toBeGreaterThan(0)
      for (const e of errs) {
        const ko = issueText(e.message, 'ko', 'HEADLINE')
        expect(ko, e.message).not.toContain('HEADLINE')
        expect(ko, e.message).toMatch(/[가-힣]/)
        seen.add(e.code)
      }
    }
    expect([...seen].sort()).toEqual(expect.arrayContaining(['dead-end', 'duplicate-id', 'input-count', 'input-shape', 'kernel-too-large', 'no-input', 'no-output', 'output-activation', 'output-rank', 'output-size', 'rank', 'reshape-size', 'shape-mismatch', 'bad-param']))
    expect(issueText(messages(setParam(cnn(), 'dense_1', 'units', 7))[0]!.message, 'ko', 'h')).toBe('출력 유닛이 7개인데 데이터셋의 클래스는 10개입니다. units를 10(으)로 바꾸세요.')
  })

  it('covers regression outputs, and falls back to the headline plus the English sentence', () => {
    const reg = setParam(chain(['Input', 'Dense']), 'dense_1', 'activation', 'softmax')
    expect(issueText(messages(reg, housing)[0]!.message, 'ko', 'h')).toMatch(/^softmax는/)
    const two = setParam(chain(['Input', 'Dense']), 'dense_1', 'units', 2)
    expect(issueText(messages(two, housing)[0]!.message, 'ko', 'h')).toMatch(/회귀 목표는 1개/)
    expect(issueText('something new', 'ko', '새 문제')).toBe('새 문제 — something new')
    expect(issueText('something new', 'en', '새 문제')).toBe('something new')
  })
})
