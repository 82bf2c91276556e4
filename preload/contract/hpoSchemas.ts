/**
 * HPO studies (issue 5): the request arguments and DTOs of the `hpo:*` channels. Kept apart from
 * ./schemas (which it imports) so the two files can change independently; like ./schemas, only
 * main imports it at runtime, the renderer imports the inferred types from ./types.
 *
 * Shapes mirror main/hpo (space.ts, factory.ts, analysis.ts, samplers/gpSampler.ts); main
 * re-validates a space semantically (parseSearchSpace) and a sampler/pruner with the factory.
 */
import { z } from 'zod'
import { IdSchema, RunConfigSchema } from './schemas'

// ── search space ────────────────────────────────────────────────────────────────────────────────
export const HpoParamValueSchema = z.union([z.number(), z.string(), z.boolean()])
/** One configuration: dotted path ("learningRate", "model.hidden.0") → value. */
export const HpoParamsSchema = z.record(z.string().max(200), HpoParamValueSchema)
const conditionSchema = z.object({ parent: z.string(), values: z.array(HpoParamValueSchema).min(1) }).strict()
const paramBase = { name: z.string().min(1).max(200), when: conditionSchema.optional() }
export const HpoParamSpecSchema = z.discriminatedUnion('kind', [
  z.object({ ...paramBase, kind: z.literal('float'), low: z.number(), high: z.number(), log: z.boolean().optional(), step: z.number().optional() }).strict(),
  z.object({ ...paramBase, kind: z.literal('int'), low: z.number(), high: z.number(), log: z.boolean().optional(), step: z.number().optional() }).strict(),
  z.object({ ...paramBase, kind: z.literal('discrete'), values: z.array(z.number()).min(1) }).strict(),
  z.object({ ...paramBase, kind: z.literal('categorical'), choices: z.array(HpoParamValueSchema).min(1) }).strict()
])
export const HpoSearchSpaceSchema = z.object({ params: z.array(HpoParamSpecSchema).min(1).max(64) }).strict()

// ── sampler / pruner (same JSON as main/hpo/factory.ts) ─────────────────────────────────────────
const seed = z.number().int().optional()
export const HpoSamplerConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('auto'), seed }).strict(),
  z.object({ kind: z.literal('random'), seed }).strict(),
  z.object({ kind: z.literal('grid'), seed, pointsPerContinuous: z.number().int().min(1).optional() }).strict(),
  z.object({ kind: z.literal('sobol'), seed, scramble: z.boolean().optional() }).strict(),
  z.object({ kind: z.literal('lhs'), seed, lhsSize: z.number().int().min(1).optional() }).strict(),
  z.object({
    kind: z.literal('tpe'), seed, nStartupTrials: z.number().int().min(0).optional(), nEiCandidates: z.number().int().min(1).optional(),
    multivariate: z.boolean().optional(), constantLiar: z.boolean().optional(), priorWeight: z.number().positive().optional()
  }).strict(),
  z.object({
    kind: z.literal('gp'), seed, nInitial: z.number().int().min(1).optional(), initialDesign: z.enum(['random', 'sobol']).optional(),
    acquisition: z.enum(['ei', 'ucb', 'pi']).optional(), xi: z.number().min(0).optional(), kappa: z.number().min(0).optional(),
    liar: z.enum(['max', 'mean', 'min']).optional()
  }).strict()
])
export const HpoPrunerConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('median'), nStartupTrials: z.number().int().min(0).optional(), nWarmupSteps: z.number().int().min(0).optional(), intervalSteps: z.number().int().min(1).optional(), nMinTrials: z.number().int().min(1).optional() }).strict(),
  z.object({ kind: z.literal('percentile'), percentile: z.number().min(0).max(100), nStartupTrials: z.number().int().min(0).optional(), nWarmupSteps: z.number().int().min(0).optional(), intervalSteps: z.number().int().min(1).optional(), nMinTrials: z.number().int().min(1).optional() }).strict(),
  z.object({ kind: z.literal('asha'), minResource: z.union([z.number().int().min(1), z.literal('auto')]).optional(), reductionFactor: z.number().min(2).optional(), minEarlyStoppingRate: z.number().int().min(0).optional(), bootstrapCount: z.number().int().min(0).optional() }).strict(),
  z.object({ kind: z.literal('hyperband'), minResource: z.number().int().min(1).optional(), maxResource: z.union([z.number().int().min(1), z.literal('auto')]).optional(), reductionFactor: z.number().min(2).optional(), bootstrapCount: z.number().int().min(0).optional() }).strict()
])

