/**
 * The study view's data calls of issue 5 (detail, analysis, GP surrogate, budget hint, warm
 * start, delete) as small typed functions over `api.call`, like ./runActions. Study summaries and
 * the control buttons go through the studies store.
 */
import type { HpoParams, HpoSamplerConfig, HpoSearchSpace } from '@contract/types'
import { api } from './client'

export const hpoActions = {
  get: (studyId: string) => api.call('hpo:get', { studyId }),
  /** History, curves, parallel coordinates, slices, contour of `contour` (default: two most important), importance, timeline. */
  analysis: (studyId: string, contour?: { x: string; y: string }) => api.call('hpo:analysis', { studyId, ...(contour ? { contour } : {}) }),
  /** The GP refitted on the trials numbered < iteration (default all), over one or two parameters. */
  surrogate: (studyId: string, params: string[], acquisition: 'ei' | 'ucb' | 'pi', resolution: number, iteration?: number) =>
    api.call('hpo:surrogate', { studyId, params, acquisition, resolution, ...(iteration !== undefined ? { iteration } : {}) }),
  /** What `auto` picks and the budget hint for a space being edited. */
  hint: (space: HpoSearchSpace, sampler: HpoSamplerConfig, budgetTrials?: number) =>
    api.call('hpo:hint', { space, sampler, ...(budgetTrials !== undefined ? { budgetTrials } : {}) }),
  importTrials: (studyId: string, fromStudyId: string) => api.call('hpo:importTrials', { studyId, fromStudyId }),
  enqueue: (studyId: string, params: HpoParams[]) => api.call('hpo:enqueue', { studyId, params }),
  remove: (studyId: string) => api.call('hpo:delete', { studyId })
}
