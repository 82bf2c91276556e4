/// <reference lib="dom" />
/**
 * End to end in Debian Chromium against browser mode (real server, real trainer processes, real
 * SQLite file): configure the tutorial's search space (learning rate, layers, units, batch) on the
 * built-in digits dataset with one epoch per trial, start a GP study, watch the history and
 * parallel-coordinates charts fill in, pause (no trial runs while paused), resume, and let it
 * finish its budget. Screenshots of the form and the study in en/ko and light/dark.
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeStudioPage, openStudioPage, type StudioPage } from '../helpers/browser'
import { repoRoot } from '../helpers/core'

const shots = path.join(repoRoot, 'test', 'e2e', '__screenshots__')
const TRIALS = 7
let t: StudioPage['t']
let serve: StudioPage['serve']
let browser: StudioPage['browser']
let page: StudioPage['page']
const pageErrors: string[] = []

beforeAll(async () => {
  ({ t, serve, browser, page } = await openStudioPage('studio-e2e-hpo-', pageErrors, { width: 1440, height: 1000 }))
}, 60_000)

afterAll(() => closeStudioPage({ t, serve, browser }))

const attr = (testId: string, name: string): Promise<string | null> => page.getByTestId(testId).getAttribute(name)
async function points(testId: string): Promise<number> {
  return Number((await attr(testId, 'data-points')) ?? 0)
}
async function waitState(state: string | RegExp, timeout = 60_000): Promise<void> {
  await page.waitForFunction((s) => {
    const v = document.querySelector('[data-testid="study-state"]')?.getAttribute('data-state') ?? ''
    return s.startsWith('/') ? new RegExp(s.slice(1, -1)).test(v) : v === s
  }, typeof state === 'string' ? state : String(state), { timeout })
}
/** The app scrolls inside its main pane, so a tall viewport is what captures a whole page. */
async function shot(name: string, height = 1000): Promise<void> {
  await page.setViewportSize({ width: 1440, height })
  await page.waitForTimeout(400)
  await page.screenshot({ path: path.join(shots, `${name}.png`) })
  await page.setViewportSize({ width: 1440, height: 1000 })
}
async function setPrefs(locale: 'en' | 'ko', theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate(([l, th]) => { localStorage.setItem('studio.locale', l!); localStorage.setItem('studio.theme', th!) }, [locale, theme])
  await reloadApp()
}
/**
 * Reloads the page. Another `npm run build` rewriting out/renderer (a shared working tree) makes
 * the server answer "Not found: /index.html" for a moment: such a reload is retried.
 */
async function reloadApp(): Promise<void> {
  for (let i = 0; ; i++) {
    const errorsBefore = pageErrors.length
    await page.reload()
    const missing = ((await page.locator('body').textContent()) ?? '').startsWith('Not found')
    if (!missing || i >= 20) return
    // That attempt's 404s are the build's doing, not the app's.
    pageErrors.splice(errorsBefore)
    await page.waitForTimeout(1000)
  }
}

