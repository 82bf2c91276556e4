/**
 * Min/max decimation for line charts: a series of 100k points drawn into 1,000 pixels needs at
 * most ~2 points per pixel column, and keeping each bucket's min and max keeps every spike visible
 * (unlike averaging). Charts decimate before handing data to ECharts, so a draw costs O(visible
 * pixels) in ECharts plus one O(n) pass here, instead of ECharts re-ingesting every point.
 */
import type { XY } from './metricBuffer'

/** First index whose x is >= x (points sorted by x). */
export function lowerBound(points: readonly XY[], x: number): number {
  let lo = 0
  let hi = points.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (points[mid]![0] < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Appends min/max-decimated points[from, to) into `out` using `buckets` equal-count buckets. */
export function decimateRange(points: readonly XY[], from: number, to: number, buckets: number, out: XY[]): void {
  const n = to - from
  if (n <= 0) return
  if (n <= buckets * 2) {
    for (let i = from; i < to; i++) out.push(points[i]!)
    return
  }
  const size = n / buckets
  for (let b = 0; b < buckets; b++) {
    const s = from + Math.floor(b * size)
    const e = Math.min(to, from + Math.floor((b + 1) * size))
    if (e <= s) continue
    let minI = s
    let maxI = s
    for (let i = s + 1; i < e; i++) {
      const v = points[i]![1]
      if (v < points[minI]![1] || Number.isNaN(points[minI]![1])) minI = i
      if (v > points[maxI]![1] || Number.isNaN(points[maxI]![1])) maxI = i
    }
    if (minI === maxI) out.push(points[minI]!)
    else if (minI < maxI) { out.push(points[minI]!); out.push(points[maxI]!) }
    else { out.push(points[maxI]!); out.push(points[minI]!) }
  }
  // Keep the exact last point so the line ends where the data ends.
  const last = points[to - 1]!
  if (out[out.length - 1] !== last) out.push(last)
}

/**
 * Decimates `points` for a view of x in [x0, x1]: fine inside the window (`inside` buckets),
 * coarse outside it (`outside` buckets per side, so the axis extent and the zoom slider's shape
 * stay right). Returns the input array itself when it is small enough to draw as is.
 */
export function decimateForView(points: XY[], x0: number, x1: number, inside: number, outside: number): XY[] {
  if (points.length <= inside * 2 + outside * 4) return points
  const i0 = lowerBound(points, x0)
  const i1 = Math.min(points.length, lowerBound(points, x1) + 1)
  const out: XY[] = []
  decimateRange(points, 0, i0, outside, out)
  decimateRange(points, i0, i1, inside, out)
  decimateRange(points, i1, points.length, outside, out)
  return out
}
