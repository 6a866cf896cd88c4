import { defineConfig } from 'vitest/config';
import { POSTGRES_STRESS, shared, STRESS_FILES } from './vitest.config.js';

/**
 * The long runs, `npm run test:stress` (CI runs it after `npm test`): the 60 s soak, the bench
 * smoke, the crash loops and the slow-client attack, one at a time, then the fuzz at volume with
 * a fresh seed on both stores.
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
    ],
  },
});
