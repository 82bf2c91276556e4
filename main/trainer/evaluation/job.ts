/**
 * The evaluation job process (built to out/main/evalJob.js, issue 4): loads checkpoints and runs
 * the model forward on a dataset split (runs:evaluate) or on single examples (runs:predict), and
 * answers with the numbers. It never trains and never touches SQLite; main starts it through the
 * same TrainerLauncher as trainers (child_process.fork headless, utilityProcess in Electron), keeps
 * it while requests come and kills it when idle. Protocol: ./jobProtocol.ts.
 */
import * as tf from '@tensorflow/tfjs'
import { readHeader, readSplit } from '../../datasets/cache'
import { selectBackend } from '../backend'
import { checkpointLoader } from '../checkpoint'
import { logDiag } from '../log'
import { evaluateOutputs } from './evaluate'
import { EVAL_PROTOCOL_VERSION, isEvalRequest, type EvalReply, type EvalRequest } from './jobProtocol'

interface ElectronParentPort {
  postMessage(msg: unknown): void
  on(event: 'message', listener: (e: { data: unknown }) => void): void
}

function channel(): { send(m: EvalReply): void; onMessage(h: (m: unknown) => void): void } | null {
  const port = (process as unknown as { parentPort?: ElectronParentPort }).parentPort
  if (port) return { send: (m) => port.postMessage(m), onMessage: (h) => port.on('message', (e) => h(e.data)) }
  if (typeof process.send === 'function') {
    return { send: (m) => { if (process.connected) process.send!(m) }, onMessage: (h) => process.on('message', h) }
  }
  return null
}

/** The last checkpoint loaded: predictions for one run come in a row (drop an image, another…). */
let loaded: { dir: string; model: tf.LayersModel } | null = null

async function modelFor(dir: string): Promise<tf.LayersModel> {
  if (loaded?.dir === dir) return loaded.model
  loaded?.model.dispose()
  loaded = null
  const model = await tf.loadLayersModel(checkpointLoader(dir))
  loaded = { dir, model }
  return model
}

/** Runs the model forward in chunks; returns the flat outputs and the size of one output row. */
function predictAll(model: tf.LayersModel, x: Float32Array, inputShape: number[], count: number): { outputs: Float32Array; outputSize: number } {
  const size = inputShape.reduce((a, b) => a * b, 1)
  const outShape = model.outputs[0]!.shape
  const outputSize = outShape.slice(1).reduce((a: number, b) => a * (b ?? 1), 1)
  const outputs = new Float32Array(count * outputSize)
  const chunk = Math.max(1, Math.min(1024, Math.floor(4_000_000 / Math.max(1, size))))
  for (let start = 0; start < count; start += chunk) {
    const n = Math.min(chunk, count - start)
    const out = tf.tidy(() => {
      const xs = tf.tensor(x.subarray(start * size, (start + n) * size), [n, ...inputShape], 'float32')
      const y = model.predict(xs) as tf.Tensor | tf.Tensor[]
      return (Array.isArray(y) ? y[0]! : y).dataSync() as Float32Array
    })
    outputs.set(out, start * outputSize)
  }
  return { outputs, outputSize }
}

async function handle(req: EvalRequest): Promise<EvalReply> {
  const model = await modelFor(req.checkpointDir)
  if (req.type === 'predict') {
    const size = req.inputShape.reduce((a, b) => a * b, 1)
    const { outputs, outputSize } = predictAll(model, req.x, req.inputShape, Math.floor(req.x.length / size))
    return { v: EVAL_PROTOCOL_VERSION, type: 'predicted', id: req.id, outputs, outputSize }
  }
  const header = readHeader(req.datasetDir)
  if (!header.splits[req.split]?.count) throw new Error(`the dataset has no ${req.split} split (it has ${Object.entries(header.splits).filter(([, s]) => s && s.count > 0).map(([k]) => k).join(', ')})`)
  const split = readSplit(req.datasetDir, header, req.split)
  const { outputs, outputSize } = predictAll(model, split.x, header.inputShape, split.count)
  const body = evaluateOutputs({
    task: header.task, classNames: header.classNames, outputs, outputSize, y: split.y, examplesPerCell: req.examplesPerCell
  })
  return { v: EVAL_PROTOCOL_VERSION, type: 'evaluated', id: req.id, body }
}

async function main(): Promise<void> {
  const ch = channel()
  if (!ch) {
    logDiag('evalJob: no parent channel')
    process.exit(1)
  }
  tf.enableProdMode()
  const backend = await selectBackend('auto')
  logDiag(`evalJob on ${backend.name}`)
  let queue: Promise<void> = Promise.resolve()
  ch.onMessage((raw) => {
    if (!isEvalRequest(raw)) {
      logDiag(`evalJob: dropped a message that is not eval protocol v${EVAL_PROTOCOL_VERSION}`)
      return
    }
    // One request at a time, in order: predictions share the loaded model.
    queue = queue.then(() => handle(raw).then((r) => ch.send(r), (e: unknown) => {
      ch.send({ v: EVAL_PROTOCOL_VERSION, type: 'failed', id: raw.id, message: e instanceof Error ? e.message : String(e) })
    }))
  })
  process.on('disconnect', () => process.exit(0))
  ch.send({ v: EVAL_PROTOCOL_VERSION, type: 'ready', pid: process.pid })
}

void main()
