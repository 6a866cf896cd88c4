/**
 * The administrator's CLI against a running server (`invites …`, `members …`), end to end:
 * real processes, a real port, the TypeScript client underneath.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, envWith, killAll, run, type Server, serve } from '../helpers/cli.js';
import { until } from '../helpers/wait.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

let dir = '';
let server: Server;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-remote-'));
  const base = { GATEHOUSE_DATABASE: join(dir, 'db.sqlite'), GATEHOUSE_MAIL: `file:${join(dir, 'mail')}`, LOG_LEVEL: 'warn', GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: 'true' };
  server = await serve(envWith({ ...base, PORT: '0', HOST: '127.0.0.1' }));
  const created = server.summary.created!;
  env = envWith({ ...base, GATEHOUSE_URL: server.summary.url, GATEHOUSE_TOKEN: created.token, GATEHOUSE_INSTANCE: created.instanceId, GATEHOUSE_ORG: created.orgId });
});
afterAll(async () => {
  await server?.stop();
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * For the tests that run a dozen and more commands in a row: each is a process start, 1-2 s
 * on a loaded two-core machine, which the default 30 s does not always cover.
 */
const LONG_RUN = 90_000;

const gh = (...args: string[]) => run(process.execPath, [BIN, ...args], env);
async function json<T = any>(...args: string[]): Promise<T> {
  const result = await gh(...args, '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

describe('invites', () => {
  it('create, list (table and JSON, with sort, filter and page), get, resend, revoke', async () => {
    const created = await json('invites', 'create', '--email', 'Ada@Example.com', '--role', 'edit');
    expect(created).toMatchObject({ email: 'ada@example.com', role: 'edit', id: expect.stringMatching(/^[0-9a-f]{24}$/) });
    await json('invites', 'create', '--email', 'bob@example.com', '--role', 'view');
    const table = await gh('invites', 'list', '--sort-field', 'email', '--sort-direction', 'asc');
    expect(table.stdout.split('\n')[0]).toMatch(/^id\s+email\s+role\s+inviteDate\s+expired\s+mail$/);
    expect(table.stdout).toMatch(/ada@example\.com\s+edit/);
    expect(table.stdout).toContain('2 of 2');
    const page = await json('invites', 'list', '--filter-field', 'email', '--filter', '*@EXAMPLE.com', '--per-page', '1', '--page', '1', '--sort-field', 'email', '--sort-direction', 'asc');
    expect(page).toMatchObject({ count: 1, totalCount: 2, items: [{ email: 'bob@example.com' }] });
    expect(await json('invites', 'get', '--id', created.id)).toMatchObject({ id: created.id, role: 'edit' });
    expect(await json('invites', 'resend', '--id', created.id, '--role', 'admin')).toMatchObject({ id: created.id, role: 'admin' });
    expect(await json('invites', 'revoke', '--id', created.id)).toEqual({ success: true });
  });

  it('errors print one clear line and exit non-zero', async () => {
    const missing = await gh('invites', 'get', '--id', 'ffffffffffffffffffffffff');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('gatehouse: 404 NotFound: Invite was not found\n');
    const badToken = await run(process.execPath, [BIN, 'invites', 'list'], { ...env, GATEHOUSE_TOKEN: 'gh_wrong' });
    expect(badToken.stderr.trim()).toMatch(/^gatehouse: 401 Unauthorized: /);
    const down = await run(process.execPath, [BIN, 'members', 'list'], { ...env, GATEHOUSE_URL: 'http://127.0.0.1:1' });
    expect(down.code).toBe(1);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    const badId = await gh('invites', 'get', '--id', 'nope');
    expect(badId.code).not.toBe(0);
    expect(badId.stderr).toMatch(/24-character hex id/);
  });

  it('--help shows an example', async () => {
    for (const command of [['invites', 'list'], ['invites', 'import'], ['members', 'set-role']]) {
      const help = await gh(...command, '--help');
      expect(help.stdout).toMatch(/Example:\n {2}\$ gatehouse /);
    }
  });

  it('imports a 500-row CSV with duplicates and bad rows, and a second run skips everything done', async () => {
    const lines = ['Role,EMAIL'];
    for (let n = 0; n < 480; n++) lines.push(`${n % 3 ? 'view' : 'edit'},person${n}@import.example.com`);
    for (let n = 0; n < 10; n++) lines.push(`view,PERSON${n}@import.example.com`); // duplicates in the file
    for (let n = 0; n < 5; n++) lines.push(`owner,bad-role${n}@import.example.com`); // not a role
    for (let n = 0; n < 5; n++) lines.push(`view,"not an email ${n}"`);
    const file = join(dir, 'people.csv');
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);

    const first = await gh('invites', 'import', file, '--concurrency', '8', '--json');
    expect(first.code).toBe(1); // some rows failed
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ created: 480, skipped: 10, failed: 10 });
    expect(summary.rows.filter((r: any) => r.result === 'failed').map((r: any) => r.reason)).toEqual([
      ...Array(5).fill('role must be one of admin, edit, collaborate, view, none'),
      ...Array(5).fill('not an email address'),
    ]);
    expect(first.stderr).toContain('imported 500/500');
    const listed = await json('invites', 'list', '--filter-field', 'email', '--filter', '*@import.example.com', '--per-page', '1');
    expect(listed.totalCount).toBe(480);

    const again = JSON.parse((await gh('invites', 'import', file, '--json')).stdout);
    expect(again).toMatchObject({ created: 0, skipped: 490, failed: 10 });
    expect(again.rows.find((r: any) => r.email === 'person7@import.example.com').reason).toMatch(/already has a pending invite/);
  });
});

