/**
 * Tabular sources (CSV / TSV / JSON Lines): type inference on a sample, then one streaming pass
 * that stores every used column compactly (float32 for numbers, int32 codes for categories), so a
 * 100 MB CSV of numbers needs about as much memory as its final tensors. Encoding (one-hot /
 * index), scaling and missing-value filling happen later, per split, in `tabularSpec`, with
 * statistics of the train split only.
 */
import type { ColumnInfo, ColumnType, ImportOptions, Task } from '../../preload/contract/types'
import { CsvParser, MISSING_TOKENS, fieldText, isMissingBytes, parseNumberBytes, sampleRecords, sniffDialect, type CsvDialect, type CsvRecord } from './csvParser'
import { ImportError, detail } from './importError'
import { openStream, readStart, type SourceFile } from './sourceFiles'

/** What detection reads from the start of a tabular file. */
export interface TabularSample {
  kind: 'csv' | 'jsonl'
  columns: string[]
  /** Sampled rows as text, null for a missing cell. */
  rows: (string | null)[][]
  dialect: CsvDialect | null
  /** Estimated (or, when `complete`, exact) number of data rows. */
  estimatedRows: number
  complete: boolean
}

const SAMPLE_BYTES = 1024 * 1024

function isMissingText(s: string): boolean {
  return MISSING_TOKENS.has(s.trim())
}

/** Reads the first MB (decompressed) and parses it into a sample with column names. */
export async function sampleTabular(f: SourceFile, kind: 'csv' | 'jsonl', forced?: ImportOptions['csv']): Promise<TabularSample> {
  const { bytes, complete } = await readStart(f, SAMPLE_BYTES)
  if (bytes.length === 0 || bytes.toString('utf8').trim() === '') {
    throw new ImportError('empty_file', `${f.name}: the file is empty${bytes.length ? ' (only blank lines)' : ''}.`, { file: f.name }, detail('emptyFile', { file: f.name }))
  }
  const usedBytes = complete ? bytes.length : Math.max(1, bytes.lastIndexOf(0x0a) + 1)
  if (kind === 'jsonl') {
    const lines = bytes.subarray(0, usedBytes).toString('utf8').split('\n')
    const columns: string[] = []
    const seen = new Set<string>()
    const objs: Record<string, unknown>[] = []
    let lineNo = 0
    for (const line of lines) {
      lineNo++
      const t = line.trim()
      if (!t) continue
      let o: unknown
      try { o = JSON.parse(t) } catch (e) {
        throw new ImportError('format_mismatch', `${f.name} line ${lineNo}: expected one JSON object per line, found text that is not JSON (${(e as Error).message}).`, { file: f.name, line: lineNo }, detail('jsonlNotJson', { file: f.name, line: lineNo, detail: (e as Error).message }))
      }
      if (!o || typeof o !== 'object' || Array.isArray(o)) {
        throw new ImportError('format_mismatch', `${f.name} line ${lineNo}: expected a JSON object ({…}), found ${Array.isArray(o) ? 'an array' : JSON.stringify(o)?.slice(0, 40)}.`, { file: f.name, line: lineNo }, detail('jsonlNotObject', { file: f.name, line: lineNo, found: Array.isArray(o) ? '[…]' : JSON.stringify(o)?.slice(0, 40) ?? '' }))
      }
      for (const k of Object.keys(o)) if (!seen.has(k)) { seen.add(k); columns.push(k) }
      objs.push(o as Record<string, unknown>)
      if (objs.length >= 2000) break
    }
    const rows = objs.map((o) => columns.map((c) => jsonCellText(o[c])))
    const perRow = usedBytes / Math.max(1, lineNo)
    return { kind, columns, rows, dialect: null, estimatedRows: complete ? objs.length : Math.round(f.bytes / perRow), complete }
  }
  const dialect = sniffDialect(bytes, forced)
  const recs = sampleRecords(bytes.subarray(0, usedBytes), dialect.delimiter, 2001)
  if (!recs.length) throw new ImportError('empty_file', `${f.name}: no rows found.`, { file: f.name }, detail('noRows', { file: f.name }))
  const width = Math.max(...recs.map((r) => r.length))
  const columns = dialect.hasHeader
    ? recs[0]!.map((c, i) => c.trim() || `column ${i + 1}`)
    : Array.from({ length: width }, (_, i) => `column ${i + 1}`)
  const dedup = new Map<string, number>()
  for (let i = 0; i < columns.length; i++) {
    const n = dedup.get(columns[i]!) ?? 0
    dedup.set(columns[i]!, n + 1)
    if (n) columns[i] = `${columns[i]} (${n + 1})`
  }
  const body = dialect.hasHeader ? recs.slice(1) : recs
  if (!body.length && complete) throw new ImportError('no_data', `${f.name}: no data rows below the header row.`, { file: f.name }, detail('noRows', { file: f.name }))
  const rows = body.map((r) => columns.map((_, i) => (r[i] === undefined || isMissingText(r[i]!) ? null : r[i]!)))
  const lineCount = bytes.subarray(0, usedBytes).reduce((a, b) => a + (b === 0x0a ? 1 : 0), 0) || 1
  const estimatedRows = complete ? body.length : Math.round((f.bytes / usedBytes) * lineCount) - (dialect.hasHeader ? 1 : 0)
  return { kind, columns, rows, dialect, estimatedRows: Math.max(estimatedRows, body.length), complete }
}

