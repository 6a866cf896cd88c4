/**
 * PostgreSQL failing under a running Gatehouse the ways a failover fails, through a real TCP
 * proxy in front of the real server (test/helpers/fault-proxy.ts): clients must not notice.
 * - every connection cut and new ones refused for 3 s (a primary killed, a standby promoted):
 *   every request in flight or arriving meanwhile succeeds, within the hold;
 * - the answer to a COMMIT lost after the server committed: the write is answered 201 once,
 *   not "already invited", and is made, mailed and audited once;
 * - connections that land on a server that is no longer the primary (read-only, SQLSTATE
 *   25006): no 500; those connections are dropped, and the write succeeds once a writable one
 *   is found;
 * - the database going silent: /readyz says 503 within its bound instead of hanging.
 * The Patroni run (test/e2e/failover.test.ts, in the stress command) kills real primaries.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalEmail } from '../../src/contract/canonical.js';
import { parseEml } from '../../src/mail/eml.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { createDatabase, TEST_PG_URL } from '../helpers/postgres.js';
import { freshEmail } from '../helpers/routes.js';
import { POSTGRES, titled } from '../helpers/stores.js';
import { sleep } from '../helpers/wait.js';

let proxy: FaultProxy;
let h: Harness;
let database = '';

describe.skipIf(POSTGRES.skipped !== null)(titled(POSTGRES, 'PostgreSQL failing under a running server, through a faulty network'), () => {
  beforeAll(async () => {
    const direct = await createDatabase(TEST_PG_URL!, 'failover');
    database = new URL(direct).pathname.slice(1);
    proxy = await FaultProxy.start(Number(new URL(TEST_PG_URL!).port));
    const viaProxy = new URL(direct);
    viaProxy.port = String(proxy.port);
    h = await startHarness({ env: { GATEHOUSE_DATABASE: viaProxy.toString(), GATEHOUSE_DATABASE_HOLD: '15s' } });
  });
  afterAll(async () => {
    await h?.close();
    await proxy?.close();
  });

  const invitesUrl = () => `/instances/${h.instanceId}/orgs/${h.orgId}/invites?perPage=1000`;
  const invite = (email: string) => h.request({ method: 'POST', url: invitesUrl(), token: h.tokens.admin, body: { email, role: 'view' } });

  async function countOf(email: string) {
    const list = await h.request({ method: 'GET', url: invitesUrl(), token: h.tokens.admin });
    const audit = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/audit-logs?action=instanceOrgInvites.post&perPage=1000`, token: h.tokens.admin });
    await h.gh.worker.drain();
    let mail = 0;
    for (const name of (await readdir(h.mailFolder).catch(() => [])).filter((f) => f.endsWith('.eml'))) {
      if (canonicalEmail((await parseEml(name, await readFile(join(h.mailFolder, name)))).to) === canonicalEmail(email)) mail++;
    }
    return {
      invites: list.body.items.filter((i: { email: string }) => i.email === canonicalEmail(email)).length,
      audit: audit.body.items.filter((e: { email: string }) => e.email === canonicalEmail(email)).length,
      mail,
    };
  }

  /** Runs `sql` on the database directly, as its administrator (not through the proxy). */
  async function asAdmin(sql: string) {
    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  it('a 3 s failover: every write and read in flight or arriving meanwhile succeeds, none twice', async () => {
    const emails = Array.from({ length: 8 }, () => freshEmail('failover'));
    const started = Date.now();
    proxy.outage(3000);
    const writes = emails.map((email, i) => sleep(i * 200).then(() => invite(email)));
    const reads = [0, 1000, 2000].map((ms) => sleep(ms).then(() => h.request({ method: 'GET', url: invitesUrl(), token: h.tokens.read })));
    const answers = await Promise.all([...writes, ...reads]);
    expect(answers.map((a) => a.status)).toEqual([...emails.map(() => 201), 200, 200, 200]);
    // They waited for the database rather than failing at once.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    for (const email of emails) expect(await countOf(email), email).toEqual({ invites: 1, audit: 1, mail: 1 });
  });

  it('a COMMIT whose answer is lost: answered 201 once, and made, mailed and audited once', async () => {
    const email = freshEmail('lost-commit');
    proxy.loseNextCommitAnswer();
    const answer = await invite(email);
    expect(proxy.lostCommits).toBe(1);
    // Without the journal the retry would meet its own invite: 400 already_invited.
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body.items.filter((i: { email: string }) => i.email === canonicalEmail(email))).toHaveLength(1);
    expect(await countOf(email)).toEqual({ invites: 1, audit: 1, mail: 1 });
  });

  it('connections that reach a read-only server (25006): no 500, and the write lands once the primary is writable', async () => {
    const email = freshEmail('read-only');
    await asAdmin(`alter database "${database}" set default_transaction_read_only = on`);
    // Existing connections keep their setting: cut them, so the pool's new ones are read-only.
    proxy.outage(0);
    const answer = invite(email);
    await sleep(1500);
    await asAdmin(`alter database "${database}" reset default_transaction_read_only`);
    const done = await answer;
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect(h.logs()).not.toMatch(/"level":50.*read-only transaction/);
    expect(await countOf(email)).toEqual({ invites: 1, audit: 1, mail: 1 });
  });

  it('a database gone silent: /readyz answers 503 within 3 s instead of hanging, and 200 once it speaks again', async () => {
    proxy.goSilent();
    try {
      const started = Date.now();
      const ready = await h.request({ method: 'GET', url: '/readyz' });
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ type: 'ServiceUnavailable', code: 'service_unavailable' });
      expect(ready.headers['retry-after']).toBe('5');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      proxy.speak();
    }
    expect((await h.request({ method: 'GET', url: '/readyz' })).status).toBe(200);
  });
});
