import { Rng } from './random'
import { isActive, toUnit, type ParamSpec, type ParamValue, type Params, type SearchSpace } from './space'
import type { Direction, Trial } from './types'

/**
 * Pure functions that turn a study's trials into what the views draw: best-so-far history,
 * parameter importance, slice and contour points, the time left and budget hints. Each takes
 * plain trials (a snapshot from storage), so the UI, the CLI and tests share them.
 */

/** One point of the optimization history. */
export interface HistoryPoint {
  number: number
  value: number
  /** Best complete value among trials ≤ this one (in trial-number order). */
  best: number
  /** Whether this trial set a new best. */
  isBest: boolean
}

/** Complete trials in number order with the best-so-far line (minimum or maximum per `direction`). */
export function bestSoFar(trials: readonly Trial[], direction: Direction): HistoryPoint[] {
  const out: HistoryPoint[] = []
  let best: number | undefined
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    if (t.state !== 'complete' || t.value === undefined || !Number.isFinite(t.value)) continue
    const better = best === undefined || (direction === 'minimize' ? t.value < best : t.value > best)
    if (better) best = t.value
    out.push({ number: t.number, value: t.value, best: best as number, isBest: better })
  }
  return out
}

/** Per parameter: (value, objective, trial number) of the complete trials where it was active — the slice plot. */
export function sliceData(trials: readonly Trial[], space: SearchSpace): Record<string, { value: ParamValue; objective: number; number: number }[]> {
  const out: Record<string, { value: ParamValue; objective: number; number: number }[]> = {}
  for (const p of space.params) out[p.name] = []
  for (const t of trials) {
    if (t.state !== 'complete' || t.value === undefined) continue
    for (const p of space.params) {
      const v = t.params[p.name]
      if (v !== undefined) out[p.name]!.push({ value: v, objective: t.value, number: t.number })
    }
  }
  return out
}

/** The contour plot's scattered points for two parameters (trials where both were active). */
export function contourData(trials: readonly Trial[], x: string, y: string): { x: ParamValue; y: ParamValue; objective: number; number: number }[] {
  return trials
    .filter((t) => t.state === 'complete' && t.value !== undefined && t.params[x] !== undefined && t.params[y] !== undefined)
    .map((t) => ({ x: t.params[x] as ParamValue, y: t.params[y] as ParamValue, objective: t.value as number, number: t.number }))
}

/** A regression tree node of the importance forest. */
interface Node {
  feature: number
  threshold: number
  left?: Node
  right?: Node
}

function variance(y: number[], idx: number[]): number {
  let m = 0
  for (const i of idx) m += y[i]!
  m /= idx.length
  let s = 0
  for (const i of idx) s += (y[i]! - m) ** 2
  return s / idx.length
}

/** Grows one CART regression tree and adds each split's weighted impurity decrease to `gain`. */
function grow(x: number[][], y: number[], idx: number[], depth: number, maxDepth: number, gain: number[], rng: Rng, maxFeatures: number, minLeaf = 1): Node | undefined {
  if (idx.length < 2 * minLeaf || depth >= maxDepth) return undefined
  const parentImp = variance(y, idx)
  if (parentImp <= 1e-15) return undefined
  const nf = x[0]!.length
  const features = rng.shuffle(Array.from({ length: nf }, (_, i) => i)).slice(0, maxFeatures)
  let best: { f: number; thr: number; score: number; left: number[]; right: number[] } | undefined
  for (const f of features) {
    const sorted = [...idx].sort((a, b) => x[a]![f]! - x[b]![f]!)
    // Prefix sums give every split's variance in one pass.
    let sumL = 0
    let sqL = 0
    let sumT = 0
    let sqT = 0
    for (const i of sorted) {
      sumT += y[i]!
      sqT += y[i]! ** 2
    }
    for (let k = 0; k < sorted.length - 1; k++) {
      const i = sorted[k]!
      sumL += y[i]!
      sqL += y[i]! ** 2
      const a = x[i]![f]!
      const b = x[sorted[k + 1]!]![f]!
      if (a === b) continue
      const nL = k + 1
      const nR = sorted.length - nL
      if (nL < minLeaf || nR < minLeaf) continue
      const impL = sqL / nL - (sumL / nL) ** 2
      const impR = (sqT - sqL) / nR - ((sumT - sumL) / nR) ** 2
      const score = nL * impL + nR * impR
      if (!best || score < best.score) best = { f, thr: (a + b) / 2, score, left: sorted.slice(0, nL), right: sorted.slice(nL) }
    }
  }
  if (!best) return undefined
  gain[best.f] = gain[best.f]! + Math.max(0, idx.length * parentImp - best.score)
  const node: Node = { feature: best.f, threshold: best.thr }
  const l = grow(x, y, best.left, depth + 1, maxDepth, gain, rng, maxFeatures, minLeaf)
  const r = grow(x, y, best.right, depth + 1, maxDepth, gain, rng, maxFeatures, minLeaf)
  if (l) node.left = l
  if (r) node.right = r
  return node
}

