import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from './index.js';

/** A token may be bound to one organization of its instance: it then reaches that org only. */
export const tokenOrg = (dialect: DialectName): Migration => ({
  async up(db: Kysely<any>) {
    await db.schema.alterTable('api_tokens').addColumn('org_id', dialect === 'postgres' ? sql`text collate "C"` : 'text').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('api_tokens').dropColumn('org_id').execute();
  },
});
