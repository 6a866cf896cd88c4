/**
 * What an operator finds out from the database with the local CLI, end to end: instances,
 * organizations (and changing one) and tokens, as tables and as JSON; the version; --instance
 * and --org from GATEHOUSE_INSTANCE and GATEHOUSE_ORG on every command that takes them. Real processes: a server on a temp SQLite file (which bootstraps it), the remote
 * commands to make invites and members, and the local commands beside it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/domain/secrets.js';
import { BIN, envWith, expectCleanFailure, jsonOf, killAll, ROOT, run, type Server, serve } from '../helpers/cli.js';

const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z';
const UNKNOWN_ID = 'ffffffffffffffffffffffff';
/** For tests that run several commands: each is a process start, 1-2 s on a loaded two-core machine. */
const LONG_RUN = 90_000;

let dir = '';
let server: Server;
/** The remote commands' settings and GATEHOUSE_INSTANCE/GATEHOUSE_ORG of the bootstrapped org. */
let env: NodeJS.ProcessEnv;
let instanceId = '';
let orgId = '';

const gh = (args: string[], extra: Record<string, string> = {}) => run(process.execPath, [BIN, ...args], { ...env, ...extra });
const ghJson = async <T extends object = Record<string, any>>(args: string[], extra: Record<string, string> = {}) => jsonOf<T>(await gh([...args, '--json'], extra));
/** The environment without GATEHOUSE_INSTANCE and GATEHOUSE_ORG. */
const unscoped = () => {
  const { GATEHOUSE_INSTANCE: _i, GATEHOUSE_ORG: _o, ...rest } = env;
  return rest;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-inventory-'));
  const base = { GATEHOUSE_DATABASE: join(dir, 'db.sqlite'), GATEHOUSE_MAIL: `file:${join(dir, 'mail')}`, LOG_LEVEL: 'warn' };
  server = await serve(envWith({ ...base, PORT: '0', HOST: '127.0.0.1' }));
  const created = server.summary.created!;
  instanceId = created.instanceId;
  orgId = created.orgId;
  env = envWith({ ...base, GATEHOUSE_URL: server.summary.url, GATEHOUSE_TOKEN: created.token, GATEHOUSE_INSTANCE: instanceId, GATEHOUSE_ORG: orgId });
  // An audited change in the org, for audit list.
  jsonOf(await gh(['invites', 'create', '--email', 'audited@example.com', '--role', 'view', '--json']));
});

