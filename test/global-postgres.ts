/**
 * Vitest global set-up: one throwaway PostgreSQL cluster for the whole run, shared by the
 * PostgreSQL suites through GATEHOUSE_TEST_PG_URL (each suite makes databases of its own).
 * Without the binaries the suites skip themselves, loudly, with the reason given here.
 * GATEHOUSE_TEST_PG_URL, when set, names a superuser URL of an existing server to use instead.
 *
 * A project whose env has GATEHOUSE_TEST_PGBOUNCER=1 also gets a PgBouncer in transaction mode
 * in front of that cluster, at GATEHOUSE_TEST_PGBOUNCER_URL (or the reason there is none in
 * GATEHOUSE_TEST_PGBOUNCER_SKIPPED); its suites' services connect through it.
 */
import type { TestProject } from 'vitest/node';
import { type Bouncer, startPgbouncer } from './helpers/pgbouncer.js';
import { type Cluster, startCluster } from './helpers/postgres.js';

let cluster: Cluster | undefined;
let bouncer: Bouncer | undefined;

const skip = (variable: string, what: string, error: unknown) => {
  const reason = (error as Error).message.split('\n')[0];
  process.env[variable] = reason;
  process.stderr.write(`\n*** SKIPPED: ${what} will not run: ${reason} ***\n\n`);
  // The first lines of the pooler's log say why it stopped.
  const detail = (error as Error).message.split('\n').slice(1, 20).join('\n').trim();
  if (detail) process.stderr.write(`${detail}\n\n`);
};

export async function setup(project: TestProject): Promise<void> {
  // Vitest runs global set-up once per project, in this one process, before any test file: the
  // first start serves them all (the forks inherit process.env). A developer may also point
  // GATEHOUSE_TEST_PG_URL at a server of their own.
  if (!process.env.GATEHOUSE_TEST_PG_URL && !process.env.GATEHOUSE_TEST_PG_SKIPPED) {
    try {
      cluster = await startCluster();
      process.env.GATEHOUSE_TEST_PG_URL = cluster.adminUrl;
    } catch (error) {
      skip('GATEHOUSE_TEST_PG_SKIPPED', 'PostgreSQL suites', error);
    }
  }
  // A project's env reaches its forks, not this process: the project is asked directly, so
  // the pooler starts only for a run that includes such a project.
  if (project.config.env?.GATEHOUSE_TEST_PGBOUNCER !== '1') return;
  if (process.env.GATEHOUSE_TEST_PGBOUNCER_URL || process.env.GATEHOUSE_TEST_PGBOUNCER_SKIPPED) return;
  if (!process.env.GATEHOUSE_TEST_PG_URL) {
    process.env.GATEHOUSE_TEST_PGBOUNCER_SKIPPED = process.env.GATEHOUSE_TEST_PG_SKIPPED ?? 'no PostgreSQL cluster';
    return;
  }
  try {
    bouncer = await startPgbouncer(process.env.GATEHOUSE_TEST_PG_URL);
    process.env.GATEHOUSE_TEST_PGBOUNCER_URL = bouncer.url;
  } catch (error) {
    skip('GATEHOUSE_TEST_PGBOUNCER_SKIPPED', 'PostgreSQL suites through PgBouncer', error);
  }
}

export async function teardown(): Promise<void> {
  // Each project's copy of this module stops what it started; the pooler before its cluster.
  await bouncer?.destroy();
  cluster?.destroy();
}
