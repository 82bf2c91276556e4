/** App-wide facts: `app:info` (mode, backend) and the connection state of the bridge. */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { AppInfo } from '@contract/types'
import { api } from '@renderer/api/client'
import { getConnection } from '@renderer/api/bridge'
import type { ConnectionState } from '@renderer/api/wsBridge'
import { useToasts } from './toasts'

export const useApp = defineStore('app', () => {
  const info = shallowRef<AppInfo | null>(null)
  const infoError = ref<string | null>(null)
  const connection = shallowRef<ConnectionState>({ kind: 'open' })
  const reconnects = ref(0)
  const conn = getConnection()

  if (conn) {
    connection.value = conn.state
    let wasOpen = conn.state.kind === 'open'
    let hadOpened = wasOpen
    conn.onState((s) => {
      connection.value = s
      if (s.kind === 'open') {
        // Data may have changed while we were away: stores watch `reconnects` to resync.
        if (hadOpened && !wasOpen) reconnects.value++
        hadOpened = true
        wasOpen = true
      } else if (s.kind === 'waiting') {
        wasOpen = false
      }
    })
  }

  async function loadInfo(): Promise<void> {
    try {
      info.value = await api.call('app:info', {})
      infoError.value = null
    } catch (err) {
      infoError.value = err instanceof Error ? err.message : String(err)
      useToasts().error(err, 'errors.loadFailed', { what: 'app:info' })
    }
  }

  return { info, infoError, connection, reconnects, loadInfo, retryNow: () => conn?.retryNow() }
})
