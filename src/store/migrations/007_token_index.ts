import type { Kysely, Migration } from 'kysely';
import type { DialectName } from './index.js';

/** The API and the console list an instance's tokens newest first: an index for that order. */
export const tokenIndex = (_dialect: DialectName): Migration => ({
  async up(db: Kysely<any>) {
    await db.schema.createIndex('api_tokens_instance_created').on('api_tokens').columns(['instance_id', 'created_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('api_tokens_instance_created').execute();
  },
});
