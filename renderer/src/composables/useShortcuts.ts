/**
 * Global keyboard shortcuts: one keydown listener, two-key sequences ("g h"), and handlers that
 * views register for their lifetime (e.g. the run view's stop). Keys typed into inputs are ignored,
 * except Escape and Ctrl/⌘ combinations.
 */
import { onBeforeUnmount, onMounted, ref } from 'vue'

type Handler = (e: KeyboardEvent) => void
const handlers = new Map<string, Handler[]>()
/** Whether the shortcut list dialog is open (toggled with "?"). */
export const helpOpen = ref(false)

let prefix: string | null = null
let prefixTimer: ReturnType<typeof setTimeout> | null = null
const PREFIXES = new Set(['g'])

/** Normalizes an event to "ctrl+.", "?", "escape", "s"… (shift is implied by the character). */
export function keyName(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>): string {
  const k = e.key.length === 1 ? e.key.toLowerCase() : e.key.toLowerCase()
  const mods = (e.ctrlKey || e.metaKey ? 'ctrl+' : '') + (e.altKey ? 'alt+' : '')
  return mods + k
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el || !el.tagName) return false
  const tag = el.tagName
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable
}

function run(combo: string, e: KeyboardEvent): boolean {
  const list = handlers.get(combo)
  const h = list?.[list.length - 1]
  if (!h) return false
  e.preventDefault()
  h(e)
  return true
}

function onKeydown(e: KeyboardEvent): void {
  if (e.defaultPrevented || e.isComposing) return
  const name = keyName(e)
  if (name === 'shift' || name === 'control' || name === 'meta' || name === 'alt') return
  const modded = name.includes('+')
  if (isTyping(e.target) && name !== 'escape' && !modded) return
  if (prefix) {
    const combo = `${prefix} ${name}`
    prefix = null
    if (prefixTimer) clearTimeout(prefixTimer)
    if (run(combo, e)) return
  }
  if (!modded && PREFIXES.has(name)) {
    prefix = name
    prefixTimer = setTimeout(() => { prefix = null }, 1500)
    return
  }
  run(name, e)
}

let installed = false
/** Installs the document listener once (called by App.vue). */
export function installShortcuts(): void {
  if (installed) return
  installed = true
  document.addEventListener('keydown', onKeydown)
}

/** Registers `combo` → `handler`; the newest registration of a combo wins. */
export function registerShortcut(combo: string, handler: Handler): () => void {
  const list = handlers.get(combo) ?? []
  list.push(handler)
  handlers.set(combo, list)
  return () => {
    const l = handlers.get(combo)
    if (!l) return
    const i = l.lastIndexOf(handler)
    if (i >= 0) l.splice(i, 1)
  }
}

/** Registers shortcuts for the calling component's lifetime. */
export function useShortcut(combos: string | string[], handler: Handler): void {
  const offs: Array<() => void> = []
  onMounted(() => {
    for (const c of Array.isArray(combos) ? combos : [combos]) offs.push(registerShortcut(c, handler))
  })
  onBeforeUnmount(() => { for (const off of offs) off() })
}

/** The list shown by "?": combo keys (for <kbd>) and an i18n key for the description. */
export const SHORTCUT_LIST: readonly { keys: string[][]; label: string }[] = [
  { keys: [['g', 'h']], label: 'shortcuts.goHome' },
  { keys: [['g', 'd']], label: 'shortcuts.goDatasets' },
  { keys: [['g', 'r']], label: 'shortcuts.goRuns' },
  { keys: [['g', 'c']], label: 'shortcuts.goCompare' },
  { keys: [['g', 'm']], label: 'shortcuts.goComposer' },
  { keys: [['g', 's']], label: 'shortcuts.goSettings' },
  { keys: [['n']], label: 'shortcuts.newRun' },
  { keys: [['s'], ['Ctrl', '.']], label: 'shortcuts.stop' },
  { keys: [['p']], label: 'runEval.shortcutPause' },
  { keys: [['?']], label: 'shortcuts.help' },
  { keys: [['Esc']], label: 'shortcuts.escape' }
]