// ── study settings ──────────────────────────────────────────────────────────────────────────────
export const HpoDirectionSchema = z.enum(['minimize', 'maximize'])
/** What a study optimizes: a metric the run logs per epoch (e.g. `epoch/val_acc`, `epoch/val_loss`). */
export const HpoObjectiveSchema = z.object({
  metric: z.string().min(1).max(64),
  direction: HpoDirectionSchema
}).strict()
/** At least one of the two; the study ends at whichever comes first. */
export const HpoBudgetSchema = z.object({
  /** Trials that finish (complete or pruned; failed ones count unless retried). */
  trials: z.number().int().min(1).max(10000).optional(),
  /** Wall time from the first start, paused time excluded (ms). */
  wallTimeMs: z.number().int().min(1000).max(30 * 24 * 3600_000).optional()
}).strict().refine((b) => b.trials !== undefined || b.wallTimeMs !== undefined, { message: 'expected a budget of trials and/or wallTimeMs' })
/**
 * What happens to failed trials: `count` = a failure uses up a trial of the budget; `retry` = its
 * configuration is re-queued up to `maxRetries` times (then it counts).
 * `onInterrupted`: trials that were running when the studio stopped (crash, kill -9) are marked
 * failed and, with `requeue`, their configuration is queued again.
 */
export const HpoRetryPolicySchema = z.object({
  onFailure: z.enum(['count', 'retry']).default('count'),
  maxRetries: z.number().int().min(0).max(10).default(1),
  onInterrupted: z.enum(['fail', 'requeue']).default('requeue')
}).strict()

/** The study form / study.json: everything a study needs. Defaults are filled in by main. */
export const HpoStudyInputSchema = z.object({
  name: z.string().min(1).max(120),
  /** The run every trial starts from; the space's dotted paths are written into a copy of it. */
  baseConfig: RunConfigSchema,
  space: HpoSearchSpaceSchema,
  objective: HpoObjectiveSchema,
  sampler: HpoSamplerConfigSchema.default({ kind: 'auto' }),
  pruner: HpoPrunerConfigSchema.default({ kind: 'none' }),
  budget: HpoBudgetSchema,
  /** Trainer processes at once (each gets max(1, ⌊cores / parallelism⌋) threads). */
  parallelism: z.number().int().min(1).max(32).default(1),
  retry: HpoRetryPolicySchema.default({ onFailure: 'count', maxRetries: 1, onInterrupted: 'requeue' }),
  /** Seeds the sampler when its config has no seed. */
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  /** Warm start: configurations evaluated first, in order. */
  enqueue: z.array(HpoParamsSchema).max(1000).optional()
}).strict()

/**
 * `draft` (created, never started) → `running` ⇄ `paused` → `completed` (budget used) | `stopped`
 * (by the user). `pausing`: paused while trials still finish (pause mode `finish`).
 */
export const HpoStudyStateSchema = z.enum(['draft', 'running', 'pausing', 'paused', 'completed', 'stopped'])
export const HpoTrialStateSchema = z.enum(['waiting', 'running', 'complete', 'pruned', 'failed'])

/** A sentence for the UI in both languages, with an i18n key and its values. */
export const HpoExplainedSchema = z.object({
  key: z.string(),
  values: z.record(z.string(), z.union([z.number(), z.string()])),
  en: z.string(),
  ko: z.string()
})

export const HpoEtaSchema = z.object({
  /** ms until the study is expected to end; null while no trial has finished. */
  msRemaining: z.number().nullable(),
  trialsToStart: z.number().int(),
  /** Median duration of finished trials (ms). */
  medianTrialMs: z.number().nullable(),
  endsByDeadline: z.boolean()
})

