/**
 * The CLI end to end: `node bin/gatehouse.js …` as a child process against a temp SQLite file,
 * the way an operator runs it. Set-up commands print one JSON object with --json, bad input
 * fails with a message and no stack trace, and `serve` is started and stopped for real.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, envWith, expectCleanFailure, jsonOf, killAll, run, type Server, serve, spawnServe, waitForMail } from '../helpers/cli.js';

const PUBLIC_URL = 'http://gatehouse.test';
const ID = /^[a-f\d]{24}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const UNKNOWN_ID = 'ffffffffffffffffffffffff';

// ---------------------------------------------------------------------------------------------
// Running the CLI.

let dir = '';
/** The set-up commands' database. */
let env: NodeJS.ProcessEnv = {};

const gh = (args: string[], extra: Record<string, string> = {}) => run(process.execPath, [BIN, ...args], { ...env, ...extra });

/** Runs a command with --json; it must succeed and print exactly one JSON object. */
const ghJson = async <T extends object>(...args: string[]): Promise<T> => jsonOf<T>(await gh([...args, '--json']));

// ---------------------------------------------------------------------------------------------
// Running the server.

/** Fresh SQLite path and mail folder for a server of its own. */
function freshStore(name: string): Record<string, string> {
  return { GATEHOUSE_DATABASE: join(dir, `${name}.db`), GATEHOUSE_MAIL: `file:${join(dir, `${name}-mail`)}` };
}

/** Every byte SQLite keeps for the database: the file and its WAL and shared-memory files. */
function databaseBytes(path: string): Buffer {
  return Buffer.concat([path, `${path}-wal`, `${path}-shm`, `${path}-journal`].filter((p) => existsSync(p)).map((p) => readFileSync(p)));
}

async function getMembers(url: string, instanceId: string, orgId: string, token: string) {
  const res = await fetch(`${url}/instances/${instanceId}/orgs/${orgId}/members`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const SERVE_VARS = { PORT: '0', HOST: '127.0.0.1' };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-cli-'));
  env = envWith({
    GATEHOUSE_DATABASE: join(dir, 'cli.db'),
    GATEHOUSE_MAIL: `file:${join(dir, 'mail')}`,
    GATEHOUSE_PUBLIC_URL: PUBLIC_URL,
    LOG_LEVEL: 'info',
  });
  // Only serve and migrate create a database; the set-up commands need one.
  expect(await run(process.execPath, [BIN, 'migrate'], env)).toMatchObject({ code: 0, stderr: '' });
});

