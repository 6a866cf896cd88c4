import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from './index.js';

/**
 * When the invited user dismissed the invite from their own list (`POST /me/invites/{id}` with
 * `dismiss`): hidden from `GET /me/invites`, still valid everywhere else. And the index that
 * list needs: a user's pending invites across the orgs, by email.
 */
export const inviteDismissed = (_dialect: DialectName): Migration => ({
  async up(db: Kysely<any>) {
    await db.schema.alterTable('invites').addColumn('dismissed_at', 'text').execute();
    await db.schema.createIndex('invites_pending_by_email').on('invites').column('email').where(sql<boolean>`status = 'pending'`).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('invites_pending_by_email').execute();
    await db.schema.alterTable('invites').dropColumn('dismissed_at').execute();
  },
});
