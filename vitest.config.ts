import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // Suites start real servers (simulated bank, Discord stand-in) on port 0 and real SQLite files.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
