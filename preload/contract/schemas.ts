/**
 * Runtime schemas for every payload that crosses into main (IPC, WebSocket, CLI) and every DTO
 * that comes back. Types for the rest of the code base are inferred from these (see ./types.ts),
 * so the schema and the type can never drift apart. Only main imports this file at runtime; the
 * renderer and the preload import types only.
 */
import { z } from 'zod'
import { GraphSpecSchema } from './model/schema'

/** Ids are opaque strings: short, URL-safe, never paths. */
export const IdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected an id of 1–64 letters, digits, _ or -')

/**
 * Optimizers (issue 4). `momentum` is the issue-2 name for SGD with momentum 0.9, still accepted;
 * new configs say `sgd` with `optimizerOptions.momentum` (and `nesterov`).
 */
export const OptimizerSchema = z.enum(['sgd', 'momentum', 'adam', 'adamw', 'rmsprop', 'adagrad'])
export const ActivationSchema = z.enum(['relu', 'tanh', 'sigmoid', 'elu', 'selu', 'linear'])
export const ModelTemplateIdSchema = z.enum(['logreg', 'mlp', 'cnn'])
export const BackendNameSchema = z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'])
export const BackendPreferenceSchema = z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'])
/** `diverged`: the loss became NaN or infinite; the run ended at that step (issue 4). */
/** `paused`: the trainer process is alive and waits for runs:resume (issue 4). */
export const RunStatusSchema = z.enum(['queued', 'running', 'paused', 'completed', 'stopped', 'failed', 'diverged', 'pruned'])

/** What the user composes for issue 2: one of three templates with a few knobs. */
export const ModelSpecSchema = z.object({
  template: ModelTemplateIdSchema,
  /** Hidden layer sizes for `mlp` (1–8 layers, 1–4096 units each). */
  hidden: z.array(z.number().int().min(1).max(4096)).min(1).max(8).optional(),
  activation: ActivationSchema.optional(),
  /** Filters of the two conv blocks for `cnn`. */
  filters: z.array(z.number().int().min(1).max(512)).min(1).max(4).optional(),
  /** Units of the dense layer after the conv blocks for `cnn`. */
  denseUnits: z.number().int().min(1).max(4096).optional()
}).strict()

/**
 * A composed model (issue 4): the composer's graph spec, checked structurally here and by
 * analyzeGraph before a run starts. `modelId`/`modelVersion` name the saved model version it came
 * from (absent for an unsaved graph).
 */
export const GraphModelSpecSchema = z.object({
  kind: z.literal('graph'),
  graph: GraphSpecSchema,
  modelId: IdSchema.optional(),
  modelVersion: z.number().int().min(1).optional()
}).strict()

/** What a run trains: an issue-2 template spec or a composed graph. */
export const RunModelSchema = z.union([ModelSpecSchema, GraphModelSpecSchema])

// ── training toolbox (issue 4): every field optional; defaults in preload/contract/toolbox.ts ──

/** Optimizer knobs; each applies only to the optimizers that have it (see TOOLBOX_DEFAULTS). */
export const OptimizerOptionsSchema = z.object({
  /** sgd: momentum (0 = plain SGD). */
  momentum: z.number().min(0).max(0.9999).optional(),
  /** sgd with momentum > 0: Nesterov's variant. */
  nesterov: z.boolean().optional(),
  /** adam/adamw. */
  beta1: z.number().min(0).max(0.9999).optional(),
  beta2: z.number().min(0).max(0.99999).optional(),
  /** adam/adamw/rmsprop/adagrad numerical epsilon. */
  epsilon: z.number().positive().max(1).optional(),
  /** adamw: decoupled weight decay (w -= lr·weightDecay·w each step). */
  weightDecay: z.number().min(0).max(1).optional(),
  /** rmsprop: decay of the squared-gradient average (Keras's rho). */
  rho: z.number().min(0).max(0.9999).optional(),
  /** adagrad: initial accumulator value. */
  initialAccumulator: z.number().min(0).max(10).optional()
}).strict()

const warmup = {
  /** Linear warm-up over this many steps (batches) before the schedule proper starts. */
  warmupSteps: z.number().int().min(0).max(10_000_000).optional(),
  /** Fraction of the learning rate the warm-up starts from (default 0). */
  warmupFrom: z.number().min(0).max(1).optional()
}
/** Learning-rate schedule over optimizer steps (batches); see main/trainer/evaluation/schedules.ts. */
export const LrScheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant'), ...warmup }).strict(),
  /** lr·gamma^⌊step/stepSize⌋. */
  z.object({ kind: z.literal('step'), stepSize: z.number().int().min(1), gamma: z.number().gt(0).max(1), ...warmup }).strict(),
  /** lr·decayRate^(step/decaySteps), floored exponent with staircase. */
  z.object({ kind: z.literal('exponential'), decayRate: z.number().gt(0).max(1), decaySteps: z.number().int().min(1), staircase: z.boolean().optional(), ...warmup }).strict(),
  /** Cosine decay to alpha·lr over decaySteps (default: all the run's steps after warm-up). */
  z.object({ kind: z.literal('cosine'), decaySteps: z.number().int().min(1).optional(), alpha: z.number().min(0).max(1).optional(), ...warmup }).strict()
])

