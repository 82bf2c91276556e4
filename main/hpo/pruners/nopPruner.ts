import type { Pruner } from '../types'

/** Never prunes: every trial runs all its epochs. The default when a study sets no pruner. */
export class NopPruner implements Pruner {
  prune(): boolean {
    return false
  }
}
