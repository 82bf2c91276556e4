/**
 * Datasets beyond the samples (issue 3): detection of dropped files, import jobs in a worker
 * thread (progress, cancel), versions made by resplitting, rename/describe/delete, and the data the
 * dataset browser shows. StudioCore constructs one and merges its handlers into the contract's.
 */
import type { Requests } from '../../preload/contract/channels'
import { StudioError } from './errors'

/** The dataset channels this service implements. */
export type DatasetChannel =
  | 'datasets:inspect' | 'datasets:import' | 'datasets:cancelImport' | 'datasets:importJobs' | 'datasets:get'
  | 'datasets:rows' | 'datasets:images' | 'datasets:update' | 'datasets:delete' | 'datasets:resplit'

/** Handlers of the dataset channels, typed by the contract. */
export type DatasetHandlers = {
  [C in DatasetChannel]: (args: Requests[C]['args']) => Promise<Requests[C]['result']> | Requests[C]['result']
}

const notYet = (): never => { throw new StudioError('unavailable', 'Dataset import is not available in this build yet.') }

/** Placeholder handlers until the service lands: every channel answers `unavailable`. */
export function placeholderDatasetHandlers(): DatasetHandlers {
  return {
    'datasets:inspect': notYet, 'datasets:import': notYet, 'datasets:cancelImport': notYet,
    'datasets:importJobs': () => [], 'datasets:get': notYet, 'datasets:rows': notYet, 'datasets:images': notYet,
    'datasets:update': notYet, 'datasets:delete': notYet, 'datasets:resplit': notYet
  }
}