describe('members', () => {
  it('add, list, get, set-role, remove', async () => {
    const added = await json('members', 'add', '--email', 'Member@Example.com', '--role', 'view');
    expect(added).toMatchObject({ email: 'member@example.com', role: 'view' });
    expect((await gh('members', 'list')).stdout).toMatch(/member@example\.com\s+view/);
    expect(await json('members', 'get', '--user', added.userId)).toMatchObject({ userId: added.userId });
    expect(await json('members', 'set-role', '--user', added.userId, '--role', 'admin')).toMatchObject({ role: 'admin' });
    expect(await json('members', 'remove', '--user', added.userId)).toEqual({ success: true });
    const both = await gh('members', 'add', '--email', 'x@example.com', '--user', added.userId, '--role', 'view');
    expect(both.stderr).toBe('gatehouse: give exactly one of --email and --user\n');
  });
});

describe('webhooks', () => {
  it('create (the secret once), list, get, update, rotate, deliveries, redeliver, delete; without --org', async () => {
    const receiver = await new WebhookReceiver().start();
    const { GATEHOUSE_ORG: _org, ...noOrg } = env;
    const cli = async (...args: string[]) => {
      const result = await run(process.execPath, [BIN, 'webhooks', ...args], noOrg);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout;
    };
    try {
      const text = await cli('create', '--endpoint', receiver.url, '--events', 'invite.created,member.added', '--description', 'seats');
      const [, id] = /Created webhook ([0-9a-f]{24})/.exec(text)!;
      const [, secret] = /Signing secret \(shown only now\): (whsec_\S+)/.exec(text)!;
      receiver.secrets = [secret];
      const list = await cli('list');
      expect(list.split('\n')[0]).toMatch(/^id\s+url\s+events\s+org\s+state$/);
      expect(list).toContain(`${id}  ${receiver.url}  invite.created,member.added  all  enabled`);
      expect(list).not.toContain(secret);
      expect(JSON.parse(await cli('get', '--id', id, '--json'))).toMatchObject({ id, description: 'seats', enabled: true });
      expect(JSON.parse(await cli('update', '--id', id, '--disable', '--json'))).toMatchObject({ enabled: false });
      expect(JSON.parse(await cli('update', '--id', id, '--enable', '--all-events', '--json'))).toMatchObject({ enabled: true });

      const rotated = await cli('rotate', '--id', id);
      const [, fresh] = /New signing secret \(shown only now\): (whsec_\S+)/.exec(rotated)!;
      receiver.secrets = [secret, fresh];

      await json('invites', 'create', '--email', 'hooked@example.com', '--role', 'view');
      const delivered = await until('the invite.created delivery', 10_000, () => receiver.ofType('invite.created')[0]);
      expect(delivered.event.data).toMatchObject({ email: 'hooked@example.com', actor: { via: 'cli' } });
      expect(delivered.verifiedBy).toEqual([secret, fresh]);

      const log = await until('the attempt in the log', 10_000, async () => {
        const out = JSON.parse(await cli('deliveries', '--id', id, '--json'));
        return out.items.find((a: any) => a.eventId === delivered.id && a.statusCode === 200) ? out : undefined;
      });
      expect(log.pending).toBe(0);
      expect(await cli('deliveries', '--id', id)).toMatch(/^at\s+eventType\s+eventId\s+status\s+ms\s+state\s+next\s+excerpt$/m);

      expect(await cli('redeliver', '--id', id, '--event', delivered.id)).toMatch(new RegExp(`Queued delivery [0-9a-f]{24} of event ${delivered.id}`));
      await until('the redelivery', 10_000, () => (receiver.received.filter((r) => r.id === delivered.id).length === 2 ? true : undefined));

      expect(await cli('delete', '--id', id)).toBe(`Deleted webhook ${id}\n`);
      const gone = await run(process.execPath, [BIN, 'webhooks', 'get', '--id', id], noOrg);
      expect(gone.stderr).toBe('gatehouse: 404 NotFound: Webhook was not found\n');
      const badEvents = await run(process.execPath, [BIN, 'webhooks', 'create', '--endpoint', receiver.url, '--events', 'invite.exploded'], noOrg);
      expect(badEvents.code).not.toBe(0);
      expect(badEvents.stderr).toContain('invite.created, invite.resent');
    } finally {
      await receiver.stop();
    }
  }, LONG_RUN);
});

