import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

const alias = {
  '@shared': resolve(import.meta.dirname, 'src/shared'),
  '@renderer': resolve(import.meta.dirname, 'src/renderer/src')
}

// Three kinds of test, one command. Unit tests sit beside the code (and in test/unit);
// integration tests start real redis-server and ZeroMQ peers; e2e tests build the app once
// (globalSetup) and drive Debian's Chromium against `flowlab console`.
export default defineConfig({
  resolve: { alias },
  test: {
    // The JSON report is what .ci/run counts for its closing "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: [resolve(import.meta.dirname, 'test/helpers/fail-on-console.ts')],
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          environment: 'node',
          include: ['src/main/**/*.test.ts', 'src/shared/**/*.test.ts', 'test/unit/**/*.test.ts'],
          setupFiles: [resolve(import.meta.dirname, 'test/helpers/fail-on-console.ts')]
        }
      },
      {
        resolve: { alias },
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['src/renderer/**/*.test.{ts,tsx}'],
          setupFiles: [resolve(import.meta.dirname, 'test/helpers/fail-on-console.ts')]
        }
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          environment: 'node',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          setupFiles: [resolve(import.meta.dirname, 'test/helpers/fail-on-console.ts')]
        }
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: [resolve(import.meta.dirname, 'test/e2e/global-setup.ts')],
          testTimeout: 90_000,
          hookTimeout: 90_000,
          fileParallelism: false,
          setupFiles: [resolve(import.meta.dirname, 'test/helpers/fail-on-console.ts')]
        }
      }
    ]
  }
})
