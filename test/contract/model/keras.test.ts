import { describe, expect, it } from 'vitest'
import {
  analyzeGraph, exportGraphJson, exportKerasTopology, importKerasModel, KerasImportError,
  type GraphSpec
} from '../../../preload/contract/model'
import { parseGraphSpec } from '../../../preload/contract/model/schema'

/** A Sequential model.json as TF.js 4.x writes it (model.save), trimmed of initializer configs. */
const SEQUENTIAL = {
  format: 'layers-model',
  generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
  convertedBy: null,
  modelTopology: {
    class_name: 'Sequential',
    config: {
      name: 'sequential_1',
      layers: [
        { class_name: 'Conv2D', config: { filters: 8, kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null } }, kernel_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0.001 } }, kernel_constraint: null, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'relu', use_bias: true, bias_initializer: { class_name: 'Zeros', config: {} }, bias_regularizer: null, activity_regularizer: null, bias_constraint: null, name: 'conv2d_Conv2D1', trainable: true, batch_input_shape: [null, 28, 28, 1], dtype: 'float32' } },
        { class_name: 'MaxPooling2D', config: { pool_size: [2, 2], padding: 'valid', strides: [2, 2], data_format: 'channels_last', name: 'max_pooling2d_MaxPooling2D1', trainable: true } },
        { class_name: 'BatchNormalization', config: { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true, name: 'batch_normalization_BatchNormalization1', trainable: true } },
        { class_name: 'Flatten', config: { name: 'flatten_Flatten1', trainable: true } },
        { class_name: 'Dropout', config: { rate: 0.25, noise_shape: null, seed: null, name: 'dropout_Dropout1', trainable: true } },
        { class_name: 'Dense', config: { units: 10, activation: 'softmax', use_bias: true, kernel_regularizer: null, bias_regularizer: null, name: 'dense_Dense1', trainable: true } }
      ]
    },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js'
  },
  weightsManifest: [{ paths: ['weights.bin'], weights: [] }]
}

/**
 * A Keras 2.x Functional model as `model.to_json()` writes it (and the tfjs converter wraps it in
 * model_config): a residual Add, a Concatenate of two branches, an InputLayer, a LeakyReLU layer
 * and a GRU with Keras 2's default reset_after=true.
 */
const FUNCTIONAL = {
  modelTopology: {
    keras_version: '2.15.0',
    backend: 'tensorflow',
    model_config: {
      class_name: 'Functional',
      config: {
        name: 'branchy',
        layers: [
          { class_name: 'InputLayer', config: { batch_input_shape: [null, 16, 4], dtype: 'float32', sparse: false, ragged: false, name: 'seq_in' }, name: 'seq_in', inbound_nodes: [] },
          { class_name: 'Conv1D', config: { name: 'conv_a', trainable: true, dtype: 'float32', filters: 8, kernel_size: [3], strides: [1], padding: 'same', data_format: 'channels_last', dilation_rate: [1], groups: 1, activation: 'linear', use_bias: true, kernel_regularizer: { class_name: 'L2', config: { l2: 0.01 } } }, name: 'conv_a', inbound_nodes: [[['seq_in', 0, 0, {}]]] },
          { class_name: 'LeakyReLU', config: { name: 'leaky', trainable: true, dtype: 'float32', alpha: 0.1 }, name: 'leaky', inbound_nodes: [[['conv_a', 0, 0, {}]]] },
          { class_name: 'Conv1D', config: { name: 'conv_b', trainable: true, dtype: 'float32', filters: 8, kernel_size: [1], strides: [1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1], groups: 1, activation: 'linear', use_bias: false } , name: 'conv_b', inbound_nodes: [[['seq_in', 0, 0, {}]]] },
          { class_name: 'Add', config: { name: 'res', trainable: true, dtype: 'float32' }, name: 'res', inbound_nodes: [[['leaky', 0, 0, {}], ['conv_b', 0, 0, {}]]] },
          { class_name: 'GRU', config: { name: 'gru', trainable: true, dtype: 'float32', return_sequences: false, return_state: false, go_backwards: false, stateful: false, unroll: false, time_major: false, units: 6, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, dropout: 0.0, recurrent_dropout: 0.0, reset_after: true }, name: 'gru', inbound_nodes: [[['res', 0, 0, {}]]] },
          { class_name: 'GlobalAveragePooling1D', config: { name: 'gap', trainable: true, dtype: 'float32', data_format: 'channels_last', keepdims: false }, name: 'gap', inbound_nodes: [[['seq_in', 0, 0, {}]]] },
          { class_name: 'Concatenate', config: { name: 'cat', trainable: true, dtype: 'float32', axis: -1 }, name: 'cat', inbound_nodes: [[['gru', 0, 0, {}], ['gap', 0, 0, {}]]] },
          { class_name: 'Dense', config: { name: 'out', trainable: true, dtype: 'float32', units: 3, activation: 'softmax', use_bias: true }, name: 'out', inbound_nodes: [[['cat', 0, 0, {}]]] }
        ],
        input_layers: [['seq_in', 0, 0]],
        output_layers: [['out', 0, 0]]
      }
    },
    training_config: { loss: 'categorical_crossentropy' }
  }
}

