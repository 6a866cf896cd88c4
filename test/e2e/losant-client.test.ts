/**
 * End to end with the official JavaScript client: a real `gatehouse serve` child process on a
 * fresh SQLite file, and `losant-rest` 2.8.1, unchanged, talking to it over real HTTP, with
 * promises and with node-style callbacks as the upstream docs show. Invite tokens come the way
 * an invitee gets them: from the invitation mail, read back with `gatehouse mail last`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, envWith, killAll, run, type Server, serve, waitForMail } from '../helpers/cli.js';

const PUBLIC_URL = 'http://gatehouse.test';
const ID = /^[a-f\d]{24}$/;
const SEVEN_DAYS = 7 * 86_400_000;

// ---------------------------------------------------------------------------------------------
// The client, typed as far as these tests use it (the package ships no type declarations).

interface LosantError extends Error {
  statusCode?: number;
  type?: string;
}
type Callback<R> = (err: LosantError | null, result?: R) => void;
interface Method<R> {
  (params: Record<string, unknown>): Promise<R>;
  (params: Record<string, unknown>, cb: Callback<R>): void;
}
interface Member {
  instanceId: string;
  orgId: string;
  userId: string;
  email: string;
  firstName?: string;
  lastName?: string;
  role: string;
  avatarUrl?: string;
  twoFactorAuthEnabled: boolean;
  ssoLinked: boolean;
}
interface MemberCollection {
  items: Member[];
  instanceId: string;
  orgId: string;
  count: number;
  sortField: string;
  sortDirection: string;
  filterField?: string;
  filter?: string;
}
interface InviteInfo {
  orgName: string;
  email: string;
  role: string;
  inviteDate: string;
  ttl: number;
  disallowTransfer: boolean;
}
interface InviteResult {
  accepted: boolean;
  orgId: string;
}
interface LosantClient {
  orgInvites: { get: Method<InviteInfo>; post: Method<InviteResult> };
  instanceOrgMembers: { get: Method<MemberCollection>; post: Method<Member> };
}

const require = createRequire(import.meta.url);
const losant = require('losant-rest') as { createClient(options: { url: string; accessToken?: string }): LosantClient };

/** Calls a client method the callback way and hands back what the callback got. */
function viaCallback<R>(call: (cb: Callback<R>) => void): Promise<{ err: LosantError | null; result: R | undefined }> {
  return new Promise((done) => call((err, result) => done({ err, result })));
}

/** The error a promise rejects with; fails the test when it resolves instead. */
async function rejection(promise: Promise<unknown>): Promise<LosantError> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: LosantError) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`expected the call to fail, it answered ${JSON.stringify(outcome.value)}`);
  return outcome.error;
}

// ---------------------------------------------------------------------------------------------
// The CLI and the server as child processes.

let dir = '';
let env: NodeJS.ProcessEnv = {};
let server: Server | undefined;
let url = '';
let instanceId = '';
let orgId = '';
let apiToken = '';
let client: LosantClient;
/** Every invite token the tests saw, to check none reaches the server's log. */
const seenInviteTokens: string[] = [];

/** Runs `gatehouse <args> --json` against the test database; expects one JSON object. */
async function cli<T>(...args: string[]): Promise<T> {
  const result = await run(process.execPath, [BIN, ...args, '--json'], env);
  if (result.code !== 0) throw new Error(`gatehouse ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]) as T;
}

/** Creates an invite over HTTP with the bearer token, the way an admin's tool would. */
async function invite(email: string, role: string, org = orgId): Promise<void> {
  const res = await fetch(`${url}/instances/${instanceId}/orgs/${org}/invites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email, role }),
  });
  const body = (await res.json()) as { items?: Array<{ email: string; role: string }> };
  expect(res.status, JSON.stringify(body)).toBe(201);
  expect(body.items?.find((i) => i.email === email.toLowerCase())?.role).toBe(role);
}