/** Loss; `auto` = categorical cross-entropy for classification, MSE for regression. */
export const LossNameSchema = z.enum(['auto', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy', 'mse', 'mae', 'huber'])
/** Extra metrics logged per epoch on the val split (`val_<name>`; topK logs `val_top<k>`). */
export const MetricNameSchema = z.enum(['accuracy', 'topK', 'precision', 'recall', 'f1', 'auc', 'r2'])

/** Image augmentation, applied to the train split only, seeded. */
export const AugmentationSchema = z.object({
  flip: z.enum(['none', 'horizontal', 'vertical', 'both']).optional(),
  /** Random shift, as a fraction of the width/height (0–0.5). */
  shift: z.number().min(0).max(0.5).optional(),
  /** Random rotation, up to ± this many degrees. */
  rotation: z.number().min(0).max(180).optional(),
  /** Random crop: pad by this many pixels on each side, then crop back to the original size. */
  crop: z.number().int().min(0).max(64).optional(),
  /** Gaussian noise with this standard deviation (in the data's units). */
  noise: z.number().min(0).max(10).optional()
}).strict()

export const RegularizationSchema = z.object({
  /** Penalty on every kernel: loss += l1·Σ|w| + l2·Σw². */
  l1: z.number().min(0).max(10).optional(),
  l2: z.number().min(0).max(10).optional(),
  /** Classification: targets become (1−ε)·onehot + ε/numClasses. */
  labelSmoothing: z.number().min(0).max(0.5).optional(),
  /** mixup / cutmix Beta(α, α) parameter; 0 or absent = off (cutmix: image tasks only). */
  mixupAlpha: z.number().min(0).max(10).optional(),
  cutmixAlpha: z.number().min(0).max(10).optional(),
  augmentation: AugmentationSchema.optional(),
  /** Classification: per-class loss weights, or `balanced` (n / (k · count_c)). */
  classWeights: z.union([z.literal('balanced'), z.array(z.number().min(0).max(1000)).min(2).max(10_000)]).optional()
}).strict()

/** Short epoch metric name: `val_loss`, `val_acc`, `loss`, `val_f1`, `val_top5`… (`epoch/` prefix optional). */
const MonitorSchema = z.string().regex(/^(epoch\/)?[a-z][a-z0-9_]{0,62}$/, 'expected a metric name such as val_loss or val_acc')
export const MetricModeSchema = z.enum(['auto', 'min', 'max'])

export const EarlyStoppingSchema = z.object({
  monitor: MonitorSchema.optional(),
  /** Epochs without improvement before stopping. */
  patience: z.number().int().min(0).max(10000).optional(),
  minDelta: z.number().min(0).optional(),
  mode: MetricModeSchema.optional(),
  /** When early stopping ends the run, put back the weights of the best epoch (Keras's restore_best_weights). */
  restoreBest: z.boolean().optional()
}).strict()

/** Gradient clipping: by global norm, or each value to [−value, value]; both may be given. */
export const GradClipSchema = z.object({
  norm: z.number().positive().optional(),
  value: z.number().positive().optional()
}).strict()

export const CheckpointPolicySchema = z.object({
  /** Save after every N-th epoch (the last epoch is always saved). */
  everyEpochs: z.number().int().min(1).max(10000).optional(),
  /** Keep the last K periodic checkpoints (main deletes older ones; 0 = keep all). */
  keepLast: z.number().int().min(0).max(10000).optional(),
  /** Also keep the best checkpoint by this epoch metric. */
  bestMetric: MonitorSchema.optional(),
  bestMode: MetricModeSchema.optional()
}).strict()

/** A run's full configuration; stored verbatim as JSON with the run. */
export const RunConfigSchema = z.object({
  datasetId: IdSchema,
  name: z.string().max(120).optional(),
  model: RunModelSchema,
  optimizer: OptimizerSchema,
  learningRate: z.number().positive().max(10),
  batchSize: z.number().int().min(1).max(65536),
  epochs: z.number().int().min(1).max(10000),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  backend: BackendPreferenceSchema.default('auto'),
  /**
   * CPU threads the training engine may use (issue 6). Absent: all cores, or the share the host
   * gives each trainer when several run at once (STUDIO_TRAINER_THREADS).
   */
  threads: z.number().int().min(1).max(256).optional(),
  /** Drop the last, smaller batch of every epoch (issue 3). Absent: false (the partial batch trains). */
  dropLast: z.boolean().optional(),
  // ── training toolbox (issue 4); absent = the defaults of preload/contract/toolbox.ts ──
  optimizerOptions: OptimizerOptionsSchema.optional(),
  lrSchedule: LrScheduleSchema.optional(),
  loss: LossNameSchema.optional(),
  metrics: z.array(MetricNameSchema).max(16).optional(),
  /** k of the topK metric (default 5). */
  topK: z.number().int().min(2).max(1000).optional(),
  /** Huber loss delta (default 1). */
  huberDelta: z.number().positive().max(1e6).optional(),
  regularization: RegularizationSchema.optional(),
  earlyStopping: EarlyStoppingSchema.optional(),
  gradClip: GradClipSchema.optional(),
  checkpointPolicy: CheckpointPolicySchema.optional()
}).strict()

/** Source formats the importer understands (detected from content; the user may override). */
export const DatasetFormatSchema = z.enum(['csv', 'jsonl', 'idx', 'images', 'cifar', 'npy', 'npz'])

export const DatasetSummarySchema = z.object({
  id: IdSchema,
  name: z.string(),
  description: z.string(),
  source: z.string(),
  task: z.enum(['classification', 'regression']),
  inputShape: z.array(z.number().int()),
  numClasses: z.number().int(),
  classNames: z.array(z.string()),
  trainSize: z.number().int(),
  valSize: z.number().int(),
  bytes: z.number().int(),
  isSample: z.boolean(),
  createdAt: z.number(),
  /** Template and hidden sizes that train well on this dataset: what "Train" uses in one click. */
  suggested: ModelSpecSchema,
  /** Examples in the test split (imported datasets; absent or 0 when there is none). */
  testSize: z.number().int().optional(),
  /** What it was imported from (absent for the built-in samples). */
  format: DatasetFormatSchema.optional(),
  /** Version number within its family (1 = as imported; each resplit adds one). */
  version: z.number().int().optional(),
  /** Id shared by every version of the same dataset (the first version's id). */
  familyId: IdSchema.optional()
})

export const BackendInfoSchema = z.object({
  name: BackendNameSchema,
  /** Human words for the device: "CUDA GPU", "CPU (libtensorflow)", "WebAssembly, 1 thread", … */
  device: z.string(),
  /** Why a better backend was not used, when it was not. */
  fallbackReason: z.string().optional(),
  /** The same reasons, one per entry, as a code + values so the UI can say them in the person's language. */
  fallbackReasons: z.array(z.object({ code: z.string(), params: z.record(z.string(), z.string()) })).optional(),
  /**
   * Which training engine runs (issue 6): "studio engine, native kernels (avx2-fma), 2 threads",
   * "studio engine, WebAssembly SIMD kernels, …", or "TF.js model.fit (…why)". Absent in records
   * written before the engine existed.
   */
  engine: z.string().optional(),
  /** CPU threads the studio's kernels were given when the run started (issue 6); absent when they do not run. */
  threads: z.number().int().optional()
})

export const RunSummarySchema = z.object({
  id: IdSchema,
  name: z.string(),
  datasetId: IdSchema,
  datasetName: z.string(),
  model: z.string(),
  status: RunStatusSchema,
  backend: z.string().nullable(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  epochsDone: z.number().int(),
  epochs: z.number().int(),
  bestValAcc: z.number().nullable(),
  bestValLoss: z.number().nullable(),
  error: z.string().nullable(),
  /** Fork: the run this one was forked from (issue 4); null for a fresh run. */
  parentRunId: IdSchema.nullable().optional(),
  /** Fork: the checkpoint whose weights this run started from. */
  parentCheckpointId: z.number().int().nullable().optional(),
  /** The saved composer model and its version this run trained (graph models only). */
  modelId: IdSchema.nullable().optional(),
  modelVersion: z.number().int().nullable().optional(),
  /** How often the run was continued from one of its own checkpoints (runs:resumeFrom). */
  resumeCount: z.number().int().optional(),
  /** A diverged run: the global step whose loss was NaN or infinite. */
  divergedAtStep: z.number().int().nullable().optional()
})

export const CheckpointInfoSchema = z.object({
  id: z.number().int(),
  runId: IdSchema,
  epoch: z.number().int(),
  step: z.number().int(),
  path: z.string(),
  bytes: z.number().int(),
  metrics: z.record(z.string(), z.number()),
  isBest: z.boolean(),
  isLast: z.boolean(),
  createdAt: z.number(),
  /** Its files were removed by the run's retention policy (keep last K + best); the row stays. */
  deleted: z.boolean().optional()
})

/**
 * Something the trainer said that did not stop the run (issue 4): which engine runs and why,
 * optimizer state a resume could not restore, early stopping, restored best weights.
 */
export const RunNoticeSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** Which sentence `message` is (i18n `notices.<key>`) and its values, for the UI's language. */
  key: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  /** Date.now() when main received it. */
  at: z.number()
})

export const RunDetailSchema = z.object({
  summary: RunSummarySchema,
  config: RunConfigSchema,
  backendInfo: BackendInfoSchema.nullable(),
  checkpoints: z.array(CheckpointInfoSchema),
  paramCount: z.number().int().nullable(),
  /** The trainer's notices for this run, oldest first (issue 4). */
  notices: z.array(RunNoticeSchema).optional()
})

/**
 * Column-oriented metric points: cheap to ship and to append to chart series. `wallTime` is
 * milliseconds since the Unix epoch (Date.now() in the trainer when the batch or epoch ended).
 */
export const MetricBatchSchema = z.object({
  name: z.array(z.string()),
  step: z.array(z.number()),
  epoch: z.array(z.number()),
  wallTime: z.array(z.number()),
  value: z.array(z.number())
})

export const MetricSeriesSchema = z.object({
  step: z.array(z.number()),
  epoch: z.array(z.number()),
  wallTime: z.array(z.number()),
  value: z.array(z.number())
})

export const AppInfoSchema = z.object({
  version: z.string(),
  mode: z.enum(['electron', 'browser']),
  dataDir: z.string(),
  platform: z.string(),
  /** The backend a new run would get now, probed once at start-up. */
  backend: BackendInfoSchema.nullable(),
  /** How to get a faster backend, when there is one to get. */
  backendHint: z.string().nullable(),
  /** The training engine new runs get (issue 6), e.g. "studio engine, native kernels (avx2-fma)". */
  engine: z.string().optional(),
  /** The native kernels load here: no hint to install tfjs-node for speed (backendHint is null then). */
  nativeEngine: z.boolean().optional(),
  /** CPU cores trainers share: one trainer uses all, N at once ⌊cores / N⌋ each. */
  cores: z.number().int().optional()
})

export const ModelTemplateInfoSchema = z.object({
  id: ModelTemplateIdSchema,
  /** Which input ranks the template accepts: 1 = flat features, 3 = images (h, w, c). */
  inputRanks: z.array(z.number().int())
})

// ── request arguments ────────────────────────────────────────────────────────────────────────────
export const EmptyArgsSchema = z.object({}).strict()
export const RunIdArgsSchema = z.object({ runId: IdSchema }).strict()
export const StartRunArgsSchema = z.object({ config: RunConfigSchema }).strict()
export const MetricsArgsSchema = z.object({
  runId: IdSchema,
  names: z.array(z.string().max(64)).max(64).optional(),
  /** Only points with step > afterStep (incremental refresh). */
  afterStep: z.number().int().min(-1).optional()
}).strict()
export const RenameRunArgsSchema = z.object({ runId: IdSchema, name: z.string().min(1).max(120) }).strict()

// ── datasets: import, browse, versions (issue 3) ─────────────────────────────────────────────────

export const TaskSchema = z.enum(['classification', 'regression'])
export const ColumnTypeSchema = z.enum(['numeric', 'categorical', 'boolean', 'text', 'date'])
export const SplitNameSchema = z.enum(['train', 'val', 'test'])
export const ColorModeSchema = z.enum(['grayscale', 'rgb'])

/**
 * Where dropped data is: absolute paths (Electron drag-and-drop, the OS dialog, the CLI) or the id
 * of an upload made through `POST /upload` (browser mode, where a page cannot see paths).
 * Exactly one of the two.
 */
export const ImportSourceSchema = z.object({
  paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000).optional(),
  uploadId: IdSchema.optional()
}).strict().refine((s) => (s.paths === undefined) !== (s.uploadId === undefined), 'give either paths or uploadId, not both')

