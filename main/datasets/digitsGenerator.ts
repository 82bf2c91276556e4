/**
 * Generates the "digits" sample: 28×28 grayscale handwritten-looking digits 0–9, rendered from
 * stroke templates with a random smooth deformation, a random affine map (rotation, scale, shear,
 * translation), a random stroke width and antialiased edges. Deterministic from a seed, so the
 * files shipped in resources/samples/digits/ can be regenerated bit for bit (see
 * test/main/datasets/sampleFiles.test.ts: `REGENERATE_SAMPLES=1 npx vitest run … sampleFiles`).
 * Nothing is downloaded: MNIST's licence and size stay out of the repo.
 */
import { createRng, shuffleInPlace, type Rng } from './seededRandom'

/** Side of the square images, as MNIST. */
export const DIGIT_SIZE = 28

type Pt = [number, number]
type Stroke = Pt[]

/** Points of an elliptic arc; angles in degrees, y pointing down (90° is the bottom). */
function arc(cx: number, cy: number, rx: number, ry: number, a0: number, a1: number, n = 24): Stroke {
  const out: Stroke = []
  for (let i = 0; i <= n; i++) {
    const a = ((a0 + ((a1 - a0) * i) / n) * Math.PI) / 180
    out.push([cx + rx * Math.cos(a), cy + ry * Math.sin(a)])
  }
  return out
}

/**
 * Stroke templates in a unit box (x right, y down); the digit body spans about 0.15–0.85 as
 * MNIST's 20-pixel box inside 28 pixels. Some digits have two common forms; one is drawn at random.
 */
const TEMPLATES: Array<Array<() => Stroke[]>> = [
  [() => [arc(0.5, 0.5, 0.24, 0.36, -90, 270, 32)]],
  [
    () => [[[0.4, 0.27], [0.54, 0.14], [0.54, 0.86]]],
    () => [[[0.52, 0.14], [0.5, 0.86]]]
  ],
  [
    () => [[...arc(0.5, 0.34, 0.22, 0.2, 195, 380, 18), [0.28, 0.86], [0.76, 0.86]]],
    () => [[...arc(0.5, 0.32, 0.21, 0.18, 200, 400, 18), [0.3, 0.84], [0.44, 0.8], [0.76, 0.86]]]
  ],
  [() => [[...arc(0.48, 0.3, 0.2, 0.17, 205, 450, 18), ...arc(0.48, 0.66, 0.23, 0.2, 270, 515, 20)]]],
  [
    () => [[[0.62, 0.86], [0.62, 0.14], [0.24, 0.62], [0.78, 0.62]]],
    () => [[[0.34, 0.14], [0.28, 0.56], [0.76, 0.56]], [[0.64, 0.3], [0.62, 0.86]]]
  ],
  [() => [[[0.72, 0.14], [0.36, 0.14], [0.34, 0.46], ...arc(0.5, 0.64, 0.22, 0.21, 235, 515, 22)]]],
  [() => [[[0.66, 0.14], [0.48, 0.28], [0.37, 0.46], [0.31, 0.66], ...arc(0.5, 0.67, 0.19, 0.18, 180, 540, 26)]]],
  [
    () => [[[0.26, 0.15], [0.74, 0.15], [0.44, 0.86]]],
    () => [[[0.26, 0.15], [0.74, 0.15], [0.44, 0.86]], [[0.38, 0.5], [0.68, 0.5]]]
  ],
  [() => [arc(0.5, 0.31, 0.17, 0.16, 90, 450, 24), arc(0.5, 0.67, 0.21, 0.19, -90, 270, 26)]],
  [
    () => [[...arc(0.5, 0.34, 0.2, 0.19, 0, 360, 26), [0.68, 0.6], [0.62, 0.86]]],
    () => [[...arc(0.5, 0.34, 0.2, 0.19, 0, 360, 26), [0.7, 0.86]]]
  ]
]

function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng()
}

/**
 * Renders one digit into `out` (DIGIT_SIZE² bytes, 0 = background, 255 = ink) at `offset`.
 * Consumes a fixed pattern of draws from `rng` for a given template, so streams stay reproducible.
 */
