/**
 * The public surface of the HPO core, for the study coordinator, the SQLite storage, the CLI and
 * the views. Import from here rather than from individual files.
 */
export * from './types'
export * from './space'
export { Study, type StudyOptions } from './study'
export { MemoryStorage } from './memoryStorage'
export { Rng } from './random'
export { RandomSampler, sampleUniform } from './samplers/randomSampler'
export { GridSampler, enumerateGrid, gridValues } from './samplers/gridSampler'
export { QMCSampler, type QMCOptions } from './samplers/qmcSampler'
export { TPESampler, type TPEOptions } from './samplers/tpeSampler'
export { GPSampler, surrogateSlice, type GPOptions, type SliceOptions, type SurrogateSlice, type SliceAxis } from './samplers/gpSampler'
export { autoSampler, budgetHint, suggestedTrials, type AutoChoice, type Explained } from './samplers/autoSampler'
export { NopPruner } from './pruners/nopPruner'
export { MedianPruner, PercentilePruner, type PercentileOptions } from './pruners/percentilePruner'
export { SuccessiveHalvingPruner, rungKey, type SuccessiveHalvingOptions } from './pruners/successiveHalvingPruner'
export { HyperbandPruner, type HyperbandOptions } from './pruners/hyperbandPruner'
export { bestSoFar, bestParams, sliceData, contourData, parameterImportance, estimateTimeToFinish, timeline, intermediateCurves, parallelCoordinates, type HistoryPoint, type Eta, type EtaInput, type ImportanceOptions, type TimelineBar, type ParallelAxis } from './analysis'
export { expectedImprovement, probabilityOfImprovement, upperConfidenceBound, type AcquisitionKind } from './gp'
export { createSampler, createPruner, samplerConfigSchema, prunerConfigSchema, type SamplerConfig, type PrunerConfig } from './factory'
