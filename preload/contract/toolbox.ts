/**
 * The training toolbox's defaults (issue 4): what an absent RunConfig field means. Plain
 * TypeScript (no zod at runtime) so the run form shows the same defaults the trainer applies.
 * {@link resolveToolbox} is called once by the trainer at the start of a run; the stored config
 * stays as the person wrote it (absent fields stay absent).
 */
import type {
  Augmentation, CheckpointPolicy, EarlyStoppingConfig, GradClipConfig, LossName, LrScheduleConfig, MetricMode,
  MetricName, OptimizerOptions, RegularizationConfig, RunConfig
} from './types'

/** Per-field defaults (Keras's where Keras has one). */
export const TOOLBOX_DEFAULTS = {
  optimizerOptions: { momentum: 0, nesterov: false, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.01, rho: 0.9, initialAccumulator: 0.1 },
  lrSchedule: { kind: 'constant' } as LrScheduleConfig,
  loss: 'auto' as LossName,
  metrics: ['accuracy'] as MetricName[],
  topK: 5,
  huberDelta: 1,
  earlyStopping: { monitor: 'val_loss', patience: 5, minDelta: 0, mode: 'auto' as MetricMode, restoreBest: true },
  checkpointPolicy: { everyEpochs: 1, keepLast: 0, bestMetric: 'val_loss', bestMode: 'auto' as MetricMode }
} as const

/** A config with every toolbox field filled in (earlyStopping/gradClip stay null when off). */
export interface ResolvedToolbox {
  optimizer: 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad'
  optimizerOptions: Required<OptimizerOptions>
  lrSchedule: LrScheduleConfig
  loss: Exclude<LossName, 'auto'>
  metrics: MetricName[]
  topK: number
  huberDelta: number
  regularization: { l1: number; l2: number; labelSmoothing: number; mixupAlpha: number; cutmixAlpha: number; augmentation: Required<Augmentation> | null; classWeights: RegularizationConfig['classWeights'] | null }
  earlyStopping: Required<EarlyStoppingConfig> | null
  gradClip: GradClipConfig | null
  checkpointPolicy: Required<CheckpointPolicy>
}

/** True when an augmentation does anything. */
function augmentationOn(a: Augmentation | undefined): boolean {
  return !!a && ((a.flip !== undefined && a.flip !== 'none') || !!a.shift || !!a.rotation || !!a.crop || !!a.noise)
}

/**
 * Fills in every toolbox default for `config` on a task. The legacy optimizer `momentum` becomes
 * `sgd` with momentum 0.9 (unless optimizerOptions.momentum says otherwise); loss `auto` becomes
 * categorical cross-entropy (classification) or MSE (regression).
 */
export function resolveToolbox(config: RunConfig, task: 'classification' | 'regression'): ResolvedToolbox {
  const d = TOOLBOX_DEFAULTS
  const legacyMomentum = config.optimizer === 'momentum'
  const oo = { ...d.optimizerOptions, ...(legacyMomentum ? { momentum: 0.9 } : {}), ...stripUndefined(config.optimizerOptions ?? {}) }
  const reg = config.regularization ?? {}
  const es = config.earlyStopping
  const aug = reg.augmentation
  return {
    optimizer: legacyMomentum ? 'sgd' : config.optimizer as ResolvedToolbox['optimizer'],
    optimizerOptions: oo,
    lrSchedule: config.lrSchedule ?? d.lrSchedule,
    loss: config.loss && config.loss !== 'auto' ? config.loss : task === 'classification' ? 'categoricalCrossentropy' : 'mse',
    metrics: config.metrics ?? (task === 'classification' ? [...d.metrics] : ['r2']),
    topK: config.topK ?? d.topK,
    huberDelta: config.huberDelta ?? d.huberDelta,
    regularization: {
      l1: reg.l1 ?? 0,
      l2: reg.l2 ?? 0,
      labelSmoothing: reg.labelSmoothing ?? 0,
      mixupAlpha: reg.mixupAlpha ?? 0,
      cutmixAlpha: reg.cutmixAlpha ?? 0,
      augmentation: augmentationOn(aug) ? { flip: aug!.flip ?? 'none', shift: aug!.shift ?? 0, rotation: aug!.rotation ?? 0, crop: aug!.crop ?? 0, noise: aug!.noise ?? 0 } : null,
      classWeights: reg.classWeights ?? null
    },
    earlyStopping: es ? { ...d.earlyStopping, ...stripUndefined(es) } : null,
    gradClip: config.gradClip && (config.gradClip.norm || config.gradClip.value) ? config.gradClip : null,
    checkpointPolicy: { ...d.checkpointPolicy, ...stripUndefined(config.checkpointPolicy ?? {}) }
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {}
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v
  return out
}

/**
 * Normalises a monitored metric name to the stored metric name: `val_loss` → `epoch/val_loss`.
 * `mode: 'auto'` means max for accuracy-like names (acc, top*, precision, recall, f1, auc, r2),
 * min otherwise.
 */
export function monitorMetric(name: string, mode: MetricMode = 'auto'): { metric: string; mode: 'min' | 'max' } {
  const metric = name.startsWith('epoch/') ? name : `epoch/${name}`
  if (mode !== 'auto') return { metric, mode }
  const short = metric.slice('epoch/'.length).replace(/^val_/, '')
  return { metric, mode: /^(acc|accuracy|top\d+|precision|recall|f1|auc|r2)$/.test(short) ? 'max' : 'min' }
}
