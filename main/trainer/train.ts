/**
 * One training run, in-process: reads the dataset cache, builds the model, trains it with
 * model.fit one epoch at a time (so the shuffle can be seeded), streams metrics in batches,
 * checkpoints every epoch and reports through `send`. The trainer process entry (entry.ts) wraps it;
 * tests call it directly with a fake `send`.
 *
 * Overhead budget: per batch it reads the two scalars fit already computed (loss, acc), appends
 * two points, checks the clock and yields once to the event loop (so a `stop` message can arrive);
 * nothing else. Everything else happens once per epoch.
 */
import * as tf from '@tensorflow/tfjs'
import type { BackendInfo, RunConfig } from '../../preload/contract/types'
import { METRIC } from '../../preload/contract/types'
import { readHeader } from '../datasets/cache'
import { batchesPerEpoch as batchCount, epochOrder, openSplit, type SplitSource } from './data/batchSource'
import { TfjsFeed } from './data/tfjsFeed'
import { saveCheckpoint } from './checkpoint'
import { selectBackend } from './backend'
import { MetricBuffer } from './metricBuffer'
import { buildCompiledModel } from './models'
import { installEngineKernelsFor, prepareEngineRun, withEngine } from './engine/studioRun'
import { PROTOCOL_VERSION, type DoneMessage, type TrainerMessage } from './protocol'
import { TrainerError, withCode } from './trainerError'

/** What one run needs: the fields of the protocol's `start` message. */
export interface TrainRequest {
  runId: string
  config: RunConfig
  /** Folder of the dataset's tensor cache. */
  datasetDir: string
  /** Folder this run owns; checkpoints/ goes inside. */
  runDir: string
}

/** How the run talks to the outside world. */
export interface TrainHooks {
  /** Receives every protocol message the run produces, in order (backend, metrics, checkpoint, done). */
  send: (msg: TrainerMessage) => void
  /** Aborting it stops training at the end of the current batch; the run then ends `stopped`. */
  signal?: AbortSignal
}

type Logs = Record<string, number | tf.Scalar> | undefined

function scalar(v: number | tf.Scalar | undefined): number | undefined {
  if (v === undefined) return undefined
  return typeof v === 'number' ? v : v.dataSync()[0]
}

/**
 * The per-batch hook. A plain tf.Callback (not CustomCallback): CustomCallback awaits `.data()`
 * on every log and debounces its own yields; we read the two scalars synchronously and yield
 * exactly once per batch, which is what makes "stop within one batch" hold.
 */
class StreamingCallback extends tf.Callback {
  step = 0
  batchesThisEpoch = 0
  epoch = 1
  epochLogs: Record<string, number> = {}
  private readonly yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

  constructor(
    private readonly metrics: MetricBuffer,
    private readonly classification: boolean,
    private readonly signal: AbortSignal | undefined,
    private readonly stopModel: () => void
  ) {
    super()
  }

  override async onEpochBegin(): Promise<void> {
    this.batchesThisEpoch = 0
  }

  /**
   * Records one finished batch: its two points, the step and batch counters, and a flush when one
   * is due. Synchronous and allocation-free; the studio engine's loop calls it directly.
   */
  recordBatch(loss: number | undefined, acc: number | undefined, now: number): void {
    if (loss !== undefined) this.metrics.add(METRIC.batchLoss, this.step, this.epoch, now, loss)
    if (this.classification && acc !== undefined) this.metrics.add(METRIC.batchAcc, this.step, this.epoch, now, acc)
    this.step++
    this.batchesThisEpoch++
    this.metrics.maybeFlush(now)
  }

  override async onBatchEnd(_batch: number, logs?: Logs): Promise<void> {
    this.recordBatch(scalar(logs?.['loss']), this.classification ? scalar(logs?.['acc']) : undefined, Date.now())
    // Let IPC messages (stop) in, then honour a stop before the next batch starts.
    await this.yieldToEvents()
    if (this.signal?.aborted) this.stopModel()
  }

  override async onEpochEnd(_epoch: number, logs?: Logs): Promise<void> {
    this.epochLogs = {}
    for (const [k, v] of Object.entries(logs ?? {})) {
      const n = scalar(v)
      if (n !== undefined) this.epochLogs[k] = n
    }
  }
}

/**
 * Trains one run to completion or until `hooks.signal` aborts, sending `backend`, `metrics`,
 * `checkpoint` and finally `done` through `hooks.send`, and returns the `done` message.
 * Throws a TrainerError (code dataset | model | backend | training) when a phase fails; the
 * caller turns it into the protocol's `error`. Disposes every tensor it made, so it can be called
 * again in the same process (tests do).
 *
 * Steps and epochs: a batch point's `step` is the global batch index (0-based); epoch points and
 * checkpoints carry the step of the epoch's last batch; `epoch` is 1-based everywhere (the
 * checkpoint after the first epoch is `epoch-0001`). `done.steps` counts batches trained.
 */
