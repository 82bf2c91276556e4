/**
 * The studio's core: one object that owns the database, the trainer processes and the event hub,
 * and implements every request of the contract. The Electron shell, the headless server, the CLI
 * and the tests all drive this same object; only the TrainerLauncher differs.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Requests, RequestChannel } from '../../preload/contract/channels'
import type {
  AppInfo, BackendInfo, CheckpointInfo, DatasetSummary, MetricBatch, ModelSpec, ModelTemplateInfo,
  RunConfig, RunDetail, RunModel, RunSummary
} from '../../preload/contract/types'
import { METRIC, isGraphModel } from '../../preload/contract/types'
import { analyzeGraph } from '../../preload/contract/model/analyze'
import { createLogger } from '../common/logger'
import { dataLayout, resolveInside } from '../common/paths'
import { newRunId } from '../common/ids'
import { installSamples } from '../datasets/samples'
import { openDatabase, type StudioDb } from '../storage/db'
import { CheckpointsRepo, type BestBy } from '../storage/checkpointsRepo'
import { DatasetsRepo, toSummary, type DatasetRecord } from '../storage/datasetsRepo'
import { MetricsRepo } from '../storage/metricsRepo'
import { ModelsRepo } from '../storage/modelsRepo'
import { RunsRepo, toRunSummary, type RunRecord } from '../storage/runsRepo'
import { TrainerSession, describeExit, type TrainerLauncher } from '../trainer/trainerHost'
import type { ResumeFrom } from '../trainer/protocol'
import { fasterBackendHint, probeBackend } from '../trainer/backend'
import { probeEngine, type EngineProbe } from '../trainer/engine/probe'
import { acquireDataDirLock, type DataDirLock } from '../common/dataDirLock'
import { DatasetService } from './datasetService'
import { HpoService } from './hpoService'
import { ModelsService } from './modelsService'
import { RunLifecycle } from './runLifecycle'
import { EvalWorker } from './evalWorker'
import { appendNotice, bestByFromPolicy, checkpointsToDelete, readNotices, removeCheckpointDir } from './runArtifacts'
import { StudioError } from './errors'
import { EventHub } from './events'

const log = createLogger('studio')

export interface StudioOptions {
  dataDir: string
  /** Built trainer entry (out/main/trainer.js). */
  trainerEntry: string
  launcher: TrainerLauncher
  mode: AppInfo['mode']
  version: string
  /** better_sqlite3.node for Electron's ABI, when running inside Electron. */
  nativeBinding?: string
  /** Finds the backend a new run would get (default: probeBackend, a few file lookups, no TF.js). */
  probeBackend?: () => BackendInfo
  /** Whether the native training kernels load here (default: probeEngine, loads the addon once). */
  probeEngine?: () => EngineProbe
  /** Where the sample datasets' source files are (resources/samples). */
  samplesDir?: string
  /** Built evaluation job (out/main/evalJob.js); default: next to trainerEntry. */
  evalJobEntry?: string
  /** Built import worker (out/main/importWorker.js); default: found next to the running code. */
  importWorkerEntry?: string
}

/** Handlers for every request channel, typed by the contract. */
export type Handlers = { [C in RequestChannel]: (args: Requests[C]['args']) => Promise<Requests[C]['result']> | Requests[C]['result'] }

const TEMPLATES: ModelTemplateInfo[] = [
  { id: 'logreg', inputRanks: [1, 3] },
  { id: 'mlp', inputRanks: [1, 3] },
  { id: 'cnn', inputRanks: [3] }
]

/** Readable model description stored with the run, e.g. "mlp 64-64 relu". */
export function describeModel(m: RunModel): string {
  if (isGraphModel(m)) {
    const layers = m.graph.nodes.filter((n) => n.kind !== 'Input').length
    return `${m.graph.name?.trim() || 'graph'}${m.modelVersion ? ` v${m.modelVersion}` : ''} (${layers} layers)`
  }
  switch (m.template) {
    case 'logreg': return 'logreg'
    case 'mlp': return `mlp ${(m.hidden ?? [64, 64]).join('-')} ${m.activation ?? 'relu'}`
    case 'cnn': return `cnn ${(m.filters ?? [16, 32]).join('-')}/${m.denseUnits ?? 64}`
  }
}

