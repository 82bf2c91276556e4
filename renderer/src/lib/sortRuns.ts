/** Sorting for the runs table (pure, so it is unit-tested). */
import type { RunSummary } from '../../../preload/contract/types'
import { runDurationMs } from './format'

export type RunSortKey =
  | 'status' | 'name' | 'dataset' | 'model' | 'backend' | 'duration' | 'epochs' | 'bestAcc' | 'bestLoss' | 'started'

const STATUS_ORDER: Record<RunSummary['status'], number> = { running: 0, paused: 1, queued: 1, failed: 2, diverged: 3, stopped: 4, pruned: 4, completed: 5 }

function value(r: RunSummary, key: RunSortKey, now: number): number | string | null {
  switch (key) {
    case 'status': return STATUS_ORDER[r.status]
    case 'name': return r.name.toLowerCase()
    case 'dataset': return r.datasetName.toLowerCase()
    case 'model': return r.model.toLowerCase()
    case 'backend': return r.backend?.toLowerCase() ?? null
    case 'duration': return runDurationMs(r, now)
    case 'epochs': return r.epochs > 0 ? r.epochsDone / r.epochs : 0
    case 'bestAcc': return r.bestValAcc
    case 'bestLoss': return r.bestValLoss
    case 'started': return r.startedAt ?? r.createdAt
  }
}

/** A sorted copy; nulls go last in both directions; ties keep newest first. */
export function sortRuns(runs: readonly RunSummary[], key: RunSortKey, dir: 'asc' | 'desc', now: number): RunSummary[] {
  const sign = dir === 'asc' ? 1 : -1
  return [...runs].sort((a, b) => {
    const va = value(a, key, now)
    const vb = value(b, key, now)
    if (va === null && vb !== null) return 1
    if (vb === null && va !== null) return -1
    if (va !== null && vb !== null && va !== vb) return (va < vb ? -1 : 1) * sign
    return b.createdAt - a.createdAt
  })
}
