/**
 * Per-epoch weight distributions and first-layer filters (issue 4), written by the trainer to
 * `<runDir>/distributions/epoch-NNNN.json` and announced with a `distributions` message; main
 * indexes them for runs:distributions. At most {@link MAX_TENSORS} weight tensors (kernels first,
 * in layer order, then biases), each summarised by evaluation/distributions.ts.
 *
 * File shape (JSON):
 *   { format: 'studio-distributions', version: 1, epoch, step,
 *     points: [{ layer, tensor, kind: 'weights' | 'activations', count, nonFinite, min, max, mean, std,
 *                quantiles: number[9] (DISTRIBUTION_PERCENTILES), histogram: { edges, counts } }],
 *     (activations: tensor 'output', the layer's outputs on a fixed probe of ≤ 64 val examples, for
 *      ≤ MAX_ACTIVATION_LAYERS hidden layers with weights),
 *     filters: { layer, width, height, channels: 1, pixels: base64 uint8 (row-major, height × width),
 *                rows, cols, tileHeight, tileWidth, count } | null }
 * Filters: the first Conv2D's kernels (one tile per output filter, kh × kw, channels averaged) or,
 * on image input, the first Dense layer's weights per unit (one h × w tile each); at most 64 tiles,
 * each scaled to 0–255 by its own min/max. Non-finite summary numbers are written as null.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { summarizeDistribution } from '../evaluation/distributions'

/** Weight tensors summarised per epoch (the budget). */
export const MAX_TENSORS = 8
/** Hidden layers whose outputs are summarised per epoch. */
export const MAX_ACTIVATION_LAYERS = 4

/** Values per tensor the quantiles and histogram are computed from (see summarizeDistribution). */
export const SUMMARY_SAMPLES = 1 << 14
/** Tiles in the filter image. */
export const MAX_TILES = 64

/** The tiled filter image of one epoch. */
export interface FilterImage {
  layer: string
  width: number
  height: number
  channels: 1
  pixels: string
  rows: number
  cols: number
  tileHeight: number
  tileWidth: number
  count: number
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null
}

/** Picks the weights to summarise: kernels (rank ≥ 2) first, then the rest, at most MAX_TENSORS. */
function pickWeights(model: tf.LayersModel): { layer: string; tensor: string; w: tf.LayerVariable }[] {
  const all: { layer: string; tensor: string; w: tf.LayerVariable; rank: number }[] = []
  for (const l of model.layers) {
    for (const w of l.trainableWeights) {
      const short = w.originalName.split('/').pop() ?? w.originalName
      all.push({ layer: l.name, tensor: short, w, rank: w.shape.length })
    }
  }
  const kernels = all.filter((x) => x.rank >= 2)
  const rest = all.filter((x) => x.rank < 2)
  return [...kernels, ...rest].slice(0, MAX_TENSORS)
}

/** Tiles `count` tiles of th × tw (values from `at(tile, y, x)`) into one grayscale image. */
function tile(layer: string, count: number, th: number, tw: number, at: (t: number, y: number, x: number) => number): FilterImage {
  const n = Math.min(count, MAX_TILES)
  const cols = Math.ceil(Math.sqrt(n))
  const rows = Math.ceil(n / cols)
  const width = cols * tw
  const height = rows * th
  const px = new Uint8Array(width * height)
  for (let t = 0; t < n; t++) {
    let lo = Number.POSITIVE_INFINITY
    let hi = Number.NEGATIVE_INFINITY
    for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) { const v = at(t, y, x); if (v < lo) lo = v; if (v > hi) hi = v }
    const span = hi - lo > 0 ? hi - lo : 1
    const oy = Math.floor(t / cols) * th
    const ox = (t % cols) * tw
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        const v = at(t, y, x)
        px[(oy + y) * width + ox + x] = Number.isFinite(v) ? Math.round(((v - lo) / span) * 255) : 0
      }
    }
  }
  return { layer, width, height, channels: 1, pixels: Buffer.from(px).toString('base64'), rows, cols, tileHeight: th, tileWidth: tw, count: n }
}

