/**
 * The studio's one contract: every request channel with its argument and result type, and every
 * pushed event with its payload. main handlers, the preload bridge, the WebSocket bridge and the
 * renderer all type-check against these maps. Channel names follow `domain:verb`, events
 * `domain:didEvent`.
 */
import type {
  AppInfo, CheckpointInfo, DatasetChange, DatasetDetail, DatasetImages, DatasetRows, DatasetSummary,
  DeleteResult, ImportEnd, ImportJob, ImportOptions, ImportProgress, InspectResult, MetricBatch,
  MetricSeries, ModelTemplateInfo, RunConfig, RunDetail, RunSummary, SplitName, SplitPercents,
  CheckpointExport, Distributions, EvalSplit, Evaluation, ModelDeleteResult, ModelDetail, ModelExport,
  ModelImportResult, ModelSaveResult, ModelSummary, PredictInput, Prediction, RunNotice
} from './types'
import type {
  HpoAnalysis, HpoHint, HpoParams, HpoPauseMode, HpoSamplerConfig, HpoStudyDetail, HpoStudyInput, HpoStudySummary,
  HpoSurrogate, HpoTrialEvent, HpoTrialInfo
} from './types'

/** Request channels: `args` is validated in main, `result` is what the caller gets on success. */
export interface Requests {
  'app:info': { args: Record<string, never>; result: AppInfo }
  'datasets:list': { args: Record<string, never>; result: DatasetSummary[] }
  'models:templates': { args: Record<string, never>; result: ModelTemplateInfo[] }
  'runs:list': { args: Record<string, never>; result: RunSummary[] }
  'runs:get': { args: { runId: string }; result: RunDetail }
  'runs:start': { args: { config: RunConfigInput }; result: RunSummary }
  'runs:stop': { args: { runId: string }; result: RunSummary }
  'runs:rename': { args: { runId: string; name: string }; result: RunSummary }
  'runs:metrics': {
    args: { runId: string; names?: string[]; afterStep?: number }
    result: Record<string, MetricSeries>
  }
  /**
   * Detects what was dropped (format, columns, classes, sizes, proposed target/task) from a sample,
   * in about a second even for big inputs. `paths` are absolute; `uploadId` comes from POST /upload.
   * `options` re-detects with the dialog's overrides (format, CSV delimiter, header row).
   */
  'datasets:inspect': { args: { paths?: string[]; uploadId?: string; options?: ImportOptions }; result: InspectResult }
  /**
   * Starts an import job off main's event loop and returns at once; progress arrives as
   * `datasets:didImportProgress`, the outcome as `datasets:didImportEnd`.
   */
  'datasets:import': { args: { paths?: string[]; uploadId?: string; options?: ImportOptions }; result: { jobId: string } }
  /** Cancels a running job; nothing it wrote stays. `cancelled` is false when it had already ended. */
  'datasets:cancelImport': { args: { jobId: string }; result: { cancelled: boolean } }
  /** Jobs still running (for a window opened mid-import). */
  'datasets:importJobs': { args: Record<string, never>; result: ImportJob[] }
  /** Everything the dataset overview shows: summaries, correlation, class distribution, charts, versions. */
  'datasets:get': { args: { datasetId: string }; result: DatasetDetail }
  /** A window of rows for the virtualized table (tabular datasets). */
  'datasets:rows': { args: { datasetId: string; split: SplitName; offset: number; limit: number }; result: DatasetRows }
  /** A window of images (raw pixels, base64) for the thumbnail grid, optionally one class only. */
  'datasets:images': {
    args: { datasetId: string; split: SplitName; offset: number; limit: number; classIndex?: number }
    result: DatasetImages
  }
  /** Renames and/or describes a dataset (every version of it shares name and description). */
  'datasets:update': { args: { datasetId: string; name?: string; description?: string }; result: DatasetSummary }
  /**
   * Deletes a dataset with all its versions. Refused with `conflict` while a run on it is running;
   * runs are never deleted (a version runs used stays as a hidden tombstone row).
   */
  'datasets:delete': { args: { datasetId: string }; result: DeleteResult }
  /** Makes a new version with another split (a job, like import); runs keep their version. */
  'datasets:resplit': { args: { datasetId: string; split: SplitPercents; seed: number }; result: { jobId: string } }

