/**
 * `npm run bench:speed`: CPU training speed of the studio against PyTorch, side by side in one run.
 * Not a test: nothing here asserts a time. Prints a Markdown table (stdout) and writes JSON to
 * bench-results/speed.json; the figures we keep go into test/bench/BENCHMARKS.md.
 *
 * Models (batch 128, Adam lr 1e-3, uniform synthetic data, 10 classes), the same on both sides:
 *   mlp  784-256-128-10 (relu)
 *   cnn  28×28×1 → conv32 3×3 → pool 2 → conv64 3×3 → pool 2 → dense128 → dense10
 *
 * Contenders:
 *   studio native 1t / 2t   the studio engine on the native addon (bare, in this process)
 *   studio portable         the studio engine without the addon (WebAssembly SIMD kernels)
 *   studio typescript       the engine's last-resort pure TypeScript kernels (mlp only)
 *   tfjs wasm / tfjs cpu    model.fit as before the engine (today's figures: backend + the
 *                           trainer's own conv-gradient kernel)
 *   tfjs wasm + kernels     model.fit on wasm with the engine's matmul kernels installed (the
 *                           path for models the engine does not take)
 *   studio trainer          a real run through the studio: trainer process, metric streaming,
 *                           SQLite in main (needs the build: the script runs it first)
 *   pytorch 1t / 2t         Debian's python3-torch (installed here when missing and possible)
 * Studio and PyTorch alternate round by round so that load from other processes hits both alike;
 * figures are medians over epochs after a warm-up epoch.
 *
 * Flags: --quick (smaller sizes), --only mlp,cnn, --no-torch, --no-trainer, --no-install.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs'
import type { ModelSpec } from '../../preload/contract/types'
import { writeCache } from '../../main/datasets/cache'
import { selectBackend } from '../../main/trainer/backend'
import { FastEngine } from '../../main/trainer/engine/engine'
import { fitEpoch } from '../../main/trainer/engine/fit'
import { chooseKernels, describeKernels, type KernelPreference } from '../../main/trainer/engine/kernels'
import { installEngineKernels } from '../../main/trainer/engine/tfKernels'
import { buildCompiledModel } from '../../main/trainer/models'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '..', '..')
const argv = process.argv.slice(2)
const quick = argv.includes('--quick')
const onlyArg = argv.find((a) => a.startsWith('--only'))
const only = onlyArg ? new Set((onlyArg.split('=')[1] ?? argv[argv.indexOf(onlyArg) + 1] ?? '').split(',')) : null
const noTorch = argv.includes('--no-torch')
const noTrainer = argv.includes('--no-trainer')
const noInstall = argv.includes('--no-install')
const say = (s: string): void => { process.stderr.write(`[bench:speed] ${s}\n`) }

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

type ModelKind = 'mlp' | 'cnn'
const SPECS: Record<ModelKind, { spec: ModelSpec; shape: number[] }> = {
  mlp: { spec: { template: 'mlp', hidden: [256, 128], activation: 'relu' }, shape: [784] },
  cnn: { spec: { template: 'cnn', filters: [32, 64], denseUnits: 128, activation: 'relu' }, shape: [28, 28, 1] }
}
const BATCH = 128
const LR = 0.001

interface Data { x: Float32Array; y: Float32Array; labels: Int32Array; n: number }

function synthetic(kind: ModelKind, n: number, seed = 1): Data {
  const d = SPECS[kind].shape.reduce((a, b) => a * b, 1)
  let st = seed >>> 0
  const rnd = (): number => ((st = (Math.imul(st, 1664525) + 1013904223) >>> 0) / 2 ** 32)
  const x = new Float32Array(n * d)
  for (let i = 0; i < x.length; i++) x[i] = rnd()
  const labels = new Int32Array(n)
  const y = new Float32Array(n * 10)
  for (let i = 0; i < n; i++) { labels[i] = Math.floor(rnd() * 10); y[i * 10 + labels[i]!] = 1 }
  return { x, y, labels, n }
}

function permutation(n: number, seed: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i)
  let st = seed >>> 0
  for (let i = n - 1; i > 0; i--) {
    st = (Math.imul(st, 1664525) + 1013904223) >>> 0
    const j = st % (i + 1)
    const t = p[i]!; p[i] = p[j]!; p[j] = t
  }
  return p
}

function compiled(kind: ModelKind): tf.Sequential {
  return buildCompiledModel({ model: SPECS[kind].spec, optimizer: 'adam', learningRate: LR, seed: 1 },
    { inputShape: SPECS[kind].shape, numClasses: 10, task: 'classification' }).model
}

/** The studio engine, bare: samples/s per epoch (first epoch included; callers drop it). */
async function engineRates(kind: ModelKind, data: Data, prefer: KernelPreference, threads: number, epochs: number): Promise<{ rates: number[]; what: string }> {
  const k = chooseKernels({ prefer, threads })
  const model = compiled(kind)
  const eng = FastEngine.create(model, { batchSize: BATCH, kernels: k.kernels })
  const rates: number[] = []
  let sink = 0
  for (let e = 0; e < epochs; e++) {
    const order = permutation(data.n, e + 1)
    const t0 = performance.now()
    // Reads each batch's loss like the trainer's metric stream does.
    await fitEpoch(eng, data.x, data.y, data.n, order, 0, { onBatch: (_s, l) => { sink += l } })
    rates.push(data.n / ((performance.now() - t0) / 1000))
  }
  model.optimizer?.dispose()
  model.dispose()
  if (!Number.isFinite(sink)) say(`warning: ${kind} ${prefer} loss went non-finite`)
  return { rates, what: describeKernels(k.kernels) }
}

