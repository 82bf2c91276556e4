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

// datasets: import, browse, versions (issue 3)
export type DatasetFormat = z.infer<typeof S.DatasetFormatSchema>
export type Task = z.infer<typeof S.TaskSchema>
export type ColumnType = z.infer<typeof S.ColumnTypeSchema>
export type SplitName = z.infer<typeof S.SplitNameSchema>
export type ColorMode = z.infer<typeof S.ColorModeSchema>
export type ImportSource = z.infer<typeof S.ImportSourceSchema>
export type SplitPercents = z.infer<typeof S.SplitPercentsSchema>
export type ColumnOption = z.infer<typeof S.ColumnOptionSchema>
export type ImportOptions = z.infer<typeof S.ImportOptionsSchema>
export type ColumnInfo = z.infer<typeof S.ColumnInfoSchema>
export type SourceFile = z.infer<typeof S.SourceFileSchema>
export type InspectResult = z.infer<typeof S.InspectResultSchema>
export type ImportErrorCode = z.infer<typeof S.ImportErrorCodeSchema>
export type ImportErrorInfo = z.infer<typeof S.ImportErrorSchema>
export type ImportPhase = z.infer<typeof S.ImportPhaseSchema>
export type ImportProgress = z.infer<typeof S.ImportProgressSchema>
export type ImportEnd = z.infer<typeof S.ImportEndSchema>
export type ImportJob = z.infer<typeof S.ImportJobSchema>
export type Histogram = z.infer<typeof S.HistogramSchema>
export type ColumnSummary = z.infer<typeof S.ColumnSummarySchema>
export type ChartProposal = z.infer<typeof S.ChartProposalSchema>
export type DatasetVersion = z.infer<typeof S.DatasetVersionSchema>
export type DatasetDetail = z.infer<typeof S.DatasetDetailSchema>
export type DatasetRows = z.infer<typeof S.DatasetRowsSchema>
export type DatasetImages = z.infer<typeof S.DatasetImagesSchema>
export type DatasetChange = z.infer<typeof S.DatasetChangeSchema>
export type DeleteResult = z.infer<typeof S.DeleteResultSchema>
export type UploadResult = z.infer<typeof S.UploadResultSchema>

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