/** Train / validation / test percentages (integers summing to 100; val and test may be 0). */
export const SplitPercentsSchema = z.object({
  train: z.number().int().min(1).max(100),
  val: z.number().int().min(0).max(99),
  test: z.number().int().min(0).max(99)
}).strict().refine((s) => s.train + s.val + s.test === 100, 'train + val + test must be 100')

/** What the user may change per column before importing (tabular sources). */
export const ColumnOptionSchema = z.object({
  name: z.string().min(1).max(256),
  type: ColumnTypeSchema.optional(),
  /** Leave the column out of the features. Text columns are left out unless typed otherwise. */
  ignore: z.boolean().optional(),
  /** Categorical features: one column per category (default) or one integer index. */
  encoding: z.enum(['onehot', 'index']).optional(),
  /** Overrides the dataset-wide missing-value policy for this column. */
  missing: z.enum(['drop', 'fill', 'fail']).optional()
}).strict()

/** Everything the import dialog lets a person fix; every field has a default. */
export const ImportOptionsSchema = z.object({
  name: z.string().min(1).max(120).optional(),
  description: z.string().max(2000).optional(),
  /** Force a format when detection guessed wrong. */
  format: DatasetFormatSchema.optional(),
  /** CSV dialect overrides (default: detected). A delimiter is one character; "\t" for TSV. */
  csv: z.object({
    delimiter: z.string().length(1).optional(),
    hasHeader: z.boolean().optional()
  }).strict().optional(),
  columns: z.array(ColumnOptionSchema).max(10_000).optional(),
  /** Target column (tabular; default: the proposed one, usually the last). */
  target: z.string().min(1).max(256).optional(),
  task: TaskSchema.optional(),
  /** Numeric features: standardize (default) or min-max, with statistics of the train split only. */
  scaling: z.enum(['standardize', 'minmax', 'none']).optional(),
  /** Rows with a missing value: drop the row, fill (mean for numbers, mode otherwise; default), or fail. */
  missing: z.enum(['drop', 'fill', 'fail']).optional(),
  /** Images: size to resize every image to (default: the most common size) and colour mode. */
  image: z.object({
    width: z.number().int().min(4).max(512).optional(),
    height: z.number().int().min(4).max(512).optional(),
    colorMode: ColorModeSchema.optional()
  }).strict().optional(),
  /** NumPy sources: which array holds the features / labels (npz member names or .npy file names). */
  arrays: z.object({ x: z.string().max(256).optional(), y: z.string().max(256).optional() }).strict().optional(),
  /** Default 80/10/10, or the format's official train/test split with `val` carved from train. */
  split: SplitPercentsSchema.optional(),
  /** Use the format's official train/test split when it has one (IDX, CIFAR; default true). */
  useOfficialSplit: z.boolean().optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional()
}).strict()

