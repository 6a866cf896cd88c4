/**
 * What an operator finds out from the database with the local CLI, end to end: the version,
 * --instance and --org from GATEHOUSE_INSTANCE and GATEHOUSE_ORG on every command that takes
 * them. Real processes: a server on a temp SQLite file (which bootstraps it), the remote
 * commands to make invites and members, and the local commands beside it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, envWith, expectCleanFailure, jsonOf, killAll, ROOT, run, type Server, serve } from '../helpers/cli.js';

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

describe('GATEHOUSE_INSTANCE and GATEHOUSE_ORG stand for --instance and --org on every command', () => {
  let other = '';
  beforeAll(async () => {
    other = (await ghJson<{ id: string }>(['instance', 'create', '--name', 'Other'])).id;
  });

  it('org create, token create and instance add-member take the instance from GATEHOUSE_INSTANCE', async () => {
    expect(await ghJson(['org', 'create', '--name', 'From the environment'])).toMatchObject({ instanceId, name: 'From the environment' });
    expect(await ghJson(['token', 'create', '--scope', 'all.Instance.read'])).toMatchObject({ instanceId, scopes: ['all.Instance.read'] });
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
