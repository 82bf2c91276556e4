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
  const groups = new Map<number, number[]>()
  for (let k = 0; k < candidates.length; k++) {
    const i = candidates[k]!
    const c = labels ? labels[i]! : 0
    let g = groups.get(c)
    if (!g) groups.set(c, (g = []))
    g.push(i)
  }
  const rng = createRng(seed)
  const train: number[] = []
  const val: number[] = []
  const test: number[] = []
  for (const c of [...groups.keys()].sort((a, b) => a - b)) {
    const m = shuffleInPlace(groups.get(c)!, rng)
    let nTest = Math.round((m.length * percents.test) / 100)
    let nVal = Math.round((m.length * percents.val) / 100)
    // Keep at least one example of every class in train; take it from test first, then val.
    while (nTest + nVal >= m.length && m.length > 0) {
      if (nTest > 0) nTest--
      else if (nVal > 0) nVal--
      else break
    }
    for (let k = 0; k < m.length; k++) (k < nTest ? test : k < nTest + nVal ? val : train).push(m[k]!)
  }
  const sorted = (a: number[]) => Int32Array.from(a).sort()
  return { train: sorted(train), val: sorted(val), test: sorted(test) }
}