/** A column as detection sees it (from a sample of the rows). */
export const ColumnInfoSchema = z.object({
  name: z.string(),
  index: z.number().int(),
  /** What the studio guessed; the dialog shows it and lets the person change it. */
  type: ColumnTypeSchema,
  /** Missing cells among the sampled rows. */
  missing: z.number().int(),
  /** Distinct values among the sampled rows (capped at 1,000). */
  distinct: z.number().int(),
  /** The first few non-empty values, as text. */
  samples: z.array(z.string())
})

/** One file (or class folder) of a detected source, as shown in the import dialog. */
export const SourceFileSchema = z.object({
  /** The name to show (relative to the dropped folder, never a path from another user's disk). */
  name: z.string(),
  bytes: z.number().int(),
  /** What the file is in the format, e.g. "train images", "labels", "class folder". */
  role: z.string()
})

/** A file skipped at import and why: `reason` in English; `code` + `params` let the UI say it in the person's language. */
export const SkippedFileSchema = z.object({
  name: z.string(),
  reason: z.string(),
  code: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional()
})

/** What `datasets:inspect` found: enough for the import dialog, computed from a sample in ~1 s. */
export const InspectResultSchema = z.object({
  format: DatasetFormatSchema,
  /** Words for people, e.g. "CSV (comma-separated, header row)". */
  formatLabel: z.string(),
  files: z.array(SourceFileSchema),
  totalBytes: z.number().int(),
  /** Examples: exact for binary formats and image folders, estimated from the sample for text. */
  count: z.number().int(),
  countExact: z.boolean(),
  /** Shape of one example when the format fixes it (IDX, CIFAR, NumPy, images at the default size). */
  inputShape: z.array(z.number().int()).nullable(),
  csv: z.object({
    delimiter: z.string(),
    quote: z.string(),
    hasHeader: z.boolean(),
    bom: z.boolean(),
    lineEnding: z.enum(['lf', 'crlf'])
  }).nullable(),
  columns: z.array(ColumnInfoSchema),
  images: z.object({
    classes: z.array(z.object({ name: z.string(), count: z.number().int() })),
    /** Most common sizes first, from a sample of the files. */
    sizes: z.array(z.object({ width: z.number().int(), height: z.number().int(), count: z.number().int() })),
    defaultWidth: z.number().int(),
    defaultHeight: z.number().int(),
    colorMode: ColorModeSchema,
    /** Files that are not images the studio reads (skipped on import, listed here). */
    skipped: z.array(SkippedFileSchema)
  }).nullable(),
  classNames: z.array(z.string()),
  proposedTarget: z.string().nullable(),
  proposedTask: TaskSchema,
  /** The format comes with a train/test split (IDX, CIFAR). */
  officialSplit: z.boolean(),
  suggestedName: z.string(),
  warnings: z.array(z.lazy(() => ImportWarningSchema))
})