/** model.fit on the active TF.js backend: samples/s per epoch after one warm-up batch. */
async function fitRates(kind: ModelKind, data: Data, n: number, epochs: number): Promise<number[]> {
  const model = compiled(kind)
  const xs = tf.tensor(data.x.subarray(0, n * SPECS[kind].shape.reduce((a, b) => a * b, 1)), [n, ...SPECS[kind].shape])
  const ys = tf.tensor2d(data.y.subarray(0, n * 10), [n, 10])
  const rates: number[] = []
  try {
    // Warm-up: one batch (kernel compilation, first allocations).
    await model.fit(xs.slice(0, BATCH), ys.slice(0, BATCH), { batchSize: BATCH, epochs: 1, verbose: 0 })
    for (let e = 0; e < epochs; e++) {
      const t0 = performance.now()
      await model.fit(xs, ys, { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0 })
      rates.push(n / ((performance.now() - t0) / 1000))
    }
  } finally {
    tf.dispose([xs, ys])
    model.optimizer?.dispose()
    model.dispose()
  }
  return rates
}

// ── PyTorch ──────────────────────────────────────────────────────────────────────────────────────
const PY = '/usr/bin/python3'

function torchEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // Set on some machines for old OpenBLAS builds; they slow a current one. Only for this command.
  const env = { ...process.env, ...extra }
  delete env['OPENBLAS_CORETYPE']
  delete env['OPENBLAS_L2_SIZE']
  return env
}

function torchAvailable(): boolean {
  if (!existsSync(PY)) return false
  return spawnSync(PY, ['-c', 'import torch'], { env: torchEnv(), timeout: 120_000 }).status === 0
}

