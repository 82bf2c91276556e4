import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { repoRoot } from './core'
import { tempDir, type TempDir } from './tmp'

/** Debian's chromium, never a downloaded one. */
export function chromiumPath(): string {
  for (const p of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && existsSync(p)) return p
  }
  throw new Error('Chromium not found: install it with "apt-get install -y chromium" (.ci/run does this) or set CHROMIUM_PATH')
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']
  })
}

/** Starts `studio serve` from the build on a free port; resolves with its URL once it listens. */
export function startServe(dataDir: string): Promise<{ url: string; proc: ChildProcess; stop: () => Promise<void> }> {
  const cli = path.join(repoRoot, 'out', 'main', 'cli.js')
  if (!existsSync(cli)) throw new Error(`${cli} missing: run "npm run build" first`)
  const proc = spawn(process.execPath, [cli, 'serve', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  proc.stderr!.on('data', (d) => { err += String(d) })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print a URL in 30 s:\n${out}\n${err}`)), 30_000)
    proc.stdout!.on('data', (d) => {
      out += String(d)
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve({
          url: m[1]!, proc,
          stop: () => new Promise<void>((done) => {
            if (proc.exitCode !== null) { done(); return }
            proc.once('exit', () => done())
            proc.kill('SIGTERM')
          })
        })
      }
    })
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited with ${code}:\n${out}\n${err}`)) })
  })
}

export interface StudioPage {
  t: TempDir
  serve: Awaited<ReturnType<typeof startServe>>
  browser: Browser
  page: Page
}

/**
 * The e2e tests' common start: a temp data folder, `studio serve` on it, Debian Chromium and one
 * page whose uncaught errors and console errors land in `pageErrors` (tests assert it stays empty).
 */
export async function openStudioPage(prefix: string, pageErrors: string[], viewport = { width: 1440, height: 900 }): Promise<StudioPage> {
  mkdirSync(path.join(repoRoot, 'test', 'e2e', '__screenshots__'), { recursive: true })
  const t = tempDir(prefix)
  const serve = await startServe(t.dir)
  const browser = await launchChromium()
  const page = await browser.newPage({ viewport })
  page.on('pageerror', (e) => pageErrors.push(e.message))
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()) })
  return { t, serve, browser, page }
}

export async function closeStudioPage(s: Partial<Omit<StudioPage, 'page'>>): Promise<void> {
  await s.browser?.close()
  await s.serve?.stop()
  s.t?.cleanup()
}
