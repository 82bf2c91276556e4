/**
 * `npm run bench:hpo` — issue 5's quality goals, measured (nothing here asserts):
 *
 *   regret     median regret (best found − known optimum) over many seeds: Branin at 20 / 50 trials,
 *              Hartmann-6 at 50 / 100, for the GP, TPE (independent and multivariate) and random
 *              samplers (test/main/hpo/objectives.ts, sequential ask/tell on the memory storage).
 *   overhead   ms per suggestion at 100 complete Hartmann-6 trials (GP ≤ 200, TPE ≤ 20), median of 5
 *              asks after a warm-up ask.
 *   pruning    30 trials × 10 epochs of an MLP on the built-in digits images through the real
 *              coordinator (trainer processes, SQLite in a temp data folder), random sampler with one
 *              seed, so every study proposes the same 30 configurations: no pruning vs ASHA vs median.
 *              Epochs actually trained (runs' epochsDone) and the best val accuracy of each.
 *
 * Flags: --seeds N (random/TPE, default 50), --gp-seeds N (default 20), --samplers random,tpe,tpe-mv,gp,
 * --only regret,overhead,pruning, --trials N (pruning, default 30).
 * Prints Markdown tables for BENCHMARKS.md and the raw figures as JSON.
 */
import os from 'node:os'
import { parseArgs } from 'node:util'
import { MemoryStorage } from '../../main/hpo/memoryStorage'
import { GPSampler } from '../../main/hpo/samplers/gpSampler'
import { RandomSampler } from '../../main/hpo/samplers/randomSampler'
import { TPESampler } from '../../main/hpo/samplers/tpeSampler'
import { Study } from '../../main/hpo/study'
import type { Sampler } from '../../main/hpo/types'
import type { HpoPrunerConfig, HpoStudyInput } from '../../preload/contract/types'
import { openTestCore } from '../helpers/core'
import { tempDir } from '../helpers/tmp'
import { bestCurve, branin, braninSpace, BRANIN_MIN, hartmann6, hartmann6Space, HARTMANN6_MIN, median } from '../main/hpo/objectives'

const { values: flags } = parseArgs({
  options: {
    seeds: { type: 'string', default: '50' }, 'gp-seeds': { type: 'string', default: '20' }, only: { type: 'string' },
    samplers: { type: 'string' }, trials: { type: 'string', default: '30' }
  }
})
// Medians over 20 seeds moved by up to 2× between seed sets for TPE; the cheap samplers get 50.
const seedList = (n: number): number[] => Array.from({ length: n }, (_, i) => 1000 + i)
const only = new Set((flags.only ?? 'regret,overhead,pruning').split(','))
const pick = flags.samplers ? new Set(flags.samplers.split(',')) : undefined
const fmt = (x: number): string => (x < 0.01 ? x.toExponential(1) : x.toFixed(3))
const log = (s: string): void => { process.stderr.write(`${s}\n`) }
const results: Record<string, unknown> = { date: new Date().toISOString(), machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, ${process.platform}-${process.arch}` }

const SAMPLERS: [string, string, (s: number) => Sampler, number][] = [
  ['random', 'random', (s) => new RandomSampler(s), Number(flags.seeds)],
  ['tpe', 'tpe (independent, Optuna default)', (s) => new TPESampler({ seed: s }), Number(flags.seeds)],
  ['tpe-mv', 'tpe (multivariate; auto uses it)', (s) => new TPESampler({ seed: s, multivariate: true }), Number(flags.seeds)],
  ['gp', 'gp', (s) => new GPSampler({ seed: s }), Number(flags['gp-seeds'])]
]

/** Wall and CPU ms per suggestion (CPU time shows the cost when other processes share the cores). */
function overheadMs(make: () => Sampler): { wall: number; cpu: number } {
  const study = Study.create(new MemoryStorage(), { name: 'o', direction: 'minimize', space: hartmann6Space, now: 0 }, { sampler: new RandomSampler(1) })
  study.optimize(hartmann6, 100)
  const s = make()
  s.ask(study, hartmann6Space)
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    s.ask(study, hartmann6Space)
    const c = process.cpuUsage(c0)
    wall.push(performance.now() - t0)
    cpu.push((c.user + c.system) / 1000)
  }
  return { wall: median(wall), cpu: median(cpu) }
}

const out: string[] = []
if (only.has('regret') || only.has('overhead')) {
  const rows: string[] = []
  const raw: Record<string, unknown> = {}
  for (const [key, name, make, nSeeds] of SAMPLERS) {
    if (pick && !pick.has(key)) continue
    const seeds = seedList(nSeeds)
    const cells: string[] = []
    const r: Record<string, number> = { seeds: nSeeds }
    if (only.has('regret')) {
      const t0 = performance.now()
      const b = seeds.map((s) => bestCurve(make(s), braninSpace, branin, 50))
      const h = seeds.map((s) => bestCurve(make(s), hartmann6Space, hartmann6, 100))
      for (const n of [20, 50]) cells.push(fmt((r[`branin@${n}`] = median(b.map((c) => c[n - 1]! - BRANIN_MIN)))))
      for (const n of [50, 100]) cells.push(fmt((r[`hartmann6@${n}`] = median(h.map((c) => c[n - 1]! - HARTMANN6_MIN)))))
      log(`${name}: regret over ${nSeeds} seeds in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
    } else cells.push('', '', '', '')
    if (only.has('overhead')) {
      const o = overheadMs(() => make(1))
      r.overheadMs = o.wall
      r.overheadCpuMs = o.cpu
      cells.push(`${o.wall.toFixed(1)} (cpu ${o.cpu.toFixed(1)})`)
    }
    else cells.push('')
    raw[name] = r
    rows.push(`| ${name} | ${only.has('regret') ? nSeeds : ''} | ${cells.join(' | ')} |`)
  }
  results.samplers = raw
  results.loadAverage = os.loadavg()
  out.push(
    'Median regret (best found − optimum; lower is better) over seeds 1000…; overhead = wall ms per suggestion at 100 complete Hartmann-6 trials (warm sampler, median of 5; CPU ms of this process in parentheses).',
    '',
    '| sampler | seeds | Branin @20 | Branin @50 | Hartmann-6 @50 | Hartmann-6 @100 | overhead ms |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '| goal: GP | | ≤ 0.05 | ≤ 0.001 | ≤ 0.15 | | ≤ 200 (TPE ≤ 20) |',
    '| goal: TPE ≤ 1.5 × Optuna 3.1 TPE (0.97 / 0.17 / 0.59 / 0.23) | | ≤ 1.455 | ≤ 0.255 | ≤ 0.885 | ≤ 0.345 | |',
    ''
  )
}