function jsonCellText(v: unknown): string | null {
  if (v === null || v === undefined) return null
  if (typeof v === 'string') return isMissingText(v) ? null : v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return JSON.stringify(v)
}

const NUM_RE = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/
const BOOL_TRUE = new Set(['true', 'yes', 'y', 't'])
const BOOL_FALSE = new Set(['false', 'no', 'n', 'f'])
const DATE_RE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$|^\d{1,2}\/\d{1,2}\/\d{4}$/

/** Parses a boolean cell: 1 / 0 for true / false words, NaN otherwise. */
export function parseBool(s: string): number {
  const t = s.trim().toLowerCase()
  if (BOOL_TRUE.has(t) || t === '1') return 1
  if (BOOL_FALSE.has(t) || t === '0') return 0
  return NaN
}

/** Days since 1970-01-01 (float32 keeps minutes at today's dates; milliseconds would lose hours). */
export function parseDateDays(s: string): number {
  const t = s.trim()
  if (!DATE_RE.test(t)) return NaN
  const ms = Date.parse(t)
  return Number.isFinite(ms) ? ms / 86_400_000 : NaN
}

/**
 * Guesses a column's type from sampled cells (nulls = missing): all numbers → numeric; true/false
 * words → boolean; ISO or d/m/yyyy dates → date; few distinct values → categorical; else text.
 */
export function inferColumnType(values: (string | null)[]): ColumnType {
  const present = values.filter((v): v is string => v !== null)
  if (!present.length) return 'text'
  if (present.every((v) => NUM_RE.test(v))) return 'numeric'
  if (present.every((v) => !Number.isNaN(parseBool(v))) && present.some((v) => !/^[01]$/.test(v.trim()))) return 'boolean'
  if (present.every((v) => !Number.isNaN(parseDateDays(v)))) return 'date'
  const distinct = new Set(present).size
  if (distinct <= Math.max(20, Math.min(1000, present.length * 0.2)) && present.every((v) => v.length <= 100)) return 'categorical'
  return 'text'
}

const TARGET_NAMES = /^(target|label|labels|class|classes|y|outcome|species|category|diagnosis|survived|price)$/i

/** Column infos for the import dialog, from a sample. */
export function describeColumns(s: TabularSample): ColumnInfo[] {
  return s.columns.map((name, index) => {
    const vals = s.rows.map((r) => r[index] ?? null)
    const present = vals.filter((v): v is string => v !== null)
    return {
      name, index, type: inferColumnType(vals), missing: vals.length - present.length,
      distinct: Math.min(1000, new Set(present).size), samples: present.slice(0, 5)
    }
  })
}

/**
 * Proposes the target and task: a column with a target-like name, else the last non-text column.
 * Categorical / boolean targets, and integer targets with ≤ 20 distinct values, mean classification.
 */
