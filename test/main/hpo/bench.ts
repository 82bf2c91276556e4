/**
 * HPO sampler benchmark (issue 5's quality goals): median regret (best found − known optimum)
 * over many seeds on Branin and Hartmann-6, and the sampler's overhead per suggestion at 100
 * complete trials. Prints a Markdown table for BENCHMARKS.md.
 *
 *   npx tsx test/main/hpo/bench.ts [seeds=20]
 */
import { MemoryStorage } from '../../../main/hpo/memoryStorage'
import { GPSampler } from '../../../main/hpo/samplers/gpSampler'
import { RandomSampler } from '../../../main/hpo/samplers/randomSampler'
import { TPESampler } from '../../../main/hpo/samplers/tpeSampler'
import { Study } from '../../../main/hpo/study'
import type { Sampler } from '../../../main/hpo/types'
import { bestCurve, branin, braninSpace, BRANIN_MIN, hartmann6, hartmann6Space, HARTMANN6_MIN, median } from './objectives'

const nSeeds = Number(process.argv[2] ?? 20)
const seeds = Array.from({ length: nSeeds }, (_, i) => 1000 + i)
const samplers: [string, (s: number) => Sampler, { b: number[]; h: number[] }][] = [
  ['random', (s) => new RandomSampler(s), { b: [20, 50], h: [50, 100] }],
  ['tpe', (s) => new TPESampler({ seed: s }), { b: [20, 50], h: [50, 100] }],
  ['tpe (multivariate)', (s) => new TPESampler({ seed: s, multivariate: true }), { b: [20, 50], h: [50, 100] }],
  ['gp', (s) => new GPSampler({ seed: s }), { b: [20, 50], h: [50] }]
]

function overheadMs(make: () => Sampler): number {
  const study = Study.create(new MemoryStorage(), { name: 'o', direction: 'minimize', space: hartmann6Space, now: 0 }, { sampler: new RandomSampler(1) })
  study.optimize(hartmann6, 100)
  const s = make()
  s.ask(study, hartmann6Space) // warm (the GP's first fit at 100 points is a cold start)
  const t: number[] = []
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now()
    s.ask(study, hartmann6Space)
    t.push(performance.now() - t0)
  }
  return median(t)
}

const rows: string[] = []
const fmt = (x: number): string => (x < 0.01 ? x.toExponential(1) : x.toFixed(3))
for (const [name, make, at] of samplers) {
  const b = seeds.map((s) => bestCurve(make(s), braninSpace, branin, Math.max(...at.b)))
  const h = seeds.map((s) => bestCurve(make(s), hartmann6Space, hartmann6, Math.max(...at.h)))
  const cells = [...at.b.map((n) => fmt(median(b.map((c) => c[n - 1]! - BRANIN_MIN)))), ...[50, 100].map((n) => (at.h.includes(n) ? fmt(median(h.map((c) => c[n - 1]! - HARTMANN6_MIN))) : '—'))]
  rows.push(`| ${name} | ${cells.join(' | ')} | ${overheadMs(() => make(1)).toFixed(1)} |`)
}
process.stdout.write(
  [`Median regret over ${nSeeds} seeds (lower is better); overhead = ms per suggestion at 100 complete trials (Hartmann-6, warm sampler).`, '', '| sampler | Branin @20 | Branin @50 | Hartmann-6 @50 | Hartmann-6 @100 | overhead ms |', '|---|---|---|---|---|---|', ...rows, ''].join('\n')
)