/**
 * Something an import or inspection wants the person to know that does not stop it (issue 3):
 * a stable `code` with `params` that the renderer translates (i18n `warnings.<code>`), and the
 * English `message` for the CLI, logs and codes a renderer does not know. Plain strings are what
 * datasets imported before the codes stored in meta.json; they are shown as they are.
 */
export const ImportWarningCodeSchema = z.enum([
  'textColumn', 'idxUnpaired', 'idxCountMismatch', 'imbalanced', 'mixedSizes', 'willSkip', 'filesSkipped',
  'rowsDroppedTarget', 'rowsDroppedMissing'
])
export const CodedWarningSchema = z.object({
  code: ImportWarningCodeSchema,
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  message: z.string()
})
export const ImportWarningSchema = z.union([z.string(), CodedWarningSchema])

/** Stable codes of import failures: the message says file, line/record/offset, expected, found. */
export const ImportErrorCodeSchema = z.enum([
  'bad_path', 'too_large', 'empty_file', 'unknown_format', 'format_mismatch', 'ragged_rows', 'not_numeric',
  'missing_values', 'bad_magic', 'truncated', 'count_mismatch', 'corrupt_image', 'one_class',
  'single_value_target', 'no_data', 'bad_option', 'unsupported', 'cancelled', 'internal'
])

export const ImportErrorSchema = z.object({
  code: ImportErrorCodeSchema,
  message: z.string(),
  /** The file, relative to what was dropped. */
  file: z.string().optional(),
  /** 1-based line (text formats). */
  line: z.number().int().optional(),
  /** 0-based record / example index. */
  record: z.number().int().optional(),
  /** Byte offset in the (decompressed) file. */
  offset: z.number().int().optional(),
  /** Which sentence `message` is (i18n `importErrors.<key>`), so the UI can say it in the person's language. */
  key: z.string().optional(),
  /** The values in that sentence (file, line, expected, found, …); `message` stays the English fallback. */
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional()
})

export const ImportPhaseSchema = z.enum(['queued', 'hashing', 'reading', 'decoding', 'splitting', 'writing', 'done'])

export const ImportProgressSchema = z.object({
  jobId: IdSchema,
  phase: ImportPhaseSchema,
  done: z.number(),
  total: z.number(),
  /** What done/total count. */
  unit: z.enum(['bytes', 'rows', 'files', 'examples']),
  /** Units per second over the phase so far. */
  rate: z.number(),
  etaSeconds: z.number().nullable()
})

export const ImportEndSchema = z.object({
  jobId: IdSchema,
  ok: z.boolean(),
  datasetId: IdSchema.optional(),
  /** The same data was imported before with the same options: that dataset was returned at once. */
  reused: z.boolean().optional(),
  error: ImportErrorSchema.optional(),
  /** Things that did not stop the import (skipped files, dropped rows, …). */
  warnings: z.array(z.lazy(() => ImportWarningSchema))
})

export const ImportJobSchema = z.object({
  jobId: IdSchema,
  /** 'import' or 'resplit'. */
  kind: z.enum(['import', 'resplit']),
  name: z.string(),
  startedAt: z.number(),
  progress: ImportProgressSchema.nullable()
})

export const HistogramSchema = z.object({ edges: z.array(z.number()), counts: z.array(z.number().int()) })