/** Waits for the invitation mail to `email` and returns the token and email of its link. */
async function linkFromMail(email: string): Promise<{ token: string; email: string; link: string }> {
  const mail = await waitForMail(env, email);
  expect(mail.to.toLowerCase()).toContain(email.toLowerCase());
  expect(mail.link).toBeTruthy();
  const link = new URL(mail.link!);
  const token = link.searchParams.get('token')!;
  seenInviteTokens.push(token);
  return { token, email: link.searchParams.get('email')!, link: mail.link! };
}

async function invited(email: string, role: string) {
  await invite(email, role);
  return linkFromMail(email);
}

/** The members of the org whose email is exactly `email`. */
async function membersWithEmail(email: string, org = orgId): Promise<Member[]> {
  const list = await client.instanceOrgMembers.get({ instanceId, orgId: org, filterField: 'email', filter: email });
  return list.items;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-client-'));
  env = envWith({
    PORT: '0',
    HOST: '127.0.0.1',
    GATEHOUSE_DATABASE: join(dir, 'gatehouse.db'),
    GATEHOUSE_MAIL: `file:${join(dir, 'mail')}`,
    GATEHOUSE_PUBLIC_URL: PUBLIC_URL,
    LOG_LEVEL: 'info',
  });
  server = await serve(env);
  const first = server.summary;
  expect(first.created, JSON.stringify(first)).toBeDefined();
  url = first.url;
  instanceId = first.created!.instanceId;
  orgId = first.created!.orgId;
  apiToken = first.created!.token;
  client = losant.createClient({ url, accessToken: apiToken });
});

afterAll(async () => {
  // A graceful stop; one that takes over 5 s ends in SIGKILL, which is not this file's concern.
  await server?.stop().catch(() => undefined);
  killAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('serve --json start-up line', () => {
  it('names a reachable URL and a bootstrap instance, org and token', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(url).port)).toBeGreaterThan(0);
    expect(instanceId).toMatch(ID);
    expect(orgId).toMatch(ID);
    expect(apiToken.length).toBeGreaterThanOrEqual(22);
    for (const probe of ['/healthz', '/readyz']) {
      const res = await fetch(`${url}${probe}`);
      expect(res.status, probe).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
    }
  });
});

describe('instanceOrgMembers.post', () => {
  it('adds a member by email (promise)', async () => {
    const member = await client.instanceOrgMembers.post({ instanceId, orgId, member: { email: 'Promise.Member@Example.com', role: 'edit' } });
    expect(member).toMatchObject({
      instanceId,
      orgId,
      email: 'promise.member@example.com',
      role: 'edit',
      twoFactorAuthEnabled: false,
      ssoLinked: false,
    });
    expect(member.userId).toMatch(ID);
    const listed = await membersWithEmail('promise.member@example.com');
    expect(listed.map((m) => [m.userId, m.role])).toEqual([[member.userId, 'edit']]);
  });

  it('adds a member by email (callback)', async () => {
    const { err, result } = await viaCallback<Member>((cb) =>
      client.instanceOrgMembers.post({ instanceId, orgId, member: { email: 'callback.member@example.com', role: 'view' } }, cb),
    );
    expect(err).toBeNull();
    expect(result).toMatchObject({ instanceId, orgId, email: 'callback.member@example.com', role: 'view' });
    expect(result!.userId).toMatch(ID);
  });

  it('adds a user created with `gatehouse user create` by userId (promise)', async () => {
    const user = await cli<{ id: string; email: string }>('user', 'create', '--email', 'Ada@Example.com', '--first-name', 'Ada', '--last-name', 'Lovelace');
    expect(user.id).toMatch(ID);
    expect(user.email).toBe('ada@example.com');
    // A user reaches an instance's API once placed in it (here as an instance viewer).
    await cli('instance', 'add-member', '--instance', instanceId, '--user', user.id, '--role', 'view');
    const member = await client.instanceOrgMembers.post({ instanceId, orgId, member: { userId: user.id, role: 'admin' } });
    expect(member).toMatchObject({
      instanceId,
      orgId,
      userId: user.id,
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      role: 'admin',
    });
  });

  it('adds a user created with `gatehouse user create` by userId (callback)', async () => {
    const user = await cli<{ id: string }>('user', 'create', '--email', 'grace@example.com', '--first-name', 'Grace');
    await cli('instance', 'add-member', '--instance', instanceId, '--user', user.id, '--role', 'view');
    const { err, result } = await viaCallback<Member>((cb) =>
      client.instanceOrgMembers.post({ instanceId, orgId, member: { userId: user.id, role: 'collaborate' } }, cb),
    );
    expect(err).toBeNull();
    expect(result).toMatchObject({ userId: user.id, email: 'grace@example.com', firstName: 'Grace', role: 'collaborate' });
  });

  it('refuses an existing member with 400 and an unknown userId with 404', async () => {
    const again = await rejection(
      client.instanceOrgMembers.post({ instanceId, orgId, member: { email: 'promise.member@example.com', role: 'view' } }),
    );
    expect(again.statusCode).toBe(400);
    expect(again.message).toMatch(/already a member/);

    const { err } = await viaCallback<Member>((cb) =>
      client.instanceOrgMembers.post({ instanceId, orgId, member: { userId: 'ffffffffffffffffffffffff', role: 'view' } }, cb),
    );
    expect(err?.statusCode).toBe(404);
    expect(err?.type).toBe('NotFound');
  });

  it('refuses an unknown body field with 400 Validation', async () => {
    const err = await rejection(
      client.instanceOrgMembers.post({ instanceId, orgId, member: { email: 'extra@example.com', role: 'view', nickname: 'x' } }),
    );
    expect(err.statusCode).toBe(400);
    expect(err.type).toBe('Validation');
  });
});