if (only.has('pruning')) {
  const nTrials = Number(flags.trials)
  const epochs = 10
  const dir = tempDir('studio-bench-hpo-')
  const core = openTestCore(dir.dir)
  try {
    const study = (name: string, pruner: HpoPrunerConfig): HpoStudyInput => ({
      name,
      baseConfig: { datasetId: 'digits', model: { template: 'mlp', hidden: [64], activation: 'relu' }, optimizer: 'adam', learningRate: 0.01, batchSize: 32, epochs, seed: 5 },
      space: {
        params: [
          { name: 'learningRate', kind: 'float', low: 1e-4, high: 0.3, log: true },
          { name: 'model.layers', kind: 'int', low: 1, high: 2 },
          { name: 'model.units', kind: 'discrete', values: [30, 60] },
          { name: 'batchSize', kind: 'discrete', values: [16, 32, 64] }
        ]
      },
      objective: { metric: 'epoch/val_acc', direction: 'maximize' },
      sampler: { kind: 'random', seed: 42 },
      pruner,
      budget: { trials: nTrials }
    })
    const rows: string[] = []
    const raw: Record<string, unknown> = {}
    let base: { epochs: number; best: number } | undefined
    for (const [label, pruner] of [
      ['none', { kind: 'none' }],
      ['asha (min 1, η 3)', { kind: 'asha', minResource: 1, reductionFactor: 3 }],
      ['median (5 startup, 1 warm-up)', { kind: 'median', nStartupTrials: 5, nWarmupSteps: 1 }]
    ] as [string, HpoPrunerConfig][]) {
      const t0 = performance.now()
      const d = core.hpo.create(study(label, pruner), true)
      const end = await core.hpo.waitFor(d.summary.id, ['completed'], 3600_000)
      const seconds = (performance.now() - t0) / 1000
      const trials = core.hpo.detail(d.summary.id).trials
      const trained = trials.reduce((s, t) => s + (t.runId ? core.runs.get(t.runId)?.epochsDone ?? 0 : 0), 0)
      const best = end.best?.value ?? NaN
      if (!base) base = { epochs: trained, best }
      const saved = 1 - trained / (nTrials * epochs)
      const diff = (base.best - best) / base.best
      raw[pruner.kind] = { epochsTrained: trained, saved, best, relDiffFromUnpruned: diff, seconds, pruned: end.counts.pruned, failed: end.counts.failed }
      rows.push(`| ${label} | ${trained} / ${nTrials * epochs} | **${(saved * 100).toFixed(0)}%** | ${end.counts.pruned} | ${best.toFixed(4)} | ${pruner.kind === 'none' ? '—' : `${(diff * 100).toFixed(2)}%`} | ${seconds.toFixed(0)} s |`)
      log(`pruning ${label}: ${trained} epochs, best ${best.toFixed(4)}, ${seconds.toFixed(0)} s`)
    }
    results.pruning = raw
    out.push(
      `Pruning: ${nTrials} trials × ${epochs} epochs, MLP on the built-in digits (28×28 grayscale, 3,000 train / 600 val, 10 classes) through trainer processes, random sampler (seed 42: the same ${nTrials} configurations in each study), objective val accuracy (maximize).`,
      '',
      '| pruner | epochs trained | saved (goal ≥ 40%) | trials pruned | best val acc | best vs unpruned (goal ≤ 1%) | wall time |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      ''
    )
  } finally {
    await core.close()
    dir.cleanup()
  }
}

process.stdout.write(`${out.join('\n')}\n${JSON.stringify(results, null, 2)}\n`)
