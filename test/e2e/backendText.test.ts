/// <reference lib="dom" />
/**
 * Backend sentences in Korean, end to end in Debian Chromium against browser mode: an import
 * error from the import job (a ragged CSV: file, line, fields found and expected), one from
 * inspect (a text file with no data rows), and a composer error that only the analysis's key+params
 * can translate (Conv1D on image input, with the Reshape it suggests), and a trainer notice
 * (early stopping) in the run view. Screenshots of each.
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
  ({ t, serve, browser, page } = await openStudioPage('studio-e2e-ko-', pageErrors, { width: 1280, height: 860 }))
}, 60_000)
afterAll(() => closeStudioPage({ t, serve, browser }))

async function openIn(locale: 'en' | 'ko', theme: 'light' | 'dark', hash: string): Promise<void> {
  // The tokened URL first: the page keeps the token for the session.
  await page.goto(serve.url)
  await page.getByTestId('nav-composer').waitFor({ timeout: 30_000 })
  await page.goto(serve.url.replace(/\/\?token=.*$/, `/${hash}`))
  await page.evaluate(([l, th]) => { localStorage.setItem('studio.locale', l); localStorage.setItem('studio.theme', th) }, [locale, theme] as const)
  await page.reload()
}

/** Drops a File built in the page onto the window (dragenter, then a real drop event). */
async function dropFile(text: string, name: string): Promise<void> {
  for (const type of ['dragenter', 'drop']) {
    await page.evaluate(([body, fileName, ev]) => {
      const dt = new DataTransfer()
      dt.items.add(new File([body], fileName, { type: 'text/plain' }))
      document.body.dispatchEvent(new DragEvent(ev, { dataTransfer: dt, bubbles: true, cancelable: true }))
    }, [text, name, type] as const)
    if (type === 'dragenter') await page.getByTestId('drop-overlay').waitFor()
  }
}

/** Waits for the import error (inspect may report it, or the import once started). */
async function importError(): Promise<string> {
  const err = page.getByTestId('import-error')
  await Promise.race([
    err.waitFor({ timeout: 20_000 }),
    page.getByTestId('import-start').waitFor({ timeout: 20_000 }).then(async () => {
      await page.getByTestId('import-start').click()
      await err.waitFor({ timeout: 30_000 })
    })
  ])
  return (await page.getByTestId('import-error-message').textContent()) ?? ''
}

describe('backend sentences in Korean', () => {
  it('a ragged CSV: the import error in Korean with file, line, found and expected', async () => {
    await openIn('ko', 'light', '#/datasets')
    await page.getByTestId('import-button').waitFor({ timeout: 30_000 })
    const rows = ['a,b,label']
    for (let i = 0; i < 50; i++) rows.push(i === 30 ? '1,2,3,4' : `${i},${i * 2},${i % 2 ? 'x' : 'y'}`)
    await dropFile(rows.join('\n') + '\n', 'ragged.csv')
    const msg = await importError()
    expect(msg).toBe('ragged.csv 32행: 필드가 4개인데 3개여야 합니다. 모든 행의 필드 수가 같아야 합니다.')
    await page.screenshot({ path: path.join(shots, 'import-error-ko-light.png') })
    await page.getByTestId('import-dismiss').click()
    expect(pageErrors).toEqual([])
  }, 120_000)

  it('a text file with no data rows: the inspect error in Korean', async () => {
    await openIn('ko', 'dark', '#/datasets')
    await page.getByTestId('import-button').waitFor({ timeout: 30_000 })
    await dropFile('just some words\n', 'notes.xyz')
    const msg = await importError()
    // A one-line text file has no data rows below its header; inspect says so (a request failure).
    expect(msg).toBe('notes.xyz: 데이터 행이 없습니다.')
    expect(await page.getByTestId('import-error').getAttribute('data-code')).toBe('invalid_argument')
    await page.screenshot({ path: path.join(shots, 'import-error-inspect-ko-dark.png') })
    await page.getByTestId('import-dismiss').click()
    expect(pageErrors).toEqual([])
  }, 120_000)

  it('a composer error only key+params translate: Conv1D on image input', async () => {
    await openIn('ko', 'dark', '#/composer')
    await page.getByTestId('composer').waitFor({ timeout: 30_000 })
    await page.getByTestId('template-gallery').waitFor()
    await page.getByTestId('template-scratch').click()
    await page.getByTestId('composer-dataset').selectOption('digits')
    await page.getByTestId('stack-empty').waitFor()
    for (const k of ['Input', 'Conv1D', 'Flatten', 'Dense']) await page.getByTestId(`palette-${k}`).click()
    await expect.poll(() => page.getByTestId('layer-error-conv1d_1').textContent(), { timeout: 10_000 })
      .toMatch(/^Conv1D에는 2차원 입력\(단계×채널\)이 필요한데 28×28×1\(3-D\)이\(가\) 들어옵니다\. .*\[784, 1\]/)
    await page.getByTestId('layer-conv1d_1').click()
    await page.screenshot({ path: path.join(shots, 'composer-error-conv1d-ko-dark.png') })
    // English keeps the analysis's own sentence.
    await page.getByTestId('nav-settings').click()
    await page.getByTestId('lang-select').selectOption('en')
    await page.getByTestId('nav-composer').click()
    await expect.poll(() => page.getByTestId('layer-error-conv1d_1').textContent(), { timeout: 10_000 })
      .toMatch(/^Conv1D needs a 2-D input \(steps×channels\) but gets 28×28×1 \(3-D\)/)
    expect(pageErrors).toEqual([])
  }, 120_000)

  it('a run that stops early: the trainer\'s notice in Korean in the run view', async () => {
    await openIn('ko', 'light', '#/new')
    await page.getByTestId('new-run-form').waitFor({ timeout: 30_000 })
    await page.locator('#f-datasetId').selectOption('iris')
    await page.locator('#f-epochs').fill('60')
    await page.locator('#f-learningRate').fill('0.5')
    await page.getByTestId('sec-early').locator('summary').click()
    await page.getByTestId('t-earlyStopping').check()
    await page.getByTestId('t-esPatience').fill('2')
    await page.getByTestId('start-run').click()
    await page.getByTestId('run-notices').waitFor({ timeout: 120_000 })
    const text = (await page.getByTestId('run-notices').textContent()) ?? ''
    console.info('notice:', text)
    expect(text).toMatch(/에포크 \d+ 후 조기 종료: \S+이\(가\) 2 에포크 동안 나아지지 않았습니다\(최고 [\d.]+, 에포크 \d+\)/)
    await page.evaluate(() => { document.scrollingElement?.scrollTo(0, 0); document.querySelector('main')?.scrollTo(0, 0) })
    await page.getByTestId('run-notices').scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(shots, 'run-notice-ko-light.png') })
    expect(pageErrors).toEqual([])
  }, 180_000)
})
