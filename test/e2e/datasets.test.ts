/// <reference lib="dom" />
/**
 * Datasets in Debian Chromium against browser mode (real server, real SQLite, real trainer):
 * - rename and describe a dataset in place, resplit it as a new version (the run trained on the
 *   first version keeps pointing at it), delete it; deletion is refused while a run on the dataset
 *   is running and works once the run is stopped;
 * - a 100,000-row table scrolls: frame times (requestAnimationFrame deltas) during a programmatic
 *   scroll are measured and reported (median / p95 / max), not asserted;
 * - a folder dropped onto the window is walked through the entries API and imported as an image
 *   dataset (see dropFolder for what Chromium lets a script simulate).
 * Screenshots in English and Korean, light and dark.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, startServe } from '../helpers/browser'
import { repoRoot } from '../helpers/core'
import { tempDir } from '../helpers/tmp'

const shots = path.join(repoRoot, 'test', 'e2e', '__screenshots__')
const cli = path.join(repoRoot, 'out', 'main', 'cli.js')
let t: ReturnType<typeof tempDir>
let serve: Awaited<ReturnType<typeof startServe>>
let browser: Browser
let page: Page
const pageErrors: string[] = []
let smallId = ''
let bigId = ''

function csv(rows: number, seed: number): string {
  let s = seed
  const rnd = (): number => { s = (s * 1103515245 + 12345) % 2 ** 31; return s / 2 ** 31 }
  const lines = ['a,b,c,d,e,label']
  for (let i = 0; i < rows; i++) {
    const c = i % 3
    lines.push(`${(c + rnd()).toFixed(3)},${(rnd() * 2 - c).toFixed(3)},${(rnd() * 10).toFixed(2)},${(c * 0.5 + rnd()).toFixed(3)},${(rnd() - 0.5).toFixed(3)},k${c}`)
  }
  return lines.join('\n') + '\n'
}

/** Imports a CSV with the real CLI into the data folder; returns the new dataset's id. */
function importCsv(file: string, name: string): string {
  const out = execFileSync(process.execPath, [cli, 'import', file, '--target', 'label', '--name', name, '--split', '80,10,10', '--json', '--data-dir', t.dir], { encoding: 'utf8' })
  const r = JSON.parse(out) as { datasetId?: string; id?: string }
  const id = r.datasetId ?? r.id
  if (!id) throw new Error(`studio import printed no dataset id: ${out}`)
  return id
}

function runsJson(): Array<{ id: string; datasetId: string; status: string }> {
  return JSON.parse(execFileSync(process.execPath, [cli, 'runs', '--json', '--data-dir', t.dir], { encoding: 'utf8' })) as Array<{ id: string; datasetId: string; status: string }>
}

async function setPrefs(locale: 'en' | 'ko', theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate(([l, th]) => {
    localStorage.setItem('studio.locale', l)
    localStorage.setItem('studio.theme', th)
  }, [locale, theme] as const)
}

const base = (): string => serve.url.replace(/\/\?token=.*$/, '/')
async function open(hash: string): Promise<void> {
  await page.goto(`${base()}#${hash}`)
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true })
  t = tempDir('studio-e2e-datasets-')
  const small = path.join(t.dir, 'small.csv')
  const big = path.join(t.dir, 'big.csv')
  writeFileSync(small, csv(300, 3))
  writeFileSync(big, csv(125_000, 5)) // 80% train split: 100,000 rows
  smallId = importCsv(small, 'Small e2e')
  bigId = importCsv(big, 'Big e2e')
  serve = await startServe(t.dir)
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()) })
  await page.goto(serve.url)
  await page.getByTestId('dataset-card-digits').waitFor({ timeout: 30_000 })
  await setPrefs('en', 'light')
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  t?.cleanup()
})

