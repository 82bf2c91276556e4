/**
 * Generates the "spirals" sample: two interleaved 2-D spirals, one per class, with a little
 * Gaussian noise. The classic "needs a hidden layer, and a good one" toy problem. Deterministic
 * from a seed; the shipped resources/samples/spirals.csv is its output (regenerate with
 * `REGENERATE_SAMPLES=1 npx vitest run --config test/vitest.config.ts test/main/datasets/sampleFiles`).
 */
import { createRng, normal } from './seededRandom'

/** Parameters of the shipped sample. */
export const SPIRALS_SAMPLE = { pointsPerClass: 500, turns: 1.5, noise: 0.025, seed: 1337 } as const

/** Generated points: x is [count × 2] row-major, y the class (0 or 1). */
export interface PointSet {
  count: number
  x: Float32Array
  y: Int32Array
}

/**
 * Generates `pointsPerClass` points per spiral. Radii run from 0.1 to 1 while the angle makes
 * `turns` turns; the second spiral is the first rotated by π. Points alternate between classes.
 */
export function generateSpirals(opts: { pointsPerClass: number; turns: number; noise: number; seed: number } = SPIRALS_SAMPLE): PointSet {
  const rng = createRng(opts.seed)
  const n = opts.pointsPerClass
  const count = 2 * n
  const x = new Float32Array(count * 2)
  const y = new Int32Array(count)
  const maxAngle = opts.turns * 2 * Math.PI
  for (let i = 0; i < n; i++) {
    // sqrt spacing: equal density along the arm instead of crowding at the centre.
    const u = Math.sqrt((i + 0.5) / n)
    const r = 0.1 + 0.9 * u
    const a = u * maxAngle
    for (let k = 0; k < 2; k++) {
      const row = 2 * i + k
      const angle = a + k * Math.PI
      x[2 * row] = r * Math.cos(angle) + opts.noise * normal(rng)
      x[2 * row + 1] = r * Math.sin(angle) + opts.noise * normal(rng)
      y[row] = k
    }
  }
  return { count, x, y }
}

/** Formats points as CSV with a header `x1,x2,label` and 4 decimals (what the sample file holds). */
export function pointsToCsv(p: PointSet): string {
  const lines = ['x1,x2,label']
  for (let i = 0; i < p.count; i++) lines.push(`${p.x[2 * i]!.toFixed(4)},${p.x[2 * i + 1]!.toFixed(4)},${p.y[i]}`)
  return lines.join('\n') + '\n'
}