/** Per-column summary for the tabular browser (computed once, at import, over all rows). */
export const ColumnSummarySchema = z.object({
  name: z.string(),
  type: ColumnTypeSchema,
  role: z.enum(['feature', 'target', 'ignored']),
  /** Missing cells in the source. */
  missing: z.number().int(),
  count: z.number().int(),
  distinct: z.number().int(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  std: z.number().nullable(),
  histogram: HistogramSchema.nullable(),
  /** Categorical / boolean / text: most frequent values first (at most 20). */
  topCategories: z.array(z.object({ value: z.string(), count: z.number().int() })),
  encoding: z.enum(['onehot', 'index', 'standardize', 'minmax', 'none', 'timestamp']).nullable()
})

/** A chart the studio proposes for a first look (rules in the spirit of Data2Vis). */
export const ChartProposalSchema = z.object({
  kind: z.enum(['histogram', 'bar', 'scatter', 'classBars']),
  title: z.string(),
  /** Column(s) drawn; for histogram/bar the data is that column's summary. */
  x: z.string(),
  y: z.string().optional(),
  /** Column the points are coloured by (scatter: the target). */
  color: z.string().optional(),
  /** Why this chart (one line). */
  reason: z.string(),
  /** Scatter only: a sample of at most 1,000 points. */
  points: z.object({ x: z.array(z.number()), y: z.array(z.number()), c: z.array(z.number()) }).optional()
})

export const DatasetVersionSchema = z.object({
  datasetId: IdSchema,
  version: z.number().int(),
  createdAt: z.number(),
  trainSize: z.number().int(),
  valSize: z.number().int(),
  testSize: z.number().int(),
  seed: z.number().int().nullable(),
  note: z.string(),
  /** Runs that trained on this version. */
  runCount: z.number().int()
})

export const DatasetDetailSchema = z.object({
  summary: DatasetSummarySchema,
  format: DatasetFormatSchema.nullable(),
  split: z.object({
    train: z.number().int(), val: z.number().int(), test: z.number().int(),
    percents: z.object({ train: z.number(), val: z.number(), test: z.number() }),
    seed: z.number().int().nullable(),
    stratified: z.boolean(),
    official: z.boolean()
  }),
  /** Names of the columns in `datasets:rows` order (tabular), the target last. */
  columns: z.array(ColumnSummarySchema),
  target: z.string().nullable(),
  correlation: z.object({ columns: z.array(z.string()), matrix: z.array(z.array(z.number())) }).nullable(),
  /** Examples per class in each split (classification). */
  classDistribution: z.object({
    classNames: z.array(z.string()),
    train: z.array(z.number().int()), val: z.array(z.number().int()), test: z.array(z.number().int())
  }).nullable(),
  /** Set when the largest class has ≥ 3× the examples of the smallest. */
  imbalance: z.object({ ratio: z.number(), message: z.string() }).nullable(),
  charts: z.array(ChartProposalSchema),
  versions: z.array(DatasetVersionSchema),
  /** Files skipped at import (unreadable images, …) with the reason. */
  skipped: z.array(SkippedFileSchema),
  warnings: z.array(z.lazy(() => ImportWarningSchema)),
  /** Whether the dataset is tabular (rows view) or images (thumbnail view), or neither. */
  view: z.enum(['table', 'images', 'tensor'])
})

export const DatasetRowsSchema = z.object({
  /** Feature columns in their original form (encodings undone), then the target. */
  columns: z.array(z.string()),
  rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))),
  /** Index of each row within its split. */
  indices: z.array(z.number().int()),
  total: z.number().int(),
  offset: z.number().int()
})

export const DatasetImagesSchema = z.object({
  /** [height, width, channels] of every image. */
  shape: z.array(z.number().int()),
  /** Examples in the split that pass the class filter. */
  total: z.number().int(),
  offset: z.number().int(),
  items: z.array(z.object({
    /** Index within the split. */
    index: z.number().int(),
    label: z.number(),
    /** Raw pixels, uint8, row-major h × w × c, base64. Draw with ImageData (c = 1 or 3). */
    pixels: z.string()
  }))
})

export const DatasetChangeSchema = z.object({
  datasetId: IdSchema,
  /** null when the dataset was deleted. */
  summary: DatasetSummarySchema.nullable()
})

export const DeleteResultSchema = z.object({
  datasetId: IdSchema,
  /** true: runs used it, so its row stays (hidden) for them and only its tensor files are removed. */
  tombstone: z.boolean()
})

/** What `POST /upload` answers. */
export const UploadResultSchema = z.object({ uploadId: IdSchema, files: z.number().int(), bytes: z.number().int() })

// ── datasets: request arguments ──
export const InspectArgsSchema = z.object({
  paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000).optional(),
  uploadId: IdSchema.optional(),
  /** Re-detect with the dialog's overrides (format, CSV delimiter / header row). */
  options: ImportOptionsSchema.optional()
}).strict().refine((s) => (s.paths === undefined) !== (s.uploadId === undefined), 'give either paths or uploadId, not both')
export const ImportArgsSchema = z.object({
  paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000).optional(),
  uploadId: IdSchema.optional(),
  options: ImportOptionsSchema.default({})
}).strict().refine((s) => (s.paths === undefined) !== (s.uploadId === undefined), 'give either paths or uploadId, not both')
export const JobIdArgsSchema = z.object({ jobId: IdSchema }).strict()
export const DatasetIdArgsSchema = z.object({ datasetId: IdSchema }).strict()
export const DatasetRowsArgsSchema = z.object({
  datasetId: IdSchema,
  split: SplitNameSchema,
  offset: z.number().int().min(0),
  limit: z.number().int().min(1).max(1000)
}).strict()
export const DatasetImagesArgsSchema = z.object({
  datasetId: IdSchema,
  split: SplitNameSchema,
  offset: z.number().int().min(0),
  limit: z.number().int().min(1).max(500),
  /** Only examples of this class index. */
  classIndex: z.number().int().min(0).optional()
}).strict()
export const UpdateDatasetArgsSchema = z.object({
  datasetId: IdSchema,
  name: z.string().trim().min(1).max(120).optional(),
  description: z.string().max(2000).optional()
}).strict()
export const ResplitArgsSchema = z.object({
  datasetId: IdSchema,
  split: SplitPercentsSchema,
  seed: z.number().int().min(0).max(2 ** 31 - 1)
}).strict()

