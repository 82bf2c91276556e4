/**
 * Pure helpers of the run view: the fork dialog's parsing, the full configuration as flat rows,
 * the step a diverged run stopped at, checkpoint markers for the curves, and run families (forks
 * and resumes) for the compare view. Unit-tested in test/renderer/runView.test.ts.
 */
import type { CheckpointInfo, Optimizer, RunConfig, RunSummary } from '../../../preload/contract/types'
import type { CheckpointMark } from './evalCharts'

// ── fork dialog ─────────────────────────────────────────────────────────────────────────────────

export interface ForkForm { name: string; learningRate: string; optimizer: Optimizer; epochs: string; batchSize: string; seed: string }

type NumField = 'learningRate' | 'epochs' | 'batchSize' | 'seed'
/** RunConfigSchema's limits, so the dialog says what is wrong before main does. */
const LIMITS: Record<NumField, { min: number; max: number; int: boolean; positive?: boolean }> = {
  learningRate: { min: 0, max: 10, int: false, positive: true },
  epochs: { min: 1, max: 10000, int: true },
  batchSize: { min: 1, max: 65536, int: true },
  seed: { min: 0, max: 2 ** 31 - 1, int: true }
}

/**
 * The overrides a fork sends: only fields that differ from the parent's config (so the new run's
 * stored config says what was changed), plus the out-of-range fields with their limits.
 */
export function forkOverrides(form: ForkForm, parent: RunConfig): {
  overrides: Partial<Pick<RunConfig, NumField | 'optimizer'>>
  errors: Partial<Record<NumField, { min: number; max: number }>>
} {
  const overrides: Partial<Pick<RunConfig, NumField | 'optimizer'>> = {}
  const errors: Partial<Record<NumField, { min: number; max: number }>> = {}
  for (const k of Object.keys(LIMITS) as NumField[]) {
    const lim = LIMITS[k]
    const raw = form[k].trim()
    const v = raw === '' ? Number.NaN : Number(raw)
    const ok = Number.isFinite(v) && v >= lim.min && v <= lim.max && (!lim.int || Number.isInteger(v)) && (!lim.positive || v > 0)
    if (!ok) { errors[k] = { min: lim.min, max: lim.max }; continue }
    if (v !== parent[k]) overrides[k] = v
  }
  if (form.optimizer !== parent.optimizer) overrides.optimizer = form.optimizer
  return { overrides, errors }
}

// ── configuration ───────────────────────────────────────────────────────────────────────────────

/**
 * Every field of a run's configuration as [dotted path, value] rows in a stable order: scalars as
 * they are, short arrays of scalars joined, nested objects flattened (`regularization.l2`). A
 * composed graph model is summarised (node count), not dumped: the composer shows it.
 */
export function configEntries(config: RunConfig): Array<[string, string]> {
  const out: Array<[string, string]> = []
  const walk = (v: unknown, path: string): void => {
    if (v === undefined) return
    if (v === null || typeof v !== 'object') { out.push([path, String(v)]); return }
    if (Array.isArray(v)) {
      if (v.every((x) => x === null || typeof x !== 'object')) out.push([path, `[${v.join(', ')}]`])
      else out.push([path, `[${v.length}]`])
      return
    }
    const o = v as Record<string, unknown>
    if (path === 'model' && o.kind === 'graph') {
      const g = o.graph as { nodes?: unknown[] } | undefined
      out.push(['model.kind', 'graph'])
      if (g && Array.isArray(g.nodes)) out.push(['model.graph.nodes', String(g.nodes.length)])
      if (o.modelId !== undefined) out.push(['model.modelId', String(o.modelId)])
      if (o.modelVersion !== undefined) out.push(['model.modelVersion', String(o.modelVersion)])
      return
    }
    const keys = Object.keys(o)
    if (keys.length === 0) { out.push([path, '{}']); return }
    for (const k of keys) walk(o[k], path ? `${path}.${k}` : k)
  }
  walk(config, '')
  return out
}

// ── status ──────────────────────────────────────────────────────────────────────────────────────

/** The step a diverged run stopped at: `divergedAtStep` when main sends it, else "step N" in its error. */
export function divergedStep(run: Pick<RunSummary, 'status' | 'error'> & { divergedAtStep?: number | null }): number | null {
  if (run.status !== 'diverged') return null
  if (typeof run.divergedAtStep === 'number') return run.divergedAtStep
  const m = /step\s+(\d+)/i.exec(run.error ?? '')
  return m ? Number(m[1]) : null
}