export function proposeTarget(cols: ColumnInfo[], s: TabularSample): { target: string | null; task: Task } {
  const usable = cols.filter((c) => c.type !== 'text')
  const t = usable.find((c) => TARGET_NAMES.test(c.name)) ?? usable.at(-1) ?? null
  if (!t) return { target: null, task: 'classification' }
  return { target: t.name, task: taskFor(t, s) }
}

/** Classification for categorical / boolean columns and integer columns with ≤ 20 values, else regression. */
export function taskFor(c: ColumnInfo, s: TabularSample): Task {
  if (c.type !== 'numeric') return 'classification'
  const vals = s.rows.map((r) => r[c.index]).filter((v): v is string => v !== null)
  const ints = vals.every((v) => Number.isInteger(Number(v)))
  return ints && new Set(vals).size <= 20 ? 'classification' : 'regression'
}

// ── the full pass ─────────────────────────────────────────────────────────────────────────────────

/** How one source column is used. */
export interface ColumnPlan {
  name: string
  /** Index in the source record. */
  src: number
  type: ColumnType
  role: 'feature' | 'target' | 'ignored'
  encoding: 'onehot' | 'index'
  missing: 'drop' | 'fill' | 'fail'
}

/** The columns of a table after the pass: numbers (NaN = missing) or category codes (-1 = missing). */
export interface StoredColumn {
  plan: ColumnPlan
  /** numeric / boolean / date (and regression targets): values; categorical (and class targets): codes. */
  values: Float32Array | Int32Array
  /** Category names by code (categorical / class target). */
  dict: string[] | null
  missing: number
  /** Text columns: value counts (capped) for the summary. */
  textCounts: Map<string, number> | null
}

export interface Table {
  file: string
  rows: number
  columns: StoredColumn[]
  /** Rows to drop (missing target, or a missing value under the 'drop' policy). */
  dropped: Uint8Array
  droppedCount: number
}

const DICT_CAP = 100_000
const TEXT_CAP = 10_000

class ColumnBuilder {
  values: Float32Array | Int32Array
  dict: string[] | null = null
  index: Map<string, number> | null = null
  missing = 0
  textCounts: Map<string, number> | null = null

  constructor(readonly plan: ColumnPlan, readonly kind: 'num' | 'cat' | 'bool' | 'date' | 'text', capacity: number) {
    this.values = kind === 'cat' ? new Int32Array(capacity) : kind === 'text' ? new Float32Array(0) : new Float32Array(capacity)
    if (kind === 'cat') { this.dict = []; this.index = new Map() }
    if (kind === 'text') this.textCounts = new Map()
  }

  grow(n: number): void {
    if (this.kind === 'text') return
    const next = this.values instanceof Int32Array ? new Int32Array(n) : new Float32Array(n)
    next.set(this.values)
    this.values = next
  }

  code(s: string): number {
    let c = this.index!.get(s)
    if (c === undefined) {
      if (this.dict!.length >= DICT_CAP) {
        throw new ImportError('bad_option', `Column "${this.plan.name}" has more than ${DICT_CAP.toLocaleString('en')} distinct values: it is not categorical. Make it text (ignored) or numeric.`, {}, detail('tooManyCategories', { column: this.plan.name, max: DICT_CAP }))
      }
      c = this.dict!.length
      this.dict!.push(s)
      this.index!.set(s, c)
    }
    return c
  }
}

function kindOf(p: ColumnPlan, task: Task): ColumnBuilder['kind'] {
  if (p.role === 'target') return task === 'classification' ? 'cat' : 'num'
  switch (p.type) {
    case 'numeric': return 'num'
    case 'boolean': return 'bool'
    case 'date': return 'date'
    case 'categorical': return 'cat'
    case 'text': return 'text'
  }
}

/** Progress callback of long passes: bytes read so far. */
export type BytesProgress = (doneBytes: number) => void

/**
 * Reads every row of a CSV / JSONL file into typed columns, following `plan` (types fixed from the
 * sample or the user's choice). Throws ImportError naming the line for ragged rows, values that
 * do not fit the column type and (policy 'fail') missing values.
 */
