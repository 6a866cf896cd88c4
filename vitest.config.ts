import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * The everyday suite, `npm test` (`npx vitest run`): every suite once on SQLite, the browser
 * tests included, the HTTP and contract suites once more on PostgreSQL (their fuzz aside), and
 * the fuzz with a fixed seed and few runs.
 * The long runs are in vitest.stress.config.ts (`npm run test:stress`), which CI runs too.
 */

/**
 * Long runs, and runs whose bounds are wall-clock figures under load (the slow-client attack
 * asserts answers within 1 s): `npm run test:stress` runs them, one file at a time, and
 * `npm test` does not.
 */
export const STRESS_FILES = ['test/e2e/soak.test.ts', 'test/bench/smoke.test.ts', 'test/e2e/crash.test.ts', 'test/e2e/slow-clients.test.ts', 'test/e2e/webhooks.test.ts', 'test/e2e/failover.test.ts'];

/** The HTTP and contract suites, which the `postgres` project runs once more on PostgreSQL. */
export const POSTGRES_SUITES = ['test/http/**/*.test.ts', 'test/contract/**/*.test.ts'];
/**
 * Of those, the ones whose PostgreSQL run is left to `npm run test:stress`: the fuzz (the
 * SQLite fuzz in `npm test` covers the HTTP layer, and the store conformance suite runs every
 * store method on both stores).
 */
export const POSTGRES_STRESS = ['test/http/fuzz.test.ts'];

/** The fuzz in `npm test`: always the same inputs (replayable), a few runs per property. */
export const EVERYDAY_FUZZ = { FUZZ_SEED: process.env.FUZZ_SEED ?? '20261201', FUZZ_RUNS: process.env.FUZZ_RUNS ?? '15' };

/** What both commands share. */
export const shared = {
  // Builds dist/ when it is older than src/ (the e2e tests run bin/gatehouse.js), installs
  // chromium when missing and possible, and starts the throwaway PostgreSQL cluster the
  // PostgreSQL suites share.
  globalSetup: ['test/global-setup.ts', 'test/global-browser.ts', 'test/global-postgres.ts'],
  // Server logs stay out of the output unless a test fails.
  setupFiles: ['test/setup.ts'],
  // better-sqlite3 is a native addon: separate processes keep each file's databases apart.
  pool: 'forks' as const,
  // Vitest's default is one fork less than the CPUs: one fork on a 2-core machine. Most files
  // spend their time waiting on child processes, databases and sockets, so run at least two.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    ...shared,
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'], exclude: STRESS_FILES, env: EVERYDAY_FUZZ } },
      // The HTTP and contract suites once more, with every harness on PostgreSQL.
      { extends: true, test: { name: 'postgres', include: POSTGRES_SUITES, exclude: POSTGRES_STRESS, env: { GATEHOUSE_TEST_STORE: 'postgres', ...EVERYDAY_FUZZ } } },
    ],
  },
});
