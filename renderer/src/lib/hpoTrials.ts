/**
 * The study view's trial list logic: merging live `hpo:didTrial` updates, sorting and filtering
 * the trials table, and the progress line (done of budget, ETA).
 */
import type { HpoStudySummary, HpoTrialInfo, HpoTrialState } from '../../../preload/contract/types'
import { formatDuration } from './format'

/** A table column to sort by: a fixed column or `param:<name>`. */
export type TrialSortKey = 'number' | 'state' | 'value' | 'duration' | `param:${string}`

/** Replaces or appends `t` by number; returns a new array in number order (the input is not mutated). */
export function upsertTrial(trials: readonly HpoTrialInfo[], t: HpoTrialInfo): HpoTrialInfo[] {
  const i = trials.findIndex((x) => x.number === t.number)
  if (i >= 0) {
    const out = trials.slice()
    out[i] = t
    return out
  }
  return [...trials, t].sort((a, b) => a.number - b.number)
}

const STATE_ORDER: Record<HpoTrialState, number> = { running: 0, waiting: 1, complete: 2, pruned: 3, failed: 4 }

function cmp(a: unknown, b: unknown): number {
  // Missing values sort last whichever way the column is sorted (handled by the caller).
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return String(a).localeCompare(String(b), 'en', { numeric: true })
}

/**
 * Trials sorted by a column; missing values (no value yet, inactive parameter) always last.
 * Ties fall back to trial number so the order is stable while trials stream in.
 */
export function sortTrials(trials: readonly HpoTrialInfo[], key: TrialSortKey, desc: boolean, now: number): HpoTrialInfo[] {
  const get = (t: HpoTrialInfo): unknown => {
    if (key === 'number') return t.number
    if (key === 'state') return STATE_ORDER[t.state]
    if (key === 'value') return t.value ?? undefined
    if (key === 'duration') return t.startedAt === null ? undefined : (t.endedAt ?? now) - t.startedAt
    return t.params[key.slice(6)]
  }
  return [...trials].sort((a, b) => {
    const va = get(a)
    const vb = get(b)
    if (va === undefined && vb === undefined) return a.number - b.number
    if (va === undefined) return 1
    if (vb === undefined) return -1
    const c = cmp(va, vb)
    return c !== 0 ? (desc ? -c : c) : a.number - b.number
  })
}

/**
 * Trials in `state` ('' = all) whose number, parameter names/values, value or error contain
 * every whitespace-separated word of `text` (case-insensitive), e.g. "adam 0.01" or "layers=3".
 */
export function filterTrials(trials: readonly HpoTrialInfo[], state: HpoTrialState | '', text: string): HpoTrialInfo[] {
  const words = text.toLowerCase().split(/\s+/).filter((w) => w.length > 0)
  return trials.filter((t) => {
    if (state && t.state !== state) return false
    if (words.length === 0) return true
    const hay = [
      `#${t.number}`, String(t.number), t.state, t.value === null ? '' : String(t.value), t.error ?? '',
      ...Object.entries(t.params).flatMap(([k, v]) => [k, String(v), `${k}=${String(v)}`])
    ].join(' ').toLowerCase()
    return words.every((w) => hay.includes(w))
  })
}

/** Progress of a study: finished trials against the trial budget (fraction null without one). */
export function studyProgress(s: Pick<HpoStudySummary, 'counts' | 'budget'>): { done: number; total: number | null; fraction: number | null } {
  const done = s.counts.complete + s.counts.pruned + s.counts.failed
  const total = s.budget.trials
  return { done, total, fraction: total ? Math.min(1, done / total) : null }
}

/** Which control buttons a study in `state` offers. */
export function studyActions(state: HpoStudySummary['state']): { start: boolean; pause: boolean; resume: boolean; stop: boolean; extend: boolean } {
  return {
    start: state === 'draft',
    pause: state === 'running',
    resume: state === 'paused' || state === 'pausing',
    stop: state === 'running' || state === 'paused' || state === 'pausing',
    extend: state !== 'draft' && state !== 'stopped'
  }
}

/** A trial's duration: tenths of a second under a minute (short trials differ there), m:ss above. */
export function formatTrialDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—'
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : formatDuration(ms)
}
