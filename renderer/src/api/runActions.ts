/**
 * The run lifecycle and evaluation calls of issue 4 (pause/resume, resume from / fork / export a
 * checkpoint, evaluate, predict, distributions) as small typed functions over `api.call`, so views
 * and components read as what they do.
 */
import type { EvalSplit, PredictInput, RunConfig } from '@contract/types'
import { api } from './client'

/** Config fields a fork may change (dataset and model stay: the weights must fit them). */
export type ForkOverrides = Partial<Omit<RunConfig, 'datasetId' | 'model'>>

export const runActions = {
  pause: (runId: string) => api.call('runs:pause', { runId }),
  resume: (runId: string) => api.call('runs:resume', { runId }),
  /** Continues the same run from one of its checkpoints. */
  resumeFrom: (runId: string, checkpointId: number) => api.call('runs:resumeFrom', { runId, checkpointId }),
  /** A new run from the checkpoint's weights with changed hyperparameters. */
  fork: (runId: string, checkpointId: number, overrides: ForkOverrides, name?: string) =>
    api.call('runs:fork', { runId, checkpointId, overrides: overrides as Record<string, unknown>, ...(name ? { name } : {}) }),
  exportCheckpoint: (runId: string, checkpointId: number) => api.call('runs:exportCheckpoint', { runId, checkpointId }),
  evaluate: (runId: string, split: EvalSplit, checkpointId?: number) =>
    api.call('runs:evaluate', { runId, split, ...(checkpointId ? { checkpointId } : {}) }),
  predict: (runId: string, input: PredictInput, checkpointId?: number) =>
    api.call('runs:predict', { runId, input, ...(checkpointId ? { checkpointId } : {}) }),
  distributions: (runId: string) => api.call('runs:distributions', { runId })
}
