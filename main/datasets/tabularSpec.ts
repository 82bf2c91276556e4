/**
 * From a read table to a dataset: target → labels, split (stratified, seeded), per-feature
 * encoding (one-hot / index categories, standardize / min-max numbers) with statistics of the
 * train split only, missing values filled from train, plus everything the browser shows about
 * the columns (summaries, histograms, correlation, first-look charts).
 */
import type { ChartProposal, CodedWarning, ColumnSummary, ImportOptions, SplitPercents, Task } from '../../preload/contract/types'
import { warn } from './warnings'
import type { DatasetSpec } from './datasetWriter'
import type { DatasetMeta, FeatureLayout } from './datasetMeta'
import { ImportError, detail } from './importError'
import { splitIndices3, type SplitIndices3 } from './stratifiedSplit'
import type { StoredColumn, Table } from './tabular'

export interface TabularBuild {
  spec: DatasetSpec
  splits: SplitIndices3
  layout: FeatureLayout[]
  columns: ColumnSummary[]
  correlation: DatasetMeta['correlation']
  charts: ChartProposal[]
  target: string
  warnings: CodedWarning[]
}

function numericSortable(names: string[]): boolean {
  return names.every((n) => n.trim() !== '' && Number.isFinite(Number(n)))
}

/** Builds labels, split and encoders; throws the typed errors for unusable targets. */
export function buildTabular(table: Table, task: Task, opts: ImportOptions, percents: SplitPercents, seed: number, name: string): TabularBuild {
  const warnings: CodedWarning[] = []
  const targetCol = table.columns.find((c) => c.plan.role === 'target')
  if (!targetCol) throw new ImportError('bad_option', 'Choose a target column (the value to predict).', {}, detail('chooseTarget'))
  const n = table.rows
  let labels: Int32Array | Float32Array
  let classNames: string[] = []
  if (task === 'classification') {
    const dict = targetCol.dict!
    const order = dict.map((_, i) => i)
    if (numericSortable(dict)) order.sort((a, b) => Number(dict[a]) - Number(dict[b]))
    else order.sort((a, b) => (dict[a]! < dict[b]! ? -1 : dict[a]! > dict[b]! ? 1 : 0))
    const remap = new Int32Array(dict.length)
    order.forEach((old, neu) => { remap[old] = neu })
    classNames = order.map((i) => dict[i]!)
    // Remapped in place: a second label array would be one more copy at the peak.
    const codes = targetCol.values as Int32Array
    for (let i = 0; i < n; i++) codes[i] = codes[i]! < 0 ? -1 : remap[codes[i]!]!
    labels = codes
    const used = new Set<number>()
    for (let i = 0; i < n; i++) if (!table.dropped[i]) used.add(labels[i]!)
    if (used.size < 2) {
      throw new ImportError('single_value_target',
        `${table.file}: the target column "${targetCol.plan.name}" has a single value (${JSON.stringify(classNames[[...used][0] ?? 0] ?? '')}) in every row; classification needs at least two classes. Pick another target column.`,
        { file: table.file }, detail('singleValueTarget', { file: table.file, column: targetCol.plan.name, value: classNames[[...used][0] ?? 0] ?? '' }))
    }
    if (classNames.length > 1000) {
      throw new ImportError('bad_option', `${table.file}: the target column "${targetCol.plan.name}" has ${classNames.length} distinct values — too many classes. Choose regression or another target.`, { file: table.file }, detail('tooManyClasses', { file: table.file, column: targetCol.plan.name, count: classNames.length }))
    }
  } else {
    labels = targetCol.values as Float32Array
    let lo = Infinity
    let hi = -Infinity
    for (let i = 0; i < n; i++) if (!table.dropped[i]) { const v = labels[i]!; if (v < lo) lo = v; if (v > hi) hi = v }
    if (!(hi > lo)) {
      throw new ImportError('single_value_target', `${table.file}: the target column "${targetCol.plan.name}" has the same value (${lo}) in every row; there is nothing to predict. Pick another target column.`, { file: table.file }, detail('singleValueTarget', { file: table.file, column: targetCol.plan.name, value: lo }))
    }
  }
  if (table.droppedCount) {
    warnings.push(warn.rowsDropped(table.droppedCount, n, opts.missing === 'drop'))
  }
  const kept = new Int32Array(n - table.droppedCount)
  for (let i = 0, k = 0; i < n; i++) if (!table.dropped[i]) kept[k++] = i
  if (kept.length < 2) throw new ImportError('no_data', `${table.file}: fewer than two usable rows after dropping rows with missing values.`, { file: table.file }, detail('tooFewRows', { file: table.file }))
  const splits = splitIndices3(kept, task === 'classification' ? labels : null, percents, seed)

  // Encoders from train rows only.
  const scaling = opts.scaling ?? 'standardize'
  const layout: FeatureLayout[] = []
  const fills: number[] = []
  const feats = table.columns.filter((c) => c.plan.role === 'feature' && c.plan.type !== 'text')
  if (!feats.length) throw new ImportError('bad_option', `${table.file}: no feature columns left (every other column is text or ignored).`, { file: table.file }, detail('noFeatures', { file: table.file }))
  let offset = 0
  for (const c of feats) {
    const t = c.plan.type as FeatureLayout['type']
    if (t === 'categorical') {
      const counts = new Float64Array(c.dict!.length)
      const v = c.values as Int32Array
      for (let k = 0; k < splits.train.length; k++) { const x = v[splits.train[k]!]!; if (x >= 0) counts[x]!++ }
      let mode = 0
      for (let j = 1; j < counts.length; j++) if (counts[j]! > counts[mode]!) mode = j
      fills.push(mode)
      const width = c.plan.encoding === 'index' ? 1 : Math.max(1, c.dict!.length)
      layout.push({ name: c.plan.name, type: t, offset, width, encoding: c.plan.encoding, categories: c.dict!, shift: 0, div: 1 })
      offset += width
      continue
    }
    const v = c.values as Float32Array
    let sum = 0; let cnt = 0; let lo = Infinity; let hi = -Infinity
    for (let k = 0; k < splits.train.length; k++) {
      const x = v[splits.train[k]!]!
      if (x !== x) continue
      sum += x; cnt++
      if (x < lo) lo = x
      if (x > hi) hi = x
    }
    const mean = cnt ? sum / cnt : 0
    if (t === 'boolean') {
      fills.push(mean >= 0.5 ? 1 : 0)
      layout.push({ name: c.plan.name, type: t, offset, width: 1, encoding: 'none', shift: 0, div: 1 })
      offset++
      continue
    }
    let ss = 0
    for (let k = 0; k < splits.train.length; k++) { const x = v[splits.train[k]!]!; if (x === x) ss += (x - mean) ** 2 }
    const sd = cnt ? Math.sqrt(ss / cnt) : 0
    fills.push(mean)
    const enc = scaling
    const shift = enc === 'standardize' ? mean : enc === 'minmax' ? (Number.isFinite(lo) ? lo : 0) : 0
    const div = enc === 'standardize' ? sd || 1 : enc === 'minmax' ? (hi > lo ? hi - lo : 1) : 1
    layout.push({ name: c.plan.name, type: t, offset, width: 1, encoding: enc, shift, div })
    offset++
  }
  const size = offset
  const featureNames: string[] = []
  for (const l of layout) {
    if (l.encoding === 'onehot') for (const cat of l.categories!) featureNames.push(`${l.name}=${cat}`)
    else featureNames.push(l.name)
  }

  const cols = feats.map((c) => c.values)
  const gather = (idx: Int32Array, out: Float32Array | Uint8Array) => {
    const o = out as Float32Array
    o.fill(0)
    for (let r = 0; r < idx.length; r++) {
      const i = idx[r]!
      const base = r * size
      for (let f = 0; f < layout.length; f++) {
        const l = layout[f]!
        const col = cols[f]!
        if (l.type === 'categorical') {
          let code = (col as Int32Array)[i]!
          if (code < 0) code = fills[f]!
          if (l.encoding === 'onehot') o[base + l.offset + code] = 1
          else o[base + l.offset] = code
        } else {
          let x = (col as Float32Array)[i]!
          if (x !== x) x = fills[f]!
          o[base + l.offset] = (x - l.shift) / l.div
        }
      }
    }
  }

  const spec: DatasetSpec = {
    name, task, inputShape: [size], classNames: task === 'classification' ? classNames : [], featureNames,
    xDtype: 'float32', xScale: 1, count: n, labels: task === 'classification' ? labels : labels, gather
  }
  const columns = summarizeColumns(table, task, classNames, labels)
  const correlation = correlationOf(table, task, labels)
  const charts = firstLook(columns, correlation, table, task, labels, targetCol.plan.name)
  return { spec, splits, layout, columns, correlation, charts, target: targetCol.plan.name, warnings }
}

