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
  backend: BackendPreferenceSchema.default('auto')
}).strict()

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
  suggested: ModelSpecSchema
})

export const BackendInfoSchema = z.object({
  name: BackendNameSchema,
  /** Human words for the device: "CUDA GPU", "CPU (libtensorflow)", "WebAssembly, 1 thread", … */
  device: z.string(),
  /** Why a better backend was not used, when it was not. */
  fallbackReason: z.string().optional()
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

/** Column-oriented metric points: cheap to ship and to append to chart series. */
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
