import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from './index.js';

/**
 * Events (the feed, one row per change, written in the change's transaction), the counter
 * that numbers each instance's events in commit order, webhook endpoints, and their delivery
 * outbox and attempt log. Invites get the instant their `invite.expired` event was written.
 */
export const eventsAndWebhooks = (dialect: DialectName): Migration => ({
  async up(db: Kysely<any>) {
    const text = dialect === 'postgres' ? sql`text collate "C"` : 'text';
    await db.schema
      .createTable('event_counters')
      .addColumn('instance_id', text, (c) => c.primaryKey())
      .addColumn('last_seq', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('events')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('instance_id', text, (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('org_id', text)
      .addColumn('type', text, (c) => c.notNull())
      .addColumn('at', text, (c) => c.notNull())
      .addColumn('data', text, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('events_by_seq').unique().on('events').columns(['instance_id', 'seq']).execute();
    // Retention deletes by age.
    await db.schema.createIndex('events_by_at').on('events').column('at').execute();

    await db.schema
      .createTable('webhooks')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('instance_id', text, (c) => c.notNull())
      .addColumn('org_id', text)
      .addColumn('url', text, (c) => c.notNull())
      // A JSON array of event types; null for every type.
      .addColumn('events', text)
      .addColumn('description', text)
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('disabled_reason', text)
      .addColumn('secret', text, (c) => c.notNull())
      .addColumn('previous_secret', text)
      .addColumn('previous_secret_until', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('updated_at', text, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webhooks_by_instance').on('webhooks').columns(['instance_id', 'created_at']).execute();

    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('webhook_id', text, (c) => c.notNull())
      .addColumn('event_id', text, (c) => c.notNull())
      .addColumn('status', text, (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', text, (c) => c.notNull())
      .addColumn('lease_until', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('delivered_at', text)
      .execute();
    await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('webhook_deliveries_by_webhook').on('webhook_deliveries').columns(['webhook_id', 'status']).execute();
    await db.schema.createIndex('webhook_deliveries_by_event').on('webhook_deliveries').column('event_id').execute();

    await db.schema
      .createTable('webhook_attempts')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('delivery_id', text, (c) => c.notNull())
      .addColumn('webhook_id', text, (c) => c.notNull())
      .addColumn('event_id', text, (c) => c.notNull())
      .addColumn('at', text, (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('error', text)
      .addColumn('excerpt', text, (c) => c.notNull())
      .addColumn('next_attempt_at', text)
      .execute();
    await db.schema.createIndex('webhook_attempts_by_webhook').on('webhook_attempts').columns(['webhook_id', 'at', 'id']).execute();
    await db.schema.createIndex('webhook_attempts_by_at').on('webhook_attempts').column('at').execute();

    await db.schema.alterTable('invites').addColumn('expired_event_at', text).execute();
    // Invites that expired before events existed are not announced now, days late.
    await db
      .updateTable('invites')
      .set({ expired_event_at: sql.ref('expires_at') })
      .where('status', '=', 'pending')
      .where('expires_at', '<', new Date().toISOString())
      .execute();
    await db.schema
      .createIndex('invites_expiry_due')
      .on('invites')
      .column('expires_at')
      .where(sql<boolean>`status = 'pending' and expired_event_at is null`)
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('invites_expiry_due').execute();
    await db.schema.alterTable('invites').dropColumn('expired_event_at').execute();
    for (const table of ['webhook_attempts', 'webhook_deliveries', 'webhooks', 'events', 'event_counters']) await db.schema.dropTable(table).execute();
  },
});