const BINS = 20

/** Summary, histogram and top values of a numeric array (NaN = missing). */
export function numericSummary(v: ArrayLike<number>): Pick<ColumnSummary, 'min' | 'max' | 'mean' | 'std' | 'histogram' | 'distinct'> {
  let lo = Infinity; let hi = -Infinity; let sum = 0; let cnt = 0
  for (let i = 0; i < v.length; i++) { const x = v[i]!; if (x !== x) continue; cnt++; sum += x; if (x < lo) lo = x; if (x > hi) hi = x }
  if (!cnt) return { min: null, max: null, mean: null, std: null, histogram: null, distinct: 0 }
  const mean = sum / cnt
  let ss = 0
  for (let i = 0; i < v.length; i++) { const x = v[i]!; if (x === x) ss += (x - mean) ** 2 }
  const counts = new Array<number>(BINS).fill(0)
  const w = (hi - lo) / BINS || 1
  const distinct = new Set<number>()
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!
    if (x !== x) continue
    if (distinct.size < 1000) distinct.add(x)
    counts[Math.min(BINS - 1, Math.floor((x - lo) / w))]!++
  }
  const edges = Array.from({ length: BINS + 1 }, (_, k) => lo + k * w)
  return { min: lo, max: hi, mean, std: Math.sqrt(ss / cnt), histogram: { edges, counts }, distinct: distinct.size }
}

