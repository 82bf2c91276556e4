import { defineConfig } from 'vitest/config'

/**
 * One run for everything `npm test` checks: unit tests, integration tests (real SQLite, real
 * trainer processes from the build in out/), and the Chromium end-to-end test in test/e2e.
 * Files run in parallel forks, at most two at a time (the machine has two cores).
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/.tmp/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2
  }
})