describe('datasets in browser mode', () => {
  it('renames, describes, resplits as a new version (the run keeps its version) and deletes', async () => {
    await open(`/datasets/${smallId}`)
    await page.getByTestId('dataset-name-edit').click()
    await page.getByTestId('dataset-name-input').fill('Renamed e2e')
    await page.getByTestId('dataset-name-input').press('Enter')
    await page.getByTestId('dataset-description-edit').click()
    await page.getByTestId('dataset-description-input').fill('Five numbers per row, three classes.')
    await page.getByTestId('dataset-description-input').press('Enter')
    // The page shows the new text once the server has answered datasets:update (not before).
    await page.getByText('Five numbers per row, three classes.').waitFor({ timeout: 30_000 })
    await page.getByRole('heading', { name: 'Renamed e2e' }).waitFor({ timeout: 30_000 })
    // Stored, not just shown: a reload reads them back from the server.
    await page.reload()
    await page.getByRole('heading', { name: 'Renamed e2e' }).waitFor({ timeout: 30_000 })
    await page.getByText('Five numbers per row, three classes.').waitFor()
    await open('/datasets')
    await page.getByTestId(`dataset-link-${smallId}`).waitFor({ timeout: 30_000 })
    expect(await page.getByTestId(`dataset-link-${smallId}`).textContent()).toContain('Renamed e2e')

    // A run on version 1 (small: it completes in a moment).
    await open(`/datasets/${smallId}`)
    await page.getByTestId('dataset-train').click()
    await page.waitForURL(/#\/runs\//, { timeout: 30_000 })
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.getAttribute('data-status') === 'completed', null, { timeout: 120_000 })
    const runId = /#\/runs\/([^/?]+)/.exec(page.url())![1]!

    // Resplit: a new version; the run still points at version 1.
    await open(`/datasets/${smallId}`)
    await page.getByTestId('dataset-resplit').click()
    await page.locator('#rs-train').fill('70')
    await page.locator('#rs-val').fill('15')
    await page.locator('#rs-test').fill('15')
    await page.locator('#rs-seed').fill('7')
    await page.screenshot({ path: path.join(shots, 'datasets-resplit-en-light.png') })
    await page.getByTestId('resplit-start').click()
    await expect.poll(async () => {
      await page.reload()
      await page.getByTestId('dataset-train').waitFor({ timeout: 30_000 })
      return page.locator('[data-testid="dataset-versions"] tbody tr').count()
    }, { timeout: 60_000, interval: 1000 }).toBe(2)
    const rows = page.locator('[data-testid="dataset-versions"] tbody tr')
    expect(await rows.nth(0).textContent()).toMatch(/v1/)
    expect(await rows.nth(1).textContent()).toMatch(/v2/)
    expect((await rows.nth(1).textContent())!).toMatch(/210\s*\/\s*45\s*\/\s*45/)
    await page.screenshot({ path: path.join(shots, 'datasets-versions-en-light.png'), fullPage: true })
    const run = runsJson().find((r) => r.id === runId)!
    expect(run.datasetId).toBe(smallId)
    const v2Href = await rows.nth(1).locator('a').getAttribute('href')
    const v2Id = /datasets\/([^/?]+)/.exec(v2Href ?? '')?.[1]
    expect(v2Id).toBeTruthy()
    expect(v2Id).not.toBe(smallId)

    // Delete version 2 (nothing runs on it): asked, then gone.
    await open(`/datasets/${v2Id}`)
    await page.getByTestId('dataset-delete').click()
    await page.screenshot({ path: path.join(shots, 'datasets-delete-confirm-en-light.png') })
    await page.getByTestId('dataset-delete-confirm').click()
    await page.waitForURL(/#\/datasets$/, { timeout: 30_000 })
    await page.getByTestId('datasets-table').waitFor()
    expect(await page.getByTestId(`dataset-item-${v2Id}`).count()).toBe(0)
    // The run on version 1 is untouched.
    expect(runsJson().find((r) => r.id === runId)!.datasetId).toBe(smallId)
    expect(pageErrors).toEqual([])
  }, 300_000)

  it('refuses to delete a dataset while a run on it is running, and deletes it once stopped (Korean, dark)', async () => {
    await setPrefs('ko', 'dark')
    await open(`/datasets/${bigId}`)
    await page.reload() // the language and theme are read at start-up
    await page.getByTestId('dataset-train').waitFor({ timeout: 30_000 })
    await page.getByTestId('dataset-train').click()
    await page.waitForURL(/#\/runs\//, { timeout: 30_000 })
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.getAttribute('data-status') === 'running', null, { timeout: 60_000 })
    const runId = /#\/runs\/([^/?]+)/.exec(page.url())![1]!

    await open(`/datasets/${bigId}`)
    await page.getByTestId('dataset-delete').click()
    await page.getByTestId('dataset-delete-confirm').click()
    const err = page.getByTestId('dataset-delete-error')
    await err.waitFor({ timeout: 30_000 })
    expect(runsJson().find((r) => r.id === runId)!.status).toBe('running') // still running when refused
    expect(await err.textContent()).toContain('학습 중인 실행이 있습니다')
    await page.screenshot({ path: path.join(shots, 'datasets-delete-refused-ko-dark.png') })
    await open('/datasets')
    await page.getByTestId(`dataset-item-${bigId}`).waitFor({ timeout: 30_000 })

    await open(`/runs/${runId}`)
    await page.getByTestId('stop-run').click()
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.getAttribute('data-status') === 'stopped', null, { timeout: 60_000 })
    await open(`/datasets/${bigId}`)
    await page.getByTestId('dataset-delete').click()
    await page.getByTestId('dataset-delete-confirm').click()
    await page.waitForURL(/#\/datasets$/, { timeout: 30_000 })
    await page.getByTestId('datasets-table').waitFor()
    expect(await page.getByTestId(`dataset-item-${bigId}`).count()).toBe(0)
    // The stopped run keeps its record and its dataset id (a hidden tombstone version).
    expect(runsJson().find((r) => r.id === runId)).toMatchObject({ datasetId: bigId, status: 'stopped' })
    expect(pageErrors).toEqual([])
  }, 300_000)
})

describe('a 100,000-row table', () => {
  it('scrolls: frame times during a programmatic scroll are reported', async () => {
    // A fresh copy of the big dataset (the previous test deleted its one).
    const big = path.join(t.dir, 'big2.csv')
    writeFileSync(big, csv(125_000, 9))
    const id = importCsv(big, 'Scroll e2e')
    await setPrefs('en', 'light')
    await open(`/datasets/${id}?tab=table`)
    await page.reload()
    const table = page.getByTestId('dataset-table')
    await table.waitFor({ timeout: 30_000 })
    await page.getByTestId('dataset-row-0').locator('.cell.num').first().waitFor({ timeout: 30_000 })
    // 80% of 125,000 rows, stratified per class (rounding may move a row or two to validation).
    const total = Number(await table.getAttribute('data-total'))
    expect(total).toBeGreaterThan(99_900)

    // Two phases: a steady scroll (~20 rows a frame, like a fast wheel) and jumps to random places
    // (the scrollbar dragged); each frame's delta from requestAnimationFrame.
    const stats = await table.evaluate(async (el) => {
      const frames = (n: number, step: (i: number) => void): Promise<number[]> => new Promise((resolve) => {
        const d: number[] = []
        let last = performance.now()
        let i = 0
        const tick = (now: number): void => {
          d.push(now - last)
          last = now
          if (i >= n) { resolve(d.slice(1)); return }
          step(i++)
          requestAnimationFrame(tick)
        }
        requestAnimationFrame(tick)
      })
      const q = (a: number[], p: number): number => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))]! }
      const steady = await frames(300, () => { el.scrollTop += 600 })
      let seed = 1
      const jumps = await frames(120, () => { seed = (seed * 16807) % 2147483647; el.scrollTop = (seed / 2147483647) * (el.scrollHeight - el.clientHeight) })
      const sum = (a: number[]) => ({ median: q(a, 0.5), p95: q(a, 0.95), max: Math.max(...a), frames: a.length })
      return { steady: sum(steady), jumps: sum(jumps), rowsInDom: el.querySelectorAll('[data-testid^="dataset-row-"]').length }
    })
    const f = (x: number) => x.toFixed(1)
    console.info(`${total}-row table, Chromium headless (1440×900): steady scroll median ${f(stats.steady.median)} ms, p95 ${f(stats.steady.p95)} ms, max ${f(stats.steady.max)} ms over ${stats.steady.frames} frames; ` +
      `random jumps median ${f(stats.jumps.median)} ms, p95 ${f(stats.jumps.p95)} ms, max ${f(stats.jumps.max)} ms over ${stats.jumps.frames} frames; ${stats.rowsInDom} row elements in the DOM`)
    // Virtualized: a screenful of rows in the DOM, not 100k. (Frame times are reported, not asserted.)
    expect(stats.rowsInDom).toBeLessThan(200)
    // After the jumps, the rows on screen get their values.
    await page.locator('[data-testid^="dataset-row-"] .cell.num').first().waitFor({ timeout: 30_000 })
    await page.screenshot({ path: path.join(shots, 'datasets-100k-table-en-light.png') })
    expect(pageErrors).toEqual([])
  }, 300_000)
})

