/**
 * Learning-rate schedules as pure functions of the optimizer step (0-based, one step per batch).
 * The trainer sets the optimizer's rate from {@link learningRateAt} before each batch and logs it
 * as a metric; the composer plots the same function before a run starts. Formulas follow Keras's
 * `keras.optimizers.schedules` (ExponentialDecay, CosineDecay with warm-up) and PyTorch's StepLR.
 */

/** A schedule's shape; every kind may be preceded by a linear warm-up (see {@link LrSchedule}). */
export type LrScheduleKind =
  | { kind: 'constant' }
  /** lr·gamma^⌊step/stepSize⌋ (PyTorch StepLR), e.g. halve every 1000 steps. */
  | { kind: 'step'; stepSize: number; gamma: number }
  /** lr·rate^(step/decaySteps), or ^⌊step/decaySteps⌋ with staircase (Keras ExponentialDecay): ×0.99 every 10 steps is {decaySteps: 10, decayRate: 0.99, staircase: true}. */
  | { kind: 'exponential'; decaySteps: number; decayRate: number; staircase?: boolean }
  /** lr·((1−alpha)·½(1+cos(π·min(step, decaySteps)/decaySteps)) + alpha) (Keras CosineDecay); alpha is the final fraction of lr. */
  | { kind: 'cosine'; decaySteps: number; alpha?: number }

/**
 * A schedule with an optional linear warm-up: for `warmupSteps` steps the rate climbs linearly
 * from `warmupFrom`·lr (default 0) to lr; the schedule proper then starts at its own step 0, so
 * warm-up never eats into a decay's length.
 */
export type LrSchedule = LrScheduleKind & { warmupSteps?: number; warmupFrom?: number }

/** Checks a schedule's numbers; returns a message naming the field, or null when usable. */
export function scheduleProblem(s: LrSchedule): string | null {
  const positiveInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 1
  if (s.warmupSteps !== undefined && !(Number.isInteger(s.warmupSteps) && s.warmupSteps >= 0)) return 'warmupSteps must be a whole number ≥ 0'
  if (s.warmupFrom !== undefined && !(s.warmupFrom >= 0 && s.warmupFrom <= 1)) return 'warmupFrom must be between 0 and 1 (a fraction of the learning rate)'
  switch (s.kind) {
    case 'constant': return null
    case 'step':
      if (!positiveInt(s.stepSize)) return 'stepSize must be a whole number ≥ 1'
      return s.gamma > 0 && s.gamma <= 1 ? null : 'gamma must be in (0, 1] (the factor applied every stepSize steps)'
    case 'exponential':
      if (!positiveInt(s.decaySteps)) return 'decaySteps must be a whole number ≥ 1'
      return s.decayRate > 0 ? null : 'decayRate must be > 0 (e.g. 0.99)'
    case 'cosine':
      if (!positiveInt(s.decaySteps)) return 'decaySteps must be a whole number ≥ 1'
      return s.alpha === undefined || (s.alpha >= 0 && s.alpha <= 1) ? null : 'alpha must be between 0 and 1 (the final fraction of the learning rate)'
  }
}

/** The schedule's factor (multiplier of the base rate) at `step` of the schedule proper. */
function factor(s: LrScheduleKind, step: number): number {
  switch (s.kind) {
    case 'constant': return 1
    case 'step': return s.gamma ** Math.floor(step / s.stepSize)
    case 'exponential': {
      const p = step / s.decaySteps
      return s.decayRate ** (s.staircase ? Math.floor(p) : p)
    }
    case 'cosine': {
      const alpha = s.alpha ?? 0
      const t = Math.min(step, s.decaySteps) / s.decaySteps
      return (1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * t)) + alpha
    }
  }
}

/**
 * The learning rate at optimizer step `step` (0-based) for base rate `lr`. Pure and O(1), so the
 * trainer may call it every batch and the UI can sample it for a preview.
 */
export function learningRateAt(schedule: LrSchedule, lr: number, step: number): number {
  const warm = schedule.warmupSteps ?? 0
  if (step < warm) {
    const from = schedule.warmupFrom ?? 0
    return lr * (from + ((1 - from) * step) / warm)
  }
  return lr * factor(schedule, step - warm)
}
