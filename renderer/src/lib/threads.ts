/**
 * The Threads setting (issue 6) as typed: empty means Auto (the trainer takes its share of the
 * cores: all of them, or ⌊cores / N⌋ when N runs train at once); otherwise a whole number 1–256.
 */
export const MAX_THREADS = 256

export type ThreadsParse = { ok: true; value: number | undefined } | { ok: false; key: 'threadsRange' }

export function parseThreads(text: string): ThreadsParse {
  const t = text.trim()
  if (t === '' || t.toLowerCase() === 'auto') return { ok: true, value: undefined }
  if (!/^\d+$/.test(t)) return { ok: false, key: 'threadsRange' }
  const n = Number(t)
  return n >= 1 && n <= MAX_THREADS ? { ok: true, value: n } : { ok: false, key: 'threadsRange' }
}

/** The config fields the Threads / drop-last controls add to a run (nothing when Auto / off). */
export function threadFields(text: string, dropLast: boolean): { threads?: number; dropLast?: boolean } | null {
  const p = parseThreads(text)
  if (!p.ok) return null
  return { ...(p.value !== undefined ? { threads: p.value } : {}), ...(dropLast ? { dropLast: true } : {}) }
}
