/**
 * Checkpoints on disk: one folder per saved epoch holding the standard TF.js Layers files
 * (model.json with weightsManifest paths ['weights.bin'], and weights.bin), so any TF.js app can
 * load it with tf.loadLayersModel. Written atomically: into `.tmp-epoch-NNNN`, then renamed.
 *
 * Issue 4 adds, in the same folder: `optimizer.json` + `optimizer.bin` (the optimizer's slots as
 * optimizer.getWeights() returns them, when the TF.js optimizer holds the state) and `state.json`
 * (epoch, step, seed, best-so-far and early-stopping counters), so a run can resume exactly.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import type { EngineOptimizerState } from './engine/engine'

/** Folder name of the checkpoint after epoch `epoch` (1-based): `epoch-0001`. */
export function checkpointName(epoch: number): string {
  return `epoch-${String(epoch).padStart(4, '0')}`
}

/** What a saved checkpoint is. */
export interface SavedCheckpoint {
  /** Absolute folder path, already renamed into place. */
  path: string
  /** Bytes of model.json + weights.bin. */
  bytes: number
}

function joinWeights(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0)
  const buf = Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data
  return new Uint8Array(buf)
}

/**
 * Saves `model` as `<runDir>/checkpoints/epoch-NNNN`. Any older folder of the same name is
 * replaced (a resumed run re-saving an epoch). Called by the training loop at each epoch end;
 * guarantees that a folder named epoch-NNNN is always complete.
 */
export async function saveCheckpoint(model: tf.LayersModel, runDir: string, epoch: number,
  extra: { optimizer?: tf.Optimizer | null; engineOptimizer?: EngineOptimizerState | null; state?: CheckpointState } = {}): Promise<SavedCheckpoint> {
  const root = path.join(runDir, 'checkpoints')
  const final = path.join(root, checkpointName(epoch))
  const tmp = path.join(root, `.tmp-${checkpointName(epoch)}`)
  let bytes = 0
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    rmSync(tmp, { recursive: true, force: true })
    mkdirSync(tmp, { recursive: true })
    const weights = joinWeights(artifacts.weightData)
    const modelJson = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }]
    }
    const json = JSON.stringify(modelJson)
    writeFileSync(path.join(tmp, 'weights.bin'), weights)
    writeFileSync(path.join(tmp, 'model.json'), json)
    bytes = Buffer.byteLength(json) + weights.byteLength
    if (extra.optimizer) bytes += await writeOptimizerState(extra.optimizer, tmp)
    else if (extra.engineOptimizer) bytes += writeEngineOptimizerState(extra.engineOptimizer, tmp)
    if (extra.state) {
      const st = JSON.stringify({ ...extra.state, optimizerState: !!extra.optimizer || !!extra.engineOptimizer })
      writeFileSync(path.join(tmp, 'state.json'), st)
      bytes += Buffer.byteLength(st)
    }
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } }
  }))
  rmSync(final, { recursive: true, force: true })
  renameSync(tmp, final)
  return { path: final, bytes }
}

/**
 * An IOHandler that loads a checkpoint folder (or any TF.js Layers model folder on disk) by
 * following model.json's weightsManifest paths, as a file server would. Used to resume, export
 * or evaluate from a checkpoint: `tf.loadLayersModel(checkpointLoader(dir))`.
 */
export function checkpointLoader(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = []
        const parts: Uint8Array[] = []
        for (const group of manifest) {
          specs.push(...group.weights)
          for (const p of group.paths) parts.push(readFileSync(path.join(dir, p)))
        }
        const total = parts.reduce((n, p) => n + p.byteLength, 0)
        const all = new Uint8Array(total)
        let off = 0
        for (const p of parts) { all.set(p, off); off += p.byteLength }
        return [specs, all.buffer]
      })
    }
  }
}

/** What `state.json` of a checkpoint holds: the counters and trackers a resumed run continues. */
export interface CheckpointState {
  format: 'studio-checkpoint-state'
  version: 1
  epoch: number
  step: number
  seed: number
  /**
   * The toolbox's random draws (augmentation, mixup) come from a generator seeded per epoch from
   * the run seed (toolbox/augment.ts epochSeed), and the shuffle from (seed, epoch): resuming at
   * an epoch boundary needs no generator state beyond this.
   */
  rng: { kind: 'per-epoch'; seed: number }
  best: { metric: string; mode: 'min' | 'max'; value: number; epoch: number; dir: string | null } | null
  earlyStopping: { monitor: string; best: number; bestEpoch: number; wait: number } | null
  /** Set by saveCheckpoint: optimizer.json/.bin are present. */
  optimizerState?: boolean
  /** Which engine trained ('tfjs-fit' | 'toolbox-loop' | a studio engine id). */
  engine: string
}

