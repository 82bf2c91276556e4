/**
 * The evaluation job's protocol (main ⇄ evalJob process, issue 4). Separate from the training
 * protocol: an evaluation process loads checkpoints and predicts; it never trains. One process
 * serves requests one at a time and stays up while main keeps it (main kills it when idle).
 * Every message carries `v` = EVAL_PROTOCOL_VERSION and the request `id` it answers.
 */
import type { Evaluation } from '../../../preload/contract/types'

export const EVAL_PROTOCOL_VERSION = 1 as const

/** Evaluate a checkpoint on a split of a dataset cache. */
export interface EvaluateRequest {
  v: typeof EVAL_PROTOCOL_VERSION
  type: 'evaluate'
  id: number
  checkpointDir: string
  datasetDir: string
  split: 'val' | 'test'
  /** Most example indices to list per confusion-matrix cell. */
  examplesPerCell: number
}

/** Predict examples already encoded as the model takes them (flat float32, count × prod(inputShape)). */
export interface PredictRequest {
  v: typeof EVAL_PROTOCOL_VERSION
  type: 'predict'
  id: number
  checkpointDir: string
  x: Float32Array
  inputShape: number[]
}

export type EvalRequest = EvaluateRequest | PredictRequest

/** What the job computed for `evaluate`: everything of Evaluation that does not describe the run. */
export type EvaluationBody = Omit<Evaluation, 'runId' | 'checkpointId' | 'epoch' | 'split' | 'computedAt' | 'seconds' | 'cached'>

export type EvalReply =
  | { v: typeof EVAL_PROTOCOL_VERSION; type: 'ready'; pid: number }
  | { v: typeof EVAL_PROTOCOL_VERSION; type: 'evaluated'; id: number; body: EvaluationBody }
  | { v: typeof EVAL_PROTOCOL_VERSION; type: 'predicted'; id: number; outputs: Float32Array; outputSize: number }
  | { v: typeof EVAL_PROTOCOL_VERSION; type: 'failed'; id: number; message: string }

export function isEvalRequest(x: unknown): x is EvalRequest {
  if (typeof x !== 'object' || x === null) return false
  const m = x as { v?: unknown; type?: unknown; id?: unknown }
  return m.v === EVAL_PROTOCOL_VERSION && (m.type === 'evaluate' || m.type === 'predict') && typeof m.id === 'number'
}

export function isEvalReply(x: unknown): x is EvalReply {
  if (typeof x !== 'object' || x === null) return false
  const m = x as { v?: unknown; type?: unknown }
  return m.v === EVAL_PROTOCOL_VERSION && (m.type === 'ready' || m.type === 'evaluated' || m.type === 'predicted' || m.type === 'failed')
}
