import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Builds dist/ when it is older than src/ (the e2e tests run bin/gatehouse.js), installs
    // chromium when missing and possible, and starts the throwaway PostgreSQL cluster the
    // PostgreSQL suites share.
    globalSetup: ['test/global-setup.ts', 'test/global-browser.ts', 'test/global-postgres.ts'],
    // better-sqlite3 is a native addon: separate processes keep each file's databases apart.
    pool: 'forks',
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'] } },
      // The HTTP and contract suites once more, with every harness on PostgreSQL.
      {
        extends: true,
        test: { name: 'postgres', include: ['test/http/**/*.test.ts', 'test/contract/**/*.test.ts'], env: { GATEHOUSE_TEST_STORE: 'postgres' } },
      },
    ],
  },
});
