/**
 * The TypeScript client against a live Gatehouse on a real port: every method, with promises
 * and with callbacks, and every error path.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Callback, createClient, GatehouseError, GatehouseNetworkError, type GatehouseClient } from '../../client/src/index.js';
import { DAY, type Harness, startHarness } from '../helpers/harness.js';

let h: Harness;
let url: string;
let client: GatehouseClient;
let ids: { instanceId: string; orgId: string };

beforeAll(async () => {
  h = await startHarness();
  url = await h.gh.app.listen({ port: 0, host: '127.0.0.1' });
  client = createClient({ url, accessToken: h.tokens.admin });
  ids = { instanceId: h.instanceId, orgId: h.orgId };
});
afterAll(() => h.close());

/** Calls a method the callback way. */
const viaCallback = <T>(call: (cb: Callback<T>) => void) =>
  new Promise<{ err: Error | null; result?: T }>((resolve) => call((err, result) => resolve({ err, result })));

describe('every method, with promises and with callbacks', () => {
  it('instanceOrgInvites.post and .get', async () => {
    const created = await client.instanceOrgInvites.post({ ...ids, invite: { email: 'One@Example.com', role: 'edit' }, perPage: 1 });
    expect(created).toMatchObject({ count: 1, items: [{ email: 'one@example.com', role: 'edit', mailStatus: 'queued' }] });
    const viaCb = await viaCallback<unknown>((cb) => client.instanceOrgInvites.post({ ...ids, invite: { email: 'two@example.com', role: 'view' } }, cb));
    expect(viaCb.err).toBeNull();
    expect(viaCb.result).toMatchObject({ count: 2 });
    const listed = await client.instanceOrgInvites.get({ ...ids, sortField: 'email', sortDirection: 'asc', filterField: 'email', filter: '*@example.com' });
    expect(listed.items.map((i) => i.email)).toEqual(['one@example.com', 'two@example.com']);
    const cbList = await viaCallback<{ count: number }>((cb) => client.instanceOrgInvites.get({ ...ids, perPage: 1, page: 1 }, cb));
    expect(cbList.result).toMatchObject({ count: 1, totalCount: 2, page: 1 });
  });

  it('instanceOrgInvite.get, .resendInvite, .delete', async () => {
    const { items } = await client.instanceOrgInvites.post({ ...ids, invite: { email: 'three@example.com', role: 'view' }, filterField: 'email', filter: 'three@*' });
    const inviteId = items[0].id;
    expect(await client.instanceOrgInvite.get({ ...ids, inviteId })).toMatchObject({ id: inviteId, email: 'three@example.com' });
    const resent = await client.instanceOrgInvite.resendInvite({ ...ids, inviteId, roleInfo: { role: 'admin' } });
    expect(resent).toMatchObject({ id: inviteId, role: 'admin' });
    const cbGet = await viaCallback<{ role: string }>((cb) => client.instanceOrgInvite.get({ ...ids, inviteId }, cb));
    expect(cbGet.result?.role).toBe('admin');
    expect(await client.instanceOrgInvite.delete({ ...ids, inviteId })).toEqual({ success: true });
    const again = await viaCallback((cb) => client.instanceOrgInvite.delete({ ...ids, inviteId }, cb));
    expect(again.err).toBeInstanceOf(GatehouseError);
    expect(again.err).toMatchObject({ statusCode: 404, type: 'NotFound', message: 'Invite was not found' });
  });

  it('instanceOrgMembers.post and .get, instanceOrgMember.get, .patch, .delete', async () => {
    const member = await client.instanceOrgMembers.post({ ...ids, member: { email: 'member@example.com', role: 'view' } });
    const userId = member.userId;
    const cbPost = await viaCallback<{ email: string }>((cb) => client.instanceOrgMembers.post({ ...ids, member: { email: 'other@example.com', role: 'edit' } }, cb));
    expect(cbPost.result?.email).toBe('other@example.com');
    expect((await client.instanceOrgMembers.get({ ...ids, sortField: 'role', sortDirection: 'desc' })).items.map((m) => m.role)).toEqual(['view', 'edit']);
    expect(await client.instanceOrgMember.get({ ...ids, userId })).toMatchObject({ userId, role: 'view' });
    expect(await client.instanceOrgMember.patch({ ...ids, userId, member: { role: 'collaborate' } })).toMatchObject({ role: 'collaborate' });
    const cbPatch = await viaCallback<{ role: string }>((cb) => client.instanceOrgMember.patch({ ...ids, userId, member: { role: 'edit' } }, cb));
    expect(cbPatch.result?.role).toBe('edit');
    expect(await client.instanceOrgMember.delete({ ...ids, userId })).toEqual({ success: true });
    await expect(client.instanceOrgMember.get({ ...ids, userId })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('instanceOrgs.post and .get, me.token', async () => {
    const org = await client.instanceOrgs.post({ instanceId: ids.instanceId, orgConfig: { name: 'Client Org', limits: { member: 3 } } });
    expect(org).toMatchObject({ name: 'Client Org', instanceId: ids.instanceId, limits: { member: 3 } });
    const listed = await client.instanceOrgs.get({ instanceId: ids.instanceId, filterField: 'name', filter: 'client*' });
    expect(listed).toMatchObject({ count: 1, page: 0, perPage: 100, items: [{ id: org.id }] });
    const viaCb = await viaCallback<{ totalCount: number }>((cb) => client.instanceOrgs.get({ instanceId: ids.instanceId, perPage: 1 }, cb));
    expect(viaCb.result!.totalCount).toBeGreaterThanOrEqual(3);
    const me = await client.me.token({});
    expect(me).toMatchObject({ instanceId: ids.instanceId, scopes: ['all.Instance'] });
    expect(me.actions).toContain('instanceOrgs.post');
  });

  it("org.* (the org's own side) and me.invites, .invite, .respondToInvite (the user's)", async () => {
    const org = createClient({ url, accessToken: h.tokens.organization });
    const invites = await org.org.inviteMember({ orgId: h.orgId, invite: { email: 'instance-admin@example.com', role: 'view' } });
    const sent = invites.find((i) => i.email === 'instance-admin@example.com')!;
    expect((await viaCallback<unknown[]>((cb) => org.org.pendingInvites({ orgId: h.orgId }, cb))).result).toContainEqual(expect.objectContaining({ id: sent.id }));
    const me = createClient({ url, accessToken: h.tokens.userAdmin });
    expect((await me.me.invites({})).map((i) => i.id)).toContain(sent.id);
    expect(await me.me.invite({ inviteId: sent.id })).toMatchObject({ orgName: 'Acme', role: 'view', expired: false });
    expect(await me.me.respondToInvite({ inviteId: sent.id, response: { action: 'accept' } })).toEqual({ result: 'accepted', orgId: h.orgId });
    const { userId } = (await client.instanceOrgMembers.get({ ...ids, filterField: 'email', filter: 'instance-admin@example.com' })).items[0];
    const changed = await org.org.modifyMember({ orgId: h.orgId, member: { userId, role: 'edit' } });
    expect(changed.members.find((m) => m.userId === userId)?.role).toBe('edit');
    const removed = await org.org.removeMember({ orgId: h.orgId, userId });
    expect(removed.members.some((m) => m.userId === userId)).toBe(false);
    const invite = (await client.instanceOrgInvites.post({ ...ids, invite: { email: 'revoked@example.com', role: 'view' } })).items.find((i) => i.email === 'revoked@example.com')!;
    expect((await org.org.revokeInvite({ orgId: h.orgId, inviteId: invite.id })).map((i) => i.id)).not.toContain(invite.id);
  });

  it('orgInvites.get and .post without an access token', async () => {
    await client.instanceOrgInvites.post({ ...ids, invite: { email: 'public@example.com', role: 'view' } });
    const { token, email } = await h.inviteLink('public@example.com');
    const anonymous = createClient({ url });
    expect(await anonymous.orgInvites.get({ token, email })).toMatchObject({ orgName: 'Acme', role: 'view' });
    const cbInfo = await viaCallback<{ email: string }>((cb) => anonymous.orgInvites.get({ token, email }, cb));
    expect(cbInfo.result?.email).toBe('public@example.com');
    expect(await anonymous.orgInvites.post({ invite: { token, email, accept: true } })).toEqual({ accepted: true, orgId: h.orgId });
    const used = await viaCallback((cb) => anonymous.orgInvites.post({ invite: { token, email, accept: true } }, cb));
    expect(used.err).toMatchObject({ statusCode: 404, type: 'NotFound' });
  });
});

describe('error paths', () => {
  it('401 for a bad token, 403 for a missing scope', async () => {
    await expect(createClient({ url, accessToken: 'gh_nope' }).instanceOrgMembers.get(ids)).rejects.toMatchObject({ statusCode: 401, type: 'Unauthorized' });
    const readOnly = createClient({ url, accessToken: h.tokens.read });
    const err = await readOnly.instanceOrgMembers.post({ ...ids, member: { email: 'x@example.com', role: 'view' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatehouseError);
    expect(err).toMatchObject({ statusCode: 403, type: 'Forbidden' });
  });

  it('400 for a request that does not fit the schema, with the field at fault', async () => {
    const err = await client.instanceOrgJoinLinks.post({ ...ids, joinLink: { role: 'view', allowedDomains: ['acme.com', '@acme.com'] } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatehouseError);
    expect(err).toMatchObject({ statusCode: 400, code: 'invalid_request', message: 'allowedDomains[1] must be an email domain like acme.com', field: 'allowedDomains[1]' });
    // Refusals of the rules name no field.
    await client.instanceOrgInvites.post({ ...ids, invite: { email: 'twice@example.com', role: 'view' } });
    const again = await client.instanceOrgInvites.post({ ...ids, invite: { email: 'twice@example.com', role: 'view' } }).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'already_invited', field: undefined });
  });

  it('410 for an expired invite', async () => {
    await client.instanceOrgInvites.post({ ...ids, invite: { email: 'late@example.com', role: 'view' } });
    const { token, email } = await h.inviteLink('late@example.com');
    h.advance(8 * DAY);
    await expect(createClient({ url }).orgInvites.get({ token, email })).rejects.toMatchObject({ statusCode: 410, type: 'Gone' });
  });

  it('a missing path parameter is refused before any request', async () => {
    // @ts-expect-error: orgId left out on purpose
    await expect(client.instanceOrgMembers.get({ instanceId: h.instanceId })).rejects.toThrow(/Missing required parameter orgId/);
  });

  describe('against servers that misbehave', () => {
    let server: Server;
    let base: string;
    let hits = 0;
    /** The Idempotency-Key of each request, in order. */
    let keys: (string | undefined)[] = [];
    let plan: (n: number) => { status: number; headers?: Record<string, string>; hang?: boolean; cut?: boolean };
    beforeAll(async () => {
      server = createServer((req, res) => {
        keys.push(req.headers['idempotency-key'] as string | undefined);
        const step = plan(++hits);
        if (step.hang) return; // never answers
        if (step.cut) return req.socket.destroy(); // the connection drops before any answer
        res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
        res.end(JSON.stringify(step.status < 300 ? { items: [], count: 0 } : { type: 'TooManyRequests', message: 'Slow down' }));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => {
      server.closeAllConnections();
      server.close();
    });

    it('retries a GET answered 429 after Retry-After, then succeeds', async () => {
      hits = 0;
      plan = (n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 });
      const started = Date.now();
      await expect(createClient({ url: base }).instanceOrgMembers.get(ids)).resolves.toMatchObject({ count: 0 });
      expect(hits).toBe(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    });

    it('gives up after the bounded retries with a GatehouseError carrying retryAfter', async () => {
      hits = 0;
      plan = () => ({ status: 503, headers: { 'retry-after': '0' } });
      await expect(createClient({ url: base, retries: 2 }).instanceOrgMembers.get(ids)).rejects.toMatchObject({ statusCode: 503, retryAfter: 0 });
      expect(hits).toBe(3);
    });

    it('retries a POST with the same Idempotency-Key on every attempt, and a new one for the next call', async () => {
      hits = 0;
      keys = [];
      plan = (n) => (n === 1 ? { status: 503, headers: { 'retry-after': '0' } } : n === 2 ? { status: 200, cut: true } : { status: 200 });
      const gatehouse = createClient({ url: base });
      await expect(gatehouse.instanceOrgMembers.post({ ...ids, member: { email: 'p@example.com', role: 'view' } })).resolves.toMatchObject({ count: 0 });
      expect(hits).toBe(3);
      expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Set(keys).size).toBe(1);
      await gatehouse.instanceOrgMembers.post({ ...ids, member: { email: 'q@example.com', role: 'view' } });
      expect(keys[3]).toMatch(/^[0-9a-f-]{36}$/);
      expect(keys[3]).not.toBe(keys[0]);
    });

    it('sends the caller\'s own Idempotency-Key, and none on a GET', async () => {
      hits = 0;
      keys = [];
      plan = () => ({ status: 200 });
      const gatehouse = createClient({ url: base });
      await gatehouse.instanceOrgMembers.post({ ...ids, member: { email: 'p@example.com', role: 'view' } }, { idempotencyKey: 'member-p' });
      await gatehouse.instanceOrgMembers.get(ids);
      expect(keys).toEqual(['member-p', undefined]);
    });

    it('does not retry a write that timed out: it may still be running', async () => {
      hits = 0;
      plan = () => ({ status: 200, hang: true });
      const err = await createClient({ url: base, timeout: 200 }).instanceOrgMembers.post({ ...ids, member: { email: 'p@example.com', role: 'view' } }).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'GatehouseNetworkError', timedOut: true });
      expect(hits).toBe(1);
    });

    it('times out with a distinct network error', async () => {
      plan = () => ({ status: 200, hang: true });
      const err = await createClient({ url: base, timeout: 200 }).instanceOrgMembers.get(ids).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GatehouseNetworkError);
      expect(err).toMatchObject({ timedOut: true, aborted: false });
    });

    it('honours an AbortSignal', async () => {
      plan = () => ({ status: 200, hang: true });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const err = await createClient({ url: base }).instanceOrgMembers.get(ids, { signal: controller.signal }).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'GatehouseNetworkError', aborted: true });
    });

    it('reports an unreachable server as a network error', async () => {
      const err = await createClient({ url: 'http://127.0.0.1:1' }).orgInvites.get({ token: 't', email: 'e@example.com' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GatehouseNetworkError);
      expect(err).toMatchObject({ timedOut: false, aborted: false });
    });
  });
});
