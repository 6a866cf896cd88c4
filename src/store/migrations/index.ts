import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { runTransaction } from '../kysely-store.js';
import { initial } from './001_initial.js';
import { orgDetails } from './002_org_details.js';
import { auditAndLimits } from './003_audit_and_limits.js';
import { eventsAndWebhooks } from './004_events_and_webhooks.js';
import { joinLinks } from './005_join_links.js';
import { locales } from './006_locales.js';
import { tokenIndex } from './007_token_index.js';
import { branding } from './008_branding.js';
import { tokenOrg } from './009_token_org.js';
import { inviteDismissed } from './010_invite_dismissed.js';
import { requestRecords } from './011_request_records.js';
import { liveSeats } from './012_live_seats.js';
import { emailTrigrams } from './013_email_trigrams.js';

export type DialectName = 'sqlite' | 'postgres';

/** Migrations are listed in code (not read from a folder) so they ship inside the build. */
const migrations = (dialect: DialectName): Record<string, Migration> => ({
  '001_initial': initial(dialect),
  '002_org_details': orgDetails(dialect),
  '003_audit_and_limits': auditAndLimits(dialect),
  '004_events_and_webhooks': eventsAndWebhooks(dialect),
  '005_join_links': joinLinks(dialect),
  '006_locales': locales(dialect),
  '007_token_index': tokenIndex(dialect),
  '008_branding': branding(dialect),
  '009_token_org': tokenOrg(dialect),
  '010_invite_dismissed': inviteDismissed(dialect),
  '011_request_records': requestRecords(dialect),
  '012_live_seats': liveSeats(dialect),
  '013_email_trigrams': emailTrigrams(dialect),
});

/** Every migration, in order. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations('sqlite'));

/**
 * Brings the schema up to date; throws with the failing migration's error. On PostgreSQL the
 * whole set runs in one transaction that first takes a transaction-level advisory lock, so
 * replicas starting together migrate one after the other. Kysely's own lock is a session lock
 * taken and released beside its transaction: behind a pooler in transaction mode (PgBouncer)
 * those land on different server connections, and the lock neither excludes nor is released.
 */
export async function migrateToLatest(db: Kysely<any>, dialect: DialectName): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  if (dialect === 'sqlite') return run(new Migrator({ db, provider }));
  return runTransaction(db, sql`begin`, async (conn) => {
    await sql`select pg_advisory_xact_lock(hashtext('gatehouse.migrate'))`.execute(conn);
    return run(new Migrator({ db: conn, provider, disableTransactions: true }));
  });
}

async function run(migrator: Migrator): Promise<string[]> {
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