describe('HPO study in the browser', () => {
  it('configures the tutorial, runs trials with live charts, pauses and resumes', async () => {
    await page.goto(serve.url)
    await setPrefs('en', 'light')
    await page.getByTestId('dataset-card-digits').waitFor({ timeout: 30_000 })
    await page.getByTestId('nav-studies').click()
    await page.getByTestId('studies-table').waitFor()
    await page.getByTestId('new-study').click()
    await page.getByTestId('new-study-form').waitFor()

    // Validation is specific per field: a log-scale range with low 0 says so.
    await page.getByTestId('add-param').click()
    await page.getByTestId('param-name-0').fill('learningRate')
    await page.getByTestId('param-low-0').fill('0')
    await page.getByTestId('param-log-0').check()
    await expect.poll(async () => (await page.getByTestId('space-row-0').textContent()) ?? '').toMatch(/log scale needs low > 0/)
    await page.getByTestId('param-remove-0').click()

    // The tutorial: learning rate 0.01–0.5, layers {2,3}, units {30,60}, batch {500,1000,2000}, GP.
    await page.getByTestId('study-dataset').selectOption('digits')
    await page.getByTestId('space-tutorial').click()
    expect(await page.getByTestId('param-name-0').inputValue()).toBe('learningRate')
    expect(await page.getByTestId('param-low-0').inputValue()).toBe('0.01')
    expect(await page.getByTestId('param-high-0').inputValue()).toBe('0.5')
    expect(await page.getByTestId('param-values-1').inputValue()).toBe('2, 3')
    expect(await page.getByTestId('param-values-2').inputValue()).toBe('30, 60')
    expect(await page.getByTestId('param-values-3').inputValue()).toBe('500, 1000, 2000')
    expect(await page.getByTestId('sampler-gp').isChecked()).toBe(true)
    await page.getByTestId('study-epochs').fill('1')
    await page.getByTestId('study-trials').fill(String(TRIALS))
    // "Automatic" says which sampler it picks and why (from main's autoSampler).
    await page.getByTestId('sampler-auto').check()
    await page.getByTestId('auto-reason').waitFor({ timeout: 10_000 })
    expect(await page.getByTestId('auto-reason').textContent()).toMatch(/Gaussian-process/)
    await page.getByTestId('sampler-gp').check()
    await page.getByTestId('budget-hint').waitFor({ timeout: 10_000 })
    expect(await page.getByTestId('budget-hint').textContent()).toMatch(/GP works well up to ~100 trials/)
    await shot('hpo-new-en-light', 2300)

    await page.getByTestId('create-start-study').click()
    await page.getByTestId('study-title').waitFor({ timeout: 30_000 })
    const studyUrl = page.url()
    await waitState(/running|completed/)

    // Charts fill in as trials finish (hpo:didTrial → hpo:analysis).
    const started = Date.now()
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-history"]')?.getAttribute('data-points') ?? 0) >= 2, null, { timeout: 180_000 })
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-parallel"]')?.getAttribute('data-points') ?? 0) >= 2, null, { timeout: 30_000 })
    console.info(`hpo e2e: two trials complete and drawn ${((Date.now() - started) / 1000).toFixed(1)} s after start`)
    expect(await page.locator('[data-testid="chart-history"] canvas').count()).toBeGreaterThan(0)
    expect(await page.locator('[data-testid="chart-parallel"] canvas').count()).toBeGreaterThan(0)
    expect(await page.locator('[data-testid^="trial-row-"]').count()).toBeGreaterThanOrEqual(2)
    await page.getByTestId('study-eta').waitFor({ timeout: 10_000 })
    await shot('hpo-study-running-en-light', 1000)

    // Pause: no new trial starts; the running one finishes (pausing → paused).
    await page.getByTestId('study-pause').click()
    await waitState('paused', 120_000)
    const pausedDone = Number(await attr('study-progress', 'data-done'))
    const pausedRows = await page.locator('[data-testid^="trial-row-"]').count()
    expect(await page.locator('[data-testid^="trial-row-"][data-state="running"]').count()).toBe(0)
    expect(pausedDone).toBeLessThan(TRIALS)
    await shot('hpo-study-paused-en-light', 1000)
    // Still paused after a reload (state is stored), and the trial list did not grow.
    await reloadApp()
    await page.getByTestId('study-title').waitFor({ timeout: 30_000 })
    await waitState('paused')
    expect(await page.locator('[data-testid^="trial-row-"]').count()).toBe(pausedRows)

    await page.getByTestId('study-resume').click()
    await waitState(/running|completed/)
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="study-progress"]')?.getAttribute('data-done') ?? 0) > n, pausedDone, { timeout: 180_000 })
    await waitState('completed', 300_000)
    for (const row of await page.locator('[data-testid^="trial-row-"][data-state="failed"]').all()) console.info('failed trial:', await row.locator('.err-text').getAttribute('title'))
    expect(Number(await attr('study-progress', 'data-done'))).toBe(TRIALS)

    // Every complete trial is a point of the history and a line of the parallel coordinates.
    const complete = await page.locator('[data-testid^="trial-row-"][data-state="complete"]').count()
    expect(complete).toBeGreaterThanOrEqual(2)
    await expect.poll(() => points('chart-history'), { timeout: 10_000 }).toBe(complete)
    await expect.poll(() => points('chart-parallel'), { timeout: 10_000 }).toBe(complete)
    await expect.poll(() => points('chart-timeline'), { timeout: 10_000 }).toBe(TRIALS)
    expect(await points('chart-surrogate')).toBeGreaterThanOrEqual(2)
    // A click on a timeline bar selects that trial's row.
    await page.getByTestId('chart-timeline').scrollIntoViewIfNeeded()
    const box = (await page.getByTestId('chart-timeline').locator('canvas').first().boundingBox())!
    await page.mouse.click(box.x + box.width * 0.15, box.y + box.height * 0.5)
    await expect.poll(() => page.locator('[data-testid="trials-table"] tr.selected').count(), { timeout: 5_000 }).toBe(1)
    // Sorting by value puts the best trial first (maximize val_acc → descending).
    await page.locator('[data-testid="trials-table"] th', { hasText: 'Value' }).click()
    const firstValue = await page.locator('[data-testid^="trial-row-"]').first().locator('td').nth(6).textContent()
    expect(firstValue).not.toBe('—')

    // Extend the budget of the finished study by one trial: it runs again and completes with it.
    await page.getByTestId('study-extend').click()
    await page.getByTestId('extend-trials').fill('1')
    await page.getByTestId('extend-apply').click()
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="study-progress"]')?.getAttribute('data-done') ?? 0) === n, TRIALS + 1, { timeout: 120_000 })
    await waitState('completed', 60_000)

    for (const [locale, theme] of [['en', 'light'], ['en', 'dark'], ['ko', 'light'], ['ko', 'dark']] as const) {
      await setPrefs(locale, theme)
      await page.getByTestId('study-title').waitFor({ timeout: 30_000 })
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-history"]')?.getAttribute('data-points') ?? 0) > 0, null, { timeout: 30_000 })
      await shot(`hpo-study-${locale}-${theme}`, 3000)
    }
    await page.goto(studyUrl.replace(/#.*$/, '#/studies/new'))
    await page.getByTestId('space-tutorial').click()
    await shot('hpo-new-ko-dark', 2300)
    await page.goto(studyUrl.replace(/#.*$/, '#/studies'))
    await page.getByTestId('studies-table').waitFor()
    await shot('hpo-studies-ko-dark', 700)
    expect(pageErrors).toEqual([])
  }, 600_000)

  it('a parallel study with a pruner: two worker lanes, learning curves, the 2-D surrogate', async () => {
    if (!page.url().startsWith('http')) await page.goto(serve.url)
    await setPrefs('en', 'light')
    await page.goto(page.url().replace(/#.*$/, '#/studies/new'))
    await page.getByTestId('new-study-form').waitFor({ timeout: 30_000 })
    await page.getByTestId('study-dataset').selectOption('digits')
    // A conditional parameter: momentum exists only when the optimizer is momentum.
    await page.getByTestId('add-param').click()
    await page.getByTestId('param-name-0').fill('optimizer')
    await page.getByTestId('param-kind-0').selectOption('categorical')
    await page.getByTestId('param-values-0').fill('sgd, momentum')
    await page.getByTestId('add-param').click()
    await page.getByTestId('param-name-1').fill('optimizerOptions.momentum')
    await page.getByTestId('param-low-1').fill('0.5')
    await page.getByTestId('param-high-1').fill('0.99')
    await page.getByTestId('param-when-1').selectOption('optimizer')
    await page.getByTestId('param-when-values-1').fill('adam')
    await expect.poll(async () => (await page.getByTestId('space-row-1').textContent()) ?? '').toMatch(/adam is not a choice of optimizer \(sgd, momentum\)/)
    await page.getByTestId('param-when-values-1').fill('momentum')
    await expect.poll(async () => (await page.getByTestId('space-editor').locator('.error').count())).toBe(0)
    await page.getByTestId('add-param').click()
    await page.getByTestId('param-name-2').fill('epochs')
    await page.getByTestId('param-kind-2').selectOption('int')
    await page.getByTestId('param-low-2').fill('1')
    await page.getByTestId('param-high-2').fill('10')
    await page.getByTestId('param-step-2').fill('4')
    await expect.poll(async () => (await page.getByTestId('space-row-2').textContent()) ?? '').toMatch(/Range 1–10 is not a whole number of steps of 4; the last value would be 9/)
    await page.getByTestId('param-step-2').fill('3')
    await page.getByTestId('sampler-auto').check()
    await page.getByTestId('auto-reason').waitFor({ timeout: 10_000 })
    expect(await page.getByTestId('auto-reason').textContent()).toMatch(/TPE, because the space has conditional parameters/)
    await page.getByTestId('space-editor').scrollIntoViewIfNeeded()
    await shot('hpo-new-conditional-en-light', 1400)
    await page.getByTestId('space-tutorial').click()
    await page.getByTestId('study-name').fill('parallel + median pruner')
    await page.getByTestId('study-epochs').fill('3')
    await page.getByTestId('study-trials').fill('8')
    await page.getByTestId('study-parallelism').fill('2')
    await page.getByTestId('pruner-median').check()
    await page.locator('#o-pst').fill('2')
    await page.getByTestId('create-study').click()
    // Created as a draft: Start is the only way on.
    await page.getByTestId('study-start').waitFor({ timeout: 30_000 })
    await waitState('draft')
    // Warm start: a queued configuration is evaluated first.
    await page.getByTestId('warm-start').locator('summary').click()
    for (const [k, v] of [['learningRate', '0.1'], ['model.layers', '2'], ['model.units', '60'], ['batchSize', '500']] as const) await page.getByTestId(`warm-param-${k}`).fill(v)
    await page.getByTestId('warm-enqueue').click()
    await page.getByTestId('trial-row-0').waitFor({ timeout: 10_000 })
    expect(await page.getByTestId('trial-row-0').getAttribute('data-state')).toBe('waiting')
    await page.getByTestId('study-start').click()
    // Pause now: running trials stop at once (their configurations are queued again), then resume.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="trial-row-"][data-state="running"]').length > 0, null, { timeout: 60_000 })
    await page.getByTestId('study-pause-now').click()
    await waitState('paused', 60_000)
    await expect.poll(() => page.locator('[data-testid^="trial-row-"][data-state="running"]').count(), { timeout: 10_000 }).toBe(0)
    console.info('after pause now:', await page.locator('[data-testid^="trial-row-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state'))))
    await page.getByTestId('study-resume').click()
    await waitState('completed', 300_000)
    const workers = new Set(await page.locator('[data-testid^="trial-row-"] td:nth-child(9)').allTextContents())
    console.info(`parallel study: workers ${[...workers].join(', ')}; states`, await page.locator('[data-testid^="trial-row-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state'))))
    expect(workers.size).toBe(2)
    expect((await page.getByTestId('trial-row-0').locator('td').allTextContents()).slice(2, 6)).toEqual(['0.1', '2', '60', '500'])
    // The last trial's analysis may arrive just after the study's completed state (throttled refresh).
    const started = await page.locator('[data-testid^="trial-row-"]:not([data-state="waiting"])').count()
    await expect.poll(() => points('chart-timeline'), { timeout: 10_000 }).toBe(started)
    const withCurves = await page.locator('[data-testid^="trial-row-"]:not([data-state="failed"])').count()
    await expect.poll(() => points('chart-intermediate'), { timeout: 10_000 }).toBe(withCurves)
    await page.getByTestId('surrogate-p2').selectOption('batchSize')
    await page.waitForFunction(() => document.querySelector('[data-testid="chart-surrogate"] canvas') !== null, null, { timeout: 30_000 })
    await shot('hpo-study-parallel-en-light', 3000)
    await setPrefs('ko', 'dark')
    await page.getByTestId('study-title').waitFor({ timeout: 30_000 })
    await page.getByTestId('surrogate-p2').selectOption('batchSize')
    await page.waitForFunction(() => document.querySelector('[data-testid="chart-surrogate"] canvas') !== null, null, { timeout: 30_000 })
    await shot('hpo-study-parallel-ko-dark', 3000)

    // Import this study's trials into a new draft, run it, stop it, delete it (both confirmed).
    await setPrefs('en', 'light')
    await page.goto(page.url().replace(/#.*$/, '#/studies/new'))
    await page.getByTestId('space-tutorial').click()
    await page.getByTestId('study-name').fill('imported')
    await page.getByTestId('create-study').click()
    await page.getByTestId('study-start').waitFor({ timeout: 30_000 })
    await page.getByTestId('warm-start').locator('summary').click()
    const options = await page.getByTestId('warm-from').locator('option').allTextContents()
    const first = options.find((o) => o.startsWith('parallel + median pruner'))
    expect(first).toBeDefined()
    await page.getByTestId('warm-from').selectOption({ label: first! })
    await page.getByTestId('warm-import').click()
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="trial-row-"][data-state="complete"]').length > 0, null, { timeout: 10_000 })
    await shot('hpo-study-imported-en-light', 1000)
    // Start it, then Stop (confirmed): the running trial ends, the study is stopped for good.
    const importedRows = await page.locator('[data-testid^="trial-row-"]').count()
    await page.getByTestId('study-start').click()
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="trial-row-"]').length > n, importedRows, { timeout: 60_000 })
    page.once('dialog', (d) => { void d.accept() })
    await page.getByTestId('study-stop').click()
    await waitState('stopped', 60_000)
    await expect.poll(() => page.locator('[data-testid^="trial-row-"][data-state="running"]').count(), { timeout: 10_000 }).toBe(0)
    expect(await page.getByTestId('study-resume').count()).toBe(0)
    const draftId = (await page.evaluate(() => location.hash)).split('/').pop()!
    page.once('dialog', (d) => { void d.accept() })
    await page.getByTestId('study-delete').click()
    await page.waitForFunction(() => location.hash.endsWith('/studies'), null, { timeout: 10_000 })
    await page.getByTestId('studies-table').waitFor()
    await expect.poll(() => page.locator('[data-testid^="study-row-"]').count()).toBeGreaterThan(0)
    expect(await page.getByTestId(`study-row-${draftId}`).count()).toBe(0)
    expect(pageErrors).toEqual([])
  }, 600_000)

  it('a study the CLI runs on the same data folder shows up and fills in live', async () => {
    if (!page.url().startsWith('http')) await page.goto(serve.url)
    await setPrefs('en', 'light')
    await page.goto(page.url().replace(/#.*$/, '#/studies'))
    await page.getByTestId('studies-table').waitFor({ timeout: 30_000 })
    const config = path.join(t.dir, 'study.json')
    writeFileSync(config, JSON.stringify({
      name: 'from the CLI',
      baseConfig: { datasetId: 'digits', model: { template: 'mlp', hidden: [32] }, optimizer: 'sgd', learningRate: 0.1, batchSize: 100, epochs: 4, seed: 1 },
      space: { params: [{ name: 'learningRate', kind: 'float', low: 0.01, high: 0.5, log: true }, { name: 'model.units', kind: 'discrete', values: [30, 60] }] },
      objective: { metric: 'val_acc', direction: 'maximize' },
      sampler: { kind: 'random', seed: 3 },
      budget: { trials: 16 }
    }))
    const cli = spawn(process.execPath, [path.join(repoRoot, 'out', 'main', 'cli.js'), 'hpo', '--config', config, '--data-dir', t.dir], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    cli.stdout!.on('data', (d) => { out += String(d) })
    cli.stderr!.on('data', (d) => { out += String(d) })
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve))
    try {
      const row = page.locator('[data-testid^="study-row-"]', { hasText: 'from the CLI' })
      await row.waitFor({ timeout: 60_000 })
      await row.click()
      await page.getByTestId('study-title').waitFor({ timeout: 30_000 })
      // Seen running, then finishing, without a reload: this window polls a study no event reports.
      const seenRunning = await page.getByTestId('study-state').getAttribute('data-state')
      const seenDone = Number(await attr('study-progress', 'data-done'))
      console.info(`CLI study first seen ${seenRunning}; progress ${seenDone} of 16`)
      expect(seenRunning).toBe('running')
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="study-progress"]')?.getAttribute('data-done') ?? 0) > n, seenDone, { timeout: 120_000 })
      await waitState('completed', 120_000)
      expect(await exited, out).toBe(0)
      await expect.poll(() => points('chart-history'), { timeout: 15_000 }).toBe(await page.locator('[data-testid^="trial-row-"][data-state="complete"]').count())
    } finally {
      if (cli.exitCode === null) cli.kill('SIGTERM')
    }
    expect(pageErrors).toEqual([])
  }, 300_000)
})
