/**
 * The composer's model graph: types and defaults (./graph), shape inference and validation
 * (./analyze), templates and the issue-2 conversion (./templates), Keras import/export (./keras).
 * Plain TypeScript, safe for the renderer. The zod schema is ./schema, imported by main only.
 */
export * from './graph'
export * from './analyze'
export * from './templates'
export * from './keras'
