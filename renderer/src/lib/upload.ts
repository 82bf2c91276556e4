/**
 * Browser-mode upload of a drop, as POST /upload expects it (see the contract's channels.ts): the
 * first file alone (its answer names the upload), then the others with that `uploadId`, a few at a
 * time. Pure orchestration: the actual request is injected (`send`), so unit tests run it in Node
 * and the UI plugs in XMLHttpRequest for byte-level progress.
 */

/** Limits the server enforces; checked up front so a too-big drop fails before any byte moves. */
export const UPLOAD_LIMITS = { maxBytes: 4 * 1024 ** 3, maxFiles: 100_000 } as const

/** One file to send, with its path relative to what was dropped (e.g. `pets/cats/001.png`). */
export interface UploadItem {
  path: string
  size: number
}

/** Why a drop cannot be uploaded (i18n key under `import.errors`, with its parameters). */
export type UploadProblem =
  | { key: 'nothing' }
  | { key: 'tooManyFiles'; params: { count: number; max: number } }
  | { key: 'tooLarge'; params: { gib: string; maxGib: number } }

/** Checks a drop against the server's limits; null when it may be uploaded. */
export function checkUpload(items: readonly UploadItem[]): UploadProblem | null {
  if (items.length === 0) return { key: 'nothing' }
  if (items.length > UPLOAD_LIMITS.maxFiles) return { key: 'tooManyFiles', params: { count: items.length, max: UPLOAD_LIMITS.maxFiles } }
  const bytes = items.reduce((s, it) => s + it.size, 0)
  if (bytes > UPLOAD_LIMITS.maxBytes) {
    return { key: 'tooLarge', params: { gib: (bytes / 1024 ** 3).toFixed(1), maxGib: UPLOAD_LIMITS.maxBytes / 1024 ** 3 } }
  }
  return null
}

/** The URL of one file's POST (path and ids encoded; the token never leaves the query). */
export function uploadUrl(base: string, token: string, path: string, uploadId?: string): string {
  const q = new URLSearchParams({ token })
  if (uploadId) q.set('uploadId', uploadId)
  q.set('path', path)
  return `${base.replace(/\/$/, '')}/upload?${q.toString()}`
}

/** Progress of a whole drop: bytes and files, with a rate and an ETA over the upload so far. */
export interface UploadProgress {
  bytesDone: number
  bytesTotal: number
  filesDone: number
  filesTotal: number
  /** Bytes per second since the start. */
  rate: number
  etaSeconds: number | null
}

export interface UploadDeps<T extends UploadItem> {
  /**
   * Sends one file; calls `onBytes(sentSoFar)` as bytes go out; resolves with the server's upload
   * id; rejects with an Error (message for people) on a refusal or when `signal` aborts.
   */
  send(item: T, uploadId: string | undefined, onBytes: (sent: number) => void, signal: AbortSignal): Promise<string>
  onProgress?(p: UploadProgress): void
  /** Files in flight at once after the first (default 3: enough to hide per-request latency). */
  concurrency?: number
  signal?: AbortSignal
  now?: () => number
}

/** Thrown when the upload was cancelled (so callers tell a cancel from a failure). */
export class UploadCancelled extends Error {
  override readonly name = 'UploadCancelled'
  constructor() { super('Upload cancelled.') }
}

/**
 * Uploads every item; resolves with the upload id. The first item goes alone (it creates the
 * upload); the rest share `concurrency` lanes. Stops at the first failure (the other lanes are
 * aborted) and rethrows it; an abort rejects with UploadCancelled.
 */
export async function uploadAll<T extends UploadItem>(items: readonly T[], deps: UploadDeps<T>): Promise<string> {
  const problem = checkUpload(items)
  if (problem) throw new Error(`upload refused: ${problem.key}`)
  const now = deps.now ?? (() => Date.now())
  const started = now()
  const inner = new AbortController()
  const onOuterAbort = (): void => inner.abort()
  if (deps.signal) {
    if (deps.signal.aborted) throw new UploadCancelled()
    deps.signal.addEventListener('abort', onOuterAbort)
  }
  const total = items.reduce((s, it) => s + it.size, 0)
  const sent = new Array<number>(items.length).fill(0)
  let sentSum = 0
  let filesDone = 0
  let lastReport = -Infinity
  const report = (force: boolean): void => {
    const t = now()
    if (!force && t - lastReport < 100) return
    lastReport = t
    const secs = Math.max(1e-3, (t - started) / 1000)
    const rate = sentSum / secs
    deps.onProgress?.({
      bytesDone: sentSum, bytesTotal: total, filesDone, filesTotal: items.length, rate,
      etaSeconds: rate > 0 ? Math.max(0, (total - sentSum) / rate) : null
    })
  }
  const sendOne = async (i: number, uploadId: string | undefined): Promise<string> => {
    const id = await deps.send(items[i]!, uploadId, (n) => {
      const v = Math.min(items[i]!.size, Math.max(0, n))
      sentSum += v - sent[i]!
      sent[i] = v
      report(false)
    }, inner.signal)
    sentSum += items[i]!.size - sent[i]!
    sent[i] = items[i]!.size
    filesDone++
    report(filesDone === items.length)
    return id
  }
  try {
    report(true)
    const uploadId = await sendOne(0, undefined)
    let next = 1
    const lanes = Math.max(1, Math.min(deps.concurrency ?? 3, items.length - 1))
    const lane = async (): Promise<void> => {
      while (next < items.length) {
        if (inner.signal.aborted) return
        const i = next++
        await sendOne(i, uploadId)
      }
    }
    await Promise.all(Array.from({ length: lanes }, () => lane().catch((err: unknown) => { inner.abort(); throw err })))
    return uploadId
  } catch (err) {
    if (deps.signal?.aborted) throw new UploadCancelled()
    throw err
  } finally {
    deps.signal?.removeEventListener('abort', onOuterAbort)
  }
}

/**
 * The absolute folder picked with `<input webkitdirectory>` in Electron, from one file's absolute
 * path and its `webkitRelativePath` ("pets/cats/1.png"): the path minus the segments below the
 * picked folder. Works with / and \ separators.
 */
export function pickedFolderPath(absPath: string, relativePath: string): string {
  const depth = relativePath.split('/').filter(Boolean).length
  let p = absPath
  for (let i = 1; i < depth; i++) {
    const cut = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'))
    if (cut <= 0) return p
    p = p.slice(0, cut)
  }
  return p
}