function topOf(counts: Map<string, number>): { value: string; count: number }[] {
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([value, count]) => ({ value, count }))
}

function summarizeColumns(table: Table, task: Task, classNames: string[], labels: Int32Array | Float32Array): ColumnSummary[] {
  return table.columns.map((c): ColumnSummary => {
    const role = c.plan.role === 'target' ? 'target' : c.plan.type === 'text' || c.plan.role === 'ignored' ? 'ignored' : 'feature'
    const base = { name: c.plan.name, type: c.plan.type, role, missing: c.missing, count: table.rows } as const
    const none = { min: null, max: null, mean: null, std: null, histogram: null }
    if (c.plan.role === 'target' && task === 'classification') {
      const m = new Map<string, number>()
      for (let i = 0; i < labels.length; i++) { const l = labels[i]!; if (l >= 0) m.set(classNames[l]!, (m.get(classNames[l]!) ?? 0) + 1) }
      return { ...base, type: c.plan.type === 'numeric' ? 'categorical' : c.plan.type, ...none, distinct: m.size, topCategories: topOf(m), encoding: 'index' }
    }
    if (c.textCounts) {
      return { ...base, ...none, distinct: c.textCounts.size, topCategories: topOf(c.textCounts), encoding: null }
    }
    if (c.dict) {
      const counts = new Array<number>(c.dict.length).fill(0)
      const v = c.values as Int32Array
      for (let i = 0; i < v.length; i++) if (v[i]! >= 0) counts[v[i]!]!++
      const m = new Map(c.dict.map((d, i) => [d, counts[i]!] as const))
      return { ...base, ...none, distinct: c.dict.length, topCategories: topOf(m), encoding: c.plan.encoding }
    }
    const s = numericSummary(c.values as Float32Array)
    let top: { value: string; count: number }[] = []
    if (c.plan.type === 'boolean') {
      let t = 0; let f = 0
      const v = c.values as Float32Array
      for (let i = 0; i < v.length; i++) { if (v[i] === 1) t++; else if (v[i] === 0) f++ }
      top = [{ value: 'true', count: t }, { value: 'false', count: f }]
    }
    const enc: ColumnSummary['encoding'] = c.plan.role === 'target' ? null : c.plan.type === 'boolean' ? 'none' : c.plan.type === 'date' ? 'timestamp' : null
    return { ...base, ...s, topCategories: top, encoding: enc }
  })
}

function numericColumns(table: Table, task: Task): StoredColumn[] {
  return table.columns.filter((c) => !c.dict && !c.textCounts && (c.plan.role === 'feature' || (c.plan.role === 'target' && task === 'regression')))
}

