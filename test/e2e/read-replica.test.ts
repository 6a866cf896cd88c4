/**
 * Reads from a standby (GATEHOUSE_READ_DATABASE), with a real streaming-replication standby of
 * a dedicated throwaway cluster: a token's lists are served by the standby while it is within
 * GATEHOUSE_READ_MAX_LAG of the primary, and by the primary once it falls further behind or
 * goes away; a token that just wrote reads its own writes; public link checks and every write
 * stay on the primary. No answer is a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalEmail } from '../../src/contract/canonical.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { type Cluster, createDatabase, findPostgresBin, startCluster } from '../helpers/postgres.js';
import { freshEmail } from '../helpers/routes.js';
import { type Standby, startStandby } from '../helpers/standby.js';
import { titled, POSTGRES } from '../helpers/stores.js';
import { sleep, until } from '../helpers/wait.js';

/** The staleness bound of this test's service. */
const LAG_MS = 3000;

let primary: Cluster | undefined;
let standby: Standby | undefined;
let skipped: string | null = null;
let database = '';
if (!findPostgresBin()) skipped = 'PostgreSQL binaries not found under /usr/lib/postgresql (Debian package "postgresql")';
else {
  try {
    primary = await startCluster();
    database = await createDatabase(primary.adminUrl, 'replica');
    standby = await startStandby(primary);
  } catch (error) {
    skipped = `a primary and its standby could not be started: ${(error as Error).message.split('\n')[0]}`;
  }
}

describe.skipIf(skipped !== null)(titled({ ...POSTGRES, skipped }, 'reads from a standby within the staleness bound'), () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      env: { GATEHOUSE_DATABASE: database, GATEHOUSE_READ_DATABASE: standby!.url(new URL(database).pathname.slice(1)), GATEHOUSE_READ_MAX_LAG: `${LAG_MS / 1000}s` },
    });
  });
  afterAll(async () => {
    await h?.close();
    standby?.destroy();
    primary?.destroy();
  });

  const invitesUrl = () => `/instances/${h.instanceId}/orgs/${h.orgId}/invites?perPage=1000`;
  const invite = (email: string) => h.request({ method: 'POST', url: invitesUrl(), token: h.tokens.admin, body: { email, role: 'view' } });
  /** Whether `token`'s list shows an invite to `email`. */
  async function sees(token: string, email: string): Promise<boolean> {
    const list = await h.request({ method: 'GET', url: invitesUrl(), token });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    return list.body.items.some((i: { email: string }) => i.email === canonicalEmail(email));
  }

  it('a standby that keeps up serves the reads, and a token that just wrote reads its own write from the primary', async () => {
    // Replicated and checked: the reader sees what was written.
    const warm = freshEmail('warm');
    expect((await invite(warm)).status).toBe(201);
    await until('the standby to have the invite', 10_000, async () => ((await sees(h.tokens.read, warm)) ? true : undefined));

    await standby!.pause();
    const email = freshEmail('paused');
    expect((await invite(email)).status).toBe(201);
    // The writer reads from the primary.
    expect(await sees(h.tokens.admin, email)).toBe(true);
    // Another token reads from the standby, which is paused: the documented staleness.
    expect(await sees(h.tokens.read, email)).toBe(false);
    // The invite link is checked on the primary, standby or not.
    const { token: linkToken } = await h.inviteLink(email);
    const check = await h.request({ method: 'GET', url: `/invites?token=${linkToken}&email=${encodeURIComponent(email)}` });
    expect(check.status, JSON.stringify(check.body)).toBe(200);
  });

  it('a standby that falls further behind than the bound is skipped: the reader sees the write within the bound', async () => {
    const email = freshEmail('behind');
    const written = Date.now();
    expect((await invite(email)).status).toBe(201);
    // Replay is still paused: the standby never gets it, so seeing it means reading the primary.
    await until('the reader to see the write', LAG_MS + 4000, async () => ((await sees(h.tokens.read, email)) ? true : undefined));
    expect(Date.now() - written).toBeLessThanOrEqual(LAG_MS + 2500);
  });

  it('a standby that catches up serves again', async () => {
    await standby!.resume();
    const caughtUp = freshEmail('resumed');
    expect((await invite(caughtUp)).status).toBe(201);
    await until('the standby to have caught up', 10_000, async () => ((await sees(h.tokens.read, caughtUp)) ? true : undefined));
    // Let the monitor see it caught up, then pause again: a fresh write is not seen by the reader.
    await sleep(1500);
    await standby!.pause();
    const email = freshEmail('served-again');
    expect((await invite(email)).status).toBe(201);
    expect(await sees(h.tokens.read, email)).toBe(false);
    await standby!.resume();
  });

  it('a standby that goes away: reads fall back to the primary at once, with no 5xx', async () => {
    standby!.stop();
    const email = freshEmail('standby-gone');
    expect((await invite(email)).status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const list = await h.request({ method: 'GET', url: invitesUrl(), token: h.tokens.read });
      statuses.push(list.status);
      if (i === 0) expect(list.body.items.some((x: { email: string }) => x.email === canonicalEmail(email))).toBe(true);
    }
    expect(statuses.every((s) => s === 200)).toBe(true);
  });
});
