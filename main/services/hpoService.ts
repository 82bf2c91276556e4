/**
 * The HPO study coordinator (issue 5): turns a study (base run configuration + search space +
 * sampler + pruner + budget) into runs of the studio core, one trainer process per trial, up to
 * `parallelism` at once, and implements the `hpo:*` channels.
 *
 * Loop, per study: a trainer slot is free and budget is left → `Study.askBatch` (enqueued points
 * first, then the sampler's batch proposal) → the params are written into a copy of the base
 * RunConfig (`buildTrialConfig`) with `threads = max(1, ⌊cores / parallelism⌋)` → `core.startRun`.
 * Each epoch the run logs the objective metric (`runs:didMetrics`) → `Study.report` → the pruner
 * decides → if it says stop, `core.stopRun` and the trial ends `pruned`. When the run ends
 * (`runs:didChange`), the trial is told its last objective value (complete), or fails (with the
 * run's error; retried per the study's policy), and the loop fills the slot again.
 *
 * States: draft → running ⇄ (pausing →) paused → completed | stopped. Pause `finish` lets running
 * trials finish (pausing → paused); pause `stop` stops them and re-queues their configurations.
 * Stop ends the study; running trials are stopped and recorded failed ("stopped by the user").
 *
 * Crash safety: everything is in SQLite as it happens. When a core opens, `recover` finds
 * studies left running/pausing by a process that is gone (owner pid not alive), marks their
 * running trials failed ("interrupted") and, with retry.onInterrupted = requeue, queues their
 * configurations again; the study becomes `paused` with `resumeOnOpen`, and
 * `continueInterrupted` (called by the app and the server after opening; `studio hpo resume` in
 * the CLI) resumes it where it was. A study owned by another live process (the CLI while the app
 * is open) is only read, never driven, by this one.
 */
import { randomBytes } from 'node:crypto'
import type { Requests } from '../../preload/contract/channels'
import { HpoStudyInputSchema } from '../../preload/contract/hpoSchemas'
import { RunConfigSchema } from '../../preload/contract/schemas'
import type {
  HpoAnalysis, HpoEta, HpoExplained, HpoHint, HpoPauseMode, HpoPrunerConfig, HpoRetryPolicy, HpoSamplerConfig,
  HpoStudyDetail, HpoStudyInput, HpoStudyState, HpoStudySummary, HpoSurrogate, HpoTrialInfo, MetricBatch, RunConfig,
  RunSummary
} from '../../preload/contract/types'
import { createLogger } from '../common/logger'
import {
  Study, applyParams, autoSampler, bestSoFar, budgetHint, checkParams, contourData, createPruner, createSampler,
  estimateTimeToFinish, fromUnit, intermediateCurves, parallelCoordinates, parameterImportance,
  searchSpaceSchema, sliceData, surrogateSlice, SpaceEncoder, timeline, validateSearchSpace, type Explained, type JsonValue,
  type Params, type SearchSpace, type Trial
} from '../hpo'
import { StudiesRepo } from '../storage/studiesRepo'
import { threadsForConcurrency } from '../trainer/engine/threads'
import { StudioError } from './errors'
import type { Handlers, StudioCore } from './studio'

const log = createLogger('hpo')

type HpoChannel = Extract<keyof Requests, `hpo:${string}`>
const ENDED_RUN = new Set(['completed', 'stopped', 'failed', 'diverged'])
const ACTIVE_STATES: readonly HpoStudyState[] = ['running', 'pausing']
/** Coordinators alive in this process (owner tokens), so a second core here never steals a study. */
const LIVE_OWNERS = new Set<string>()

/** The settings a study keeps (columns of `studies`, see StudiesRepo). */
interface Settings {
  objective: string
  sampler: HpoSamplerConfig
  pruner: HpoPrunerConfig
  budgetTrials: number | null
  budgetWallMs: number | null
  parallelism: number
  retry: HpoRetryPolicy
  seed: number
  baseConfig: RunConfig
  state: HpoStudyState
}

interface ActiveTrial {
  number: number
  runId: string | null
  worker: string
  /** Objective values seen so far (the next one is this epoch index). */
  epochs: number
  /** Why main is stopping the run: `prune`, `pause` (re-queue), `stop` (user). */
  stopping: 'prune' | 'pause' | 'stop' | null
  /** Metric names the run logged, for the error when the objective never shows up. */
  seen: Set<string>
}

interface Live {
  studyId: string
  study: Study
  active: Map<number, ActiveTrial>
}

/** `val_acc` → `epoch/val_acc`; names with a slash are kept. */
export function normalizeMetric(name: string): string {
  return name.includes('/') ? name : `epoch/${name}`
}

/**
 * The run configuration of one trial: the params written into a copy of the base config by their
 * dotted paths (space.ts applyParams). Two virtual parameters describe an MLP's shape:
 * `model.layers` (number of hidden layers) and `model.units` (units of every hidden layer);
 * `model.hidden.<i>` still sets layer i. Not validated here (see {@link trialConfigErrors}).
 */
export function buildTrialConfig(base: RunConfig, params: Params, threads?: number): RunConfig {
  const direct: Params = {}
  let layers: number | undefined
  let units: number | undefined
  for (const [k, v] of Object.entries(params)) {
    if (k === 'model.layers') layers = Number(v)
    else if (k === 'model.units') units = Number(v)
    else direct[k] = v
  }
  const cfg = applyParams(base, direct) as RunConfig & { model: Record<string, unknown> }
  if (layers !== undefined || units !== undefined) {
    const cur = Array.isArray(cfg.model.hidden) && cfg.model.hidden.length ? (cfg.model.hidden as number[]) : [64, 64]
    const n = layers ?? cur.length
    cfg.model.hidden = Array.from({ length: n }, (_, i) => {
      const own = direct[`model.hidden.${i}`]
      return typeof own === 'number' ? own : units ?? cur[i] ?? cur[cur.length - 1]!
    })
  }
  if (threads !== undefined) cfg.threads = cfg.threads !== undefined ? Math.min(cfg.threads, threads) : threads
  return cfg
}