/** The first-layer filter image, or null when the model starts with neither Conv2D nor Dense-on-images. */
export function firstLayerFilters(model: tf.LayersModel): FilterImage | null {
  const inShape = model.inputs[0]?.shape ?? []
  for (const l of model.layers) {
    const cls = l.getClassName()
    if (cls === 'Conv2D') {
      const k = l.getWeights()[0]
      if (!k || k.shape.length !== 4) return null
      const [kh, kw, cin, cout] = k.shape as [number, number, number, number]
      const v = k.dataSync()
      return tile(l.name, cout, kh, kw, (t, y, x) => {
        let s = 0
        for (let c = 0; c < cin; c++) s += v[((y * kw + x) * cin + c) * cout + t]!
        return s / cin
      })
    }
    if (cls === 'Dense') {
      if (inShape.length !== 4) return null // only Dense weights on image input read as images
      const [h, w, c] = [Number(inShape[1]), Number(inShape[2]), Number(inShape[3])]
      const k = l.getWeights()[0]
      if (!k || k.shape.length !== 2 || k.shape[0] !== h * w * c) return null
      const units = k.shape[1]!
      const v = k.dataSync()
      return tile(l.name, units, h, w, (t, y, x) => {
        let s = 0
        for (let ch = 0; ch < c; ch++) s += v[((y * w + x) * c + ch) * units + t]!
        return s / c
      })
    }
    if (cls === 'Conv1D' || cls === 'LSTM' || cls === 'GRU' || cls === 'Embedding' || cls === 'DepthwiseConv2D') return null
  }
  return null
}

function point(layer: string, tensor: string, kind: 'weights' | 'activations', values: ArrayLike<number>): Record<string, unknown> {
  // Quantiles and histogram from a deterministic sample of ≤ 16k values (min, max and the
  // non-finite count still see every value): a 200k-weight kernel then costs ~10 ms, not ~70.
  const s = summarizeDistribution(values, { maxSamples: SUMMARY_SAMPLES })
  return {
    layer, tensor, kind, count: s.count, nonFinite: s.nonFinite,
    min: finite(s.min), max: finite(s.max), mean: finite(s.mean), std: finite(s.std),
    quantiles: s.quantiles.map(finite), histogram: { edges: Array.from(s.histogram.edges, finite), counts: Array.from(s.histogram.counts) }
  }
}

/** A fixed batch of examples whose hidden-layer outputs are summarised every epoch. */
export interface ActivationProbe { x: Float32Array; n: number; shape: number[] }

/**
 * Outputs of up to MAX_ACTIVATION_LAYERS hidden layers with weights on `probe`, one forward pass
 * through a model that exposes them (built once per run and cached on the model object).
 */
function activationPoints(model: tf.LayersModel, probe: ActivationProbe): Record<string, unknown>[] {
  const cache = model as unknown as { __studioProbe?: { model: tf.LayersModel; names: string[] } | null }
  if (cache.__studioProbe === undefined) {
    const layers = model.layers.filter((l) => l.trainableWeights.length > 0 && !Array.isArray(l.output))
    const hidden = layers.slice(0, Math.max(0, layers.length - 1)).slice(0, MAX_ACTIVATION_LAYERS)
    cache.__studioProbe = hidden.length > 0 && model.inputs.length === 1
      ? { model: tf.model({ inputs: model.inputs, outputs: hidden.map((l) => l.output as tf.SymbolicTensor) }), names: hidden.map((l) => l.name) }
      : null
  }
  const p = cache.__studioProbe
  if (!p) return []
  const x = tf.tensor(probe.x, [probe.n, ...probe.shape])
  const out = p.model.predict(x) as tf.Tensor | tf.Tensor[]
  const outs = Array.isArray(out) ? out : [out]
  try {
    return outs.map((t, i) => point(p.names[i]!, 'output', 'activations', t.dataSync()))
  } finally {
    tf.dispose([x, ...outs])
  }
}

/**
 * Writes the epoch's distributions file (atomically: temp name, then rename) and returns its path.
 * Reads each picked weight once (dataSync); the summaries are plain arithmetic. With a `probe`,
 * hidden-layer activations on it are summarised as well.
 */
export function writeDistributions(model: tf.LayersModel, runDir: string, epoch: number, step: number, probe?: ActivationProbe | null): string {
  const points = pickWeights(model).map(({ layer, tensor, w }) => point(layer, tensor, 'weights', w.read().dataSync()))
  if (probe && probe.n > 0) points.push(...activationPoints(model, probe))
  const filters = firstLayerFilters(model)
  const dir = path.join(runDir, 'distributions')
  mkdirSync(dir, { recursive: true })
  const name = `epoch-${String(epoch).padStart(4, '0')}.json`
  const final = path.join(dir, name)
  const tmp = path.join(dir, `.tmp-${name}`)
  writeFileSync(tmp, JSON.stringify({ format: 'studio-distributions', version: 1, epoch, step, points, filters }))
  renameSync(tmp, final)
  return final
}
