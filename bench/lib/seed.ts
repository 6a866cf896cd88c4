import { newId } from '../../src/domain/ids.js';
import type { InviteRecord, MemberRecord } from '../../src/domain/records.js';
import { newOrg } from '../../src/domain/orgs.js';
import { hashSecret, newSecret } from '../../src/domain/secrets.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/domain/store.js';
import type { Seed } from './types.js';

/** What the requests of a Gatehouse-shaped target (Gatehouse itself, the floor) need. */
export interface Fixtures {
  instanceId: string;
  /** An all.Instance API token. */
  token: string;
  orgA: string;
  orgB: string;
  orgC: string;
  inviteA: string;
  accepts: { email: string; token: string }[];
}

const WEEK_MS = 7 * 24 * 3600_000;

/**
 * Seeds a Gatehouse database (SQLite file or PostgreSQL URL) through the store, as described by
 * `Seed`, in one transaction per thousand rows. Links and the API token are made here, so their
 * secrets are known without reading mail.
 */
export async function seedGatehouse(database: string, seed: Seed): Promise<Fixtures> {
  const store = await openStore(database);
  try {
    const now = new Date().toISOString();
    const instanceId = newId();
    await store.insertInstance({ id: instanceId, name: 'Bench', createdAt: now });
    const [orgA, orgB, orgC] = ['Org A', 'Org B', 'Org C'].map((name) => newOrg(instanceId, { name }, new Date()));
    for (const org of [orgA, orgB, orgC]) await store.insertOrg(org);
    const token = newSecret();
    await store.insertToken({ id: newId(), instanceId, userId: null, orgId: null, scopes: ['all.Instance'], createdAt: now, expiresAt: null, revokedAt: null }, hashSecret(token));

    const invite = (orgId: string, email: string): InviteRecord => ({
      id: newId(),
      orgId,
      email,
      role: 'view',
      applicationRoles: [],
      dashboardRoles: [],
      disallowTransfer: false,
      inviteDate: now,
      ttl: WEEK_MS,
      expiresAt: new Date(Date.now() + WEEK_MS).toISOString(),
      status: 'pending',
      invitedByTokenId: null,
      joinLinkId: null,
      locale: null,
    });
    const inviteIds = await inBatches(store, seed.invites, async (s, i) => {
      const record = invite(orgA.id, `seed${i}@example.com`);
      await s.insertInvite(record, hashSecret(newSecret()));
      return record.id;
    });
    await inBatches(store, seed.members, async (s, i) => {
      const user = { id: newId(), email: `member${i}@example.com`, firstName: null, lastName: null, avatarUrl: null, twoFactorAuthEnabled: false, ssoLinked: false, createdAt: now };
      await s.insertUser(user);
      const member: MemberRecord = { orgId: orgA.id, userId: user.id, email: user.email, role: 'view', applicationRoles: [], dashboardRoles: [], disallowTransfer: false, createdAt: now };
      await s.insertMember(member);
    });
    const accepts = await inBatches(store, seed.acceptPool, async (s, i) => {
      const link = { email: `accept${i}@example.com`, token: newSecret() };
      await s.insertInvite(invite(orgB.id, link.email), hashSecret(link.token));
      return link;
    });
    return { instanceId, token, orgA: orgA.id, orgB: orgB.id, orgC: orgC.id, inviteA: inviteIds[Math.floor(inviteIds.length / 2)], accepts };
  } finally {
    await store.close();
  }
}

async function inBatches<T>(store: Store, count: number, make: (s: Store, i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += 1000) {
    await store.transaction(async (s) => {
      for (let i = start; i < Math.min(count, start + 1000); i++) out.push(await make(s, i));
    });
  }
  return out;
}