/** The metric that marks the best checkpoint: validation accuracy when logged, else validation loss. */
export function bestByFor(metrics: Record<string, number>): BestBy {
  const key = (suffix: string) => Object.keys(metrics).find((k) => k === suffix || k.endsWith(`/${suffix}`))
  const acc = key('val_acc')
  if (acc) return { metric: acc, mode: 'max' }
  const loss = key('val_loss') ?? key('loss')
  return { metric: loss ?? 'loss', mode: 'min' }
}


interface ActiveRun {
  session: TrainerSession | null
  lastError: string | null
  epochLossSeen: number
  stopRequested: boolean
}

export class StudioCore {
  readonly hub = new EventHub()
  readonly layout: ReturnType<typeof dataLayout>
  readonly db: StudioDb
  readonly datasets: DatasetsRepo
  readonly runs: RunsRepo
  readonly metrics: MetricsRepo
  readonly checkpoints: CheckpointsRepo
  readonly datasetService: DatasetService
  readonly modelsService: ModelsService
  readonly lifecycle: RunLifecycle
  readonly evalWorker: EvalWorker
  /** HPO studies (issue 5): the coordinator and the hpo:* channels. */
  readonly hpo: HpoService
  readonly models: ModelsRepo
  private readonly active = new Map<string, ActiveRun>()
  private backend: BackendInfo | null = null
  private engine: EngineProbe | null = null
  private lock: DataDirLock | null = null
  private closed = false
  readonly handlers: Handlers

  private constructor(private readonly opts: StudioOptions) {
    this.layout = dataLayout(opts.dataDir)
    for (const d of [this.layout.root, this.layout.datasets, this.layout.runs]) mkdirSync(d, { recursive: true })
    this.db = openDatabase(this.layout.db, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {})
    this.datasets = new DatasetsRepo(this.db)
    this.runs = new RunsRepo(this.db)
    this.metrics = new MetricsRepo(this.db)
    this.checkpoints = new CheckpointsRepo(this.db)
    this.datasetService = new DatasetService({
      datasetsDir: this.layout.datasets, uploadsDir: path.join(this.layout.root, 'uploads'), repo: this.datasets, hub: this.hub,
      ...(opts.importWorkerEntry ? { workerEntry: opts.importWorkerEntry } : {})
    })
    this.models = new ModelsRepo(this.db)
    this.modelsService = new ModelsService({
      repo: this.models, runs: this.runs, hub: this.hub,
      datasetInfo: (datasetId) => {
        const d = this.dataset(datasetId)
        return { inputShape: d.inputShape, task: d.task, numClasses: d.numClasses }
      }
    })
    this.hpo = new HpoService(this)
    this.evalWorker = new EvalWorker(opts.launcher, opts.evalJobEntry ?? path.join(path.dirname(opts.trainerEntry), 'evalJob.js'))
    this.lifecycle = new RunLifecycle(this, this.evalWorker, bestByFor)
    this.handlers = this.makeHandlers()
  }

  /**
   * Opens the data folder: migrates the database, installs the sample datasets, marks runs that
   * were left running by a crash as failed, and starts the backend probe in the background.
   */
  static open(opts: StudioOptions): StudioCore {
    const core = new StudioCore(opts)
    core.registerSamples()
    // Only the process that owns the folder recovers: another one (a `studio runs` or `studio train`
    // in a terminal while the app or `studio serve` trains) must not fail the owner's live runs.
    core.lock = acquireDataDirLock(core.layout.root)
    if (core.lock.owned) {
      core.recoverInterruptedRuns()
      core.hpo.recover()
    } else {
      log.info(`data folder in use by process ${core.lock.holder ?? '?'}: its runs in progress are left as they are`)
    }
    try {
      core.backend = (opts.probeBackend ?? probeBackend)()
    } catch (e) {
      log.warn('backend probe failed', e)
    }
    core.engine = (opts.probeEngine ?? probeEngine)()
    return core
  }

