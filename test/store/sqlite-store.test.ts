import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGlob } from '../../src/domain/glob.js';
import { UniqueViolation } from '../../src/domain/errors.js';
import { newId } from '../../src/domain/ids.js';
import type { InviteRecord } from '../../src/domain/records.js';
import { KyselyStore } from '../../src/store/kysely-store.js';
import { migrateToLatest } from '../../src/store/migrations/index.js';
import type { Database } from '../../src/store/schema.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';

let dir: string;
let store: Store;
let orgId: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-store-'));
  store = await openSqliteStore(join(dir, 'store.db'));
  const instanceId = newId();
  orgId = newId();
  await store.insertInstance({ id: instanceId, name: 'i', createdAt: new Date().toISOString() });
  await store.insertOrg({ id: orgId, instanceId, name: 'o', memberLimit: null, inviteTtlMs: null, createdAt: new Date().toISOString() });
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const invite = (email: string): InviteRecord => ({
  id: newId(),
  orgId,
  email,
  role: 'view',
  applicationRoles: [],
  dashboardRoles: [],
  disallowTransfer: false,
  inviteDate: new Date().toISOString(),
  ttl: 1000,
  expiresAt: new Date(Date.now() + 1000).toISOString(),
  status: 'pending',
  invitedByTokenId: null,
});

describe('unique indexes back every "only one" rule', () => {
  it('one pending invite per org and email', async () => {
    await store.insertInvite(invite('one@example.com'), 'hash-1');
    await expect(store.insertInvite(invite('one@example.com'), 'hash-2')).rejects.toBeInstanceOf(UniqueViolation);
  });

  it('one user per email', async () => {
    const user = { id: newId(), email: 'u@example.com', firstName: null, lastName: null, avatarUrl: null, twoFactorAuthEnabled: false, ssoLinked: false, createdAt: '' };
    await store.insertUser(user);
    await expect(store.insertUser({ ...user, id: newId() })).rejects.toMatchObject({ constraint: 'user_email' });
  });

  it('one membership per org and user', async () => {
    const user = await store.getUserByEmail('u@example.com');
    const member = { orgId, userId: user!.id, email: user!.email, role: 'view' as const, applicationRoles: [], dashboardRoles: [], disallowTransfer: false, createdAt: '' };
    await store.insertMember(member);
    await expect(store.insertMember(member)).rejects.toMatchObject({ constraint: 'member' });
  });
});

describe('atomic state changes', () => {
  it('a pending invite changes state once; the loser gets null', async () => {
    const record = invite('claim@example.com');
    await store.insertInvite(record, 'hash-claim');
    const results = await Promise.all([
      store.updatePendingInvite(record.id, { status: 'accepted' }),
      store.updatePendingInvite(record.id, { status: 'rejected' }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('a failed transaction leaves nothing behind', async () => {
    const record = invite('rollback@example.com');
    await expect(
      store.transaction(async (tx) => {
        await tx.insertInvite(record, 'hash-rollback');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.getInvite(orgId, record.id)).toBeNull();
  });
});

describe('list queries use the indexes', () => {
  it('glob filters and sorts run on an index of the org, never a scan of the table', async () => {
    const file = join(dir, 'plan.db');
    const statements: { sql: string; parameters: readonly unknown[] }[] = [];
    const database = new SQLite(file);
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database }),
      log: (event) => {
        if (event.level === 'query' && /^select.* from "(invites|org_members)"/i.test(event.query.sql)) statements.push(event.query);
      },
    });
    await migrateToLatest(db);
    const planStore = new KyselyStore(db, { isUniqueViolation: () => false, binaryTextOrder: true });
    for (const sortField of ['email', 'role', 'inviteDate'] as const) {
      await planStore.listInvites(orgId, { sortField, sortDirection: 'asc', filterField: 'email', filter: compileGlob('ab*@example.com'), limit: 100, offset: 0 });
      await planStore.listInvites(orgId, { sortField, sortDirection: 'desc' });
    }
    await planStore.listMembers(orgId, { sortField: 'email', sortDirection: 'asc', filterField: 'role', filter: compileGlob('ad*'), limit: 10 });
    await planStore.listMembers(orgId, { sortField: 'role', sortDirection: 'asc' });
    expect(statements.length).toBe(16);
    for (const { sql, parameters } of statements) {
      const plan = (database.prepare(`explain query plan ${sql}`).all(...(parameters as unknown[])) as { detail: string }[])
        .map((r) => r.detail)
        .join('\n');
      const mainTable = /from "(invites|org_members)"/.exec(sql)![1];
      expect(plan, sql).toMatch(new RegExp(`(SEARCH|SCAN) ${mainTable} USING (COVERING )?INDEX`));
    }
    await db.destroy();
  });
});
