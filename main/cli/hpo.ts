/**
 * `studio hpo` — runs an HPO study headless over the same core as the app:
 *
 *   studio hpo --config study.json [--data-dir D] [--json]   create the study and run it to its budget
 *   studio hpo resume <study-id> [--data-dir D] [--json]       continue a paused or interrupted study
 *   studio hpo list [--data-dir D] [--json]                    list studies
 *
 * The study lands in the data folder's database like one made in the app. An app open on the same
 * folder is another process: it sees the study (trials, charts) when it reloads the study list,
 * not live; the CLI's process owns the study while it runs, so the app only reads it.
 * Exit codes: 0 the study ended (completed, or paused with Ctrl+C), 1 bad study file or an error,
 * 2 bad arguments (unknown flag, missing file).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import cliProgress from 'cli-progress'
import { HpoStudyInputSchema } from '../../preload/contract/hpoSchemas'
import type { HpoStudySummary, HpoTrialEvent } from '../../preload/contract/types'
import { attachLogFile } from '../common/logger'
import { dataLayout, defaultDataDir } from '../common/paths'
import { StudioError } from '../services/errors'
import type { StudioCore } from '../services/studio'
import { UsageError } from './args'
import { openHeadlessCore } from './context'

const out = (s: string) => process.stdout.write(s)

export const HPO_HELP = `  studio hpo --config study.json [--json]
                                     run an HPO study headless: progress bar, best trial so far,
                                     summary (exit 1: invalid study file, 2: bad arguments)
  studio hpo resume <study-id>       continue a paused or interrupted study
  studio hpo list [--json]           list studies
`

/** Reads and checks a study file; every problem is reported as "file: field.path: what was expected". */
export function readStudyFile(file: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new UsageError(`--config: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new StudioError('invalid_argument', `${path.basename(file)}: not valid JSON: ${(e as Error).message}`)
  }
  const r = HpoStudyInputSchema.safeParse(json)
  if (!r.success) {
    throw new StudioError('invalid_argument', r.error.issues.map((i) => `${path.basename(file)}: ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`).join('\n'))
  }
  return json
}

function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  return Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4)
}

function fmtParams(p: Record<string, unknown>): string {
  return Object.entries(p).map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : String(v)}`).join(' ')
}

