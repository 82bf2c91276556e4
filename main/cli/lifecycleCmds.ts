/**
 * CLI commands of issue 4's main side: `studio train --resume-from / --fork-from <checkpointId>`,
 * `studio runs pause|resume <runId>` (through a running `studio serve` of the same data folder),
 * `studio export <checkpointId> <dir>` and `studio models list|import|export`. Bad arguments throw
 * UsageError (exit 2) naming the argument and what was expected.
 */
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import type { Envelope } from '../../preload/contract/channels'
import type { RunSummary } from '../../preload/contract/types'
import { StudioError } from '../services/errors'
import type { StudioCore } from '../services/studio'
import { UsageError } from './args'

const out = (s: string) => process.stdout.write(s)

function strictArgs<T extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(cmd: string, argv: string[], options: T, positionals: boolean) {
  try {
    return parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' }, ...options }, strict: true, allowPositionals: positionals })
  } catch (e) {
    throw new UsageError(`${cmd}: ${(e as Error).message.replace(/\. To specify.*$/s, '')}`)
  }
}

/** A positive integer id (checkpoint ids are integers), or a UsageError naming the argument. */
export function parseCheckpointId(cmd: string, what: string, v: string | undefined): number {
  if (v === undefined) throw new UsageError(`${cmd}: ${what} is required (a checkpoint id: "studio runs --json" shows runs; the app's checkpoint table shows ids)`)
  const n = Number(v)
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${cmd}: ${what}: expected a checkpoint id (a positive integer), got "${v}"`)
  return n
}

// ── studio train --resume-from / --fork-from ──────────────────────────────────────────────────────

/** What `studio train` does with a checkpoint: continue its run, or fork a new run with overrides. */
export interface FromCheckpoint {
  mode: 'resume' | 'fork'
  checkpointId: number
  overrides: Record<string, unknown>
  name?: string
  dataDir?: string
  json: boolean
}

const FORK_FLAGS = { lr: 'learningRate', epochs: 'epochs', 'batch-size': 'batchSize', seed: 'seed', optimizer: 'optimizer', backend: 'backend', threads: 'threads' } as const

/**
 * Parses `studio train --resume-from <id>` (continue the same run with its own settings; only
 * --data-dir/--json besides) or `--fork-from <id> [--lr …] [--epochs …] …` (a new run with those
 * settings changed). Returns null when neither flag is present (a normal `studio train`).
 */
export function parseFromCheckpoint(argv: string[]): FromCheckpoint | null {
  const has = (f: string) => argv.some((a) => a === f || a.startsWith(`${f}=`))
  if (!has('--resume-from') && !has('--fork-from')) return null
  if (has('--resume-from') && has('--fork-from')) throw new UsageError('studio train: give --resume-from or --fork-from, not both')
  const fork = has('--fork-from')
  const opts = {
    'resume-from': { type: 'string' }, 'fork-from': { type: 'string' }, name: { type: 'string' },
    ...(fork ? Object.fromEntries(Object.keys(FORK_FLAGS).map((k) => [k, { type: 'string' }])) : {})
  } as Record<string, { type: 'string' }>
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false }, ...opts }, strict: true, allowPositionals: false })
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify.*$/s, '')
    throw new UsageError(`studio train: ${msg}${fork ? '' : '. --resume-from continues the run with its own settings; to change them use --fork-from <checkpointId> with --lr/--epochs/--batch-size/--seed/--optimizer/--backend/--threads'}`)
  }
  const v = parsed.values as Record<string, string | boolean | undefined>
  const checkpointId = parseCheckpointId('studio train', fork ? '--fork-from' : '--resume-from', v[fork ? 'fork-from' : 'resume-from'] as string | undefined)
  const overrides: Record<string, unknown> = {}
  if (fork) {
    for (const [flag, key] of Object.entries(FORK_FLAGS)) {
      const raw = v[flag] as string | undefined
      if (raw === undefined) continue
      if (key === 'optimizer' || key === 'backend') { overrides[key] = raw; continue }
      const n = Number(raw)
      if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`studio train: --${flag}: expected a number, got "${raw}"`)
      overrides[key] = n
    }
  }
  if (!fork && v.name !== undefined) throw new UsageError('studio train: --name applies to --fork-from (a resumed run keeps its name)')
  return {
    mode: fork ? 'fork' : 'resume', checkpointId, overrides,
    ...(typeof v.name === 'string' ? { name: v.name } : {}),
    ...(typeof v['data-dir'] === 'string' ? { dataDir: v['data-dir'] } : {}),
    json: v.json === true
  }
}

/** Starts what `from` asks for; errors about the checkpoint or the overrides come back as StudioError. */
export function startFromCheckpoint(core: StudioCore, from: FromCheckpoint): RunSummary {
  if (from.mode === 'resume') {
    const c = core.checkpoints.get(from.checkpointId)
    if (!c) throw new UsageError(`studio train: --resume-from: no checkpoint ${from.checkpointId} in ${core.layout.root}`)
    return core.lifecycle.resumeFrom(c.runId, c.id)
  }
  if (!core.checkpoints.get(from.checkpointId)) throw new UsageError(`studio train: --fork-from: no checkpoint ${from.checkpointId} in ${core.layout.root}`)
  try {
    return core.lifecycle.fork({ checkpointId: from.checkpointId, overrides: from.overrides, ...(from.name ? { name: from.name } : {}) })
  } catch (e) {
    // Override problems are argument problems: name the flag.
    if (e instanceof StudioError && e.code === 'invalid_argument') {
      const flagOf = Object.fromEntries(Object.entries(FORK_FLAGS).map(([f, k]) => [k, `--${f}`]))
      throw new UsageError(`studio train: ${e.message.replace(/overrides\.(\w+)/g, (_m, k: string) => flagOf[k] ?? k)}`)
    }
    throw e
  }
}

// ── the running server of a data folder (for studio runs pause|resume) ───────────────────────────

const SERVER_FILE = 'server.json'

/** What `studio serve` leaves in its data folder while it runs (mode 0600: it holds the token). */
export interface ServerFile { pid: number; port: number; token: string; startedAt: number }

/** Written by `studio serve` once it listens; removed when it stops. */
export function writeServerFile(dataRoot: string, info: ServerFile): () => void {
  const file = path.join(dataRoot, SERVER_FILE)
  writeFileSync(file, JSON.stringify(info), { mode: 0o600 })
  try { chmodSync(file, 0o600) } catch { /* best effort on filesystems without modes */ }
  return () => {
    try {
      const now = JSON.parse(readFileSync(file, 'utf8')) as ServerFile
      if (now.pid === info.pid) rmSync(file, { force: true })
    } catch { /* already gone */ }
  }
}

/** The running server of a data folder, or why there is none. */
export function findServer(dataRoot: string): { server: ServerFile } | { reason: string } {
  const file = path.join(dataRoot, SERVER_FILE)
  if (!existsSync(file)) return { reason: `no studio server is running for ${dataRoot} (start one with "studio serve --data-dir ${dataRoot}"; runs started by the desktop app or another "studio train" are paused from there)` }
  let s: ServerFile
  try { s = JSON.parse(readFileSync(file, 'utf8')) as ServerFile } catch { return { reason: `${file} is unreadable` } }
  try { process.kill(s.pid, 0) } catch { return { reason: `the studio server that wrote ${file} (pid ${s.pid}) is no longer running` } }
  return { server: s }
}

/** One request to a running server over its WebSocket API. */
export function callServer<T>(s: ServerFile, channel: string, args: unknown, timeoutMs = 10_000): Promise<Envelope<T>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/api?token=${s.token}`)
    const timer = setTimeout(() => { ws.terminate(); reject(new Error(`the studio server on port ${s.port} did not answer within ${timeoutMs / 1000} s`)) }, timeoutMs)
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, channel, args })))
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { id?: number; result?: Envelope<T> }
      if (msg.id !== 1 || !msg.result) return
      clearTimeout(timer)
      ws.close()
      resolve(msg.result)
    })
    ws.on('error', (e) => { clearTimeout(timer); reject(new Error(`could not reach the studio server on port ${s.port}: ${e.message}`)) })
  })
}

