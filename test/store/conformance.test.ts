/**
 * One conformance suite for every store, on a real database of each kind: every method and
 * every rule the domain relies on (uniqueness, atomic claims, ordering, globs, paging, expiry,
 * outbox leases), and that lists run on indexes.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDatabase } from '../../src/store/sqlite-native.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UniqueViolation } from '../../src/domain/errors.js';
import { StartupError } from '../../src/domain/startup-error.js';
import { redactDatabaseUrl } from '../../src/store/database-url.js';
import { COUNT_CAP } from '../../src/contract/common.js';
import { compileGlob } from '../../src/domain/glob.js';
import { newId } from '../../src/domain/ids.js';
import type { InviteRecord, MailRecord, MemberRecord, UserRecord } from '../../src/domain/records.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/domain/store.js';
import { STORE_KINDS, type TestDatabase, titled } from '../helpers/stores.js';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

describe.each(STORE_KINDS)('$name store', (kind) => {
  describe.skipIf(kind.skipped !== null)(titled(kind, 'conformance'), () => {
    let db: TestDatabase;
    let store: Store;
    const queries: { sql: string; parameters: readonly unknown[] }[] = [];
    let instanceId: string;
    let orgId: string;
    let otherOrgId: string;

    beforeAll(async () => {
      db = await kind.fresh();
      store = await openStore(db.location, { onQuery: (sql, parameters) => queries.push({ sql, parameters }) });
      instanceId = newId();
      await store.insertInstance({ id: instanceId, name: 'Instance', createdAt: at(0) });
      orgId = newId();
      otherOrgId = newId();
      for (const id of [orgId, otherOrgId]) {
        await store.insertOrg({ id, instanceId, name: `Org ${id}`, memberLimit: null, inviteTtlMs: null, description: null, iconColor: null, locale: null, createdAt: at(0), updatedAt: at(0) });
      }
    });
    afterAll(async () => {
      await store?.close();
      await db?.dispose();
    });

    const user = (email: string, extra: Partial<UserRecord> = {}): UserRecord => ({
      id: newId(),
      email,
      firstName: null,
      lastName: null,
      avatarUrl: null,
      twoFactorAuthEnabled: false,
      ssoLinked: false,
      createdAt: at(0),
      ...extra,
    });
    const invite = (email: string, extra: Partial<InviteRecord> = {}): InviteRecord => ({
      id: newId(),
      orgId,
      email,
      role: 'view',
      applicationRoles: [],
      dashboardRoles: [],
      disallowTransfer: false,
      inviteDate: at(0),
      ttl: 1000,
      expiresAt: at(1000),
      status: 'pending',
      invitedByTokenId: null,
      joinLinkId: null,
      locale: null,
      ...extra,
    });
    const member = (u: UserRecord, extra: Partial<MemberRecord> = {}): MemberRecord => ({
      orgId,
      userId: u.id,
      email: u.email,
      role: 'view',
      applicationRoles: [],
      dashboardRoles: [],
      disallowTransfer: false,
      createdAt: at(0),
      ...extra,
    });
    const mail = (extra: Partial<MailRecord> = {}): MailRecord => ({
      id: newId(),
      inviteId: null,
      to: 'x@example.com',
      subject: 's',
      text: 't',
      html: 'h',
      status: 'queued',
      attempts: 0,
      nextAttemptAt: at(0),
      lastError: null,
      createdAt: at(0),
      sentAt: null,
      ...extra,
    });

    describe('instances, orgs and users', () => {
      it('round-trips instances and orgs, with lifetimes beyond 32 bits', async () => {
        expect(await store.getInstance(instanceId)).toEqual({ id: instanceId, name: 'Instance', createdAt: at(0) });
        expect(await store.countInstances()).toBe(1);
        const id = newId();
        const thirtyDays = 30 * 86_400_000;
        const big = { id, instanceId, name: 'Big', memberLimit: 5, inviteTtlMs: thirtyDays, description: 'Ü <b>', iconColor: '#ff0000', locale: 'de', createdAt: at(1), updatedAt: at(2) };
        await store.insertOrg(big);
        expect(await store.getOrg(id)).toEqual(big);
        expect(await store.getOrg(newId())).toBeNull();
        expect(await store.getInstance(newId())).toBeNull();
      });

      it("list an instance's orgs by each sort field, with name globs and pages, and no other instance's", async () => {
        const other = newId();
        await store.insertInstance({ id: other, name: 'Other', createdAt: at(0) });
        const inst = newId();
        await store.insertInstance({ id: inst, name: 'Listed', createdAt: at(0) });
        const names = ['beta', 'Alpha', 'alpha two', 'Gamma'];
        const ids: string[] = [];
        for (const [n, name] of names.entries()) {
          const id = newId();
          ids.push(id);
          await store.insertOrg({ id, instanceId: inst, name, memberLimit: null, inviteTtlMs: null, description: null, iconColor: null, locale: null, createdAt: at(10 - n), updatedAt: at(n) });
        }
        await store.insertOrg({ id: newId(), instanceId: other, name: 'alpha elsewhere', memberLimit: null, inviteTtlMs: null, description: null, iconColor: null, locale: null, createdAt: at(0), updatedAt: at(0) });
        const list = (q: Partial<Parameters<Store['listOrgs']>[1]> = {}) =>
          store.listOrgs(inst, { sortField: 'name', sortDirection: 'asc', ...q }).then((p) => ({ total: p.totalCount, names: p.items.map((o) => o.name) }));
        expect(await list(), 'names sort without regard to case').toEqual({ total: 4, names: ['Alpha', 'alpha two', 'beta', 'Gamma'] });
        expect((await list({ sortField: 'creationDate' })).names).toEqual(['Gamma', 'alpha two', 'Alpha', 'beta']);
        expect((await list({ sortField: 'lastUpdated', sortDirection: 'desc' })).names).toEqual(['Gamma', 'alpha two', 'Alpha', 'beta']);
        expect((await list({ sortField: 'id' })).names).toEqual(names);
        expect(await list({ filterField: 'name', filter: compileGlob('alpha*') })).toEqual({ total: 2, names: ['Alpha', 'alpha two'] });
        expect(await list({ filterField: 'name', filter: compileGlob('*A') })).toEqual({ total: 3, names: ['Alpha', 'beta', 'Gamma'] });
        expect(await list({ offset: 1, limit: 2 })).toEqual({ total: 4, names: ['alpha two', 'beta'] });
      });

      it('list every instance oldest first, each with its number of orgs', async () => {
        const [empty, busy] = [newId(), newId()];
        await store.insertInstance({ id: busy, name: 'Busy', createdAt: at(-2) });
        await store.insertInstance({ id: empty, name: 'Empty', createdAt: at(-1) });
        for (const name of ['one', 'two', 'three']) {
          await store.insertOrg({ id: newId(), instanceId: busy, name, memberLimit: null, inviteTtlMs: null, description: null, iconColor: null, locale: null, createdAt: at(0), updatedAt: at(0) });
        }
        const listed = await store.listInstances();
        expect(listed.map((i) => i.createdAt)).toEqual(listed.map((i) => i.createdAt).sort());
        expect(listed.filter((i) => i.id === busy || i.id === empty)).toEqual([
          { id: busy, name: 'Busy', createdAt: at(-2), orgCount: 3 },
          { id: empty, name: 'Empty', createdAt: at(-1), orgCount: 0 },
        ]);
        expect(listed.find((i) => i.id === instanceId)?.orgCount).toBeGreaterThanOrEqual(2);
      });

      it('update an org: the fields given, the name as the name sort and globs see it; null clears', async () => {
        const id = newId();
        const org = { id, instanceId, name: 'Before', memberLimit: 5, inviteTtlMs: 60_000, description: 'old', iconColor: '#fff', locale: null, createdAt: at(0), updatedAt: at(0) };
        await store.insertOrg(org);
        const renamed = { ...org, name: 'Zebra Renamed', description: null, memberLimit: null, inviteTtlMs: 30 * 86_400_000, locale: 'pt-BR', updatedAt: at(9) };
        expect(await store.updateOrg(id, { name: 'Zebra Renamed', description: null, memberLimit: null, inviteTtlMs: 30 * 86_400_000, locale: 'pt-BR', updatedAt: at(9) })).toEqual(renamed);
        expect(await store.getOrg(id)).toEqual(renamed);
        expect(await store.updateOrg(id, { memberLimit: 7, updatedAt: at(10) })).toEqual({ ...renamed, memberLimit: 7, updatedAt: at(10) });
        const found = await store.listOrgs(instanceId, { sortField: 'name', sortDirection: 'asc', filterField: 'name', filter: compileGlob('zebra*') });
        expect(found.items.map((o) => o.id)).toEqual([id]);
        expect(await store.updateOrg(newId(), { name: 'Nobody', updatedAt: at(11) })).toBeNull();
      });

      it("count each org's members and live invites (pending, unexpired at the instant given)", async () => {
        const [busy, quiet] = [newId(), newId()];
        for (const id of [busy, quiet]) {
          await store.insertOrg({ id, instanceId, name: `Counted ${id}`, memberLimit: null, inviteTtlMs: null, description: null, iconColor: null, locale: null, createdAt: at(0), updatedAt: at(0) });
        }
        const [a, b] = [user('counted-a@example.com'), user('counted-b@example.com')];
        for (const u of [a, b]) {
          await store.insertUser(u);
          await store.insertMember(member(u, { orgId: busy }));
        }
        const live = invite('counted-live@example.com', { orgId: busy, expiresAt: at(5000) });
        const expired = invite('counted-expired@example.com', { orgId: busy, expiresAt: at(500) });
        const revoked = invite('counted-revoked@example.com', { orgId: busy, status: 'revoked', expiresAt: at(5000) });
        for (const i of [live, expired, revoked]) await store.insertInvite(i, `hash-${i.id}`);
        const counts = await store.countOrgPeople([busy, quiet, newId()], at(1000));
        expect(counts.get(busy)).toEqual({ members: 2, pendingInvites: 1 });
        expect(counts.get(quiet) ?? { members: 0, pendingInvites: 0 }).toEqual({ members: 0, pendingInvites: 0 });
        expect((await store.countOrgPeople([busy], at(0))).get(busy)).toEqual({ members: 2, pendingInvites: 2 });
        expect((await store.countOrgPeople([], at(0))).size).toBe(0);
      });

      it('name the inviter: the user of the token that sent the live link, none for an instance token', async () => {
        const person = user('inviter@example.com', { firstName: 'Ida' });
        await store.insertUser(person);
        const userToken = { id: newId(), instanceId, userId: person.id, orgId: null, scopes: ['all.User'], createdAt: at(0), expiresAt: null, revokedAt: null };
        const instanceToken = { ...userToken, id: newId(), userId: null, orgId: null, scopes: ['all.Instance'] };
        await store.insertToken(userToken, `hash-${userToken.id}`);
        await store.insertToken(instanceToken, `hash-${instanceToken.id}`);
        const byPerson = invite('by-person@example.com', { invitedByTokenId: userToken.id });
        const byInstance = invite('by-instance@example.com', { invitedByTokenId: instanceToken.id });
        await store.insertInvite(byPerson, `t-${byPerson.id}`);
        await store.insertInvite(byInstance, `t-${byInstance.id}`);
        expect(await store.getInviter(byPerson.id)).toEqual(person);
        expect(await store.getInviter(byInstance.id)).toBeNull();
        await store.updatePendingInvite(byInstance.id, { invitedByTokenId: userToken.id });
        expect(await store.getInviter(byInstance.id)).toEqual(person);
      });

      it('one user per email; ensureUser keeps the existing one', async () => {
        const u = user('unique@example.com', { firstName: 'Uma', twoFactorAuthEnabled: true });
        await store.insertUser(u);
        expect(await store.getUser(u.id)).toEqual(u);
        expect(await store.getUserByEmail('unique@example.com')).toEqual(u);
        await expect(store.insertUser({ ...u, id: newId() })).rejects.toEqual(new UniqueViolation('user_email'));
        expect(await store.ensureUser(user('unique@example.com'))).toEqual(u);
        const created = user('ensured@example.com');
        expect(await store.ensureUser(created)).toEqual(created);
      });

      it('ensureUser called concurrently for one new email makes one user', async () => {
        const results = await Promise.all(Array.from({ length: 8 }, () => store.ensureUser(user('together@example.com'))));
        expect(new Set(results.map((r) => r.id)).size).toBe(1);
      });

      it("find a user in an instance only through the instance: its members, its orgs' members, its pending invitees", async () => {
        const otherInstance = newId();
        await store.insertInstance({ id: otherInstance, name: 'Other', createdAt: at(0) });
        const foreignOrg = newId();
        await store.insertOrg({ id: foreignOrg, instanceId: otherInstance, name: 'Foreign', memberLimit: null, inviteTtlMs: null, description: null, iconColor: null, locale: null, createdAt: at(0), updatedAt: at(0) });
        const [admin, orgMember, invitee, revokedInvitee, foreign, nobody] = ['a', 'm', 'i', 'r', 'f', 'n'].map((t) => user(`${t}-in-instance@example.com`));
        for (const u of [admin, orgMember, invitee, revokedInvitee, foreign, nobody]) await store.insertUser(u);
        await store.setInstanceMember(instanceId, admin.id, 'view');
        await store.insertMember(member(orgMember, { orgId: otherOrgId }));
        await store.insertInvite(invite(invitee.email), `hash-${invitee.id}`);
        await store.insertInvite(invite(revokedInvitee.email, { status: 'revoked' }), `hash-${revokedInvitee.id}`);
        await store.setInstanceMember(otherInstance, foreign.id, 'admin');
        await store.insertMember(member(foreign, { orgId: foreignOrg }));
        const found = async (u: UserRecord) => (await store.getUserInInstance(instanceId, u.id))?.email ?? null;
        expect(await Promise.all([admin, orgMember, invitee].map(found))).toEqual([admin.email, orgMember.email, invitee.email]);
        expect(await Promise.all([revokedInvitee, foreign, nobody].map(found))).toEqual([null, null, null]);
        expect((await store.getUserInInstance(otherInstance, foreign.id))?.id).toBe(foreign.id);
      });

      it('instance roles are set and replaced', async () => {
        const u = user('role@example.com');
        await store.insertUser(u);
        expect(await store.getInstanceRole(instanceId, u.id)).toBeNull();
        await store.setInstanceMember(instanceId, u.id, 'view');
        await store.setInstanceMember(instanceId, u.id, 'admin');
        expect(await store.getInstanceRole(instanceId, u.id)).toBe('admin');
      });
    });

    describe('tokens', () => {
      it('are found by hash only, and revoked once', async () => {
        const token = { id: newId(), instanceId, userId: null, orgId: null, scopes: ['all.Instance'], createdAt: at(0), expiresAt: at(5000), revokedAt: null };
        await store.insertToken(token, 'token-hash');
        expect(await store.getTokenByHash('token-hash')).toEqual(token);
        expect(await store.getTokenByHash('other')).toBeNull();
        expect(await store.revokeToken(token.id, at(1))).toBe(true);
        expect(await store.revokeToken(token.id, at(2))).toBe(false);
        expect((await store.getTokenByHash('token-hash'))?.revokedAt).toBe(at(1));
      });

      it("list an instance's tokens newest first, paged, without their hashes, and no other instance's", async () => {
        const inst = newId();
        const other = newId();
        for (const id of [inst, other]) await store.insertInstance({ id, name: 'Tokens', createdAt: at(0) });
        const made = [0, 1, 2].map((n) => ({ id: newId(T0 + n), instanceId: inst, userId: null, orgId: null, scopes: [`scope.${n}`], createdAt: at(n), expiresAt: n === 1 ? at(99) : null, revokedAt: n === 2 ? at(50) : null }));
        for (const t of made) await store.insertToken(t, `listed-hash-${t.id}`);
        await store.insertToken({ ...made[0], id: newId(), instanceId: other }, 'listed-hash-other');
        const page = await store.listTokens(inst, { offset: 0, limit: 10 });
        expect(page).toEqual({ items: [made[2], made[1], made[0]], totalCount: 3 });
        expect(JSON.stringify(page)).not.toContain('listed-hash');
        expect(await store.listTokens(inst, { offset: 1, limit: 1 })).toEqual({ items: [made[1]], totalCount: 3 });
        expect(await store.listTokens(newId(), { offset: 0, limit: 10 })).toEqual({ items: [], totalCount: 0 });
      });
    });

    describe('invites', () => {
      it('round-trip with their role overrides, by id and by token hash', async () => {
        const i = invite('roundtrip@example.com', {
          applicationRoles: [{ resourceId: 'a'.repeat(24), role: 'collaborate' }],
          dashboardRoles: [{ resourceId: 'b'.repeat(24), role: 'none' }],
          disallowTransfer: true,
          ttl: 30 * 86_400_000,
          invitedByTokenId: newId(),
        });
        await store.insertInvite(i, 'hash-roundtrip');
        expect(await store.getInvite(orgId, i.id)).toEqual(i);
        expect(await store.getInviteByTokenHash('hash-roundtrip')).toEqual(i);
        expect(await store.getInvite(otherOrgId, i.id)).toBeNull();
      });

      it('one pending invite per org and email; other orgs and ended invites do not count', async () => {
        const first = invite('once@example.com');
        await store.insertInvite(first, 'hash-once-1');
        await expect(store.insertInvite(invite('once@example.com'), 'hash-once-2')).rejects.toEqual(new UniqueViolation('invite_pending'));
        await store.insertInvite(invite('once@example.com', { orgId: otherOrgId }), 'hash-once-3');
        await store.updatePendingInvite(first.id, { status: 'revoked' });
        await store.insertInvite(invite('once@example.com'), 'hash-once-4');
      });

      it('a pending invite changes state exactly once under concurrency', async () => {
        const i = invite('claim@example.com');
        await store.insertInvite(i, 'hash-claim');
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, n) => store.updatePendingInvite(i.id, { status: n % 2 ? 'accepted' : 'rejected' })),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.updatePendingInvite(i.id, { role: 'admin' })).toBeNull();
      });

      it('a claim guarded by the link it matched fails once the link was replaced', async () => {
        const i = invite('relinked@example.com');
        await store.insertInvite(i, 'hash-relink-1');
        await store.updatePendingInvite(i.id, { tokenHash: 'hash-relink-2' });
        expect(await store.updatePendingInvite(i.id, { status: 'accepted' }, 'hash-relink-1')).toBeNull();
        expect(await store.updatePendingInvite(i.id, { status: 'accepted' }, 'hash-relink-2')).toMatchObject({ status: 'accepted' });
      });

      it('resend-style changes rewrite token, dates and roles', async () => {
        const i = invite('change@example.com');
        await store.insertInvite(i, 'hash-change-1');
        const changed = await store.updatePendingInvite(i.id, {
          tokenHash: 'hash-change-2',
          inviteDate: at(10),
          ttl: 50,
          expiresAt: at(60),
          role: 'admin',
          applicationRoles: [{ resourceId: 'c'.repeat(24), role: 'view' }],
        });
        expect(changed).toMatchObject({ inviteDate: at(10), ttl: 50, expiresAt: at(60), role: 'admin', dashboardRoles: [] });
        expect(await store.getInviteByTokenHash('hash-change-1')).toBeNull();
        expect((await store.getInviteByTokenHash('hash-change-2'))?.id).toBe(i.id);
      });

      it('retires expired or all pending invites of an email, and counts seats', async () => {
        const org = newId();
        await store.insertOrg({ id: org, instanceId, name: 'Seats', memberLimit: 3, inviteTtlMs: null, description: null, iconColor: null, locale: null, createdAt: at(0), updatedAt: at(0) });
        const live = invite('live@example.com', { orgId: org, expiresAt: at(5000) });
        const old = invite('old@example.com', { orgId: org, expiresAt: at(100) });
        await store.insertInvite(live, 'hash-live');
        await store.insertInvite(old, 'hash-old');
        const u = user('seated@example.com');
        await store.insertUser(u);
        await store.insertMember(member(u, { orgId: org }));
        expect(await store.countSeats(org, at(50))).toBe(3);
        expect(await store.countSeats(org, at(200))).toBe(2);
        expect(await store.retirePendingInvites(org, 'live@example.com', 'replaced', at(200))).toEqual([]);
        expect(await store.retirePendingInvites(org, 'old@example.com', 'replaced', at(200))).toEqual([old.id]);
        expect(await store.retirePendingInvites(org, 'live@example.com', 'replaced', null)).toEqual([live.id]);
        expect((await store.getInvite(org, live.id))?.status).toBe('replaced');
        expect(await store.countSeats(org, at(0))).toBe(1);
      });

      describe('lists', () => {
        const listOrg = newId();
        const emails = ['b@x.com', 'a_c@x.com', 'abc@x.com', 'c@y.org', 'zz@x.com'];
        beforeAll(async () => {
          await store.insertOrg({ id: listOrg, instanceId, name: 'Lists', memberLimit: null, inviteTtlMs: null, description: null, iconColor: null, locale: null, createdAt: at(0), updatedAt: at(0) });
          for (const [n, email] of emails.entries()) {
            await store.insertInvite(invite(email, { orgId: listOrg, inviteDate: at(n * 10), role: n % 2 ? 'admin' : 'view' }), `hash-list-${n}`);
          }
          const gone = invite('gone@x.com', { orgId: listOrg });
          await store.insertInvite(gone, 'hash-list-gone');
          await store.updatePendingInvite(gone.id, { status: 'accepted' });
        });
        const list = (q: Partial<Parameters<Store['listInvites']>[1]> = {}) =>
          store.listInvites(listOrg, { sortField: 'inviteDate', sortDirection: 'asc', ...q }).then((p) => ({ ...p, emails: p.items.map((i) => i.email) }));

        it('show pending invites only, sorted by each field both ways', async () => {
          expect((await list()).emails).toEqual(emails);
          expect((await list({ sortDirection: 'desc' })).emails).toEqual([...emails].reverse());
          expect((await list({ sortField: 'email' })).emails).toEqual([...emails].sort());
          expect((await list({ sortField: 'email', sortDirection: 'desc' })).emails).toEqual([...emails].sort().reverse());
          const byRole = (await list({ sortField: 'role' })).items.map((i) => i.role);
          expect(byRole).toEqual(['admin', 'admin', 'view', 'view', 'view']);
        });

        it('filter with globs: wildcards, literal SQL wildcards, whole field', async () => {
          const f = (glob: string, field: 'email' | 'role' = 'email') => list({ sortField: 'email', filterField: field, filter: compileGlob(glob) });
          expect((await f('*@x.com')).emails).toEqual(['a_c@x.com', 'abc@x.com', 'b@x.com', 'zz@x.com']);
          expect((await f('a?c@x.com')).emails).toEqual(['a_c@x.com', 'abc@x.com']);
          expect((await f('a_c@x.com')).emails).toEqual(['a_c@x.com']);
          expect((await f('A*')).emails).toEqual(['a_c@x.com', 'abc@x.com']);
          expect((await f('b')).emails).toEqual([]);
          expect((await f('%')).emails).toEqual([]);
          expect((await f('ADM?N', 'role')).totalCount).toBe(2);
        });

        it('page with limit and offset, totalCount counting the whole match', async () => {
          const page = await list({ sortField: 'email', limit: 2, offset: 2 });
          expect(page.emails).toEqual([...emails].sort().slice(2, 4));
          expect(page.totalCount).toBe(5);
          expect((await list({ limit: 2, offset: 10 })).items).toEqual([]);
        });

        it(`count a paged list up to ${COUNT_CAP} matches, or just past the page asked for, and say when they stopped`, async () => {
          const big = newId();
          await store.insertOrg({ id: big, instanceId, name: 'Big', memberLimit: null, inviteTtlMs: null, description: null, iconColor: null, locale: null, createdAt: at(0), updatedAt: at(0) });
          const total = COUNT_CAP + 5;
          await store.transaction(async (s) => {
            for (let n = 0; n < total; n++) await s.insertInvite(invite(`big${n}@x.com`, { orgId: big }), `hash-big-${n}`);
          });
          const page = (q: Partial<Parameters<Store['listInvites']>[1]>) => store.listInvites(big, { sortField: 'email', sortDirection: 'asc', ...q });
          const first = await page({ limit: 100, offset: 0 });
          expect(first.items).toHaveLength(100);
          expect([first.totalCount, first.totalCountCapped]).toEqual([COUNT_CAP, true]);
          // Past the cap the count reaches the page asked for, so a next page is always known.
          const deep = await page({ limit: 100, offset: COUNT_CAP - 50 });
          expect([deep.items.length, deep.totalCount, deep.totalCountCapped]).toEqual([55, total, undefined]);
          const whole = await page({});
          expect([whole.items.length, whole.totalCount, whole.totalCountCapped]).toEqual([total, total, undefined]);
          const filtered = await page({ limit: 10, filterField: 'email', filter: compileGlob('big1*') });
          expect([filtered.totalCount, filtered.totalCountCapped]).toEqual([1 + 10 + 100 + 1000 + 5, undefined]);
        });

        it('find what a glob matches through the trigram index (runs of three characters or more) as they would without it', async () => {
          const trgmOrg = newId();
          await store.insertOrg({ id: trgmOrg, instanceId, name: 'Trigrams', memberLimit: null, inviteTtlMs: null, description: null, iconColor: null, locale: null, createdAt: at(0), updatedAt: at(0) });
          const pending = ['john.smith@x.com', 'smithson@y.org', 'j_smith@x.com', 'a%smith@x.com', 'axsmith@x.com', 'smi.th@x.com', 'jörg.smith@x.com', 'say "hi"@x.com', 'nobody@x.com'];
          // Enough others that the index is worth reading for a glob few of them match (SQLite weighs that).
          const others = Array.from({ length: 300 }, (_, n) => `other${n}@z.org`);
          await store.transaction(async (tx) => {
            for (const [n, email] of [...pending, ...others].entries()) await tx.insertInvite(invite(email, { orgId: trgmOrg }), `hash-trgm-${trgmOrg}-${n}`);
          });
          // Not pending, in another org, or rolled back: never listed.
          const accepted = invite('accepted.smith@x.com', { orgId: trgmOrg });
          await store.insertInvite(accepted, `hash-trgm-${trgmOrg}-accepted`);
          await store.updatePendingInvite(accepted.id, { status: 'accepted' });
          await store.insertInvite(invite('other.smith@x.com', { orgId: otherOrgId }), `hash-trgm-${trgmOrg}-other`);
          const rolledBack = store.transaction(async (tx) => {
            await tx.insertInvite(invite('rolled.smith@x.com', { orgId: trgmOrg }), `hash-trgm-${trgmOrg}-rolled`);
            throw new Error('rolled back');
          });
          await expect(rolledBack).rejects.toThrow('rolled back');

          // The oracle: the glob as a regular expression over the pending emails.
          const expected = (glob: string) => {
            const pattern = [...glob].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
            return [...pending, ...others].filter((e) => new RegExp(`^${pattern}$`, 'i').test(e)).sort();
          };
          const globs = ['*smith*', '*SMITH@x.com', '*_smith*', '*%smith*', '*smi?th*', '*mit*son*', 'j*smith*', '*örg*', '*"hi"*', '*smi.th*', '*xyz*', '*sm*', '*@z.org'];
          for (const glob of globs) {
            const from = queries.length;
            const page = await store.listInvites(trgmOrg, { sortField: 'email', sortDirection: 'asc', filterField: 'email', filter: compileGlob(glob), limit: 1000, offset: 0 });
            expect(page.items.map((i) => i.email), glob).toEqual(expected(glob));
            expect(page.totalCount, glob).toBe(expected(glob).length);
            // SQLite chooses the index in the store (PostgreSQL's planner does, see the plan test).
            if (kind.name === 'sqlite') {
              const viaTrigrams = queries.slice(from).some((q) => /order by/.test(q.sql) && /invites_email_trigrams match/.test(q.sql));
              // Most of the org matches `*@z.org`: its own index is the cheaper read.
              expect(viaTrigrams, glob).toBe(glob !== '*@z.org' && compileGlob(glob).runs.some((run) => [...run].length >= 3));
            }
          }
          expect(expected('*smith*')).toHaveLength(6);
        });
      });
    });

    describe('members', () => {
      it('one membership per org and user; get, update, delete', async () => {
        const u = user('member@example.com', { firstName: 'Mia', lastName: 'M', avatarUrl: 'https://a.example/m.png', ssoLinked: true });
        await store.insertUser(u);
        await store.insertMember(member(u, { role: 'edit', disallowTransfer: true }));
        await expect(store.insertMember(member(u))).rejects.toEqual(new UniqueViolation('member'));
        expect(await store.getMember(orgId, u.id)).toMatchObject({
          email: 'member@example.com',
          role: 'edit',
          firstName: 'Mia',
          lastName: 'M',
          avatarUrl: 'https://a.example/m.png',
          ssoLinked: true,
          twoFactorAuthEnabled: false,
          disallowTransfer: true,
        });
        const roles = [{ resourceId: 'd'.repeat(24), role: 'view' as const }];
        expect(await store.updateMember(orgId, u.id, { role: 'admin', dashboardRoles: roles })).toBe(true);
        expect(await store.getMember(orgId, u.id)).toMatchObject({ role: 'admin', dashboardRoles: roles, applicationRoles: [] });
        expect(await store.updateMember(otherOrgId, u.id, { role: 'view' })).toBe(false);
        expect(await store.deleteMember(orgId, u.id)).toBe(true);
        expect(await store.deleteMember(orgId, u.id)).toBe(false);
        expect(await store.getMember(orgId, u.id)).toBeNull();
      });

      it('list sorted, filtered and paged', async () => {
        const org = newId();
        await store.insertOrg({ id: org, instanceId, name: 'Members', memberLimit: null, inviteTtlMs: null, description: null, iconColor: null, locale: null, createdAt: at(0), updatedAt: at(0) });
        for (const [email, role] of [['m3@x.com', 'view'], ['m1@x.com', 'admin'], ['m2@y.com', 'edit']] as const) {
          const u = user(email);
          await store.insertUser(u);
          await store.insertMember(member(u, { orgId: org, role }));
        }
        const list = (q: Partial<Parameters<Store['listMembers']>[1]>) =>
          store.listMembers(org, { sortField: 'email', sortDirection: 'asc', ...q }).then((p) => ({ ...p, emails: p.items.map((m) => m.email) }));
        expect((await list({})).emails).toEqual(['m1@x.com', 'm2@y.com', 'm3@x.com']);
        expect((await list({ sortField: 'role', sortDirection: 'desc' })).emails).toEqual(['m3@x.com', 'm2@y.com', 'm1@x.com']);
        expect((await list({ filterField: 'email', filter: compileGlob('*@X.COM') })).emails).toEqual(['m1@x.com', 'm3@x.com']);
        const page = await list({ limit: 1, offset: 1 });
        expect(page).toMatchObject({ emails: ['m2@y.com'], totalCount: 3 });
      });
    });

    describe('outbox', () => {
      it('finds the latest mail of more invites than one statement may bind (an unpaged list of a large org)', async () => {
        const known = mail({ inviteId: newId() });
        await store.enqueueMail(known);
        const ids = [...Array.from({ length: 70_000 }, () => newId()), known.inviteId!];
        const latest = await store.latestMailOf(ids);
        expect([...latest.keys()]).toEqual([known.inviteId]);
        expect(latest.get(known.inviteId!)).toMatchObject({ id: known.id });
        // Out of the way of the claims below.
        await store.markMailFailed(known.id, 'done with');
      });

      it('each due message is claimed by exactly one of many concurrent senders', async () => {
        const ids = [];
        for (let n = 0; n < 20; n++) {
          const m = mail({ nextAttemptAt: at(n) });
          ids.push(m.id);
          await store.enqueueMail(m);
        }
        await store.enqueueMail(mail({ nextAttemptAt: at(1_000_000) }));
        const claims = await Promise.all(Array.from({ length: 5 }, () => store.claimDueMail(at(100), at(60_100), 20)));
        const claimed = claims.flat().map((m) => m.id);
        expect(claimed.sort()).toEqual(ids.sort());
        expect(await store.claimDueMail(at(100), at(60_100), 20)).toEqual([]);
        // A lease that ran out (its sender died) makes the message due again.
        expect((await store.claimDueMail(at(60_200), at(120_000), 50)).length).toBe(20);
      });

      it('records sent, retry, failure and cancellation', async () => {
        const sent = mail({ inviteId: 'i1' });
        const retry = mail();
        const failed = mail();
        const cancelled = mail({ inviteId: 'i2' });
        for (const m of [sent, retry, failed, cancelled]) await store.enqueueMail(m);
        await store.markMailSent(sent.id, at(5));
        await store.markMailRetry(retry.id, at(500), 'try later');
        await store.markMailFailed(failed.id, '550 no such user');
        const failedOfInvite = mail({ inviteId: 'i3' });
        await store.enqueueMail(failedOfInvite);
        await store.markMailFailed(failedOfInvite.id, '550 mailbox full');
        expect(await store.cancelUndeliveredMail('i1')).toBe(0);
        expect(await store.cancelUndeliveredMail('i2')).toBe(1);
        expect(await store.cancelUndeliveredMail('i3'), 'failed mail is cancelled too').toBe(1);
        expect(await store.requeueFailedMail(failedOfInvite.id, at(10))).toBe(false);
        expect(await store.getMail(sent.id)).toMatchObject({ status: 'sent', sentAt: at(5), attempts: 1, text: null, html: null });
        expect(await store.getMail(retry.id)).toMatchObject({ status: 'queued', nextAttemptAt: at(500), attempts: 1, lastError: 'try later' });
        expect(await store.getMail(failed.id)).toMatchObject({ status: 'failed', attempts: 1, lastError: '550 no such user' });
        expect(await store.getMail(cancelled.id)).toMatchObject({ status: 'cancelled', text: null });
      });
    });

    describe('mail problems', () => {
      it('lists failed and retrying mail of the instance only, newest first, and retries only live ones', async () => {
        const otherInstance = newId();
        await store.insertInstance({ id: otherInstance, name: 'Other', createdAt: at(0) });
        const foreignOrg = newId();
        await store.insertOrg({ id: foreignOrg, instanceId: otherInstance, name: 'Foreign', memberLimit: null, inviteTtlMs: null, description: null, iconColor: null, locale: null, createdAt: at(0), updatedAt: at(0) });
        const mailOf = async (n: number, org: string, status: 'failed' | 'retrying' | 'sent' | 'queued', inviteExtra: Partial<InviteRecord> = {}) => {
          const i = invite(`problem-${n}-${newId()}@example.com`, { orgId: org, expiresAt: at(100_000), ...inviteExtra });
          await store.insertInvite(i, `hash-${i.id}`);
          const m = mail({ inviteId: i.id, createdAt: at(n), to: i.email });
          await store.enqueueMail(m);
          if (status === 'failed') await store.markMailFailed(m.id, `550 no such user ${n}`);
          if (status === 'retrying') await store.markMailRetry(m.id, at(5000), `421 try later ${n}`);
          if (status === 'sent') await store.markMailSent(m.id, at(5));
          return m;
        };
        const failed = await mailOf(1, orgId, 'failed');
        const retrying = await mailOf(2, otherOrgId, 'retrying');
        const sent = await mailOf(3, orgId, 'sent');
        await mailOf(4, orgId, 'queued');
        const foreign = await mailOf(5, foreignOrg, 'failed');
        const dead = await mailOf(6, orgId, 'failed', { status: 'revoked' });

        const all = await store.listMailProblems(instanceId, { offset: 0, limit: 10 });
        expect(all.items.map((m) => m.id)).toEqual([dead.id, retrying.id, failed.id]);
        expect(all.totalCount).toBe(3);
        expect(all.items[1]).toMatchObject({ orgId: otherOrgId, status: 'queued', attempts: 1, lastError: '421 try later 2', nextAttemptAt: at(5000) });
        expect((await store.listMailProblems(instanceId, { status: 'retrying', offset: 0, limit: 10 })).items.map((m) => m.id)).toEqual([retrying.id]);
        expect((await store.listMailProblems(instanceId, { status: 'failed', orgId, offset: 0, limit: 10 })).items.map((m) => m.id)).toEqual([dead.id, failed.id]);
        expect(await store.listMailProblems(instanceId, { offset: 1, limit: 1 })).toMatchObject({ items: [{ id: retrying.id }], totalCount: 3 });
        expect((await store.listMailProblems(otherInstance, { offset: 0, limit: 10 })).items.map((m) => m.id)).toEqual([foreign.id]);

        expect(await store.getInstanceMail(instanceId, foreign.id), "another instance's mail").toBeNull();
        expect(await store.getInstanceMail(instanceId, sent.id)).toMatchObject({ id: sent.id, orgId, status: 'sent' });

        expect(await store.retryMailNow(sent.id, at(10)), 'sent mail').toBe(false);
        expect(await store.retryMailNow(dead.id, at(10)), "a revoked invite's mail").toBe(false);
        expect(await store.retryMailNow(failed.id, at(200_000)), 'an expired invite').toBe(false);
        expect(await store.retryMailNow(failed.id, at(10))).toBe(true);
        expect(await store.getMail(failed.id)).toMatchObject({ status: 'queued', attempts: 0, nextAttemptAt: at(10) });
        expect(await store.retryMailNow(failed.id, at(11)), 'queued without a failed attempt').toBe(false);
        expect(await store.retryMailNow(retrying.id, at(10))).toBe(true);
        expect(await store.getMail(retrying.id)).toMatchObject({ status: 'queued', attempts: 0, nextAttemptAt: at(10) });
        expect((await store.claimDueMail(at(10), at(60_000), 10)).map((m) => m.id)).toEqual(expect.arrayContaining([failed.id, retrying.id]));
      });
    });

    describe('transactions', () => {
      it('roll back on error and see their own writes', async () => {
        const u = user('tx@example.com');
        await expect(
          store.transaction(async (tx) => {
            await tx.insertUser(u);
            expect(await tx.getUser(u.id)).toEqual(u);
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await store.getUser(u.id)).toBeNull();
      });

      it('reads outside a transaction are answered while a write transaction is open, with what was committed only', async () => {
        const readOrg = newId();
        await store.insertOrg({ id: readOrg, instanceId, name: 'Read while writing', memberLimit: null, inviteTtlMs: null, description: null, iconColor: null, locale: null, createdAt: at(0), updatedAt: at(0) });
        const committed = invite('committed@example.com', { orgId: readOrg });
        await store.insertInvite(committed, 'hash-committed');
        const u = user('uncommitted@example.com');
        const token = { id: newId(), instanceId, userId: null, orgId: null, scopes: ['all.Instance'], createdAt: at(0), expiresAt: null, revokedAt: null };
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        let wrote!: () => void;
        const written = new Promise<void>((resolve) => (wrote = resolve));
        const open = store.transaction(async (tx) => {
          await tx.insertUser(u);
          await tx.insertToken(token, 'hash-uncommitted');
          await tx.insertInvite(invite('uncommitted@example.com', { orgId: readOrg }), 'hash-uncommitted-invite');
          await tx.insertMember(member(u, { orgId: readOrg }));
          await tx.enqueueMail(mail({ inviteId: committed.id }));
          wrote();
          await held;
        });
        try {
          await written;
          const list = { sortField: 'email', sortDirection: 'asc', limit: 10, offset: 0 } as const;
          const reads = Promise.all([
            store.getOrg(readOrg),
            store.getInvite(readOrg, committed.id),
            store.getTokenByHash('hash-uncommitted'),
            store.getUser(u.id),
            store.listInvites(readOrg, list),
            store.listMembers(readOrg, list),
            store.latestMailOf([committed.id]),
          ]);
          const timedOut = new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 2000).unref());
          const answered = await Promise.race([reads, timedOut]);
          expect(answered, 'the reads waited for the write transaction to end').not.toBe('waited');
          const [org, found, tokenRead, userRead, invites, members, latest] = answered as Awaited<typeof reads>;
          expect(org?.id).toBe(readOrg);
          expect(found).toEqual(committed);
          expect(tokenRead).toBeNull();
          expect(userRead).toBeNull();
          expect(invites.items.map((i) => i.email)).toEqual(['committed@example.com']);
          expect(members.items).toEqual([]);
          expect(latest.size).toBe(0);
        } finally {
          release();
          await open;
        }
        // Once committed, the same reads see it all.
        expect(await store.getTokenByHash('hash-uncommitted')).toEqual(token);
        expect(await store.getUser(u.id)).toEqual(u);
        expect((await store.listMembers(readOrg, { sortField: 'email', sortDirection: 'asc' })).items.map((m) => m.email)).toEqual(['uncommitted@example.com']);
        expect((await store.latestMailOf([committed.id])).size).toBe(1);
      });

      it.each([{ org: 'the org' }, { email: 'Lock.Holder@example.com' }, 'setup'] as const)(
        'locks only inside a transaction, and serialise holders of the same lock (%j)',
        async (given) => {
          const key = typeof given === 'object' && 'org' in given ? { org: orgId } : given;
          await expect(store.lock(key)).rejects.toThrow(/inside a transaction/);
          const order: string[] = [];
          await Promise.all(
            ['a', 'b', 'c'].map((name) =>
              store.transaction(async (tx) => {
                await tx.lock(key);
                order.push(`${name}-in`);
                await new Promise((r) => setTimeout(r, 20));
                order.push(`${name}-out`);
              }),
            ),
          );
          for (let n = 0; n < order.length; n += 2) expect(order[n].split('-')[0]).toBe(order[n + 1].split('-')[0]);
        },
      );

      it('run a transaction again when the database aborted it for a retryable reason, a few times at most, and only the outermost', async () => {
        const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
        let outer = 0;
        let inner = 0;
        const failing = store.transaction(async (tx) => {
          outer++;
          await tx.getUser(newId());
          // A nested transaction joins the outer one: the retry is the outer one's.
          await tx.transaction(async () => {
            inner++;
            throw deadlock;
          });
        });
        await expect(failing).rejects.toBe(deadlock);
        if (kind.name === 'postgres') {
          expect(outer).toBeGreaterThan(1);
          expect(outer).toBeLessThanOrEqual(5);
          // Retries spent: a 503 with Retry-After, never a 500.
          expect(store.isUnavailable(deadlock)).toBe(true);
        } else {
          // SQLite never deadlocks (writers queue), so nothing there is worth a retry.
          expect(outer).toBe(1);
        }
        expect(inner).toBe(outer);

        // Any other error ends the transaction at once.
        let runs = 0;
        await expect(
          store.transaction(async () => {
            runs++;
            throw Object.assign(new Error('duplicate'), { code: '23505' });
          }),
        ).rejects.toThrow('duplicate');
        expect(runs).toBe(1);
      });

      // SQLite has one writer at a time and cannot deadlock: the case exists for PostgreSQL only.
      if (kind.name === 'postgres') {
        it('a real deadlock between two transactions is retried: both commit (PostgreSQL)', async () => {
          // Each takes one email lock, waits until the other has its own, then asks for the
          // other's: PostgreSQL aborts one of them (after deadlock_timeout, 1 s), which runs again.
          const users = [user('deadlock-a@example.com'), user('deadlock-b@example.com')];
          const emails = users.map((u) => u.email);
          let holding = 0;
          const bothHolding = async () => {
            holding++;
            while (holding < 2) await new Promise((r) => setTimeout(r, 5));
          };
          const runs = [0, 0];
          const crosswise = (n: 0 | 1) =>
            store.transaction(async (tx) => {
              runs[n]++;
              await tx.lock({ email: emails[n] });
              await tx.insertUser(users[n]);
              await bothHolding();
              await tx.lock({ email: emails[1 - n] });
            });
          await Promise.all([crosswise(0), crosswise(1)]);
          expect(runs.sort()).toEqual([1, 2]);
          // The retried transaction's first attempt was rolled back: each user exists once.
          for (const u of users) expect(await store.getUser(u.id)).toEqual(u);
        });
      }

      it('ping answers, and ordinary errors are not "unavailable"', async () => {
        await store.ping();
        expect(store.isUnavailable(new Error('nope'))).toBe(false);
      });
    });

    it('the seat count of a member limit reads the index of live invites, not every pending one', async () => {
      // An org whose pending invites have mostly run out, with statistics the planner can read:
      // on a table of a few rows both partial indexes cost the same and either may be chosen.
      // "Now" is past every other test's invites too, as it is in a deployment that has run a while.
      const seatOrg = newId();
      await store.insertOrg({ id: seatOrg, instanceId, name: 'Seats', memberLimit: 5, inviteTtlMs: null, description: null, iconColor: null, locale: null, createdAt: at(0), updatedAt: at(0) });
      for (let n = 0; n < 400; n++) {
        const live = n < 2;
        await store.insertInvite(invite(`seat-${n}@example.com`, { orgId: seatOrg, expiresAt: at(live ? 1e9 : 500) }), `hash-seat-${seatOrg}-${n}`);
      }
      await analyze(kind.name, db.location);
      const from = queries.length;
      expect(await store.countSeats(seatOrg, at(1e8))).toBe(2);
      const seats = queries.slice(from).filter((q) => /from "invites"/.test(q.sql));
      expect(seats).toHaveLength(1);
      const [plan] = await explain(kind.name, db.location, seats);
      expect(plan).toMatch(/invites_live_by_org/);
    });

    it('an email glob few invites match reads the trigram index; one most of them match reads the org index', async () => {
      const big = newId();
      await store.insertOrg({ id: big, instanceId, name: 'Trigram plans', memberLimit: null, inviteTtlMs: null, description: null, iconColor: null, locale: null, createdAt: at(0), updatedAt: at(0) });
      // PostgreSQL's planner takes the trigram index from about 10,000 invites on.
      await store.transaction(async (s) => {
        for (let n = 0; n < 10_000; n++) await s.insertInvite(invite(`seed${n}@example.com`, { orgId: big }), `hash-plan-${big}-${n}`);
      });
      await analyze(kind.name, db.location);
      const planOf = async (glob: string, expected: number) => {
        const from = queries.length;
        const page = await store.listInvites(big, { sortField: 'email', sortDirection: 'asc', filterField: 'email', filter: compileGlob(glob), limit: 100, offset: 0 });
        expect(page.totalCount, glob).toBe(expected);
        const list = queries.slice(from).filter((q) => /order by/.test(q.sql));
        expect(list, glob).toHaveLength(1);
        return (await explain(kind.name, db.location, list))[0];
      };
      const few = await planOf('*1234*', 1);
      const most = await planOf('*@example.com', COUNT_CAP);
      if (kind.name === 'sqlite') {
        expect(few).toMatch(/SCAN invites_email_trigrams VIRTUAL TABLE[^]*SEARCH invites USING INTEGER PRIMARY KEY/);
        expect(most).not.toMatch(/invites_email_trigrams/);
        expect(most).toMatch(/SEARCH invites USING (COVERING )?INDEX invites_/);
      } else {
        expect(few).toMatch(/Bitmap Index Scan on invites_email_trigrams/);
        expect(most).not.toMatch(/invites_email_trigrams|Seq Scan/);
      }
    });

    it('list queries run on indexes of the org, never a scan of the table', async () => {
      const lists = queries.filter((q) => /^select .* from "(invites|org_members|orgs)"/i.test(q.sql) && /order by|count\(\*\)/i.test(q.sql));
      expect(lists.length).toBeGreaterThan(10);
      expect(lists.filter((q) => /from "orgs"/.test(q.sql)).length, 'org lists were explained').toBeGreaterThan(5);
      const plans = await explain(kind.name, db.location, lists);
      for (const [n, plan] of plans.entries()) {
        const table = /from "(invites|org_members|orgs)"/.exec(lists[n].sql)![1];
        expect(plan, lists[n].sql).not.toMatch(new RegExp(kind.name === 'sqlite' ? `SCAN ${table}\\b(?! USING)` : `Seq Scan on ${table}`));
        expect(plan, lists[n].sql).toMatch(kind.name === 'sqlite' ? /USING (COVERING )?INDEX/ : /Index/);
      }
    });
  });

  describe.skipIf(kind.skipped !== null)(titled(kind, 'opening'), () => {
    it('without create (or without migrating), a missing or empty database is a StartupError saying how to make it, and is left as it was', async () => {
      const fresh = await kind.fresh();
      try {
        if (kind.name === 'sqlite') {
          const refused = openStore(fresh.location, { create: false });
          await expect(refused).rejects.toBeInstanceOf(StartupError);
          await expect(refused).rejects.toThrow(new StartupError(`no database at ${fresh.location} (GATEHOUSE_DATABASE); run gatehouse serve or gatehouse migrate to create it`));
          await expect(openStore(fresh.location, { migrate: false })).rejects.toBeInstanceOf(StartupError);
          expect(readdirSync(dirname(fresh.location))).toEqual([]);
          // An empty file is an empty SQLite database: there, but without Gatehouse's tables.
          writeFileSync(fresh.location, '');
        }
        const where = kind.name === 'sqlite' ? fresh.location : `the PostgreSQL database ${redactDatabaseUrl(fresh.location)}`;
        for (const options of [{ create: false }, { migrate: false }]) {
          const refused = openStore(fresh.location, options);
          await expect(refused).rejects.toBeInstanceOf(StartupError);
          await expect(refused).rejects.toThrow(new StartupError(`${where} (GATEHOUSE_DATABASE) has no Gatehouse tables; run gatehouse migrate to create them`));
        }
        if (kind.name === 'sqlite') {
          expect(readdirSync(dirname(fresh.location))).toEqual(['gatehouse.db']);
          expect(readFileSync(fresh.location)).toHaveLength(0);
        }
        // Created (migrated) once, it opens without create.
        await (await openStore(fresh.location)).close();
        const opened = await openStore(fresh.location, { create: false });
        expect(await opened.countInstances()).toBe(0);
        await opened.close();
      } finally {
        await fresh.dispose();
      }
    });
  });
});

/** The query plan of each statement, through a separate connection to the same database. */
/** Statistics for PostgreSQL's planner; SQLite plans without them, as a deployment's would. */
async function analyze(kind: 'sqlite' | 'postgres', location: string) {
  if (kind === 'sqlite') return;
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  try {
    await client.query('analyze invites');
  } finally {
    await client.end();
  }
}

async function explain(kind: 'sqlite' | 'postgres', location: string, statements: { sql: string; parameters: readonly unknown[] }[]) {
  if (kind === 'sqlite') {
    const reader = openDatabase(location, { readonly: true });
    try {
      return statements.map(({ sql, parameters }) =>
        (reader.prepare(`explain query plan ${sql}`).all(...(parameters as unknown[])) as { detail: string }[]).map((r) => r.detail).join('\n'),
      );
    } finally {
      reader.close();
    }
  }
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  try {
    // The test tables are tiny, where a sequential scan is cheapest; the question is whether
    // an index can serve the query at all, so sequential scans are priced out.
    await client.query('set enable_seqscan = off');
    const plans = [];
    for (const { sql, parameters } of statements) {
      const { rows } = await client.query(`explain ${sql}`, parameters as unknown[]);
      plans.push(rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'));
    }
    return plans;
  } finally {
    await client.end();
  }
}
