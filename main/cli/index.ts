#!/usr/bin/env node
/**
 * `studio` — the command line over the same core as the desktop app: train with a progress bar,
 * serve browser mode, list runs and datasets. Writes the same database as the app.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import cliProgress from 'cli-progress'
import type { ImportEnd, ImportProgress, MetricBatch, RunConfig, RunSummary } from '../../preload/contract/types'
import { METRIC } from '../../preload/contract/types'
import { attachLogFile } from '../common/logger'
import { defaultDataDir, dataLayout } from '../common/paths'
import { StudioError } from '../services/errors'
import type { StudioCore } from '../services/studio'
import { UsageError, parseTrainArgs } from './args'
import { parseImportArgs } from './importArgs'
import { openHeadlessCore } from './context'
import { serve } from './serve'
import { exportCmd, modelsCmd, parseFromCheckpoint, pauseResumeCmd, startFromCheckpoint } from './lifecycleCmds'
import { warningText } from '../datasets/warnings'
import { HPO_HELP, hpoCmd } from './hpo'

const HELP = `Training Studio CLI

Usage:
  studio train --dataset <id> [--model logreg|mlp|cnn] [--hidden 64,64] [--activation relu]
               [--filters 16,32] [--dense-units 64] [--optimizer sgd|momentum|adam|rmsprop]
               [--lr 0.01] [--batch-size 32] [--epochs 20] [--seed 42]
               [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu] [--threads N] [--drop-last]
               [--name <text>] [--json]
  studio import <file|folder>... [--name <text>] [--target <column>] [--task classification|regression]
               [--split 80,10,10] [--seed 42] [--format csv|jsonl|idx|images|cifar|npy|npz]
               [--scaling standardize|minmax|none] [--missing drop|fill|fail] [--size 28x28]
               [--color gray|rgb] [--json]
                                     import a dataset (exit 2: bad arguments, 1: bad input)
  studio serve [--port <n>]          browser mode on 127.0.0.1 with a random token
${HPO_HELP}  studio runs [--json]               list runs
  studio train --resume-from <checkpointId>
                                     continue that checkpoint's run from it (same run, its own settings)
  studio train --fork-from <checkpointId> [--lr x] [--epochs n] [--batch-size n] [--optimizer o] [--seed n] [--name t]
                                     a new run from that checkpoint's weights with changed settings
  studio runs pause|resume <runId>   through the "studio serve" of the same data folder (exit 1 with the reason when none runs)
  studio export <checkpointId> <dir> write a TF.js model folder (model.json + weights.bin) for tf.loadLayersModel
  studio models list [--json] | import <model.json> [--name t] | export <modelId> [--version n] [--format studio|keras] [--out file]
  studio datasets [--json]           list datasets

Every command takes --data-dir <folder> (default: ${defaultDataDir()}).
`

const out = (s: string) => process.stdout.write(s)

function fmt(v: number | null | undefined, digits = 4): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits)
}

function commonArgs(argv: string[], extra: NonNullable<ParseArgsConfig['options']> = {}) {
  try {
    return parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' }, ...extra }
    }).values as Record<string, string | boolean | undefined>
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify.*$/s, ''))
  }
}

async function train(argv: string[]): Promise<number> {
  // --resume-from / --fork-from <checkpointId>: continue a run, or fork one (issue 4).
  const from = parseFromCheckpoint(argv)
  const args = from ? { config: undefined as unknown as RunConfig, json: from.json, help: false, ...(from.dataDir ? { dataDir: from.dataDir } : {}) } : parseTrainArgs(argv)
  if (args.help) { out(HELP); return 0 }
  const dataDir = args.dataDir ?? defaultDataDir()
  attachLogFile(dataLayout(dataDir).logs, true)
  const core = openHeadlessCore(import.meta.url, dataDir)
  const tty = process.stdout.isTTY === true && !args.json
  let run: RunSummary
  try {
    if (from) {
      run = startFromCheckpoint(core, from)
      args.config = core.runs.get(run.id)!.config
    } else run = core.startRun(args.config)
  } catch (e) {
    await core.close()
    // A dataset that does not exist or a model that does not fit it is a bad argument: exit 2.
    if (e instanceof StudioError && (e.code === 'invalid_argument' || e.code === 'not_found')) throw new UsageError(`studio train: ${e.message}`)
    throw e
  }
  const dataset = core.datasets.get(args.config.datasetId)!
  const stepsPerEpoch = Math.ceil(dataset.trainSize / args.config.batchSize)
  const total = stepsPerEpoch * args.config.epochs
  const bar = tty ? new cliProgress.SingleBar({
    format: ' {bar} {percentage}% | epoch {epoch}/{epochs} | loss {loss} | val acc {valAcc} | {sps} samples/s | ETA {eta_formatted}',
    barCompleteChar: '█', barIncompleteChar: '░', hideCursor: true, etaBuffer: 50
  }) : null
  bar?.start(total, 0, { epoch: 0, epochs: args.config.epochs, loss: '—', valAcc: '—', sps: '—' })
  if (!tty && !args.json) out(`run ${run.id}: training ${run.name} (${total} steps)\n`)
  let epoch = 0
  const last: Record<string, number> = {}
  // Epoch metrics by epoch number: one message may carry several epochs (fast runs) or half of one.
  const epochRows = new Map<number, Record<string, number>>()
  const off = core.hub.subscribe((event, payload) => {
    if (event !== 'runs:didMetrics') return
    const { runId, batch } = payload as { runId: string; batch: MetricBatch }
    if (runId !== run.id) return
    let maxStep = -1
    for (let i = 0; i < batch.name.length; i++) {
      const name = batch.name[i]!
      last[name] = batch.value[i]!
      maxStep = Math.max(maxStep, batch.step[i]!)
      if (name.startsWith('epoch/')) {
        const e = batch.epoch[i]!
        let row = epochRows.get(e)
        if (!row) epochRows.set(e, row = {})
        row[name] = batch.value[i]!
      }
    }
    for (const [e, row] of [...epochRows].sort((a, b) => a[0] - b[0])) {
      // samples/s is the last metric the trainer logs for an epoch: the row is complete.
      if (row[METRIC.samplesPerSec] === undefined) continue
      epochRows.delete(e)
      epoch = Math.max(epoch, e)
      if (!tty && !args.json) {
        out(`epoch ${e}/${args.config.epochs}  loss ${fmt(row[METRIC.loss])}  acc ${fmt(row[METRIC.acc])}  ` +
          `val_loss ${fmt(row[METRIC.valLoss])}  val_acc ${fmt(row[METRIC.valAcc])}  ${Math.round(row[METRIC.samplesPerSec]!)} samples/s\n`)
      }
    }
    bar?.update(Math.min(total, maxStep + 1), {
      epoch, epochs: args.config.epochs, loss: fmt(last[METRIC.batchLoss]), valAcc: fmt(last[METRIC.valAcc]),
      sps: last[METRIC.samplesPerSec] !== undefined ? Math.round(last[METRIC.samplesPerSec]!) : '—'
    })
  })
  let interrupts = 0
  const onSigint = () => {
    interrupts++
    if (interrupts === 1) {
      process.stderr.write('\nStopping after the current batch… (Ctrl+C again to kill the trainer)\n')
      core.stopRun(run.id)
    } else {
      void core.close(0)
    }
  }
  process.on('SIGINT', onSigint)
  const end = await core.waitForEnd(run.id, 7 * 24 * 3600 * 1000)
  process.off('SIGINT', onSigint)
  off()
  bar?.stop()
  const cps = core.listCheckpoints(run.id)
  const best = cps.find((c) => c.isBest)
  const seconds = ((end.endedAt ?? Date.now()) - (end.startedAt ?? end.createdAt)) / 1000
  const detail = core.runs.get(run.id)!
  if (args.json) {
    out(`${JSON.stringify({ ...end, seconds, backend: detail.backendInfo, bestCheckpoint: best?.path ?? null, lastMetrics: last }, null, 2)}\n`)
  } else {
    out([
      '',
      `Run        ${end.id}  (${end.name})`,
      `Status     ${end.status}${end.error ? ` — ${end.error}` : ''}`,
      `Backend    ${detail.backendInfo ? `${detail.backendInfo.name} (${detail.backendInfo.device})` : '—'}`,
      // The engine, when the device line does not already name it (model.fit ran), with its threads.
      ...(detail.backendInfo?.engine && !detail.backendInfo.device.includes(detail.backendInfo.engine)
        ? [`Engine     ${detail.backendInfo.engine}${detail.backendInfo.threads !== undefined ? `; ${detail.backendInfo.threads} thread${detail.backendInfo.threads === 1 ? '' : 's'}` : ''}`]
        : []),
      `Epochs     ${end.epochsDone}/${end.epochs} in ${seconds.toFixed(1)} s`,
      `Val acc    best ${fmt(end.bestValAcc)}  last ${fmt(last[METRIC.valAcc])}`,
      `Val loss   best ${fmt(end.bestValLoss)}  last ${fmt(last[METRIC.valLoss])}`,
      `Checkpoint ${best ? `${best.path} (best, epoch ${best.epoch})` : '—'}`,
      `Data       ${core.layout.root}`,
      ''
    ].join('\n'))
  }
  await core.close()
  return end.status === 'completed' || end.status === 'stopped' ? 0 : 1
}

function withCore<T>(dataDir: string | undefined, fn: (core: StudioCore) => T): Promise<T> {
  const core = openHeadlessCore(import.meta.url, dataDir)
  return Promise.resolve(fn(core)).finally(() => core.close())
}

async function runs(argv: string[]): Promise<number> {
  if (argv[0] === 'pause' || argv[0] === 'resume') return pauseResumeCmd(argv[0], argv.slice(1), (d) => dataLayout(d ?? defaultDataDir()).root)
  const v = commonArgs(argv)
  if (v.help) { out(HELP); return 0 }
  await withCore(v['data-dir'] as string | undefined, (core) => {
    const list = core.runs.list()
    if (v.json) { out(`${JSON.stringify(list.map(({ config: _c, ...r }) => r), null, 2)}\n`); return }
    if (!list.length) { out('No runs yet. Start one with: studio train --dataset spirals\n'); return }
    out(`${'ID'.padEnd(22)}${'STATUS'.padEnd(11)}${'DATASET'.padEnd(12)}${'MODEL'.padEnd(22)}${'BACKEND'.padEnd(16)}${'EPOCHS'.padEnd(9)}BEST VAL ACC\n`)
    for (const r of list) {
      out(`${r.id.padEnd(22)}${r.status.padEnd(11)}${r.datasetId.padEnd(12)}${r.model.slice(0, 21).padEnd(22)}${(r.backend ?? '—').padEnd(16)}${`${r.epochsDone}/${r.epochs}`.padEnd(9)}${fmt(r.bestValAcc)}\n`)
    }
  })
  return 0
}

async function datasets(argv: string[]): Promise<number> {
  const v = commonArgs(argv)
  if (v.help) { out(HELP); return 0 }
  await withCore(v['data-dir'] as string | undefined, (core) => {
    const list = core.datasets.list()
    if (v.json) { out(`${JSON.stringify(list, null, 2)}\n`); return }
    const w = Math.max(12, ...list.map((d) => d.id.length + 2))
    out(`${'ID'.padEnd(w)}${'NAME'.padEnd(24)}${'FORMAT'.padEnd(8)}${'SHAPE'.padEnd(14)}${'CLASSES'.padEnd(9)}${'TRAIN'.padEnd(8)}${'VAL'.padEnd(8)}TEST\n`)
    for (const d of list) {
      out(`${d.id.padEnd(w)}${d.name.slice(0, 23).padEnd(24)}${(d.format ?? 'sample').padEnd(8)}${d.inputShape.join('×').padEnd(14)}${String(d.numClasses).padEnd(9)}${String(d.trainSize).padEnd(8)}${String(d.valSize).padEnd(8)}${d.testSize ?? 0}\n`)
    }
  })
  return 0
}

const UNIT: Record<ImportProgress['unit'], string> = { bytes: 'MB', rows: 'rows', files: 'files', examples: 'examples' }

async function importCmd(argv: string[]): Promise<number> {
  const args = parseImportArgs(argv)
  if (args.help) { out(HELP); return 0 }
  const dataDir = args.dataDir ?? defaultDataDir()
  attachLogFile(dataLayout(dataDir).logs, true)
  const core = openHeadlessCore(import.meta.url, dataDir)
  const tty = process.stderr.isTTY === true && !args.json
  try {
    let job: { jobId: string; done: Promise<ImportEnd> }
    // For --json: how long the import took and how much memory it needed (npm run bench reads these).
    const rss0 = process.memoryUsage().rss
    const t0 = performance.now()
    try {
      job = core.datasetService.startImport({ paths: args.paths }, args.options)
    } catch (e) {
      // Paths that do not exist or cannot be read are bad arguments, like a bad flag.
      if (e instanceof StudioError && (e.code === 'invalid_argument' || e.code === 'not_found')) throw new UsageError(`studio import: ${e.message}`)
      throw e
    }
    const bar = tty ? new cliProgress.SingleBar({
      format: ' {phase} {bar} {percentage}% | {value}/{total} {unit} | {rate} {unit}/s | ETA {eta_formatted}',
      barCompleteChar: '█', barIncompleteChar: '░', hideCursor: true, stream: process.stderr
    }) : null
    let phase = ''
    const off = core.hub.subscribe((event, payload) => {
      if (event !== 'datasets:didImportProgress' || !bar) return
      const p = payload as ImportProgress
      if (p.jobId !== job.jobId) return
      const scale = p.unit === 'bytes' ? 1 / 1e6 : 1
      const fields = { phase: p.phase.padEnd(9), unit: UNIT[p.unit], rate: (p.rate * scale).toFixed(p.unit === 'bytes' ? 1 : 0) }
      if (p.phase !== phase) {
        // One bar for the whole job: a SingleBar cannot be started again once stopped.
        if (!phase) bar.start(Math.max(1, Math.round(p.total * scale)), 0, fields)
        else bar.setTotal(Math.max(1, Math.round(p.total * scale)))
        phase = p.phase
      }
      bar.update(Math.round(p.done * scale), fields)
    })
    const onSigint = () => { process.stderr.write('\nCancelling the import…\n'); core.datasetService.cancel(job.jobId) }
    process.on('SIGINT', onSigint)
    const end = await job.done
    const seconds = (performance.now() - t0) / 1000
    const memory = { baselineRssBytes: rss0, peakRssBytes: process.resourceUsage().maxRSS * 1024 }
    process.off('SIGINT', onSigint)
    off()
    bar?.stop()
    if (!end.ok) {
      if (args.json) out(`${JSON.stringify(end, null, 2)}\n`)
      process.stderr.write(`Error (${end.error!.code}): ${end.error!.message}\n`)
      return 1
    }
    const d = core.datasets.get(end.datasetId!)!
    if (args.json) {
      out(`${JSON.stringify({ ...end, seconds, memory, dataset: { id: d.id, name: d.name, format: d.format, inputShape: d.inputShape, numClasses: d.numClasses, trainSize: d.trainSize, valSize: d.valSize, testSize: d.testSize } }, null, 2)}\n`)
    } else {
      out([
        `${end.reused ? 'Already imported' : 'Imported'}  ${d.name}  (id ${d.id})`,
        `Format     ${d.format ?? '—'}`,
        `Shape      ${d.inputShape.join('×')}${d.task === 'classification' ? `, ${d.numClasses} classes` : ', regression'}`,
        `Split      train ${d.trainSize}, val ${d.valSize}, test ${d.testSize ?? 0}`,
        ...end.warnings.map((w) => `Note       ${warningText(w)}`),
        `Train it:  studio train --dataset ${d.id} --model ${d.suggested.template}`,
        ''
      ].join('\n'))
    }
    return 0
  } finally {
    await core.close()
  }
}

async function serveCmd(argv: string[]): Promise<number> {
  const v = commonArgs(argv, { port: { type: 'string' } })
  if (v.help) { out(HELP); return 0 }
  const port = v.port === undefined ? 0 : Number(v.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: expected an integer 0–65535, got "${String(v.port)}"`)
  await serve(import.meta.url, { dataDir: v['data-dir'] as string | undefined, port })
  return 0
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv
  switch (cmd) {
    case 'train': return train(rest)
    case 'import': return importCmd(rest)
    case 'serve': return serveCmd(rest)
    case 'runs': return runs(rest)
    case 'export': return exportCmd(rest, withCore)
    case 'models': return modelsCmd(rest, withCore)
    case 'datasets': return datasets(rest)
    case 'hpo': return hpoCmd(rest, import.meta.url)
    case undefined: case 'help': case '--help': case '-h': out(HELP); return cmd === undefined ? 2 : 0
    default: throw new UsageError(`Unknown command "${cmd}". Commands: train, import, serve, hpo, runs, datasets, export, models. Run "studio --help".`)
  }
}

main(process.argv.slice(2)).then((code) => {
  // serve keeps the process alive on its own; every other command ends here.
  if (code !== 0 || process.argv[2] !== 'serve') process.exitCode = code
}, (e: unknown) => {
  if (e instanceof UsageError) { process.stderr.write(`${e.message}\n`); process.exitCode = 2; return }
  if (e instanceof StudioError) { process.stderr.write(`Error: ${e.message}\n`); process.exitCode = 1; return }
  process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`)
  process.exitCode = 1
})