  private registerSamples(): void {
    const infos = installSamples(this.layout.datasets, ...(this.opts.samplesDir ? [this.opts.samplesDir] : []))
    const now = Date.now()
    for (const s of infos) {
      const existing = this.datasets.get(s.id)
      this.datasets.upsert({
        id: s.id, name: s.name, description: s.description, source: s.source, task: s.header.task,
        inputShape: s.header.inputShape, numClasses: s.header.numClasses, classNames: s.header.classNames,
        trainSize: s.header.splits.train?.count ?? 0, valSize: s.header.splits.val?.count ?? 0,
        bytes: s.header.bytes, isSample: true, createdAt: existing?.createdAt ?? now,
        suggested: s.suggested, dir: s.dir, sha256: s.header.sha256
      })
    }
  }

  private recoverInterruptedRuns(): void {
    for (const r of this.runs.listActive()) {
      this.runs.finish(r.id, 'failed', Date.now(),
        'The studio stopped while this run was in progress (app closed or crashed). Metrics and checkpoints saved until then are kept.')
      log.warn(`run ${r.id} was ${r.status} when the studio stopped; marked failed`)
    }
  }

  /** The summary of a run, for events and results. */
  summary(runId: string): RunSummary {
    const r = this.runs.get(runId)
    if (!r) throw new StudioError('not_found', `No run with id ${runId}.`)
    return toRunSummary(r)
  }

  /** Tells every listener that a run changed (status, progress, name). */
  emitChange(runId: string): void {
    this.hub.emit('runs:didChange', this.summary(runId))
  }

  private dataset(id: string): DatasetRecord {
    const d = this.datasets.get(id)
    if (!d || d.deletedAt) throw new StudioError('not_found', `No dataset with id "${id}". Known datasets: ${this.datasets.list().map((x) => x.id).join(', ')}.`)
    return d
  }

  /** Checks that a model template fits a dataset; throws a message that says what to pick instead. */
  private checkModelFits(model: RunModel, d: DatasetRecord): void {
    if (isGraphModel(model)) {
      // A composed graph: the composer's own analysis decides, so the message names the layer.
      const a = analyzeGraph(model.graph, { inputShape: d.inputShape, task: d.task, numClasses: d.numClasses })
      if (!a.valid) {
        const e = a.errors[0]!
        throw new StudioError('invalid_argument', `The model does not fit dataset "${d.id}": ${e.nodeId ? `layer ${e.nodeId}: ` : ''}${e.message}`)
      }
      return
    }
    const t = TEMPLATES.find((x) => x.id === model.template)!
    const rank = d.inputShape.length
    if (!t.inputRanks.includes(rank)) {
      throw new StudioError('invalid_argument',
        `The ${model.template} template needs image input (height × width × channels), but dataset "${d.id}" has ` +
        `input shape [${d.inputShape.join(', ')}]. Use mlp or logreg for this dataset.`)
    }
    if (d.task === 'classification' && d.numClasses < 2) {
      throw new StudioError('invalid_argument', `Dataset "${d.id}" has ${d.numClasses} class; classification needs at least 2.`)
    }
  }

