import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from './index.js';

/**
 * The look of an instance's or an organization's pages and mail: one row per owner (an
 * instance id or an org id). The logo is base64 text, the same column type in both dialects;
 * it is read only by the logo route, never with the rest of the row.
 */
export const branding = (dialect: DialectName): Migration => ({
  async up(db: Kysely<any>) {
    const text = dialect === 'postgres' ? sql`text collate "C"` : 'text';
    await db.schema
      .createTable('brandings')
      .addColumn('owner_id', text, (c) => c.primaryKey())
      .addColumn('instance_id', text, (c) => c.notNull())
      .addColumn('product_name', text)
      .addColumn('accent_color', text)
      .addColumn('continue_url', text)
      // A JSON array of origins (the instance's row only): where continue URLs may point.
      .addColumn('continue_origins', text, (c) => c.notNull())
      .addColumn('logo', text)
      .addColumn('logo_type', text)
      .addColumn('logo_hash', text)
      .addColumn('updated_at', text, (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('brandings').execute();
  },
});
