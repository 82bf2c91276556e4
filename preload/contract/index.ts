/** The contract's public surface: channels, events, envelope and DTO types. */
export * from './channels'
export * from './types'
