/** Small, locale-neutral formatters used in tables, cards and tooltips. */

/** `42s` → "0:42", "12:03", "1:02:03"; negative or non-finite → "—". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return '—'
  const total = Math.floor(ms / 1000)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const ss = String(s).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}

/** Run duration: start → end, or start → now while it runs; null when it never started. */
export function runDurationMs(run: { startedAt: number | null; endedAt: number | null }, now: number): number | null {
  if (run.startedAt == null) return null
  const end = run.endedAt ?? now
  return Math.max(0, end - run.startedAt)
}

/** Bytes in binary units: 512 B, 1.5 KiB, 3.2 MiB. */
export function formatBytes(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n) || n < 0) return '—'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++ }
  return i === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`
}

/** A metric value with 4 significant digits ("0.6931", "12.35", "1.2e-5"); null → "—". */
export function formatMetric(v: number | null | undefined): string {
  if (v == null) return '—'
  if (!Number.isFinite(v)) return String(v)
  if (v === 0) return '0'
  const a = Math.abs(v)
  if (a < 1e-3 || a >= 1e6) return v.toExponential(2)
  return Number(v.toPrecision(4)).toString()
}

/** A fraction as a percentage with one decimal ("97.3%"); null → "—". */
export function formatPercent(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '—'
  return `${(v * 100).toFixed(1)}%`
}

/** Integers with thin grouping ("60,000"). */
export function formatCount(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return '—'
  return Math.round(n).toLocaleString('en-US')
}