// ── models, checkpoints lifecycle, evaluation (issue 4, main side) ───────────────────────────────

/** A saved composer model: its versions share the id; each version is an immutable graph spec. */
export const ModelSummarySchema = z.object({
  id: IdSchema,
  name: z.string(),
  description: z.string(),
  latestVersion: z.number().int(),
  versionCount: z.number().int(),
  /** Layer kinds and total parameters of the latest version, for the list. */
  layerCount: z.number().int(),
  totalParams: z.number().int(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** Runs that trained any version of it. */
  runCount: z.number().int()
})

export const ModelVersionInfoSchema = z.object({
  modelId: IdSchema,
  version: z.number().int(),
  /** sha256 of the canonical spec JSON: equal hashes mean the same architecture. */
  hash: z.string(),
  note: z.string(),
  createdAt: z.number(),
  /** The graph spec (preload/contract/model GraphSpec), exactly as saved. */
  spec: z.unknown(),
  totalParams: z.number().int(),
  runCount: z.number().int()
})

export const ModelDetailSchema = z.object({
  summary: ModelSummarySchema,
  /** Newest first. */
  versions: z.array(ModelVersionInfoSchema)
})

export const ModelSaveResultSchema = z.object({
  model: ModelSummarySchema,
  version: ModelVersionInfoSchema,
  /** false: the spec equals the latest version's, so no version was added. */
  created: z.boolean()
})

export const ModelImportResultSchema = ModelSaveResultSchema.extend({
  /** What the Keras import left out (never silently), e.g. an LSTM's internal dropout. */
  warnings: z.array(z.string())
})

export const ModelExportSchema = z.object({
  /** Suggested file name, e.g. "lenet-v3.json". */
  fileName: z.string(),
  /** The file's text: the studio graph spec, or a Keras topology model.json. */
  json: z.string()
})

export const ModelDeleteResultSchema = z.object({
  modelId: IdSchema,
  /** true: runs trained it, so its rows stay hidden for them (runs keep their exact spec anyway). */
  tombstone: z.boolean()
})

export const CheckpointExportSchema = z.object({
  /** Absolute folder written: model.json + weights.bin, loadable by tf.loadLayersModel. */
  dir: z.string(),
  files: z.array(z.string()),
  bytes: z.number().int()
})

export const EvalSplitSchema = z.enum(['val', 'test'])

/** Curves use null where the math gives NaN / ±Infinity (JSON has neither). */
const Num = z.number().nullable()

export const EvaluationSchema = z.object({
  runId: IdSchema,
  checkpointId: z.number().int(),
  epoch: z.number().int(),
  split: EvalSplitSchema,
  task: z.enum(['classification', 'regression']),
  classNames: z.array(z.string()),
  /** Examples evaluated. */
  count: z.number().int(),
  /** Mean loss of the run's loss function on the split (null when it cannot be computed). */
  loss: Num,
  computedAt: z.number(),
  /** Seconds the evaluation took (0 when it came from the cache). */
  seconds: z.number(),
  cached: z.boolean(),
  /** Classification: counts[t][p] (rows true, columns predicted), row-normalized, support per class. */
  confusion: z.object({
    numClasses: z.number().int(),
    counts: z.array(z.array(z.number().int())),
    normalized: z.array(z.array(z.number())),
    support: z.array(z.number().int()),
    total: z.number().int()
  }).nullable(),
  report: z.object({
    perClass: z.array(z.object({ precision: z.number(), recall: z.number(), f1: z.number(), support: z.number().int() })),
    macro: z.object({ precision: z.number(), recall: z.number(), f1: z.number() }),
    weighted: z.object({ precision: z.number(), recall: z.number(), f1: z.number() }),
    accuracy: z.number(),
    total: z.number().int()
  }).nullable(),
  /** Top-k accuracy for k = 3 and 5 where the dataset has more than k classes. */
  topK: z.array(z.object({ k: z.number().int(), accuracy: z.number() })),
  /**
   * examples[t][p]: indices within the split of examples of true class t predicted as p (at most
   * EVAL_EXAMPLES_PER_CELL each, in split order). Fetch them with datasets:rows / datasets:images.
   */
  examples: z.array(z.array(z.array(z.number().int()))).nullable(),
  /** Binary classification: scores are the probability of class 1. */
  roc: z.object({ fpr: z.array(Num), tpr: z.array(Num), thresholds: z.array(Num), auc: Num }).nullable(),
  pr: z.object({ precision: z.array(Num), recall: z.array(Num), thresholds: z.array(Num), averagePrecision: Num }).nullable(),
  regression: z.object({
    report: z.object({ mse: z.number(), rmse: z.number(), mae: z.number(), huber: z.number(), r2: Num, count: z.number().int() }),
    /** At most 2,000 points (every `stride`-th example); `indices` are their split indices. */
    actual: z.array(z.number()),
    predicted: z.array(z.number()),
    indices: z.array(z.number().int()),
    residuals: z.object({ edges: z.array(z.number()), counts: z.array(z.number().int()) })
  }).nullable()
})

/** One example to predict: a PNG/JPEG/GIF/WebP (base64), raw pixels, or a table row. */
export const PredictInputSchema = z.union([
  z.object({ imagePng: z.string().min(1).max(30_000_000) }).strict(),
  z.object({
    image: z.object({
      /** [height, width, channels], channels 1, 3 or 4 (alpha dropped). */
      shape: z.array(z.number().int().min(1).max(4096)).length(3),
      /** uint8 row-major pixels, base64. */
      pixels: z.string().min(1).max(30_000_000)
    }).strict()
  }).strict(),
  /** Feature values in datasets:rows column order (original form; the target column left out). */
  z.object({ row: z.array(z.union([z.string().max(10_000), z.number(), z.null()])).min(1).max(100_000) }).strict(),
  /** The features exactly as the model takes them (already encoded and scaled), flat. */
  z.object({ features: z.array(z.number()).min(1).max(10_000_000) }).strict()
])

export const PredictionSchema = z.object({
  runId: IdSchema,
  checkpointId: z.number().int(),
  task: z.enum(['classification', 'regression']),
  classNames: z.array(z.string()),
  /** Classification: one probability per class (sums to 1). */
  probabilities: z.array(z.number()),
  /** Classification: argmax class; null for regression. */
  predictedClass: z.number().int().nullable(),
  /** Regression: the predicted target value(s). */
  value: z.array(z.number()).nullable(),
  /** The model input as the model saw it (image: after resizing), for showing what was predicted. */
  inputShape: z.array(z.number().int())
})

export const DistributionPointSchema = z.object({
  layer: z.string(),
  /** 'kernel' / 'bias' weights, or 'activation' outputs on a fixed batch. */
  kind: z.enum(['weights', 'activations']),
  /** Weight name, e.g. "conv_1/kernel"; layer name for activations. */
  tensor: z.string(),
  epoch: z.number().int(),
  step: z.number().int(),
  count: z.number().int(),
  nonFinite: z.number().int(),
  min: Num,
  max: Num,
  mean: Num,
  std: Num,
  /** Values at DISTRIBUTION_PERCENTILES (0, 6.68, 15.87, 30.85, 50, 69.15, 84.13, 93.32, 100). */
  quantiles: z.array(Num),
  histogram: z.object({ edges: z.array(z.number()), counts: z.array(z.number().int()) })
})

export const FilterImageSchema = z.object({
  epoch: z.number().int(),
  layer: z.string(),
  /** A tiled grayscale/RGB image of the first layer's filters (or first Dense weights on images). */
  width: z.number().int(),
  height: z.number().int(),
  channels: z.number().int(),
  /** uint8 row-major pixels, base64. */
  pixels: z.string(),
  /** Tiles in the image: rows × cols, each tile tileHeight × tileWidth. */
  rows: z.number().int(),
  cols: z.number().int(),
  tileHeight: z.number().int(),
  tileWidth: z.number().int()
})

export const DistributionsSchema = z.object({
  runId: IdSchema,
  /** Tensors that have points, in model order. */
  tensors: z.array(z.object({ layer: z.string(), tensor: z.string(), kind: z.enum(['weights', 'activations']) })),
  points: z.array(DistributionPointSchema),
  filters: z.array(FilterImageSchema)
})

// ── request arguments (issue 4, main side) ──
export const ModelIdArgsSchema = z.object({ modelId: IdSchema }).strict()
export const ModelSaveArgsSchema = z.object({
  /** Absent: a new model. Present: a new version of it (only when the spec changed). */
  modelId: IdSchema.optional(),
  name: z.string().trim().min(1).max(120).optional(),
  description: z.string().max(2000).optional(),
  /** The graph spec; validated with parseGraphSpec and analyzeGraph (errors name the node). */
  spec: z.unknown(),
  note: z.string().max(500).optional(),
  /** Check the graph against this dataset too (input shape, output size, task). */
  datasetId: IdSchema.optional()
}).strict()
export const ModelImportArgsSchema = z.object({
  /** The text of a Keras / TF.js model.json (topology; weights are ignored). */
  json: z.string().min(2).max(50_000_000),
  name: z.string().trim().min(1).max(120).optional()
}).strict()
export const ModelExportArgsSchema = z.object({
  modelId: IdSchema,
  /** Default: the latest version. */
  version: z.number().int().min(1).optional(),
  /** 'studio' (default): the graph spec; 'keras': a Keras-2-style topology model.json. */
  format: z.enum(['studio', 'keras']).optional()
}).strict()
export const CheckpointIdSchema = z.number().int().min(1).max(2 ** 53 - 1)
export const ResumeFromArgsSchema = z.object({ runId: IdSchema, checkpointId: CheckpointIdSchema }).strict()
export const ForkArgsSchema = z.object({
  /** Optional check: the checkpoint must belong to this run. */
  runId: IdSchema.optional(),
  checkpointId: CheckpointIdSchema,
  /**
   * RunConfig fields to change (learning rate, epochs, optimizer, …); checked against RunConfigSchema
   * after merging. datasetId and model cannot change: the weights must fit them.
   */
  overrides: z.record(z.string(), z.unknown()).default({}),
  name: z.string().trim().min(1).max(120).optional()
}).strict()
export const ExportCheckpointArgsSchema = z.object({
  runId: IdSchema.optional(),
  checkpointId: CheckpointIdSchema,
  /**
   * Absolute folder to write into (Electron save dialog / CLI). Absent: <data dir>/exports/<run>-epoch-N.
   * Must not lie inside the studio's own runs/ or datasets/ folders.
   */
  destDir: z.string().min(1).max(4096).optional()
}).strict()
export const EvaluateArgsSchema = z.object({
  runId: IdSchema,
  /** Default: the run's best checkpoint. */
  checkpointId: CheckpointIdSchema.optional(),
  split: EvalSplitSchema
}).strict()
export const PredictArgsSchema = z.object({
  runId: IdSchema,
  checkpointId: CheckpointIdSchema.optional(),
  input: PredictInputSchema
}).strict()
