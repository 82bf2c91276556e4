import { describe, expect, it } from 'vitest'
import { formatBytes, formatDuration, formatMetric, formatPercent, runDurationMs } from '../../renderer/src/lib/format'
import { defaultLocale } from '../../renderer/src/lib/locale'

describe('formatDuration', () => {
  it('formats m:ss under an hour and h:mm:ss above', () => {
    expect(formatDuration(0)).toBe('0:00')
    expect(formatDuration(999)).toBe('0:00')
    expect(formatDuration(42_000)).toBe('0:42')
    expect(formatDuration(12 * 60_000 + 3_000)).toBe('12:03')
    expect(formatDuration(3_600_000 + 2 * 60_000 + 3_000)).toBe('1:02:03')
    expect(formatDuration(26 * 3_600_000)).toBe('26:00:00')
  })
  it('shows a dash for missing or invalid durations', () => {
    expect(formatDuration(null)).toBe('—')
    expect(formatDuration(-5)).toBe('—')
    expect(formatDuration(Number.NaN)).toBe('—')
  })
})

describe('runDurationMs', () => {
  it('uses now while running and the end time once ended', () => {
    expect(runDurationMs({ startedAt: 1_000, endedAt: null }, 61_000)).toBe(60_000)
    expect(runDurationMs({ startedAt: 1_000, endedAt: 11_000 }, 999_999)).toBe(10_000)
    expect(runDurationMs({ startedAt: null, endedAt: null }, 5)).toBeNull()
    expect(runDurationMs({ startedAt: 10_000, endedAt: null }, 5_000)).toBe(0)
  })
})

describe('value formatters', () => {
  it('formats metrics, percentages and bytes', () => {
    expect(formatMetric(0.693147)).toBe('0.6931')
    expect(formatMetric(12.3456)).toBe('12.35')
    expect(formatMetric(0.00001234)).toBe('1.23e-5')
    expect(formatMetric(null)).toBe('—')
    expect(formatPercent(0.973)).toBe('97.3%')
    expect(formatPercent(null)).toBe('—')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MiB')
  })
})

describe('defaultLocale', () => {
  it('prefers Korean when the browser lists it first, English otherwise', () => {
    expect(defaultLocale(['ko-KR', 'en-US'])).toBe('ko')
    expect(defaultLocale(['en-GB', 'ko'])).toBe('en')
    expect(defaultLocale(['fr-FR', 'ko'])).toBe('ko')
    expect(defaultLocale(['de'])).toBe('en')
    expect(defaultLocale([])).toBe('en')
  })
})
