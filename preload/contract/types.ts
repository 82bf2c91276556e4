/**
 * DTO types inferred from ./schemas. Type-only imports: nothing here exists at runtime, so the
 * renderer and preload can use it without bundling zod.
 */
import type { z } from 'zod'
import type * as S from './schemas'
import type * as H from './hpoSchemas'

export type Optimizer = z.infer<typeof S.OptimizerSchema>
export type Activation = z.infer<typeof S.ActivationSchema>
export type ModelTemplateId = z.infer<typeof S.ModelTemplateIdSchema>
export type BackendName = z.infer<typeof S.BackendNameSchema>
export type BackendPreference = z.infer<typeof S.BackendPreferenceSchema>
export type RunStatus = z.infer<typeof S.RunStatusSchema>
export type ModelSpec = z.infer<typeof S.ModelSpecSchema>
export type RunConfig = z.infer<typeof S.RunConfigSchema>
// training toolbox (issue 4)
export type GraphModelSpec = z.infer<typeof S.GraphModelSpecSchema>
export type RunModel = z.infer<typeof S.RunModelSchema>
export type OptimizerOptions = z.infer<typeof S.OptimizerOptionsSchema>
export type LrScheduleConfig = z.infer<typeof S.LrScheduleSchema>
export type LossName = z.infer<typeof S.LossNameSchema>
export type MetricName = z.infer<typeof S.MetricNameSchema>
export type Augmentation = z.infer<typeof S.AugmentationSchema>
export type RegularizationConfig = z.infer<typeof S.RegularizationSchema>
export type EarlyStoppingConfig = z.infer<typeof S.EarlyStoppingSchema>
export type GradClipConfig = z.infer<typeof S.GradClipSchema>
export type CheckpointPolicy = z.infer<typeof S.CheckpointPolicySchema>
export type MetricMode = z.infer<typeof S.MetricModeSchema>

/** True when a run's model is a composed graph (not an issue-2 template spec). */
export function isGraphModel(m: RunModel): m is GraphModelSpec {
  return (m as { kind?: unknown }).kind === 'graph'
}
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
export type SkippedFile = z.infer<typeof S.SkippedFileSchema>
export type ImportWarningCode = z.infer<typeof S.ImportWarningCodeSchema>
export type CodedWarning = z.infer<typeof S.CodedWarningSchema>
/** A coded warning (translated by the renderer) or, in datasets imported before codes, a plain string. */
export type ImportWarning = z.infer<typeof S.ImportWarningSchema>
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
  samplesPerSec: 'epoch/samples_per_sec',
  // issue 4 toolbox: learning rate per batch, and val metrics chosen in RunConfig.metrics
  batchLr: 'batch/lr',
  valPrecision: 'epoch/val_precision',
  valRecall: 'epoch/val_recall',
  valF1: 'epoch/val_f1',
  valAuc: 'epoch/val_auc',
  valR2: 'epoch/val_r2'
} as const

/** Name of the top-k val accuracy metric for `k` (`epoch/val_top5` for k = 5). */
export function valTopKMetric(k: number): string {
  return `epoch/val_top${k}`
}

// HPO studies (issue 5): see ./hpoSchemas
export type HpoParamValue = z.infer<typeof H.HpoParamValueSchema>
export type HpoParams = z.infer<typeof H.HpoParamsSchema>
export type HpoParamSpec = z.infer<typeof H.HpoParamSpecSchema>
export type HpoSearchSpace = z.infer<typeof H.HpoSearchSpaceSchema>
export type HpoSamplerConfig = z.infer<typeof H.HpoSamplerConfigSchema>
export type HpoPrunerConfig = z.infer<typeof H.HpoPrunerConfigSchema>
export type HpoDirection = z.infer<typeof H.HpoDirectionSchema>
export type HpoObjective = z.infer<typeof H.HpoObjectiveSchema>
export type HpoBudget = z.infer<typeof H.HpoBudgetSchema>
export type HpoRetryPolicy = z.infer<typeof H.HpoRetryPolicySchema>
/** The study form / study.json as a caller sends it (defaults may be left out). */
export type HpoStudyInput = z.input<typeof H.HpoStudyInputSchema>
export type HpoStudyState = z.infer<typeof H.HpoStudyStateSchema>
export type HpoTrialState = z.infer<typeof H.HpoTrialStateSchema>
export type HpoExplained = z.infer<typeof H.HpoExplainedSchema>
export type HpoEta = z.infer<typeof H.HpoEtaSchema>
export type HpoTrialInfo = z.infer<typeof H.HpoTrialInfoSchema>
export type HpoCounts = z.infer<typeof H.HpoCountsSchema>
export type HpoStudySummary = z.infer<typeof H.HpoStudySummarySchema>
export type HpoStudyDetail = z.infer<typeof H.HpoStudyDetailSchema>
export type HpoAnalysis = z.infer<typeof H.HpoAnalysisSchema>
export type HpoSurrogate = z.infer<typeof H.HpoSurrogateSchema>
export type HpoHint = z.infer<typeof H.HpoHintSchema>
export type HpoTrialEvent = z.infer<typeof H.HpoTrialEventSchema>
export type HpoPauseMode = 'finish' | 'stop'

// models, checkpoint lifecycle, evaluation (issue 4, main side)
export type ModelSummary = z.infer<typeof S.ModelSummarySchema>
export type ModelVersionInfo = z.infer<typeof S.ModelVersionInfoSchema>
export type ModelDetail = z.infer<typeof S.ModelDetailSchema>
export type ModelSaveResult = z.infer<typeof S.ModelSaveResultSchema>
export type ModelImportResult = z.infer<typeof S.ModelImportResultSchema>
export type ModelExport = z.infer<typeof S.ModelExportSchema>
export type ModelDeleteResult = z.infer<typeof S.ModelDeleteResultSchema>
export type CheckpointExport = z.infer<typeof S.CheckpointExportSchema>
export type EvalSplit = z.infer<typeof S.EvalSplitSchema>
export type Evaluation = z.infer<typeof S.EvaluationSchema>
export type PredictInput = z.infer<typeof S.PredictInputSchema>
export type Prediction = z.infer<typeof S.PredictionSchema>
export type DistributionPoint = z.infer<typeof S.DistributionPointSchema>
export type FilterImage = z.infer<typeof S.FilterImageSchema>
export type Distributions = z.infer<typeof S.DistributionsSchema>
export type RunNotice = z.infer<typeof S.RunNoticeSchema>

/** Most example indices runs:evaluate lists per confusion-matrix cell. */
export const EVAL_EXAMPLES_PER_CELL = 200
