import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['protocol/src/**/*.test.ts', 'client/src/**/*.test.ts', 'agent/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // End-to-end tests start agents and real Prometheus: give them room, they poll with deadlines.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
