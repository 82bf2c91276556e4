/**
 * The "how to get a faster backend" hint in the person's language (issue 3/6): main sends an
 * English sentence (AppInfo.backendHint) only when there is something faster to get; which one
 * follows from the backend, so the renderer says it from its own messages and keeps the English
 * sentence for a backend it does not know.
 */
import type { AppInfo } from '../../../preload/contract/types'

export const NODE_PKG = '@tensorflow/tfjs-node'
export const GPU_PKG = '@tensorflow/tfjs-node-gpu'

export function backendHintText(info: Pick<AppInfo, 'backend' | 'backendHint'> | null | undefined,
  t: (key: string, params: Record<string, unknown>) => string): string | null {
  if (!info?.backendHint || !info.backend) return null
  const name = info.backend.name
  const key = name === 'tensorflow' ? 'backendHints.gpu' : name === 'wasm' || name === 'cpu' ? 'backendHints.node' : null
  return key ? t(key, { nodePkg: NODE_PKG, gpuPkg: GPU_PKG }) : info.backendHint
}