describe('instanceOrgMembers.get: sorting and filtering', () => {
  let sortOrg = '';
  const people = [
    { email: 'carol.sort@example.com', role: 'admin' },
    { email: 'Alice.Sort@example.com', role: 'view' },
    { email: 'bob.sort@example.com', role: 'edit' },
    { email: 'dave.other@example.com', role: 'view' },
  ];
  const emails = (list: MemberCollection) => list.items.map((m) => m.email);

  beforeAll(async () => {
    // An org of its own (made with the CLI while the server runs), so that the other tests'
    // members do not disturb the expected orders.
    const org = await cli<{ id: string; instanceId: string }>('org', 'create', '--instance', instanceId, '--name', 'Sorting');
    expect(org.instanceId).toBe(instanceId);
    sortOrg = org.id;
    for (const p of people) await client.instanceOrgMembers.post({ instanceId, orgId: sortOrg, member: p });
  });

  it('defaults to email ascending and echoes the list parameters', async () => {
    const list = await client.instanceOrgMembers.get({ instanceId, orgId: sortOrg });
    expect(list).toMatchObject({ instanceId, orgId: sortOrg, count: 4, sortField: 'email', sortDirection: 'asc' });
    expect(list.filterField).toBeUndefined();
    expect(list.filter).toBeUndefined();
    expect(emails(list)).toEqual(['alice.sort@example.com', 'bob.sort@example.com', 'carol.sort@example.com', 'dave.other@example.com']);
    for (const m of list.items) expect(m).toMatchObject({ instanceId, orgId: sortOrg });
  });

  it('sorts by email descending and by role', async () => {
    const desc = await client.instanceOrgMembers.get({ instanceId, orgId: sortOrg, sortField: 'email', sortDirection: 'desc' });
    expect(desc.sortDirection).toBe('desc');
    expect(emails(desc)).toEqual(['dave.other@example.com', 'carol.sort@example.com', 'bob.sort@example.com', 'alice.sort@example.com']);

    const byRoleDesc = await client.instanceOrgMembers.get({ instanceId, orgId: sortOrg, sortField: 'role', sortDirection: 'desc' });
    expect(byRoleDesc).toMatchObject({ sortField: 'role', sortDirection: 'desc' });
    expect(byRoleDesc.items.map((m) => m.role)).toEqual(['view', 'view', 'edit', 'admin']);

    const byRoleAsc = await client.instanceOrgMembers.get({ instanceId, orgId: sortOrg, sortField: 'role', sortDirection: 'asc' });
    expect(byRoleAsc.items.map((m) => m.role)).toEqual(['admin', 'edit', 'view', 'view']);
  });

  it('filters by an email glob: * and ?, whole field, case-insensitive', async () => {
    const sorted = await client.instanceOrgMembers.get({ instanceId, orgId: sortOrg, filterField: 'email', filter: '*.sort@example.com' });
    expect(sorted).toMatchObject({ count: 3, filterField: 'email', filter: '*.sort@example.com' });
    expect(emails(sorted)).toEqual(['alice.sort@example.com', 'bob.sort@example.com', 'carol.sort@example.com']);

    const question = await client.instanceOrgMembers.get({ instanceId, orgId: sortOrg, filterField: 'email', filter: 'B?B.SORT@*' });
    expect(emails(question)).toEqual(['bob.sort@example.com']);

    // The glob must match the whole field: a bare word is not a substring search.
    const bare = await client.instanceOrgMembers.get({ instanceId, orgId: sortOrg, filterField: 'email', filter: 'alice' });
    expect(bare.count).toBe(0);
    expect(bare.items).toEqual([]);

    const prefix = await client.instanceOrgMembers.get({ instanceId, orgId: sortOrg, filterField: 'email', filter: 'a*' });
    expect(emails(prefix)).toEqual(['alice.sort@example.com']);
  });

  it('treats SQL wildcards in the filter as literal characters', async () => {
    const percent = await client.instanceOrgMembers.get({ instanceId, orgId: sortOrg, filterField: 'email', filter: '%' });
    expect(percent.count).toBe(0);
    const underscore = await client.instanceOrgMembers.get({ instanceId, orgId: sortOrg, filterField: 'email', filter: '_lice.sort@example.com' });
    expect(underscore.count).toBe(0);
  });

  it('filters by role, and a blank filter means no filtering', async () => {
    const viewers = await client.instanceOrgMembers.get({ instanceId, orgId: sortOrg, filterField: 'role', filter: 'view' });
    expect(viewers).toMatchObject({ count: 2, filterField: 'role', filter: 'view' });
    expect(emails(viewers)).toEqual(['alice.sort@example.com', 'dave.other@example.com']);

    const blank = await client.instanceOrgMembers.get({ instanceId, orgId: sortOrg, filterField: 'email', filter: '' });
    expect(blank.count).toBe(4);
  });

  it('sorts and filters with a callback', async () => {
    const { err, result } = await viaCallback<MemberCollection>((cb) =>
      client.instanceOrgMembers.get(
        { instanceId, orgId: sortOrg, sortField: 'email', sortDirection: 'desc', filterField: 'email', filter: '*.SORT@example.com' },
        cb,
      ),
    );
    expect(err).toBeNull();
    expect(result).toMatchObject({ count: 3, sortField: 'email', sortDirection: 'desc', filterField: 'email', filter: '*.SORT@example.com' });
    expect(emails(result!)).toEqual(['carol.sort@example.com', 'bob.sort@example.com', 'alice.sort@example.com']);
  });

  it('answers an unknown sortField with 400 Validation', async () => {
    const err = await rejection(client.instanceOrgMembers.get({ instanceId, orgId: sortOrg, sortField: 'firstName' }));
    expect(err.statusCode).toBe(400);
    expect(err.type).toBe('Validation');
  });
});