function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—'
  const s = Math.round(ms / 1000)
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`
}

/** Drives a study to its end with a progress bar (TTY) or one line per finished trial. */
async function follow(core: StudioCore, studyId: string, json: boolean): Promise<number> {
  const tty = process.stdout.isTTY === true && !json
  const s0 = core.hpo.summary(studyId)
  const total = s0.budget.trials ?? 0
  const bar = tty ? new cliProgress.SingleBar({
    format: ' {bar} {value}/{total} trials | running {running} | pruned {pruned} | failed {failed} | best {best} | ETA {etaText}',
    barCompleteChar: '█', barIncompleteChar: '░', hideCursor: true
  }) : null
  const fields = (s: HpoStudySummary) => ({
    running: s.counts.running, pruned: s.counts.pruned, failed: s.counts.failed,
    best: s.best ? `${fmt(s.best.value)} (#${s.best.number})` : '—', etaText: fmtMs(s.eta?.msRemaining)
  })
  const done = (s: HpoStudySummary) => s.counts.complete + s.counts.pruned + s.counts.failed
  bar?.start(Math.max(total, 1), done(s0), fields(s0))
  if (!tty && !json) {
    out(`study ${studyId}: ${s0.name} — ${s0.samplerKind} sampler, ${s0.prunerKind} pruner, ` +
      `${s0.budget.trials ?? '∞'} trials${s0.budget.wallTimeMs ? ` / ${fmtMs(s0.budget.wallTimeMs)}` : ''}, parallelism ${s0.parallelism} (${s0.threadsPerTrial} thread${s0.threadsPerTrial === 1 ? '' : 's'} each)\n`)
  }
  const off = core.hub.subscribe((event, payload) => {
    if (event === 'hpo:didChange') {
      const s = payload as HpoStudySummary
      if (s.id !== studyId) return
      if (bar) {
        if (s.budget.trials && s.budget.trials !== total) bar.setTotal(s.budget.trials)
        bar.update(done(s), fields(s))
      }
    } else if (event === 'hpo:didTrial' && !tty && !json) {
      const e = payload as HpoTrialEvent
      if (e.studyId !== studyId || !['complete', 'pruned', 'failed'].includes(e.trial.state)) return
      const s = core.hpo.summary(studyId)
      const tr = e.trial
      out(`trial ${tr.number} ${tr.state.padEnd(8)} ${tr.state === 'failed' ? tr.error ?? '' : `value ${fmt(tr.value)} after ${tr.intermediate.length} epochs`}  ${fmtParams(tr.params)}` +
        `  | best ${s.best ? `${fmt(s.best.value)} (#${s.best.number})` : '—'}\n`)
    }
  })
  let interrupts = 0
  const onSigint = () => {
    interrupts++
    if (interrupts === 1) {
      process.stderr.write(`\nPausing: running trials are stopped and queued again… (Ctrl+C again to quit at once)\n`)
      try { core.hpo.pause(studyId, 'stop') } catch { /* already ending */ }
    } else {
      void core.close(0)
    }
  }
  process.on('SIGINT', onSigint)
  // Refreshes the bar's ETA and elapsed time between trial events; also keeps the process alive
  // between trials (the coordinator's own timer does not).
  const keepAlive = setInterval(() => {
    if (!bar) return
    try {
      const s = core.hpo.summary(studyId)
      bar.update(done(s), fields(s))
    } catch { /* closing */ }
  }, 1000)
  let end: HpoStudySummary
  try {
    end = await core.hpo.waitFor(studyId, ['completed', 'stopped', 'paused'], Infinity)
  } finally {
    clearInterval(keepAlive)
    process.off('SIGINT', onSigint)
    off()
    bar?.stop()
  }
  const detail = core.hpo.detail(studyId)
  if (json) {
    out(`${JSON.stringify({ summary: end, trials: detail.trials }, null, 2)}\n`)
  } else {
    const b = end.best
    out([
      '',
      `Study      ${end.id}  (${end.name})`,
      `State      ${end.state}${end.message ? ` — ${end.message}` : ''}`,
      `Sampler    ${end.samplerKind}${detail.samplerReason ? ` — ${detail.samplerReason.en}` : ''}`,
      `Pruner     ${end.prunerKind}`,
      `Trials     ${end.counts.complete} complete, ${end.counts.pruned} pruned, ${end.counts.failed} failed, ${end.counts.waiting} waiting, in ${fmtMs(end.elapsedMs)}`,
      `Objective  ${end.objective.metric} (${end.objective.direction})`,
      `Best       ${b ? `${fmt(b.value)}  trial #${b.number}  run ${b.runId ?? '—'}` : '—'}`,
      ...(b ? [`Params     ${fmtParams(b.params)}`] : []),
      `Data       ${core.layout.root}`,
      ...(end.state === 'paused' ? [`Resume     studio hpo resume ${end.id}${process.argv.includes('--data-dir') ? ' --data-dir <same folder>' : ''}`] : []),
      'The app shows this study\'s charts on this data folder (an app already open sees it after a reload).',
      ''
    ].join('\n'))
  }
  return 0
}

export async function hpoCmd(argv: string[], entryUrl: string): Promise<number> {
  const [sub, ...rest] = argv
  const isSub = sub === 'list' || sub === 'resume'
  let v: Record<string, string | boolean | undefined>
  let positionals: string[]
  try {
    const r = parseArgs({
      args: isSub ? rest : argv, strict: true, allowPositionals: sub === 'resume',
      options: { config: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } }
    })
    v = r.values as Record<string, string | boolean | undefined>
    positionals = r.positionals
  } catch (e) {
    throw new UsageError(`studio hpo: ${(e as Error).message.replace(/\. To specify.*$/s, '')}`)
  }
  if (v.help) { out(`Usage:\n${HPO_HELP}\nEvery command takes --data-dir <folder> (default: ${defaultDataDir()}).\n`); return 0 }
  const dataDir = (v['data-dir'] as string | undefined) ?? defaultDataDir()
  const json = v.json === true
  if (sub === 'list') {
    const core = openHeadlessCore(entryUrl, dataDir)
    try {
      const list = core.hpo.list()
      if (json) { out(`${JSON.stringify(list, null, 2)}\n`); return 0 }
      if (!list.length) { out('No studies yet. Run one with: studio hpo --config study.json\n'); return 0 }
      out(`${'ID'.padEnd(22)}${'NAME'.padEnd(24)}${'STATE'.padEnd(11)}${'SAMPLER'.padEnd(9)}${'TRIALS'.padEnd(10)}${'OBJECTIVE'.padEnd(26)}BEST\n`)
      for (const s of list) {
        const n = s.counts.complete + s.counts.pruned
        out(`${s.id.padEnd(22)}${s.name.slice(0, 23).padEnd(24)}${s.state.padEnd(11)}${s.samplerKind.padEnd(9)}${`${n}/${s.budget.trials ?? '∞'}`.padEnd(10)}${`${s.objective.metric} ${s.objective.direction === 'minimize' ? 'min' : 'max'}`.padEnd(26)}${s.best ? `${fmt(s.best.value)} (#${s.best.number})` : '—'}\n`)
      }
      return 0
    } finally {
      await core.close()
    }
  }
  if (sub === 'resume') {
    const id = positionals[0]
    if (!id || positionals.length > 1) throw new UsageError('studio hpo resume: expected one study id (see studio hpo list)')
    attachLogFile(dataLayout(dataDir).logs, true)
    const core = openHeadlessCore(entryUrl, dataDir)
    try {
      const s = core.hpo.summary(id)
      if (s.state === 'draft') core.hpo.start(id)
      else core.hpo.resume(id)
      return await follow(core, id, json)
    } finally {
      await core.close()
    }
  }
  if (typeof v.config !== 'string') throw new UsageError('studio hpo: --config <study.json> is required (or: studio hpo list | resume <id>)')
  const input = readStudyFile(v.config)
  attachLogFile(dataLayout(dataDir).logs, true)
  const core = openHeadlessCore(entryUrl, dataDir)
  try {
    let id: string
    try {
      id = core.hpo.create(input, true).summary.id
    } catch (e) {
      if (e instanceof StudioError && e.code === 'invalid_argument') {
        throw new StudioError('invalid_argument', e.message.replace(/^Invalid study: /, '').split('; ').map((m) => `${path.basename(v.config as string)}: ${m}`).join('\n'))
      }
      throw e
    }
    return await follow(core, id, json)
  } finally {
    await core.close()
  }
}