/** Makes python3-torch importable, installing Debian's package when possible. Returns a note when not. */
function ensureTorch(): string | null {
  if (torchAvailable()) return null
  if (noInstall) return 'PyTorch is not installed (--no-install given)'
  if (process.platform !== 'linux' || typeof process.getuid !== 'function' || process.getuid() !== 0 || spawnSync('which', ['apt-get']).status !== 0) {
    return 'PyTorch is not installed and cannot be installed here (needs Debian/Ubuntu apt-get as root: apt-get install python3-torch)'
  }
  say('installing python3-torch with apt-get (once; a few minutes)…')
  let r = spawnSync('apt-get', ['install', '-y', '-qq', 'python3-torch'], { stdio: 'ignore', timeout: 900_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', timeout: 300_000 })
    r = spawnSync('apt-get', ['install', '-y', '-qq', 'python3-torch'], { stdio: 'ignore', timeout: 900_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  }
  return torchAvailable() ? null : 'PyTorch could not be installed (apt-get install python3-torch failed)'
}

/**
 * Debian's torch does its matmuls in whatever libblas.so.3 the system selects; with only the
 * reference BLAS (libblas3) it runs ~10× slower than it should, which would flatter the studio.
 * Install OpenBLAS (it takes over libblas.so.3 through update-alternatives) when we can; say so.
 */
function ensureFastBlas(): string | null {
  if (process.platform !== 'linux') return null
  const q = spawnSync('update-alternatives', ['--query', `libblas.so.3-${process.arch === 'x64' ? 'x86_64' : 'aarch64'}-linux-gnu`], { encoding: 'utf8' })
  const value = /^Value: (.*)$/m.exec(q.stdout ?? '')?.[1] ?? ''
  if (/openblas|mkl|blis/i.test(value)) return null
  if (noInstall || typeof process.getuid !== 'function' || process.getuid() !== 0) return `PyTorch uses the reference BLAS (${value || 'unknown'}): its figures are too low; install libopenblas0-pthread`
  say('installing libopenblas0-pthread so PyTorch gets a real BLAS…')
  spawnSync('apt-get', ['install', '-y', '-qq', 'libopenblas0-pthread'], { stdio: 'ignore', timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  return null
}

class TorchWorker {
  private readonly proc: ChildProcessWithoutNullStreams
  private readonly lines: AsyncIterator<string>
  version = '?'
  blas = '?'
  constructor(env: Record<string, string> = {}) {
    this.proc = spawn(PY, [path.join(here, 'speedTorch.py')], { env: torchEnv(env), stdio: ['pipe', 'pipe', 'pipe'] })
    this.proc.stderr.on('data', (b: Buffer) => say(`pytorch: ${b.toString().trim()}`))
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]()
  }
  private async next(): Promise<Record<string, unknown>> {
    const r = await this.lines.next()
    if (r.done) throw new Error('the PyTorch worker exited')
    return JSON.parse(r.value) as Record<string, unknown>
  }
  async ready(): Promise<void> {
    const r = await this.next()
    this.version = String(r['torch'])
    this.blas = String(r['blas'])
  }
  async rates(model: ModelKind, threads: number, samples: number, epochs: number, blasThreads?: number): Promise<number[]> {
    this.proc.stdin.write(`${JSON.stringify({ model, threads, samples, epochs, batch: BATCH, ...(blasThreads ? { blasThreads } : {}) })}\n`)
    const r = await this.next()
    if (r['error']) throw new Error(String(r['error']))
    return r['rates'] as number[]
  }
  close(): void { this.proc.stdin.end() }
}

// ── a real studio run ────────────────────────────────────────────────────────────────────────────
async function studioRunRates(kind: ModelKind, data: Data, threads: number, epochs: number): Promise<{ rates: number[]; engine: string; wallRate: number }> {
  const { openTestCore } = await import('../helpers/core')
  const { tempDir } = await import('../helpers/tmp')
  const t = tempDir('studio-speed-')
  process.env['STUDIO_TRAINER_THREADS'] = String(threads)
  const core = openTestCore(t.dir)
  try {
    const id = `speed-${kind}`
    const dir = path.join(core.layout.datasets, id)
    const shape = SPECS[kind].shape
    const h = writeCache(dir, {
      name: id, task: 'classification', inputShape: shape, classNames: Array.from({ length: 10 }, (_, i) => String(i)),
      xDtype: 'float32', xScale: 1, splits: { train: { x: data.x, y: data.labels } }
    })
    core.datasets.upsert({
      id, name: id, description: '', source: 'bench', task: 'classification', inputShape: shape, numClasses: 10,
      classNames: h.classNames, trainSize: data.n, valSize: 0, bytes: h.bytes, isSample: false, createdAt: Date.now(),
      suggested: SPECS[kind].spec, dir, sha256: h.sha256
    })
    const t0 = performance.now()
    const run = core.startRun({ datasetId: id, model: SPECS[kind].spec, optimizer: 'adam', learningRate: LR, batchSize: BATCH, epochs, seed: 1, backend: 'auto' })
    const end = await core.waitForEnd(run.id, 1_800_000)
    const wall = (performance.now() - t0) / 1000
    if (end.status !== 'completed') throw new Error(`studio run ${end.status}: ${end.error}`)
    const sps = core.metrics.series(run.id, ['epoch/samples_per_sec'])['epoch/samples_per_sec']?.value ?? []
    const info = core.runs.get(run.id)?.backendInfo as { device?: string; engine?: string } | null | undefined
    const engine = info?.engine ?? info?.device ?? '?'
    return { rates: sps, engine, wallRate: (data.n * epochs) / wall }
  } finally {
    delete process.env['STUDIO_TRAINER_THREADS']
    await core.close()
    t.cleanup()
  }
}

// ── main ─────────────────────────────────────────────────────────────────────────────────────────
interface Row { name: string; threads: number | string; samplesPerSec: number; note?: string }

/**
 * PyTorch at its best on this machine: one worker as installed for 1 thread, and for 2 threads a
 * worker with OMP_WAIT_POLICY=PASSIVE (GNU OpenMP's spinning workers otherwise fight OpenBLAS's
 * threads on a busy 2-core machine: measured ~3k instead of ~40k samples/s on the MLP), taking the
 * better of OpenBLAS at 1 and at 2 threads.
 */
interface Torch { one: TorchWorker; two: TorchWorker }

async function torch2(t: Torch, kind: ModelKind, samples: number, epochs: number): Promise<number[]> {
  const a = await t.two.rates(kind, 2, samples, epochs, 1)
  const b = await t.two.rates(kind, 2, samples, epochs, 2)
  return median(a.slice(1)) >= median(b.slice(1)) ? a : b
}

async function benchModel(kind: ModelKind, torch: Torch | null, torchNote: string | null): Promise<Record<string, unknown>> {
  const big = kind === 'mlp' ? (quick ? 8192 : 32_768) : (quick ? 1024 : 4096)
  const epochs = quick ? 3 : 4
  const rounds = quick ? 1 : 3
  const data = synthetic(kind, big)
  const rows: Row[] = []
  const add = (name: string, threads: number | string, rates: number[], note?: string): number => {
    const v = Math.round(median(rates))
    rows.push({ name, threads, samplesPerSec: v, ...(note ? { note } : {}) })
    say(`${kind} ${name} (${threads}t): ${v} samples/s${note ? ` — ${note}` : ''}`)
    return v
  }

  // Studio native and PyTorch, alternating rounds at 1 and 2 threads.
  const nat = chooseKernels({ prefer: 'native' })
  const haveNative = nat.kernels.name === 'native'
  const s1: number[] = [], s2: number[] = [], p1: number[] = [], p2: number[] = []
  for (let r = 0; r < rounds; r++) {
    if (haveNative) {
      s1.push(...(await engineRates(kind, data, 'native', 1, epochs)).rates.slice(1))
      s2.push(...(await engineRates(kind, data, 'native', 2, epochs)).rates.slice(1))
    }
    if (torch) {
      p1.push(...(await torch.one.rates(kind, 1, big, epochs)).slice(1))
      p2.push(...(await torch2(torch, kind, big, epochs)).slice(1))
    }
    say(`${kind}: round ${r + 1}/${rounds} done`)
  }
  const what = haveNative ? describeKernels(nat.kernels).replace(/, \d+ threads?$/, '') : `native kernels unavailable: ${nat.nativeUnavailable}`
  const sn1 = haveNative ? add('studio native', 1, s1, what) : NaN
  const sn2 = haveNative ? add('studio native', 2, s2) : NaN
  const pt1 = torch ? add('pytorch', 1, p1, `torch ${torch.one.version}, ${torch.one.blas}`) : NaN
  const pt2 = torch ? add('pytorch', 2, p2, 'OMP_WAIT_POLICY=PASSIVE, best of OpenBLAS 1 or 2 threads') : NaN

  // The portable path (no addon) and the pure TypeScript kernels.
  const portN = kind === 'mlp' ? big : Math.min(big, 1024)
  const port = await engineRates(kind, { ...data, n: portN }, 'wasm-simd', 1, epochs)
  const sp = add('studio portable', 1, port.rates.slice(1), port.what)
  if (kind === 'mlp') {
    const ts = await engineRates(kind, { ...data, n: quick ? 2048 : 4096 }, 'portable', 1, 3)
    add('studio typescript', 1, ts.rates.slice(1))
  }

  // model.fit references, as before the engine (backend + the trainer's own training kernels).
  const slow = kind === 'mlp' ? { wasm: quick ? 1024 : 4096, cpu: quick ? 256 : 1024 } : { wasm: quick ? 256 : 512, cpu: 128 }
  await selectBackend('wasm')
  const tw = add('tfjs wasm (model.fit)', 1, await fitRates(kind, data, slow.wasm, 2))
  await selectBackend('cpu')
  const tc = add('tfjs cpu (model.fit)', 1, await fitRates(kind, data, slow.cpu, kind === 'cnn' ? 1 : 2))
  // The same model.fit on wasm with the engine's kernels installed.
  await selectBackend('wasm')
  installEngineKernels('wasm', chooseKernels({ threads: 1 }).kernels)
  add('tfjs wasm + studio kernels', 1, await fitRates(kind, data, kind === 'mlp' ? big / 4 : 512, 2))

  // Through the studio: trainer process + metric streaming + SQLite, vs the same engine bare.
  let studio: Record<string, unknown> | null = null
  if (!noTrainer) {
    try {
      const threads = 2
      const trainerN = kind === 'mlp' ? big : Math.min(big, 2048)
      const bare = await engineRates(kind, { ...data, n: trainerN }, 'auto', threads, epochs)
      const run = await studioRunRates(kind, { ...data, n: trainerN }, threads, epochs)
      const bareRate = median(bare.rates.slice(1))
      const runRate = median(run.rates.slice(1))
      add('studio trainer (process + SQLite)', threads, run.rates.slice(1), run.engine)
      studio = {
        threads, bareEngine: Math.round(bareRate), throughStudio: Math.round(runRate), wallClockIncludingStartup: Math.round(run.wallRate),
        overheadPct: Number((100 * (1 - runRate / bareRate)).toFixed(1)), engine: run.engine, goalPct: 3
      }
    } catch (e) {
      say(`studio trainer run skipped: ${e instanceof Error ? e.message : String(e)}`)
      studio = { skipped: e instanceof Error ? e.message : String(e) }
    }
  }

  const ratio = (a: number, b: number): number | null => Number.isFinite(a) && Number.isFinite(b) && b > 0 ? Number((a / b).toFixed(2)) : null
  return {
    model: kind, batch: BATCH, samplesPerEpoch: big, rows,
    ratios: {
      studioVsPytorch1t: ratio(sn1, pt1), studioVsPytorch2t: ratio(sn2, pt2),
      portableVsTfjsWasm: ratio(sp, tw), nativeVsTfjsWasm: ratio(sn1, tw), nativeVsTfjsCpu: ratio(sn1, tc)
    },
    goals: kind === 'mlp' ? { studioVsPytorch: 0.67, stretch: 1.0, portableVsTfjsWasm: 4 } : { studioVsPytorch: 0.5 },
    studioOverhead: studio,
    ...(torch ? {} : { pytorch: torchNote })
  }
}

function markdown(res: Record<string, unknown>[]): string {
  const out: string[] = []
  for (const r of res) {
    out.push(`### ${String(r['model']).toUpperCase()} (batch ${BATCH}, adam)`, '', '| contender | threads | samples/s | note |', '| --- | ---: | ---: | --- |')
    for (const row of r['rows'] as Row[]) out.push(`| ${row.name} | ${row.threads} | ${row.samplesPerSec.toLocaleString('en-US')} | ${row.note ?? ''} |`)
    out.push('', `Ratios: ${JSON.stringify(r['ratios'])}`)
    if (r['studioOverhead']) out.push(`Studio overhead: ${JSON.stringify(r['studioOverhead'])}`)
    if (r['pytorch']) out.push(`PyTorch: ${String(r['pytorch'])}`)
    out.push('')
  }
  return out.join('\n')
}

async function main(): Promise<void> {
  tf.enableProdMode()
  await selectBackend('wasm')
  const torchNote = noTorch ? 'skipped (--no-torch)' : ensureTorch()
  const blasNote = torchNote ? null : ensureFastBlas()
  if (blasNote) say(blasNote)
  let torch: Torch | null = null
  if (!torchNote) {
    torch = { one: new TorchWorker(), two: new TorchWorker({ OMP_WAIT_POLICY: 'PASSIVE' }) }
    await torch.one.ready()
    await torch.two.ready()
    say(`PyTorch ${torch.one.version} ready (BLAS: ${torch.one.blas})`)
  } else {
    say(`PyTorch: ${torchNote}`)
  }
  const results: Record<string, unknown>[] = []
  try {
    for (const kind of ['mlp', 'cnn'] as const) {
      if (only && !only.has(kind)) continue
      results.push(await benchModel(kind, torch, torchNote))
    }
  } finally {
    torch?.one.close()
    torch?.two.close()
  }
  const cpu = os.cpus()[0]?.model ?? '?'
  const report = {
    date: new Date().toISOString(), quick,
    machine: { cpus: os.cpus().length, model: cpu, load: os.loadavg().map((l) => Number(l.toFixed(2))), node: process.version, platform: `${process.platform}-${process.arch}` },
    results
  }
  const dir = path.join(repoRoot, 'bench-results')
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, 'speed.json'), JSON.stringify(report, null, 2))
  process.stdout.write(`${markdown(results)}\n(${report.date}, ${cpu}, ${os.cpus().length} cores, load ${report.machine.load.join(' ')})\n`)
}

main().then(() => process.exit(0), (e: unknown) => {
  say(`failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`)
  process.exit(1)
})