describe('authentication through the client', () => {
  it('answers a bad access token with 401 (promise)', async () => {
    const bad = losant.createClient({ url, accessToken: 'gh_not-a-real-token' });
    const err = await rejection(bad.instanceOrgMembers.get({ instanceId, orgId }));
    expect(err.statusCode).toBe(401);
    expect(err.type).toBe('Unauthorized');
    expect(err.message).toBeTruthy();
  });

  it('answers a bad access token with 401 (callback)', async () => {
    const bad = losant.createClient({ url, accessToken: 'gh_not-a-real-token' });
    const { err, result } = await viaCallback<MemberCollection>((cb) => bad.instanceOrgMembers.get({ instanceId, orgId }, cb));
    expect(result).toBeUndefined();
    expect(err?.statusCode).toBe(401);
    expect(err?.type).toBe('Unauthorized');
  });

  it('answers a missing access token with 401', async () => {
    const anonymous = losant.createClient({ url });
    const err = await rejection(anonymous.instanceOrgMembers.get({ instanceId, orgId }));
    expect(err.statusCode).toBe(401);
  });

  it('needs no access token for the public invite endpoints', async () => {
    const anonymous = losant.createClient({ url });
    const err = await rejection(anonymous.orgInvites.get({ token: 'x'.repeat(43), email: 'nobody@example.com' }));
    expect(err.statusCode).toBe(404);
  });
});

