import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from './index.js';

/**
 * What the organization API shows besides a name (upstream's description, icon colour and
 * last-updated date), the lower-cased name that name globs and the name sort use (globs are
 * case-insensitive), and an index for each way the org list sorts within an instance.
 */
const COLUMNS = ['description', 'icon_color', 'updated_at', 'name_key'];
const INDEXED = ['name_key', 'id', 'created_at', 'updated_at'];

export const orgDetails = (dialect: DialectName): Migration => ({
  async up(db: Kysely<any>) {
    const text = dialect === 'postgres' ? sql`text collate "C"` : 'text';
    for (const column of COLUMNS) await db.schema.alterTable('orgs').addColumn(column, text).execute();
    await db.updateTable('orgs').set({ updated_at: sql.ref('created_at'), name_key: sql`lower(name)` }).execute();
    for (const column of INDEXED) {
      await db.schema.createIndex(`orgs_by_${column}`).on('orgs').columns(['instance_id', column]).execute();
    }
  },
  async down(db: Kysely<any>) {
    for (const column of INDEXED) await db.schema.dropIndex(`orgs_by_${column}`).execute();
    for (const column of COLUMNS) await db.schema.alterTable('orgs').dropColumn(column).execute();
  },
});