afterAll(async () => {
  await server?.stop();
  killAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('gatehouse --version', () => {
  it("prints package.json's version and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await gh(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('GATEHOUSE_INSTANCE and GATEHOUSE_ORG stand for --instance and --org on every command', { timeout: LONG_RUN }, () => {
  let other = '';
  beforeAll(async () => {
    other = (await ghJson<{ id: string }>(['instance', 'create', '--name', 'Other'])).id;
  });

  it('org create, token create and instance add-member take the instance from GATEHOUSE_INSTANCE', async () => {
    expect(await ghJson(['org', 'create', '--name', 'From the environment'])).toMatchObject({ instanceId, name: 'From the environment' });
    // GATEHOUSE_ORG is set too, but binds no token: binding is asked for by name (--org).
    expect(await ghJson(['token', 'create', '--scope', 'all.Instance.read'])).toMatchObject({ instanceId, scopes: ['all.Instance.read'], orgId: null });
    const user = await ghJson<{ id: string }>(['user', 'create', '--email', 'env-admin@example.com']);
    expect(await ghJson(['instance', 'add-member', '--user', user.id, '--role', 'view'])).toEqual({ instanceId, userId: user.id, role: 'view' });
  });

  it('the option still wins over the variable', async () => {
    expect(await ghJson(['org', 'create', '--instance', other, '--name', 'Given'])).toMatchObject({ instanceId: other });
  });

  it('without either, a required --instance is still asked for', async () => {
    const result = await run(process.execPath, [BIN, 'org', 'create', '--name', 'Nowhere', '--json'], unscoped());
    expectCleanFailure(result, /required option '--instance <id>' not specified/);
  });

  it('audit list keeps to the instance and org of the variables', async () => {
    const all = await ghJson<{ items: Array<{ instanceId: string; orgId: string }> }>(['audit', 'list'], {});
    expect(all.items.length).toBeGreaterThan(0);
    expect(all.items.every((e) => e.instanceId === instanceId && e.orgId === orgId)).toBe(true);
    expect(await ghJson(['audit', 'list'], { GATEHOUSE_INSTANCE: other })).toMatchObject({ count: 0, instanceId: other });
    expect(await ghJson(['audit', 'list'], { GATEHOUSE_ORG: 'ffffffffffffffffffffffff' })).toMatchObject({ count: 0 });
  });
});

describe('instance list', { timeout: LONG_RUN }, () => {
  it('shows every instance with its id, name, creation time and number of orgs', async () => {
    const listed = await ghJson<{ id: string; createdAt: string }>(['instance', 'create', '--name', 'Listed']);
    for (const name of ['One', 'Two']) await ghJson(['org', 'create', '--instance', listed.id, '--name', name]);

    const text = await gh(['instance', 'list']);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+name\s+created\s+orgs$/);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${instanceId}\\s+Default instance\\s+${ISO}\\s+\\d+$`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${listed.id}\\s+Listed\\s+${listed.createdAt.replace(/\./g, '\\.')}\\s+2$`)));

    const json = await ghJson<{ items: Array<Record<string, unknown>>; count: number }>(['instance', 'list']);
    expect(json.count).toBe(json.items.length);
    expect(json.items.find((i) => i.id === listed.id)).toEqual({ id: listed.id, name: 'Listed', createdAt: listed.createdAt, orgCount: 2 });
    // Oldest first: the bootstrapped instance leads.
    expect(json.items[0]).toMatchObject({ id: instanceId, name: 'Default instance' });
  });
});

