/** POST /upload: browser mode's way to hand dropped files to the importer. */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../../main/server/server'
import type { StudioCore } from '../../../main/services/studio'
import type { ImportEnd, InspectResult } from '../../../preload/contract/types'
import { openTestCore } from '../../helpers/core'
import { tempDir } from '../../helpers/tmp'
import { pngBytes, tabularText } from '../datasets/importFixtures'

let t: ReturnType<typeof tempDir>
let core: StudioCore
let server: RunningServer

beforeAll(async () => {
  t = tempDir('studio-upload-')
  const web = path.join(t.dir, 'web')
  mkdirSync(web)
  writeFileSync(path.join(web, 'index.html'), '<!doctype html>')
  core = openTestCore(path.join(t.dir, 'data'))
  server = await startServer({ core, staticDir: web })
})
afterAll(async () => {
  await server?.close()
  await core?.close()
  t.cleanup()
})

function post(query: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; json: { ok: boolean; value?: { uploadId: string; files: number; bytes: number }; error?: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: `/upload?${query}`, method: 'POST', headers }, (res) => {
      let s = ''
      res.on('data', (d) => { s += d })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(s) }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('POST /upload', () => {
  it('refuses without the token or from another origin', async () => {
    expect((await post('path=a.csv', 'x')).status).toBe(401)
    expect((await post('token=wrong&path=a.csv', 'x')).status).toBe(401)
    expect((await post(`token=${server.token}&path=a.csv`, 'x', { Origin: 'http://evil.example' })).status).toBe(401)
  })

  it('refuses paths that would leave the upload folder', async () => {
    for (const p of ['../x.csv', 'a/../../x', '/etc/passwd', 'a//b', '', 'C:/x', 'a\\b']) {
      const r = await post(`token=${server.token}&path=${encodeURIComponent(p)}`, 'x')
      expect(r.status, p).toBe(400)
      expect(r.json.error!.code).toBe('invalid_argument')
    }
    expect(readdirSync(path.join(core.layout.root, 'uploads'))).toEqual([])
    expect((await post(`token=${server.token}&uploadId=u-nope&path=a.csv`, 'x')).status).toBe(404)
  })

  it('uploads a CSV that inspect and import accept by upload id, then removes it', async () => {
    const up = await post(`token=${server.token}&path=blobs.csv`, tabularText(90))
    expect(up.status).toBe(200)
    const { uploadId } = up.json.value!
    expect(up.json.value).toMatchObject({ files: 1 })
    const info = await core.handlers['datasets:inspect']({ uploadId }) as InspectResult
    expect(info).toMatchObject({ format: 'csv', count: 90 })
    const { jobId } = await core.handlers['datasets:import']({ uploadId, options: {} }) as { jobId: string }
    const end: ImportEnd = await core.datasetService.waitForJob(jobId)
    expect(end.ok).toBe(true)
    expect(existsSync(path.join(core.layout.root, 'uploads', uploadId))).toBe(false)
  })

  it('uploads a folder of class folders file by file', async () => {
    const first = await post(`token=${server.token}&path=${encodeURIComponent('shapes/a/0.png')}`, pngBytes(4, 4, [0, 0, 0]))
    const uploadId = first.json.value!.uploadId
    for (const [c, i] of [['a', 1], ['a', 2], ['b', 0], ['b', 1], ['b', 2]] as const) {
      const r = await post(`token=${server.token}&uploadId=${uploadId}&path=${encodeURIComponent(`shapes/${c}/${i}.png`)}`, pngBytes(4, 4, c === 'a' ? [0, 0, 0] : [255, 255, 255]))
      expect(r.status).toBe(200)
    }
    expect((await post(`token=${server.token}&uploadId=${uploadId}&path=shapes/a/0.png`, 'again')).status).toBe(409)
    const info = await core.handlers['datasets:inspect']({ uploadId }) as InspectResult
    expect(info.format).toBe('images')
    expect(info.images!.classes).toEqual([{ name: 'a', count: 3 }, { name: 'b', count: 3 }])
  })
})
