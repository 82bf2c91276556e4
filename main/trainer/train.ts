/**
 * One training run, in-process: reads the dataset cache, builds the model (template or composed
 * graph), trains it one epoch at a time (so the shuffle can be seeded), streams metrics in batches,
 * checkpoints by the run's policy and reports through `send`. The trainer process entry (entry.ts)
 * wraps it; tests call it directly with a fake `send`.
 *
 * Three ways to train an epoch, chosen once per run and named in BackendInfo.engine:
 * - the studio engine (engine/): plain configs on models it supports, fastest on CPU;
 * - model.fit (data/tfjsFeed.ts): plain configs on any other model;
 * - the toolbox loop (toolbox/loop.ts): any run using a toolbox feature neither of the two has
 *   (LR schedules, adamw/adagrad, other losses, L1/L2, label smoothing, mixup/cutmix,
 *   augmentation, class weights, gradient clipping).
 * Early stopping, extra val metrics, checkpoint policy, distributions, pause and divergence are
 * the same on all three.
 *
 * Overhead budget: per batch it reads the two scalars fit already computed (loss, acc), appends
 * two points, checks the clock and yields once to the event loop (so a `stop` message can arrive);
 * nothing else. Everything else happens once per epoch.
 */
import * as tf from '@tensorflow/tfjs'
import type { BackendInfo, RunConfig } from '../../preload/contract/types'
import { METRIC } from '../../preload/contract/types'
import { monitorMetric, resolveToolbox } from '../../preload/contract/toolbox'
import { readHeader } from '../datasets/cache'
import { batchesPerEpoch as batchCount, epochOrder, openSplit, type SplitSource } from './data/batchSource'
import { TfjsFeed } from './data/tfjsFeed'
import {
  hasEngineOptimizerState, loadCheckpointWeights, loadOptimizerState, readCheckpointState, readEngineOptimizerState,
  saveCheckpoint, type CheckpointState
} from './checkpoint'
import { selectBackend } from './backend'
import { MetricBuffer } from './metricBuffer'
import { buildCompiledModel } from './models'
import { installEngineKernelsFor, prepareEngineRun, withEngine } from './engine/studioRun'
import type { PauseGate } from './pauseGate'
import { PROTOCOL_VERSION, type CheckpointMessage, type DoneMessage, type ResumeFrom, type TrainerMessage } from './protocol'
import { epochBatchTransform, epochSeed } from './toolbox/augment'
import { writeDistributions } from './toolbox/distributions'
import {
  classWeightVector, engineBlockers, hasSchedule, lossFromPredictions, predictSplit, resolvedSchedule, ToolboxLoop, toolboxLoopReasons
} from './toolbox/loop'
import { learningRateAt } from './evaluation/schedules'
import { needsPredictions, valMetrics } from './toolbox/valMetrics'
import { TrainerError, withCode } from './trainerError'

/** What one run needs: the fields of the protocol's `start` message. */
export interface TrainRequest {
  runId: string
  config: RunConfig
  /** Folder of the dataset's tensor cache. */
  datasetDir: string
  /** Folder this run owns; checkpoints/ goes inside. */
  runDir: string
  /** Continue from this checkpoint (weights, optimizer state where saved, counters). */
  resumeFrom?: ResumeFrom
}

/** How the run talks to the outside world. */
export interface TrainHooks {
  /** Receives every protocol message the run produces, in order (backend, metrics, checkpoint, done). */
  send: (msg: TrainerMessage) => void
  /** Aborting it stops training at the end of the current batch; the run then ends `stopped`. */
  signal?: AbortSignal
  /** Pause requests from the host (entry.ts); absent: the run never pauses. */
  pause?: PauseGate
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

