import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { lookup } from '../../src/store/lookup.js';
import type { Database } from '../../src/store/schema.js';
import { openDatabase } from '../../src/store/sqlite-native.js';

// Compiling needs a dialect, not a connection: neither database is ever queried here.
const pool = new pg.Pool();
const dialects = [
  { name: 'sqlite', db: new Kysely<Database>({ dialect: new SqliteDialect({ database: openDatabase(':memory:') }) }) },
  { name: 'postgres', db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }) },
];
afterAll(() => pool.end());

describe.each(dialects)('lookups on $name', ({ db }) => {
  it('bind each argument to the placeholder the query put it in, whatever the order of declaration', () => {
    const byOrgThenId = lookup((d, id: string, orgId: string) => d.selectFrom('invites').selectAll().where('org_id', '=', orgId).where('id', '=', id));
    const query = byOrgThenId.bind(db, {}, ['the-id', 'the-org']);
    expect(query.sql).toMatch(/"org_id" = .+ and "id" = /);
    expect(query.parameters).toEqual(['the-org', 'the-id']);
  });

  it('compile once per dialect', () => {
    let builds = 0;
    const byId = lookup((d, id: string) => (builds++, d.selectFrom('orgs').selectAll().where('id', '=', id)));
    const dialect = {};
    for (const id of ['a', 'b', 'c']) expect(byId.bind(db, dialect, [id]).parameters).toEqual([id]);
    byId.bind(db, {}, ['d']);
    expect(builds).toBe(2);
  });

  it.each([
    ['binds a constant', lookup((d, id: string) => d.selectFrom('invites').selectAll().where('id', '=', id).where('status', '=', 'pending'))],
    ['leaves a parameter out', lookup((d, id: string, _orgId: string) => d.selectFrom('invites').selectAll().where('id', '=', id))],
    ['binds a parameter twice', lookup((d, id: string) => d.selectFrom('invites').selectAll().where('id', '=', id).where('org_id', '=', id))],
    ['changes a parameter', lookup((d, id: string) => d.selectFrom('invites').selectAll().where('id', '=', id.toLowerCase()))],
  ])('refuse, at the first compile, a query that %s', (_, bad) => {
    expect(() => (bad.bind as (...a: unknown[]) => unknown)(db, {}, ['a', 'b'])).toThrow(/A lookup declared with \d parameter\(s\) binds \d value\(s\)/);
  });
});