/** Options of {@link parameterImportance}. */
export interface ImportanceOptions {
  nTrees?: number
  maxDepth?: number
  seed?: number
  /** Only these parameters (default: all of the space). */
  params?: string[]
}

/**
 * Parameter importance by mean decrease in impurity of a random forest (Optuna's
 * `MeanDecreaseImpurityImportanceEvaluator`, same forest settings; not fANOVA): 64 bootstrapped
 * CART regression trees grown to depth 64 with every parameter considered at each split, fitted on
 * complete trials with parameters in unit coordinates (log scales in log space, categoricals by
 * index, inactive parameters as −1). Importances are non-negative and sum to 1; sorted
 * descending. Deterministic for a seed. Empty when fewer than two trials are complete. Like any
 * MDI estimate it is biased toward parameters with many distinct values and shares credit
 * arbitrarily between redundant ones (a conditional child and its parent).
 */
export function parameterImportance(trials: readonly Trial[], space: SearchSpace, options: ImportanceOptions = {}): { name: string; importance: number }[] {
  const params: ParamSpec[] = options.params ? space.params.filter((p) => options.params!.includes(p.name)) : space.params
  const done = trials.filter((t) => t.state === 'complete' && t.value !== undefined && Number.isFinite(t.value))
  if (done.length < 2 || params.length === 0) return []
  const x = done.map((t) => params.map((p) => (t.params[p.name] !== undefined && isActive(p, t.params) ? toUnit(p, t.params[p.name] as ParamValue) : -1)))
  const y = done.map((t) => t.value as number)
  const total = new Array<number>(params.length).fill(0)
  const rng = new Rng(options.seed ?? 0, 0x1f)
  const nTrees = options.nTrees ?? 64
  // All features at every split, as scikit-learn's regressor default that Optuna uses.
  const maxFeatures = params.length
  for (let k = 0; k < nTrees; k++) {
    const idx = Array.from({ length: done.length }, () => rng.int(done.length))
    const gain = new Array<number>(params.length).fill(0)
    grow(x, y, idx, 0, options.maxDepth ?? 64, gain, rng, maxFeatures)
    const s = gain.reduce((a, b) => a + b, 0)
    if (s > 0) for (let i = 0; i < gain.length; i++) total[i] = total[i]! + gain[i]! / s
  }
  const s = total.reduce((a, b) => a + b, 0) || 1
  return params.map((p, i) => ({ name: p.name, importance: total[i]! / s })).sort((a, b) => b.importance - a.importance)
}

/** Inputs of {@link estimateTimeToFinish}. */
export interface EtaInput {
  trials: readonly Trial[]
  /** Total trials the study will run (its budget); undefined = wall-time budget only. */
  budgetTrials?: number
  /** ms since epoch when the wall-time budget ends, if any. */
  deadline?: number
  /** Trainer processes running at once. */
  parallelism: number
  now: number
}

/** What {@link estimateTimeToFinish} answers. */
export interface Eta {
  /** ms until the study is expected to end; undefined while no trial has finished yet. */
  msRemaining: number | undefined
  /** Trials still to start. */
  trialsToStart: number
  /** Median duration of finished trials (ms) the estimate is built on. */
  medianTrialMs: number | undefined
  /** Whether the wall-time deadline, not the trial budget, ends the study first. */
  endsByDeadline: boolean
}

/**
 * Estimates when a study finishes: running trials end after the median duration of finished
 * trials (at least now), the trials still to start are scheduled on the earliest free of
 * `parallelism` workers, each taking the median; capped by the deadline. Pruned and failed
 * trials count with their real (shorter) durations, so pruning shows up in the estimate.
 */