  /** Set when a batch's loss was NaN or infinite: the run ends `diverged` at that step. */
  diverged: { step: number; epoch: number; loss: number } | null = null
  /** Awaited between batches (pause); set by runTraining. */
  pauseHere: () => Promise<void> | null = () => null

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
    if (loss !== undefined && !Number.isFinite(loss) && !this.diverged) this.diverged = { step: this.step, epoch: this.epoch, loss }
    // A non-finite loss is reported in `done.diverged`, not as a point (IPC's JSON would make it null).
    if (loss !== undefined && Number.isFinite(loss)) this.metrics.add(METRIC.batchLoss, this.step, this.epoch, now, loss)
    if (this.classification && acc !== undefined) this.metrics.add(METRIC.batchAcc, this.step, this.epoch, now, acc)
    this.step++
    this.batchesThisEpoch++
    this.metrics.maybeFlush(now)
  }

  override async onBatchEnd(_batch: number, logs?: Logs): Promise<void> {
    this.recordBatch(scalar(logs?.['loss']), this.classification ? scalar(logs?.['acc']) : undefined, Date.now())
    // Let IPC messages (stop) in, then honour a stop before the next batch starts.
    await this.yieldToEvents()
    const paused = this.pauseHere()
    if (paused) await paused
    if (this.signal?.aborted || this.diverged) this.stopModel()
  }

  override async onEpochEnd(_epoch: number, logs?: Logs): Promise<void> {
    this.epochLogs = {}
    for (const [k, v] of Object.entries(logs ?? {})) {
      const n = scalar(v)
      if (n !== undefined) this.epochLogs[k] = n
    }
  }
}

/** Best-so-far tracking of one epoch metric (checkpoint policy's best, early stopping's monitor). */
class Tracker {
  best: number
  bestEpoch = 0
  constructor(readonly metric: string, readonly mode: 'min' | 'max', readonly minDelta = 0) {
    this.best = mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY
  }
  /** Whether `v` improves on the best by more than minDelta (and records it when it does). */
  offer(v: number | undefined, epoch: number): boolean {
    if (v === undefined || !Number.isFinite(v)) return false
    const better = this.mode === 'min' ? v < this.best - this.minDelta : v > this.best + this.minDelta
    if (better) { this.best = v; this.bestEpoch = epoch }
    return better
  }
}

