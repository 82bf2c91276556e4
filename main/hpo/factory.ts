import { z } from 'zod'
import { HyperbandPruner } from './pruners/hyperbandPruner'
import { NopPruner } from './pruners/nopPruner'
import { MedianPruner, PercentilePruner } from './pruners/percentilePruner'
import { SuccessiveHalvingPruner } from './pruners/successiveHalvingPruner'
import { autoSampler } from './samplers/autoSampler'
import { GPSampler } from './samplers/gpSampler'
import { GridSampler } from './samplers/gridSampler'
import { QMCSampler } from './samplers/qmcSampler'
import { RandomSampler } from './samplers/randomSampler'
import { TPESampler } from './samplers/tpeSampler'
import type { SearchSpace } from './space'
import type { Pruner, Sampler } from './types'

const seed = z.number().int().optional()

/**
 * The JSON a study stores for its sampler (`studies.sampler`) and the CLI's study.json accepts.
 * `auto` resolves to GP or TPE by {@link autoSampler} when the study starts.
 */
export const samplerConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('auto'), seed }),
  z.object({ kind: z.literal('random'), seed }),
  z.object({ kind: z.literal('grid'), seed, pointsPerContinuous: z.number().int().min(1).optional() }),
  z.object({ kind: z.literal('sobol'), seed, scramble: z.boolean().optional() }),
  z.object({ kind: z.literal('lhs'), seed, lhsSize: z.number().int().min(1).optional() }),
  z.object({
    kind: z.literal('tpe'),
    seed,
    nStartupTrials: z.number().int().min(0).optional(),
    nEiCandidates: z.number().int().min(1).optional(),
    multivariate: z.boolean().optional(),
    constantLiar: z.boolean().optional(),
    priorWeight: z.number().positive().optional()
  }),
  z.object({
    kind: z.literal('gp'),
    seed,
    nInitial: z.number().int().min(1).optional(),
    initialDesign: z.enum(['random', 'sobol']).optional(),
    acquisition: z.enum(['ei', 'ucb', 'pi']).optional(),
    xi: z.number().min(0).optional(),
    kappa: z.number().min(0).optional(),
    liar: z.enum(['max', 'mean', 'min']).optional()
  })
])
/** A saved sampler configuration. */
export type SamplerConfig = z.infer<typeof samplerConfigSchema>

/** The JSON a study stores for its pruner (`studies.pruner`). */
export const prunerConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('median'), nStartupTrials: z.number().int().min(0).optional(), nWarmupSteps: z.number().int().min(0).optional(), intervalSteps: z.number().int().min(1).optional(), nMinTrials: z.number().int().min(1).optional() }),
  z.object({ kind: z.literal('percentile'), percentile: z.number().min(0).max(100), nStartupTrials: z.number().int().min(0).optional(), nWarmupSteps: z.number().int().min(0).optional(), intervalSteps: z.number().int().min(1).optional(), nMinTrials: z.number().int().min(1).optional() }),
  z.object({ kind: z.literal('asha'), minResource: z.union([z.number().int().min(1), z.literal('auto')]).optional(), reductionFactor: z.number().min(2).optional(), minEarlyStoppingRate: z.number().int().min(0).optional(), bootstrapCount: z.number().int().min(0).optional() }),
  z.object({ kind: z.literal('hyperband'), minResource: z.number().int().min(1).optional(), maxResource: z.union([z.number().int().min(1), z.literal('auto')]).optional(), reductionFactor: z.number().min(2).optional(), bootstrapCount: z.number().int().min(0).optional() })
])
/** A saved pruner configuration. */
export type PrunerConfig = z.infer<typeof prunerConfigSchema>

function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}

/**
 * Builds the sampler a saved configuration describes (validated with zod first; throws on a bad
 * one). Called by the coordinator when a study starts or resumes; `budget` feeds `auto`.
 */
export function createSampler(config: unknown, space: SearchSpace, budget?: number): Sampler {
  const c = samplerConfigSchema.parse(config)
  switch (c.kind) {
    case 'auto':
      return autoSampler(space, budget, c.seed ?? 0).sampler
    case 'random':
      return new RandomSampler(c.seed ?? 0)
    case 'grid':
      return new GridSampler(c.seed ?? 0, c.pointsPerContinuous ?? 5)
    case 'sobol':
      return new QMCSampler(defined({ kind: 'sobol' as const, seed: c.seed, scramble: c.scramble }))
    case 'lhs':
      return new QMCSampler(defined({ kind: 'lhs' as const, seed: c.seed, lhsSize: c.lhsSize }))
    case 'tpe':
      return new TPESampler(defined({ ...c, kind: undefined }))
    case 'gp':
      return new GPSampler(defined({ ...c, kind: undefined }))
  }
}

/** Builds the pruner a saved configuration describes (validated with zod; throws on a bad one). */
export function createPruner(config: unknown): Pruner {
  const c = prunerConfigSchema.parse(config)
  switch (c.kind) {
    case 'none':
      return new NopPruner()
    case 'median':
      return new MedianPruner(defined({ ...c, kind: undefined }))
    case 'percentile':
      return new PercentilePruner(c.percentile, defined({ ...c, kind: undefined, percentile: undefined }))
    case 'asha':
      return new SuccessiveHalvingPruner(defined({ ...c, kind: undefined }))
    case 'hyperband':
      return new HyperbandPruner(defined({ ...c, kind: undefined }))
  }
}