interface OptimizerJson {
  format: 'studio-optimizer-state'
  className: string
  config: unknown
  weights: { name: string; shape: number[]; dtype: string }[]
  /**
   * Adam's running β powers. setWeights recomputes them as β^(iterations+1), which differs from
   * the running product in the last float32 bit; saving them makes a resumed run bit-identical.
   */
  accBeta?: { accBeta1: number; accBeta2: number }
}

type AccBetas = { accBeta1?: tf.Variable; accBeta2?: tf.Variable }

/** Writes optimizer.json + optimizer.bin into `dir`; returns their bytes. */
async function writeOptimizerState(opt: tf.Optimizer, dir: string): Promise<number> {
  const named = await opt.getWeights()
  const specs: OptimizerJson['weights'] = []
  const parts: Uint8Array[] = []
  for (const w of named) {
    const data = w.tensor.dataSync()
    specs.push({ name: w.name, shape: w.tensor.shape, dtype: w.tensor.dtype })
    parts.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
  }
  const total = parts.reduce((n, p) => n + p.byteLength, 0)
  const bin = new Uint8Array(total)
  let off = 0
  for (const p of parts) { bin.set(p, off); off += p.byteLength }
  const acc = opt as unknown as AccBetas
  const accBeta = acc.accBeta1 && acc.accBeta2 ? { accBeta1: acc.accBeta1.dataSync()[0]!, accBeta2: acc.accBeta2.dataSync()[0]! } : undefined
  const json = JSON.stringify({ format: 'studio-optimizer-state', className: opt.getClassName(), config: opt.getConfig(), weights: specs, ...(accBeta ? { accBeta } : {}) } satisfies OptimizerJson)
  writeFileSync(path.join(dir, 'optimizer.bin'), bin)
  writeFileSync(path.join(dir, 'optimizer.json'), json)
  return bin.byteLength + Buffer.byteLength(json)
}

/**
 * Restores the optimizer slots saved with a checkpoint into `opt`. Returns null when restored,
 * else why not (no optimizer state saved, or a different optimizer): the caller says so in a
 * `notice` and continues with fresh slots.
 */
export async function loadOptimizerState(opt: tf.Optimizer, dir: string): Promise<string | null> {
  const jsonPath = path.join(dir, 'optimizer.json')
  if (!existsSync(jsonPath)) return 'the checkpoint has no optimizer state'
  const j = JSON.parse(readFileSync(jsonPath, 'utf8')) as OptimizerJson
  if ((j.format as string) === ENGINE_FORMAT) return 'the checkpoint holds the studio engine\'s optimizer state, and this run trains on TF.js'
  if (j.className !== opt.getClassName()) return `the checkpoint's optimizer is ${j.className}, this run uses ${opt.getClassName()}`
  const bin = readFileSync(path.join(dir, 'optimizer.bin'))
  let off = 0
  const list: { name: string; tensor: tf.Tensor }[] = j.weights.map((w) => {
    const n = w.shape.reduce((a, b) => a * b, 1)
    const bytes = bin.buffer.slice(bin.byteOffset + off, bin.byteOffset + off + n * 4)
    off += n * 4
    // The iteration counter is int32 (Adam derives its bias correction from it); slots are float32.
    return w.dtype === 'int32'
      ? { name: w.name, tensor: tf.tensor(new Int32Array(bytes), w.shape, 'int32') }
      : { name: w.name, tensor: tf.tensor(new Float32Array(bytes), w.shape, 'float32') }
  })
  await opt.setWeights(list)
  tf.dispose(list.map((w) => w.tensor))
  const acc = opt as unknown as AccBetas
  if (j.accBeta && acc.accBeta1 && acc.accBeta2) {
    tf.tidy(() => { acc.accBeta1!.assign(tf.scalar(j.accBeta!.accBeta1)); acc.accBeta2!.assign(tf.scalar(j.accBeta!.accBeta2)) })
  }
  return null
}

/** Reads a checkpoint's state.json, or null when it has none (checkpoints before issue 4). */
export function readCheckpointState(dir: string): CheckpointState | null {
  const p = path.join(dir, 'state.json')
  return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) as CheckpointState : null
}

