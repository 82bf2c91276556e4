/**
 * The trainer's only diagnostic output: one line to stderr. stdout stays free (the host may pipe
 * it), and the app's real logging lives in main, which sees these lines through the child's stderr.
 */

/** Writes `trainer: <message>` to stderr. Called for diagnostics that are not protocol messages. */
export function logDiag(message: string): void {
  process.stderr.write(`trainer[${process.pid}]: ${message}\n`)
}
