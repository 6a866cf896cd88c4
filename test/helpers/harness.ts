import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { InjectOptions } from 'fastify';
import { type Config, loadConfig } from '../../src/config.js';
import { createGatehouse, type Gatehouse } from '../../src/gatehouse.js';
import { lastMail } from '../../src/mail/eml.js';
import { trackServerLog } from './server-logs.js';
import { snapshotDatabase } from './snapshot.js';
import { HTTP_STORE, type TestDatabase } from './stores.js';

export const DAY = 86_400_000;

/** A scope set and the token that carries it, made through the same service the CLI uses. */
export interface Tokens {
  admin: string;
  read: string;
  /** all.Organization and all.Organization.read: the org side's broad scopes (upstream's `org` routes). */
  organization: string;
  organizationRead: string;
  otherInstance: string;
  userAdmin: string;
  userAdminRead: string;
  userView: string;
  outsider: string;
  revoked: string;
  expired: string;
}

export interface Harness {
  gh: Gatehouse;
  dir: string;
  mailFolder: string;
  instanceId: string;
  orgId: string;
  /** A second org of the same instance. */
  otherOrgId: string;
  /** An org of another instance. */
  foreignOrgId: string;
  tokens: Tokens;
  /** Moves the service's clock (which otherwise stands still) forward. */
  advance(ms: number): void;
  now(): Date;
  /** The configuration the service was built from (its database, to open a second replica on it). */
  config: Config;
  /** `address` is the client address the service sees (default 127.0.0.1). */
  request(opts: { method: InjectOptions['method']; url: string; token?: string | null; body?: unknown; headers?: Record<string, string>; address?: string }): Promise<{
    status: number;
    body: any;
    headers: Record<string, unknown>;
  }>;
  /** Creates a token with exactly these scopes on the harness instance. */
  token(scopes: string[], extra?: { userId?: string; instanceId?: string; orgId?: string; ttlMs?: number }): Promise<string>;
  /** Delivers queued mail and returns the newest invitation link sent to `email`. */
  inviteLink(email: string): Promise<{ token: string; email: string; link: string }>;
  /** Everything logged so far. */
  logs(): string;
  /** Every row of every table, read through a separate connection: to prove nothing changed. */
  snapshot(): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real Gatehouse on a real database (a SQLite file, or with GATEHOUSE_TEST_STORE=postgres a
 * fresh PostgreSQL database), answering through Fastify's in-process HTTP (inject), with a
 * movable clock and an instance seeded with tokens.
 */
export async function startHarness(
  options: { memberLimit?: number; inviteTtl?: string; mail?: string; mailTemplates?: string; env?: Record<string, string> } = {},
): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-test-'));
  const mailFolder = join(dir, 'mail');
  const database: TestDatabase = await HTTP_STORE.fresh();
  const config = loadConfig({
    GATEHOUSE_DATABASE: database.location,
    GATEHOUSE_MAIL: options.mail ?? `file:${mailFolder}`,
    ...(options.mailTemplates ? { GATEHOUSE_MAIL_TEMPLATES: options.mailTemplates } : {}),
    GATEHOUSE_PUBLIC_URL: 'http://gatehouse.test',
    GATEHOUSE_INVITE_TTL: options.inviteTtl ?? '7d',
    // Suites fire many requests from one address; the rate-limit suite turns limits on.
    GATEHOUSE_RATE_LIMIT_ADDRESS: 'off',
    GATEHOUSE_RATE_LIMIT_EMAIL: 'off',
    GATEHOUSE_LOCKOUT: 'off',
    GATEHOUSE_RATE_LIMIT_TOKEN: 'off',
    GATEHOUSE_RATE_LIMIT_JOIN_ADDRESS: 'off',
    GATEHOUSE_RATE_LIMIT_JOIN_EMAIL: 'off',
    LOG_LEVEL: 'info',
    ...options.env,
  });
  // The service's clock stands still unless a test moves it, so dates can be asserted exactly.
  let offset = Date.now();
  const now = () => new Date(offset);
  const logStream = new PassThrough();
  let logText = '';
  logStream.on('data', (chunk) => (logText += chunk.toString()));
  const gh = await createGatehouse(config, { clock: now, logStream });
  // Shown only when a test fails (test/setup.ts).
  const untrack = trackServerLog('the in-process service', () => logText);
  const { admin } = gh;

  const instance = await admin.createInstance('Test instance');
  const other = await admin.createInstance('Other instance');
  const org = await admin.createOrg({ instanceId: instance.id, name: 'Acme', memberLimit: options.memberLimit });
  const otherOrg = await admin.createOrg({ instanceId: instance.id, name: 'Second' });
  const foreignOrg = await admin.createOrg({ instanceId: other.id, name: 'Foreign' });

  const token = async (scopes: string[], extra: { userId?: string; instanceId?: string; orgId?: string; ttlMs?: number } = {}) =>
    (await admin.createToken({ instanceId: extra.instanceId ?? instance.id, scopes, userId: extra.userId, orgId: extra.orgId, ttlMs: extra.ttlMs })).token;

  const adminUser = await admin.createUser({ email: 'instance-admin@example.com', firstName: 'Ida' });
  const viewUser = await admin.createUser({ email: 'instance-viewer@example.com' });
  const outsider = await admin.createUser({ email: 'outsider@example.com' });
  await admin.addInstanceMember(instance.id, adminUser.id, 'admin');
  await admin.addInstanceMember(instance.id, viewUser.id, 'view');
  await admin.addInstanceMember(other.id, outsider.id, 'admin');

  const revokedToken = await admin.createToken({ instanceId: instance.id, scopes: ['all.Instance'] });
  await admin.revokeToken(revokedToken.id);

  const tokens: Tokens = {
    admin: await token(['all.Instance']),
    read: await token(['all.Instance.read']),
    organization: await token(['all.Organization']),
    organizationRead: await token(['all.Organization.read']),
    otherInstance: await token(['all.Instance'], { instanceId: other.id }),
    userAdmin: await token(['all.User'], { userId: adminUser.id }),
    userAdminRead: await token(['all.User.read'], { userId: adminUser.id }),
    userView: await token(['all.User'], { userId: viewUser.id }),
    outsider: await token(['all.User'], { userId: outsider.id }),
    revoked: revokedToken.token,
    expired: await token(['all.Instance'], { ttlMs: 1000 }),
  };
  // The expired token was valid for one second of service time; move past it.
  offset += 2000;

  return {
    gh,
    config,
    dir,
    mailFolder,
    instanceId: instance.id,
    orgId: org.id,
    otherOrgId: otherOrg.id,
    foreignOrgId: foreignOrg.id,
    tokens,
    advance: (ms) => {
      offset += ms;
    },
    now,
    async request({ method, url, token: bearer, body, headers, address }) {
      const res = await gh.app.inject({
        method,
        url,
        ...(address ? { remoteAddress: address } : {}),
        headers: {
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      let parsed: unknown = res.body;
      try {
        parsed = JSON.parse(res.body);
      } catch {
        // not JSON: the test sees the raw text
      }
      return { status: res.statusCode, body: parsed, headers: res.headers };
    },
    token,
    async inviteLink(email) {
      await gh.worker.drain();
      const mail = await lastMail(mailFolder, email);
      if (!mail?.link) throw new Error(`no invitation mail to ${email}`);
      const url = new URL(mail.link);
      return { token: url.searchParams.get('token')!, email: url.searchParams.get('email')!, link: mail.link };
    },
    logs: () => logText,
    snapshot: () => snapshotDatabase(config.database),
    async close() {
      untrack();
      await gh.close();
      await database.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