afterAll(async () => {
  killAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

describe('set-up commands with --json', () => {
  let instanceId = '';
  let userId = '';

  it('instance create prints the new instance', async () => {
    const instance = await ghJson<{ id: string; name: string; createdAt: string }>('instance', 'create', '--name', 'Acme Corp');
    expect(instance).toEqual({ id: expect.stringMatching(ID), name: 'Acme Corp', createdAt: expect.stringMatching(ISO) });
    expect(Math.abs(Date.parse(instance.createdAt) - Date.now())).toBeLessThan(60_000);
    instanceId = instance.id;
  });

  it('instance create without --json prints a readable line naming the id', async () => {
    const result = await gh(['instance', 'create', '--name', 'Readable']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Created instance [a-f\d]{24} \(Readable\)\n$/);
  });

  it('org create prints the org with its member limit and invite lifetime', async () => {
    const org = await ghJson<Record<string, unknown>>('org', 'create', '--instance', instanceId, '--name', 'Widgets', '--member-limit', '5', '--invite-ttl', '2s');
    expect(org).toEqual({
      id: expect.stringMatching(ID),
      instanceId,
      name: 'Widgets',
      memberLimit: 5,
      inviteTtlMs: 2000,
      description: null,
      iconColor: null,
      locale: null,
      createdAt: expect.stringMatching(ISO),
      updatedAt: expect.stringMatching(ISO),
    });
  });

  it('org create without options leaves limit and lifetime to the defaults; ids may be upper case', async () => {
    const org = await ghJson<Record<string, unknown>>('org', 'create', '--instance', instanceId.toUpperCase(), '--name', 'Plain');
    expect(org).toMatchObject({ instanceId, name: 'Plain', memberLimit: null, inviteTtlMs: null });
  });

  it('user create prints the user with the email trimmed and lower-cased', async () => {
    const user = await ghJson<Record<string, unknown>>('user', 'create', '--email', ' Ada.Lovelace@Example.COM ', '--first-name', 'Ada', '--last-name', 'Lovelace');
    expect(user).toMatchObject({
      id: expect.stringMatching(ID),
      email: 'ada.lovelace@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      twoFactorAuthEnabled: false,
      ssoLinked: false,
      createdAt: expect.stringMatching(ISO),
    });
    userId = user.id as string;
  });

  it('instance add-member prints the membership, and a second call changes the role', async () => {
    expect(await ghJson('instance', 'add-member', '--instance', instanceId, '--user', userId, '--role', 'admin')).toEqual({ instanceId, userId, role: 'admin' });
    expect(await ghJson('instance', 'add-member', '--instance', instanceId, '--user', userId, '--role', 'view')).toEqual({ instanceId, userId, role: 'view' });
  });

  it('token create prints the secret once, and the database keeps no plain copy of it', async () => {
    const result = await gh(['token', 'create', '--instance', instanceId, '--scope', 'instanceOrgMembers.get', '--scope', 'instanceOrgInvites.post', '--expires', '30d', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    const token = JSON.parse(result.stdout) as Record<string, unknown> & { id: string; token: string; createdAt: string; expiresAt: string };
    expect(token).toMatchObject({
      id: expect.stringMatching(ID),
      instanceId,
      userId: null,
      scopes: ['instanceOrgMembers.get', 'instanceOrgInvites.post'],
      createdAt: expect.stringMatching(ISO),
      expiresAt: expect.stringMatching(ISO),
      revokedAt: null,
    });
    expect(Date.parse(token.expiresAt) - Date.parse(token.createdAt)).toBe(30 * 86_400_000);
    expect(typeof token.token).toBe('string');
    expect(token.token.length).toBeGreaterThanOrEqual(22);
    expect(result.stdout.split(token.token)).toHaveLength(2);

    const bytes = databaseBytes(env.GATEHOUSE_DATABASE!);
    // The row is there (its id is) but the secret is not, in any of SQLite's files.
    expect(bytes.includes(token.id)).toBe(true);
    expect(bytes.includes(token.token)).toBe(false);
    expect(bytes.includes(token.token.replace(/^gh_/, ''))).toBe(false);
  });

  it('token create for a user with all.User records the user', async () => {
    const token = await ghJson<Record<string, unknown>>('token', 'create', '--instance', instanceId, '--scope', 'all.User', '--user', userId);
    expect(token).toMatchObject({ instanceId, userId, scopes: ['all.User'], expiresAt: null });
  });

  it('token revoke prints the revoked id; revoking again fails cleanly', async () => {
    const token = await ghJson<{ id: string }>('token', 'create', '--instance', instanceId, '--scope', 'all.Instance.read');
    expect(await ghJson('token', 'revoke', '--id', token.id)).toEqual({ id: token.id, revoked: true });
    expectCleanFailure(await gh(['token', 'revoke', '--id', token.id, '--json']), /not found|already revoked/i);
  });
});

describe.concurrent('bad input exits non-zero with a clear message and no stack trace', () => {
  let instanceId = '';
  let userId = '';

  beforeAll(async () => {
    instanceId = (await ghJson<{ id: string }>('instance', 'create', '--name', 'Bad input')).id;
    userId = (await ghJson<{ id: string }>('user', 'create', '--email', 'bad-input@example.com')).id;
  });

  const cases: Array<[string, () => string[], RegExp]> = [
    ['an unknown scope', () => ['token', 'create', '--instance', instanceId, '--scope', 'instanceOrgMembers.get', '--scope', 'nope.scope'], /Unknown scope.*nope\.scope/],
    ['--role bogus', () => ['instance', 'add-member', '--instance', instanceId, '--user', userId, '--role', 'bogus'], /bogus.*admin, view/],
    ['--invite-ttl nonsense', () => ['org', 'create', '--instance', instanceId, '--name', 'X', '--invite-ttl', 'nonsense'], /invite-ttl.*nonsense.*duration/],
    ['--member-limit 0', () => ['org', 'create', '--instance', instanceId, '--name', 'X', '--member-limit', '0'], /member-limit.*whole number/],
    ['an unknown instance id (org create)', () => ['org', 'create', '--instance', UNKNOWN_ID, '--name', 'X'], /Instance was not found/],
    ['an unknown instance id (token create)', () => ['token', 'create', '--instance', UNKNOWN_ID, '--scope', 'all.Instance'], /Instance was not found/],
    ['a malformed instance id', () => ['org', 'create', '--instance', 'not-an-id', '--name', 'X'], /Instance/],
    ['an unknown user id', () => ['instance', 'add-member', '--instance', instanceId, '--user', UNKNOWN_ID, '--role', 'view'], /User was not found/],
    ['an unknown token id', () => ['token', 'revoke', '--id', UNKNOWN_ID], /Token.*not found/],
    ['all.User without --user', () => ['token', 'create', '--instance', instanceId, '--scope', 'all.User'], /--user/],
    ['an invalid email', () => ['user', 'create', '--email', 'not-an-email'], /not-an-email.*not an email/],
    ['a duplicate user', () => ['user', 'create', '--email', 'BAD-INPUT@example.com'], /already exists/],
    ['a blank name', () => ['instance', 'create', '--name', '   '], /name must be/],
    ['a missing required option', () => ['org', 'create', '--name', 'X'], /--instance/],
    ['mail last with no mail', () => ['mail', 'last', '--to', 'nobody@example.com'], /no mail to nobody@example\.com/],
  ];

  it.each(cases)('%s', async (_name, args, message) => {
    expectCleanFailure(await gh([...args(), '--json']), message);
  });
});

describe.concurrent('configuration from the environment', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'abc' }, /PORT.*"abc"/],
    [{ GATEHOUSE_INVITE_TTL: 'soon' }, /GATEHOUSE_INVITE_TTL.*"soon"/],
  ];

  it.each(cases)('serve with %o exits non-zero naming the variable', async (vars, message) => {
    const result = await run(process.execPath, [BIN, 'serve', '--json'], { ...env, ...freshStore('bad-env'), ...SERVE_VARS, ...vars });
    expectCleanFailure(result, message);
  });

  it('reports every invalid variable at once', async () => {
    const result = await run(process.execPath, [BIN, 'serve', '--json'], {
      ...env,
      ...freshStore('bad-env'),
      HOST: '127.0.0.1',
      PORT: '70000',
      GATEHOUSE_INVITE_TTL: '0',
      LOG_LEVEL: 'loud',
      GATEHOUSE_MAIL: 'carrier-pigeon://coop',
      GATEHOUSE_PUBLIC_URL: 'ftp://example.com',
    });
    expectCleanFailure(result, /PORT/);
    for (const name of ['GATEHOUSE_INVITE_TTL', 'LOG_LEVEL', 'GATEHOUSE_MAIL', 'GATEHOUSE_PUBLIC_URL']) expect(result.stderr).toContain(name);
  });
});

