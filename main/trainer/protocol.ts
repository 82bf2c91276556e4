/**
 * The trainer protocol: the second, smaller contract, between main (the trainer host) and one
 * trainer process. Every message carries `v` (PROTOCOL_VERSION); a process that receives a message
 * of another version answers with an `error` and exits, so an app and a trainer from different
 * builds never half-understand each other. Issue 4 only added messages and optional fields (pause,
 * resume, resumeFrom, paused, resumed, notice, distributions, done.status 'diverged'), so the
 * version stays 1: a host that ignores the new messages reads every old one the same way. Metrics travel in batches (column-oriented), flushed at
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
  /**
   * Continue from a checkpoint (issue 4): its weights, optimizer state where saved, and the
   * counters (the next epoch is `epoch + 1`, the next step `step + 1`). A `notice` says what could
   * not be restored.
   */
  resumeFrom?: ResumeFrom
}
/** Where a resumed run starts: a checkpoint folder and the counters it was written at. */
export interface ResumeFrom {
  checkpointDir: string
  epoch: number
  step: number
  /** false: start with fresh optimizer slots (a fork that changed the optimizer); default true. */
  restoreOptimizer?: boolean
}
export interface StopMessage { v: typeof PROTOCOL_VERSION; type: 'stop' }
/** Pause between batches (answered by `paused` once the current batch is done); `stop` still works. */
export interface PauseMessage { v: typeof PROTOCOL_VERSION; type: 'pause' }
/** Continue a paused run (answered by `resumed`). */
export interface ResumeMessage { v: typeof PROTOCOL_VERSION; type: 'resume' }
/**
 * The trainer's share of the cores changed (another trainer started or ended): use at most
 * `threads` from the next kernel call on (issue 6: N trainers never oversubscribe the cores).
 */
export interface ThreadsMessage { v: typeof PROTOCOL_VERSION; type: 'threads'; threads: number }
export type HostMessage = StartMessage | StopMessage | ThreadsMessage | PauseMessage | ResumeMessage

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
  /**
   * Why it was written (issue 4): 'periodic' (every N epochs), 'best' (new best by the policy's
   * metric), 'final' (the run's last epoch or an early stop). Absent in older trainers: 'periodic'.
   * Retention (keepLast) is main's: delete old 'periodic'-only checkpoints, never the current best.
   */
  reasons?: ('periodic' | 'best' | 'final')[]
  /** This checkpoint is now the best by `bestMetric` (the previous best no longer is). */
  isBest?: boolean
  /** Stored metric name the best is judged by (e.g. 'epoch/val_loss') and its direction. */
  bestMetric?: string
  bestMode?: 'min' | 'max'
  /** optimizer.json + optimizer.bin were saved next to the weights (false on the studio engine). */
  optimizerState?: boolean
}
export interface DoneMessage {
  v: typeof PROTOCOL_VERSION
  type: 'done'
  /** 'diverged': a batch's loss was NaN or infinite; see `diverged`. */
  status: 'completed' | 'stopped' | 'diverged'
  epochsDone: number
  steps: number
  /** The global step (0-based) and epoch whose loss was not finite, and that loss. */
  diverged?: { step: number; epoch: number; loss: number }
  /** Early stopping ended the run after `epoch`; the best epoch and whether its weights were restored. */
  earlyStopped?: { epoch: number; bestEpoch: number; monitor: string; best: number; restored: boolean }
}
/** The run is paused between batches (after the `pause` message); step = the last trained batch. */
export interface PausedMessage { v: typeof PROTOCOL_VERSION; type: 'paused'; epoch: number; step: number }
/** The run continues after `resume`. */
export interface ResumedMessage { v: typeof PROTOCOL_VERSION; type: 'resumed'; epoch: number; step: number }
/**
 * Something the person should know that does not stop the run: which engine runs and why,
 * optimizer state that could not be restored on resume, early stopping, restored best weights.
 */
export interface NoticeMessage {
  v: typeof PROTOCOL_VERSION
  type: 'notice'
  /** 'threads': the host changed this run's share of the cores (another run started or ended). */
  code: 'engine' | 'optimizer_state' | 'early_stopping' | 'restored_best' | 'distributions' | 'threads'
  message: string
  /** Which sentence `message` is (renderer i18n `notices.<key>`) and its values, for the UI's language. */
  key?: string
  params?: Record<string, string | number>
}
/** Weight distributions and first-layer filters of an epoch were written to `path` (JSON, see toolbox/distributions.ts). */
export interface DistributionsMessage { v: typeof PROTOCOL_VERSION; type: 'distributions'; epoch: number; step: number; path: string }
export interface ErrorMessage {
  v: typeof PROTOCOL_VERSION
  type: 'error'
  code: 'bad_message' | 'dataset' | 'model' | 'backend' | 'training' | 'internal'
  message: string
}
export type TrainerMessage =
  | ReadyMessage | BackendMessage | MetricsMessage | CheckpointMessage | DoneMessage | ErrorMessage
  | PausedMessage | ResumedMessage | NoticeMessage | DistributionsMessage

/** Narrowing guard for anything received from a trainer process. */
export function isTrainerMessage(x: unknown): x is TrainerMessage {
  if (typeof x !== 'object' || x === null) return false
  const m = x as { v?: unknown; type?: unknown }
  return m.v === PROTOCOL_VERSION &&
    (m.type === 'ready' || m.type === 'backend' || m.type === 'metrics' || m.type === 'checkpoint' ||
      m.type === 'done' || m.type === 'error' || m.type === 'paused' || m.type === 'resumed' ||
      m.type === 'notice' || m.type === 'distributions')
}

/** Narrowing guard for anything received from the host. */
export function isHostMessage(x: unknown): x is HostMessage {
  if (typeof x !== 'object' || x === null) return false
  const m = x as { v?: unknown; type?: unknown }
  return m.v === PROTOCOL_VERSION && (m.type === 'start' || m.type === 'stop' || m.type === 'pause' || m.type === 'resume' ||
    (m.type === 'threads' && Number.isInteger((m as { threads?: unknown }).threads) && (m as { threads: number }).threads >= 1))
}