describe('orgInvites.get', () => {
  it('mails a link to <public url>/accept carrying token and email', async () => {
    const { token, email, link } = await invited('Link.Check@Example.com', 'view');
    expect(link.startsWith(`${PUBLIC_URL}/accept?`)).toBe(true);
    expect(email).toBe('link.check@example.com');
    expect(token.length).toBeGreaterThanOrEqual(22);
  });

  it('tells the link holder about the invite (promise)', async () => {
    const { token, email } = await invited('info.promise@example.com', 'edit');
    const before = Date.now();
    const info = await client.orgInvites.get({ token, email });
    expect(info).toEqual({
      orgName: 'Default organization',
      email: 'info.promise@example.com',
      role: 'edit',
      inviteDate: expect.any(String),
      ttl: SEVEN_DAYS,
      disallowTransfer: false,
    });
    expect(new Date(info.inviteDate).toISOString()).toBe(info.inviteDate);
    expect(Math.abs(Date.parse(info.inviteDate) - before)).toBeLessThan(60_000);
    // Reading has no side effects: a second look gives the same answer.
    expect(await client.orgInvites.get({ token, email })).toEqual(info);
  });

  it('tells the link holder about the invite (callback), with the email in any case', async () => {
    const { token } = await invited('info.callback@example.com', 'collaborate');
    const { err, result } = await viaCallback<InviteInfo>((cb) => client.orgInvites.get({ token, email: 'INFO.Callback@example.com' }, cb));
    expect(err).toBeNull();
    expect(result).toMatchObject({ orgName: 'Default organization', email: 'info.callback@example.com', role: 'collaborate', ttl: SEVEN_DAYS });
  });

  it('rejects an unknown token with 404 NotFound (promise)', async () => {
    const err = await rejection(client.orgInvites.get({ token: 'definitely-not-an-invite-token', email: 'info.promise@example.com' }));
    expect(err.statusCode).toBe(404);
    expect(err.type).toBe('NotFound');
    expect(err.message).toBe('Invite was not found');
  });

  it('rejects an unknown token with 404 NotFound (callback)', async () => {
    const { err, result } = await viaCallback<InviteInfo>((cb) =>
      client.orgInvites.get({ token: 'definitely-not-an-invite-token', email: 'someone@example.com' }, cb),
    );
    expect(result).toBeUndefined();
    expect(err?.statusCode).toBe(404);
    expect(err?.type).toBe('NotFound');
  });

  it('answers a real token with another email with 404', async () => {
    const { token } = await invited('owner@example.com', 'view');
    const err = await rejection(client.orgInvites.get({ token, email: 'not-the-owner@example.com' }));
    expect(err.statusCode).toBe(404);
    expect(err.type).toBe('NotFound');
  });
});

