/**
 * `meta.json`, written next to the tensor cache of every imported dataset: what the browser shows
 * (column summaries, correlation, first-look charts, class distribution), how the features were
 * encoded (so the rows view can undo it and a resplit can rescale), and where the data came from.
 * The cache format itself is unchanged: the trainer never reads this file.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type {
  ChartProposal, ColumnSummary, DatasetDetail, DatasetFormat, ImportOptions, ImportWarning, SkippedFile, SplitPercents
} from '../../preload/contract/types'

/** How one source column became feature values (tabular datasets). */
export interface FeatureLayout {
  name: string
  type: 'numeric' | 'categorical' | 'boolean' | 'date'
  /** First feature index and how many it takes (one-hot: one per category). */
  offset: number
  width: number
  encoding: 'onehot' | 'index' | 'standardize' | 'minmax' | 'none'
  /** Categories by code (categorical). */
  categories?: string[]
  /** stored = (raw - shift) / div; raw = stored × div + shift. */
  shift: number
  div: number
}

export interface DatasetMeta {
  metaVersion: 1
  format: DatasetFormat
  /** sha256 over the source bytes and the import options: same key ⇒ same dataset. */
  sourceKey: string
  sources: { name: string; bytes: number }[]
  split: { percents: SplitPercents; seed: number; stratified: boolean; official: boolean }
  columns: ColumnSummary[]
  target: string | null
  layout: FeatureLayout[]
  correlation: DatasetDetail['correlation']
  charts: ChartProposal[]
  classDistribution: DatasetDetail['classDistribution']
  skipped: SkippedFile[]
  /** Coded warnings; plain strings in datasets imported before the codes. */
  warnings: ImportWarning[]
  view: DatasetDetail['view']
  /** Options the dataset was imported with (resplit keeps them). */
  options: ImportOptions
}

export const META_FILE = 'meta.json'

/** Reads meta.json of a cache folder; null for samples and datasets imported before it existed. */
export function readMeta(dir: string): DatasetMeta | null {
  const f = path.join(dir, META_FILE)
  if (!existsSync(f)) return null
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as DatasetMeta
  } catch {
    return null
  }
}