describe('serve', () => {
  it('on an empty database prints the created instance, org and token once; a restart does not', async () => {
    const store = freshStore('bootstrap');
    const first = await serve({ ...env, ...store, ...SERVE_VARS });
    expect(first.summary).toEqual({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      database: store.GATEHOUSE_DATABASE,
      created: { instanceId: expect.stringMatching(ID), orgId: expect.stringMatching(ID), tokenId: expect.stringMatching(ID), token: expect.any(String) },
    });
    const { instanceId, orgId, token } = first.summary.created!;
    const members = await getMembers(first.summary.url, instanceId, orgId, token);
    expect(members.status).toBe(200);
    expect(members.body).toMatchObject({ instanceId, orgId, count: 0, items: [] });
    expect(await first.stop()).toBe(0);
    expect(first.stdout().split(token)).toHaveLength(2);
    expect(databaseBytes(store.GATEHOUSE_DATABASE).includes(token)).toBe(false);

    const second = await serve({ ...env, ...store, ...SERVE_VARS });
    expect(second.summary.created).toBeUndefined();
    expect(Object.keys(second.summary).sort()).toEqual(['database', 'url']);
    // The bootstrap token still works, and is not shown again.
    expect((await getMembers(second.summary.url, instanceId, orgId, token)).status).toBe(200);
    expect(await second.stop()).toBe(0);
    expect(second.stdout()).not.toContain(token);
    expect(second.stderr()).not.toContain(token);
  });

  describe('start-up line and shutdown, observed right at start-up', () => {
    // A supervisor or a script reads exactly one line and may stop the server right after it:
    // by then the server is listening, so SIGTERM must already mean a graceful shutdown. The
    // races show most on restarts, so start a few times on the same database.
    const starts: Array<{ firstLine: string; stdout: string; exitCode: number | null; signal: string | null }> = [];

    /** Starts `serve --json` and sends SIGTERM as soon as its first stdout line is complete. */
    const startAndStopAtFirstLine = (vars: Record<string, string>) =>
      new Promise<(typeof starts)[number]>((done, fail) => {
        const child = spawnServe({ ...env, ...vars });
        let out = '';
        let firstLine: string | null = null;
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          fail(new Error('serve printed nothing, or did not exit, within 15 s'));
        }, 15_000);
        child.stdout!.setEncoding('utf8');
        child.stdout!.on('data', (chunk: string) => {
          out += chunk;
          if (firstLine === null && out.includes('\n')) {
            firstLine = out.slice(0, out.indexOf('\n'));
            child.kill('SIGTERM');
          }
        });
        child.stderr!.resume();
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          if (firstLine === null) fail(new Error(`serve exited with ${code ?? signal} before printing`));
          else done({ firstLine, stdout: out, exitCode: code, signal });
        });
      });

    beforeAll(async () => {
      const store = freshStore('restarts');
      for (let i = 0; i < 3; i++) starts.push(await startAndStopAtFirstLine({ ...store, ...SERVE_VARS }));
    });

    it('prints the summary as its very first stdout line, before any log line', () => {
      expect(starts).toHaveLength(3);
      for (const { firstLine } of starts) expect(firstLine, 'first stdout line of serve --json').toMatch(/^\{"url":/);
    });

    it('exits 0 (a graceful shutdown) on SIGTERM sent as soon as the first line is out', () => {
      expect(starts).toHaveLength(3);
      for (const { exitCode, signal } of starts) {
        expect({ exitCode, signal }, 'exit after SIGTERM (signal set: killed without shutting down)').toEqual({ exitCode: 0, signal: null });
      }
    });
  });

  it('with PORT=0 and no GATEHOUSE_PUBLIC_URL, invitation links point at the port actually bound', async () => {
    // README: GATEHOUSE_PUBLIC_URL defaults to http://localhost:$PORT, and PORT=0 picks a free port.
    const store = freshStore('default-public-url');
    const server = await serve({ ...env, ...store, ...SERVE_VARS, GATEHOUSE_PUBLIC_URL: '' });
    try {
      const { instanceId, orgId, token } = server.summary.created!;
      const res = await fetch(`${server.summary.url}/instances/${instanceId}/orgs/${orgId}/invites`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'port@example.com', role: 'view' }),
      });
      expect(res.status).toBe(201);
      const mail = await waitForMail({ ...env, ...store }, 'port@example.com');
      expect(mail.link).not.toBeNull();
      const link = new URL(mail.link!);
      expect(link.pathname).toBe('/accept');
      expect(link.port, `link ${mail.link} vs server ${server.summary.url}`).toBe(new URL(server.summary.url).port);
    } finally {
      await server.stop();
    }
  });

  describe('next to the set-up commands', () => {
    let server: Server;
    let url = '';
    let instanceId = '';
    let orgId = '';

    beforeAll(async () => {
      instanceId = (await ghJson<{ id: string }>('instance', 'create', '--name', 'Live')).id;
      orgId = (await ghJson<{ id: string }>('org', 'create', '--instance', instanceId, '--name', 'Live <Org>')).id;
      server = await serve({ ...env, ...SERVE_VARS });
      url = server.summary.url;
    });

    afterAll(async () => {
      if (server) await server.stop();
    });

    it('does not bootstrap a database that already has instances', () => {
      expect(server.summary.created).toBeUndefined();
      expect(server.summary.database).toBe(env.GATEHOUSE_DATABASE);
    });

    it('token revoke makes the token answer 401 on the running server at once', async () => {
      const doomed = await ghJson<{ id: string; token: string }>('token', 'create', '--instance', instanceId, '--scope', 'instanceOrgMembers.get');
      const kept = await ghJson<{ id: string; token: string }>('token', 'create', '--instance', instanceId, '--scope', 'instanceOrgMembers.*');
      expect((await getMembers(url, instanceId, orgId, doomed.token)).status).toBe(200);

      expect(await ghJson('token', 'revoke', '--id', doomed.id)).toEqual({ id: doomed.id, revoked: true });

      const after = await getMembers(url, instanceId, orgId, doomed.token);
      expect(after.status).toBe(401);
      expect(after.body).toMatchObject({ type: 'Unauthorized', message: expect.any(String) });
      expect(JSON.stringify(after.body)).not.toContain(doomed.token);
      expect((await getMembers(url, instanceId, orgId, kept.token)).status).toBe(200);
    });

    it('a token without the scope gets 403, one for another instance gets 403', async () => {
      const narrow = await ghJson<{ token: string }>('token', 'create', '--instance', instanceId, '--scope', 'instanceOrgInvites.get');
      expect((await getMembers(url, instanceId, orgId, narrow.token)).status).toBe(403);
      const elsewhere = (await ghJson<{ id: string }>('instance', 'create', '--name', 'Elsewhere')).id;
      const foreign = await ghJson<{ token: string }>('token', 'create', '--instance', elsewhere, '--scope', 'all.Instance');
      expect((await getMembers(url, instanceId, orgId, foreign.token)).status).toBe(403);
    });

    it('org create options take effect: --invite-ttl sets the ttl, --member-limit caps invites', async () => {
      const limited = await ghJson<{ id: string }>('org', 'create', '--instance', instanceId, '--name', 'Small', '--member-limit', '1', '--invite-ttl', '2s');
      const admin = await ghJson<{ token: string }>('token', 'create', '--instance', instanceId, '--scope', 'all.Instance');
      const post = (email: string) =>
        fetch(`${url}/instances/${instanceId}/orgs/${limited.id}/invites`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ email, role: 'view' }),
        });
      const first = await post('first@example.com');
      expect(first.status).toBe(201);
      const body = (await first.json()) as { items: Array<{ email: string; ttl: number }> };
      expect(body.items.map((i) => [i.email, i.ttl])).toEqual([['first@example.com', 2000]]);

      const second = await post('second@example.com');
      expect(second.status).toBe(400);
      expect(((await second.json()) as { message: string }).message).toMatch(/member limit of 1/);
    });

    it('mail last shows the invitation mail the server wrote, with its accept link', async () => {
      const admin = await ghJson<{ token: string }>('token', 'create', '--instance', instanceId, '--scope', 'instanceOrgInvites.post');
      const res = await fetch(`${url}/instances/${instanceId}/orgs/${orgId}/invites`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'Invitee@Example.com', role: 'edit' }),
      });
      expect(res.status).toBe(201);

      const mail = await waitForMail(env, 'invitee@example.com');
      expect(mail.file).toMatch(/\.eml$/);
      expect(existsSync(mail.file)).toBe(true);
      expect(mail.to).toContain('invitee@example.com');
      expect(mail.subject).toBe('You are invited to join Live <Org>');
      expect(mail.text).toContain('"Live <Org>"');
      expect(mail.text).toContain('"edit"');
      expect(mail.link).toMatch(/^http:\/\/gatehouse\.test\/accept\?token=[\w-]{22,}&email=invitee%40example\.com$/);
      expect(mail.text).toContain(mail.link);

      // The link works against the server: the public endpoint knows the invite.
      const link = new URL(mail.link!);
      const info = await fetch(`${url}/invites?${link.searchParams.toString()}`);
      expect(info.status).toBe(200);
      expect(await info.json()).toMatchObject({ orgName: 'Live <Org>', email: 'invitee@example.com', role: 'edit' });

      // Without --to: the newest mail of all.
      const newest = await ghJson<{ file: string }>('mail', 'last');
      expect(newest.file).toBe(mail.file);
    });

    it('mail status lists nothing once everything is delivered; mail retry refuses a message that is not failed', async () => {
      expect(await ghJson<{ messages: unknown[] }>('mail', 'status')).toEqual({ messages: [] });
      expect((await gh(['mail', 'status'])).stdout).toContain('All invitation mail has been delivered.');
      expectCleanFailure(await gh(['mail', 'retry', '--id', 'ffffffffffffffffffffffff', '--json']), /Failed mail with that id was not found/);
    });
  });
});