export async function readTable(
  f: SourceFile, kind: 'csv' | 'jsonl', dialect: CsvDialect | null, columnNames: string[], plans: ColumnPlan[],
  task: Task, estimatedRows: number, onBytes: BytesProgress, isCancelled: () => boolean
): Promise<Table> {
  const used = plans.filter((p) => p.role !== 'ignored' || p.type === 'text')
  let capacity = Math.max(1024, Math.ceil(estimatedRows * 1.02))
  const builders = used.map((p) => new ColumnBuilder(p, kindOf(p, task), capacity))
  const bySrc: (ColumnBuilder | null)[] = columnNames.map((_, i) => builders.find((b) => b.plan.src === i) ?? null)
  let dropped = new Uint8Array(capacity)
  let rows = 0
  let droppedCount = 0
  const width = columnNames.length
  let headerSkipped = !(dialect?.hasHeader ?? false)

  const ensure = () => {
    if (rows < capacity) return
    capacity = Math.ceil(capacity * 1.25) + 1024
    for (const b of builders) b.grow(capacity)
    const d = new Uint8Array(capacity); d.set(dropped); dropped = d
  }

  const onMissing = (b: ColumnBuilder, line: number) => {
    b.missing++
    if (b.plan.role === 'target') { if (!dropped[rows]) { dropped[rows] = 1; droppedCount++ }; return }
    if (b.plan.missing === 'fail') {
      throw new ImportError('missing_values', `${f.name} line ${line}, column "${b.plan.name}": missing value, and the policy for missing values is "fail". Choose "drop row" or "fill" to import anyway.`,
        { file: f.name, line }, detail('missingValue', { file: f.name, line, column: b.plan.name }))
    }
    if (b.plan.missing === 'drop' && !dropped[rows]) { dropped[rows] = 1; droppedCount++ }
  }

  const badValue = (b: ColumnBuilder, line: number, offset: number | undefined, found: string) => {
    const expected = b.kind === 'num' ? 'a number' : b.kind === 'bool' ? 'true/false' : 'a date like 2024-01-31'
    const what = b.kind === 'num' ? 'numeric column' : `${b.plan.type} column`
    throw new ImportError(b.kind === 'num' ? 'not_numeric' : 'format_mismatch',
      `${f.name} line ${line}, column "${b.plan.name}": expected ${expected} (it is a ${what}), found ${JSON.stringify(found.slice(0, 60))}. Change the column's type to categorical or text to import it.`,
      { file: f.name, line, record: rows, ...(offset !== undefined ? { offset } : {}) },
      detail(b.kind === 'num' ? 'notNumber' : b.kind === 'bool' ? 'notBool' : 'notDate', { file: f.name, line, column: b.plan.name, found: JSON.stringify(found.slice(0, 60)) }))
  }

  const putText = (b: ColumnBuilder, s: string | null, line: number, offset?: number) => {
    if (s === null || isMissingText(s)) {
      onMissing(b, line)
      if (b.kind === 'cat') (b.values as Int32Array)[rows] = -1
      else if (b.kind !== 'text') (b.values as Float32Array)[rows] = NaN
      return
    }
    switch (b.kind) {
      case 'num': {
        const v = Number(s.trim())
        if (!NUM_RE.test(s)) badValue(b, line, offset, s)
        ;(b.values as Float32Array)[rows] = v
        return
      }
      case 'bool': {
        const v = parseBool(s)
        if (Number.isNaN(v)) badValue(b, line, offset, s)
        ;(b.values as Float32Array)[rows] = v
        return
      }
      case 'date': {
        const v = parseDateDays(s)
        if (Number.isNaN(v)) badValue(b, line, offset, s)
        ;(b.values as Float32Array)[rows] = v
        return
      }
      case 'cat': (b.values as Int32Array)[rows] = b.code(s.trim()); return
      case 'text': {
        const m = b.textCounts!
        const c = m.get(s)
        if (c !== undefined) m.set(s, c + 1)
        else if (m.size < TEXT_CAP) m.set(s, 1)
      }
    }
  }

  const onRecord = (r: CsvRecord) => {
    if (!headerSkipped) { headerSkipped = true; return }
    if (r.n !== width) {
      throw new ImportError('ragged_rows',
        `${f.name} line ${r.line}: ${r.n} field${r.n === 1 ? '' : 's'}, expected ${width} (${dialect?.hasHeader ? 'as in the header row' : 'as in the first row'}). Rows must all have the same number of ${dialect?.delimiter === '\t' ? 'tab' : JSON.stringify(dialect?.delimiter ?? ',')}-separated fields.`,
        { file: f.name, line: r.line, record: rows, offset: r.offset }, detail('raggedRows', { file: f.name, line: r.line, found: r.n, expected: width }))
    }
    ensure()
    for (let c = 0; c < width; c++) {
      const b = bySrc[c]
      if (!b) continue
      if (b.kind === 'num') {
        const s = r.start[c]!
        const e = r.end[c]!
        const v = parseNumberBytes(r.buf, s, e)
        if (v === v) { (b.values as Float32Array)[rows] = v; continue }
        if (isMissingBytes(r.buf, s, e)) { onMissing(b, r.line); (b.values as Float32Array)[rows] = NaN; continue }
        badValue(b, r.line, r.offset, fieldText(r, c))
      } else {
        putText(b, fieldText(r, c), r.line, r.offset)
      }
    }
    rows++
  }

  const stream = openStream(f)
  let bytes = 0
  let lastReport = 0
  if (kind === 'csv') {
    const parser = new CsvParser(dialect!.delimiter.charCodeAt(0), onRecord, f.name)
    for await (const chunk of stream) {
      const b = chunk as Buffer
      parser.push(b)
      bytes += b.length
      if (bytes - lastReport > 4 * 1024 * 1024) { lastReport = bytes; onBytes(bytes); if (isCancelled()) throw new ImportError('cancelled', 'Import cancelled.') }
    }
    parser.end()
  } else {
    let carry = ''
    let line = 0
    const onLine = (text: string) => {
      line++
      const t = text.trim()
      if (!t) return
      let o: unknown
      try { o = JSON.parse(t) } catch (e) {
        throw new ImportError('format_mismatch', `${f.name} line ${line}: expected a JSON object, found text that is not JSON (${(e as Error).message}).`, { file: f.name, line, record: rows }, detail('jsonlNotJson', { file: f.name, line, detail: (e as Error).message }))
      }
      if (!o || typeof o !== 'object' || Array.isArray(o)) {
        throw new ImportError('format_mismatch', `${f.name} line ${line}: expected a JSON object ({…}), found ${Array.isArray(o) ? 'an array' : JSON.stringify(o)?.slice(0, 40)}.`, { file: f.name, line, record: rows }, detail('jsonlNotObject', { file: f.name, line, found: Array.isArray(o) ? '[…]' : JSON.stringify(o)?.slice(0, 40) ?? '' }))
      }
      ensure()
      const rec = o as Record<string, unknown>
      for (let c = 0; c < width; c++) {
        const b = bySrc[c]
        if (!b) continue
        const v = rec[columnNames[c]!]
        if (b.kind === 'num' && typeof v === 'number') { (b.values as Float32Array)[rows] = v; continue }
        putText(b, jsonCellText(v), line)
      }
      rows++
    }
    for await (const chunk of stream) {
      const b = chunk as Buffer
      bytes += b.length
      const text = carry + b.toString('utf8')
      const parts = text.split('\n')
      carry = parts.pop() ?? ''
      for (const p of parts) onLine(p)
      if (bytes - lastReport > 4 * 1024 * 1024) { lastReport = bytes; onBytes(bytes); if (isCancelled()) throw new ImportError('cancelled', 'Import cancelled.') }
    }
    if (carry) onLine(carry)
  }
  onBytes(bytes)
  if (rows === 0) {
    throw new ImportError(bytes === 0 ? 'empty_file' : 'no_data', bytes === 0 ? `${f.name}: the file is empty.` : `${f.name}: no data rows${dialect?.hasHeader ? ' below the header row' : ''}.`, { file: f.name }, detail(bytes === 0 ? 'emptyFile' : 'noRows', { file: f.name }))
  }
  return {
    file: f.name, rows,
    columns: builders.map((b) => ({
      plan: b.plan, values: b.kind === 'text' ? b.values : b.values.subarray(0, rows), dict: b.dict, missing: b.missing, textCounts: b.textCounts
    })),
    dropped: dropped.subarray(0, rows), droppedCount
  }
}
