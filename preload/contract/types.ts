/**
 * DTO types inferred from ./schemas. Type-only imports: nothing here exists at runtime, so the
 * renderer and preload can use it without bundling zod.
 */
import type { z } from 'zod'
import type * as S from './schemas'

export type Optimizer = z.infer<typeof S.OptimizerSchema>
export type Activation = z.infer<typeof S.ActivationSchema>
export type ModelTemplateId = z.infer<typeof S.ModelTemplateIdSchema>
export type BackendName = z.infer<typeof S.BackendNameSchema>
export type BackendPreference = z.infer<typeof S.BackendPreferenceSchema>
export type RunStatus = z.infer<typeof S.RunStatusSchema>
export type ModelSpec = z.infer<typeof S.ModelSpecSchema>
export type RunConfig = z.infer<typeof S.RunConfigSchema>
export type DatasetSummary = z.infer<typeof S.DatasetSummarySchema>
export type BackendInfo = z.infer<typeof S.BackendInfoSchema>
export type RunSummary = z.infer<typeof S.RunSummarySchema>
export type CheckpointInfo = z.infer<typeof S.CheckpointInfoSchema>
export type RunDetail = z.infer<typeof S.RunDetailSchema>
export type MetricBatch = z.infer<typeof S.MetricBatchSchema>
export type MetricSeries = z.infer<typeof S.MetricSeriesSchema>
export type AppInfo = z.infer<typeof S.AppInfoSchema>
export type ModelTemplateInfo = z.infer<typeof S.ModelTemplateInfoSchema>

/** Metric names the trainer logs. Batch metrics use the global step; epoch metrics the step at epoch end. */
export const METRIC = {
  batchLoss: 'batch/loss',
  batchAcc: 'batch/acc',
  loss: 'epoch/loss',
  acc: 'epoch/acc',
  valLoss: 'epoch/val_loss',
  valAcc: 'epoch/val_acc',
  lr: 'epoch/lr',
  samplesPerSec: 'epoch/samples_per_sec'
} as const
