import { describe, expect, it } from 'vitest'
import { UsageError, parseTrainArgs } from '../../../main/cli/args'

describe('parseTrainArgs', () => {
  it('builds a RunConfig with defaults', () => {
    const r = parseTrainArgs(['--dataset', 'spirals', '--model', 'mlp', '--epochs', '20', '--hidden', '64,32', '--data-dir', '/d'])
    expect(r.config).toEqual({
      datasetId: 'spirals', model: { template: 'mlp', hidden: [64, 32] }, optimizer: 'adam', learningRate: 0.01,
      batchSize: 32, epochs: 20, seed: 42, backend: 'auto'
    })
    expect(r.dataDir).toBe('/d')
  })

  it.each([
    [['--epochs', '5'], /--dataset is required/],
    [['--dataset', 'x', '--epochs', 'ten'], /--epochs: expected a number, got "ten"/],
    [['--dataset', 'x', '--epochs', '0'], /--epochs: .*>=1/],
    [['--dataset', 'x', '--optimizer', 'nadam'], /--optimizer: .*"sgd"\|"momentum"\|"adam"\|"adamw"\|"rmsprop"\|"adagrad"/],
    [['--dataset', 'x', '--model', 'transformer'], /--model: .*"logreg"\|"mlp"\|"cnn"/],
    [['--dataset', 'x', '--activation', 'swish'], /--activation: .*"relu"/],
    [['--dataset', 'x', '--hidden', '64,abc'], /--hidden: expected comma-separated positive integers/],
    [['--dataset', 'x', '--lr=-1'], /--lr: /],
    [['--dataset', 'x', '--lr', '-1'], /--lr.*ambiguous/],
    [['--dataset', 'x', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['--dataset', '../../etc'], /--dataset: /]
  ])('rejects %j with a specific message', (argv, msg) => {
    expect(() => parseTrainArgs(argv as string[])).toThrow(UsageError)
    expect(() => parseTrainArgs(argv as string[])).toThrow(msg)
  })
})
