/**
 * An undo/redo stack of immutable snapshots, for the composer's graph. Each edit pushes the state
 * it produced; undo steps back, redo forward, and a new edit after an undo drops the redo branch
 * (as every editor does). Consecutive edits with the same `coalesce` key (typing digits into one
 * field) merge into one step, so Ctrl+Z undoes the whole number, not its last digit.
 */

/** A snapshot history; `T` must not be mutated after it is pushed. */
export class History<T> {
  private past: T[] = []
  private future: T[] = []
  private lastKey: string | null = null

  /**
   * @param present the starting state (undo never goes before it)
   * @param limit how many undo steps are kept; older ones are forgotten
   */
  constructor(private present: T, private readonly limit = 200) {}

  /** The current state. */
  get current(): T {
    return this.present
  }

  get canUndo(): boolean {
    return this.past.length > 0
  }

  get canRedo(): boolean {
    return this.future.length > 0
  }

  /** Number of steps that can be undone / redone (for tests and the toolbar's titles). */
  get depth(): { undo: number; redo: number } {
    return { undo: this.past.length, redo: this.future.length }
  }

  /**
   * Records `next` as the new current state. With a `coalesce` key equal to the previous push's,
   * the previous step is replaced instead of adding one. Pushing the current state again is a no-op.
   */
  push(next: T, coalesce?: string): void {
    if (next === this.present) return
    this.future = []
    if (coalesce !== undefined && coalesce === this.lastKey && this.past.length > 0) {
      this.present = next
      return
    }
    this.past.push(this.present)
    if (this.past.length > this.limit) this.past.splice(0, this.past.length - this.limit)
    this.present = next
    this.lastKey = coalesce ?? null
  }

  /** Steps back; returns the restored state, or undefined when there is nothing to undo. */
  undo(): T | undefined {
    const prev = this.past.pop()
    if (prev === undefined) return undefined
    this.future.push(this.present)
    this.present = prev
    this.lastKey = null
    return prev
  }

  /** Steps forward again; returns the restored state, or undefined when there is nothing to redo. */
  redo(): T | undefined {
    const next = this.future.pop()
    if (next === undefined) return undefined
    this.past.push(this.present)
    this.present = next
    this.lastKey = null
    return next
  }

  /** Starts over from `state` with no undo or redo (a template or a file was loaded). */
  reset(state: T): void {
    this.past = []
    this.future = []
    this.present = state
    this.lastKey = null
  }

  /** Ends coalescing, so the next push is its own step even with the same key (a field lost focus). */
  seal(): void {
    this.lastKey = null
  }
}