/** `studio runs pause|resume <runId>`: 0 done, 1 refused or no server to ask (the reason is printed). */
export async function pauseResumeCmd(verb: 'pause' | 'resume', argv: string[], dataRoot: (dir: string | undefined) => string): Promise<number> {
  const { values, positionals } = strictArgs(`studio runs ${verb}`, argv, {}, true)
  if (positionals.length !== 1) throw new UsageError(`studio runs ${verb}: expected one run id, got ${positionals.length} (usage: studio runs ${verb} <runId>)`)
  const runId = positionals[0]!
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(runId)) throw new UsageError(`studio runs ${verb}: "${runId}" is not a run id (letters, digits, _ and -)`)
  const root = dataRoot(values['data-dir'] as string | undefined)
  const found = findServer(root)
  if ('reason' in found) {
    process.stderr.write(`Skipped: cannot ${verb} run ${runId}: ${found.reason}.\n`)
    return 1
  }
  const r = await callServer<RunSummary>(found.server, `runs:${verb}`, { runId })
  if (!r.ok) { process.stderr.write(`Error (${r.error.code}): ${r.error.message}\n`); return 1 }
  out(values.json ? `${JSON.stringify(r.value, null, 2)}\n` : `Run ${r.value.id} is ${r.value.status}.\n`)
  return 0
}

// ── studio export / studio models ─────────────────────────────────────────────────────────────────

