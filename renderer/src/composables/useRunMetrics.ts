/**
 * Metric feeds for one or more runs, as ChartSources for MetricChart. Feeds follow the given run
 * ids (created and disposed as ids change) and resync after a reconnect. `tick` is a shallow ref
 * bumped at most once per animation frame, for the few non-chart numbers (stat cards).
 */
import { markRaw, onBeforeUnmount, shallowRef, watch, type Ref } from 'vue'
import { useApp } from '@renderer/stores/app'
import { useToasts } from '@renderer/stores/toasts'
import { t } from '@renderer/i18n'
import { Notifier, type ChartLine, type ChartSource } from '@renderer/lib/chartSource'
import { RunMetricsFeed } from './runMetricsFeed'

export function useRunMetrics(runIds: Ref<readonly string[]>) {
  const feeds = shallowRef<Map<string, RunMetricsFeed>>(markRaw(new Map()))
  const tick = shallowRef(0)
  const changed = new Notifier()
  const toasts = useToasts()
  let raf = 0
  const offs = new Map<string, () => void>()

  function onFeedChange(): void {
    changed.notify()
    if (!raf) raf = requestAnimationFrame(() => { raf = 0; tick.value++ })
  }

  watch(runIds, (ids) => {
    const next = new Map<string, RunMetricsFeed>()
    for (const id of ids) {
      const existing = feeds.value.get(id)
      if (existing) { next.set(id, existing); continue }
      const feed = markRaw(new RunMetricsFeed(id, (message) =>
        toasts.push('error', t('errors.loadFailed', { what: `runs:metrics (${id})`, message }))))
      offs.set(id, feed.changed.subscribe(onFeedChange))
      next.set(id, feed)
    }
    for (const [id, feed] of feeds.value) {
      if (!next.has(id)) { offs.get(id)?.(); offs.delete(id); feed.dispose() }
    }
    feeds.value = markRaw(next)
    onFeedChange()
  }, { immediate: true })

  const app = useApp()
  watch(() => app.reconnects, () => { for (const f of feeds.value.values()) void f.resync() })

  onBeforeUnmount(() => {
    if (raf) cancelAnimationFrame(raf)
    for (const off of offs.values()) off()
    for (const f of feeds.value.values()) f.dispose()
  })

  /** A ChartSource whose lines are computed by `lines` over the current feeds. */
  function source(lines: (feeds: Map<string, RunMetricsFeed>) => ChartLine[]): ChartSource {
    return markRaw({
      lines: () => lines(feeds.value),
      subscribe: (cb: () => void) => changed.subscribe(cb),
      live: () => {
        let seq = 0
        let wallTime = 0
        for (const f of feeds.value.values()) {
          seq += f.buffer.liveSeq
          wallTime = Math.max(wallTime, f.buffer.liveWallTime)
        }
        return { seq, wallTime }
      }
    })
  }

  return { feeds, tick, source }
}
