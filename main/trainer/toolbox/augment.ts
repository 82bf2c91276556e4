/**
 * Batch-level data transforms of the training toolbox, on plain Float32Arrays (no TF.js): seeded
 * image augmentation, label smoothing, mixup and cutmix. Applied to the train split only, by the
 * toolbox loop, one batch at a time. Every random draw comes from a {@link Rng} seeded from the
 * run seed and the epoch, so a run (and a run resumed at an epoch boundary) sees the same batches.
 */
import type { Augmentation } from '../../../preload/contract/types'
import type { ResolvedToolbox } from '../../../preload/contract/toolbox'

/** mulberry32: small, fast, seedable; the same generator the engine uses for dropout masks. */
export class Rng {
  private a: number
  constructor(seed: number) { this.a = seed >>> 0 }
  /** Uniform in [0, 1). */
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0
    let t = this.a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number { return lo + (hi - lo) * this.next() }
  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = Math.max(this.next(), 1e-12)
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next())
  }
  /** Gamma(shape, 1) by Marsaglia–Tsang (boosted for shape < 1). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(Math.max(this.next(), 1e-12), 1 / shape)
    const d = shape - 1 / 3
    const c = 1 / Math.sqrt(9 * d)
    for (;;) {
      let x: number
      let v: number
      do { x = this.normal(); v = 1 + c * x } while (v <= 0)
      v = v * v * v
      const u = this.next()
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v
    }
  }
  /** Beta(a, a): the mixing weight of mixup/cutmix. */
  beta(a: number): number {
    const x = this.gamma(a)
    const y = this.gamma(a)
    return x + y > 0 ? x / (x + y) : 0.5
  }
  /** The generator's state, for checkpoints. */
  get state(): number { return this.a }
}

/** Seed of the toolbox's generator for one epoch: depends only on the run seed and the epoch. */
export function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(seed >>> 0, 2654435761) ^ Math.imul(epoch + 1, 40503)) >>> 0
}

/**
 * Augments `n` images of shape [h, w, c] in `x` (n·h·w·c floats) in place: one random affine map
 * per image (flip, shift, rotation, crop as a shift of up to `crop` pixels with zero fill) sampled
 * nearest-neighbour, then Gaussian noise. `scratch` must hold h·w·c floats.
 */
export function augmentImages(x: Float32Array, n: number, shape: readonly number[], a: Required<Augmentation>, rng: Rng, scratch: Float32Array): void {
  const [h, w, c] = [shape[0]!, shape[1]!, shape[2] ?? 1]
  const size = h * w * c
  const cy = (h - 1) / 2
  const cx = (w - 1) / 2
  for (let i = 0; i < n; i++) {
    const img = x.subarray(i * size, (i + 1) * size)
    const flipH = (a.flip === 'horizontal' || a.flip === 'both') && rng.next() < 0.5
    const flipV = (a.flip === 'vertical' || a.flip === 'both') && rng.next() < 0.5
    let dx = a.shift > 0 ? rng.uniform(-a.shift, a.shift) * w : 0
    let dy = a.shift > 0 ? rng.uniform(-a.shift, a.shift) * h : 0
    if (a.crop > 0) {
      dx += Math.floor(rng.uniform(-a.crop, a.crop + 1))
      dy += Math.floor(rng.uniform(-a.crop, a.crop + 1))
    }
    const angle = a.rotation > 0 ? (rng.uniform(-a.rotation, a.rotation) * Math.PI) / 180 : 0
    const identity = !flipH && !flipV && dx === 0 && dy === 0 && angle === 0
    if (!identity) {
      scratch.set(img)
      const cos = Math.cos(angle)
      const sin = Math.sin(angle)
      for (let oy = 0; oy < h; oy++) {
        for (let ox = 0; ox < w; ox++) {
          // Inverse map: output pixel → source pixel (undo shift, then rotation, then flips).
          const ty = oy - cy - dy
          const tx = ox - cx - dx
          let sy = cos * ty + sin * tx + cy
          let sx = -sin * ty + cos * tx + cx
          if (flipV) sy = h - 1 - sy
          if (flipH) sx = w - 1 - sx
          const iy = Math.round(sy)
          const ix = Math.round(sx)
          const o = (oy * w + ox) * c
          if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
            for (let k = 0; k < c; k++) img[o + k] = 0
          } else {
            const s = (iy * w + ix) * c
            for (let k = 0; k < c; k++) img[o + k] = scratch[s + k]!
          }
        }
      }
    }
    if (a.noise > 0) for (let k = 0; k < size; k++) img[k] = img[k]! + a.noise * rng.normal()
  }
}

/** Label smoothing on one-hot rows of `k` classes, in place: y·(1−ε) + ε/k. */
export function smoothLabels(y: Float32Array, k: number, eps: number): void {
  if (eps <= 0) return
  for (let i = 0; i < y.length; i++) y[i] = y[i]! * (1 - eps) + eps / k
}

