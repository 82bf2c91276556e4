/**
 * Runs an import in-process (the worker's code without the worker) into a temp data folder, for
 * fast format tests and the fuzz test. Returns the header and meta, or the typed error — and
 * checks that a failed import leaves no folder behind.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { ImportErrorInfo, ImportOptions } from '../../../preload/contract/types'
import { readHeader, readSplit, type CacheHeader } from '../../../main/datasets/cache'
import type { DatasetMeta } from '../../../main/datasets/datasetMeta'
import type { ResolvedInput } from '../../../main/datasets/detect'
import { toImportErrorInfo } from '../../../main/datasets/importError'
import { runJob } from '../../../main/datasets/importJob'

let n = 0

export type Outcome =
  | { ok: true; dir: string; header: CacheHeader; meta: DatasetMeta }
  | { ok: false; error: ImportErrorInfo }

export async function importInProcess(outRoot: string, input: ResolvedInput, options: ImportOptions = {}): Promise<Outcome> {
  const outDir = path.join(outRoot, `job-${process.pid}-${++n}`)
  try {
    const r = await runJob({ kind: 'import', jobId: `j${n}`, input, options, outDir }, { progress: () => {}, checkReuse: async () => false })
    if (!r) throw new Error('unexpected reuse')
    return { ok: true, dir: outDir, header: readHeader(outDir), meta: JSON.parse(readFileSync(path.join(outDir, 'meta.json'), 'utf8')) as DatasetMeta }
  } catch (e) {
    if (existsSync(outDir)) throw new Error(`a failed import left ${outDir} behind (${String(e)})`)
    return { ok: false, error: toImportErrorInfo(e) }
  }
}

export async function expectOk(outRoot: string, input: ResolvedInput, options: ImportOptions = {}) {
  const o = await importInProcess(outRoot, input, options)
  if (!o.ok) throw new Error(`import failed: ${o.error.code}: ${o.error.message}`)
  return { ...o, split: (s: 'train' | 'val' | 'test') => readSplit(o.dir, o.header, s) }
}

export async function expectError(outRoot: string, input: ResolvedInput, options: ImportOptions = {}): Promise<ImportErrorInfo> {
  const o = await importInProcess(outRoot, input, options)
  if (o.ok) throw new Error(`expected the import to fail, it made ${JSON.stringify(o.header.splits)}`)
  return o.error
}
