/**
 * The run lifecycle channels of issue 4: pause / resume a live run, continue a run from one of its
 * checkpoints (runs:resumeFrom), fork a new run from a checkpoint, export a checkpoint as a TF.js
 * model folder, evaluate and predict with a checkpoint (in the evaluation job process) and read
 * the per-epoch distributions. StudioCore owns the sessions and the repos; this file holds the
 * rules.
 *
 * resumeFrom semantics (decided here, documented in the contract): the SAME run continues. Its
 * metric points with a step after the checkpoint's, its later checkpoints (rows and folders) and
 * later distribution files are the abandoned tail: they are deleted before the trainer starts, and
 * the continued run writes the same epochs again. Counters continue from the checkpoint
 * (epoch + 1, step + 1); optimizer state is restored where the checkpoint holds it (TF.js model.fit
 * path; the trainer says in a notice when it cannot).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Requests } from '../../preload/contract/channels'
import { RunConfigSchema } from '../../preload/contract/schemas'
import type {
  CheckpointExport, CheckpointInfo, Distributions, EvalSplit, Evaluation, PredictInput, Prediction, RunConfig, RunSummary
} from '../../preload/contract/types'
import { EVAL_EXAMPLES_PER_CELL, METRIC } from '../../preload/contract/types'
import { readHeader } from '../datasets/cache'
import { readMeta } from '../datasets/datasetMeta'
import type { RunRecord } from '../storage/runsRepo'
import { toProbabilities } from '../trainer/evaluation/evaluate'
import type { StudioCore } from './studio'
import { bestByFromPolicy, checkExportDest, encodePredictInput, exportCheckpointDir, readDistributions, removeCheckpointDir } from './runArtifacts'
import { StudioError } from './errors'
import type { EvalWorker } from './evalWorker'

type LifecycleChannels = 'runs:pause' | 'runs:resume' | 'runs:resumeFrom' | 'runs:fork' | 'runs:exportCheckpoint' |
  'runs:evaluate' | 'runs:predict' | 'runs:distributions'
export type LifecycleHandlers = { [C in LifecycleChannels]: (args: Requests[C]['args']) => Promise<Requests[C]['result']> | Requests[C]['result'] }

/** Config fields a fork may not change: the checkpoint's weights only fit this dataset and model. */
const FIXED_IN_FORK = ['datasetId', 'model'] as const

export class RunLifecycle {
  constructor(private readonly core: StudioCore, private readonly evalWorker: EvalWorker,
    private readonly bestByFallback: (m: Record<string, number>) => { metric: string; mode: 'min' | 'max' }) {}

  private run(runId: string): RunRecord {
    const r = this.core.runs.get(runId)
    if (!r) throw new StudioError('not_found', `No run with id ${runId}.`)
    return r
  }

  /** A checkpoint (of `runId` when given) whose files still exist. */
  private checkpoint(checkpointId: number, runId?: string): CheckpointInfo {
    const c = this.core.checkpoints.get(checkpointId)
    if (!c || (runId !== undefined && c.runId !== runId)) {
      throw new StudioError('not_found', `No checkpoint ${checkpointId}${runId ? ` in run ${runId}` : ''}.${runId ? ` Its checkpoints: ${this.core.checkpoints.list(runId).filter((x) => !x.deleted).map((x) => `${x.id} (epoch ${x.epoch})`).join(', ') || 'none'}.` : ''}`)
    }
    if (c.deleted || !existsSync(path.join(c.path, 'model.json'))) {
      throw new StudioError('not_found', `Checkpoint ${checkpointId} (run ${c.runId}, epoch ${c.epoch}) was removed by the run's retention policy (keep last K + best); pick a kept one.`)
    }
    return c
  }

  /** The checkpoint to use when none is named: the best, else the last one that still exists. */
  private defaultCheckpoint(r: RunRecord): CheckpointInfo {
    const live = this.core.checkpoints.list(r.id).filter((c) => !c.deleted)
    const c = live.find((x) => x.isBest) ?? live[live.length - 1]
    if (!c) throw new StudioError('not_found', `Run ${r.id} has no checkpoint yet; one is written after its first epoch.`)
    return c
  }

  /** Pauses a running run after its current batch. */
  pause(runId: string): RunSummary {
    const r = this.run(runId)
    const session = this.core.sessionOf(runId)
    if (r.status !== 'running' || !session) throw new StudioError('conflict', `Run ${runId} is ${r.status}; only a running run can be paused.`)
    session.pause()
    if (this.core.runs.setPaused(runId, true)) this.core.emitChange(runId)
    return this.core.summary(runId)
  }

