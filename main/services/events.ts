import type { EventChannel, Events } from '../../preload/contract/channels'

/** A listener for every pushed event; bridges (IPC, WebSocket, CLI) subscribe once. */
export type EventListener = <E extends EventChannel>(event: E, payload: Events[E]) => void

/** A tiny typed event hub; `subscribe` returns the function that unsubscribes. */
export class EventHub {
  private listeners = new Set<EventListener>()

  subscribe(l: EventListener): () => void {
    this.listeners.add(l)
    return () => { this.listeners.delete(l) }
  }

  emit<E extends EventChannel>(event: E, payload: Events[E]): void {
    for (const l of this.listeners) {
      try { l(event, payload) } catch { /* one broken bridge must not starve the others */ }
    }
  }
}
