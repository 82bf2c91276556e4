/**
 * What a MetricChart draws: a few lines whose points live in plain arrays owned elsewhere, plus a
 * change notification. Charts pull the arrays when they draw (at most once per animation frame),
 * so 50 metric batches a second cost 50 array appends and ≤ 60 draws, not 50 reactive re-renders.
 */
import type { XY } from './metricBuffer'

export interface ChartLine {
  /** Stable id (series id in ECharts; also the smoothing cache key). */
  id: string
  /** Legend label. */
  name: string
  /** The points; the same array grows while the run is live (do not copy). */
  points: () => XY[]
  /** Batch curves are dense and smoothed; epoch curves are sparse and drawn with markers. */
  kind: 'batch' | 'epoch'
  /** Apply the smoothing slider to this line. */
  smooth: boolean
  /** Second y axis (right) for lines with another unit, e.g. samples/s next to learning rate. */
  yAxisIndex?: 0 | 1
  /** Index into the theme palette (defaults to the line's position). */
  colorIndex?: number
  dashed?: boolean
}

export interface ChartSource {
  lines(): ChartLine[]
  /** Calls `cb` whenever points were appended; returns the unsubscribe function. */
  subscribe(cb: () => void): () => void
  /** Counter of live (`runs:didMetrics`) appends, and the wallTime of the newest live point. */
  live(): { seq: number; wallTime: number }
}

/** A minimal listener set used by sources. */
export class Notifier {
  private readonly listeners = new Set<() => void>()
  subscribe(cb: () => void): () => void {
    this.listeners.add(cb)
    return () => { this.listeners.delete(cb) }
  }
  notify(): void {
    for (const l of [...this.listeners]) l()
  }
}

/** Pushes one latency sample into `window.__studioLatency` (created lazily, capped at 10,000). */
export function recordLatency(target: { __studioLatency?: number[] }, ms: number): void {
  const arr = target.__studioLatency ?? (target.__studioLatency = [])
  arr.push(ms)
  if (arr.length > 10_000) arr.splice(0, arr.length - 10_000)
}
