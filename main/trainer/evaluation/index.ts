/**
 * Evaluation math for the studio: classification and binary-curve metrics, regression metrics and
 * chart data, weight/activation distributions, learning-rate schedules and reference losses.
 * Pure functions on plain or typed arrays; no TF.js, no I/O, so main, the trainer and tests share it.
 */
export * from './classification'
export * from './binary'
export * from './regression'
export * from './distributions'
export * from './schedules'
export * from './losses'
