/**
 * What main tells the UI about the training engine before any run starts (issue 6): whether the
 * native kernels load on this machine, and how many cores trainers share. Loads the addon once in
 * the calling process (a Node-API module: the same file works in Node and Electron); never throws.
 */
import { loadNativeAddon } from '../native/loader'
import { coreCount } from './threads'

export interface EngineProbe {
  /** The native kernels load: dense and conv models train on them, whatever the TF.js backend. */
  native: boolean
  /** One line, e.g. "studio engine, native kernels (avx2-fma)" or "studio engine, portable kernels (…why)". */
  description: string
  cores: number
}

export function probeEngine(): EngineProbe {
  const cores = coreCount()
  if (process.env['STUDIO_ENGINE'] === 'tfjs') return { native: false, description: 'TF.js model.fit (STUDIO_ENGINE=tfjs)', cores }
  try {
    const load = loadNativeAddon()
    if (load.ok) return { native: true, description: `studio engine, native kernels (${load.addon.info().isa})`, cores }
    return { native: false, description: `studio engine, portable kernels (native kernels unavailable: ${load.reason})`, cores }
  } catch (e) {
    return { native: false, description: `studio engine, portable kernels (${e instanceof Error ? e.message : String(e)})`, cores }
  }
}
