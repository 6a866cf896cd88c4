/**
 * The organization's own side (upstream's `org` resource) end to end with the official
 * JavaScript client: a real `gatehouse serve` child process on a fresh SQLite file, and
 * `losant-rest` 2.8.1, unchanged, with promises and node-style callbacks. Its token is bound to
 * the org with the real CLI (`token create --org`); every answer is checked against upstream's
 * own schemas (test/fixtures/losant-rest-schemas, from the same package).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, envWith, killAll, run, type Server, serve } from '../helpers/cli.js';

interface LosantError extends Error {
  statusCode?: number;
  type?: string;
}
type Callback<R> = (err: LosantError | null, result?: R) => void;
interface Method<R> {
  (params: Record<string, unknown>): Promise<R>;
  (params: Record<string, unknown>, cb: Callback<R>): void;
}
interface Invite {
  id: string;
  email: string;
  role: string;
  hasExpired: boolean;
}
interface OrgAnswer {
  id: string;
  name: string;
  members: Array<{ userId: string; email: string; role: string }>;
}
interface LosantClient {
  org: {
    inviteMember: Method<Invite[]>;
    pendingInvites: Method<Invite[]>;
    revokeInvite: Method<Invite[]>;
    modifyMember: Method<OrgAnswer>;
    removeMember: Method<OrgAnswer>;
  };
  instanceOrgMembers: { post: Method<{ userId: string }> };
}
const require = createRequire(import.meta.url);
const losant = require('losant-rest') as { createClient(options: { url: string; accessToken?: string }): LosantClient };

/** Upstream's schemas (draft-04 files; the keywords they use mean the same in Ajv's draft). */
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addFormat('url', true);
const schema = (name: string) => {
  const { $schema: _draft, ...rest } = JSON.parse(readFileSync(new URL(`../fixtures/losant-rest-schemas/${name}.json`, import.meta.url), 'utf8'));
  return ajv.compile(rest);
};
const fits = (validate: ReturnType<typeof schema>, value: unknown) => {
  expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
};
const ORG_INVITES = schema('orgInvites');
const ORG = schema('org');

const viaCallback = <R>(call: (cb: Callback<R>) => void) => new Promise<{ err: LosantError | null; result: R | undefined }>((done) => call((err, result) => done({ err, result })));
const rejection = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected the call to fail'); }, (error: LosantError) => error);

let dir = '';
let env: NodeJS.ProcessEnv = {};
let server: Server | undefined;
let url = '';
let instanceId = '';
let orgId = '';
let instanceToken = '';
let client: LosantClient;

async function cli<T>(...args: string[]): Promise<T> {
  const result = await run(process.execPath, [BIN, ...args, '--json'], env);
  if (result.code !== 0) throw new Error(`gatehouse ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim()) as T;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-org-'));
  env = envWith({ PORT: '0', HOST: '127.0.0.1', GATEHOUSE_DATABASE: join(dir, 'gatehouse.db'), GATEHOUSE_MAIL: `file:${join(dir, 'mail')}` });
  server = await serve(env);
  ({ url } = server.summary);
  ({ instanceId, orgId, token: instanceToken } = server.summary.created!);
  const bound = await cli<{ token: string; orgId: string }>('token', 'create', '--instance', instanceId, '--org', orgId, '--scope', 'all.Organization');
  expect(bound.orgId).toBe(orgId);
  client = losant.createClient({ url, accessToken: bound.token });
});

afterAll(async () => {
  await server?.stop().catch(() => undefined);
  killAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('org.* with losant-rest 2.8.1 and a token bound to the org', () => {
  it('invites (promise), lists the pending invites (callback) and revokes one, each answer upstream\'s orgInvites', async () => {
    const invited = await client.org.inviteMember({ orgId, invite: { email: 'Ada@Example.com', role: 'edit' } });
    fits(ORG_INVITES, invited);
    expect(invited.find((i) => i.email === 'ada@example.com')).toMatchObject({ role: 'edit', hasExpired: false });

    const { err, result } = await viaCallback<Invite[]>((cb) => client.org.inviteMember({ orgId, invite: { email: 'grace@example.com', role: 'view' } }, cb));
    expect(err).toBeNull();
    fits(ORG_INVITES, result);

    const pending = await viaCallback<Invite[]>((cb) => client.org.pendingInvites({ orgId }, cb));
    expect(pending.err).toBeNull();
    fits(ORG_INVITES, pending.result);
    expect(pending.result!.map((i) => i.email).sort()).toEqual(['ada@example.com', 'grace@example.com']);

    const ada = pending.result!.find((i) => i.email === 'ada@example.com')!;
    const left = await client.org.revokeInvite({ orgId, inviteId: ada.id });
    fits(ORG_INVITES, left);
    expect(left.map((i) => i.email)).toEqual(['grace@example.com']);
  });

  it('refuses a second pending invite for the same address with 400, as the instance route does', async () => {
    const error = await rejection(client.org.inviteMember({ orgId, invite: { email: 'grace@example.com', role: 'view' } }));
    expect(error.statusCode).toBe(400);
  });

  it('changes a member\'s role (promise) and removes the member (callback), each answer upstream\'s org', async () => {
    const admin = losant.createClient({ url, accessToken: instanceToken });
    const { userId } = await admin.instanceOrgMembers.post({ instanceId, orgId, member: { email: 'linus@example.com', role: 'view' } });
    const changed = await client.org.modifyMember({ orgId, member: { userId, role: 'collaborate' } });
    fits(ORG, changed);
    expect(changed).toMatchObject({ id: orgId });
    expect(changed.members.find((m) => m.userId === userId)?.role).toBe('collaborate');

    const { err, result } = await viaCallback<OrgAnswer>((cb) => client.org.removeMember({ orgId, userId }, cb));
    expect(err).toBeNull();
    fits(ORG, result);
    expect(result!.members.some((m) => m.userId === userId)).toBe(false);
  });

  it('answers an org the token is not bound to as upstream would: 403, and an unknown one 404', async () => {
    const other = await cli<{ id: string }>('org', 'create', '--instance', instanceId, '--name', 'Elsewhere');
    expect((await rejection(client.org.pendingInvites({ orgId: other.id }))).statusCode).toBe(403);
    const unbound = losant.createClient({ url, accessToken: (await cli<{ token: string }>('token', 'create', '--instance', instanceId, '--scope', 'org.pendingInvites')).token });
    expect(await unbound.org.pendingInvites({ orgId: other.id })).toEqual([]);
    expect((await rejection(unbound.org.pendingInvites({ orgId: 'ffffffffffffffffffffffff' }))).statusCode).toBe(404);
    // The narrow scope opens that one action only.
    expect((await rejection(unbound.org.inviteMember({ orgId: other.id, invite: { email: 'x@example.com', role: 'view' } }))).statusCode).toBe(403);
  });
});
