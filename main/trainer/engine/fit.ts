/**
 * The engine's per-epoch loop and the one call the trainer makes to get an engine for a model.
 *
 * Per batch the loop does only what must happen: gather the rows (a copy, in the permuted order),
 * one training step, hand the batch's loss/accuracy (plain numbers, already computed: no device
 * sync) to `onBatch`, and check a stop flag. It yields to the event loop on a time budget (default
 * every 25 ms), not per batch, so IPC messages such as `stop` still arrive promptly while a
 * 2 ms batch does not pay for a macrotask round-trip.
 */
import type * as tf from '@tensorflow/tfjs'
import { FastEngine, type LossAcc } from './engine'
import { chooseKernels, describeKernels, type KernelPreference } from './kernels'

/** Callbacks of fitEpoch; all optional. */
export interface EpochHooks {
  /** Called after every batch with its global index (0-based across epochs) and its loss/accuracy. */
  onBatch?: (step: number, loss: number, acc: number) => void
  /** Called before every batch with its global index (LR schedules set the rate here). */
  beforeBatch?: (step: number) => void
  /** Checked after every batch; true ends the epoch early (stopped = true). */
  shouldStop?: () => boolean
  /** Longest stretch of training between two yields to the event loop, in ms (0: every batch). */
  yieldEveryMs?: number
  /**
   * Checked after every batch (after the stop check's yield): a promise means "paused", and the
   * loop awaits it before the next batch (issue 4: pause between batches without burning CPU).
   */
  pauseGate?: () => Promise<void> | null
}

/** What one epoch did. loss/acc are batch-size-weighted means, as model.fit's epoch logs. */
export interface EpochResult extends LossAcc {
  batches: number
  samples: number
  stopped: boolean
}

const yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * Trains one epoch over rows `order[0..count)` of x (rows of engine.inputSize) and y (rows of
 * engine.outputSize) in batches of engine.batchSize (the last one smaller), like
 * model.fit({ batchSize, epochs: 1, shuffle: false }) on the rows taken in `order`.
 */
export async function fitEpoch(engine: FastEngine, x: Float32Array, y: Float32Array, count: number,
  order: ArrayLike<number> | null, firstStep: number, hooks: EpochHooks = {}): Promise<EpochResult> {
  return epochLoop(engine.batchSize, count, (start, n) => engine.trainBatch(x, y, order, start, n), firstStep, hooks)
}

/**
 * fitEpoch for rows that are not in memory (the batch source's stream mode, main/trainer/data):
 * `read` copies rows `order[start..start+n)` into the batch buffers, then the engine trains on them.
 */
export async function fitEpochFrom(engine: FastEngine,
  read: (order: ArrayLike<number> | null, start: number, n: number, x: Float32Array, y: Float32Array) => void,
  count: number, order: ArrayLike<number> | null, firstStep: number, hooks: EpochHooks = {}): Promise<EpochResult> {
  const xb = new Float32Array(engine.batchSize * engine.inputSize)
  const yb = new Float32Array(engine.batchSize * engine.outputSize)
  return epochLoop(engine.batchSize, count, (start, n) => {
    read(order, start, n, xb, yb)
    return engine.trainBatch(xb, yb, null, 0, n)
  }, firstStep, hooks)
}

async function epochLoop(B: number, count: number, step: (start: number, n: number) => LossAcc, firstStep: number,
  hooks: EpochHooks): Promise<EpochResult> {
  const budget = hooks.yieldEveryMs ?? 25
  let loss = 0
  let acc = 0
  let samples = 0
  let batches = 0
  let last = performance.now()
  for (let start = 0; start < count; start += B) {
    const n = Math.min(B, count - start)
    hooks.beforeBatch?.(firstStep + batches)
    const r = step(start, n)
    loss += r.loss * n
    acc += r.acc * n
    samples += n
    hooks.onBatch?.(firstStep + batches, r.loss, r.acc)
    batches++
    if (budget <= 0 || performance.now() - last >= budget) {
      await yieldToEvents()
      last = performance.now()
    }
    const paused = hooks.pauseGate?.()
    if (paused) {
      await paused
      last = performance.now()
    }
    if (hooks.shouldStop?.()) return { loss: loss / samples, acc: acc / samples, batches, samples, stopped: start + n < count }
  }
  return { loss: loss / samples, acc: acc / samples, batches, samples, stopped: false }
}

/** Which engine a run uses, for BackendInfo.engine and the run record. */
export interface EngineChoice {
  /** The engine, or null when the model needs TF.js's model.fit. */
  engine: FastEngine | null
  /** Short id: 'studio-native' | 'studio-wasm-simd' | 'studio-portable' | 'tfjs'. */
  id: string
  /** One line for the UI: what runs, on how many threads, and why not something faster. */
  description: string
  /** Threads of the studio's kernels (the engine's, or the matmul/conv kernels installed into wasm/cpu). */
  threads?: number
}

/**
 * Gets the studio engine for a compiled `model`, or says why model.fit must run instead.
 * `threads` is the run's setting (STUDIO_TRAINER_THREADS overrides it, see kernels.ts).
 * STUDIO_ENGINE=tfjs turns the engine off (comparisons, bug reports). Never throws.
 */
export function chooseEngine(model: tf.LayersModel, opts: {
  batchSize: number; threads?: number; seed?: number; prefer?: KernelPreference
  /** The TF.js backend model.fit would run on ('wasm', 'cpu', …): decides the portable conv case. */
  backend?: string
}): EngineChoice {
  const k = chooseKernels({ threads: opts.threads, prefer: opts.prefer })
  // model.fit runs on the studio's kernels only where they are installed (wasm, cpu: tfKernels.ts).
  const fitThreads = opts.backend === 'wasm' || opts.backend === 'cpu' ? { threads: k.kernels.threads } : {}
  if (process.env['STUDIO_ENGINE'] === 'tfjs') return { engine: null, id: 'tfjs', description: 'TF.js model.fit (STUDIO_ENGINE=tfjs)', ...fitThreads }
  const plan = FastEngine.plan(model)
  if (!plan.ok) return { engine: null, id: 'tfjs', description: `TF.js model.fit (the studio engine does not support ${plan.reason})`, ...fitThreads }
  // Without the addon, convolutions run faster through the wasm backend's XNNPACK (model.fit with
  // the engine's matmul kernels installed) than through the portable im2col: measured 2× on the
  // studio's CNN. Dense models are the other way round (the portable engine is ~3× faster).
  const hasConv = model.layers.some((l) => l.getClassName() === 'Conv2D')
  if (k.kernels.name !== 'native' && hasConv && opts.backend === 'wasm' && opts.prefer === undefined) {
    return { engine: null, id: 'tfjs', description: `TF.js model.fit on wasm with the studio's matmul kernels (faster than the portable engine for convolutions; native kernels unavailable: ${k.nativeUnavailable ?? '?'})`, ...fitThreads }
  }
  try {
    const engine = FastEngine.create(model, { batchSize: opts.batchSize, kernels: k.kernels, seed: opts.seed })
    const why = k.nativeUnavailable ? ` (native kernels unavailable: ${k.nativeUnavailable})` : ''
    const id = k.kernels.name === 'native' ? 'studio-native' : k.kernels.name === 'wasm-simd' ? 'studio-wasm-simd' : 'studio-portable'
    return { engine, id, description: `${describeKernels(k.kernels)}${why}`, threads: k.kernels.threads }
  } catch (e) {
    return { engine: null, id: 'tfjs', description: `TF.js model.fit (the studio engine failed to start: ${e instanceof Error ? e.message : String(e)})`, ...fitThreads }
  }
}
