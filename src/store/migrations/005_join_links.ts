import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from './index.js';

/** Join links of organizations, and on invites the join link a confirmation came from. */
export const joinLinks = (dialect: DialectName): Migration => ({
  async up(db: Kysely<any>) {
    const text = dialect === 'postgres' ? sql`text collate "C"` : 'text';
    await db.schema
      .createTable('join_links')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('org_id', text, (c) => c.notNull())
      .addColumn('code', text, (c) => c.notNull())
      .addColumn('code_hash', text, (c) => c.notNull())
      .addColumn('role', text, (c) => c.notNull())
      .addColumn('application_roles', text, (c) => c.notNull())
      .addColumn('dashboard_roles', text, (c) => c.notNull())
      .addColumn('max_uses', 'integer')
      .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('expires_at', text)
      // A JSON array of lower-case domains; empty for any.
      .addColumn('allowed_domains', text, (c) => c.notNull())
      .addColumn('description', text)
      .addColumn('state', text, (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('updated_at', text, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('join_links_by_code').unique().on('join_links').column('code_hash').execute();
    await db.schema.createIndex('join_links_by_org').on('join_links').columns(['org_id', 'created_at']).execute();

    await db.schema.alterTable('invites').addColumn('join_link_id', text).execute();
    // Withdrawing a link's confirmations finds them without reading every invite.
    await db.schema.createIndex('invites_by_join_link').on('invites').column('join_link_id').where(sql<boolean>`status = 'pending' and join_link_id is not null`).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('invites_by_join_link').execute();
    await db.schema.alterTable('invites').dropColumn('join_link_id').execute();
    await db.schema.dropTable('join_links').execute();
  },
});