describe('importKerasModel', () => {
  it('reads a TF.js Sequential model.json: synthesises the Input, keeps names, drops defaults', () => {
    const { spec, warnings } = importKerasModel(SEQUENTIAL)
    expect(warnings).toEqual([])
    expect(spec.name).toBe('sequential_1')
    expect(spec.nodes.map((n) => [n.id, n.kind, n.inputs])).toEqual([
      ['input', 'Input', []],
      ['conv2d_Conv2D1', 'Conv2D', ['input']],
      ['max_pooling2d_MaxPooling2D1', 'MaxPooling2D', ['conv2d_Conv2D1']],
      ['batch_normalization_BatchNormalization1', 'BatchNormalization', ['max_pooling2d_MaxPooling2D1']],
      ['flatten_Flatten1', 'Flatten', ['batch_normalization_BatchNormalization1']],
      ['dropout_Dropout1', 'Dropout', ['flatten_Flatten1']],
      ['dense_Dense1', 'Dense', ['dropout_Dropout1']]
    ])
    expect(spec.nodes[0]!.params).toEqual({ shape: [28, 28, 1] })
    expect(spec.nodes[1]!.params).toEqual({ filters: 8, activation: 'relu', kernelRegularizer: { l2: 0.001 } })
    expect(spec.nodes[2]!.params).toEqual({ strides: 2 })
    expect(spec.nodes[3]!.params).toBeUndefined()
    expect(spec.outputs).toEqual(['dense_Dense1'])
    const a = analyzeGraph(spec, { inputShape: [28, 28, 1], task: 'classification', numClasses: 10 })
    expect(a.valid).toBe(true)
    // conv 3·3·1·8+8 = 80; BN 4·8 = 32 (16 non-trainable); dense 13·13·8·10+10 = 13530
    expect(a.totalParams).toBe(80 + 32 + 13530)
    expect(a.nonTrainableParams).toBe(16)
  })

  it('reads a Keras 2 Functional model (model_config) with Add and Concatenate, and says what it dropped', () => {
    const { spec, warnings } = importKerasModel(FUNCTIONAL)
    expect(spec.name).toBe('branchy')
    const byId = new Map(spec.nodes.map((n) => [n.id, n]))
    expect(byId.get('res')).toEqual({ id: 'res', kind: 'Add', inputs: ['leaky', 'conv_b'] })
    expect(byId.get('cat')).toMatchObject({ kind: 'Concatenate', inputs: ['gru', 'gap'] })
    expect(byId.get('leaky')).toEqual({ id: 'leaky', kind: 'Activation', inputs: ['conv_a'], params: { activation: 'leakyRelu', alpha: 0.1 } })
    expect(byId.get('conv_a')!.params).toEqual({ filters: 8, padding: 'same', kernelRegularizer: { l2: 0.01 } })
    expect(byId.get('conv_b')!.params).toEqual({ filters: 8, kernelSize: 1, useBias: false })
    expect(warnings).toEqual(['layer "gru": reset_after=true was dropped (TF.js has no reset_after; the GRU is built with reset_after=false, 3·units fewer bias weights).'])
    const a = analyzeGraph(spec, { inputShape: [16, 4], task: 'classification', numClasses: 3 })
    expect(a.errors).toEqual([])
    // conv_a 3·4·8+8 = 104; conv_b 4·8 = 32; GRU (TF.js) 3·(6·(8+6)+6) = 270; out (6+4)·3+3 = 33
    expect(a.totalParams).toBe(104 + 32 + 270 + 33)
    expect(a.nodes.find((n) => n.id === 'cat')!.outputShape).toEqual([10])
  })

  it('reads Keras 3 keras_history inbound nodes', () => {
    const t = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 4], dtype: 'float32', keras_history: [name, 0, 0] } })
    const json = {
      class_name: 'Functional',
      config: {
        name: 'k3',
        layers: [
          { class_name: 'InputLayer', name: 'x', config: { batch_shape: [null, 4], dtype: 'float32', name: 'x' }, inbound_nodes: [] },
          { class_name: 'Dense', name: 'h', config: { name: 'h', units: 4, activation: 'relu' }, inbound_nodes: [{ args: [t('x')], kwargs: {} }] },
          { class_name: 'Add', name: 'sum', config: { name: 'sum' }, inbound_nodes: [{ args: [[t('h'), t('x')]], kwargs: {} }] },
          { class_name: 'Dense', name: 'y', config: { name: 'y', units: 1 }, inbound_nodes: [{ args: [t('sum')], kwargs: {} }] }
        ],
        input_layers: [['x', 0, 0]],
        output_layers: ['y', 0, 0]
      }
    }
    const { spec } = importKerasModel(json)
    expect(spec.nodes.map((n) => `${n.id}<${n.inputs.join(',')}`)).toEqual(['x<', 'h<x', 'sum<h,x', 'y<sum'])
    expect(spec.outputs).toEqual(['y'])
    expect(analyzeGraph(spec, { inputShape: [4], task: 'regression', numClasses: 0 }).valid).toBe(true)
  })

  it('fails with the layer and the field for what the composer cannot hold', () => {
    const seqWith = (layer: object) => ({ modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd0', units: 4, batch_input_shape: [null, 4] } }, layer] } } })
    const cases: [object, RegExp, string | null, string | null][] = [
      [seqWith({ class_name: 'Conv2DTranspose', config: { name: 'up' } }), /layer "up" \(Conv2DTranspose\): this layer type is not in the composer; it offers Dense/, 'up', null],
      [seqWith({ class_name: 'Dense', config: { name: 'sw', units: 2, activation: 'swish' } }), /layer "sw" \(Dense\), field activation: activation "swish" is not supported; the composer offers relu, leakyRelu/, 'sw', 'activation'],
      [seqWith({ class_name: 'Conv1D', config: { name: 'dil', filters: 2, kernel_size: [3], dilation_rate: [2] } }), /field dilation_rate: \[2\] is not supported; dilated convolutions/, 'dil', 'dilation_rate'],
      [seqWith({ class_name: 'LSTM', config: { name: 'back', units: 2, go_backwards: true } }), /field go_backwards: true is not supported/, 'back', 'go_backwards'],
      [seqWith({ class_name: 'ELU', config: { name: 'e', alpha: 0.5 } }), /field alpha: 0.5 is not supported; TF.js supports ELU only with alpha 1/, 'e', 'alpha'],
      [seqWith({ class_name: 'Dense', config: { name: 'r', units: 2, kernel_regularizer: { class_name: 'OrthogonalRegularizer', config: {} } } }), /regularizer "OrthogonalRegularizer" is not supported/, 'r', 'kernel_regularizer'],
      [{ modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { name: 'd', units: 2 } }] } } }, /first layer of a Sequential model must declare its input shape/, 'd', 'batch_input_shape'],
      [{ modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'InputLayer', config: { name: 'i', batch_input_shape: [null, null, 3] } }] } } }, /every axis but the batch must have a fixed size/, 'i', 'batch_input_shape'],
      [{ modelTopology: { class_name: 'Subclassed', config: {} } }, /model class "Subclassed" is not supported/, null, null],
      [{ weightsManifest: [] }, /no model topology found/, null, null]
    ]
    for (const [json, message, layer, field] of cases) {
      let err: unknown
      try { importKerasModel(json) } catch (e) { err = e }
      expect(err, String(message)).toBeInstanceOf(KerasImportError)
      expect((err as KerasImportError).message).toMatch(message)
      expect((err as KerasImportError).layer).toBe(layer)
      expect((err as KerasImportError).field).toBe(field)
    }
  })

  it('refuses shared layers and models with several inputs', () => {
    const functional = (layers: object[], inputs: unknown[]) => ({ class_name: 'Model', config: { name: 'm', layers, input_layers: inputs, output_layers: [['d', 0, 0]] } })
    const inp = (name: string) => ({ class_name: 'InputLayer', name, config: { name, batch_input_shape: [null, 3] }, inbound_nodes: [] })
    const shared = functional([inp('a'), { class_name: 'Dense', name: 'd', config: { name: 'd', units: 3 }, inbound_nodes: [[['a', 0, 0, {}]], [['a', 0, 0, {}]]] }], [['a', 0, 0]])
    expect(() => importKerasModel(shared)).toThrow(/layer "d" is called 2 times \(shared weights\)/)
    const two = functional([inp('a'), inp('b'), { class_name: 'Add', name: 'd', config: { name: 'd' }, inbound_nodes: [[['a', 0, 0, {}], ['b', 0, 0, {}]]] }], [['a', 0, 0], ['b', 0, 0]])
    expect(() => importKerasModel(two)).toThrow(/the model has 2 inputs; the studio trains models with exactly one input/)
  })
})

