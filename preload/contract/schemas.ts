/**
 * Runtime schemas for every payload that crosses into main (IPC, WebSocket, CLI) and every DTO
 * that comes back. Types for the rest of the code base are inferred from these (see ./types.ts),
 * so the schema and the type can never drift apart. Only main imports this file at runtime; the
 * renderer and the preload import types only.
 */
import { z } from 'zod'

/** Ids are opaque strings: short, URL-safe, never paths. */
export const IdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected an id of 1–64 letters, digits, _ or -')

export const OptimizerSchema = z.enum(['sgd', 'momentum', 'adam', 'rmsprop'])
export const ActivationSchema = z.enum(['relu', 'tanh', 'sigmoid', 'elu', 'selu', 'linear'])
export const ModelTemplateIdSchema = z.enum(['logreg', 'mlp', 'cnn'])
export const BackendNameSchema = z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'])
export const BackendPreferenceSchema = z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'])
export const RunStatusSchema = z.enum(['queued', 'running', 'completed', 'stopped', 'failed'])

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

/** A run's full configuration; stored verbatim as JSON with the run. */
export const RunConfigSchema = z.object({
  datasetId: IdSchema,
  name: z.string().max(120).optional(),
  model: ModelSpecSchema,
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
  threads: z.number().int().min(1).max(256).optional()
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
  /**
   * Which training engine runs (issue 6): "studio engine, native kernels (avx2-fma), 2 threads",
   * "studio engine, WebAssembly SIMD kernels, …", or "TF.js model.fit (…why)". Absent in records
   * written before the engine existed.
   */
  engine: z.string().optional()
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
  error: z.string().nullable()
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
  createdAt: z.number()
})

export const RunDetailSchema = z.object({
  summary: RunSummarySchema,
  config: RunConfigSchema,
  backendInfo: BackendInfoSchema.nullable(),
  checkpoints: z.array(CheckpointInfoSchema),
  paramCount: z.number().int().nullable()
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
  backendHint: z.string().nullable()
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
    skipped: z.array(z.object({ name: z.string(), reason: z.string() }))
  }).nullable(),
  classNames: z.array(z.string()),
  proposedTarget: z.string().nullable(),
  proposedTask: TaskSchema,
  /** The format comes with a train/test split (IDX, CIFAR). */
  officialSplit: z.boolean(),
  suggestedName: z.string(),
  warnings: z.array(z.string())
})

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
  offset: z.number().int().optional()
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
  warnings: z.array(z.string())
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
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
  warnings: z.array(z.string()),
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