describe('org list, get and update', { timeout: LONG_RUN }, () => {
  let counted = '';
  beforeAll(async () => {
    // One member and two pending invites, made through the running server.
    counted = (await ghJson<{ id: string }>(['org', 'create', '--name', 'Counted', '--member-limit', '5', '--invite-ttl', '3d'])).id;
    await ghJson(['members', 'add', '--org', counted, '--email', 'member@example.com', '--role', 'view']);
    for (const email of ['one@example.com', 'two@example.com']) await ghJson(['invites', 'create', '--org', counted, '--email', email, '--role', 'edit']);
  });

  it("org list shows the instance's orgs by name: limit, invite lifetime, members and pending invites", async () => {
    const text = await gh(['org', 'list']);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+name\s+memberLimit\s+inviteTtl\s+members\s+pendingInvites$/);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${counted}\\s+Counted\\s+5\\s+3d\\s+1\\s+2$`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${orgId}\\s+Default organization\\s+none\\s+default\\s+0\\s+1$`)));
    expect(lines.at(-1)).toMatch(/^(\d+) of \1$/);
  });

  it('org list --json prints the orgs with their counts; an unknown instance is an error', async () => {
    const list = await ghJson<{ items: Array<Record<string, unknown>>; instanceId: string; count: number; totalCount: number }>(['org', 'list', '--instance', instanceId.toUpperCase()]);
    expect(list).toMatchObject({ instanceId, count: list.items.length, totalCount: list.items.length });
    const names = list.items.map((o) => String(o.name).toLowerCase());
    expect(names).toEqual([...names].sort());
    expect(list.items.find((o) => o.id === counted)).toEqual({
      id: counted,
      instanceId,
      name: 'Counted',
      memberLimit: 5,
      inviteTtlMs: 3 * 86_400_000,
      description: null,
      iconColor: null,
      locale: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      members: 1,
      pendingInvites: 2,
    });
    const unknown = await gh(['org', 'list', '--instance', UNKNOWN_ID]);
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'gatehouse: Instance was not found\n' });
  });

  it('org get shows one org, as a table and as JSON; an unknown id is an error', async () => {
    const org = await ghJson(['org', 'get', '--id', counted]);
    expect(org).toMatchObject({ id: counted, name: 'Counted', memberLimit: 5, members: 1, pendingInvites: 2 });
    const text = await gh(['org', 'get', '--id', counted]);
    expect(text.stdout).toMatch(new RegExp(`^id\\s+name\\s+memberLimit\\s+inviteTtl\\s+members\\s+pendingInvites\\s+instanceId\n${counted}\\s+Counted\\s+5\\s+3d\\s+1\\s+2\\s+${instanceId}\n$`));
    expect(await gh(['org', 'get', '--id', UNKNOWN_ID])).toEqual({ code: 1, stdout: '', stderr: 'gatehouse: Organization was not found\n' });
  });

  it('org update changes name, description, limit and lifetime, and the running server applies them', async () => {
    const updated = await ghJson(['org', 'update', '--id', counted, '--name', 'Counted Renamed', '--description', 'Where the counting happens', '--member-limit', '3', '--invite-ttl', '2h']);
    expect(updated).toMatchObject({ id: counted, name: 'Counted Renamed', description: 'Where the counting happens', memberLimit: 3, inviteTtlMs: 7_200_000, members: 1, pendingInvites: 2 });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(updated.createdAt));
    // One member and two invites take the three seats.
    const full = await gh(['invites', 'create', '--org', counted, '--email', 'three@example.com', '--role', 'view']);
    expect(full.stderr).toMatch(/^gatehouse: 400 Validation: Organization has reached its member limit of 3/);

    const text = await gh(['org', 'update', '--id', counted, '--no-member-limit', '--description', '']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^Updated organization ${counted}\n.*\n${counted}\\s+Counted Renamed\\s+none\\s+2h\\s+1\\s+2\\s+${instanceId}\n$`));
    const invite = await ghJson<{ ttl: number }>(['invites', 'create', '--org', counted, '--email', 'three@example.com', '--role', 'view']);
    expect(invite.ttl).toBe(7_200_000);

    expect(await ghJson(['org', 'update', '--id', counted, '--default-invite-ttl'])).toMatchObject({ inviteTtlMs: null, memberLimit: null, description: null, pendingInvites: 3 });

    const german = await gh(['org', 'update', '--id', counted, '--locale', 'de']);
    expect(german.code, german.stderr).toBe(0);
    expect(german.stdout).toMatch(/\nMail language: de\n$/);
    expect(await ghJson(['org', 'get', '--id', counted])).toMatchObject({ locale: 'de' });
    expect(await ghJson(['org', 'update', '--id', counted, '--default-locale'])).toMatchObject({ locale: null });
  });

  it('org update refuses nothing to change, both lifetimes, a blank name and an unknown id', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /^gatehouse: Nothing to change: give --name, --description, --member-limit or --no-member-limit, --invite-ttl or --default-invite-ttl, --locale or --default-locale\n$/],
      [['--locale', 'tlh'], /--locale.*one of en, de, fr, es, pt-BR, ja/],
      [['--locale', 'de', '--default-locale'], /option '--locale <tag>' cannot be used with option '--default-locale'/],
      [['--invite-ttl', '2h', '--default-invite-ttl'], /option '--invite-ttl <duration>' cannot be used with option '--default-invite-ttl'/],
      [['--name', '   '], /^gatehouse: name must be 1 to 255 characters\n$/],
      [['--member-limit', '0'], /--member-limit.*whole number/],
    ];
    await Promise.all(cases.map(async ([args, message]) => expectCleanFailure(await gh(['org', 'update', '--id', counted, ...args, '--json']), message)));
    expect(await gh(['org', 'update', '--id', UNKNOWN_ID, '--name', 'X'])).toEqual({ code: 1, stdout: '', stderr: 'gatehouse: Organization was not found\n' });
    expect(await ghJson(['org', 'get', '--id', counted])).toMatchObject({ name: 'Counted Renamed' });
  });
});

describe('token list', { timeout: LONG_RUN }, () => {
  const secrets: string[] = [];
  let expired = '';
  let revoked = '';
  let forUser = '';
  let bound = '';
  let userId = '';
  beforeAll(async () => {
    secrets.push(server.summary.created!.token);
    const made = async (...args: string[]) => {
      const token = await ghJson<{ id: string; token: string }>(['token', 'create', ...args]);
      secrets.push(token.token);
      return token.id;
    };
    expired = await made('--scope', 'instanceOrgMembers.get', '--expires', '1');
    revoked = await made('--scope', 'instanceOrgInvites.get');
    await ghJson(['token', 'revoke', '--id', revoked]);
    userId = (await ghJson<{ id: string }>(['user', 'create', '--email', 'token-owner@example.com'])).id;
    forUser = await made('--scope', 'all.User', '--user', userId, '--expires', '30d');
    bound = await made('--scope', 'all.Instance', '--org', orgId);
  });

  it('shows id, scopes, user, creation, expiry and state, newest first', async () => {
    const text = await gh(['token', 'list']);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+scopes\s+user\s+org\s+created\s+expires\s+state$/);
    const row = (id: string) => lines.find((l) => l.startsWith(id)) ?? `(no row for ${id})`;
    expect(row(forUser)).toMatch(new RegExp(`^${forUser}\\s+all\\.User\\s+${userId}\\s+${ISO}\\s+${ISO}\\s+live$`));
    expect(row(bound)).toMatch(new RegExp(`^${bound}\\s+all\\.Instance\\s+${orgId}\\s+${ISO}\\s+never\\s+live$`));
    expect(row(revoked)).toMatch(new RegExp(`^${revoked}\\s+instanceOrgInvites\\.get\\s+${ISO}\\s+never\\s+revoked$`));
    expect(row(expired)).toMatch(new RegExp(`^${expired}\\s+instanceOrgMembers\\.get\\s+${ISO}\\s+${ISO}\\s+expired$`));
    expect(row(server.summary.created!.tokenId)).toMatch(/\s+all\.Instance\s+\S+\s+never\s+live$/);
    expect(lines.indexOf(row(forUser))).toBeLessThan(lines.indexOf(row(expired)));
    expect(lines.at(-1)).toMatch(/^(\d+) of \1$/);
  });

  it('--json prints each token with its state and nothing secret: no secret, no hash', async () => {
    const result = await gh(['token', 'list', '--json']);
    const list = jsonOf<{ items: Array<Record<string, unknown>>; instanceId: string; count: number }>(result);
    expect(list).toMatchObject({ instanceId, count: list.items.length });
    for (const item of list.items) expect(Object.keys(item).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'instanceId', 'orgId', 'revokedAt', 'scopes', 'state', 'userId']);
    expect(list.items.find((t) => t.id === forUser)).toMatchObject({ userId, scopes: ['all.User'], revokedAt: null, state: 'live' });
    expect(list.items.find((t) => t.id === revoked)).toMatchObject({ revokedAt: expect.any(String), state: 'revoked' });
    expect(list.items.find((t) => t.id === expired)).toMatchObject({ state: 'expired' });
    expect(list.items.find((t) => t.id === bound)).toMatchObject({ orgId, state: 'live' });
    const text = (await gh(['token', 'list'])).stdout + result.stdout;
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.replace(/^gh_/, ''));
      expect(text).not.toContain(hashSecret(secret));
    }
  });

  it('an unknown instance is an error', async () => {
    expect(await gh(['token', 'list', '--instance', UNKNOWN_ID])).toEqual({ code: 1, stdout: '', stderr: 'gatehouse: Instance was not found\n' });
  });
});