/** Problems the run configuration schema finds in a trial's configuration, as "path: message". */
export function trialConfigErrors(cfg: unknown): string[] {
  const r = RunConfigSchema.safeParse(cfg)
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`)
}

/**
 * Checks that every value of every parameter produces a valid run configuration (each end of a
 * numeric range, each choice), so a study fails at creation, not at trial 17. Messages name the
 * parameter and the configuration field.
 */
export function spaceConfigErrors(base: RunConfig, space: SearchSpace): string[] {
  const errors: string[] = []
  space.params.forEach((p, i) => {
    const values = p.kind === 'categorical' ? p.choices : p.kind === 'discrete' ? p.values : [fromUnit(p, 0), fromUnit(p, 1)]
    for (const v of values) {
      // One parameter at a time over the base config, so each message is about that parameter.
      const params: Params = { [p.name]: v }
      if (p.when) params[p.when.parent] = p.when.values[0]!
      const errs = trialConfigErrors(buildTrialConfig(base, params))
      if (errs.length) {
        errors.push(`space.params.${i} ("${p.name}" = ${JSON.stringify(v)}): the run configuration rejects it: ${errs.join('; ')}`)
        return
      }
    }
  })
  return errors
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export class HpoService {
  readonly repo: StudiesRepo
  private readonly live = new Map<string, Live>()
  private readonly byRun = new Map<string, { studyId: string; number: number }>()
  private readonly owner = `${process.pid}-${randomBytes(4).toString('hex')}`
  private readonly off: () => void
  private ticker: NodeJS.Timeout | null = null
  private closed = false
  private lastBeat = 0
  private readonly importanceCache = new Map<string, { key: string; values: { name: string; importance: number }[] }>()

  constructor(private readonly core: StudioCore) {
    this.repo = new StudiesRepo(core.db)
    LIVE_OWNERS.add(this.owner)
    this.off = core.hub.subscribe((event, payload) => {
      if (this.closed) return
      try {
        if (event === 'runs:didMetrics') this.onMetrics(payload as { runId: string; batch: MetricBatch })
        else if (event === 'runs:didChange') this.onRunChange(payload as RunSummary)
      } catch (e) {
        log.error(`handling ${event} failed`, e)
      }
    })
  }

  // ── settings ────────────────────────────────────────────────────────────────────────────────
  private settings(studyId: string): Settings {
    const rec = this.repo.getStudy(studyId)
    if (!rec) throw new StudioError('not_found', `No study with id ${studyId}.`)
    const a = rec.attrs
    return {
      objective: a.objective as string,
      sampler: a.sampler as HpoSamplerConfig,
      pruner: a.pruner as HpoPrunerConfig,
      budgetTrials: typeof a.budgetTrials === 'number' ? a.budgetTrials : null,
      budgetWallMs: typeof a.budgetWallMs === 'number' ? a.budgetWallMs : null,
      parallelism: (a.parallelism as number) ?? 1,
      retry: a.retry as HpoRetryPolicy,
      seed: (a.seed as number) ?? 0,
      baseConfig: a.baseConfig as unknown as RunConfig,
      state: (a.state as HpoStudyState) ?? 'draft'
    }
  }

  private attr<T extends JsonValue>(studyId: string, key: string): T | undefined {
    return this.repo.getStudy(studyId)?.attrs[key] as T | undefined
  }

  private setState(studyId: string, state: HpoStudyState, message: string | null = null): void {
    const now = Date.now()
    const was = this.settings(studyId).state
    const running = ACTIVE_STATES.includes(state)
    const wasRunning = ACTIVE_STATES.includes(was)
    if (running && !wasRunning) {
      this.repo.setStudyAttr(studyId, 'runningSince', now)
      if (this.attr(studyId, 'startedAt') === undefined) this.repo.setStudyAttr(studyId, 'startedAt', now)
      this.repo.setStudyAttr(studyId, 'owner', { pid: process.pid, token: this.owner })
    } else if (!running && wasRunning) {
      this.repo.setStudyAttr(studyId, 'elapsedMs', this.elapsed(studyId, now))
      this.repo.setStudyAttr(studyId, 'runningSince', null)
      this.repo.setStudyAttr(studyId, 'owner', null)
    }
    if (state === 'completed' || state === 'stopped') this.repo.setStudyAttr(studyId, 'endedAt', now)
    else this.repo.setStudyAttr(studyId, 'endedAt', null)
    this.repo.setStudyAttr(studyId, 'state', state)
    this.repo.setStudyAttr(studyId, 'message', message)
  }

  /** Running time so far, paused time excluded. */
  private elapsed(studyId: string, now = Date.now()): number {
    const a = this.repo.getStudy(studyId)?.attrs ?? {}
    const before = typeof a.elapsedMs === 'number' ? a.elapsedMs : 0
    const since = typeof a.runningSince === 'number' ? a.runningSince : null
    return before + (since !== null ? Math.max(0, now - since) : 0)
  }

  private makeStudy(studyId: string): Study {
    const rec = this.repo.getStudy(studyId)!
    const s = this.settings(studyId)
    const samplerConfig = { ...s.sampler, seed: s.sampler.seed ?? s.seed }
    return new Study(this.repo, studyId, {
      sampler: createSampler(samplerConfig, rec.space, s.budgetTrials ?? undefined),
      pruner: createPruner(s.pruner)
    })
  }

  // ── DTOs ────────────────────────────────────────────────────────────────────────────────────
  private trialInfo(t: Trial): HpoTrialInfo {
    const a = t.attrs
    return {
      number: t.number, state: t.state, params: t.params, value: t.value ?? null,
      intermediate: Object.entries(t.intermediate).map(([s, v]) => [Number(s), v] as [number, number]).sort((x, y) => x[0] - y[0]),
      runId: typeof a.runId === 'string' ? a.runId : null, worker: t.worker ?? null,
      startedAt: t.startedAt ?? null, endedAt: t.endedAt ?? null,
      error: typeof a.failReason === 'string' ? a.failReason : null,
      retryOf: typeof a.retryOf === 'number' ? a.retryOf : null,
      importedFrom: typeof a.importedFrom === 'string' ? a.importedFrom : null
    }
  }

  /** Trials that use up budget: complete, pruned, and failed ones that were not re-queued. */
  private finishedCount(trials: readonly Trial[]): number {
    return trials.filter((t) => t.state === 'complete' || t.state === 'pruned' || (t.state === 'failed' && t.attrs.retried !== true)).length
  }

  private eta(studyId: string, trials: readonly Trial[], s: Settings, now = Date.now()): HpoEta | null {
    if (s.state === 'draft') return null
    const running = trials.filter((t) => t.state === 'running')
    const counted = this.finishedCount(trials)
    const deadline = s.budgetWallMs !== null && ACTIVE_STATES.includes(s.state) ? now + Math.max(0, s.budgetWallMs - this.elapsed(studyId, now)) : undefined
    const e = estimateTimeToFinish({
      // Only trials that count, so re-queued failures do not shorten the estimate.
      trials: trials.filter((t) => t.state !== 'failed' || t.attrs.retried !== true),
      ...(s.budgetTrials !== null ? { budgetTrials: Math.max(s.budgetTrials, counted + running.length) } : {}),
      ...(deadline !== undefined ? { deadline } : {}),
      parallelism: s.parallelism, now
    })
    return { msRemaining: ACTIVE_STATES.includes(s.state) ? e.msRemaining ?? null : null, trialsToStart: e.trialsToStart, medianTrialMs: e.medianTrialMs ?? null, endsByDeadline: e.endsByDeadline }
  }

  summary(studyId: string): HpoStudySummary {
    const rec = this.repo.getStudy(studyId)
    if (!rec) throw new StudioError('not_found', `No study with id ${studyId}.`)
    const s = this.settings(studyId)
    const trials = this.repo.getTrials(studyId)
    const counts = { total: trials.length, waiting: 0, running: 0, complete: 0, pruned: 0, failed: 0 }
    for (const t of trials) counts[t.state]++
    const best = bestSoFar(trials, rec.direction).filter((p) => p.isBest).pop()
    const bt = best && trials.find((t) => t.number === best.number)
    const a = rec.attrs
    return {
      id: rec.id, name: rec.name, state: s.state, objective: { metric: s.objective, direction: rec.direction },
      samplerKind: (a.samplerKind as string) ?? s.sampler.kind, prunerKind: s.pruner.kind,
      budget: { trials: s.budgetTrials, wallTimeMs: s.budgetWallMs }, parallelism: s.parallelism,
      threadsPerTrial: threadsForConcurrency(s.parallelism), counts,
      best: bt ? { number: bt.number, value: bt.value as number, params: bt.params, runId: typeof bt.attrs.runId === 'string' ? bt.attrs.runId : null } : null,
      datasetId: s.baseConfig.datasetId, createdAt: rec.createdAt,
      startedAt: typeof a.startedAt === 'number' ? a.startedAt : null, endedAt: typeof a.endedAt === 'number' ? a.endedAt : null,
      elapsedMs: this.elapsed(studyId), eta: this.eta(studyId, trials, s),
      message: typeof a.message === 'string' ? a.message : null
    }
  }

  detail(studyId: string): HpoStudyDetail {
    const summary = this.summary(studyId)
    const rec = this.repo.getStudy(studyId)!
    const s = this.settings(studyId)
    const kind = summary.samplerKind === 'gp' ? 'gp' : 'tpe'
    return {
      summary, space: rec.space as HpoStudyDetail['space'], sampler: s.sampler, pruner: s.pruner, retry: s.retry, seed: s.seed,
      baseConfig: s.baseConfig, samplerReason: (rec.attrs.samplerReason as unknown as HpoExplained | undefined) ?? null,
      hint: budgetHint(rec.space, kind, s.budgetTrials ?? undefined) as HpoStudyDetail['hint'],
      trials: this.repo.getTrials(studyId).map((t) => this.trialInfo(t))
    }
  }

  list(): HpoStudySummary[] {
    return this.repo.listStudies().reverse().map((r) => this.summary(r.id))
  }

  private emitStudy(studyId: string): void {
    if (this.closed) return
    this.core.hub.emit('hpo:didChange', this.summary(studyId))
  }

  private emitTrial(studyId: string, number: number): void {
    if (this.closed) return
    const t = this.repo.getTrial(studyId, number)
    if (t) this.core.hub.emit('hpo:didTrial', { studyId, trial: this.trialInfo(t) })
  }

  // ── create / lifecycle ──────────────────────────────────────────────────────────────────────
  /**
   * Validates a study (shape with field paths, the space's semantics, every parameter value
   * against the run configuration, the dataset, enqueued points) and stores it as a draft.
   */
  create(raw: HpoStudyInput | unknown, start = false): HpoStudyDetail {
    if (this.closed) throw new StudioError('unavailable', 'The studio is shutting down.')
    const parsed = HpoStudyInputSchema.safeParse(raw)
    if (!parsed.success) {
      throw new StudioError('invalid_argument', 'Invalid study: ' + parsed.error.issues.map((i) => `${i.path.join('.') || '(study)'}: ${i.message}`).join('; '))
    }
    const input = parsed.data
    const space = input.space as SearchSpace
    const spaceErrors = validateSearchSpace(space)
    if (spaceErrors.length) throw new StudioError('invalid_argument', 'Invalid study: ' + spaceErrors.map((m) => `space: ${m}`).join('; '))
    const base = input.baseConfig as RunConfig
    if (!this.core.datasets.get(base.datasetId) || this.core.datasets.get(base.datasetId)?.deletedAt) {
      throw new StudioError('invalid_argument', `Invalid study: baseConfig.datasetId: no dataset "${base.datasetId}". Known datasets: ${this.core.datasets.list().map((d) => d.id).join(', ')}.`)
    }
    const cfgErrors = spaceConfigErrors(base, space)
    if (cfgErrors.length) throw new StudioError('invalid_argument', 'Invalid study: ' + cfgErrors.join('; '))
    const metric = normalizeMetric(input.objective.metric)
    if (!/^(epoch|batch)\/[\w.-]+$/.test(metric)) throw new StudioError('invalid_argument', `Invalid study: objective.metric: "${input.objective.metric}" is not a metric name like "epoch/val_acc" or "val_loss".`)
    for (const [i, p] of (input.enqueue ?? []).entries()) {
      const errs = checkParams(space, p)
      if (errs.length) throw new StudioError('invalid_argument', `Invalid study: enqueue.${i}: ${errs.join('; ')}`)
    }
    const seed = input.seed
    let samplerKind: string = input.sampler.kind
    let samplerReason: Explained | null = null
    if (input.sampler.kind === 'auto') {
      const choice = autoSampler(space, input.budget.trials, input.sampler.seed ?? seed)
      samplerKind = choice.kind
      samplerReason = choice.reason
    }
    const rec = this.repo.createStudy({
      name: input.name, direction: input.objective.direction, space, now: Date.now(),
      attrs: {
        objective: metric, sampler: input.sampler as JsonValue, pruner: input.pruner as JsonValue,
        ...(input.budget.trials !== undefined ? { budgetTrials: input.budget.trials } : {}),
        ...(input.budget.wallTimeMs !== undefined ? { budgetWallMs: input.budget.wallTimeMs } : {}),
        parallelism: input.parallelism, retry: input.retry as JsonValue, seed, baseConfig: base as unknown as JsonValue,
        state: 'draft', samplerKind, samplerReason: samplerReason as unknown as JsonValue, elapsedMs: 0
      }
    })
    const study = this.makeStudy(rec.id)
    for (const p of input.enqueue ?? []) study.enqueue(p, { enqueued: true })
    this.emitStudy(rec.id)
    if (start) this.start(rec.id)
    return this.detail(rec.id)
  }

  start(studyId: string): HpoStudySummary {
    const s = this.settings(studyId)
    if (s.state !== 'draft') throw new StudioError('conflict', `Study ${studyId} is ${s.state}; only a draft study can be started (use resume for a paused one).`)
    this.setState(studyId, 'running')
    this.attach(studyId)
    this.pump(studyId)
    this.emitStudy(studyId)
    return this.summary(studyId)
  }

  pause(studyId: string, mode: HpoPauseMode = 'finish'): HpoStudySummary {
    const s = this.settings(studyId)
    if (!ACTIVE_STATES.includes(s.state)) throw new StudioError('conflict', `Study ${studyId} is ${s.state}; only a running study can be paused.`)
    this.assertNotForeign(studyId)
    const live = this.live.get(studyId)
    if (!live || live.active.size === 0) {
      this.setState(studyId, 'paused')
    } else if (mode === 'stop') {
      this.setState(studyId, 'pausing')
      for (const a of live.active.values()) this.stopTrialRun(studyId, a, 'pause')
    } else {
      this.setState(studyId, 'pausing')
    }
    this.emitStudy(studyId)
    return this.summary(studyId)
  }

  resume(studyId: string): HpoStudySummary {
    const s = this.settings(studyId)
    if (s.state === 'running') return this.summary(studyId)
    if (s.state !== 'paused' && s.state !== 'pausing') throw new StudioError('conflict', `Study ${studyId} is ${s.state}; only a paused study can be resumed.`)
    this.assertNotForeign(studyId)
    this.repo.setStudyAttr(studyId, 'resumeOnOpen', null)
    this.setState(studyId, 'running')
    this.attach(studyId)
    this.pump(studyId)
    this.emitStudy(studyId)
    return this.summary(studyId)
  }

  stop(studyId: string): HpoStudySummary {
    const s = this.settings(studyId)
    if (s.state === 'completed' || s.state === 'stopped') return this.summary(studyId)
    this.assertNotForeign(studyId)
    const live = this.live.get(studyId)
    this.setState(studyId, 'stopped')
    if (live) for (const a of live.active.values()) this.stopTrialRun(studyId, a, 'stop')
    // Waiting trials will never run.
    for (const t of this.repo.getTrials(studyId, ['waiting'])) {
      this.repo.setTrialAttr(studyId, t.number, 'failReason', 'not started: the study was stopped')
      this.repo.finishTrial(studyId, t.number, { state: 'failed', now: Date.now() })
    }
    this.emitStudy(studyId)
    return this.summary(studyId)
  }

  extend(studyId: string, addTrials?: number, addWallTimeMs?: number): HpoStudySummary {
    const s = this.settings(studyId)
    if (s.state === 'stopped') throw new StudioError('conflict', `Study ${studyId} was stopped; a stopped study cannot be extended.`)
    if (addTrials !== undefined) this.repo.setStudyAttr(studyId, 'budgetTrials', (s.budgetTrials ?? this.finishedCount(this.repo.getTrials(studyId))) + addTrials)
    if (addWallTimeMs !== undefined) this.repo.setStudyAttr(studyId, 'budgetWallMs', (s.budgetWallMs ?? this.elapsed(studyId)) + addWallTimeMs)
    if (s.state === 'completed') {
      this.assertNotForeign(studyId)
      this.setState(studyId, 'running')
      this.attach(studyId)
    }
    if (this.live.has(studyId)) {
      // The sampler's budget may change its choice (auto): rebuild it.
      this.live.get(studyId)!.study = this.makeStudy(studyId)
      this.pump(studyId)
    }
    this.emitStudy(studyId)
    return this.summary(studyId)
  }

  enqueue(studyId: string, points: Params[]): HpoTrialInfo[] {
    const rec = this.repo.getStudy(studyId)
    if (!rec) throw new StudioError('not_found', `No study with id ${studyId}.`)
    const s = this.settings(studyId)
    if (s.state === 'completed' || s.state === 'stopped') throw new StudioError('conflict', `Study ${studyId} is ${s.state}; extend it before enqueueing.`)
    points.forEach((p, i) => {
      const errs = checkParams(rec.space, p)
      if (errs.length) throw new StudioError('invalid_argument', `params.${i}: ${errs.join('; ')}`)
    })
    const study = this.live.get(studyId)?.study ?? this.makeStudy(studyId)
    const out = points.map((p) => this.trialInfo(study.enqueue(p, { enqueued: true })))
    for (const t of out) this.emitTrial(studyId, t.number)
    this.pump(studyId)
    this.emitStudy(studyId)
    return out
  }

  importTrials(studyId: string, fromStudyId: string): { imported: number; skipped: number } {
    if (studyId === fromStudyId) throw new StudioError('invalid_argument', 'fromStudyId: a study cannot import its own trials.')
    const from = this.repo.getStudy(fromStudyId)
    if (!from) throw new StudioError('not_found', `No study with id ${fromStudyId}.`)
    const to = this.repo.getStudy(studyId)
    if (!to) throw new StudioError('not_found', `No study with id ${studyId}.`)
    if (from.direction !== to.direction || this.settings(fromStudyId).objective !== this.settings(studyId).objective) {
      throw new StudioError('invalid_argument', `fromStudyId: study "${from.name}" optimizes ${this.settings(fromStudyId).objective} (${from.direction}), this one ${this.settings(studyId).objective} (${to.direction}); their values are not comparable.`)
    }
    const study = this.live.get(studyId)?.study ?? this.makeStudy(studyId)
    const source = this.repo.getTrials(fromStudyId, ['complete', 'pruned'])
    const imported = study.importTrials(source, fromStudyId)
    this.emitStudy(studyId)
    return { imported, skipped: source.length - imported }
  }

  delete(studyId: string): { deleted: boolean } {
    const s = this.settings(studyId)
    if (ACTIVE_STATES.includes(s.state) && (this.live.has(studyId) || this.isForeign(studyId))) {
      throw new StudioError('conflict', `Study ${studyId} is ${s.state}; stop it before deleting.`)
    }
    this.live.delete(studyId)
    this.importanceCache.delete(studyId)
    return { deleted: this.repo.deleteStudy(studyId) }
  }

  // ── analysis ────────────────────────────────────────────────────────────────────────────────
  analysis(studyId: string, contour?: { x: string; y: string }): HpoAnalysis {
    const rec = this.repo.getStudy(studyId)
    if (!rec) throw new StudioError('not_found', `No study with id ${studyId}.`)
    const s = this.settings(studyId)
    const trials = this.repo.getTrials(studyId)
    const now = Date.now()
    // The forest depends only on complete trials, which never change: refit when one is added
    // (the views ask up to once a second while epochs come in; a fit at 200 trials takes ~0.3 s).
    const done = trials.filter((t) => t.state === 'complete')
    const key = `${done.length}:${done.length ? done[done.length - 1]!.number : -1}`
    let cached = this.importanceCache.get(studyId)
    if (!cached || cached.key !== key) {
      cached = { key, values: parameterImportance(trials, rec.space, { seed: 0, nTrees: 32 }) }
      this.importanceCache.set(studyId, cached)
    }
    const importance = cached.values
    let pair: { x: string; y: string } | null = null
    if (contour) {
      for (const n of [contour.x, contour.y]) if (!rec.space.params.some((p) => p.name === n)) throw new StudioError('invalid_argument', `contour: "${n}" is not a parameter of the study (${rec.space.params.map((p) => p.name).join(', ')}).`)
      pair = contour
    } else if (rec.space.params.length >= 2) {
      const names = importance.length >= 2 ? importance.map((i) => i.name) : rec.space.params.map((p) => p.name)
      pair = { x: names[0]!, y: names[1]! }
    }
    const kind = (rec.attrs.samplerKind as string) === 'gp' ? 'gp' : 'tpe'
    return {
      studyId, direction: rec.direction,
      history: bestSoFar(trials, rec.direction),
      intermediate: intermediateCurves(trials),
      parallel: parallelCoordinates(trials, rec.space),
      slices: sliceData(trials, rec.space),
      contour: pair ? { ...pair, points: contourData(trials, pair.x, pair.y) } : null,
      importance: { method: 'mdi-random-forest', values: importance },
      timeline: timeline(trials, now),
      eta: this.eta(studyId, trials, s, now),
      hint: budgetHint(rec.space, kind, s.budgetTrials ?? undefined) as HpoAnalysis['hint']
    }
  }

  surrogate(args: Requests['hpo:surrogate']['args']): HpoSurrogate {
    const rec = this.repo.getStudy(args.studyId)
    if (!rec) throw new StudioError('not_found', `No study with id ${args.studyId}.`)
    const s = this.settings(args.studyId)
    const all = this.repo.getTrials(args.studyId)
    const iteration = Math.min(args.iteration ?? all.length, all.length)
    const trials = all.filter((t) => t.number < iteration)
    const acquisition = args.acquisition ?? (s.sampler.kind === 'gp' ? s.sampler.acquisition : undefined) ?? 'ei'
    try {
      const r = surrogateSlice(trials, rec.space, args.params, {
        direction: rec.direction, acquisition, ...(args.resolution ? { resolution: args.resolution } : {}),
        ...(args.fixed ? { fixed: args.fixed } : {}), seed: s.seed
      })
      return { axes: r.axes, mean: r.mean, sd: r.sd, acquisition: r.acquisition, acquisitionKind: acquisition, fixed: r.fixed, points: r.points, iteration }
    } catch (e) {
      throw new StudioError('invalid_argument', `hpo:surrogate: ${(e as Error).message}`)
    }
  }

  hint(args: Requests['hpo:hint']['args']): HpoHint {
    const shape = searchSpaceSchema.safeParse(args.space)
    if (!shape.success) {
      return { errors: shape.error.issues.map((i) => `${['space', ...i.path].join('.')}: ${i.message}`), samplerKind: args.sampler?.kind ?? 'auto', reason: null, hint: null, dims: 0 }
    }
    const space = shape.data as SearchSpace
    const errors = validateSearchSpace(space)
    if (errors.length) return { errors, samplerKind: args.sampler?.kind ?? 'auto', reason: null, hint: null, dims: 0 }
    const dims = new SpaceEncoder(space).dim
    const kind = args.sampler?.kind ?? 'auto'
    if (kind === 'auto') {
      const c = autoSampler(space, args.budgetTrials, 0)
      return { errors: [], samplerKind: c.kind, reason: c.reason, hint: c.hint, dims }
    }
    if (kind === 'gp' || kind === 'tpe') return { errors: [], samplerKind: kind, reason: null, hint: budgetHint(space, kind, args.budgetTrials), dims }
    return { errors: [], samplerKind: kind, reason: null, hint: null, dims }
  }

  // ── the loop ────────────────────────────────────────────────────────────────────────────────
  private attach(studyId: string): Live {
    let l = this.live.get(studyId)
    if (!l) {
      l = { studyId, study: this.makeStudy(studyId), active: new Map() }
      this.live.set(studyId, l)
    }
    this.ensureTicker()
    return l
  }

  private ensureTicker(): void {
    if (this.ticker || this.closed) return
    this.ticker = setInterval(() => this.tick(), 1000)
    this.ticker.unref()
  }

  private tick(): void {
    if (this.closed) return
    const now = Date.now()
    const beat = now - this.lastBeat >= 5000
    if (beat) this.lastBeat = now
    for (const id of [...this.live.keys()]) {
      try {
        if (beat) {
          this.repo.setStudyAttr(id, 'heartbeatAt', now)
          for (const a of this.live.get(id)!.active.values()) {
            const t = this.repo.getTrial(id, a.number)
            if (t?.state === 'running') this.repo.setTrialAttr(id, a.number, 'heartbeat', now)
          }
        }
        this.reapLostRuns(id)
        this.pump(id)
      } catch (e) {
        log.error(`study ${id}: tick failed`, e)
      }
    }
    if (this.live.size === 0 && this.ticker) {
      clearInterval(this.ticker)
      this.ticker = null
    }
  }

  /**
   * A trial whose run ended without us hearing of it: e.g. another studio
   * process opened the same data folder and marked the run failed first (its `runs:didChange` is
   * then never emitted here). The run's stored status decides, as if the event had come.
   */
  private reapLostRuns(studyId: string): void {
    const live = this.live.get(studyId)
    if (!live) return
    for (const a of [...live.active.values()]) {
      if (!a.runId) continue
      const run = this.core.runs.get(a.runId)
      // An ended run whose event was handled is no longer active, so this only catches lost ones.
      if (run && ENDED_RUN.has(run.status)) this.onRunChange(this.core.summary(a.runId))
    }
  }

  /** The first `n` trainer slots ("w0"…) not busy with a trial. */
  private freeWorkers(live: Live, n: number): string[] {
    const used = new Set([...live.active.values()].map((a) => a.worker))
    const out: string[] = []
    for (let i = 0; out.length < n; i++) if (!used.has(`w${i}`)) out.push(`w${i}`)
    return out
  }

  /** Starts trials while slots and budget allow; completes the study when the budget is used up. */
  private pump(studyId: string): void {
    if (this.closed) return
    const live = this.live.get(studyId)
    if (!live) return
    const rec = this.repo.getStudy(studyId)
    if (!rec) {
      this.live.delete(studyId)
      return
    }
    const s = this.settings(studyId)
    if (s.state === 'pausing' && live.active.size === 0) {
      this.setState(studyId, 'paused', this.attr<string>(studyId, 'message') ?? null)
      this.live.delete(studyId)
      this.emitStudy(studyId)
      return
    }
    if (s.state !== 'running') {
      if (live.active.size === 0) this.live.delete(studyId)
      return
    }
    const trials = this.repo.getTrials(studyId)
    const finished = this.finishedCount(trials)
    const timeUp = s.budgetWallMs !== null && this.elapsed(studyId) >= s.budgetWallMs
    const trialsLeft = s.budgetTrials !== null ? s.budgetTrials - finished - live.active.size : Infinity
    if ((timeUp || trialsLeft <= 0) && live.active.size === 0) {
      this.setState(studyId, 'completed', timeUp ? 'The wall-time budget is used up.' : null)
      this.live.delete(studyId)
      this.emitStudy(studyId)
      return
    }
    if (timeUp) return
    const n = Math.min(s.parallelism - live.active.size, trialsLeft)
    if (n <= 0) return
    const workers = this.freeWorkers(live, n)
    let started: Trial[]
    try {
      started = n === 1 ? [live.study.ask(workers[0])] : live.study.askBatch(n, workers)
    } catch (e) {
      log.error(`study ${studyId}: the sampler failed`, e)
      this.setState(studyId, 'paused', `The sampler failed: ${(e as Error).message}`)
      this.live.delete(studyId)
      this.emitStudy(studyId)
      return
    }
    const threads = threadsForConcurrency(s.parallelism)
    for (const t of started) this.launch(studyId, live, t, s, threads, rec.name)
    this.emitStudy(studyId)
  }

  private launch(studyId: string, live: Live, t: Trial, s: Settings, threads: number, studyName: string): void {
    const a: ActiveTrial = { number: t.number, runId: null, worker: t.worker ?? 'w0', epochs: 0, stopping: null, seen: new Set() }
    live.active.set(t.number, a)
    const cfg = buildTrialConfig(s.baseConfig, t.params, threads)
    cfg.name = `${studyName} · trial ${t.number}`.slice(0, 120)
    const errs = trialConfigErrors(cfg)
    if (errs.length) {
      this.failTrial(studyId, live, a, `The trial's run configuration is invalid: ${errs.join('; ')}`, false)
      return
    }
    let run: RunSummary
    try {
      run = this.core.startRun(cfg)
    } catch (e) {
      const msg = `Could not start the trial's run: ${(e as Error).message}`
      if (e instanceof StudioError && (e.code === 'not_found' || e.code === 'invalid_argument')) {
        // The study itself cannot run now (e.g. its dataset was deleted): keep the configuration
        // queued and pause, rather than burn the budget on trials that fail the same way.
        this.failTrial(studyId, live, a, msg, false, true)
        this.setState(studyId, live.active.size ? 'pausing' : 'paused', msg)
        this.emitStudy(studyId)
        return
      }
      this.failTrial(studyId, live, a, msg, true)
      return
    }
    a.runId = run.id
    this.byRun.set(run.id, { studyId, number: t.number })
    this.repo.setRunId(studyId, t.number, run.id)
    this.emitTrial(studyId, t.number)
    if (ENDED_RUN.has(run.status)) this.onRunChange(run)
  }

  private stopTrialRun(studyId: string, a: ActiveTrial, why: 'prune' | 'pause' | 'stop'): void {
    if (a.stopping && a.stopping !== 'prune') return
    a.stopping = why
    if (a.runId) this.core.stopRun(a.runId)
    else log.warn(`study ${studyId}: trial ${a.number} has no run to stop`)
  }

  private onMetrics(p: { runId: string; batch: MetricBatch }): void {
    const ref = this.byRun.get(p.runId)
    if (!ref) return
    const live = this.live.get(ref.studyId)
    const a = live?.active.get(ref.number)
    if (!live || !a) return
    const metric = this.settings(ref.studyId).objective
    let reported = false
    for (let i = 0; i < p.batch.name.length; i++) {
      const name = p.batch.name[i]!
      a.seen.add(name)
      // Once main decided to stop the run, later epochs are not the trial's (pruned at its step).
      if (name !== metric || a.stopping) continue
      const v = p.batch.value[i]!
      const t = this.repo.getTrial(ref.studyId, ref.number)
      if (t?.state !== 'running') return
      live.study.report(ref.number, a.epochs++, v)
      reported = true
      if (!a.stopping && live.study.shouldPrune(ref.number)) this.stopTrialRun(ref.studyId, a, 'prune')
    }
    if (reported) this.emitTrial(ref.studyId, ref.number)
  }

  private onRunChange(run: RunSummary): void {
    if (!ENDED_RUN.has(run.status)) return
    const ref = this.byRun.get(run.id)
    if (!ref) return
    const live = this.live.get(ref.studyId)
    const a = live?.active.get(ref.number)
    if (!live || !a) return
    this.byRun.delete(run.id)
    const t = this.repo.getTrial(ref.studyId, ref.number)
    if (!t || t.state !== 'running') {
      live.active.delete(ref.number)
      return
    }
    const metric = this.settings(ref.studyId).objective
    const steps = Object.keys(t.intermediate).map(Number)
    const last = steps.length ? t.intermediate[Math.max(...steps)] : undefined
    if (a.stopping === 'prune') {
      live.active.delete(ref.number)
      live.study.tell(ref.number, 'pruned')
      if (this.repo.markRunPruned(run.id)) this.core.hub.emit('runs:didChange', this.core.summary(run.id))
    } else if (a.stopping === 'pause') {
      this.failTrial(ref.studyId, live, a, 'Stopped by pausing the study; its configuration was queued again.', true, true)
      return
    } else if (a.stopping === 'stop') {
      this.failTrial(ref.studyId, live, a, 'Stopped by the user (study stopped).', false)
      return
    } else if (run.status === 'completed') {
      if (last === undefined || !Number.isFinite(last)) {
        const seen = [...a.seen].filter((n) => n.startsWith('epoch/')).sort()
        this.failTrial(ref.studyId, live, a, last === undefined
          ? `The run never logged the objective metric ${metric} (it logged: ${seen.join(', ') || 'nothing'}).`
          : `The objective ${metric} was ${last} at the last epoch.`, true)
        return
      }
      live.active.delete(ref.number)
      live.study.tell(ref.number, last)
    } else {
      const why = run.status === 'stopped' ? 'The run was stopped outside the study.' : run.status === 'diverged' ? `The run diverged (loss not finite)${run.error ? `: ${run.error}` : '.'}` : `The run failed: ${run.error ?? 'no reason given'}`
      this.failTrial(ref.studyId, live, a, why, true)
      return
    }
    this.emitTrial(ref.studyId, ref.number)
    this.pump(ref.studyId)
    this.emitStudy(ref.studyId)
  }

  /**
   * Ends an active trial as failed. `retryable` failures are re-queued when the policy says so
   * (or always, for `requeue`: pause with stop) and then do not count against the budget.
   */
  private failTrial(studyId: string, live: Live, a: ActiveTrial, reason: string, retryable: boolean, requeue = false): void {
    live.active.delete(a.number)
    if (a.runId) this.byRun.delete(a.runId)
    const s = this.settings(studyId)
    const t = this.repo.getTrial(studyId, a.number)
    if (!t || t.state !== 'running') return
    const chain = this.retryDepth(studyId, t)
    const retry = requeue || (retryable && s.retry.onFailure === 'retry' && chain < s.retry.maxRetries)
    this.repo.setTrialAttr(studyId, a.number, 'failReason', reason)
    if (retry) this.repo.setTrialAttr(studyId, a.number, 'retried', true)
    this.repo.finishTrial(studyId, a.number, { state: 'failed', now: Date.now() })
    if (retry) {
      const r = live.study.retry(a.number)
      if (requeue) this.repo.setTrialAttr(studyId, r.number, 'requeued', true)
      this.emitTrial(studyId, r.number)
    }
    log.warn(`study ${studyId}: trial ${a.number} failed${retry ? ' (queued again)' : ''}: ${reason}`)
    this.emitTrial(studyId, a.number)
    setImmediate(() => {
      try {
        this.pump(studyId)
        this.emitStudy(studyId)
      } catch (e) {
        log.error(`study ${studyId}: pump failed`, e)
      }
    })
  }

  /** How many failure retries led to this trial (crash/pause re-queues are not counted). */
  private retryDepth(studyId: string, t: Trial): number {
    let depth = 0
    let cur: Trial | undefined = t
    while (cur && typeof cur.attrs.retryOf === 'number') {
      if (cur.attrs.requeued !== true) depth++
      cur = this.repo.getTrial(studyId, cur.attrs.retryOf)
    }
    return depth
  }

  // ── crash recovery ──────────────────────────────────────────────────────────────────────────
  private isForeign(studyId: string): boolean {
    const o = this.attr<{ pid: number; token: string }>(studyId, 'owner')
    if (!o || typeof o !== 'object') return false
    if (o.token === this.owner) return false
    if (o.pid === process.pid) return LIVE_OWNERS.has(o.token)
    return pidAlive(o.pid)
  }

  private assertNotForeign(studyId: string): void {
    if (this.isForeign(studyId)) {
      const o = this.attr<{ pid: number }>(studyId, 'owner')!
      throw new StudioError('conflict', `Study ${studyId} is being run by another studio process (pid ${o.pid}); control it there.`)
    }
  }

  /**
   * Called when the core opens: studies left running or pausing by a process that is gone get
   * their running trials marked failed ("interrupted") and, per retry.onInterrupted, re-queued;
   * they become paused with `resumeOnOpen` (see {@link continueInterrupted}).
   */
  recover(): void {
    for (const rec of this.repo.listStudies()) {
      const state = rec.attrs.state as HpoStudyState
      if (!ACTIVE_STATES.includes(state) || this.isForeign(rec.id)) continue
      const s = this.settings(rec.id)
      const study = this.makeStudy(rec.id)
      const now = Date.now()
      for (const t of this.repo.getTrials(rec.id, ['running'])) {
        const requeue = s.retry.onInterrupted === 'requeue'
        this.repo.setTrialAttr(rec.id, t.number, 'failReason', `Interrupted: the studio stopped while this trial was running${requeue ? '; its configuration was queued again' : ''}.`)
        this.repo.setTrialAttr(rec.id, t.number, 'interrupted', true)
        if (requeue) this.repo.setTrialAttr(rec.id, t.number, 'retried', true)
        this.repo.finishTrial(rec.id, t.number, { state: 'failed', now })
        if (requeue) {
          const r = study.retry(t.number)
          this.repo.setTrialAttr(rec.id, r.number, 'requeued', true)
        }
      }
      // Running time up to the last heartbeat counts; the time the studio was down does not.
      const a = this.repo.getStudy(rec.id)!.attrs
      const since = typeof a.runningSince === 'number' ? a.runningSince : null
      const beat = typeof a.heartbeatAt === 'number' ? a.heartbeatAt : since
      const before = typeof a.elapsedMs === 'number' ? a.elapsedMs : 0
      this.repo.setStudyAttr(rec.id, 'elapsedMs', before + (since !== null && beat !== null ? Math.max(0, beat - since) : 0))
      this.repo.setStudyAttr(rec.id, 'runningSince', null)
      this.repo.setStudyAttr(rec.id, 'owner', null)
      this.repo.setStudyAttr(rec.id, 'state', 'paused')
      if (state === 'running') {
        this.repo.setStudyAttr(rec.id, 'resumeOnOpen', true)
        this.repo.setStudyAttr(rec.id, 'message', 'Interrupted when the studio stopped; it continues where it was.')
      }
      log.warn(`study ${rec.id} was ${state} when the studio stopped; interrupted trials handled (${s.retry.onInterrupted})`)
    }
  }

  /** Resumes the studies {@link recover} found interrupted (the app and the server call this after opening). */
  continueInterrupted(): string[] {
    const ids: string[] = []
    for (const rec of this.repo.listStudies()) {
      if (rec.attrs.resumeOnOpen !== true || rec.attrs.state !== 'paused') continue
      this.repo.setStudyAttr(rec.id, 'message', null)
      this.resume(rec.id)
      ids.push(rec.id)
    }
    return ids
  }

  /** Resolves when the study reaches one of `states`. */
  waitFor(studyId: string, states: readonly HpoStudyState[], timeoutMs = 600_000): Promise<HpoStudySummary> {
    return new Promise((resolve, reject) => {
      let off = (): void => undefined
      const check = (): boolean => {
        const s = this.summary(studyId)
        if (!states.includes(s.state)) return false
        clearTimeout(timer)
        off()
        resolve(s)
        return true
      }
      // Beyond setTimeout's 32-bit range: no timeout.
      const timer = timeoutMs < 2 ** 31 ? setTimeout(() => {
        off()
        reject(new Error(`study ${studyId} did not reach ${states.join('/')} within ${timeoutMs} ms (it is ${this.summary(studyId).state})`))
      }, timeoutMs) : undefined
      if (check()) return
      off = this.core.hub.subscribe((event, payload) => {
        if (event === 'hpo:didChange' && (payload as HpoStudySummary).id === studyId) check()
      })
    })
  }

  /**
   * Detaches before the core stops its trainers: no new trials, run ends are ignored, the
   * database keeps the trials as running, so the next open treats them as interrupted.
   */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.off()
    if (this.ticker) clearInterval(this.ticker)
    this.ticker = null
    const now = Date.now()
    for (const id of this.live.keys()) {
      try { this.repo.setStudyAttr(id, 'heartbeatAt', now) } catch { /* the database may be gone */ }
    }
    this.live.clear()
    LIVE_OWNERS.delete(this.owner)
  }

  handlers(): Pick<Handlers, HpoChannel> {
    return {
      'hpo:list': () => this.list(),
      'hpo:get': ({ studyId }) => this.detail(studyId),
      'hpo:create': ({ study, start }) => this.create(study, start ?? false),
      'hpo:start': ({ studyId }) => this.start(studyId),
      'hpo:pause': ({ studyId, mode }) => this.pause(studyId, mode ?? 'finish'),
      'hpo:resume': ({ studyId }) => this.resume(studyId),
      'hpo:stop': ({ studyId }) => this.stop(studyId),
      'hpo:extend': ({ studyId, addTrials, addWallTimeMs }) => this.extend(studyId, addTrials, addWallTimeMs),
      'hpo:enqueue': ({ studyId, params }) => this.enqueue(studyId, params),
      'hpo:importTrials': ({ studyId, fromStudyId }) => this.importTrials(studyId, fromStudyId),
      'hpo:delete': ({ studyId }) => this.delete(studyId),
      'hpo:analysis': ({ studyId, contour }) => this.analysis(studyId, contour),
      'hpo:surrogate': (args) => this.surrogate(args),
      'hpo:hint': (args) => this.hint(args)
    }
  }
}