export const HpoTrialInfoSchema = z.object({
  number: z.number().int(),
  state: HpoTrialStateSchema,
  params: HpoParamsSchema,
  /** Objective value: complete trials; pruned ones carry the last intermediate value. */
  value: z.number().nullable(),
  /** [step (epoch, 0-based), objective value] in step order. */
  intermediate: z.array(z.tuple([z.number().int(), z.number()])),
  runId: z.string().nullable(),
  /** Trainer slot, "w0" … "w{N-1}". */
  worker: z.string().nullable(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  /** Why it failed (or "interrupted…"/"stopped…"). */
  error: z.string().nullable(),
  /** Number of the trial this one retries (failure retry or crash re-queue). */
  retryOf: z.number().int().nullable(),
  /** "study-id#number" for trials imported from another study. */
  importedFrom: z.string().nullable()
})

export const HpoCountsSchema = z.object({
  total: z.number().int(), waiting: z.number().int(), running: z.number().int(),
  complete: z.number().int(), pruned: z.number().int(), failed: z.number().int()
})

export const HpoStudySummarySchema = z.object({
  id: IdSchema,
  name: z.string(),
  state: HpoStudyStateSchema,
  objective: HpoObjectiveSchema,
  /** The sampler that actually proposes (`auto` resolved to gp or tpe). */
  samplerKind: z.string(),
  prunerKind: z.string(),
  budget: z.object({ trials: z.number().int().nullable(), wallTimeMs: z.number().int().nullable() }),
  parallelism: z.number().int(),
  /** Threads each trainer gets: max(1, ⌊cores / parallelism⌋). */
  threadsPerTrial: z.number().int(),
  counts: HpoCountsSchema,
  best: z.object({ number: z.number().int(), value: z.number(), params: HpoParamsSchema, runId: z.string().nullable() }).nullable(),
  datasetId: z.string(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  /** Running time so far, paused time excluded (ms). */
  elapsedMs: z.number(),
  /** Null until the study has run. */
  eta: HpoEtaSchema.nullable(),
  /** Why the study is stopped/failed to continue (e.g. the dataset was deleted); null otherwise. */
  message: z.string().nullable()
})

export const HpoStudyDetailSchema = z.object({
  summary: HpoStudySummarySchema,
  space: HpoSearchSpaceSchema,
  sampler: HpoSamplerConfigSchema,
  pruner: HpoPrunerConfigSchema,
  retry: HpoRetryPolicySchema,
  seed: z.number().int(),
  baseConfig: RunConfigSchema,
  /** Why `auto` picked the GP or TPE (null for an explicit sampler). */
  samplerReason: HpoExplainedSchema.nullable(),
  /** "GP works well up to ~100 trials in ≤ 8 dimensions; expect about N trials…". */
  hint: HpoExplainedSchema.extend({ suggestedTrials: z.number().int() }),
  trials: z.array(HpoTrialInfoSchema)
})

// ── analysis ────────────────────────────────────────────────────────────────────────────────────
export const HpoAnalysisSchema = z.object({
  studyId: IdSchema,
  direction: HpoDirectionSchema,
  /** Complete trials in number order with the best-so-far line. */
  history: z.array(z.object({ number: z.number().int(), value: z.number(), best: z.number(), isBest: z.boolean() })),
  /** Learning curves (objective per epoch); pruned trials flagged. */
  intermediate: z.array(z.object({ number: z.number().int(), state: HpoTrialStateSchema, pruned: z.boolean(), points: z.array(z.tuple([z.number(), z.number()])) })),
  parallel: z.object({
    axes: z.array(z.object({ name: z.string(), kind: z.enum(['numeric', 'log', 'category']), categories: z.array(HpoParamValueSchema).optional(), min: z.number().optional(), max: z.number().optional() })),
    /** values[i] belongs to axes[i] (null: inactive conditional); the last axis is the objective. */
    rows: z.array(z.object({ number: z.number().int(), values: z.array(HpoParamValueSchema.nullable()), objective: z.number() }))
  }),
  /** Per parameter: the complete trials where it was active. */
  slices: z.record(z.string(), z.array(z.object({ value: HpoParamValueSchema, objective: z.number(), number: z.number().int() }))),
  /** Contour points for the requested pair (default: the two most important parameters); null with < 2 parameters. */
  contour: z.object({
    x: z.string(), y: z.string(),
    points: z.array(z.object({ x: HpoParamValueSchema, y: HpoParamValueSchema, objective: z.number(), number: z.number().int() }))
  }).nullable(),
  importance: z.object({
    /** Always `mdi-random-forest`: mean decrease in impurity of a 64-tree random forest (Optuna's MDI evaluator), not fANOVA. */
    method: z.literal('mdi-random-forest'),
    values: z.array(z.object({ name: z.string(), importance: z.number() }))
  }),
  /** Worker lane → bars in start order. */
  timeline: z.record(z.string(), z.array(z.object({ number: z.number().int(), state: HpoTrialStateSchema, start: z.number(), end: z.number() }))),
  eta: HpoEtaSchema.nullable(),
  hint: HpoExplainedSchema.extend({ suggestedTrials: z.number().int() })
})

/** The GP surrogate over one or two parameters (GPyOpt's plot_acquisition). Grids are row-major: i0·len(axes[1]) + i1. */
export const HpoSurrogateSchema = z.object({
  axes: z.array(z.object({ name: z.string(), values: z.array(HpoParamValueSchema) })),
  mean: z.array(z.number()),
  sd: z.array(z.number()),
  acquisition: z.array(z.number()),
  acquisitionKind: z.enum(['ei', 'ucb', 'pi']),
  /** Values the other parameters were held at (the best trial's by default). */
  fixed: HpoParamsSchema,
  /** Complete trials used for the fit (those numbered < iteration). */
  points: z.array(z.object({ number: z.number().int(), values: z.array(HpoParamValueSchema), value: z.number() })),
  /** The surrogate as of this many trials. */
  iteration: z.number().int()
})

/** Answer of `hpo:hint` for the study form before a study exists. */
export const HpoHintSchema = z.object({
  /** Problems with the space (validateSearchSpace), empty when usable. */
  errors: z.array(z.string()),
  /** What `auto` would pick (or the explicit sampler's model kind); null for non-model samplers. */
  samplerKind: z.string(),
  reason: HpoExplainedSchema.nullable(),
  hint: HpoExplainedSchema.extend({ suggestedTrials: z.number().int() }).nullable(),
  /** Encoded dimensions (a categorical counts one per choice). */
  dims: z.number().int()
})

export const HpoTrialEventSchema = z.object({ studyId: IdSchema, trial: HpoTrialInfoSchema })

// ── request arguments ───────────────────────────────────────────────────────────────────────────
export const HpoStudyIdArgsSchema = z.object({ studyId: IdSchema }).strict()
export const HpoCreateArgsSchema = z.object({ study: HpoStudyInputSchema, start: z.boolean().optional() }).strict()
/** `finish`: no new trials, running ones finish (state `pausing` → `paused`); `stop`: running trials are stopped and re-queued. */
export const HpoPauseArgsSchema = z.object({ studyId: IdSchema, mode: z.enum(['finish', 'stop']).default('finish') }).strict()
export const HpoExtendArgsSchema = z.object({
  studyId: IdSchema,
  addTrials: z.number().int().min(1).max(10000).optional(),
  addWallTimeMs: z.number().int().min(1000).optional()
}).strict().refine((a) => a.addTrials !== undefined || a.addWallTimeMs !== undefined, { message: 'expected addTrials and/or addWallTimeMs' })
export const HpoEnqueueArgsSchema = z.object({ studyId: IdSchema, params: z.array(HpoParamsSchema).min(1).max(1000) }).strict()
export const HpoImportTrialsArgsSchema = z.object({ studyId: IdSchema, fromStudyId: IdSchema }).strict()
export const HpoAnalysisArgsSchema = z.object({ studyId: IdSchema, contour: z.object({ x: z.string(), y: z.string() }).strict().optional() }).strict()
export const HpoSurrogateArgsSchema = z.object({
  studyId: IdSchema,
  params: z.array(z.string()).min(1).max(2),
  /** Fit on the trials numbered < iteration (default: all). */
  iteration: z.number().int().min(2).optional(),
  resolution: z.number().int().min(2).max(200).optional(),
  acquisition: z.enum(['ei', 'ucb', 'pi']).optional(),
  fixed: HpoParamsSchema.optional()
}).strict()
export const HpoHintArgsSchema = z.object({
  space: z.unknown(),
  sampler: HpoSamplerConfigSchema.optional(),
  budgetTrials: z.number().int().min(1).optional()
}).strict()
