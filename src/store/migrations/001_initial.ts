import { type Kysely, type Migration, type RawBuilder, sql } from 'kysely';
import type { DialectName } from './index.js';

/**
 * Portable column types only (text, integer, bigint), so one migration serves both dialects.
 * The one difference: PostgreSQL text is declared `collate "C"`, so that comparisons and
 * indexes order bytes as SQLite does (glob prefixes become index ranges, ISO dates sort).
 */
export const initial = (dialect: DialectName): Migration => ({
  up: (db) => up(db, dialect === 'postgres' ? sql`text collate "C"` : 'text'),
  down,
});

async function up(db: Kysely<any>, text: 'text' | RawBuilder<unknown>): Promise<void> {
  await db.schema
    .createTable('instances')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('email', text, (c) => c.notNull())
    .addColumn('first_name', text)
    .addColumn('last_name', text)
    .addColumn('avatar_url', text)
    .addColumn('two_factor_auth_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sso_linked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_email').unique().on('users').column('email').execute();

  await db.schema
    .createTable('instance_members')
    .addColumn('instance_id', text, (c) => c.notNull().references('instances.id'))
    .addColumn('user_id', text, (c) => c.notNull().references('users.id'))
    .addColumn('role', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('instance_members_pk', ['instance_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('orgs')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('instance_id', text, (c) => c.notNull().references('instances.id'))
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('member_limit', 'integer')
    .addColumn('invite_ttl_ms', 'bigint')
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('orgs_instance').on('orgs').columns(['instance_id', 'name']).execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('instance_id', text, (c) => c.notNull().references('instances.id'))
    .addColumn('user_id', text, (c) => c.references('users.id'))
    .addColumn('token_hash', text, (c) => c.notNull())
    .addColumn('scopes', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('expires_at', text)
    .addColumn('revoked_at', text)
    .execute();
  await db.schema.createIndex('api_tokens_hash').unique().on('api_tokens').column('token_hash').execute();

  await db.schema
    .createTable('invites')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('org_id', text, (c) => c.notNull().references('orgs.id'))
    .addColumn('email', text, (c) => c.notNull())
    .addColumn('role', text, (c) => c.notNull())
    .addColumn('application_roles', text, (c) => c.notNull())
    .addColumn('dashboard_roles', text, (c) => c.notNull())
    .addColumn('disallow_transfer', 'integer', (c) => c.notNull())
    .addColumn('token_hash', text, (c) => c.notNull())
    .addColumn('invite_date', text, (c) => c.notNull())
    .addColumn('ttl', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('invited_by_token_id', text)
    .execute();
  await db.schema.createIndex('invites_token_hash').unique().on('invites').column('token_hash').execute();
  // One pending invite per org and email: the rule lives in the index, not in a read-then-write.
  await db.schema
    .createIndex('invites_one_pending')
    .unique()
    .on('invites')
    .columns(['org_id', 'email'])
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  for (const col of ['email', 'role', 'invite_date']) {
    await db.schema.createIndex(`invites_by_${col}`).on('invites').columns(['org_id', 'status', col]).execute();
  }

  await db.schema
    .createTable('org_members')
    .addColumn('org_id', text, (c) => c.notNull().references('orgs.id'))
    .addColumn('user_id', text, (c) => c.notNull().references('users.id'))
    .addColumn('email', text, (c) => c.notNull())
    .addColumn('role', text, (c) => c.notNull())
    .addColumn('application_roles', text, (c) => c.notNull())
    .addColumn('dashboard_roles', text, (c) => c.notNull())
    .addColumn('disallow_transfer', 'integer', (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('org_members_pk', ['org_id', 'user_id'])
    .execute();
  await db.schema.createIndex('org_members_by_email').on('org_members').columns(['org_id', 'email']).execute();
  await db.schema.createIndex('org_members_by_role').on('org_members').columns(['org_id', 'role', 'email']).execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('invite_id', text)
    .addColumn('to_address', text, (c) => c.notNull())
    .addColumn('subject', text, (c) => c.notNull())
    .addColumn('text_body', text)
    .addColumn('html_body', text)
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', text, (c) => c.notNull())
    .addColumn('lease_until', text)
    .addColumn('last_error', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('sent_at', text)
    .execute();
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('outbox_invite').on('outbox').column('invite_id').execute();
}

async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['outbox', 'org_members', 'invites', 'api_tokens', 'orgs', 'instance_members', 'users', 'instances']) {
    await db.schema.dropTable(table).execute();
  }
}