  /**
   * Starts a run: records it, launches its trainer process and returns at once. A graph model is
   * recorded with the saved model version it trains (saved automatically when it is not yet).
   * `from` (runs:fork) links the run to its parent and starts it from that checkpoint's weights.
   */
  startRun(config: RunConfig, from?: { parentRunId: string; checkpoint: CheckpointInfo }): RunSummary {
    if (this.closed) throw new StudioError('unavailable', 'The studio is shutting down.')
    const d = this.dataset(config.datasetId)
    this.checkModelFits(config.model, d)
    const id = newRunId()
    const count = this.runs.list().filter((r) => r.datasetId === d.id).length + 1
    const name = config.name?.trim() || `${d.name} · ${isGraphModel(config.model) ? config.model.graph.name?.trim() || 'graph' : config.model.template} #${count}`
    const now = Date.now()
    let modelRef: { modelId: string; version: number } | null = null
    if (isGraphModel(config.model)) {
      // The run records the exact model version it trains; its stored config names it too.
      modelRef = this.modelsService.versionForRun(config.model.graph, config.model, name)
      config = { ...config, model: { ...config.model, modelId: modelRef.modelId, modelVersion: modelRef.version } }
    }
    const runDir = resolveInside(this.layout.runs, id)
    mkdirSync(runDir, { recursive: true })
    this.runs.create({
      id, name, config, model: describeModel(config.model), runDir, createdAt: now,
      ...(modelRef ? { modelId: modelRef.modelId, modelVersion: modelRef.version } : {}),
      ...(from ? { parentRunId: from.parentRunId, parentCheckpointId: from.checkpoint.id } : {})
    })
    this.runs.markRunning(id, now)
    this.launch(id, config, d, runDir, from ? { checkpointDir: from.checkpoint.path, epoch: from.checkpoint.epoch, step: from.checkpoint.step } : undefined)
    const summary = this.summary(id)
    this.hub.emit('runs:didChange', summary)
    return summary
  }

  /**
   * Continues an existing run record (runs:resumeFrom) from a checkpoint: the caller has already
   * reopened the row and removed the abandoned tail; this launches the trainer.
   */
  continueRun(runId: string, checkpoint: CheckpointInfo): RunSummary {
    if (this.closed) throw new StudioError('unavailable', 'The studio is shutting down.')
    const r = this.runs.get(runId)!
    this.launch(runId, r.config, this.dataset(r.config.datasetId), r.runDir,
      { checkpointDir: checkpoint.path, epoch: checkpoint.epoch, step: checkpoint.step })
    const summary = this.summary(runId)
    this.hub.emit('runs:didChange', summary)
    return summary
  }

  /** Launches the trainer process of a run that is recorded as running, and wires its messages. */
  private launch(id: string, config: RunConfig, d: DatasetRecord, runDir: string, resumeFrom?: ResumeFrom): void {
    const state: ActiveRun = { session: null, lastError: null, epochLossSeen: resumeFrom?.epoch ?? 0, stopRequested: false }
    this.active.set(id, state)
    try {
      state.session = new TrainerSession(this.opts.launcher, this.opts.trainerEntry,
        { runId: id, config, datasetDir: d.dir, runDir, ...(resumeFrom ? { resumeFrom } : {}) }, {
          onBackend: (m) => {
            this.runs.setBackend(id, m.backend, m.paramCount)
            this.emitChange(id)
          },
          onMetrics: (m) => this.ingestMetrics(id, state, m.batch),
          onCheckpoint: (m) => {
            let p: string
            try { p = resolveInside(runDir, path.relative(runDir, m.path)) } catch {
              log.warn(`run ${id}: checkpoint path outside the run folder ignored: ${m.path}`)
              return
            }
            const bestBy: BestBy = m.bestMetric && m.bestMode ? { metric: m.bestMetric, mode: m.bestMode }
              : bestByFromPolicy(config.checkpointPolicy, m.metrics, bestByFor)
            const info = this.checkpoints.add({
              runId: id, epoch: m.epoch, step: m.step, path: p, bytes: m.bytes, metrics: m.metrics, createdAt: Date.now(),
              optimizer: m.optimizerState === true
            }, bestBy)
            this.hub.emit('runs:didCheckpoint', info)
            this.applyRetention(id, runDir, config.checkpointPolicy?.keepLast)
          },
          onDone: (m) => {
            this.runs.recordEpoch(id, m.epochsDone, m.steps)
            const d = m.status === 'diverged' ? m.diverged : undefined
            const error = m.status === 'diverged'
              ? `The loss became ${d ? String(d.loss) : 'NaN or infinite'}${d ? ` at step ${d.step} (epoch ${d.epoch})` : ''}; training stopped. Try a lower learning rate or gradient clipping.`
              : null
            if (this.runs.finish(id, m.status, Date.now(), error, d?.step ?? null)) this.emitChange(id)
          },
          onNotice: (m) => {
            const notice = { code: m.code, message: m.message, at: Date.now(), ...(m.key ? { key: m.key, params: m.params ?? {} } : {}) }
            try { appendNotice(runDir, notice) } catch (e) { log.warn(`run ${id}: could not store a notice`, e) }
            this.hub.emit('runs:didNotice', { runId: id, notice })
          },
          onError: (m) => {
            state.lastError = m.message
            log.warn(`run ${id}: trainer error ${m.code}: ${m.message}`)
          },
          onExit: (info, done) => {
            this.active.delete(id)
            if (done) return
            const reason = state.lastError ?? describeExit(info)
            if (this.runs.finish(id, state.stopRequested && !state.lastError ? 'stopped' : 'failed', Date.now(), reason)) {
              log.warn(`run ${id} ended without finishing: ${reason}`)
              this.emitChange(id)
            }
          }
        })
    } catch (e) {
      this.active.delete(id)
      this.runs.finish(id, 'failed', Date.now(), `Could not start the trainer: ${e instanceof Error ? e.message : String(e)}`)
    }
  }