export function estimateTimeToFinish(input: EtaInput): Eta {
  const finished = input.trials.filter((t) => (t.state === 'complete' || t.state === 'pruned' || t.state === 'failed') && t.startedAt !== undefined && t.endedAt !== undefined)
  const running = input.trials.filter((t) => t.state === 'running')
  const durations = finished.map((t) => (t.endedAt as number) - (t.startedAt as number)).sort((a, b) => a - b)
  const med = durations.length ? durations[durations.length >> 1]! : undefined
  const started = finished.length + running.length
  const toStart = input.budgetTrials === undefined ? Infinity : Math.max(0, input.budgetTrials - started)
  const untilDeadline = input.deadline !== undefined ? Math.max(0, input.deadline - input.now) : Infinity
  if (med === undefined) {
    return { msRemaining: Number.isFinite(untilDeadline) ? untilDeadline : undefined, trialsToStart: Number.isFinite(toStart) ? toStart : 0, medianTrialMs: undefined, endsByDeadline: Number.isFinite(untilDeadline) }
  }
  const p = Math.max(1, input.parallelism)
  const free = running.map((t) => Math.max(0, (t.startedAt ?? input.now) + med - input.now))
  while (free.length < p) free.push(0)
  free.sort((a, b) => a - b)
  let end = Math.max(0, ...free)
  if (Number.isFinite(toStart)) {
    for (let i = 0; i < toStart; i++) {
      free.sort((a, b) => a - b)
      free[0] = free[0]! + med
    }
    end = Math.max(...free)
  } else end = Infinity
  const ms = Math.min(end, untilDeadline)
  return { msRemaining: Number.isFinite(ms) ? ms : undefined, trialsToStart: Number.isFinite(toStart) ? toStart : 0, medianTrialMs: med, endsByDeadline: untilDeadline < end }
}

/** The best complete trial's params and value, or undefined. */
export function bestParams(trials: readonly Trial[], direction: Direction): { number: number; params: Params; value: number } | undefined {
  const h = bestSoFar(trials, direction)
  const last = [...h].reverse().find((p) => p.isBest)
  if (!last) return undefined
  const t = trials.find((x) => x.number === last.number) as Trial
  return { number: t.number, params: t.params, value: last.value }
}

/** One trial's bar on the timeline view. */
export interface TimelineBar {
  number: number
  state: Trial['state']
  start: number
  /** End time; `now` for running trials. */
  end: number
}

/**
 * Trials grouped by worker for the timeline view (one lane per worker, bars in start order).
 * Trials that never started (waiting) are left out; those without a worker go to lane "—".
 */
export function timeline(trials: readonly Trial[], now: number): Record<string, TimelineBar[]> {
  const lanes: Record<string, TimelineBar[]> = {}
  for (const t of trials) {
    if (t.startedAt === undefined) continue
    const lane = t.worker ?? '—'
    ;(lanes[lane] ??= []).push({ number: t.number, state: t.state, start: t.startedAt, end: t.endedAt ?? now })
  }
  for (const bars of Object.values(lanes)) bars.sort((a, b) => a.start - b.start || a.number - b.number)
  return lanes
}

/** Per-trial learning curves for the "intermediate values" view; pruned trials are flagged. */
export function intermediateCurves(trials: readonly Trial[]): { number: number; state: Trial['state']; pruned: boolean; points: [number, number][] }[] {
  return trials
    .filter((t) => Object.keys(t.intermediate).length > 0)
    .map((t) => ({
      number: t.number,
      state: t.state,
      pruned: t.state === 'pruned',
      points: Object.entries(t.intermediate)
        .map(([s, v]) => [Number(s), v] as [number, number])
        .sort((a, b) => a[0] - b[0])
    }))
}

/** An axis of the parallel-coordinates view. */
export interface ParallelAxis {
  name: string
  kind: 'numeric' | 'log' | 'category'
  /** Categories in order (category axes). */
  categories?: ParamValue[]
  min?: number
  max?: number
}

/**
 * Parallel-coordinates data: one axis per parameter (log axes for log-scale parameters,
 * category axes for categoricals and lists) plus the objective; one row per complete trial with
 * null where a conditional parameter was inactive.
 */
export function parallelCoordinates(trials: readonly Trial[], space: SearchSpace): { axes: ParallelAxis[]; rows: { number: number; values: (ParamValue | null)[]; objective: number }[] } {
  const axes: ParallelAxis[] = space.params.map((p) => {
    if (p.kind === 'categorical') return { name: p.name, kind: 'category', categories: [...p.choices] }
    if (p.kind === 'discrete') return { name: p.name, kind: 'category', categories: [...p.values].sort((a, b) => a - b) }
    return { name: p.name, kind: p.log ? 'log' : 'numeric', min: p.low, max: p.high }
  })
  const done = trials.filter((t) => t.state === 'complete' && t.value !== undefined)
  const values = done.map((t) => t.value as number)
  axes.push({ name: 'objective', kind: 'numeric', ...(values.length ? { min: Math.min(...values), max: Math.max(...values) } : {}) })
  const rows = done.map((t) => ({ number: t.number, values: space.params.map((p) => t.params[p.name] ?? null), objective: t.value as number }))
  return { axes, rows }
}
