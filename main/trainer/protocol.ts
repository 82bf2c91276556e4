/**
 * The trainer protocol: the second, smaller contract, between main (the trainer host) and one
 * trainer process. Every message carries `v` (PROTOCOL_VERSION); a process that receives a message
 * of another version answers with an `error` and exits, so an app and a trainer from different
 * builds never half-understand each other. Metrics travel in batches (column-oriented), flushed at
 * most every FLUSH_INTERVAL_MS while training, never one message per number.
 */
import type { BackendInfo, MetricBatch, RunConfig } from '../../preload/contract/types'

export const PROTOCOL_VERSION = 1 as const
/** Upper bound on how long a metric point waits in the trainer before it is sent. */
export const FLUSH_INTERVAL_MS = 40

// ── main → trainer ────────────────────────────────────────────────────────────────────────────────
export interface StartMessage {
  v: typeof PROTOCOL_VERSION
  type: 'start'
  runId: string
  config: RunConfig
  /** Folder of the dataset's tensor cache (see main/datasets/cache.ts). */
  datasetDir: string
  /** Folder the trainer owns for this run: checkpoints/ goes inside. */
  runDir: string
}
export interface StopMessage { v: typeof PROTOCOL_VERSION; type: 'stop' }
export type HostMessage = StartMessage | StopMessage

// ── trainer → main ────────────────────────────────────────────────────────────────────────────────
export interface ReadyMessage { v: typeof PROTOCOL_VERSION; type: 'ready'; pid: number }
export interface BackendMessage {
  v: typeof PROTOCOL_VERSION
  type: 'backend'
  backend: BackendInfo
  /** Trainable parameters of the built model. */
  paramCount: number
}
export interface MetricsMessage { v: typeof PROTOCOL_VERSION; type: 'metrics'; batch: MetricBatch }
export interface CheckpointMessage {
  v: typeof PROTOCOL_VERSION
  type: 'checkpoint'
  epoch: number
  step: number
  /** Absolute path of the checkpoint folder (model.json + weights.bin), already renamed into place. */
  path: string
  bytes: number
  metrics: Record<string, number>
}
export interface DoneMessage {
  v: typeof PROTOCOL_VERSION
  type: 'done'
  status: 'completed' | 'stopped'
  epochsDone: number
  steps: number
}
export interface ErrorMessage {
  v: typeof PROTOCOL_VERSION
  type: 'error'
  code: 'bad_message' | 'dataset' | 'model' | 'backend' | 'training' | 'internal'
  message: string
}
export type TrainerMessage =
  | ReadyMessage | BackendMessage | MetricsMessage | CheckpointMessage | DoneMessage | ErrorMessage

/** Narrowing guard for anything received from a trainer process. */
export function isTrainerMessage(x: unknown): x is TrainerMessage {
  if (typeof x !== 'object' || x === null) return false
  const m = x as { v?: unknown; type?: unknown }
  return m.v === PROTOCOL_VERSION &&
    (m.type === 'ready' || m.type === 'backend' || m.type === 'metrics' || m.type === 'checkpoint' ||
      m.type === 'done' || m.type === 'error')
}

/** Narrowing guard for anything received from the host. */
export function isHostMessage(x: unknown): x is HostMessage {
  if (typeof x !== 'object' || x === null) return false
  const m = x as { v?: unknown; type?: unknown }
  return m.v === PROTOCOL_VERSION && (m.type === 'start' || m.type === 'stop')
}
