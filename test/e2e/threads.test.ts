/// <reference lib="dom" />
/**
 * Threads and the engine in the UI (issue 6), in Debian Chromium against browser mode: Settings
 * says which engine trains and how many cores there are, has a default Threads setting (checked
 * input, kept across reloads); the New Run form starts from it; the run says which engine ran and
 * with how many threads. No "install tfjs-node for much faster training" banner when the native
 * engine runs. Screenshots in English/light and Korean/dark.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, startServe } from '../helpers/browser'
import { repoRoot } from '../helpers/core'
import { tempDir } from '../helpers/tmp'
import { probeEngine } from '../../main/trainer/engine/probe'

const shots = path.join(repoRoot, 'test', 'e2e', '__screenshots__')
let t: ReturnType<typeof tempDir>
let serve: Awaited<ReturnType<typeof startServe>>
let browser: Browser
let page: Page
const pageErrors: string[] = []

async function prefs(locale: 'en' | 'ko', theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate(([l, th]) => { localStorage.setItem('studio.locale', l); localStorage.setItem('studio.theme', th) }, [locale, theme] as const)
}
const at = (hash: string) => `${serve.url.replace(/\/\?token=.*$/, '/')}#${hash}`

beforeAll(async () => {
  mkdirSync(shots, { recursive: true })
  t = tempDir('studio-e2e-threads-')
  serve = await startServe(t.dir)
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()) })
  await page.goto(serve.url)
  await page.getByTestId('dataset-card-spirals').waitFor({ timeout: 30_000 })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  t?.cleanup()
})

describe('threads in the UI', () => {
  it('Settings shows the engine and a default Threads setting that the New Run form and the run use', async () => {
    const native = probeEngine().native
    await prefs('en', 'light')
    await page.goto(at('/'))
    await page.reload()
    await page.getByTestId('dataset-card-spirals').waitFor({ timeout: 30_000 })
    // The home banner promises a faster backend only when there is one to get.
    if (native) expect(await page.getByTestId('backend-banner').count()).toBe(0)

    await page.goto(at('/settings'))
    const field = page.getByTestId('threads-input')
    await field.waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('settings-engine').textContent()).toMatch(/studio engine|TF\.js/)
    if (native) await page.getByTestId('engine-note').waitFor()
    await field.fill('0')
    expect(await page.getByTestId('threads-error').textContent()).toMatch(/1 to 256/)
    await field.fill('1')
    expect(await page.getByTestId('threads-error').count()).toBe(0)
    await page.screenshot({ path: path.join(shots, 'settings-threads-en-light.png'), fullPage: true })
    await page.reload()
    await page.getByTestId('threads-input').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('threads-input').inputValue()).toBe('1')

    await page.goto(at('/new?dataset=spirals'))
    await page.getByTestId('start-run').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('threads-input').inputValue()).toBe('1')
    await page.getByTestId('start-run').click()
    await page.waitForURL(/#\/runs\//, { timeout: 30_000 })
    // The run record says which engine ran and on how many threads.
    await page.waitForFunction(() => /thread/.test(document.querySelector('[data-testid="run-backend"]')?.textContent ?? '') ||
      /thread|스레드/i.test(document.querySelector('[data-testid="run-engine"]')?.textContent ?? ''), null, { timeout: 60_000 })
    const backend = (await page.getByTestId('run-backend').textContent()) ?? ''
    const engine = (await page.getByTestId('run-engine').count()) ? (await page.getByTestId('run-engine').textContent()) ?? '' : ''
    console.info(`run shows: ${backend.trim()} ${engine.trim()}`)
    expect(`${backend} ${engine}`).toMatch(/\b1 thread\b|Threads: 1/)

    await prefs('ko', 'dark')
    await page.goto(at('/settings'))
    await page.reload()
    await page.getByTestId('threads-input').waitFor({ timeout: 30_000 })
    expect(await page.locator('label[for="default-threads"]').textContent()).toContain('기본 스레드')
    await page.screenshot({ path: path.join(shots, 'settings-threads-ko-dark.png'), fullPage: true })
    await page.evaluate(() => localStorage.removeItem('studio.threads'))
    expect(pageErrors).toEqual([])
  }, 180_000)
})