describe('folder drop', () => {
  /**
   * Drops a folder of class sub-folders onto the window. What Chromium lets a script do: a
   * DataTransfer built in the page can only hold Files (items.add), and their webkitGetAsEntry()
   * returns a file entry at most, never a directory entry: only a real OS drag makes directory
   * entries, and Chromium headless has no OS drag. So the page gets a real `drop` DragEvent with a
   * real DataTransfer holding one File (the folder's stand-in), and webkitGetAsEntry is replaced
   * for that one item to return a directory entry with the FileSystemEntry API's shape
   * (createReader/readEntries in batches of 100 then an empty batch, file(cb)) over PNGs the page
   * draws. Everything after it is the studio's: the drop overlay's handler, collectDrop's walk of
   * the tree (relative paths = class folders), the upload, inspect, import and the dataset page.
   */
  async function dropFolder(classes: Record<string, number>): Promise<void> {
    await page.evaluate(async (spec) => {
      const png = async (v: number): Promise<File> => {
        const c = new OffscreenCanvas(8, 8)
        const g = c.getContext('2d')!
        g.fillStyle = `rgb(${v},${255 - v},${(v * 7) % 256})`
        g.fillRect(0, 0, 8, 8)
        g.fillStyle = '#000'
        g.fillRect(v % 8, 0, 1, 8)
        return new File([await c.convertToBlob({ type: 'image/png' })], `img-${v}.png`, { type: 'image/png' })
      }
      type Entry = { name: string; fullPath: string; isFile: boolean; isDirectory: boolean; file?: (ok: (f: File) => void) => void; createReader?: () => { readEntries: (ok: (e: Entry[]) => void) => void } }
      const dir = (name: string, fullPath: string, children: Entry[]): Entry => ({
        name, fullPath, isFile: false, isDirectory: true,
        createReader: () => {
          let at = 0
          // Batches of up to 100, then an empty batch: what Chromium's reader does.
          return { readEntries: (ok) => { const b = children.slice(at, at + 100); at += b.length; setTimeout(() => ok(b), 0) } }
        }
      })
      const classDirs: Entry[] = []
      let v = 0
      for (const [cls, n] of Object.entries(spec)) {
        const files: Entry[] = []
        for (let i = 0; i < n; i++) {
          const f = await png(v++ * 3 % 256)
          const name = `img-${i}.png`
          files.push({ name, fullPath: `/shapes/${cls}/${name}`, isFile: true, isDirectory: false, file: (ok) => setTimeout(() => ok(new File([f], name, { type: 'image/png' })), 0) })
        }
        classDirs.push(dir(cls, `/shapes/${cls}`, files))
      }
      const root = dir('shapes', '/shapes', classDirs)
      const stand = new File([''], 'shapes')
      const orig = DataTransferItem.prototype.webkitGetAsEntry
      DataTransferItem.prototype.webkitGetAsEntry = function (this: DataTransferItem) {
        return this.kind === 'file' && this.getAsFile()?.name === 'shapes' ? (root as unknown as FileSystemEntry) : orig.call(this)
      }
      const dt = new DataTransfer()
      dt.items.add(stand)
      document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }))
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
      DataTransferItem.prototype.webkitGetAsEntry = orig
    }, classes)
  }

  it('walks a dropped folder of class sub-folders and imports it as an image dataset', async () => {
    await setPrefs('en', 'light')
    await open('/datasets')
    await page.getByTestId('import-button').waitFor({ timeout: 30_000 })
    await dropFolder({ circle: 120, square: 110 }) // > 100 files per folder: readEntries is called in batches
    const dialog = page.getByTestId('import-dialog')
    await dialog.waitFor({ timeout: 30_000 })
    await page.getByTestId('import-start').waitFor({ timeout: 30_000 })
    const text = (await dialog.textContent()) ?? ''
    expect(text).toMatch(/circle/)
    expect(text).toMatch(/square/)
    expect(text).toMatch(/230/)
    await page.screenshot({ path: path.join(shots, 'datasets-folder-drop-en-light.png') })
    await page.getByTestId('import-start').click()
    await page.waitForURL(/#\/datasets\/d-/, { timeout: 60_000 })
    await page.getByTestId('class-distribution').waitFor({ timeout: 30_000 })
    const body = (await page.locator('#main').textContent()) ?? ''
    expect(body).toMatch(/circle/)
    expect(body).toMatch(/square/)
    expect(body).toMatch(/8 × 8/)
    expect(pageErrors).toEqual([])
  }, 180_000)
})