/** A seeded permutation of 0..n-1 (Fisher–Yates). */
function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n)
  for (let i = 0; i < n; i++) p[i] = i
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1))
    const t = p[i]!
    p[i] = p[j]!
    p[j] = t
  }
  return p
}

/**
 * mixup (Zhang et al. 2018): x ← λx + (1−λ)x[π], y and per-example weights likewise, with one
 * λ ~ Beta(α, α) per batch and a seeded permutation π. In place; returns λ.
 */
export function mixup(x: Float32Array, y: Float32Array, sw: Float32Array | null, n: number, rng: Rng, alpha: number): number {
  const lam = rng.beta(alpha)
  const p = permutation(n, rng)
  const xs = x.length / n
  const ys = y.length / n
  const x0 = x.slice(0, n * xs)
  const y0 = y.slice(0, n * ys)
  const w0 = sw ? sw.slice(0, n) : null
  for (let i = 0; i < n; i++) {
    const j = p[i]!
    for (let k = 0; k < xs; k++) x[i * xs + k] = lam * x0[i * xs + k]! + (1 - lam) * x0[j * xs + k]!
    for (let k = 0; k < ys; k++) y[i * ys + k] = lam * y0[i * ys + k]! + (1 - lam) * y0[j * ys + k]!
    if (sw && w0) sw[i] = lam * w0[i]! + (1 - lam) * w0[j]!
  }
  return lam
}

/**
 * cutmix (Yun et al. 2019) on images [h, w, c]: a box of area ≈ (1−λ)·h·w from image π(i) is
 * pasted into image i, and the targets mix by the box's exact area. In place; returns the λ used.
 */
export function cutmix(x: Float32Array, y: Float32Array, sw: Float32Array | null, n: number, shape: readonly number[], rng: Rng, alpha: number): number {
  const [h, w, c] = [shape[0]!, shape[1]!, shape[2] ?? 1]
  const lamDraw = rng.beta(alpha)
  const p = permutation(n, rng)
  const ratio = Math.sqrt(1 - lamDraw)
  const bh = Math.floor(h * ratio)
  const bw = Math.floor(w * ratio)
  const cy = Math.floor(rng.next() * h)
  const cx = Math.floor(rng.next() * w)
  const y1 = Math.max(0, cy - (bh >> 1))
  const y2 = Math.min(h, cy + (bh >> 1))
  const x1 = Math.max(0, cx - (bw >> 1))
  const x2 = Math.min(w, cx + (bw >> 1))
  const lam = 1 - ((y2 - y1) * (x2 - x1)) / (h * w)
  const size = h * w * c
  const ys = y.length / n
  const x0 = x.slice(0, n * size)
  const y0 = y.slice(0, n * ys)
  const w0 = sw ? sw.slice(0, n) : null
  for (let i = 0; i < n; i++) {
    const j = p[i]!
    for (let r = y1; r < y2; r++) {
      const off = (r * w + x1) * c
      x.set(x0.subarray(j * size + off, j * size + off + (x2 - x1) * c), i * size + off)
    }
    for (let k = 0; k < ys; k++) y[i * ys + k] = lam * y0[i * ys + k]! + (1 - lam) * y0[j * ys + k]!
    if (sw && w0) sw[i] = lam * w0[i]! + (1 - lam) * w0[j]!
  }
  return lam
}

/** Transforms one batch in place: x (n × example), y (n × numClasses or targets), optional per-example weights. */
export type BatchTransform = (x: Float32Array, y: Float32Array, sw: Float32Array | null, n: number) => void

/**
 * The train-batch transform of one epoch — augmentation, label smoothing, then cutmix or mixup —
 * drawing from one generator seeded by (seed, epoch). The toolbox loop and the studio engine use
 * the same function, so both see the same batches. Null when the run transforms nothing.
 * x/y must be exactly n rows long.
 */
export function epochBatchTransform(tb: ResolvedToolbox, inputShape: readonly number[], classification: boolean, numClasses: number,
  seed: number, epoch: number): BatchTransform | null {
  const reg = tb.regularization
  const image = inputShape.length === 3
  const augment = image && reg.augmentation ? reg.augmentation : null
  const smooth = classification && reg.labelSmoothing > 0
  const useCutmix = image && reg.cutmixAlpha > 0
  const useMixup = reg.mixupAlpha > 0
  if (!augment && !smooth && !useCutmix && !useMixup) return null
  const rng = new Rng(epochSeed(seed, epoch))
  const scratch = augment ? new Float32Array(inputShape[0]! * inputShape[1]! * (inputShape[2] ?? 1)) : null
  return (x, y, sw, n) => {
    if (augment && scratch) augmentImages(x, n, inputShape, augment, rng, scratch)
    if (smooth) smoothLabels(y, numClasses, reg.labelSmoothing)
    if (useCutmix && (!useMixup || rng.next() < 0.5)) cutmix(x, y, sw, n, inputShape, rng, reg.cutmixAlpha)
    else if (useMixup) mixup(x, y, sw, n, rng, reg.mixupAlpha)
  }
}
