/**
 * Replicas starting together on one empty PostgreSQL database: every one opens it, the
 * migrations run once, and no lock outlives the start. Direct in `npm test`; through PgBouncer
 * in transaction mode in the stress-pgbouncer project, where a session-level lock taken on one
 * server connection and released on another lets two replicas migrate at once, and leaves the
 * lock held for the next one to wait on. There also with migrations on the direct URL
 * (GATEHOUSE_MIGRATION_DATABASE), as the README offers for poolers that forbid DDL.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/domain/store.js';
import { MIGRATION_NAMES } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open.js';
import { POSTGRES, titled } from '../helpers/stores.js';

const REPLICAS = 4;
const ROUNDS = 3;
/**
 * Measured: four opens take under 0.5 s direct. Through the pooler, an open that waits on a
 * lock left on an idle server connection waits until PgBouncer closes it (server_idle_timeout,
 * 5 s in test/helpers/pgbouncer.ts; 10 minutes by default).
 */
const OPEN_BOUND_MS = 4000;

const VIA = [
  { name: 'GATEHOUSE_DATABASE', migrationUrl: (_direct: string | undefined): string | undefined => undefined },
  { name: 'GATEHOUSE_MIGRATION_DATABASE', migrationUrl: (direct: string | undefined) => direct },
];

describe.skipIf(POSTGRES.skipped)(titled(POSTGRES, 'stores opening one empty database at once'), () => {
  it.each(VIA)(`${REPLICAS} stores opening an empty database together, migrating through $name, all open it promptly, migrate it once, and leave no advisory lock`, async (via) => {
    for (let round = 0; round < ROUNDS; round++) {
      const db = await POSTGRES.fresh();
      const migrationUrl = via.migrationUrl(db.direct);
      const started = Date.now();
      const opened = await Promise.allSettled(Array.from({ length: REPLICAS }, () => openStore(db.location, { migrationUrl })));
      const took = Date.now() - started;
      const stores = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value as Store] : []));
      const client = new pg.Client({ connectionString: db.direct });
      await client.connect();
      try {
        expect(
          opened.map((r) => (r.status === 'fulfilled' ? 'opened' : (r.reason as Error).message)),
          `round ${round}`,
        ).toEqual(Array(REPLICAS).fill('opened'));
        const { rows: applied } = await client.query<{ name: string }>('select name from kysely_migration order by name');
        expect(applied.map((r) => r.name)).toEqual([...MIGRATION_NAMES]);
        // Every store has finished opening: a lock still held is one nobody will release.
        const { rows: locks } = await client.query(
          `select pid, objid, granted from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`,
        );
        expect(locks, `advisory locks held after round ${round}`).toEqual([]);
        expect(took, `round ${round}: ms for ${REPLICAS} stores to open`).toBeLessThan(OPEN_BOUND_MS);
      } finally {
        await client.end();
        await Promise.all(stores.map((s) => s.close()));
        await db.dispose();
      }
    }
  });
});