export function renderDigit(digit: number, rng: Rng, out: Uint8Array, offset = 0): void {
  const forms = TEMPLATES[digit]
  if (!forms) throw new Error(`no template for digit ${digit}`)
  const strokes = forms[Math.floor(rng() * forms.length)]!()
  // Smooth deformation (low-frequency wobble), then affine jitter around the centre.
  const e1 = uniform(rng, -0.05, 0.05); const e2 = uniform(rng, -0.05, 0.05)
  const p1 = rng(); const p2 = rng()
  const rot = (uniform(rng, -14, 14) * Math.PI) / 180
  const sx = uniform(rng, 0.78, 1.1); const sy = uniform(rng, 0.85, 1.1)
  const shear = uniform(rng, -0.28, 0.28)
  const tx = uniform(rng, -0.08, 0.08); const ty = uniform(rng, -0.07, 0.07)
  const width = uniform(rng, 1.5, 3.2) // pixels
  const ink = uniform(rng, 0.8, 1)
  const cos = Math.cos(rot); const sin = Math.sin(rot)
  const scale = 20 // the unit box spans 20 pixels, centred in 28
  const map = ([x, y]: Pt): Pt => {
    const dx = x - 0.5 + e1 * Math.sin(Math.PI * 2 * (y + p1))
    const dy = y - 0.5 + e2 * Math.sin(Math.PI * 2 * (x + p2))
    const ux = sx * (dx + shear * dy)
    const uy = sy * dy
    const rx = cos * ux - sin * uy + tx
    const ry = sin * ux + cos * uy + ty
    return [DIGIT_SIZE / 2 + scale * rx, DIGIT_SIZE / 2 + scale * ry]
  }
  const img = new Float32Array(DIGIT_SIZE * DIGIT_SIZE)
  const half = width / 2
  for (const stroke of strokes) {
    const pts = stroke.map(map)
    for (let s = 0; s + 1 < pts.length; s++) {
      const [ax, ay] = pts[s]!
      const [bx, by] = pts[s + 1]!
      const vx = bx - ax; const vy = by - ay
      const len2 = vx * vx + vy * vy || 1e-12
      const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - half - 1))
      const x1 = Math.min(DIGIT_SIZE - 1, Math.ceil(Math.max(ax, bx) + half + 1))
      const y0 = Math.max(0, Math.floor(Math.min(ay, by) - half - 1))
      const y1 = Math.min(DIGIT_SIZE - 1, Math.ceil(Math.max(ay, by) + half + 1))
      for (let py = y0; py <= y1; py++) {
        for (let px = x0; px <= x1; px++) {
          const cx = px + 0.5 - ax; const cy = py + 0.5 - ay
          const t = Math.max(0, Math.min(1, (cx * vx + cy * vy) / len2))
          const ex = cx - t * vx; const ey = cy - t * vy
          const d = Math.sqrt(ex * ex + ey * ey)
          // Linear coverage over one pixel across the edge: antialiasing without supersampling.
          const v = Math.min(1, Math.max(0, half + 0.5 - d))
          const i = py * DIGIT_SIZE + px
          if (v > img[i]!) img[i] = v
        }
      }
    }
  }
  for (let i = 0; i < img.length; i++) out[offset + i] = Math.round(img[i]! * ink * 255)
}

/** A generated digit set: `count` images of DIGIT_SIZE² bytes and their labels. */
export interface DigitSet {
  count: number
  images: Uint8Array
  labels: Uint8Array
}

/**
 * Generates `count` digits from `seed`, the same number of each class (±1), in a seeded random
 * order. Same (count, seed) ⇒ identical bytes on every machine.
 */
export function generateDigits(count: number, seed: number): DigitSet {
  const rng = createRng(seed)
  const labels = new Uint8Array(count)
  for (let i = 0; i < count; i++) labels[i] = i % 10
  shuffleInPlace(labels, rng)
  const images = new Uint8Array(count * DIGIT_SIZE * DIGIT_SIZE)
  for (let i = 0; i < count; i++) renderDigit(labels[i]!, rng, images, i * DIGIT_SIZE * DIGIT_SIZE)
  return { count, images, labels }
}

/** Seeds and sizes of the shipped sample (train + validation, as MNIST's train and t10k files). */
export const DIGITS_SAMPLE = { trainCount: 3000, trainSeed: 20260101, valCount: 600, valSeed: 20260202 } as const
