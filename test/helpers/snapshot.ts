import { openDatabase } from '../../src/store/sqlite-native.js';
import pg from 'pg';
import { isPostgresUrl } from '../../src/store/database-url.js';

const TABLES = ['instances', 'instance_members', 'orgs', 'users', 'api_tokens', 'invites', 'org_members', 'outbox'];

/** Every row of every Gatehouse table as one string, through a connection of its own. */
export async function snapshotDatabase(location: string): Promise<string> {
  if (isPostgresUrl(location)) {
    const client = new pg.Client({ connectionString: location });
    await client.connect();
    try {
      const tables = [];
      for (const table of TABLES) tables.push((await client.query(`select * from "${table}" order by 1, 2`)).rows);
      return JSON.stringify(tables);
    } finally {
      await client.end();
    }
  }
  const reader = openDatabase(location, { readonly: true });
  try {
    return JSON.stringify(TABLES.map((table) => reader.prepare(`select * from "${table}" order by 1, 2`).all()));
  } finally {
    reader.close();
  }
}