function correlationOf(table: Table, task: Task, _labels: Int32Array | Float32Array): DatasetMeta['correlation'] {
  const cols = numericColumns(table, task).slice(0, 25)
  if (cols.length < 2) return null
  const n = table.rows
  const step = Math.max(1, Math.floor(n / 20_000))
  const k = cols.length
  const matrix: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0))
  for (let a = 0; a < k; a++) {
    matrix[a]![a] = 1
    for (let b = a + 1; b < k; b++) {
      const x = cols[a]!.values as Float32Array
      const y = cols[b]!.values as Float32Array
      let sx = 0; let sy = 0; let sxx = 0; let syy = 0; let sxy = 0; let m = 0
      for (let i = 0; i < n; i += step) {
        const u = x[i]!; const v = y[i]!
        if (u !== u || v !== v) continue
        sx += u; sy += v; sxx += u * u; syy += v * v; sxy += u * v; m++
      }
      const cov = sxy / m - (sx / m) * (sy / m)
      const vx = sxx / m - (sx / m) ** 2
      const vy = syy / m - (sy / m) ** 2
      const r = m > 1 && vx > 0 && vy > 0 ? Math.max(-1, Math.min(1, cov / Math.sqrt(vx * vy))) : 0
      matrix[a]![b] = r
      matrix[b]![a] = r
    }
  }
  return { columns: cols.map((c) => c.plan.name), matrix }
}

/**
 * First-look charts by rules (Data2Vis's idea, without the model): the class balance of a
 * classification target; a histogram for the numeric features most related to the target; a bar
 * chart for the first categorical feature; a scatter of the two most correlated numeric features
 * coloured by the target.
 */
function firstLook(columns: ColumnSummary[], corr: DatasetMeta['correlation'], table: Table, task: Task,
  labels: Int32Array | Float32Array, target: string): ChartProposal[] {
  const charts: ChartProposal[] = []
  if (task === 'classification') charts.push({ kind: 'classBars', title: `Class balance of ${target}`, x: target, reason: 'A categorical target: how many rows each class has.' })
  else charts.push({ kind: 'histogram', title: `Distribution of ${target}`, x: target, reason: 'A numeric target: the range and shape of what is predicted.' })
  const numeric = columns.filter((c) => c.role === 'feature' && c.histogram)
  let ranked = numeric
  if (corr && task === 'regression') {
    const t = corr.columns.indexOf(target)
    if (t >= 0) ranked = [...numeric].sort((a, b) => Math.abs(corr.matrix[corr.columns.indexOf(b.name)]?.[t] ?? 0) - Math.abs(corr.matrix[corr.columns.indexOf(a.name)]?.[t] ?? 0))
  }
  for (const c of ranked.slice(0, 2)) charts.push({ kind: 'histogram', title: `Distribution of ${c.name}`, x: c.name, reason: 'A numeric feature: its spread and outliers.' })
  const cat = columns.find((c) => c.role === 'feature' && (c.type === 'categorical' || c.type === 'boolean'))
  if (cat) charts.push({ kind: 'bar', title: `${cat.name} counts`, x: cat.name, reason: `A ${cat.type} feature: how often each value occurs.` })
  if (corr) {
    let best: [number, number] | null = null
    let bestR = -1
    const featIdx = corr.columns.map((n, i) => [n, i] as const).filter(([n]) => n !== target)
    for (const [, a] of featIdx) for (const [, b] of featIdx) {
      if (b <= a) continue
      const r = Math.abs(corr.matrix[a]![b]!)
      if (r > bestR) { bestR = r; best = [a, b] }
    }
    if (best) {
      const xa = table.columns.find((c) => c.plan.name === corr.columns[best![0]])!.values as Float32Array
      const ya = table.columns.find((c) => c.plan.name === corr.columns[best![1]])!.values as Float32Array
      const step = Math.max(1, Math.floor(table.rows / 1000))
      const pts = { x: [] as number[], y: [] as number[], c: [] as number[] }
      for (let i = 0; i < table.rows && pts.x.length < 1000; i += step) {
        if (xa[i]! !== xa[i]! || ya[i]! !== ya[i]!) continue
        pts.x.push(xa[i]!); pts.y.push(ya[i]!); pts.c.push(labels[i]!)
      }
      charts.push({
        kind: 'scatter', title: `${corr.columns[best[0]]} vs ${corr.columns[best[1]]}`, x: corr.columns[best[0]]!, y: corr.columns[best[1]]!,
        color: target, reason: `The two most correlated numeric features (r = ${corr.matrix[best[0]]![best[1]]!.toFixed(2)}), coloured by the target.`, points: pts
      })
    }
  }
  return charts
}
