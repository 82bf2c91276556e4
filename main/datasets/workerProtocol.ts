/**
 * Messages between main and the import worker, and how main starts one. Plain data only: the
 * worker never sees SQLite or the event hub.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { ImportErrorInfo, ImportOptions, ImportProgress, InspectResult, SkippedFile } from '../../preload/contract/types'
import type { ResolvedInput } from './detect'
import type { JobRequest, JobResult } from './importJob'

/** A second decoder thread for big image imports: decodes `indices` of `files` into shared memory. */
export interface DecodeRequest {
  kind: 'decode'
  files: { path: string; name: string }[]
  indices: Int32Array
  width: number
  height: number
  channels: 1 | 3
  /** SharedArrayBuffers: pixels (files × w × h × c) and one ok flag per file. */
  pixels: SharedArrayBuffer
  ok: SharedArrayBuffer
}

export type WorkerRequest = JobRequest | DecodeRequest | { kind: 'inspect'; input: ResolvedInput; options: ImportOptions }

export type WorkerReply =
  | { type: 'progress'; progress: Omit<ImportProgress, 'jobId'> }
  | { type: 'key'; key: string }
  | { type: 'inspected'; result: InspectResult }
  | { type: 'done'; result: JobResult | null }
  | { type: 'error'; error: ImportErrorInfo }
  | { type: 'decoded'; done: number; skipped: SkippedFile[]; final: boolean }

/**
 * Where the worker entry is: `importWorker.js` next to the running bundle (out/main, also when
 * this code sits in out/main/chunks), else the TypeScript source (tests and tsx runs).
 */
export function defaultWorkerEntry(fromUrl: string = import.meta.url): string {
  const here = path.dirname(fileURLToPath(fromUrl))
  for (const c of [path.join(here, 'importWorker.js'), path.join(here, '..', 'importWorker.js')]) if (existsSync(c)) return c
  const src = path.resolve(here, '..', 'datasets', 'importWorker.ts')
  if (existsSync(src)) return src
  return path.resolve(here, 'importWorker.ts')
}

/**
 * Starts a worker on `entry` with `data`. A .ts entry (running from sources under vitest or tsx)
 * is loaded through tsx's loader, registered inside the worker, since loaders given to the parent
 * do not reach worker threads.
 */
export function startWorker(entry: string, data: WorkerRequest): Worker {
  // A small young generation: decoders and parsers make short-lived buffers by the thousand, and
  // with V8's default (tens of MB) they pile up before a scavenge frees them, which alone pushed
  // peak memory past 2× the final tensors in the PNG and CSV benchmarks.
  const young = Number(process.env.STUDIO_IMPORT_YOUNG_MB ?? 4)
  const opts = { workerData: data, resourceLimits: { maxOldGenerationSizeMb: 4096, maxYoungGenerationSizeMb: young } }
  if (!entry.endsWith('.ts')) return new Worker(entry, opts)
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(entry).href)}) })`
  return new Worker(code, { ...opts, eval: true })
}