  /** Resumes a paused run. */
  resume(runId: string): RunSummary {
    const r = this.run(runId)
    const session = this.core.sessionOf(runId)
    if (r.status !== 'paused' || !session) throw new StudioError('conflict', `Run ${runId} is ${r.status}; only a paused run can be resumed.`)
    session.resume()
    if (this.core.runs.setPaused(runId, false)) this.core.emitChange(runId)
    return this.core.summary(runId)
  }

  /** Continues the same run from one of its checkpoints (see the file's comment for what is replaced). */
  resumeFrom(runId: string, checkpointId: number): RunSummary {
    const r = this.run(runId)
    if (r.status === 'running' || r.status === 'paused' || r.status === 'queued') {
      throw new StudioError('conflict', `Run ${runId} is ${r.status}; stop it before continuing it from a checkpoint.`)
    }
    const c = this.checkpoint(checkpointId, runId)
    if (c.epoch >= r.config.epochs) {
      throw new StudioError('invalid_argument', `Checkpoint ${checkpointId} is at epoch ${c.epoch}, the run's last (${r.config.epochs}); nothing is left to train. Fork it with more epochs instead.`)
    }
    const d = this.core.datasets.get(r.config.datasetId)
    if (!d || d.deletedAt) throw new StudioError('not_found', `The dataset run ${runId} trained on (${r.config.datasetId}) was deleted; the run cannot continue.`)
    // The abandoned tail: metric points, checkpoints and distribution files after the checkpoint.
    this.core.metrics.deleteAfter(runId, c.step)
    for (const dir of this.core.checkpoints.truncateAfter(runId, c.step, c.id)) {
      try { removeCheckpointDir(r.runDir, dir) } catch { /* a folder outside the run is never touched */ }
    }
    const distDir = path.join(r.runDir, 'distributions')
    if (existsSync(distDir)) {
      for (const f of readdirSync(distDir)) {
        const m = /^epoch-(\d+)\.json$/.exec(f)
        if (m && Number(m[1]) > c.epoch) rmSync(path.join(distDir, f), { force: true })
      }
    }
    this.core.checkpoints.remarkBest(runId, bestByFromPolicy(r.config.checkpointPolicy, c.metrics, this.bestByFallback))
    const series = this.core.metrics.series(runId, [METRIC.valAcc, METRIC.valLoss])
    const acc = series[METRIC.valAcc]?.value.filter(Number.isFinite) ?? []
    const loss = series[METRIC.valLoss]?.value.filter(Number.isFinite) ?? []
    this.core.runs.reopen(runId, {
      epochsDone: c.epoch, steps: c.step + 1,
      bestValAcc: acc.length ? Math.max(...acc) : null, bestValLoss: loss.length ? Math.min(...loss) : null
    }, Date.now())
    return this.core.continueRun(runId, c)
  }

  /** A new run from a checkpoint's weights with `overrides` applied to the parent's config. */
  fork(args: { runId?: string; checkpointId: number; overrides?: Record<string, unknown>; name?: string }): RunSummary {
    const c = this.checkpoint(args.checkpointId, args.runId)
    const parent = this.run(c.runId)
    const overrides = args.overrides ?? {}
    for (const k of FIXED_IN_FORK) {
      if (k in overrides) throw new StudioError('invalid_argument', `overrides.${k}: a fork keeps the parent's ${k === 'model' ? 'model (the weights must fit it)' : 'dataset'}; start a new run to change it.`)
    }
    const { name: _parentName, ...parentConfig } = parent.config
    const merged = { ...parentConfig, ...overrides, ...(args.name ? { name: args.name } : { name: `${parent.name} · fork@${c.epoch}` }) }
    const parsed = RunConfigSchema.safeParse(merged)
    if (!parsed.success) {
      throw new StudioError('invalid_argument', parsed.error.issues.map((i) => `overrides.${i.path.join('.')}: ${i.message}`).join('; '))
    }
    const config: RunConfig = parsed.data
    if (config.epochs <= c.epoch) {
      throw new StudioError('invalid_argument', `overrides.epochs: a fork continues counting from the checkpoint's epoch ${c.epoch}, so epochs must be more than ${c.epoch} (it is ${config.epochs}).`)
    }
    return this.core.startRun(config, { parentRunId: parent.id, checkpoint: c })
  }

  /**
   * Copies a checkpoint as a TF.js Layers model folder. Without destDir: a new folder
   * `<data>/exports/<run>-epoch-NNNN` (-2, -3… when it exists). `anywhere`: the caller is the
   * desktop app or the CLI, whose user picked the folder (see checkExportDest).
   */
  exportCheckpoint(args: { runId?: string; checkpointId: number; destDir?: string }, anywhere: boolean): CheckpointExport {
    const c = this.checkpoint(args.checkpointId, args.runId)
    const root = this.core.layout.root
    let dest: string
    if (args.destDir) dest = checkExportDest(args.destDir, root, anywhere)
    else {
      const base = path.join(root, 'exports', `${c.runId}-epoch-${String(c.epoch).padStart(4, '0')}`)
      dest = base
      for (let i = 2; existsSync(dest); i++) dest = `${base}-${i}`
    }
    const { files, bytes } = exportCheckpointDir(c.path, dest)
    return { dir: dest, files, bytes }
  }

