import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as m001 from './001_initial.js';

/** Migrations are listed in code (not read from a folder) so they ship inside the build. */
const migrations: Record<string, Migration> = {
  '001_initial': m001,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema up to date; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