  /**
   * Checkpoint retention (the run's checkpointPolicy.keepLast): removes the folders of checkpoints
   * older than the last K, never the best or the last, and marks their rows deleted (the rows stay
   * so the curves keep their markers). A folder that cannot be removed is left marked live.
   */
  private applyRetention(runId: string, runDir: string, keepLast: number | undefined): void {
    const doomed = checkpointsToDelete(this.checkpoints.list(runId), keepLast)
    if (!doomed.length) return
    const gone: number[] = []
    for (const c of doomed) {
      try { removeCheckpointDir(runDir, c.path); gone.push(c.id) } catch (e) { log.warn(`run ${runId}: could not remove checkpoint ${c.path}`, e) }
    }
    this.checkpoints.markDeleted(gone, Date.now())
    for (const id of gone) this.hub.emit('runs:didCheckpoint', this.checkpoints.get(id)!)
  }

  private ingestMetrics(runId: string, state: ActiveRun, batch: MetricBatch): void {
    try {
      this.metrics.append(runId, batch)
    } catch (e) {
      log.error(`run ${runId}: could not store ${batch.value.length} metric points`, e)
      return
    }
    this.hub.emit('runs:didMetrics', { runId, batch })
    let epochEnded = false
    let valAcc: number | undefined
    let valLoss: number | undefined
    let step = 0
    for (let i = 0; i < batch.name.length; i++) {
      const n = batch.name[i]
      if (n === METRIC.loss) { state.epochLossSeen = Math.max(state.epochLossSeen + 1, batch.epoch[i]!); epochEnded = true; step = Math.max(step, batch.step[i]!) }
      else if (n === METRIC.valAcc) valAcc = batch.value[i]
      else if (n === METRIC.valLoss) valLoss = batch.value[i]
    }
    if (epochEnded) {
      this.runs.recordEpoch(runId, state.epochLossSeen, step, valAcc, valLoss)
      this.emitChange(runId)
    }
  }

  /** Asks a run to stop; a run with no live process is marked stopped at once. */
  stopRun(runId: string): RunSummary {
    const r = this.runs.get(runId)
    if (!r) throw new StudioError('not_found', `No run with id ${runId}.`)
    const a = this.active.get(runId)
    if (a?.session && !a.session.exited) {
      a.stopRequested = true
      a.session.stop()
    } else if (r.status === 'running' || r.status === 'queued' || r.status === 'paused') {
      this.runs.finish(runId, 'stopped', Date.now())
      this.emitChange(runId)
    }
    return this.summary(runId)
  }

  /** The live trainer session of a run (pause/resume), or null when it has no process. */
  sessionOf(runId: string): TrainerSession | null {
    const s = this.active.get(runId)?.session
    return s && !s.exited ? s : null
  }

  /** Pid of a run's trainer process, while it runs (tests and diagnostics). */
  trainerPid(runId: string): number | undefined {
    return this.active.get(runId)?.session?.pid
  }

