/**
 * Collects metric points column-wise and hands them out as one MetricBatch at most every
 * FLUSH_INTERVAL_MS, so that the trainer sends a few messages per second, never one per number.
 */
import type { MetricBatch } from '../../preload/contract/types'
import { FLUSH_INTERVAL_MS } from './protocol'

/**
 * A column-oriented buffer of metric points. `add` is allocation-free apart from array growth;
 * `maybeFlush` is the cheap time check the training loop calls at each batch end; `flush` empties
 * the buffer unconditionally (epoch end, run end). A flushed batch is never touched again by the
 * buffer, so the receiver may keep it.
 */
export class MetricBuffer {
  private batch: MetricBatch = MetricBuffer.empty()
  private lastFlush: number

  /**
   * @param onFlush receives each non-empty batch, in order
   * @param intervalMs the longest a point waits before `maybeFlush` sends it
   * @param now the clock (tests pass a fake one)
   */
  constructor(
    private readonly onFlush: (batch: MetricBatch) => void,
    private readonly intervalMs: number = FLUSH_INTERVAL_MS,
    private readonly now: () => number = Date.now
  ) {
    this.lastFlush = now()
  }

  private static empty(): MetricBatch {
    return { name: [], step: [], epoch: [], wallTime: [], value: [] }
  }

  /** Points waiting to be sent. */
  get size(): number {
    return this.batch.name.length
  }

  /** Appends one point. Non-finite values are kept (a diverging loss is worth seeing). */
  add(name: string, step: number, epoch: number, wallTime: number, value: number): void {
    const b = this.batch
    b.name.push(name)
    b.step.push(step)
    b.epoch.push(epoch)
    b.wallTime.push(wallTime)
    b.value.push(value)
  }

  /** Sends the buffer when `intervalMs` has passed since the last flush; returns whether it did. */
  maybeFlush(now: number = this.now()): boolean {
    if (now - this.lastFlush < this.intervalMs) return false
    return this.flush(now)
  }

  /** Sends whatever is buffered (nothing when empty); returns whether a batch went out. */
  flush(now: number = this.now()): boolean {
    this.lastFlush = now
    if (this.batch.name.length === 0) return false
    const out = this.batch
    this.batch = MetricBuffer.empty()
    this.onFlush(out)
    return true
  }
}
