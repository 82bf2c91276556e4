/**
 * The engine as the trainer's run loop (train.ts) uses it: one object per run that holds the
 * dataset as Float32Arrays, trains an epoch, validates, and writes the weights back into the TF.js
 * model before checkpoints. Kept here so train.ts only decides *whether* the engine runs; the
 * per-batch path stays free of TF.js tensors (no dataset tensors are created at all on this path).
 */
import type * as tf from '@tensorflow/tfjs'
import type { BackendInfo } from '../../../preload/contract/types'
import type { SplitSource } from '../data/batchSource'
import type { FastEngine } from './engine'
import { chooseEngine, fitEpoch, fitEpochFrom, type EngineChoice, type EpochResult } from './fit'
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

/** A run trained by the studio engine. */
export interface EngineRun {
  readonly engine: FastEngine
  readonly choice: EngineChoice
  /**
   * Trains one epoch over the train split in `order`; `onBatch` gets each batch's loss and accuracy
   * (NaN for regression). `shouldStop` is checked after every batch.
   */
  trainEpoch(order: ArrayLike<number>, firstStep: number, onBatch: (loss: number, acc: number) => void,
    shouldStop: () => boolean, pauseGate?: () => Promise<void> | null, beforeBatch?: (step: number) => void,
    /** Transforms each batch after it is read (augmentation, mixup, …: toolbox/augment.ts); rows [0, n). */
    transform?: (x: Float32Array, y: Float32Array, n: number) => void): Promise<EpochResult>
  /** [loss, acc] on the val split (acc NaN for regression), or null when there is none. */
  validate(): [number, number] | null
  /** Writes the trained weights into the TF.js model (before saving or evaluating through TF.js). */
  syncToModel(): void
}

/**
 * Decides whether the studio engine trains this run and prepares it. Returns the engine run, or
 * null with `choice` saying why model.fit runs instead; either way `choice.description` is the line
 * for BackendInfo.engine. The splits come from the batch source (main/trainer/data): in memory the
 * engine gathers rows itself; streamed, each batch is read from disk into one batch of buffers.
 */
export function prepareEngineRun(model: tf.LayersModel, train: SplitSource, val: SplitSource | null,
  opts: { batchSize: number; seed: number; backend: string; threads?: number }): { run: EngineRun | null; choice: EngineChoice } {
  const choice = chooseEngine(model, { batchSize: opts.batchSize, seed: opts.seed, backend: opts.backend, threads: opts.threads })
  const engine = choice.engine
  if (!engine) return { run: null, choice }
  const classification = train.classification
  const run: EngineRun = {
    engine,
    choice,
    trainEpoch: (order, firstStep, onBatch, shouldStop, pauseGate, beforeBatch, transform) => {
      const hooks = { onBatch: (_s: number, l: number, a: number) => onBatch(l, a), shouldStop, pauseGate, beforeBatch }
      if (transform) {
        // Batches are copied out (read), transformed, then trained on: the split itself never changes.
        return fitEpochFrom(engine, (o, s, n, x, y) => {
          train.read(o, s, n, x, y)
          transform(x.subarray(0, n * train.inputSize), y.subarray(0, n * train.targetSize), n)
        }, order.length, order, firstStep, hooks)
      }
      return train.x && train.y
        ? fitEpoch(engine, train.x, train.y, order.length, order, firstStep, hooks)
        : fitEpochFrom(engine, (o, s, n, x, y) => train.read(o, s, n, x, y), order.length, order, firstStep, hooks)
    },
    validate: () => {
      if (!val || val.count === 0) return null
      let r: { loss: number; acc: number }
      if (val.x && val.y) r = engine.evaluate(val.x, val.y, val.count)
      else {
        // Chunks of whole engine batches, weighted by their rows: the same mean as one pass.
        const chunk = engine.batchSize * Math.max(1, Math.floor(8192 / engine.batchSize))
        const xb = new Float32Array(chunk * val.inputSize)
        const yb = new Float32Array(chunk * val.targetSize)
        let loss = 0
        let acc = 0
        for (let s = 0; s < val.count; s += chunk) {
          const n = Math.min(chunk, val.count - s)
          val.read(null, s, n, xb, yb)
          const c = engine.evaluate(xb, yb, n)
          loss += c.loss * n
          acc += c.acc * n
        }
        r = { loss: loss / val.count, acc: acc / val.count }
      }
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
  const threads = choice.threads !== undefined ? { threads: choice.threads } : {}
  if (choice.engine) return { ...info, device: `CPU, ${choice.description}`, engine: choice.description, ...threads }
  return { ...info, engine: choice.description, ...threads }
}