describe('orgInvites.post', () => {
  it('accepts an invite (promise); the member is listed with the invited role', async () => {
    const { token, email } = await invited('accept.promise@example.com', 'edit');
    expect(await membersWithEmail(email)).toEqual([]);
    const result = await client.orgInvites.post({ invite: { email, token, accept: true } });
    expect(result).toEqual({ accepted: true, orgId });

    const members = await membersWithEmail(email);
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({ instanceId, orgId, email, role: 'edit' });
    expect(members[0].userId).toMatch(ID);
  });

  it('accepts an invite (callback); the member is listed with the invited role', async () => {
    const { token, email } = await invited('accept.callback@example.com', 'admin');
    const { err, result } = await viaCallback<InviteResult>((cb) => client.orgInvites.post({ invite: { email, token, accept: true } }, cb));
    expect(err).toBeNull();
    expect(result).toEqual({ accepted: true, orgId });
    const { err: listErr, result: list } = await viaCallback<MemberCollection>((cb) =>
      client.instanceOrgMembers.get({ instanceId, orgId, filterField: 'email', filter: email }, cb),
    );
    expect(listErr).toBeNull();
    expect(list!.items.map((m) => [m.email, m.role])).toEqual([[email, 'admin']]);
  });

  it('uses an invite once: the accepted link then answers 404 on get and post', async () => {
    const { token, email } = await invited('once@example.com', 'view');
    expect(await client.orgInvites.post({ invite: { email, token, accept: true } })).toEqual({ accepted: true, orgId });

    const info = await rejection(client.orgInvites.get({ token, email }));
    expect(info.statusCode).toBe(404);
    const again = await rejection(client.orgInvites.post({ invite: { email, token, accept: true } }));
    expect(again.statusCode).toBe(404);
    expect(again.type).toBe('NotFound');
    expect(await membersWithEmail(email)).toHaveLength(1);
  });

  it('rejects an invite (promise): no member, and the link is used up', async () => {
    const { token, email } = await invited('reject.promise@example.com', 'edit');
    const result = await client.orgInvites.post({ invite: { email, token, accept: false } });
    expect(result).toEqual({ accepted: false, orgId });
    expect(await membersWithEmail(email)).toEqual([]);
    const err = await rejection(client.orgInvites.get({ token, email }));
    expect(err.statusCode).toBe(404);
    expect(err.type).toBe('NotFound');
  });

  it('rejects an invite (callback): no member, and accepting afterwards fails', async () => {
    const { token, email } = await invited('reject.callback@example.com', 'view');
    const { err, result } = await viaCallback<InviteResult>((cb) => client.orgInvites.post({ invite: { email, token, accept: false } }, cb));
    expect(err).toBeNull();
    expect(result).toEqual({ accepted: false, orgId });
    const late = await viaCallback<InviteResult>((cb) => client.orgInvites.post({ invite: { email, token, accept: true } }, cb));
    expect(late.err?.statusCode).toBe(404);
    expect(await membersWithEmail(email)).toEqual([]);
  });

  it('answers an unknown token with 404 (promise and callback)', async () => {
    const err = await rejection(client.orgInvites.post({ invite: { email: 'ghost@example.com', token: 'unknown-token', accept: true } }));
    expect(err.statusCode).toBe(404);
    expect(err.type).toBe('NotFound');
    const { err: cbErr } = await viaCallback<InviteResult>((cb) =>
      client.orgInvites.post({ invite: { email: 'ghost@example.com', token: 'unknown-token', accept: false } }, cb),
    );
    expect(cbErr?.statusCode).toBe(404);
    expect(cbErr?.type).toBe('NotFound');
  });

  it('answers a mistyped accept ("true" as a string) with 400 and leaves the invite usable', async () => {
    const { token, email } = await invited('typed@example.com', 'view');
    const err = await rejection(client.orgInvites.post({ invite: { email, token, accept: 'true' } }));
    expect(err.statusCode).toBe(400);
    expect(err.type).toBe('Validation');
    expect(await client.orgInvites.get({ token, email })).toMatchObject({ email, role: 'view' });
  });
});

describe('secrets', () => {
  it('never writes an invite token or the API token to the server log', () => {
    expect(seenInviteTokens.length).toBeGreaterThan(0);
    const log = server!.stdout().split('\n').filter((line) => !line.startsWith('{"url":')).join('\n') + server!.stderr();
    expect(log.length).toBeGreaterThan(0);
    for (const token of seenInviteTokens) expect(log).not.toContain(token);
    expect(log).not.toContain(apiToken);
  });
});