/**
 * Trains one run to completion or until `hooks.signal` aborts, sending `backend`, `metrics`,
 * `checkpoint`, `distributions`, `notice`, `paused`/`resumed` and finally `done` through
 * `hooks.send`, and returns the `done` message. Throws a TrainerError (code dataset | model |
 * backend | training) when a phase fails; the caller turns it into the protocol's `error`.
 * Disposes every tensor it made, so it can be called again in the same process (tests do).
 *
 * Steps and epochs: a batch point's `step` is the global batch index (0-based); epoch points and
 * checkpoints carry the step of the epoch's last batch; `epoch` is 1-based everywhere (the
 * checkpoint after the first epoch is `epoch-0001`). `done.steps` counts batches trained, from
 * step 0 (a resumed run counts the batches before the checkpoint too).
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
  const tb = resolveToolbox(config, header.task)
  const feeds: TfjsFeed[] = []
  const notice = (
    code: 'engine' | 'optimizer_state' | 'early_stopping' | 'restored_best' | 'distributions', message: string,
    key?: string, params: Record<string, string | number> = {}
  ): void => send({ v: PROTOCOL_VERSION, type: 'notice', code, message, ...(key ? { key, params } : {}) })

  const { model, paramCount } = await withCode('model', 'model', () => buildCompiledModel(config, header))
    .catch((e: unknown) => { train.close(); val?.close(); throw e })
  let bestWeights: tf.Tensor[] | null = null
  try {
    const classWeights = await withCode('model', 'regularization.classWeights', () =>
      classification ? classWeightVector(tb.regularization.classWeights, train.labels, header.numClasses) : null)

    // Resume: weights now (before the engine copies them), optimizer state below, counters here.
    const resume = req.resumeFrom
    let resumeState: CheckpointState | null = null
    let optimizerProblem: string | null = null
    if (resume) {
      await withCode('model', `checkpoint ${resume.checkpointDir}`, () => {
        loadCheckpointWeights(model, resume.checkpointDir)
        resumeState = readCheckpointState(resume.checkpointDir)
      })
    }

    // Which engine trains this run (see the file comment).
    // A two-class graph may end in one sigmoid unit: its loss is binary cross-entropy on P(class 1),
    // which only the toolbox loop computes (model.fit and the engine expect one unit per class).
    const outShape = model.outputs[0]!.shape
    const sigmoidBinary = classification && Number(outShape[outShape.length - 1]) === 1
    if (sigmoidBinary && (tb.loss === 'categoricalCrossentropy' || tb.loss === 'sparseCategoricalCrossentropy')) tb.loss = 'binaryCrossentropy'
    const loopReasons = toolboxLoopReasons(tb, header.task)
    // Optimizer slots in the checkpoint: TF.js's (model.fit / toolbox loop) keep the run off the
    // engine so they can be restored; the engine's own go back into the engine.
    const restoreSlots = !!resume && resume.restoreOptimizer !== false
    const engineSlots = restoreSlots && hasEngineOptimizerState(resume!.checkpointDir)
    const resumeWithSlots = restoreSlots && !engineSlots && (resumeState as CheckpointState | null)?.optimizerState === true
    installEngineKernelsFor(backend.name, config.threads)
    const batchSize = Math.min(config.batchSize, train.count)
    // The engine does LR schedules, L1/L2 and clipping itself; the other toolbox features need the toolbox loop.
    const engineOk = engineBlockers(tb, header.task).length === 0 && !resumeWithSlots
    const tried = engineOk
      ? await withCode('dataset', `dataset ${req.datasetDir}`, () =>
        prepareEngineRun(model, train, val, { batchSize, seed: config.seed, backend: backend.name, threads: config.threads }))
      : null
    const fast = tried?.run ?? null
    // L1/L2 and clipping on the engine: applied to its gradients between backward pass and step.
    fast?.engine.setGradientOptions({
      l1: tb.regularization.l1, l2: tb.regularization.l2, clipValue: tb.gradClip?.value ?? 0, clipNorm: tb.gradClip?.norm ?? 0
    })
    const choice = fast ? tried!.choice
      : loopReasons.length > 0
        ? { engine: null, id: 'toolbox-loop', description: `TF.js custom training loop (tf.variableGrads), for ${loopReasons.join(', ')}${tried ? `; ${tried.choice.description.replace(/^TF\.js model\.fit \((.*)\)$/, '$1')}` : ''}` }
        : tried?.choice ?? { engine: null, id: 'tfjs', description: 'TF.js model.fit (resuming with the checkpoint\'s TF.js optimizer state, which the studio engine cannot take)' }
    const engineId = fast ? choice.id : loopReasons.length > 0 ? 'toolbox-loop' : 'tfjs-fit'
    send({ v: PROTOCOL_VERSION, type: 'backend', backend: withEngine(backend, choice), paramCount })

    if (resume && restoreSlots) {
      optimizerProblem = await withCode('model', `optimizer state of ${resume.checkpointDir}`, async () => {
        if (fast) {
          const st = readEngineOptimizerState(resume.checkpointDir)
          return typeof st === 'string' ? st : fast.engine.importOptimizerState(st)
        }
        if (engineSlots) return 'the checkpoint holds the studio engine\'s optimizer state, and this run trains on TF.js'
        return resumeWithSlots && model.optimizer ? loadOptimizerState(model.optimizer, resume.checkpointDir) : 'the checkpoint has no optimizer state'
      })
      if (optimizerProblem) notice('optimizer_state', `Resumed from epoch ${resume.epoch} with fresh optimizer state: ${optimizerProblem}.`, 'optimizerFresh', { epoch: resume.epoch, detail: optimizerProblem })
    }

    const loop = fast || loopReasons.length === 0 ? null : new ToolboxLoop({
      model, optimizer: model.optimizer, tb, classification, numClasses: header.numClasses, inputShape: header.inputShape,
      learningRate: config.learningRate, totalSteps: 0, seed: config.seed, classWeights
    })
    // Dataset tensors only for model.fit: the engine and the toolbox loop read the batch source directly.
    const trainFeed = fast || loop ? null : new TfjsFeed(train)
    const valFeed = val && !fast && !loop ? new TfjsFeed(val) : null
    for (const f of [trainFeed, valFeed]) if (f) feeds.push(f)
    const dropLast = config.dropLast === true

    const metrics = new MetricBuffer((batch) => send({ v: PROTOCOL_VERSION, type: 'metrics', batch }))
    const cb = new StreamingCallback(metrics, classification, hooks.signal, () => { model.stopTraining = true })
    // With dropLast every epoch has whole batches only (epochOrder cuts the permutation).
    const epochRows = dropLast && train.count % batchSize !== 0 && train.count > batchSize
      ? train.count - (train.count % batchSize) : train.count
    const batchesPerEpoch = batchCount(epochRows, batchSize)
    const evalBatch = Math.max(batchSize, 512)
    if (loop) loop.setTotalSteps(batchesPerEpoch * config.epochs)
    const scheduled = hasSchedule(tb)
    const schedule = resolvedSchedule(tb, batchesPerEpoch * config.epochs)
    const lrAt = (step: number): number => learningRateAt(schedule, config.learningRate, step)
    // The engine's rate follows the schedule batch by batch (set before each step, logged as batch/lr).
    const engineBeforeBatch = fast && scheduled
      ? (step: number): void => {
        const lr = lrAt(step)
        fast.engine.setLearningRate(lr)
        metrics.add(METRIC.batchLr, step, cb.epoch, Date.now(), lr)
      }
      : undefined
    // Batch transforms and class weights on the engine: weights from each row's class (before
    // smoothing/mixing, which then mix the weights too), handed to the engine per batch.
    const engineWeights = fast && classWeights ? new Float32Array(batchSize) : null
    fast?.engine.setSampleWeights(engineWeights)
    const engineTransform = (epoch: number): ((x: Float32Array, y: Float32Array, n: number) => void) | undefined => {
      const t = epochBatchTransform(tb, header.inputShape, classification, header.numClasses, config.seed, epoch)
      if (!engineWeights || !classWeights) return t ? (x, y, n) => t(x, y, null, n) : undefined
      const k = header.numClasses
      return (x, y, n) => {
        for (let i = 0; i < n; i++) {
          let c = 0
          for (let j = 1; j < k; j++) if (y[i * k + j]! > y[i * k + c]!) c = j
          engineWeights[i] = classWeights[c]!
        }
        t?.(x, y, engineWeights.subarray(0, n), n)
      }
    }

    // Pause between batches: the gate parks the loop; `paused`/`resumed` carry the step reached.
    cb.pauseHere = () => {
      const gate = hooks.pause
      if (!gate?.pauseRequested) return null
      const at = { epoch: cb.epoch, step: cb.step - 1 }
      const p = gate.gate(() => { metrics.flush(); send({ v: PROTOCOL_VERSION, type: 'paused', ...at }) })
      return p ? p.then(() => { if (!hooks.signal?.aborted) send({ v: PROTOCOL_VERSION, type: 'resumed', ...at }) }) : null
    }

    // Checkpoint policy and early stopping, continued from the checkpoint's state when resuming.
    const policy = tb.checkpointPolicy
    const rs = resumeState as CheckpointState | null
    const bestBy = new Tracker(monitorMetric(policy.bestMetric, policy.bestMode).metric, monitorMetric(policy.bestMetric, policy.bestMode).mode)
    let bestDir: string | null = null
    if (rs?.best && rs.best.metric === bestBy.metric) { bestBy.best = rs.best.value; bestBy.bestEpoch = rs.best.epoch; bestDir = rs.best.dir }
    const es = tb.earlyStopping
    const esMon = es ? monitorMetric(es.monitor, es.mode) : null
    const stopper = es && esMon ? new Tracker(esMon.metric, esMon.mode, es.minDelta) : null
    let wait = 0
    if (stopper && rs?.earlyStopping && rs.earlyStopping.monitor === stopper.metric) {
      stopper.best = rs.earlyStopping.best; stopper.bestEpoch = rs.earlyStopping.bestEpoch; wait = rs.earlyStopping.wait
    }
    let monitorFallbackSaid = false

    const firstEpoch = resume ? resume.epoch + 1 : 1
    cb.step = resume ? resume.step + 1 : 0
    let epochsDone = resume ? resume.epoch : 0
    let stopped = false
    let earlyStopped: DoneMessage['earlyStopped']
    let distEvery = 1
    // A fixed probe for activation histograms: the first ≤ 64 val examples (train when there is no val split).
    const probeSrc = val ?? train
    const probeN = Math.min(64, probeSrc.count)
    const probe = { x: new Float32Array(probeN * probeSrc.inputSize), n: probeN, shape: probeSrc.inputShape }
    probeSrc.read(null, 0, probeN, probe.x, new Float32Array(probeN * probeSrc.targetSize))

    for (let epoch = firstEpoch; epoch <= config.epochs; epoch++) {
      // Short epochs (spirals, XOR) never reach the engine's in-epoch yield and the checkpoint write
      // is synchronous, so give IPC (a `stop`, a `pause`) one turn of the event loop per epoch as well.
      await new Promise<void>((resolve) => setImmediate(resolve))
      const parked = cb.pauseHere()
      if (parked) await parked
      if (hooks.signal?.aborted) { stopped = true; break }
      cb.epoch = epoch
      cb.batchesThisEpoch = 0
      // A fresh seeded permutation per epoch: reproducible, unlike fit's Math.random shuffle.
      const order = epochOrder(train.count, config.seed, epoch, batchSize, dropLast)
      let fitMs: number
      const t0 = performance.now()
      if (fast) {
        const r = await withCode('training', `epoch ${epoch}`, () => fast.trainEpoch(order, cb.step,
          (loss, acc) => cb.recordBatch(loss, acc, Date.now()), () => hooks.signal?.aborted === true || cb.diverged !== null,
          () => cb.pauseHere(), engineBeforeBatch, engineTransform(epoch)))
        fitMs = performance.now() - t0
        cb.epochLogs = classification ? { loss: r.loss, acc: r.acc } : { loss: r.loss }
      } else if (loop) {
        const r = await withCode('training', `epoch ${epoch}`, () => loop.trainEpoch(train, order, batchSize, epoch, cb.step, {
          onBatch: (loss, acc, lr) => {
            const now = Date.now()
            if (scheduled) metrics.add(METRIC.batchLr, cb.step, epoch, now, lr)
            cb.recordBatch(loss, acc, now)
          },
          afterBatch: async () => {
            await new Promise<void>((resolve) => setImmediate(resolve))
            const p = cb.pauseHere()
            if (p) await p
            return hooks.signal?.aborted === true
          }
        }))
        if (r.diverged) cb.diverged = { step: r.diverged.step, epoch, loss: r.diverged.loss }
        fitMs = performance.now() - t0
        cb.epochLogs = classification ? { loss: r.loss, acc: r.acc } : { loss: r.loss }
      } else {
        const logs = await withCode('training', `epoch ${epoch}`, () => trainFeed!.fitEpoch(model, order, batchSize, [cb]))
        fitMs = performance.now() - t0
        cb.epochLogs = logs
      }
      if (cb.diverged) break
      const complete = cb.batchesThisEpoch === batchesPerEpoch
      if (!complete) { stopped = true; break } // stopped mid-epoch: no epoch metrics, no checkpoint
      if (Number.isFinite(cb.epochLogs['loss'] ?? 0) === false) {
        cb.diverged = { step: cb.step - 1, epoch, loss: cb.epochLogs['loss']! }
        break
      }

      const now = Date.now()
      const step = cb.step - 1
      const epochMetrics: Record<string, number> = {}
      const put = (name: string, value: number | undefined): void => {
        if (value === undefined || Number.isNaN(value)) return
        epochMetrics[name] = value
        metrics.add(name, step, epoch, now, value)
      }
      put(METRIC.loss, cb.epochLogs['loss'])
      if (classification) put(METRIC.acc, cb.epochLogs['acc'])
      // The engine's weights go into the TF.js model first: predictions, checkpoints and
      // distributions all read the TF.js model.
      fast?.syncToModel()
      const wantPred = val !== null && (loop !== null || needsPredictions(tb.metrics, classification))
      const predicted = wantPred && val ? await withCode('training', `validation after epoch ${epoch}`, () => predictSplit(model, val, evalBatch)) : null
      if (loop && val && predicted) {
        const r = lossFromPredictions(tb, val, predicted.pred, predicted.outputSize)
        put(METRIC.valLoss, r.loss)
        if (classification) put(METRIC.valAcc, r.acc)
      } else {
        const fastVal = fast ? await withCode('training', `validation after epoch ${epoch}`, () => fast.validate()) : null
        if (fastVal) {
          put(METRIC.valLoss, fastVal[0])
          if (classification) put(METRIC.valAcc, fastVal[1])
        } else if (valFeed) {
          const [vl, va] = await withCode('training', `validation after epoch ${epoch}`, () => valFeed.evaluate(model, evalBatch))
          put(METRIC.valLoss, vl)
          if (classification) put(METRIC.valAcc, va)
        }
      }
      if (predicted && val) {
        const extra = valMetrics(tb.metrics, { classification, numClasses: header.numClasses, labels: val.labels, pred: predicted.pred, outputSize: predicted.outputSize, topK: tb.topK })
        for (const [k, v] of Object.entries(extra)) put(k, v)
      }
      put(METRIC.lr, lrAt(step))
      put(METRIC.samplesPerSec, fitMs > 0 ? order.length / (fitMs / 1000) : 0)
      // Only when due: tiny epochs (XOR: a few ms) would otherwise send a message per epoch. The
      // checkpoint message below carries the epoch metrics anyway.
      metrics.maybeFlush(now)

      // A monitored metric the run does not log (val_* without a val split) falls back to its train twin.
      const valueOf = (metric: string): number | undefined => epochMetrics[metric] ?? epochMetrics[metric.replace('/val_', '/')]
      const improved = bestBy.offer(valueOf(bestBy.metric), epoch)
      let stopNow = false
      if (stopper && es) {
        const v = valueOf(stopper.metric)
        if (v === undefined && !monitorFallbackSaid) {
          monitorFallbackSaid = true
          notice('early_stopping', `Early stopping monitors ${stopper.metric}, which this run does not log; it never triggers.`, 'earlyStopNoMetric', { metric: stopper.metric })
        }
        if (stopper.offer(v, epoch)) {
          wait = 0
          if (es.restoreBest) { tf.dispose(bestWeights ?? []); bestWeights = model.getWeights().map((t) => t.clone()) }
        } else if (v !== undefined) {
          // Keras's rule: stop once `patience` epochs in a row did not improve (patience 0: the first one).
          wait++
          if (wait >= es.patience) stopNow = true
        }
      }

      const last = epoch === config.epochs || stopNow
      const reasons: NonNullable<CheckpointMessage['reasons']> = []
      if (epoch % policy.everyEpochs === 0) reasons.push('periodic')
      if (improved) reasons.push('best')
      if (last) reasons.push('final')
      if (reasons.length > 0) {
        const dir = `${req.runDir}/checkpoints/epoch-${String(epoch).padStart(4, '0')}`
        const state: CheckpointState = {
          format: 'studio-checkpoint-state', version: 1, epoch, step, seed: config.seed,
          rng: { kind: 'per-epoch', seed: epochSeed(config.seed, epoch + 1) },
          best: Number.isFinite(bestBy.best) ? { metric: bestBy.metric, mode: bestBy.mode, value: bestBy.best, epoch: bestBy.bestEpoch, dir: improved ? dir : bestDir } : null,
          earlyStopping: stopper ? { monitor: stopper.metric, best: stopper.best, bestEpoch: stopper.bestEpoch, wait } : null,
          engine: engineId
        }
        // The TF.js optimizer's slots, or the studio engine's own (a different format: each resumes its own path).
        const saved = await withCode('training', `checkpoint after epoch ${epoch}`, () =>
          saveCheckpoint(model, req.runDir, epoch, { optimizer: fast ? null : model.optimizer, engineOptimizer: fast ? fast.engine.exportOptimizerState() : null, state }))
        if (improved) bestDir = saved.path
        send({
          v: PROTOCOL_VERSION, type: 'checkpoint', epoch, step, path: saved.path, bytes: saved.bytes, metrics: epochMetrics,
          reasons, isBest: improved, bestMetric: bestBy.metric, bestMode: bestBy.mode, optimizerState: true
        })
      }

      // Distributions: at most every epoch, throttled so that they stay under 3% of training time.
      if ((epoch - firstEpoch) % distEvery === 0 || last) {
        const d0 = performance.now()
        try {
          const file = writeDistributions(model, req.runDir, epoch, step, probe)
          send({ v: PROTOCOL_VERSION, type: 'distributions', epoch, step, path: file })
        } catch (e) {
          notice('distributions', `Weight distributions of epoch ${epoch} could not be written: ${e instanceof Error ? e.message : String(e)}`, 'distributionsFailed', { epoch, detail: e instanceof Error ? e.message : String(e) })
        }
        const dMs = performance.now() - d0
        if (fitMs > 0 && dMs > 0.03 * fitMs) distEvery = Math.min(100, Math.ceil(dMs / (0.03 * fitMs)))
      }
      epochsDone = epoch

      if (stopNow && stopper && es) {
        let restored = false
        if (es.restoreBest && stopper.bestEpoch > 0 && stopper.bestEpoch !== epoch) {
          if (bestWeights) { model.setWeights(bestWeights); restored = true }
          else if (rs?.best?.dir && rs.best.epoch === stopper.bestEpoch) { loadCheckpointWeights(model, rs.best.dir); restored = true }
        }
        earlyStopped = { epoch, bestEpoch: stopper.bestEpoch, monitor: stopper.metric, best: stopper.best, restored }
        notice('early_stopping', `Early stopping after epoch ${epoch}: ${stopper.metric} did not improve for ${es.patience} epoch${es.patience === 1 ? '' : 's'} (best ${stopper.best.toPrecision(4)} at epoch ${stopper.bestEpoch})${restored ? '; the best epoch\'s weights were restored' : ''}.`,
          restored ? 'earlyStoppedRestored' : 'earlyStopped', { epoch, metric: stopper.metric, patience: es.patience, best: stopper.best.toPrecision(4), bestEpoch: stopper.bestEpoch })
        break
      }
      if (model.stopTraining || hooks.signal?.aborted) { stopped = epoch < config.epochs; break }
    }
    metrics.flush()
    const status: DoneMessage['status'] = cb.diverged ? 'diverged' : stopped ? 'stopped' : 'completed'
    const done: DoneMessage = {
      v: PROTOCOL_VERSION, type: 'done', status, epochsDone, steps: cb.step,
      ...(cb.diverged ? { diverged: cb.diverged } : {}),
      ...(earlyStopped ? { earlyStopped } : {})
    }
    send(done)
    return done
  } finally {
    tf.dispose(bestWeights ?? [])
    for (const f of feeds) f.dispose()
    train.close()
    val?.close()
    model.optimizer?.dispose()
    model.dispose()
  }
}
