/** `studio hpo` from the build: a headless study end to end, its summary, list, and exit codes. */
import { spawn, spawnSync } from 'node:child_process'
import Database from 'better-sqlite3'
import { existsSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../helpers/core'
import { tempDir } from '../helpers/tmp'

const cli = path.join(repoRoot, 'out', 'main', 'cli.js')
let t: ReturnType<typeof tempDir>
beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first`)
  t = tempDir('studio-cli-hpo-')
})
afterAll(() => t.cleanup())

const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'hpo', ...args, '--data-dir', path.join(t.dir, 'data')], { encoding: 'utf8', timeout: 180_000 })

const study = {
  name: 'cli xor',
  baseConfig: { datasetId: 'xor', model: { template: 'mlp', hidden: [8], activation: 'tanh' }, optimizer: 'adam', learningRate: 0.05, batchSize: 4, epochs: 6, seed: 1 },
  space: { params: [{ name: 'learningRate', kind: 'float', low: 0.01, high: 0.3, log: true }, { name: 'model.layers', kind: 'int', low: 1, high: 2 }] },
  objective: { metric: 'epoch/val_loss', direction: 'minimize' },
  sampler: { kind: 'tpe', seed: 2 },
  pruner: { kind: 'median' },
  budget: { trials: 3 }
}

function write(name: string, body: unknown): string {
  const p = path.join(t.dir, name)
  writeFileSync(p, typeof body === 'string' ? body : JSON.stringify(body, null, 2))
  return p
}

describe('studio hpo', () => {
  it('runs a study headless to its budget: a line per trial, the best so far, a summary (exit 0); list shows it', () => {
    const r = run('--config', write('study.json', study))
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^study s-[a-z0-9-]+: cli xor — tpe sampler, median pruner, 3 trials, parallelism 1/m)
    expect(r.stdout.match(/^trial \d complete +value/gm), r.stdout).toHaveLength(3)
    expect(r.stdout).toMatch(/\| best \d\.\d{4} \(#\d\)$/m)
    expect(r.stdout).toMatch(/^State {6}completed$/m)
    expect(r.stdout).toMatch(/^Trials {5}3 complete, 0 pruned, 0 failed, 0 waiting/m)
    expect(r.stdout).toMatch(/^Params {5}learningRate=[\d.]+ model\.layers=[12]$/m)
    const l = run('list')
    expect(l.status).toBe(0)
    expect(l.stdout).toMatch(/^s-[a-z0-9-]+ +cli xor +completed +tpe +3\/3 +epoch\/val_loss min +\d\.\d{4} \(#\d\)$/m)
    const j = run('list', '--json')
    expect(JSON.parse(j.stdout)).toMatchObject([{ name: 'cli xor', state: 'completed', counts: { complete: 3 } }])
  })

  it('a bad study file: exit 1 naming the file, the field and what was expected', () => {
    const bad = run('--config', write('bad.json', { ...study, budget: { trials: 'ten' }, objective: { metric: 'val_loss', direction: 'down' } }))
    expect(bad.status).toBe(1)
    expect(bad.stderr).toMatch(/bad\.json: objective\.direction: .*"minimize".*"maximize"/)
    expect(bad.stderr).toMatch(/bad\.json: budget\.trials: .*number/)
    const badJson = run('--config', write('broken.json', '{ "name": "x", '))
    expect(badJson.status).toBe(1)
    expect(badJson.stderr).toMatch(/broken\.json: not valid JSON/)
    const badSpace = run('--config', write('space.json', { ...study, space: { params: [{ name: 'learningRate', kind: 'float', low: 0.5, high: 0.1 }] } }))
    expect(badSpace.status).toBe(1)
    expect(badSpace.stderr).toMatch(/space\.json: space: learningRate: low 0\.5 must be ≤ high 0\.1/)
    const badDataset = run('--config', write('ds.json', { ...study, baseConfig: { ...study.baseConfig, datasetId: 'mnist9' } }))
    expect(badDataset.status).toBe(1)
    expect(badDataset.stderr).toMatch(/ds\.json: baseConfig\.datasetId: no dataset "mnist9"/)
  })

  it('kill -9 of the CLI mid-study: the next open marks the trial interrupted and re-queues it; hpo resume finishes the budget', async () => {
    const dataDir = path.join(t.dir, 'crash')
    const file = write('long.json', { ...study, name: 'crashy', sampler: { kind: 'random', seed: 1 }, pruner: { kind: 'none' }, baseConfig: { ...study.baseConfig, epochs: 150 } })
    const child = spawn(process.execPath, [cli, 'hpo', '--config', file, '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString() })
    // Kill once a trial is running with two epochs reported (read from the database the CLI writes).
    const deadline = Date.now() + 90_000
    for (;;) {
      if (Date.now() > deadline) throw new Error(`no trial got going: ${stdout}`)
      await new Promise((r) => setTimeout(r, 200))
      if (!existsSync(path.join(dataDir, 'studio.db'))) continue
      const db = new Database(path.join(dataDir, 'studio.db'), { readonly: true, fileMustExist: true })
      try {
        const n = db.prepare(`SELECT COUNT(*) FROM trial_values v JOIN trials t ON t.study_id = v.study_id AND t.number = v.number WHERE t.state = 'running'`).pluck().get() as number
        if (n >= 2) break
      } catch { /* tables not there yet */ } finally { db.close() }
    }
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    const id = /^study (s-[a-z0-9-]+):/m.exec(stdout)![1]!
    const list = spawnSync(process.execPath, [cli, 'hpo', 'list', '--json', '--data-dir', dataDir], { encoding: 'utf8', timeout: 60_000 })
    const s = (JSON.parse(list.stdout) as { id: string; state: string; message: string | null; counts: { complete: number } }[]).find((x) => x.id === id)!
    expect(s.state).toBe('paused')
    expect(s.message).toMatch(/Interrupted/)
    const r = spawnSync(process.execPath, [cli, 'hpo', 'resume', id, '--json', '--data-dir', dataDir], { encoding: 'utf8', timeout: 180_000 })
    expect(r.status, r.stderr).toBe(0)
    const end = JSON.parse(r.stdout) as { summary: { state: string; counts: { complete: number; failed: number } }; trials: { state: string; error: string | null; retryOf: number | null }[] }
    expect(end.summary).toMatchObject({ state: 'completed', counts: { complete: 3, failed: 1 } })
    const failed = end.trials.find((x) => x.state === 'failed')!
    expect(failed.error).toMatch(/Interrupted/)
    expect(end.trials.some((x) => x.retryOf !== null && x.state === 'complete')).toBe(true)
  })

  it('bad arguments: exit 2', () => {
    expect(run().status).toBe(2)
    expect(run('--config', path.join(t.dir, 'missing.json')).stderr).toMatch(/--config: cannot read .*missing\.json: no such file/)
    expect(run('--config', path.join(t.dir, 'missing.json')).status).toBe(2)
    expect(run('--bogus').status).toBe(2)
    expect(run('resume').status).toBe(2)
  })
})
