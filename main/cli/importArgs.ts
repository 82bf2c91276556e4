/**
 * Turns `studio import` flags into import options, with errors that name the flag. Pure: no I/O,
 * unit-tested on its own.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { ImportOptionsSchema } from '../../preload/contract/schemas'
import type { ImportOptions } from '../../preload/contract/types'
import { UsageError } from './args'

export const IMPORT_OPTIONS = {
  name: { type: 'string' },
  description: { type: 'string' },
  target: { type: 'string' },
  task: { type: 'string' },
  split: { type: 'string' },
  seed: { type: 'string' },
  format: { type: 'string' },
  scaling: { type: 'string' },
  missing: { type: 'string' },
  size: { type: 'string' },
  color: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false }
} as const

export interface ImportArgs { paths: string[]; options: ImportOptions; dataDir?: string; json: boolean; help: boolean }

/** Parses `studio import <path…> [flags]`; relative paths are resolved against `cwd`. */
export function parseImportArgs(argv: string[], cwd = process.cwd()): ImportArgs {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof IMPORT_OPTIONS; allowPositionals: true; strict: true }>>
  try {
    parsed = parseArgs({ args: argv, options: IMPORT_OPTIONS, strict: true, allowPositionals: true })
  } catch (e) {
    throw new UsageError(`studio import: ${(e as Error).message.replace(/\. To specify.*$/s, '')}`)
  }
  const v = parsed.values
  if (v.help) return { paths: [], options: {}, json: false, help: true }
  if (!parsed.positionals.length) throw new UsageError('studio import: give the file(s) or folder to import, e.g. studio import ./iris.csv --target species')
  const raw: Record<string, unknown> = {}
  if (v.name !== undefined) raw.name = v.name
  if (v.description !== undefined) raw.description = v.description
  if (v.target !== undefined) raw.target = v.target
  if (v.task !== undefined) {
    if (v.task !== 'classification' && v.task !== 'regression') throw new UsageError(`studio import: --task: expected classification or regression, got "${v.task}"`)
    raw.task = v.task
  }
  if (v.split !== undefined) {
    const parts = v.split.split(/[,/]/).map((s) => s.trim())
    const nums = parts.map(Number)
    if ((parts.length !== 3 && parts.length !== 2) || nums.some((n) => !Number.isInteger(n) || n < 0)) {
      throw new UsageError(`studio import: --split: expected train,val,test percentages like 80,10,10, got "${v.split}"`)
    }
    const [train, val, test = 0] = nums as [number, number, number?]
    if (train + val + test !== 100) throw new UsageError(`studio import: --split: ${train}+${val}+${test} = ${train + val + test}, must be 100`)
    raw.split = { train, val, test }
  }
  if (v.seed !== undefined) {
    const n = Number(v.seed)
    if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) throw new UsageError(`studio import: --seed: expected an integer 0–2147483647, got "${v.seed}"`)
    raw.seed = n
  }
  if (v.format !== undefined) raw.format = v.format
  if (v.scaling !== undefined) raw.scaling = v.scaling
  if (v.missing !== undefined) raw.missing = v.missing
  if (v.size !== undefined || v.color !== undefined) {
    const img: Record<string, unknown> = {}
    if (v.size !== undefined) {
      const m = /^(\d+)(?:x(\d+))?$/.exec(v.size)
      if (!m) throw new UsageError(`studio import: --size: expected WIDTHxHEIGHT like 28x28 (or one number), got "${v.size}"`)
      img.width = Number(m[1]); img.height = Number(m[2] ?? m[1])
    }
    if (v.color !== undefined) img.colorMode = v.color === 'gray' ? 'grayscale' : v.color
    raw.image = img
  }
  const r = ImportOptionsSchema.safeParse(raw)
  if (!r.success) {
    throw new UsageError(`studio import: ${r.error.issues.map((i) => `--${String(i.path[0] ?? '')}${i.path.length > 1 ? `.${i.path.slice(1).join('.')}` : ''}: ${i.message}`).join('; ')}`)
  }
  return {
    paths: parsed.positionals.map((p) => path.resolve(cwd, p)), options: r.data,
    ...(v['data-dir'] ? { dataDir: v['data-dir'] } : {}), json: Boolean(v.json), help: false
  }
}