  private datasetDirOf(r: RunRecord): string {
    const d = this.core.datasets.get(r.config.datasetId)
    if (!d || d.deletedAt || !existsSync(path.join(d.dir, 'header.json'))) {
      throw new StudioError('not_found', `The dataset run ${r.id} trained on (${r.config.datasetId}) was deleted; it cannot be evaluated.`)
    }
    return d.dir
  }

  /** Evaluates a checkpoint on a split in the evaluation process; cached per checkpoint and split. */
  async evaluate(args: { runId: string; checkpointId?: number; split: EvalSplit }): Promise<Evaluation> {
    const r = this.run(args.runId)
    const c = args.checkpointId !== undefined ? this.checkpoint(args.checkpointId, r.id) : this.defaultCheckpoint(r)
    // Keyed by id AND creation time: ids of checkpoints removed by resumeFrom can be reused by SQLite.
    const cacheFile = path.join(r.runDir, 'evaluations', `checkpoint-${c.id}-${Math.round(c.createdAt)}-${args.split}.json`)
    if (existsSync(cacheFile)) {
      try {
        return { ...(JSON.parse(readFileSync(cacheFile, 'utf8')) as Evaluation), cached: true, seconds: 0 }
      } catch { /* a damaged cache file is recomputed */ }
    }
    const dir = this.datasetDirOf(r)
    const header = readHeader(dir)
    const available = Object.entries(header.splits).filter(([, s]) => s && s.count > 0).map(([k]) => k)
    if (!header.splits[args.split]?.count) {
      throw new StudioError('invalid_argument', `Dataset "${r.config.datasetId}" has no ${args.split} split (it has ${available.join(', ')}); evaluate on ${args.split === 'test' ? 'val' : 'test'} instead.`)
    }
    const t0 = performance.now()
    const body = await this.evalWorker.evaluate(c.path, dir, args.split, EVAL_EXAMPLES_PER_CELL)
    const result: Evaluation = {
      ...body, runId: r.id, checkpointId: c.id, epoch: c.epoch, split: args.split, computedAt: Date.now(),
      seconds: (performance.now() - t0) / 1000, cached: false
    }
    mkdirSync(path.dirname(cacheFile), { recursive: true })
    const tmp = `${cacheFile}.tmp-${process.pid}`
    writeFileSync(tmp, JSON.stringify(result))
    renameSync(tmp, cacheFile)
    return result
  }

  /** Predicts one example with a checkpoint (default: the best). */
  async predict(args: { runId: string; checkpointId?: number; input: PredictInput }): Promise<Prediction> {
    const r = this.run(args.runId)
    const c = args.checkpointId !== undefined ? this.checkpoint(args.checkpointId, r.id) : this.defaultCheckpoint(r)
    const dir = this.datasetDirOf(r)
    const header = readHeader(dir)
    const meta = readMeta(dir)
    const x = await encodePredictInput(args.input, { header, layout: meta?.layout ?? null })
    const { outputs, outputSize } = await this.evalWorker.predict(c.path, x, header.inputShape)
    const base = { runId: r.id, checkpointId: c.id, task: header.task, classNames: header.classNames, inputShape: header.inputShape }
    if (header.task === 'classification') {
      const probs = Array.from(toProbabilities(outputs, outputSize, header.numClasses))
      let best = 0
      for (let i = 1; i < probs.length; i++) if (probs[i]! > probs[best]!) best = i
      return { ...base, probabilities: probs, predictedClass: best, value: null }
    }
    return { ...base, probabilities: [], predictedClass: null, value: Array.from(outputs) }
  }

  distributions(runId: string): Distributions {
    const r = this.run(runId)
    return readDistributions(runId, r.runDir)
  }

  handlers(anywhere: boolean): LifecycleHandlers {
    return {
      'runs:pause': ({ runId }) => this.pause(runId),
      'runs:resume': ({ runId }) => this.resume(runId),
      'runs:resumeFrom': ({ runId, checkpointId }) => this.resumeFrom(runId, checkpointId),
      'runs:fork': (args) => this.fork(args),
      'runs:exportCheckpoint': (args) => this.exportCheckpoint(args, anywhere),
      'runs:evaluate': (args) => this.evaluate(args),
      'runs:predict': (args) => this.predict(args),
      'runs:distributions': ({ runId }) => this.distributions(runId)
    }
  }
}