/**
 * Loads a checkpoint's weights into `model` (same architecture, built the same way), in the
 * order they were saved. Throws naming the mismatch when the checkpoint is of another model.
 */
export function loadCheckpointWeights(model: tf.LayersModel, dir: string): void {
  const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON
  const specs: tf.io.WeightsManifestEntry[] = []
  const parts: Buffer[] = []
  for (const group of json.weightsManifest) {
    specs.push(...group.weights)
    for (const p of group.paths) parts.push(readFileSync(path.join(dir, p)))
  }
  const all = Buffer.concat(parts)
  const map = tf.io.decodeWeights(all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength), specs)
  const weights = model.weights
  if (specs.length !== weights.length) {
    tf.dispose(Object.values(map))
    throw new Error(`checkpoint ${dir} holds ${specs.length} weight tensors, the model has ${weights.length}: it was saved from a different model`)
  }
  const values = specs.map((s, i) => {
    const t = map[s.name]!
    const want = weights[i]!.shape.join('×')
    if (t.shape.join('×') !== want) throw new Error(`checkpoint ${dir}: weight ${s.name} has shape ${t.shape.join('×')}, the model expects ${want} (${weights[i]!.originalName})`)
    return t
  })
  model.setWeights(values)
  tf.dispose(Object.values(map))
}

/**
 * Loads a checkpoint folder as a tf.LayersModel (for evaluation, prediction, export). Works for
 * template and composed-graph models alike: every layer the composer offers is a stock TF.js layer.
 */
export function loadCheckpointModel(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(checkpointLoader(dir))
}

const ENGINE_FORMAT = 'studio-engine-optimizer'

interface EngineOptimizerJson {
  format: typeof ENGINE_FORMAT
  kind: string
  iterations: number
  accBeta1: number
  accBeta2: number
  /** Float32 lengths of each parameter's slots, in the order they follow each other in optimizer.bin. */
  slots: number[][]
}

/** Writes the studio engine's optimizer state as optimizer.json + optimizer.bin; returns the bytes. */
function writeEngineOptimizerState(s: EngineOptimizerState, dir: string): number {
  const lens = s.slots.map((ps) => ps.map((a) => a.length))
  const total = lens.flat().reduce((a, b) => a + b, 0)
  const bin = new Float32Array(total)
  let off = 0
  for (const ps of s.slots) for (const a of ps) { bin.set(a, off); off += a.length }
  const json = JSON.stringify({ format: ENGINE_FORMAT, kind: s.kind, iterations: s.iterations, accBeta1: s.accBeta1, accBeta2: s.accBeta2, slots: lens } satisfies EngineOptimizerJson)
  writeFileSync(path.join(dir, 'optimizer.bin'), new Uint8Array(bin.buffer))
  writeFileSync(path.join(dir, 'optimizer.json'), json)
  return bin.byteLength + Buffer.byteLength(json)
}

/**
 * The studio engine's optimizer state saved with a checkpoint, or a string saying why there is
 * none (no optimizer files, or TF.js optimizer state, which the engine cannot take).
 */
export function readEngineOptimizerState(dir: string): EngineOptimizerState | string {
  const jsonPath = path.join(dir, 'optimizer.json')
  if (!existsSync(jsonPath)) return 'the checkpoint has no optimizer state'
  const j = JSON.parse(readFileSync(jsonPath, 'utf8')) as EngineOptimizerJson | OptimizerJson
  if (j.format !== ENGINE_FORMAT) return 'the checkpoint holds TF.js optimizer state, and this run trains on the studio engine'
  const buf = readFileSync(path.join(dir, 'optimizer.bin'))
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
  let off = 0
  const slots = j.slots.map((ps) => ps.map((n) => { const a = all.slice(off, off + n); off += n; return a }))
  return { kind: j.kind as EngineOptimizerState['kind'], iterations: j.iterations, accBeta1: j.accBeta1, accBeta2: j.accBeta2, slots }
}

/** Whether a checkpoint's optimizer state is the studio engine's (else TF.js's, or none). */
export function hasEngineOptimizerState(dir: string): boolean {
  const jsonPath = path.join(dir, 'optimizer.json')
  return existsSync(jsonPath) && (JSON.parse(readFileSync(jsonPath, 'utf8')) as { format?: string }).format === ENGINE_FORMAT
}
