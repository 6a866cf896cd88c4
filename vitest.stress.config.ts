import { defineConfig } from 'vitest/config';
import { findPgbouncer } from './test/helpers/pgbouncer.js';
import { POSTGRES_STRESS, POSTGRES_SUITES, shared, STRESS_FILES } from './vitest.config.js';

/**
 * The long runs, `npm run test:stress` (CI runs it after `npm test`): the 60 s soak, the bench
 * smoke, the crash loops and the slow-client attack, one at a time, then the fuzz at volume with
 * a fresh seed on both stores, then the PostgreSQL suites with the service behind PgBouncer.
 *
 * FUZZ_SEED=<seed> replays a run (the seed is printed at the start), FUZZ_RUNS=<n> sets the
 * runs per property (default 200).
 */
// Vitest reads this file more than once per run: the seed is drawn once, in the environment.
process.env.FUZZ_SEED ||= String(Math.floor(Math.random() * 2 ** 31));
process.env.FUZZ_RUNS ||= '200';
const fuzz = { FUZZ_SEED: process.env.FUZZ_SEED, FUZZ_RUNS: process.env.FUZZ_RUNS };
if (!process.env.GATEHOUSE_FUZZ_ANNOUNCED) {
  process.env.GATEHOUSE_FUZZ_ANNOUNCED = '1';
  process.stdout.write(`\nfuzz: seed ${fuzz.FUZZ_SEED}, ${fuzz.FUZZ_RUNS} runs per property (replay: FUZZ_SEED=${fuzz.FUZZ_SEED} npm run test:stress)\n\n`);
}

/** Suites that run on the PostgreSQL store kind, and skip themselves without it. */
const POOLED_STORE_SUITES = ['test/store/conformance.test.ts', 'test/store/concurrent-open.test.ts', 'test/e2e/replicas.test.ts'];

export default defineConfig({
  test: {
    ...shared,
    // Minutes-long runs by design; a hang still ends.
    testTimeout: 900_000,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest-stress.json' }]],
    projects: [
      // First the load tests, one file at a time: each loads the machine, and their bounds are
      // wall-clock figures that a neighbour's load would skew.
      { extends: true, test: { name: 'stress-load', include: STRESS_FILES, poolOptions: { forks: { singleFork: true } }, sequence: { groupOrder: 0 } } },
      // Then the fuzz at volume on both stores, side by side.
      { extends: true, test: { name: 'stress-fuzz', include: ['test/http/fuzz.test.ts'], env: fuzz, sequence: { groupOrder: 1 } } },
      {
        extends: true,
        test: { name: 'stress-postgres', include: POSTGRES_STRESS, env: { GATEHOUSE_TEST_STORE: 'postgres', ...fuzz }, sequence: { groupOrder: 1 } },
      },
      // The PostgreSQL suites of `npm test` once more with the service behind PgBouncer in
      // transaction mode, as production behind a pooler: a session-level feature (an advisory
      // lock, a SET, a named prepared statement) fails here. With them every store method, and
      // replicas starting together (where a session lock taken and released on different server
      // connections shows). Apart from the fuzz: it would only add minutes, and its queries are
      // those of the HTTP suites. Without pgbouncer installed only the suites that skip
      // themselves, loudly, are left (the HTTP suites would fail instead).
      {
        extends: true,
        test: {
          name: 'stress-pgbouncer',
          include: [...(findPgbouncer() ? POSTGRES_SUITES : []), ...POOLED_STORE_SUITES],
          exclude: POSTGRES_STRESS,
          env: { GATEHOUSE_TEST_STORE: 'postgres', GATEHOUSE_TEST_PGBOUNCER: '1' },
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