// ── checkpoints ─────────────────────────────────────────────────────────────────────────────────

/** Metric-name candidates (new prefixed names first) for the checkpoint table and the markers. */
export const CKPT_METRICS = {
  valLoss: ['epoch/val_loss', 'val_loss', 'valLoss'],
  valAcc: ['epoch/val_acc', 'val_acc', 'valAcc'],
  loss: ['epoch/loss', 'loss'],
  acc: ['epoch/acc', 'acc']
} as const

/** Newest first (step, then id), the order the browser lists them in. */
export function sortCheckpoints(list: CheckpointInfo[]): CheckpointInfo[] {
  return [...list].sort((a, b) => b.step - a.step || b.id - a.id)
}

/** Markers for one curve: each checkpoint at its step with its value of the first metric it has. */
export function checkpointMarks(list: CheckpointInfo[], names: readonly string[]): CheckpointMark[] {
  return [...list].sort((a, b) => a.step - b.step).map((c) => {
    let value: number | null = null
    for (const n of names) { const v = c.metrics[n]; if (typeof v === 'number' && Number.isFinite(v)) { value = v; break } }
    return { step: c.step, epoch: c.epoch, value, best: c.isBest, deleted: c.deleted === true }
  })
}

/**
 * Merges a `runs:didCheckpoint` event into the list: replaces the row with its id, and clears the
 * best/last flags of the others when the new one takes them.
 */
export function mergeCheckpoint(list: CheckpointInfo[], c: CheckpointInfo): CheckpointInfo[] {
  const others = list
    .filter((x) => x.id !== c.id)
    .map((x) => (c.isBest && x.isBest) || (c.isLast && x.isLast) ? { ...x, isBest: c.isBest ? false : x.isBest, isLast: c.isLast ? false : x.isLast } : x)
  return [...others, c]
}

// ── families (compare view) ─────────────────────────────────────────────────────────────────────

/**
 * The selected runs plus every run linked to them by forks, transitively (parents, children,
 * siblings through a shared parent), in the order: selection first, then the added ones by
 * creation time. Runs whose parent is gone are still included with what remains.
 */
export function familyOf(selected: string[], runs: ReadonlyArray<Pick<RunSummary, 'id' | 'createdAt'> & { parentRunId?: string | null }>): string[] {
  const byId = new Map(runs.map((r) => [r.id, r]))
  const children = new Map<string, string[]>()
  for (const r of runs) {
    if (r.parentRunId) children.set(r.parentRunId, [...(children.get(r.parentRunId) ?? []), r.id])
  }
  const seen = new Set<string>()
  const queue = selected.filter((id) => byId.has(id))
  while (queue.length > 0) {
    const id = queue.shift()!
    if (seen.has(id)) continue
    seen.add(id)
    const p = byId.get(id)?.parentRunId
    if (p && byId.has(p)) queue.push(p)
    for (const c of children.get(id) ?? []) queue.push(c)
  }
  const added = [...seen].filter((id) => !selected.includes(id)).sort((a, b) => byId.get(a)!.createdAt - byId.get(b)!.createdAt)
  return [...selected, ...added]
}

/** Depth of a run below its family's root (0 for a run with no parent in `runs`); cycles stop. */
export function forkDepth(id: string, runs: ReadonlyArray<{ id: string; parentRunId?: string | null }>): number {
  const byId = new Map(runs.map((r) => [r.id, r]))
  let depth = 0
  let cur = byId.get(id)
  const seen = new Set<string>([id])
  while (cur?.parentRunId && byId.has(cur.parentRunId) && !seen.has(cur.parentRunId)) {
    seen.add(cur.parentRunId)
    cur = byId.get(cur.parentRunId)
    depth++
  }
  return depth
}

// ── Try it ──────────────────────────────────────────────────────────────────────────────────────

/**
 * One pasted row: comma-, tab- or semicolon-separated (the first of those it contains), quotes
 * around a field removed, numbers as numbers, empty fields as null (missing).
 */
export function parseRow(text: string): Array<string | number | null> {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? ''
  if (!line.trim()) return []
  const sep = line.includes('\t') ? '\t' : line.includes(',') ? ',' : line.includes(';') ? ';' : /\s+/
  return line.split(sep).map((raw) => {
    const s = raw.trim().replace(/^"(.*)"$/, '$1')
    if (s === '') return null
    const n = Number(s)
    return Number.isFinite(n) && /^[-+.\d]/.test(s) ? n : s
  })
}
