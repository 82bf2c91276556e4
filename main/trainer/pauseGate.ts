/**
 * Pause between batches (issue 4). The host's `pause` sets a request; the training loop, between
 * two batches, finds it and awaits a promise (no polling, no CPU) until `resume` or `stop`
 * releases it. The loop announces the pause itself (`paused` with the step reached), so main
 * marks a run paused only once it really is.
 */
export class PauseGate {
  private requested = false
  private release: (() => void) | null = null

  /** A pause was asked for and not yet resumed. */
  get pauseRequested(): boolean { return this.requested }
  /** The loop is waiting in {@link wait} now. */
  get isWaiting(): boolean { return this.release !== null }

  /** The host asked to pause: the loop stops before its next batch. */
  requestPause(): void { this.requested = true }

  /**
   * The host asked to resume (or to stop: a stopped run must not stay asleep). Returns whether the
   * loop was actually waiting (else the pause had not been reached yet and is simply cancelled).
   */
  requestResume(): boolean {
    this.requested = false
    const r = this.release
    this.release = null
    r?.()
    return r !== null
  }

  /**
   * Called by the loop between batches: null when no pause is requested, else a promise that
   * resolves on resume/stop. `onPaused` runs once the loop is parked (send `paused` there).
   */
  gate(onPaused: () => void): Promise<void> | null {
    if (!this.requested) return null
    return new Promise<void>((resolve) => {
      this.release = resolve
      onPaused()
    })
  }
}
