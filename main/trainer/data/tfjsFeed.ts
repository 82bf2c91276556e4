/**
 * The TF.js path's side of the batch source: one epoch of model.fit (memory mode: the split as two
 * tensors, gathered in the epoch's order) or of model.fitDataset (stream mode: one pair of tensors
 * per batch, read from disk as the batch comes up), and validation in chunks. Both take the same
 * rows in the same order as the engine path, so `dropLast` and the seeded shuffle mean the same.
 */
import * as tf from '@tensorflow/tfjs'
import { batches, type SplitSource } from './batchSource'

type Logs = Record<string, number | tf.Scalar> | undefined

function num(v: number | tf.Scalar | undefined): number | undefined {
  if (v === undefined) return undefined
  return typeof v === 'number' ? v : v.dataSync()[0]
}

/**
 * model.fit's epoch logs (loss, acc, … as size-weighted means of the batch logs), which
 * model.fitDataset does not produce: this callback rebuilds them from the batch logs.
 */
class EpochMeans extends tf.Callback {
  private sums: Record<string, number> = {}
  private seen = 0
  override async onBatchEnd(_batch: number, logs?: Logs): Promise<void> {
    const size = num(logs?.['size']) ?? 1
    for (const [k, v] of Object.entries(logs ?? {})) {
      if (k === 'batch' || k === 'size') continue
      const x = num(v)
      if (x !== undefined) this.sums[k] = (this.sums[k] ?? 0) + x * size
    }
    this.seen += size
  }
  means(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const [k, s] of Object.entries(this.sums)) out[k] = s / Math.max(1, this.seen)
    return out
  }
}

/** Feeds one split to model.fit / model.fitDataset / model.evaluate. Dispose when the run ends. */
export class TfjsFeed {
  private xAll: tf.Tensor | null = null
  private yAll: tf.Tensor | null = null

  constructor(readonly source: SplitSource) {
    if (source.mode === 'memory') {
      this.xAll = tf.tensor(source.x!, [source.count, ...source.inputShape], 'float32')
      this.yAll = tf.tensor2d(source.y!, [source.count, source.targetSize], 'float32')
    }
  }

  /**
   * Trains one epoch over the rows `order` in batches of `batchSize` with `callbacks`, and returns
   * the epoch's logs (loss, acc, … as model.fit reports them). A callback that sets
   * model.stopTraining ends it after the current batch.
   */
  async fitEpoch(model: tf.LayersModel, order: Int32Array, batchSize: number, callbacks: tf.Callback[]): Promise<Record<string, number>> {
    if (this.xAll && this.yAll) {
      const perm = tf.tensor1d(order, 'int32')
      const xs = tf.gather(this.xAll, perm)
      const ys = tf.gather(this.yAll, perm)
      perm.dispose()
      try {
        const h = await model.fit(xs, ys, { batchSize, epochs: 1, shuffle: false, verbose: 0, callbacks })
        const out: Record<string, number> = {}
        for (const [k, v] of Object.entries(h.history)) {
          const last = v[v.length - 1]
          const n = typeof last === 'number' ? last : last ? (last as tf.Tensor).dataSync()[0] : undefined
          if (n !== undefined) out[k] = n
        }
        return out
      } finally {
        xs.dispose()
        ys.dispose()
      }
    }
    const src = this.source
    const shape = src.inputShape
    const it = batches(src, order, batchSize)
    const ds = tf.data.generator(() => ({
      next: () => {
        const r = it.next()
        if (r.done) return { done: true, value: null }
        const b = r.value
        return { done: false, value: { xs: tf.tensor(b.x, [b.n, ...shape], 'float32'), ys: tf.tensor2d(b.y, [b.n, src.targetSize], 'float32') } }
      }
    }) as unknown as Iterator<tf.TensorContainer>)
    const means = new EpochMeans()
    await model.fitDataset(ds, { epochs: 1, verbose: 0, callbacks: [...callbacks, means] })
    return means.means()
  }

  /** model.evaluate over the whole split, in chunks (stream mode) or at once: [loss, metric…]. */
  evaluate(model: tf.LayersModel, batchSize: number): number[] {
    const run = (x: tf.Tensor, y: tf.Tensor): number[] => {
      const out = model.evaluate(x, y, { batchSize }) as tf.Scalar | tf.Scalar[]
      const outs = Array.isArray(out) ? out : [out]
      const vals = outs.map((t) => t.dataSync()[0]!)
      tf.dispose(outs)
      return vals
    }
    if (this.xAll && this.yAll) return run(this.xAll, this.yAll)
    const src = this.source
    // Chunks of whole eval batches: a chunk's mean weighted by its rows gives the split's mean.
    const chunk = batchSize * Math.max(1, Math.floor(8192 / batchSize))
    let sums: number[] | null = null
    for (const b of batches(src, null, chunk)) {
      const vals = tf.tidy(() => run(tf.tensor(b.x, [b.n, ...src.inputShape], 'float32'), tf.tensor2d(b.y, [b.n, src.targetSize], 'float32')))
      sums ??= vals.map(() => 0)
      vals.forEach((v, i) => { sums![i]! += v * b.n })
    }
    return (sums ?? []).map((s) => s / Math.max(1, src.count))
  }

  dispose(): void {
    tf.dispose([this.xAll, this.yAll].filter((t): t is tf.Tensor => t !== null))
    this.xAll = null
    this.yAll = null
  }
}
