/**
 * The engine as the trainer's run loop (train.ts) uses it: one object per run that holds the
 * dataset as Float32Arrays, trains an epoch, validates, and writes the weights back into the TF.js
 * model before checkpoints. Kept here so train.ts only decides *whether* the engine runs; the
 * per-batch path stays free of TF.js tensors (no dataset tensors are created at all on this path).
 */
import type * as tf from '@tensorflow/tfjs'
import type { BackendInfo } from '../../../preload/contract/types'
import type { CacheHeader, SplitTensors } from '../../datasets/cache'
import type { FastEngine } from './engine'
import { chooseEngine, fitEpoch, type EngineChoice, type EpochResult } from './fit'
import { chooseKernels } from './kernels'
import { installEngineKernels } from './tfKernels'

/**
 * Installs the engine's matmul/conv kernels into the active TF.js backend (for models that keep
 * model.fit) with this run's thread setting. Called once after selectBackend. Never throws: a
 * failure leaves the backend's own kernels in place.
 */
export function installEngineKernelsFor(backendName: string, threads?: number): string[] {
  try {
    return installEngineKernels(backendName, chooseKernels({ threads }).kernels).map((k) => k.kernel)
  } catch {
    return []
  }
}

/** One-hot rows (classification) or the targets as they are (regression), checked. */
function targets(split: SplitTensors, header: CacheHeader, name: string): Float32Array {
  if (header.task !== 'classification') return split.y as Float32Array
  const out = new Float32Array(split.count * header.numClasses)
  const y = split.y
  for (let i = 0; i < split.count; i++) {
    const c = y[i]!
    if (!(c >= 0 && c < header.numClasses && Number.isInteger(c))) {
      throw new Error(`${name} split: label ${c} at row ${i} is outside 0..${header.numClasses - 1}`)
    }
    out[i * header.numClasses + c] = 1
  }
  return out
}

/** A run trained by the studio engine. */
export interface EngineRun {
  readonly engine: FastEngine
  readonly choice: EngineChoice
  /**
   * Trains one epoch over the train split in `order`; `onBatch` gets each batch's loss and accuracy
   * (NaN for regression). `shouldStop` is checked after every batch.
   */
  trainEpoch(order: ArrayLike<number>, firstStep: number, onBatch: (loss: number, acc: number) => void,
    shouldStop: () => boolean): Promise<EpochResult>
  /** [loss, acc] on the val split (acc NaN for regression), or null when there is none. */
  validate(): [number, number] | null
  /** Writes the trained weights into the TF.js model (before saving or evaluating through TF.js). */
  syncToModel(): void
}

/**
 * Decides whether the studio engine trains this run and prepares it. Returns the engine run, or
 * null with `choice` saying why model.fit runs instead; either way `choice.description` is the line
 * for BackendInfo.engine. Throws only for bad labels (a dataset error, as the model.fit path).
 */
export function prepareEngineRun(model: tf.LayersModel, header: CacheHeader, train: SplitTensors, val: SplitTensors | null,
  opts: { batchSize: number; seed: number; backend: string; threads?: number }): { run: EngineRun | null; choice: EngineChoice } {
  const choice = chooseEngine(model, { batchSize: opts.batchSize, seed: opts.seed, backend: opts.backend, threads: opts.threads })
  const engine = choice.engine
  if (!engine) return { run: null, choice }
  const yTrain = targets(train, header, 'train')
  const yVal = val && val.count > 0 ? targets(val, header, 'val') : null
  const classification = header.task === 'classification'
  const run: EngineRun = {
    engine,
    choice,
    trainEpoch: (order, firstStep, onBatch, shouldStop) =>
      fitEpoch(engine, train.x, yTrain, train.count, order, firstStep, { onBatch: (_s, l, a) => onBatch(l, a), shouldStop }),
    validate: () => {
      if (!val || !yVal) return null
      const r = engine.evaluate(val.x, yVal, val.count)
      return [r.loss, classification ? r.acc : Number.NaN]
    },
    syncToModel: () => engine.syncToModel()
  }
  return { run, choice }
}

/**
 * BackendInfo for a run: the backend as selected, plus which engine trains (`engine`). When the
 * studio engine trains, the TF.js backend only built the model, so `device` names the engine.
 */
export function withEngine(info: BackendInfo, choice: EngineChoice): BackendInfo {
  if (choice.engine) return { ...info, device: `CPU, ${choice.description}`, engine: choice.description }
  return { ...info, engine: choice.description }
}