export async function runTraining(req: TrainRequest, hooks: TrainHooks): Promise<DoneMessage> {
  const { config } = req
  const send = hooks.send
  const backend: BackendInfo = await withCode('backend', 'backend', () => selectBackend(config.backend ?? 'auto'))

  // Splits from the cache: in memory when small, streamed from disk in batches when not (data/).
  const { header, train, val } = await withCode('dataset', `dataset ${req.datasetDir}`, () => {
    const h = readHeader(req.datasetDir)
    if ((h.splits.train?.count ?? 0) === 0) throw new Error('the train split is empty')
    const tr = openSplit(req.datasetDir, h, 'train')
    let va: SplitSource | null = null
    try {
      va = h.splits.val && h.splits.val.count > 0 ? openSplit(req.datasetDir, h, 'val') : null
    } catch (e) {
      tr.close()
      throw e
    }
    return { header: h, train: tr, val: va }
  })
  const classification = header.task === 'classification'
  const feeds: TfjsFeed[] = []

  const { model, paramCount } = await withCode('model', 'model', () => buildCompiledModel(config, header))
    .catch((e: unknown) => { train.close(); val?.close(); throw e })
  try {
    // The studio engine (engine/) trains the model when it supports it: same semantics as
    // model.fit, several times faster on CPU. Otherwise model.fit runs, on kernels the engine
    // installed into the backend. BackendInfo.engine says which ran, and why.
    installEngineKernelsFor(backend.name, config.threads)
    const batchSize = Math.min(config.batchSize, train.count)
    const { run: fast, choice } = await withCode('dataset', `dataset ${req.datasetDir}`, () =>
      prepareEngineRun(model, train, val, { batchSize, seed: config.seed, backend: backend.name, threads: config.threads }))
    send({ v: PROTOCOL_VERSION, type: 'backend', backend: withEngine(backend, choice), paramCount })

    // Dataset tensors only for model.fit: the engine reads the batch source directly.
    const trainFeed = fast ? null : new TfjsFeed(train)
    const valFeed = val && !fast ? new TfjsFeed(val) : null
    for (const f of [trainFeed, valFeed]) if (f) feeds.push(f)
    const dropLast = config.dropLast === true

    const metrics = new MetricBuffer((batch) => send({ v: PROTOCOL_VERSION, type: 'metrics', batch }))
    const cb = new StreamingCallback(metrics, classification, hooks.signal, () => { model.stopTraining = true })
    // With dropLast every epoch has whole batches only (epochOrder cuts the permutation).
    const epochRows = dropLast && train.count % batchSize !== 0 && train.count > batchSize
      ? train.count - (train.count % batchSize) : train.count
    const batchesPerEpoch = batchCount(epochRows, batchSize)
    const evalBatch = Math.max(batchSize, 512)
    let epochsDone = 0
    let stopped = false

    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      // Short epochs (spirals, XOR) never reach the engine's in-epoch yield and the checkpoint write
      // is synchronous, so give IPC (a `stop`) one turn of the event loop per epoch as well.
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (hooks.signal?.aborted) { stopped = true; break }
      cb.epoch = epoch
      // A fresh seeded permutation per epoch: reproducible, unlike fit's Math.random shuffle.
      const order = epochOrder(train.count, config.seed, epoch, batchSize, dropLast)
      let fitMs: number
      if (fast) {
        cb.batchesThisEpoch = 0
        const t0 = performance.now()
        const r = await withCode('training', `epoch ${epoch}`, () => fast.trainEpoch(order, cb.step,
          (loss, acc) => cb.recordBatch(loss, acc, Date.now()), () => hooks.signal?.aborted === true))
        fitMs = performance.now() - t0
        cb.epochLogs = classification ? { loss: r.loss, acc: r.acc } : { loss: r.loss }
      } else {
        const t0 = performance.now()
        const logs = await withCode('training', `epoch ${epoch}`, () => trainFeed!.fitEpoch(model, order, batchSize, [cb]))
        fitMs = performance.now() - t0
        cb.epochLogs = logs
      }
      const complete = cb.batchesThisEpoch === batchesPerEpoch
      if (!complete) { stopped = true; break } // stopped mid-epoch: no epoch metrics, no checkpoint

      const now = Date.now()
      const step = cb.step - 1
      const epochMetrics: Record<string, number> = {}
      const put = (name: string, value: number | undefined): void => {
        if (value === undefined) return
        epochMetrics[name] = value
        metrics.add(name, step, epoch, now, value)
      }
      put(METRIC.loss, cb.epochLogs['loss'])
      if (classification) put(METRIC.acc, cb.epochLogs['acc'])
      const fastVal = fast ? await withCode('training', `validation after epoch ${epoch}`, () => fast.validate()) : null
      if (fastVal) {
        put(METRIC.valLoss, fastVal[0])
        if (classification) put(METRIC.valAcc, fastVal[1])
      } else if (valFeed) {
        const [vl, va] = await withCode('training', `validation after epoch ${epoch}`, () => valFeed.evaluate(model, evalBatch))
        put(METRIC.valLoss, vl)
        if (classification) put(METRIC.valAcc, va)
      }
      put(METRIC.lr, config.learningRate)
      put(METRIC.samplesPerSec, fitMs > 0 ? order.length / (fitMs / 1000) : 0)
      // Only when due: tiny epochs (XOR: a few ms) would otherwise send a message per epoch. The
      // checkpoint message below carries the epoch metrics anyway.
      metrics.maybeFlush(now)

      // The engine's weights go into the TF.js model first, so the checkpoint is the trained model.
      fast?.syncToModel()
      const saved = await withCode('training', `checkpoint after epoch ${epoch}`, () => saveCheckpoint(model, req.runDir, epoch))
      send({ v: PROTOCOL_VERSION, type: 'checkpoint', epoch, step, path: saved.path, bytes: saved.bytes, metrics: epochMetrics })
      epochsDone = epoch
      if (model.stopTraining || hooks.signal?.aborted) { stopped = epoch < config.epochs; break }
    }
    metrics.flush()
    const done: DoneMessage = { v: PROTOCOL_VERSION, type: 'done', status: stopped ? 'stopped' : 'completed', epochsDone, steps: cb.step }
    send(done)
    return done
  } finally {
    for (const f of feeds) f.dispose()
    train.close()
    val?.close()
    model.optimizer?.dispose()
    model.dispose()
  }
}