/** `studio export <checkpointId> <dir>`: writes a TF.js model folder. */
export function exportCmd(argv: string[], withCore: <T>(dir: string | undefined, fn: (core: StudioCore) => T) => Promise<T>): Promise<number> {
  const { values, positionals } = strictArgs('studio export', argv, {}, true)
  if (positionals.length !== 2) throw new UsageError(`studio export: expected <checkpointId> <dir>, got ${positionals.length} argument(s)`)
  const checkpointId = parseCheckpointId('studio export', '<checkpointId>', positionals[0])
  const dest = path.resolve(positionals[1]!)
  return withCore(values['data-dir'] as string | undefined, (core) => {
    if (!core.checkpoints.get(checkpointId)) throw new UsageError(`studio export: no checkpoint ${checkpointId} in ${core.layout.root}`)
    const r = core.lifecycle.exportCheckpoint({ checkpointId, destDir: dest }, true)
    out(values.json ? `${JSON.stringify(r, null, 2)}\n` : `Exported checkpoint ${checkpointId} to ${r.dir} (${r.files.join(', ')}, ${r.bytes} bytes). Load it with tf.loadLayersModel('file://${path.join(r.dir, 'model.json')}').\n`)
    return 0
  })
}

/** `studio models list | import <model.json> [--name] | export <modelId> [--version N] [--format studio|keras] [--out file]`. */
export function modelsCmd(argv: string[], withCore: <T>(dir: string | undefined, fn: (core: StudioCore) => T) => Promise<T>): Promise<number> {
  const [first, ...more] = argv
  // `studio models --data-dir x` has no subcommand either.
  const sub = first?.startsWith('-') ? undefined : first
  const rest = sub === undefined ? argv : more
  const handlers = (core: StudioCore) => core.modelsService.handlers()
  switch (sub) {
    case 'list': {
      const { values } = strictArgs('studio models list', rest, {}, false)
      return withCore(values['data-dir'] as string | undefined, (core) => {
        const list = core.modelsService.handlers()['models:list']({}) as ReturnType<StudioCore['models']['list']>
        if (values.json) { out(`${JSON.stringify(list, null, 2)}\n`); return 0 }
        if (!list.length) { out('No saved models yet. Compose one in the app, or: studio models import <model.json>\n'); return 0 }
        const w = Math.max(24, ...list.map((m) => m.id.length + 2))
        out(`${'ID'.padEnd(w)}${'NAME'.padEnd(28)}${'VERSION'.padEnd(9)}${'LAYERS'.padEnd(8)}${'PARAMS'.padEnd(10)}RUNS\n`)
        for (const m of list) out(`${m.id.padEnd(w)}${m.name.slice(0, 27).padEnd(28)}${String(m.latestVersion).padEnd(9)}${String(m.layerCount).padEnd(8)}${String(m.totalParams).padEnd(10)}${m.runCount}\n`)
        return 0
      })
    }
    case 'import': {
      const { values, positionals } = strictArgs('studio models import', rest, { name: { type: 'string' } }, true)
      if (positionals.length !== 1) throw new UsageError(`studio models import: expected one model.json file, got ${positionals.length}`)
      const file = path.resolve(positionals[0]!)
      if (!existsSync(file)) throw new UsageError(`studio models import: ${file} does not exist`)
      const json = readFileSync(file, 'utf8')
      return withCore(values['data-dir'] as string | undefined, (core) => {
        let r
        try {
          r = handlers(core)['models:importKeras']({ json, ...(values.name ? { name: values.name as string } : {}) }) as ReturnType<ReturnType<StudioCore['modelsService']['handlers']>['models:importKeras']> & { model: { id: string; name: string }; version: { version: number; totalParams: number }; warnings: string[] }
        } catch (e) {
          if (e instanceof StudioError) throw new StudioError(e.code, `${file}: ${e.message}`)
          throw e
        }
        if (values.json) { out(`${JSON.stringify(r, null, 2)}\n`); return 0 }
        out([`Imported   ${r.model.name}  (id ${r.model.id}, version ${r.version.version})`, `Params     ${r.version.totalParams}`,
          ...r.warnings.map((w) => `Note       ${w}`), ''].join('\n'))
        return 0
      })
    }
    case 'export': {
      const { values, positionals } = strictArgs('studio models export', rest, { version: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } }, true)
      if (positionals.length !== 1) throw new UsageError(`studio models export: expected one model id, got ${positionals.length}`)
      const modelId = positionals[0]!
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(modelId)) throw new UsageError(`studio models export: "${modelId}" is not a model id`)
      const version = values.version === undefined ? undefined : Number(values.version)
      if (version !== undefined && (!Number.isInteger(version) || version < 1)) throw new UsageError(`studio models export: --version: expected a positive integer, got "${String(values.version)}"`)
      const format = values.format as string | undefined
      if (format !== undefined && format !== 'studio' && format !== 'keras') throw new UsageError(`studio models export: --format: expected studio or keras, got "${format}"`)
      return withCore(values['data-dir'] as string | undefined, (core) => {
        const r = handlers(core)['models:export']({ modelId, ...(version ? { version } : {}), ...(format ? { format } : {}) }) as { fileName: string; json: string }
        if (values.out) {
          const file = path.resolve(values.out as string)
          writeFileSync(file, r.json)
          process.stderr.write(`Wrote ${file}\n`)
        } else out(r.json)
        return 0
      })
    }
    case undefined:
      throw new UsageError('studio models: expected a subcommand: list, import <model.json>, export <modelId>')
    default:
      throw new UsageError(`studio models: unknown subcommand "${sub}"; expected list, import or export`)
  }
}
