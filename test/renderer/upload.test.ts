import { describe, expect, it } from 'vitest'
import { UPLOAD_LIMITS, UploadCancelled, checkUpload, pickedFolderPath, uploadAll, uploadUrl, type UploadItem } from '../../renderer/src/lib/upload'

const items = (n: number, size = 100): UploadItem[] => Array.from({ length: n }, (_, i) => ({ path: `cats/${i}.png`, size }))

describe('checkUpload', () => {
  it('refuses nothing, too many files, and too many bytes, with the numbers', () => {
    expect(checkUpload([])).toEqual({ key: 'nothing' })
    expect(checkUpload(items(UPLOAD_LIMITS.maxFiles + 1, 1))).toMatchObject({ key: 'tooManyFiles', params: { count: 100_001, max: 100_000 } })
    expect(checkUpload([{ path: 'big.bin', size: 5 * 1024 ** 3 }])).toMatchObject({ key: 'tooLarge', params: { gib: '5.0', maxGib: 4 } })
    expect(checkUpload(items(3))).toBeNull()
  })
})

describe('uploadUrl', () => {
  it('encodes the path and adds uploadId only after the first file', () => {
    expect(uploadUrl('http://127.0.0.1:5/', 'tok', 'a b/ü.png')).toBe('http://127.0.0.1:5/upload?token=tok&path=a+b%2F%C3%BC.png')
    expect(uploadUrl('http://h', 't', 'x.csv', 'u-1')).toBe('http://h/upload?token=t&uploadId=u-1&path=x.csv')
  })
})

describe('uploadAll', () => {
  it('sends the first file alone, then the rest with its upload id, at most `concurrency` at a time', async () => {
    const log: Array<{ path: string; uploadId: string | undefined }> = []
    let inFlight = 0
    let maxInFlight = 0
    let firstDone = false
    const id = await uploadAll(items(10), {
      concurrency: 3,
      send: async (it, uploadId, onBytes) => {
        if (it.path !== 'cats/0.png') expect(firstDone).toBe(true)
        log.push({ path: it.path, uploadId })
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        onBytes(50)
        await new Promise((r) => setTimeout(r, 2))
        inFlight--
        if (it.path === 'cats/0.png') firstDone = true
        return 'u-42'
      }
    })
    expect(id).toBe('u-42')
    expect(log[0]).toEqual({ path: 'cats/0.png', uploadId: undefined })
    expect(log.slice(1).every((l) => l.uploadId === 'u-42')).toBe(true)
    expect(log.map((l) => l.path).sort()).toEqual(items(10).map((i) => i.path).sort())
    expect(maxInFlight).toBe(3)
  })

  it('reports bytes and files, ending at 100 %', async () => {
    let now = 0
    const seen: Array<{ bytesDone: number; filesDone: number; eta: number | null }> = []
    await uploadAll(items(4, 1000), {
      now: () => now,
      onProgress: (p) => seen.push({ bytesDone: p.bytesDone, filesDone: p.filesDone, eta: p.etaSeconds }),
      send: async (_it, _id, onBytes) => { now += 200; onBytes(500); now += 200; onBytes(1000); return 'u' }
    })
    const last = seen[seen.length - 1]!
    expect(last).toMatchObject({ bytesDone: 4000, filesDone: 4, eta: 0 })
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.bytesDone).toBeGreaterThanOrEqual(seen[i - 1]!.bytesDone)
  })

  it('stops at the first refusal and rethrows it', async () => {
    let sent = 0
    await expect(uploadAll(items(20), {
      concurrency: 2,
      send: async (it, _id, _b, signal) => {
        sent++
        if (it.path === 'cats/3.png') throw new Error('over the limit')
        await new Promise((r) => setTimeout(r, 5))
        if (signal.aborted) throw new Error('aborted')
        return 'u'
      }
    })).rejects.toThrow('over the limit')
    expect(sent).toBeLessThan(20)
  })

  it('rejects with UploadCancelled when the caller aborts', async () => {
    const ac = new AbortController()
    const p = uploadAll(items(5), {
      signal: ac.signal,
      send: (_it, _id, _b, signal) => new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve('u'), 1000)
        signal.addEventListener('abort', () => { clearTimeout(timer); reject(new Error('aborted')) })
      })
    })
    setTimeout(() => ac.abort(), 5)
    await expect(p).rejects.toBeInstanceOf(UploadCancelled)
  })
})

describe('pickedFolderPath', () => {
  it('climbs from a picked file to the picked folder', () => {
    expect(pickedFolderPath('/home/a/pets/cats/1.png', 'pets/cats/1.png')).toBe('/home/a/pets')
    expect(pickedFolderPath('C:\\data\\mnist\\train.gz', 'mnist/train.gz')).toBe('C:\\data\\mnist')
    expect(pickedFolderPath('/x/one.csv', 'one.csv')).toBe('/x/one.csv')
  })
})
