/// <reference lib="dom" />
/**
 * End to end in Debian Chromium against browser mode: a real server process, real trainer
 * processes, a real SQLite file. Start a training from the UI, watch the chart gain points,
 * stop it, and find it in the runs list after a reload.
 */
import path from 'node:path'
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
  ({ t, serve, browser, page } = await openStudioPage('studio-e2e-', pageErrors, { width: 1440, height: 900 }))
}, 60_000)

afterAll(() => closeStudioPage({ t, serve, browser }))

async function points(testId: string): Promise<number> {
  const v = await page.getByTestId(testId).getAttribute('data-points')
  return Number(v ?? 0)
}

describe('browser mode', () => {
  it('trains from one click, streams points, stops, and keeps the run across a reload', async () => {
    await page.goto(serve.url)
    await page.getByTestId('dataset-card-digits').waitFor({ timeout: 30_000 })
    await page.screenshot({ path: path.join(shots, 'home.png') })
    expect(page.url()).not.toContain('token=')

    await page.getByTestId('train-digits').click()
    await page.getByTestId('run-status').waitFor()
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.getAttribute('data-status') === 'running', null, { timeout: 30_000 })
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points') ?? 0) > 0, null, { timeout: 60_000 })
    const first = await points('chart-loss')
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points') ?? 0) > n, first, { timeout: 60_000 })
    const second = await points('chart-loss')
    expect(second).toBeGreaterThan(first)
    await page.screenshot({ path: path.join(shots, 'run-live.png') })

    const runUrl = page.url()
    await page.getByTestId('stop-run').click()
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.getAttribute('data-status') === 'stopped', null, { timeout: 30_000 })

    await page.reload()
    await page.goto(runUrl.replace(/#.*$/, '#/runs'))
    await page.getByTestId('runs-table').waitFor({ timeout: 30_000 })
    // The table renders at once; the list arrives with runs:list after the reload.
    await page.locator('[data-testid="runs-card"][data-loaded="true"]').waitFor({ timeout: 30_000 })
    const rows = page.locator('[data-testid^="run-row-"]')
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1)
    await expect.poll(async () => (await rows.first().textContent()) ?? '').toMatch(/stopped|중지/i)
    await page.screenshot({ path: path.join(shots, 'runs.png') })
    expect(pageErrors).toEqual([])
  }, 240_000)
})