  // ── models: saved, versioned composer graphs (issue 4) ──
  /** Saved models (tombstoned ones hidden), most recently updated first. */
  'models:list': { args: Record<string, never>; result: ModelSummary[] }
  /** A model with every version (newest first), each with its spec. */
  'models:get': { args: { modelId: string }; result: ModelDetail }
  /**
   * Saves a graph: a new model (no modelId) or a new version of one, only when the spec differs
   * from its latest version. Invalid graphs are refused (`invalid_argument`) with a message that
   * starts with the offending node id: "conv_2 (Conv2D): …".
   */
  'models:save': {
    args: { modelId?: string; name?: string; description?: string; spec: unknown; note?: string; datasetId?: string }
    result: ModelSaveResult
  }
  /** Imports the text of a Keras / TF.js model.json as a new saved model. */
  'models:importKeras': { args: { json: string; name?: string }; result: ModelImportResult }
  /** A version's spec as a file's text (studio graph JSON, or a Keras topology). */
  'models:export': { args: { modelId: string; version?: number; format?: 'studio' | 'keras' }; result: ModelExport }
  /** Deletes a model; refused (`conflict`) while a run of it is active; runs keep their spec. */
  'models:delete': { args: { modelId: string }; result: ModelDeleteResult }

  // ── run lifecycle (issue 4) ──
  /** Pauses a running run after the current batch (status `paused`, its process stays). */
  'runs:pause': { args: { runId: string }; result: RunSummary }
  /** Resumes a paused run. */
  'runs:resume': { args: { runId: string }; result: RunSummary }
  /**
   * Continues the SAME run from one of its checkpoints (a run that is not running): epoch and step
   * counters continue from the checkpoint, optimizer state is restored where the checkpoint has it,
   * later checkpoints are marked deleted and metric points after its step are replaced.
   */
  'runs:resumeFrom': { args: { runId: string; checkpointId: number }; result: RunSummary }
  /** A NEW run starting from a checkpoint's weights with changed settings; links to its parent. */
  'runs:fork': {
    args: { runId?: string; checkpointId: number; overrides?: Record<string, unknown>; name?: string }
    result: RunSummary
  }
  /** Copies a checkpoint as a TF.js model folder (model.json + weights.bin) for tf.loadLayersModel. */
  'runs:exportCheckpoint': { args: { runId?: string; checkpointId: number; destDir?: string }; result: CheckpointExport }
  /**
   * Evaluates a checkpoint (default: the best) on the val or test split in a trainer process;
   * results are cached per checkpoint and split. Takes seconds.
   */
  'runs:evaluate': { args: { runId: string; checkpointId?: number; split: EvalSplit }; result: Evaluation }
  /** Predicts one example (an image or a row) with a checkpoint (default: the best). */
  'runs:predict': { args: { runId: string; checkpointId?: number; input: PredictInput }; result: Prediction }
  /** Per-epoch weight/activation distributions and first-layer filter images the trainer wrote. */
  'runs:distributions': { args: { runId: string }; result: Distributions }
  // ── HPO studies (issue 5); shapes in ./hpoSchemas ──
  'hpo:list': { args: Record<string, never>; result: HpoStudySummary[] }
  'hpo:get': { args: { studyId: string }; result: HpoStudyDetail }
  /** Validates (field paths in the error), stores a `draft` study; `start: true` starts it at once. */
  'hpo:create': { args: { study: HpoStudyInput; start?: boolean }; result: HpoStudyDetail }
  'hpo:start': { args: { studyId: string }; result: HpoStudySummary }
  /** `finish` (default): running trials finish, no new ones; `stop`: running trials are stopped and re-queued. */
  'hpo:pause': { args: { studyId: string; mode?: HpoPauseMode }; result: HpoStudySummary }
  'hpo:resume': { args: { studyId: string }; result: HpoStudySummary }
  /** Ends the study: running trials are stopped (recorded failed, "stopped by the user"). */
  'hpo:stop': { args: { studyId: string }; result: HpoStudySummary }
  /** Adds to the budget; a completed study goes back to running. */
  'hpo:extend': { args: { studyId: string; addTrials?: number; addWallTimeMs?: number }; result: HpoStudySummary }
  /** Warm start: queues configurations (checked against the space) ahead of sampled ones. */
  'hpo:enqueue': { args: { studyId: string; params: HpoParams[] }; result: HpoTrialInfo[] }
  /** Warm start: copies another study's finished trials that fit this space. */
  'hpo:importTrials': { args: { studyId: string; fromStudyId: string }; result: { imported: number; skipped: number } }
  /** Deletes a study and its trials (refused with `conflict` while running); runs are kept. */
  'hpo:delete': { args: { studyId: string }; result: { deleted: boolean } }
  'hpo:analysis': { args: { studyId: string; contour?: { x: string; y: string } }; result: HpoAnalysis }
  /** GP surrogate mean ± sd and acquisition over one or two parameters, as of `iteration` trials. */
  'hpo:surrogate': {
    args: { studyId: string; params: string[]; iteration?: number; resolution?: number; acquisition?: 'ei' | 'ucb' | 'pi'; fixed?: HpoParams }
    result: HpoSurrogate
  }
  /** Budget hint and the automatic sampler choice for a space being edited (no study needed). */
  'hpo:hint': { args: { space: unknown; sampler?: HpoSamplerConfig; budgetTrials?: number }; result: HpoHint }
}