describe('export', () => {
  it('Keras topology → import gives back the same graph (Sequential and Functional sources)', () => {
    for (const source of [SEQUENTIAL, FUNCTIONAL]) {
      const { spec } = importKerasModel(source)
      const again = importKerasModel({ modelTopology: exportKerasTopology(spec) }).spec
      expect(again.nodes).toEqual(spec.nodes)
      expect(again.outputs).toEqual(spec.outputs)
    }
  })

  it('writes leakyRelu on a Dense as a LeakyReLU layer after it, and Reshape with its inferred shape', () => {
    const spec: GraphSpec = {
      format: 'studio-graph', version: 1, nodes: [
        { id: 'in', kind: 'Input', inputs: [], params: { shape: [12] } },
        { id: 'h', kind: 'Dense', inputs: ['in'], params: { units: 6, activation: 'leakyRelu' } },
        { id: 'r', kind: 'Reshape', inputs: ['h'], params: { targetShape: [-1, 2] } },
        { id: 'f', kind: 'Flatten', inputs: ['r'] }
      ], outputs: ['f']
    }
    const topo = exportKerasTopology(spec) as { config: { layers: { name: string; class_name: string; config: Record<string, unknown>; inbound_nodes: unknown[] }[]; output_layers: unknown } }
    const layers = topo.config.layers
    expect(layers.map((l) => `${l.class_name}:${l.name}`)).toEqual(['InputLayer:in', 'Dense:h', 'LeakyReLU:h_leaky_relu', 'Reshape:r', 'Flatten:f'])
    expect(layers[1]!.config.activation).toBe('linear')
    expect(layers[3]!.inbound_nodes).toEqual([[['h_leaky_relu', 0, 0, {}]]])
    expect(layers[3]!.config.target_shape).toEqual([3, 2])
    // Without a shape on the Input, the caller passes the dataset's.
    const bare = { ...spec, nodes: [{ id: 'in', kind: 'Input' as const, inputs: [] }, ...spec.nodes.slice(1)] }
    expect(() => exportKerasTopology(bare)).toThrow(/Input has no shape/)
    const withShape = exportKerasTopology(bare, [12]) as typeof topo
    expect(withShape.config.layers[0]!.config.batch_input_shape).toEqual([null, 12])
  })

  it('JSON export parses back through the schema unchanged; the schema rejects malformed specs with a path', () => {
    const { spec } = importKerasModel(FUNCTIONAL)
    const parsed = parseGraphSpec(JSON.parse(exportGraphJson(spec)))
    expect(parsed).toEqual({ ok: true, spec })
    const bad = JSON.parse(exportGraphJson(spec)) as { nodes: { params?: Record<string, unknown> }[] }
    bad.nodes[1]!.params = { filters: 'eight' }
    expect(parseGraphSpec(bad)).toMatchObject({ ok: false, message: expect.stringMatching(/^nodes\.1\.params\.filters: /) })
    expect(parseGraphSpec({ ...spec, version: 2 })).toMatchObject({ ok: false, message: expect.stringMatching(/^version: /) })
    const unknownField = JSON.parse(exportGraphJson(spec)) as { nodes: { params?: Record<string, unknown> }[] }
    unknownField.nodes[8]!.params = { units: 3, activation: 'softmax', kernel_size: 3 }
    expect(parseGraphSpec(unknownField).ok).toBe(false)
  })
})
