/** Transient messages (errors stay until dismissed; info fades after a few seconds). */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { ApiError } from '@renderer/api/client'
import { t } from '@renderer/i18n'

export interface Toast {
  id: number
  kind: 'error' | 'info'
  title: string
  message: string
}

export const useToasts = defineStore('toasts', () => {
  const toasts = ref<Toast[]>([])
  let nextId = 1

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((x) => x.id !== id)
  }

  function push(kind: Toast['kind'], message: string, title = ''): number {
    const id = nextId++
    // The same message twice in a row (e.g. a reconnect loop) is shown once.
    const last = toasts.value[toasts.value.length - 1]
    if (last && last.message === message && last.kind === kind) return last.id
    toasts.value = [...toasts.value.slice(-4), { id, kind, title, message }]
    if (kind === 'info') setTimeout(() => dismiss(id), 4000)
    return id
  }

  /** Shows an error with its code's title; `wrapKey` (e.g. errors.startFailed) adds context. */
  function error(err: unknown, wrapKey?: string, params: Record<string, unknown> = {}): void {
    const raw = err instanceof Error ? err.message : String(err)
    const title = err instanceof ApiError ? t(`errors.codes.${err.code}`) : t('errors.title')
    push('error', wrapKey ? t(wrapKey, { ...params, message: raw }) : raw, title)
  }

  return { toasts, push, error, dismiss, info: (m: string) => push('info', m) }
})
