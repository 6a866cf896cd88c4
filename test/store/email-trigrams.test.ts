/**
 * Migration 013 (the trigram index of invite emails) on a database that already holds invites,
 * as an upgrade meets it: the index is built from them (SQLite's FTS5 table is rebuilt from the
 * invites; PostgreSQL's GIN index is built on them). And on PostgreSQL, a role that may not
 * create the pg_trgm extension still migrates, without the index.
 */
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { compileGlob } from '../../src/domain/glob.js';
import { newId } from '../../src/domain/ids.js';
import type { InviteRecord } from '../../src/domain/records.js';
import type { Store } from '../../src/domain/store.js';
import { emailTrigrams } from '../../src/store/migrations/013_email_trigrams.js';
import { openStore } from '../../src/store/open.js';
import { openDatabase } from '../../src/store/sqlite-native.js';
import { POSTGRES, STORE_KINDS, titled } from '../helpers/stores.js';

const NOW = '2030-01-01T00:00:00.000Z';

/** Invites `emails` to `into`, or to a new org of a new instance. */
async function seed(store: Store, emails: string[], into?: string): Promise<string> {
  const orgId = into ?? newId();
  if (!into) {
    const instanceId = newId();
    await store.insertInstance({ id: instanceId, name: 'Instance', createdAt: NOW });
    await store.insertOrg({ id: orgId, instanceId, name: 'Org', memberLimit: null, inviteTtlMs: null, description: null, iconColor: null, locale: null, createdAt: NOW, updatedAt: NOW });
  }
  for (const [n, email] of emails.entries()) {
    const invite: InviteRecord = {
      id: newId(),
      orgId,
      email,
      role: 'view',
      applicationRoles: [],
      dashboardRoles: [],
      disallowTransfer: false,
      inviteDate: NOW,
      ttl: 1000,
      expiresAt: '2030-01-02T00:00:00.000Z',
      status: 'pending',
      invitedByTokenId: null,
      joinLinkId: null,
      locale: null,
    };
    await store.insertInvite(invite, `hash-${orgId}-${email}`);
  }
  return orgId;
}

const infix = (store: Store, orgId: string, glob: string) =>
  store.listInvites(orgId, { sortField: 'email', sortDirection: 'asc', filterField: 'email', filter: compileGlob(glob), limit: 100, offset: 0 }).then((p) => p.items.map((i) => i.email));

const EMAILS = Array.from({ length: 50 }, (_, n) => `person${n}@example.com`);

describe.each(STORE_KINDS)('$name store', (kind) => {
  describe.skipIf(kind.skipped !== null)(titled(kind, 'the trigram index of invite emails'), () => {
    it('is built from the invites already there when the migration runs (an upgrade)', async () => {
      const db = await kind.fresh();
      try {
        const store = await openStore(db.location);
        const orgId = await seed(store, EMAILS);
        await store.close();
        // Undo 013 and run it again, on the direct connection (as the migrator does), in a transaction.
        const kysely =
          kind.name === 'sqlite'
            ? new Kysely<any>({ dialect: new SqliteDialect({ database: openDatabase(db.location) }) })
            : new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: db.direct ?? db.location, max: 1 }) }) });
        try {
          const migration = emailTrigrams(kind.name);
          await kysely.transaction().execute((trx) => migration.down!(trx));
          await kysely.transaction().execute((trx) => migration.up(trx));
        } finally {
          await kysely.destroy();
        }
        const queries: string[] = [];
        const reopened = await openStore(db.location, { onQuery: (sql) => queries.push(sql) });
        try {
          expect(await infix(reopened, orgId, '*son4@*')).toEqual(['person4@example.com']);
          if (kind.name === 'sqlite') expect(queries.some((q) => /order by/.test(q) && /invites_email_trigrams match/.test(q))).toBe(true);
          // And kept from then on, in the invite's transaction.
          await seed(reopened, ['late.son4@example.com'], orgId);
          expect(await infix(reopened, orgId, '*son4@*')).toEqual(['late.son4@example.com', 'person4@example.com']);
        } finally {
          await reopened.close();
        }
      } finally {
        await db.dispose();
      }
    });
  });
});

// A role without CREATE on its database may not create even a trusted extension such as pg_trgm.
describe.skipIf(POSTGRES.skipped !== null)(titled(POSTGRES, 'PostgreSQL without pg_trgm'), () => {
  const role = `gatehouse_plain_${Math.random().toString(36).slice(2, 8)}`;
  let admin: pg.Client;
  afterAll(async () => admin?.end());

  it('a role that may not create pg_trgm migrates without the index, and infix globs still answer', async () => {
    const db = await POSTGRES.fresh();
    const direct = new URL(db.direct ?? db.location);
    admin = new pg.Client({ connectionString: direct.toString() });
    await admin.connect();
    await admin.query(`create role ${role} login password 'plain'`);
    await admin.query(`revoke create on database "${direct.pathname.slice(1)}" from public`);
    await admin.query(`grant usage, create on schema public to ${role}`);
    const asRole = new URL(direct);
    asRole.username = role;
    asRole.password = 'plain';
    const store = await openStore(asRole.toString());
    try {
      const { rows } = await admin.query(`select indexname from pg_indexes where tablename = 'invites' and indexname = 'invites_email_trigrams'`);
      expect(rows).toEqual([]);
      const orgId = await seed(store, EMAILS);
      expect(await infix(store, orgId, '*son4*')).toEqual(['person4@example.com', ...EMAILS.slice(40, 50)].sort());
    } finally {
      await store.close();
    }
  });
});
