import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from './index.js';

/**
 * The audit trail (one row per change, written in the change's transaction) and the counters
 * of the public rate limits, kept in the database so that every replica sees the same counts.
 */
export const auditAndLimits = (dialect: DialectName): Migration => ({
  async up(db: Kysely<any>) {
    const text = dialect === 'postgres' ? sql`text collate "C"` : 'text';
    await db.schema
      .createTable('audit_log')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('instance_id', text, (c) => c.notNull())
      .addColumn('org_id', text)
      .addColumn('at', text, (c) => c.notNull())
      .addColumn('action', text, (c) => c.notNull())
      .addColumn('token_id', text)
      .addColumn('user_id', text)
      .addColumn('address', text)
      .addColumn('target_id', text)
      .addColumn('email', text)
      .addColumn('details', text, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_by_instance').on('audit_log').columns(['instance_id', 'at', 'id']).execute();
    await db.schema.createIndex('audit_log_by_org').on('audit_log').columns(['org_id', 'at', 'id']).execute();

    await db.schema
      .createTable('rate_limits')
      .addColumn('key', text, (c) => c.primaryKey())
      .addColumn('window_start', 'bigint', (c) => c.notNull())
      .addColumn('hits', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rate_limits_by_window').on('rate_limits').column('window_start').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('rate_limits').execute();
    await db.schema.dropTable('audit_log').execute();
  },
});
