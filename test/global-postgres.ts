/**
 * Vitest global set-up: one throwaway PostgreSQL cluster for the whole run, shared by the
 * PostgreSQL suites through GATEHOUSE_TEST_PG_URL (each suite makes databases of its own).
 * Without the binaries the suites skip themselves, loudly, with the reason given here.
 * GATEHOUSE_TEST_PG_URL, when set, names a superuser URL of an existing server to use instead.
 */
import { type Cluster, startCluster } from './helpers/postgres.js';

let cluster: Cluster | undefined;

export async function setup(): Promise<void> {
  // Vitest runs global set-up once per project; the first start serves them all. A developer
  // may also point GATEHOUSE_TEST_PG_URL at a server of their own.
  if (process.env.GATEHOUSE_TEST_PG_URL || process.env.GATEHOUSE_TEST_PG_SKIPPED) return;
  try {
    cluster = await startCluster();
    process.env.GATEHOUSE_TEST_PG_URL = cluster.adminUrl;
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    process.env.GATEHOUSE_TEST_PG_SKIPPED = reason;
    process.stderr.write(`\n*** SKIPPED: PostgreSQL suites will not run: ${reason} ***\n\n`);
  }
}

export function teardown(): void {
  cluster?.destroy();
}
