/// <reference lib="dom" />
/**
 * End to end in Debian Chromium against browser mode (real server, real trainer processes, real
 * SQLite): train a small CNN on the built-in digits from the New Run form, pause and resume it,
 * open the checkpoint browser (markers on the curves), export a checkpoint as a TF.js folder,
 * fork the best checkpoint with another learning rate, evaluate the fork and click a confusion
 * cell to see its examples, try an image, find parent and fork together in Compare's family view,
 * and resume the parent from its first checkpoint.
 * Screenshots in English/light and Korean/dark.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeStudioPage, openStudioPage, type StudioPage } from '../helpers/browser'
import { repoRoot } from '../helpers/core'

const shots = path.join(repoRoot, 'test', 'e2e', '__screenshots__')
let t: StudioPage['t']
let serve: StudioPage['serve']
let browser: StudioPage['browser']
let page: StudioPage['page']
const pageErrors: string[] = []

beforeAll(async () => {
  ({ t, serve, browser, page } = await openStudioPage('studio-e2e-eval-', pageErrors, { width: 1440, height: 900 }))
}, 60_000)

afterAll(() => closeStudioPage({ t, serve, browser }))

const status = (p: Page): Promise<string | null> => p.getByTestId('run-status').getAttribute('data-status')
async function waitStatus(want: string[], timeout = 120_000): Promise<void> {
  await page.waitForFunction((w) => w.includes(document.querySelector('[data-testid="run-status"]')?.getAttribute('data-status') ?? ''), want, { timeout })
}
async function setPrefs(locale: 'en' | 'ko', theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate(([l, th]) => {
    localStorage.setItem('studio.locale', l)
    localStorage.setItem('studio.theme', th)
  }, [locale, theme] as const)
}

describe('run view and evaluation', () => {
  it('trains, pauses and resumes, exports and forks a checkpoint, evaluates the fork and opens a confusion cell', async () => {
    await page.goto(serve.url)
    await page.getByTestId('dataset-card-digits').waitFor({ timeout: 30_000 })
    const base = page.url().replace(/#.*$/, '')

    // ── train a small CNN from the form ──
    await page.goto(`${base}#/new?dataset=digits`)
    await page.getByTestId('new-run-form').waitFor()
    await page.getByTestId('template-cnn').click()
    await page.fill('#f-epochs', '12')
    await page.getByTestId('start-run').click()
    await waitStatus(['running'], 60_000)
    await page.waitForSelector('[data-testid="checkpoint-1"]', { timeout: 120_000 })
    const parentUrl = page.url()
    const parentId = /#\/runs\/([^?]+)/.exec(parentUrl)![1]!

    // ── pause and resume ──
    // Paused after epoch 1 of 12: it cannot have finished in between.
    await page.getByTestId('pause-run').click()
    await waitStatus(['paused'])
    await page.getByTestId('run-paused').waitFor()
    const epochs = await page.locator('.stat .v').first().textContent()
    await page.waitForTimeout(1500)
    expect(await page.locator('.stat .v').first().textContent()).toBe(epochs)
    await page.screenshot({ path: path.join(shots, 'run-paused.png') })
    await page.keyboard.press('p')
    await waitStatus(['running', 'completed'])
    await waitStatus(['completed'], 180_000)
    await expect.poll(async () => page.getByTestId('run-params').textContent()).toMatch(/\d/)
    expect(Number(await page.getByTestId('chart-loss').getAttribute('data-points'))).toBeGreaterThan(0)
    await page.getByTestId('config-toggle').click()
    await page.getByTestId('config-full').waitFor()
    expect(await page.getByTestId('config-full').textContent()).toContain('model.template')
    await page.screenshot({ path: path.join(shots, 'run-training.png') })

    // ── checkpoint browser, export ──
    await page.getByTestId('run-tab-checkpoints').click()
    await page.getByTestId('checkpoints-table').waitFor()
    const rows = page.locator('[data-testid="checkpoints-table"] tbody tr')
    expect(await rows.count()).toBeGreaterThanOrEqual(1)
    const best = page.locator('[data-testid="checkpoints-table"] tbody tr.best')
    expect(await best.count()).toBe(1)
    const bestEpoch = Number(await best.locator('td').first().textContent())
    await page.getByTestId(`ckpt-export-${bestEpoch}`).click()
    await page.getByTestId('export-path').waitFor({ timeout: 60_000 })
    const dir = (await page.getByTestId('export-path').textContent())!.trim()
    expect(existsSync(path.join(dir, 'model.json'))).toBe(true)
    expect(JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')).modelTopology).toBeTruthy()
    await page.screenshot({ path: path.join(shots, 'run-checkpoints.png') })

    // ── fork the best checkpoint with another learning rate ──
    await page.getByTestId(`ckpt-fork-${bestEpoch}`).click()
    await page.getByTestId('fork-dialog').waitFor()
    await page.fill('[data-testid="fork-lr"]', 'abc')
    await page.getByText(/Learning rate: expected a number/).waitFor()
    expect(await page.getByTestId('fork-submit').isDisabled()).toBe(true)
    await page.fill('[data-testid="fork-lr"]', '0.001')
    await page.fill('[data-testid="fork-epochs"]', String(bestEpoch + 2))
    await page.screenshot({ path: path.join(shots, 'run-fork-dialog.png') })
    await page.getByTestId('fork-submit').click()
    await page.waitForFunction((pid) => /#\/runs\//.test(location.hash) && !location.hash.includes(pid), parentId, { timeout: 30_000 })
    await page.getByTestId('run-parent').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('run-parent').getAttribute('href')).toContain(parentId)
    const forkId = /#\/runs\/([^?]+)/.exec(page.url())![1]!
    await waitStatus(['completed', 'stopped', 'failed', 'diverged'], 180_000)
    await page.screenshot({ path: path.join(shots, 'run-forked.png') })
    expect({ status: await status(page), error: await page.getByTestId('run-error').textContent().catch(() => null) }).toEqual({ status: 'completed', error: null })

    // ── evaluate the fork, open a confusion cell ──
    await page.getByTestId('run-tab-evaluation').click()
    await page.getByTestId('confusion-matrix').waitFor({ timeout: 120_000 })
    await page.getByTestId('class-report').waitFor()
    expect(await page.locator('[data-testid="class-report"] tbody tr').count()).toBe(10)
    // A real click on the heat map's canvas: the middle of the plot is a cell of the 10×10 grid.
    const box = (await page.getByTestId('confusion-matrix').boundingBox())!
    await page.mouse.click(box.x + box.width * 0.45, box.y + box.height * 0.45)
    await page.getByTestId('example-gallery').waitFor({ timeout: 10_000 })
    await page.getByTestId('gallery-close').click()
    // The keyboard route: the most frequent cell's button.
    const cellButton = page.locator('[data-testid^="cm-cell-"]').first()
    await cellButton.click()
    await page.getByTestId('example-gallery').waitFor()
    const n = Number(await page.getByTestId('example-gallery').getAttribute('data-count'))
    expect(n).toBeGreaterThan(0)
    await page.waitForSelector('[data-testid="example-gallery"] img', { timeout: 30_000 })
    // Any cell by keyboard: actual 3, predicted 3 (the diagonal holds most of class 3's examples).
    await page.getByTestId('cm-pick-actual').selectOption('3')
    await page.getByTestId('cm-pick-predicted').selectOption('3')
    await page.getByTestId('cm-pick-show').click()
    await page.getByRole('heading', { name: '3 predicted as 3' }).waitFor()
    expect(Number(await page.getByTestId('example-gallery').getAttribute('data-count'))).toBeGreaterThan(20)
    await page.waitForSelector('[data-testid="example-gallery"] img', { timeout: 30_000 })
    await page.getByTestId('cm-normalized').click()
    await expect.poll(async () => page.getByTestId('confusion-matrix').getAttribute('data-normalized')).toBe('1')
    await page.screenshot({ path: path.join(shots, 'run-evaluation.png') })

    // ── Try it: a PNG drawn in the page, picked through the file input ──
    const png = await page.evaluate(() => {
      const c = document.createElement('canvas')
      c.width = 8
      c.height = 8
      const ctx = c.getContext('2d')!
      ctx.fillStyle = '#000'
      ctx.fillRect(0, 0, 8, 8)
      ctx.fillStyle = '#fff'
      ctx.fillRect(3, 1, 2, 6)
      return c.toDataURL('image/png').split(',')[1]!
    })
    await page.getByTestId('try-file').setInputFiles({ name: 'one.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') })
    await page.getByTestId('try-result').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('try-result').textContent()).toMatch(/Prediction: \d/)
    await page.getByTestId('try-probabilities').waitFor()
    await page.getByTestId('try-it').scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(shots, 'run-try-it.png') })

    // ── weights tab ──
    await page.getByTestId('run-tab-internals').click()
    await page.getByTestId('distributions').waitFor()
    await page.waitForTimeout(1000)
    await page.screenshot({ path: path.join(shots, 'run-weights.png') })

    // ── compare: the family toggle brings in the parent, the legend marks the fork ──
    await page.goto(`${base}#/compare?runs=${forkId}`)
    await page.getByTestId('chart-compare').waitFor()
    await page.getByTestId('compare-family').check()
    await expect.poll(async () => page.getByTestId('chart-compare').getAttribute('data-runs')).toBe(`${forkId},${parentId}`)
    await page.screenshot({ path: path.join(shots, 'compare-family.png') })

    // ── resume the parent from an earlier checkpoint: the same run trains on from there ──
    await page.goto(`${base}#/runs/${parentId}?tab=checkpoints`)
    await page.getByTestId('checkpoints-table').waitFor()
    await page.getByTestId('ckpt-resume-1').click()
    await page.waitForSelector('[data-testid="run-resumed"][data-count="1"]', { timeout: 60_000 })
    expect(page.url()).toContain(parentId)
    await waitStatus(['completed'], 180_000)
    await page.getByTestId('run-tab-checkpoints').click()
    // Epochs 2…12 again, epoch 1, and the epoch the fork started from kept as a deleted row.
    await expect.poll(async () => page.locator('[data-testid="checkpoints-table"] tbody tr').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(12)
    expect(await page.getByTestId('checkpoint-deleted').count()).toBeGreaterThanOrEqual(1)

    // ── Korean, dark ──
    await setPrefs('ko', 'dark')
    await page.goto(`${base}#/runs/${forkId}?tab=evaluation`)
    await page.reload()
    await page.getByTestId('confusion-matrix').waitFor({ timeout: 60_000 })
    await page.screenshot({ path: path.join(shots, 'run-evaluation-ko-dark.png') })
    await page.goto(`${base}#/runs/${parentId}?tab=checkpoints`)
    await page.getByTestId('checkpoints-table').waitFor()
    await page.screenshot({ path: path.join(shots, 'run-checkpoints-ko-dark.png') })
    await setPrefs('en', 'light')

    expect(pageErrors).toEqual([])
  }, 600_000)
})
