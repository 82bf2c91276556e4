/**
 * Seeded, stratified train/validation split: every class keeps (as nearly as rounding allows) the
 * same share in both splits, so validation accuracy is comparable between runs and datasets.
 */
import { createRng, shuffleInPlace } from './seededRandom'

/** Example indices of each split, each sorted ascending inside its class order. */
export interface SplitIndices {
  train: Int32Array
  val: Int32Array
}

/**
 * Splits example indices by class: for each class, shuffles its members with a generator seeded by
 * `seed` and sends round(count × valFraction) of them (at least one when the class has two or more
 * members) to validation. Same labels + same seed ⇒ same split. Guarantees every index lands in
 * exactly one split.
 */
export function stratifiedSplit(labels: ArrayLike<number>, valFraction: number, seed: number): SplitIndices {
  if (!(valFraction > 0 && valFraction < 1)) throw new Error(`valFraction must be in (0, 1), got ${valFraction}`)
  const byClass = new Map<number, number[]>()
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!
    let list = byClass.get(c)
    if (!list) byClass.set(c, (list = []))
    list.push(i)
  }
  const rng = createRng(seed)
  const train: number[] = []
  const val: number[] = []
  // Classes in ascending order so the rng stream does not depend on Map insertion order.
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = shuffleInPlace(byClass.get(c)!, rng)
    let nVal = Math.round(members.length * valFraction)
    if (members.length >= 2) nVal = Math.min(Math.max(nVal, 1), members.length - 1)
    for (let k = 0; k < members.length; k++) (k < nVal ? val : train).push(members[k]!)
  }
  return { train: Int32Array.from(train), val: Int32Array.from(val) }
}

/** Copies the rows `idx` of a row-major array with `rowSize` values per row. */
export function takeRows<T extends Float32Array | Uint8Array | Int32Array>(
  src: T, rowSize: number, idx: ArrayLike<number>, make: (n: number) => T
): T {
  const out = make(idx.length * rowSize)
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!
    out.set(src.subarray(i * rowSize, (i + 1) * rowSize), k * rowSize)
  }
  return out
}

/** Example indices of a train / validation / test split, each ascending. */
export interface SplitIndices3 {
  train: Int32Array
  val: Int32Array
  test: Int32Array
}

/**
 * Seeded three-way split of `candidates` (example indices) by percentages. With `labels` it is
 * stratified: each class is shuffled on its own and cut by the percentages, so every split keeps
 * the class shares (a class with at least one example always keeps one in train). Without labels
 * (regression) the candidates are shuffled as one group. Same inputs + seed ⇒ same split; every
 * candidate lands in exactly one split; each split comes back sorted (sequential reads).
 */
export function splitIndices3(
  candidates: Int32Array, labels: ArrayLike<number> | null, percents: { train: number; val: number; test: number }, seed: number
): SplitIndices3 {
  // Typed arrays throughout (a counting sort by class, then in-place shuffles of each class's
  // segment): number[] buckets for 800k rows cost ~30 MB of heap, more than the labels themselves.
  const n = candidates.length
  let k = 1
  if (labels) for (let j = 0; j < n; j++) k = Math.max(k, labels[candidates[j]!]! + 1)
  const start = new Int32Array(k + 1)
  for (let j = 0; j < n; j++) start[(labels ? labels[candidates[j]!]! : 0) + 1]!++
  for (let c = 0; c < k; c++) start[c + 1]! += start[c]!
  const fill = start.slice(0, k)
  const byClass = new Int32Array(n)
  for (let j = 0; j < n; j++) { const c = labels ? labels[candidates[j]!]! : 0; byClass[fill[c]!++] = candidates[j]! }
  const rng = createRng(seed)
  const cut: [number, number][] = []
  let nTrain = 0
  let nVal = 0
  let nTest = 0
  for (let c = 0; c < k; c++) {
    const a = start[c]!
    const m = start[c + 1]! - a
    shuffleInPlace(byClass.subarray(a, a + m), rng)
    let t = Math.round((m * percents.test) / 100)
    let v = Math.round((m * percents.val) / 100)
    // Keep at least one example of every class in train; take it from test first, then val.
    while (t + v >= m && m > 0) {
      if (t > 0) t--
      else if (v > 0) v--
      else break
    }
    cut.push([t, v])
    nTest += t; nVal += v; nTrain += m - t - v
  }
  const train = new Int32Array(nTrain)
  const val = new Int32Array(nVal)
  const test = new Int32Array(nTest)
  let it = 0; let iv = 0; let ie = 0
  for (let c = 0; c < k; c++) {
    const a = start[c]!
    const m = start[c + 1]! - a
    const [t, v] = cut[c]!
    for (let j = 0; j < m; j++) {
      const x = byClass[a + j]!
      if (j < t) test[ie++] = x
      else if (j < t + v) val[iv++] = x
      else train[it++] = x
    }
  }
  return { train: train.sort(), val: val.sort(), test: test.sort() }
}
