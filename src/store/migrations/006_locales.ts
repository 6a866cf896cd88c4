import type { Kysely, Migration } from 'kysely';
import type { DialectName } from './index.js';

/**
 * The language of an organization's mail (its default) and of one invite (a Gatehouse
 * extension of upstream's invite): a locale tag from LOCALES, null for the server's default.
 */
export const locales = (_dialect: DialectName): Migration => ({
  async up(db: Kysely<any>) {
    await db.schema.alterTable('orgs').addColumn('locale', 'text').execute();
    await db.schema.alterTable('invites').addColumn('locale', 'text').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('invites').dropColumn('locale').execute();
    await db.schema.alterTable('orgs').dropColumn('locale').execute();
  },
});
