/**
 * `studio train` from the build (issue 2, with issue 6's --threads and issue 3's --drop-last):
 * progress lines and a summary on a pipe, the same database, bad arguments exit 2 naming what is
 * wrong. Real CLI process, real trainer process, real SQLite.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { repoRoot } from '../helpers/core'
import { tempDir } from '../helpers/tmp'

const cli = path.join(repoRoot, 'out', 'main', 'cli.js')
const t = tempDir('studio-train-cli-')
afterAll(() => t.cleanup())
const studio = (...args: string[]) => spawnSync(process.execPath, [cli, ...args, '--data-dir', t.dir], { encoding: 'utf8', timeout: 120_000 })

describe('studio train', () => {
  it('trains spirals with progress lines and a summary, with --threads and --drop-last', () => {
    const r = studio('train', '--dataset', 'spirals', '--model', 'mlp', '--epochs', '4', '--batch-size', '30', '--threads', '1', '--drop-last')
    expect(r.status, `${r.stderr}\n${r.stdout.slice(-600)}`).toBe(0)
    for (let e = 1; e <= 4; e++) expect(r.stdout).toMatch(new RegExp(`epoch ${e}/4  loss \\d`))
    expect(r.stdout).toMatch(/^Status {5}completed$/m)
    expect(r.stdout).toMatch(/^Backend {4}\S+ \(.+\)$/m)
    expect(r.stdout).toMatch(/1 thread\b/) // the engine's threads, from the run record
    expect(r.stdout).toMatch(/^Epochs {5}4\/4 in [\d.]+ s$/m)
    const runs = JSON.parse(studio('runs', '--json').stdout) as Array<{ status: string; epochsDone: number }>
    expect(runs[0]).toMatchObject({ status: 'completed', epochsDone: 4 })
  })

  it.each([
    [['--epochs', '2'], /--dataset is required/],
    [['--dataset', 'nope'], /^studio train: No dataset with id "nope"\. Known datasets: .*spirals/],
    [['--dataset', 'spirals', '--model', 'cnn'], /^studio train: The cnn template needs image input/],
    [['--dataset', 'spirals', '--threads', 'many'], /^studio train: --threads: expected a whole number of threads from 1 to 256, got "many"/],
    [['--dataset', 'spirals', '--epochs', 'zero'], /^studio train: --epochs: expected a number, got "zero"/]
  ])('exits 2 for %j with a specific message', (args, msg) => {
    const r = studio('train', ...args)
    expect(r.status, r.stderr).toBe(2)
    expect(r.stderr.trim()).toMatch(msg)
    expect(r.stdout).toBe('')
  })
})
