import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from './index.js';

/**
 * What makes a write safe to run again:
 * - `request_journal`: the outcome of each write transaction of a request, written in that
 *   transaction, so that a retry after a COMMIT whose outcome was lost (the database went away
 *   mid-commit) finds it instead of writing twice;
 * - `idempotency_keys`: the answer kept for a client's `Idempotency-Key`, 24 hours, with the
 *   fingerprint of the request it answered and, while the first request runs, its owner and lease.
 */
export const requestRecords = (dialect: DialectName): Migration => ({
  async up(db: Kysely<any>) {
    const text = dialect === 'postgres' ? sql`text collate "C"` : 'text';
    await db.schema
      .createTable('request_journal')
      .addColumn('key', text, (c) => c.primaryKey())
      .addColumn('outcome', text)
      .addColumn('expires_at', text, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('request_journal_expiry').on('request_journal').column('expires_at').execute();
    await db.schema
      .createTable('idempotency_keys')
      .addColumn('key', text, (c) => c.primaryKey())
      .addColumn('fingerprint', text, (c) => c.notNull())
      .addColumn('owner', text, (c) => c.notNull())
      .addColumn('lease_until', text, (c) => c.notNull())
      .addColumn('status', 'integer')
      .addColumn('headers', text)
      .addColumn('body', text)
      .addColumn('expires_at', text, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('idempotency_keys_expiry').on('idempotency_keys').column('expires_at').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('idempotency_keys').execute();
    await db.schema.dropTable('request_journal').execute();
  },
});
