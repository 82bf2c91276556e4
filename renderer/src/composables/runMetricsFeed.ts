/**
 * One run's metrics, loaded once with `runs:metrics` and then kept live from `runs:didMetrics`.
 * Live batches that arrive while history loads are held and applied after it (the buffer drops
 * duplicates by step), so nothing is lost or drawn twice. After a reconnect, `resync()` fetches
 * only what is newer than what we have.
 */
import type { MetricBatch } from '@contract/types'
import { api, errorMessage } from '@renderer/api/client'
import { MetricBuffer } from '@renderer/lib/metricBuffer'
import { Notifier } from '@renderer/lib/chartSource'

export class RunMetricsFeed {
  readonly buffer = new MetricBuffer()
  readonly changed = new Notifier()
  loading = true
  error: string | null = null
  private held: MetricBatch[] | null = []
  private readonly offEvent: () => void
  private disposed = false
  private loadSeq = 0

  constructor(readonly runId: string, private readonly onError?: (message: string) => void) {
    this.offEvent = api.on('runs:didMetrics', (p) => {
      if (p.runId !== this.runId || this.disposed) return
      if (this.held) { this.held.push(p.batch); return }
      if (this.buffer.appendBatch(p.batch) > 0) this.changed.notify()
    })
    void this.load()
  }

  /** Loads the whole history (again), then applies live batches that came meanwhile. */
  async load(): Promise<void> {
    const seq = ++this.loadSeq
    this.loading = true
    if (!this.held) this.held = []
    try {
      const rec = await api.call('runs:metrics', { runId: this.runId })
      if (this.disposed || seq !== this.loadSeq) return
      this.buffer.clear()
      this.buffer.appendHistory(rec)
      this.error = null
    } catch (err) {
      if (this.disposed || seq !== this.loadSeq) return
      this.error = errorMessage(err)
      this.onError?.(this.error)
    } finally {
      if (!this.disposed && seq === this.loadSeq) {
        const held = this.held ?? []
        this.held = null
        for (const b of held) this.buffer.appendBatch(b)
        this.loading = false
        this.changed.notify()
      }
    }
  }

  /** Fetches points newer than the ones we hold (after a reconnect). */
  async resync(): Promise<void> {
    if (this.disposed || this.loading) return
    try {
      const rec = await api.call('runs:metrics', { runId: this.runId, afterStep: this.buffer.resyncAfterStep() })
      if (this.disposed) return
      if (this.buffer.appendHistory(rec) > 0) this.changed.notify()
    } catch (err) {
      this.onError?.(errorMessage(err))
    }
  }

  dispose(): void {
    this.disposed = true
    this.offEvent()
  }
}
