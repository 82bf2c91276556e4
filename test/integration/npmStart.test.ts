/**
 * `npm start` on a machine without the Electron binary (this one) or without a display (issue 2):
 * the launcher from the build prints one line saying why, then serves browser mode and prints its
 * URL; the URL answers with the studio page. The process is killed once the URL is there. (`npm
 * start` is `electron-vite build && node out/main/launch.js`; the build step is what `pretest` does.)
 */
import { afterAll, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { repoRoot } from '../helpers/core'
import { tempDir } from '../helpers/tmp'

const t = tempDir('studio-npm-start-')
afterAll(() => t.cleanup())

describe('npm start without a desktop window', () => {
  it('prints one line saying why, then serves browser mode at the printed URL', async () => {
    const env = { ...process.env }
    delete env['DISPLAY']
    delete env['WAYLAND_DISPLAY']
    const proc = spawn(process.execPath, [path.join(repoRoot, 'out', 'main', 'launch.js'), '--data-dir', t.dir], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    proc.stdout!.on('data', (d: Buffer) => { out += d.toString() })
    proc.stderr!.on('data', (d: Buffer) => { err += d.toString() })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL within 60 s:\n${out}\n${err}`)), 60_000)
        const check = () => {
          const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32,}/.exec(out)
          if (m) { clearTimeout(timer); resolve(m[0]) }
        }
        proc.stdout!.on('data', check)
        proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`launcher exited with ${code}:\n${out}\n${err}`)) })
      })
      const lines = out.split('\n').filter((l) => l.trim() !== '')
      console.info(`npm start printed:\n${lines.join('\n')}`)
      // One line says why there is no window, and that browser mode opens instead.
      const why = lines.filter((l) => /^Desktop window unavailable: /.test(l))
      expect(why).toHaveLength(1)
      expect(why[0]).toMatch(/(Electron binary is not installed|no display|Electron exited|Electron could not start).*Opening browser mode instead/)
      expect(lines.some((l) => l.includes(url))).toBe(true)
      const page = await fetch(url)
      expect(page.status).toBe(200)
      expect(await page.text()).toMatch(/<title>Training Studio<\/title>/)
    } finally {
      proc.kill('SIGTERM')
      await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)))
    }
  })
})
