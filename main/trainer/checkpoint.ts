/**
 * Checkpoints on disk: one folder per saved epoch holding the standard TF.js Layers files
 * (model.json with weightsManifest paths ['weights.bin'], and weights.bin), so any TF.js app can
 * load it with tf.loadLayersModel. Written atomically: into `.tmp-epoch-NNNN`, then renamed.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'

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
export async function saveCheckpoint(model: tf.LayersModel, runDir: string, epoch: number): Promise<SavedCheckpoint> {
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
