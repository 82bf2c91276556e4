/** `studio import` from the build: exit codes and messages (0 ok, 1 bad input, 2 bad arguments). */
import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../helpers/core'
import { tempDir } from '../helpers/tmp'
import { tabularText } from '../main/datasets/importFixtures'

const cli = path.join(repoRoot, 'out', 'main', 'cli.js')
let t: ReturnType<typeof tempDir>
beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first`)
  t = tempDir('studio-cli-import-')
})
afterAll(() => t.cleanup())

const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'import', ...args, '--data-dir', path.join(t.dir, 'data')], { encoding: 'utf8', timeout: 60_000 })

describe('studio import', () => {
  it('imports a CSV and prints what it made (exit 0), JSON on request', () => {
    const p = path.join(t.dir, 'blobs.csv')
    writeFileSync(p, tabularText(100))
    const r = run(p, '--name', 'Blobs', '--split', '70,15,15', '--seed', '3')
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^Imported {2}Blobs {2}\(id d-[a-z0-9-]+\)$/m)
    expect(r.stdout).toMatch(/^Split {6}train 70, val 15, test 15$/m)
    const j = run(p, '--name', 'Blobs', '--split', '70,15,15', '--seed', '3', '--json')
    expect(j.status).toBe(0)
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: true, reused: true, dataset: { name: 'Blobs', format: 'csv', trainSize: 70 } })
  })

  it('bad input: exit 1 with the typed error', () => {
    const p = path.join(t.dir, 'ragged.csv')
    writeFileSync(p, 'a,b\n1,2\n3\n')
    const r = run(p)
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('Error (ragged_rows): ragged.csv line 3: 1 field, expected 2 (as in the header row).')
  })

  it('bad arguments and missing paths: exit 2', () => {
    const missing = run(path.join(t.dir, 'nope.csv'))
    expect(missing.status).toBe(2)
    expect(missing.stderr).toMatch(/nope\.csv: no such file or folder/)
    const split = run(path.join(t.dir, 'blobs.csv'), '--split', '90,20')
    expect(split.status).toBe(2)
    expect(split.stderr).toMatch(/--split: 90\+20\+0 = 110, must be 100/)
  })
})