  /** Resolves when the run is no longer queued, running or paused. */
  waitForEnd(runId: string, timeoutMs = 600_000): Promise<RunSummary> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const s = this.summary(runId)
        if (s.status !== 'running' && s.status !== 'queued' && s.status !== 'paused') {
          clearTimeout(timer)
          off()
          resolve(s)
        }
      }
      const off = this.hub.subscribe((event, payload) => {
        if (event === 'runs:didChange' && (payload as RunSummary).id === runId) check()
      })
      const timer = setTimeout(() => { off(); reject(new Error(`run ${runId} did not end within ${timeoutMs} ms`)) }, timeoutMs)
      check()
    })
  }

  private detail(runId: string): RunDetail {
    const r: RunRecord | undefined = this.runs.get(runId)
    if (!r) throw new StudioError('not_found', `No run with id ${runId}.`)
    return {
      summary: toRunSummary(r), config: r.config, backendInfo: r.backendInfo,
      checkpoints: this.checkpoints.list(runId), paramCount: r.paramCount, notices: readNotices(r.runDir)
    }
  }

  appInfo(): AppInfo {
    return {
      version: this.opts.version, mode: this.opts.mode, dataDir: this.layout.root,
      platform: `${process.platform}-${process.arch}`, backend: this.backend,
      backendHint: this.backend ? fasterBackendHint(this.backend.name, { nativeEngine: this.engine?.native === true }) : null,
      ...(this.engine ? { engine: this.engine.description, nativeEngine: this.engine.native, cores: this.engine.cores } : {})
    }
  }

  /**
   * CPU threads each trainer gets when `extra` more runs start now: max(1, ⌊cores / running
   * trainers⌋) (issue 6). Trainers already running are told their new share when one starts or
   * ends (TrainerSession.rebalance), so N runs at once never oversubscribe the cores; a run's own
   * `threads` setting is an upper bound within its share.
   */
  threadShare(extra = 0): number {
    return TrainerSession.threadShare(extra)
  }

  private makeHandlers(): Handlers {
    return {
      'app:info': () => this.appInfo(),
      'datasets:list': (): DatasetSummary[] => this.datasets.list().map(toSummary),
      'models:templates': () => TEMPLATES,
      'runs:list': () => this.runs.list().map(toRunSummary),
      'runs:get': ({ runId }) => this.detail(runId),
      'runs:start': ({ config }) => this.startRun(config as RunConfig),
      'runs:stop': ({ runId }) => this.stopRun(runId),
      'runs:rename': ({ runId, name }) => {
        this.summary(runId)
        this.runs.rename(runId, name)
        this.emitChange(runId)
        return this.summary(runId)
      },
      'runs:metrics': ({ runId, names, afterStep }) => {
        this.summary(runId)
        return this.metrics.series(runId, names, afterStep)
      },
      ...this.datasetService.handlers(),
      ...this.hpo.handlers(),
      ...this.modelsService.handlers(),
      ...this.lifecycle.handlers(this.opts.mode === 'electron')
    }
  }

  /** Checkpoints of a run (CLI summary). */
  listCheckpoints(runId: string): CheckpointInfo[] { return this.checkpoints.list(runId) }

  /**
   * Shuts down: stops every trainer (bounded: a stop message, then a kill after `graceMs`), and
   * closes the database. Runs still going are marked stopped or failed by their exit handlers first.
   */
  async close(graceMs = 3000): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.hpo.close()
    this.evalWorker.close()
    await this.datasetService.close()
    const waits: Promise<unknown>[] = []
    for (const [id, a] of this.active) {
      if (!a.session || a.session.exited) continue
      a.stopRequested = true
      a.session.stop(graceMs)
      waits.push(this.waitForEnd(id, graceMs + 2000).catch(() => undefined))
    }
    await Promise.all(waits)
    this.db.close()
    this.lock?.release()
  }
}

/** Reads the app version from package.json next to the given root. */
export function readVersion(root: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return '0.0.0'
  }
}
