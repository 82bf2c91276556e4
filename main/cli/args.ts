/**
 * Turns `studio train` flags into a RunConfig, with errors that name the flag and what it expects.
 * Pure: no I/O, so it is unit-tested on its own.
 */
import { parseArgs } from 'node:util'
import { ModelSpecSchema, RunConfigSchema } from '../../preload/contract/schemas'
import type { RunConfig } from '../../preload/contract/types'

/** A usage error: printed as it is, exit code 2. */
export class UsageError extends Error {}

export const TRAIN_OPTIONS = {
  dataset: { type: 'string' },
  model: { type: 'string', default: 'mlp' },
  hidden: { type: 'string' },
  activation: { type: 'string' },
  filters: { type: 'string' },
  'dense-units': { type: 'string' },
  optimizer: { type: 'string', default: 'adam' },
  lr: { type: 'string', default: '0.01' },
  'batch-size': { type: 'string', default: '32' },
  epochs: { type: 'string', default: '20' },
  seed: { type: 'string', default: '42' },
  backend: { type: 'string', default: 'auto' },
  threads: { type: 'string' },
  'drop-last': { type: 'boolean', default: false },
  name: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false }
} as const

const FLAG_OF: Record<string, string> = {
  datasetId: '--dataset', 'model.template': '--model', 'model.hidden': '--hidden',
  'model.activation': '--activation', 'model.filters': '--filters', 'model.denseUnits': '--dense-units',
  optimizer: '--optimizer', learningRate: '--lr', batchSize: '--batch-size', epochs: '--epochs',
  seed: '--seed', backend: '--backend', name: '--name', threads: '--threads'
}

function num(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`studio train: ${flag}: expected a number, got "${v}"`)
  return n
}

function list(flag: string, v: string | undefined): number[] | undefined {
  if (v === undefined) return undefined
  const parts = v.split(',').map((s) => s.trim())
  return parts.map((p) => {
    const n = Number(p)
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`studio train: ${flag}: expected comma-separated positive integers like 64,32, got "${v}"`)
    return n
  })
}

/**
 * `--threads N`: the engine's CPU threads for this run (issue 6), a whole number from 1 to 256.
 * More than the machine's cores is allowed but capped by the trainer (it never uses more threads
 * than its share of the cores).
 */
export function threadsFlag(v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (v.trim() === '' || !Number.isInteger(n) || n < 1 || n > 256) {
    throw new UsageError(`studio train: --threads: expected a whole number of threads from 1 to 256, got "${v}"`)
  }
  return n
}

/** Parses `studio train` arguments; throws UsageError with a specific message. */
export function parseTrainArgs(argv: string[]): { config: RunConfig; dataDir?: string; json: boolean; help: boolean } {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({ args: argv, options: TRAIN_OPTIONS, strict: true, allowPositionals: false }).values
  } catch (e) {
    throw new UsageError(`studio train: ${(e as Error).message.replace(/\. To specify.*$/s, '')}`)
  }
  if (values.help) return { config: undefined as unknown as RunConfig, json: false, help: true }
  const threads = threadsFlag(values.threads as string | undefined)
  if (!values.dataset) throw new UsageError('studio train: --dataset is required (e.g. --dataset spirals; "studio datasets" lists them)')
  const raw = {
    datasetId: values.dataset,
    ...(values.name ? { name: values.name } : {}),
    model: {
      template: values.model,
      ...(values.hidden !== undefined ? { hidden: list('--hidden', values.hidden as string) } : {}),
      ...(values.activation !== undefined ? { activation: values.activation } : {}),
      ...(values.filters !== undefined ? { filters: list('--filters', values.filters as string) } : {}),
      ...(values['dense-units'] !== undefined ? { denseUnits: num('--dense-units', values['dense-units'] as string) } : {})
    },
    optimizer: values.optimizer,
    learningRate: num('--lr', values.lr as string),
    batchSize: num('--batch-size', values['batch-size'] as string),
    epochs: num('--epochs', values.epochs as string),
    seed: num('--seed', values.seed as string),
    backend: values.backend,
    ...(threads !== undefined ? { threads } : {}),
    ...(values['drop-last'] ? { dropLast: true } : {})
  }
  // The model is a union (template spec | composed graph): zod then reports only "model: Invalid
  // input". The CLI builds template specs, so check that schema first for a message per flag.
  const model = ModelSpecSchema.safeParse(raw.model)
  if (!model.success) {
    const msgs = model.error.issues.map((i) => {
      const key = ['model', ...i.path].join('.')
      return `${FLAG_OF[key] ?? FLAG_OF[key.replace(/\.\d+$/, '')] ?? key}: ${i.message}`
    })
    throw new UsageError(`studio train: ${msgs.join('; ')}`)
  }
  const parsed = RunConfigSchema.safeParse(raw)
  if (!parsed.success) {
    const msgs = parsed.error.issues.map((i) => {
      const key = i.path.join('.')
      const flag = FLAG_OF[key] ?? FLAG_OF[key.replace(/\.\d+$/, '')] ?? key
      return `${flag}: ${i.message}`
    })
    throw new UsageError(`studio train: ${msgs.join('; ')}`)
  }
  return {
    config: parsed.data,
    ...(values['data-dir'] ? { dataDir: values['data-dir'] as string } : {}),
    json: Boolean(values.json),
    help: false
  }
}
