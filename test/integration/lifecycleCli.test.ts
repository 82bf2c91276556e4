/**
 * The issue-4 CLI from the build: train --resume-from / --fork-from, export, models, and
 * runs pause|resume through a real `studio serve` of the same data folder. Exit codes: 0 done,
 * 1 refused or nothing to ask (with the reason), 2 bad arguments (naming the argument).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { callServer, findServer } from '../../main/cli/lifecycleCmds'
import type { RunSummary } from '../../preload/contract/types'
import { repoRoot } from '../helpers/core'
import { tempDir } from '../helpers/tmp'

const cli = path.join(repoRoot, 'out', 'main', 'cli.js')
let t: ReturnType<typeof tempDir>
let data: string
beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first`)
  t = tempDir('studio-cli-life-')
  data = path.join(t.dir, 'data')
})
afterAll(() => t.cleanup())

const studio = (...args: string[]) => spawnSync(process.execPath, [cli, ...args, '--data-dir', data], { encoding: 'utf8', timeout: 120_000 })

describe('studio CLI (issue 4)', () => {
  let firstRun: { id: string; bestCheckpoint: string | null }

  it('train, then export a checkpoint folder and continue / fork the run from checkpoints', () => {
    const r = studio('train', '--dataset', 'xor', '--hidden', '8', '--activation', 'tanh', '--lr', '0.05', '--batch-size', '4', '--epochs', '4', '--backend', 'cpu', '--json')
    expect(r.status, r.stderr).toBe(0)
    firstRun = JSON.parse(r.stdout) as typeof firstRun
    const list = JSON.parse(studio('runs', '--json').stdout) as { id: string }[]
    expect(list.map((x) => x.id)).toContain(firstRun.id)
    // checkpoint ids are 1..4 in a fresh data folder
    const dest = path.join(t.dir, 'exported')
    const e = studio('export', '2', dest)
    expect(e.status, e.stderr).toBe(0)
    expect(e.stdout).toMatch(/^Exported checkpoint 2 to /)
    expect(existsSync(path.join(dest, 'model.json'))).toBe(true)
    expect(existsSync(path.join(dest, 'weights.bin'))).toBe(true)
    const again = studio('export', '2', dest)
    expect(again.status).toBe(1)
    expect(again.stderr).toMatch(/not empty/)

    const resumed = studio('train', '--resume-from', '2', '--json')
    expect(resumed.status, resumed.stderr).toBe(0)
    const rj = JSON.parse(resumed.stdout) as RunSummary
    expect(rj.id).toBe(firstRun.id)
    expect(rj.status).toBe('completed')
    expect(rj.resumeCount).toBe(1)

    const forked = studio('train', '--fork-from', '2', '--lr', '0.01', '--epochs', '6', '--name', 'slower', '--json')
    expect(forked.status, forked.stderr).toBe(0)
    const fj = JSON.parse(forked.stdout) as RunSummary
    expect(fj.id).not.toBe(firstRun.id)
    expect(fj).toMatchObject({ name: 'slower', parentRunId: firstRun.id, parentCheckpointId: 2, epochsDone: 6, status: 'completed' })
  })

  it('models import / list / export round trip', () => {
    const m = tf.sequential()
    m.add(tf.layers.dense({ inputShape: [2], units: 4, activation: 'tanh', name: 'h' }))
    m.add(tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }))
    const file = path.join(t.dir, 'model.json')
    writeFileSync(file, JSON.stringify({ modelTopology: m.toJSON(null, false), weightsManifest: [] }))
    m.dispose()
    const imp = studio('models', 'import', file, '--name', 'From Keras', '--json')
    expect(imp.status, imp.stderr).toBe(0)
    const id = (JSON.parse(imp.stdout) as { model: { id: string } }).model.id
    const list = studio('models', 'list')
    expect(list.stdout).toMatch(new RegExp(`^${id}\\s+From Keras\\s+1\\s+3\\s+22\\s+0$`, 'm'))
    const out = path.join(t.dir, 'spec.json')
    const exp = studio('models', 'export', id, '--out', out)
    expect(exp.status, exp.stderr).toBe(0)
    expect((JSON.parse(readFileSync(out, 'utf8')) as { format: string }).format).toBe('studio-graph')
    const bad = path.join(t.dir, 'bad.json')
    writeFileSync(bad, '{"modelTopology": {"class_name": "Weird", "config": {}}}')
    const b = studio('models', 'import', bad)
    expect(b.status).toBe(1)
    expect(b.stderr).toContain('bad.json: Keras import')
  })

  it('bad arguments exit 2 and name the argument', () => {
    const cases: [string[], RegExp][] = [
      [['export', 'abc', '/tmp/x'], /<checkpointId>: expected a checkpoint id/],
      [['export', '1'], /expected <checkpointId> <dir>/],
      [['export', '999', path.join(t.dir, 'x')], /no checkpoint 999/],
      [['train', '--resume-from', '1', '--lr', '3'], /--fork-from/],
      [['train', '--resume-from', '0'], /--resume-from: expected a checkpoint id/],
      [['train', '--resume-from', '1', '--fork-from', '1'], /not both/],
      [['train', '--fork-from', '2', '--lr', 'fast'], /--lr: expected a number/],
      [['train', '--fork-from', '2', '--epochs', '1'], /epochs must be more than 2/],
      [['runs', 'pause'], /expected one run id/],
      [['runs', 'resume', '../x'], /not a run id/],
      [['models'], /expected a subcommand/],
      [['models', 'frob'], /unknown subcommand "frob"/],
      [['models', 'export', 'm-1', '--format', 'onnx'], /--format: expected studio or keras/],
      [['models', 'import', path.join(t.dir, 'missing.json')], /does not exist/]
    ]
    for (const [args, re] of cases) {
      const r = studio(...args)
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(re)
    }
  })

  it('runs pause|resume: skipped with the reason without a server, done through a running studio serve', async () => {
    const none = studio('runs', 'pause', firstRun.id)
    expect(none.status).toBe(1)
    expect(none.stderr).toMatch(/^Skipped: cannot pause run r-[a-z0-9-]+: no studio server is running for /)
    const server: ChildProcess = spawn(process.execPath, [cli, 'serve', '--data-dir', data], { stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      await new Promise<void>((resolve, reject) => {
        let text = ''
        server.stdout!.on('data', (d: Buffer) => { text += d.toString(); if (/Press Ctrl\+C/.test(text)) resolve() })
        server.once('exit', (code) => reject(new Error(`studio serve exited with ${code}`)))
      })
      const found = findServer(path.resolve(data))
      if (!('server' in found)) throw new Error(found.reason)
      const started = await callServer<RunSummary>(found.server, 'runs:start', {
        config: { datasetId: 'spirals', model: { template: 'mlp', hidden: [32] }, optimizer: 'adam', learningRate: 0.01, batchSize: 8, epochs: 500, seed: 1, backend: 'cpu' }
      })
      if (!started.ok) throw new Error(started.error.message)
      const id = started.value.id
      const p = studio('runs', 'pause', id)
      expect(p.status, p.stderr).toBe(0)
      expect(p.stdout).toBe(`Run ${id} is paused.\n`)
      const again = studio('runs', 'pause', id)
      expect(again.status).toBe(1)
      expect(again.stderr).toMatch(/conflict.*only a running run can be paused/)
      const r = studio('runs', 'resume', id)
      expect(r.status, r.stderr).toBe(0)
      expect(r.stdout).toBe(`Run ${id} is running.\n`)
      const stopped = await callServer<RunSummary>(found.server, 'runs:stop', { runId: id })
      expect(stopped.ok).toBe(true)
    } finally {
      const exited = new Promise((resolve) => server.once('exit', resolve))
      server.kill('SIGTERM')
      await exited
    }
    expect(existsSync(path.join(path.resolve(data), 'server.json'))).toBe(false)
  })
})