/**
 * Browser mode only — uploading dropped files (a page cannot see paths), outside the WebSocket:
 *
 *   POST /upload?token=<token>[&uploadId=<id>]&path=<relative path, e.g. cats/001.png>
 *   body: the file's bytes (any Content-Type); 127.0.0.1 only; same-origin or no Origin header.
 *
 * The first file of a drop is sent without `uploadId`; the answer, `{ ok: true, value: UploadResult }`
 * (JSON), names the new upload; the drop's other files are sent with it. Then call `datasets:inspect` /
 * `datasets:import` with `{ uploadId }` instead of `paths`. Limits: 4 GiB per upload, 100,000
 * files; an upload is removed once imported or after 24 hours. Errors answer 4xx with
 * `{ ok: false, error: { code, message } }`.
 */

/** RunConfig as a caller may send it: fields with defaults may be left out. */
export type RunConfigInput = Omit<RunConfig, 'backend'> & { backend?: RunConfig['backend'] }

/** Events pushed from main to every connected renderer. */
export interface Events {
  'runs:didChange': RunSummary
  'runs:didMetrics': { runId: string; batch: MetricBatch }
  'runs:didCheckpoint': CheckpointInfo
  /** The trainer said something that does not stop the run (also listed in runs:get's `notices`). */
  'runs:didNotice': { runId: string; notice: RunNotice }
  /** An import or resplit job moved on (at most ~5 per second per job). */
  'datasets:didImportProgress': ImportProgress
  /** An import or resplit job ended: a dataset id, or a typed error. */
  'datasets:didImportEnd': ImportEnd
  /** A dataset was added, renamed, described or deleted (`summary` null). */
  'datasets:didChange': DatasetChange
  /** A model was saved (new model or version), imported or deleted (`summary` null). */
  'models:didChange': { modelId: string; summary: ModelSummary | null }
  /** A study was created, changed state, or a trial moved on (counts, best, ETA). */
  'hpo:didChange': HpoStudySummary
  /** A trial was created, started, reported an epoch, or finished. */
  'hpo:didTrial': HpoTrialEvent
}

export type RequestChannel = keyof Requests
export type EventChannel = keyof Events
export type ArgsOf<C extends RequestChannel> = Requests[C]['args']
export type ResultOf<C extends RequestChannel> = Requests[C]['result']

/** Allow-lists, used by the preload (which exposes nothing else) and by the server. */
export const REQUEST_CHANNELS = [
  'app:info', 'datasets:list', 'models:templates', 'runs:list', 'runs:get', 'runs:start',
  'runs:stop', 'runs:rename', 'runs:metrics',
  'datasets:inspect', 'datasets:import', 'datasets:cancelImport', 'datasets:importJobs', 'datasets:get',
  'datasets:rows', 'datasets:images', 'datasets:update', 'datasets:delete', 'datasets:resplit',
  'models:list', 'models:get', 'models:save', 'models:importKeras', 'models:export', 'models:delete',
  'runs:pause', 'runs:resume', 'runs:resumeFrom', 'runs:fork', 'runs:exportCheckpoint', 'runs:evaluate',
  'runs:predict', 'runs:distributions',
  'hpo:list', 'hpo:get', 'hpo:create', 'hpo:start', 'hpo:pause', 'hpo:resume', 'hpo:stop', 'hpo:extend',
  'hpo:enqueue', 'hpo:importTrials', 'hpo:delete', 'hpo:analysis', 'hpo:surrogate', 'hpo:hint'
] as const satisfies readonly RequestChannel[]

export const EVENT_CHANNELS = [
  'runs:didChange', 'runs:didMetrics', 'runs:didCheckpoint', 'runs:didNotice',
  'datasets:didImportProgress', 'datasets:didImportEnd', 'datasets:didChange', 'models:didChange',
  'hpo:didChange', 'hpo:didTrial'
] as const satisfies readonly EventChannel[]

/** Stable error codes; the message is for people, the code is for code. */
export type ErrorCode =
  | 'invalid_argument' | 'not_found' | 'conflict' | 'unavailable' | 'unauthorized' | 'internal'

/** How every result crosses a process or network boundary: never a raw stack. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: EnvelopeError }
/** A failed call: code and English message; `key` + `params` (optional) let the UI say it in the person's language. */
export interface EnvelopeError { code: ErrorCode; message: string; key?: string; params?: Record<string, string | number> }

/** Something to release: returned by `on`. */
export interface Disposable { dispose(): void }

/**
 * The one API object the renderer sees: `window.studio` in Electron (preload + contextBridge) or
 * the WebSocket client in browser mode. Components never know which.
 */
export interface StudioBridge {
  invoke<C extends RequestChannel>(channel: C, args: ArgsOf<C>): Promise<Envelope<ResultOf<C>>>
  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void
  /** Electron only: the absolute path of a dropped or picked File (webUtils.getPathForFile); '' when it has none. */
  pathForFile?(file: File): string
}
