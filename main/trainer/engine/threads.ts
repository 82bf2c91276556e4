/**
 * How many CPU threads each trainer process may use, so that N trainers running at once (HPO, or
 * several runs started together) never ask for more threads than the machine has cores. Tiny and
 * dependency-free on purpose: main (the trainer host) imports it without loading the engine.
 */
import os from 'node:os'

/** Environment variable through which the host tells a trainer its thread budget. */
export const THREADS_ENV = 'STUDIO_TRAINER_THREADS'

/** Cores available to this process. */
export function coreCount(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
}

/** Threads each of `concurrent` trainer processes should use so that together they fit the cores. */
export function threadsForConcurrency(concurrent: number, cores: number = coreCount()): number {
  return Math.max(1, Math.floor(cores / Math.max(1, concurrent)))
}