describe('join links', () => {
  const page = (url: string) => fetch(new URL(new URL(url).pathname, server.summary.url));

  it('create, list, get, update, rotate (the old URL stops working), delete', async () => {
    const created = await gh('join-links', 'create', '--role', 'view', '--domains', 'Acme.com,eu.acme.com', '--max-uses', '3', '--expires', '7d', '--description', 'the #general channel');
    expect(created.code, created.stderr).toBe(0);
    const [, id, url] = /^Created join link ([0-9a-f]{24})\n(http\S+\/join\/\S+)\n$/.exec(created.stdout)!;
    expect((await page(url)).status).toBe(200);

    const list = await gh('join-links', 'list');
    expect(list.stdout.split('\n')[0]).toMatch(/^id\s+role\s+uses\s+expires\s+domains\s+state$/);
    expect(list.stdout).toMatch(new RegExp(`${id}  view  0/3\\s+20\\d\\d-\\S+Z  acme\\.com,eu\\.acme\\.com  active`));
    expect(list.stdout).not.toContain(url);
    const got = await json('join-links', 'get', '--id', id);
    expect(got).toMatchObject({ id, url, role: 'view', maxUses: 3, uses: 0, allowedDomains: ['acme.com', 'eu.acme.com'], description: 'the #general channel', state: 'active' });
    expect(Date.parse(got.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);

    const opened = await json('join-links', 'update', '--id', id, '--no-max-uses', '--no-expiry', '--any-domain', '--role', 'edit', '--disable');
    expect(opened).toMatchObject({ role: 'edit', allowedDomains: [], state: 'disabled' });
    expect(opened).not.toHaveProperty('maxUses');
    expect(opened).not.toHaveProperty('expiresAt');
    expect((await page(url)).status).toBe(404);
    expect((await gh('join-links', 'update', '--id', id, '--enable')).stdout).toMatch(new RegExp(`${id}  edit  0\\s+never\\s+any\\s+active`));

    const rotated = await gh('join-links', 'rotate', '--id', id);
    const [, fresh] = /no longer works\):\n(http\S+)\n$/.exec(rotated.stdout)!;
    expect(fresh).not.toBe(url);
    expect((await page(url)).status).toBe(404);
    expect((await page(fresh)).status).toBe(200);

    expect((await gh('join-links', 'delete', '--id', id)).stdout).toBe(`Deleted join link ${id}\n`);
    expect((await gh('join-links', 'get', '--id', id)).stderr).toBe('gatehouse: 404 NotFound: Join link was not found\n');
    expect((await page(fresh)).status).toBe(404);
  }, LONG_RUN);

  it('bad settings print one clear line and change nothing', async () => {
    const badExpiry = await gh('join-links', 'create', '--role', 'view', '--expires', 'next tuesday');
    expect(badExpiry.code).not.toBe(0);
    expect(badExpiry.stderr).toContain('expected an ISO date or time');
    const past = await gh('join-links', 'create', '--role', 'view', '--expires', '2020-01-01');
    expect(past.code).toBe(1);
    expect(past.stderr).toMatch(/^gatehouse: 400 \w+: .*expiresAt.*\n$/);
    const badDomain = await gh('join-links', 'create', '--role', 'view', '--domains', 'not a domain');
    expect(badDomain.code).toBe(1);
    expect(badDomain.stderr).toMatch(/^gatehouse: 400 /);
    expect(await json('join-links', 'list')).toMatchObject({ count: 0 });
  });
});
