/**
 * A run's metric points, kept as plain (non-reactive) arrays of [step, value] pairs per metric
 * name, ready for ECharts. History (`runs:metrics`) and live batches (`runs:didMetrics`) both go
 * through `append…`, which drops points at or before the last step seen for that name, so the
 * overlap between a history load and live events (or a resync after reconnect) is harmless.
 */
import type { MetricBatch, MetricSeries } from '../../../preload/contract/types'

export type XY = [number, number]

export interface BufferedSeries {
  xy: XY[]
  /** Epoch of each point (same index as xy). */
  epoch: number[]
  lastStep: number
}

export class MetricBuffer {
  readonly series = new Map<string, BufferedSeries>()
  /** Increments whenever a live batch added points; charts compare it to what they drew. */
  liveSeq = 0
  /** wallTime (ms since epoch) of the newest point that arrived live. */
  liveWallTime = 0

  private get(name: string): BufferedSeries {
    let s = this.series.get(name)
    if (!s) {
      s = { xy: [], epoch: [], lastStep: -Infinity }
      this.series.set(name, s)
    }
    return s
  }

  /** The points of one metric (an empty array if none yet). Do not mutate. */
  points(name: string): XY[] {
    return this.get(name).xy
  }

  /** The newest value of a metric, or null. */
  latest(name: string): number | null {
    const s = this.series.get(name)
    const p = s?.xy[s.xy.length - 1]
    return p ? p[1] : null
  }

  /** Smallest last step across known series (-1 when empty): a safe `afterStep` for a resync. */
  resyncAfterStep(): number {
    let min = Infinity
    for (const s of this.series.values()) if (s.xy.length > 0) min = Math.min(min, s.lastStep)
    return Number.isFinite(min) ? Math.max(-1, Math.floor(min)) : -1
  }

  /** Appends a `runs:metrics` result; returns how many points were new. */
  appendHistory(record: Record<string, MetricSeries>): number {
    let added = 0
    for (const [name, ser] of Object.entries(record)) {
      const s = this.get(name)
      const n = Math.min(ser.step.length, ser.value.length)
      for (let i = 0; i < n; i++) {
        const step = ser.step[i]!
        if (step <= s.lastStep) continue
        s.xy.push([step, ser.value[i]!])
        s.epoch.push(ser.epoch[i] ?? 0)
        s.lastStep = step
        added++
      }
    }
    return added
  }

  /** Appends a live `runs:didMetrics` batch; returns how many points were new. */
  appendBatch(batch: MetricBatch): number {
    let added = 0
    let wall = 0
    const n = batch.name.length
    for (let i = 0; i < n; i++) {
      const name = batch.name[i]!
      const step = batch.step[i]!
      const s = this.get(name)
      if (!(step > s.lastStep)) continue
      s.xy.push([step, batch.value[i]!])
      s.epoch.push(batch.epoch[i] ?? 0)
      s.lastStep = step
      const w = batch.wallTime[i] ?? 0
      if (w > wall) wall = w
      added++
    }
    if (added > 0) {
      this.liveSeq++
      if (wall > 0) this.liveWallTime = wall
    }
    return added
  }

  /** Drops all points. `liveSeq` keeps counting so charts never mistake new points for drawn ones. */
  clear(): void {
    this.series.clear()
  }
}
