/**
 * One-click training: the configuration the "Train" button on a dataset card starts with. Small
 * datasets get more epochs and a smaller batch; xor learns best with a higher learning rate.
 */
import type { RunConfigInput } from '../../../preload/contract/channels'
import type { DatasetSummary, ModelSpec } from '../../../preload/contract/types'

export function defaultRunConfig(ds: Pick<DatasetSummary, 'id' | 'suggested'>): RunConfigInput & { model: ModelSpec } {
  const byId: Record<string, { learningRate: number; batchSize: number; epochs: number }> = {
    xor: { learningRate: 0.05, batchSize: 4, epochs: 200 },
    digits: { learningRate: 0.01, batchSize: 64, epochs: 5 }
  }
  const d = byId[ds.id] ?? { learningRate: 0.01, batchSize: 32, epochs: 20 }
  return {
    datasetId: ds.id,
    model: JSON.parse(JSON.stringify(ds.suggested)) as ModelSpec,
    optimizer: 'adam',
    learningRate: d.learningRate,
    batchSize: d.batchSize,
    epochs: d.epochs,
    seed: 42,
    backend: 'auto'
  }
}
