/**
 * One lock order for everything that touches a person's user, invite and member rows (the
 * email lock first, then the org's seats): requests about one email racing each other over two
 * replicas of one database end in one consistent state, never a 500 (a PostgreSQL deadlock)
 * and never a member who also holds a pending invite.
 *
 * On PostgreSQL the two sides of each race go to two Gatehouse instances on one database, as
 * two replicas would. On SQLite both go to one instance: two better-sqlite3 connections in one
 * process would wait for each other inside the busy handler, which blocks the event loop that
 * the lock holder needs to finish (test/e2e/sqlite-busy.test.ts covers a second process).
 */
import { PassThrough } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatehouse, type Gatehouse } from '../../src/gatehouse.js';
import { isPostgresUrl } from '../../src/store/database-url.js';
import { openDatabase } from '../../src/store/sqlite-native.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { freshEmail } from '../helpers/routes.js';
import { trackServerLog } from '../helpers/server-logs.js';
import { HTTP_STORE, titled } from '../helpers/stores.js';

const ROUNDS = 20;

let h: Harness;
/** The second replica (PostgreSQL), or the harness's own service again (SQLite). */
let second: Gatehouse;
let secondLogs = '';

beforeAll(async () => {
  h = await startHarness();
  if (isPostgresUrl(h.config.database)) {
    const logStream = new PassThrough();
    logStream.on('data', (chunk) => (secondLogs += chunk.toString()));
    // Shown only when a test fails (test/setup.ts).
    trackServerLog('the second replica', () => secondLogs);
    second = await createGatehouse(h.config, { clock: () => h.now(), logStream });
  } else {
    second = h.gh;
  }
});
afterAll(async () => {
  if (second && second !== h.gh) await second.close();
  await h?.close();
});

const orgPath = () => `/instances/${h.instanceId}/orgs/${h.orgId}`;

/** A request to one replica, answered as { status, body }. */
async function call(gh: Gatehouse, method: 'GET' | 'POST', url: string, body?: unknown, token: string | null = h.tokens.admin) {
  const res = await gh.app.inject({
    method,
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

/** Rows of the harness database, through a connection of its own (`?` placeholders). */
async function rows<T>(text: string, parameters: unknown[]): Promise<T[]> {
  const location = h.config.database;
  if (isPostgresUrl(location)) {
    const client = new pg.Client({ connectionString: location });
    await client.connect();
    try {
      let n = 0;
      return (await client.query(text.replace(/\?/g, () => `$${++n}`), parameters)).rows as T[];
    } finally {
      await client.end();
    }
  }
  return openDatabase(location, { readonly: true }).prepare(text).all(...parameters) as T[];
}

/** What the database holds about `email` in the harness org. */
async function stateOf(email: string) {
  const [users, members, pending] = await Promise.all([
    rows<{ id: string }>('select id from users where email = ?', [email]),
    rows<{ user_id: string; role: string }>('select user_id, role from org_members where org_id = ? and email = ?', [h.orgId, email]),
    rows<{ id: string }>(`select id from invites where org_id = ? and email = ? and status = 'pending'`, [h.orgId, email]),
  ]);
  return { users: users.length, members: members.length, pending: pending.length };
}

interface Round {
  email: string;
  answers: { status: number; body: any }[];
  state: Record<string, unknown>;
}

/** Prints how the rounds ended (statuses, and how many broke the invariants) before asserting them. */
function report(race: string, rounds: Round[]) {
  const outcomes: Record<string, number> = {};
  for (const r of rounds) {
    const key = r.answers.map((a) => a.status).join('/');
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  const broken = rounds.filter((r) => r.state.members !== 1 || r.state.pending !== 0).length;
  console.log(`${HTTP_STORE.name}: ${race} over ${rounds.length} rounds: ${JSON.stringify(outcomes)}; invariant broken in ${broken}`);
}

/** An invite of `email` made on the first replica, and the token its mail carries. */
async function invite(email: string) {
  const created = await call(h.gh, 'POST', `${orgPath()}/invites?perPage=1`, { email, role: 'edit' });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const { token } = await h.inviteLink(email);
  return token;
}

describe(titled(HTTP_STORE, 'lock order'), () => {
  it(`accept of an invite racing a direct add of the same email, ${ROUNDS} rounds over two replicas: one membership, never a 500`, async () => {
    const rounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const email = freshEmail('accept-vs-add');
      const token = await invite(email);
      const [accepted, added] = await Promise.all([
        call(h.gh, 'POST', '/invites', { email, token, accept: true }, null),
        call(second, 'POST', `${orgPath()}/members`, { email, role: 'view' }),
      ]);
      rounds.push({ email, answers: [accepted, added], state: await stateOf(email) });
    }
    report('accept vs add (accept/add)', rounds);
    for (const { email, answers, state } of rounds) {
      const [accepted, added] = answers;
      const detail = `${email}: ${JSON.stringify(answers)}`;
      // Whichever ran second lost cleanly: the add finds a member, or the accept a used link.
      expect([accepted.status, added.status], detail).toSatisfy(([a, b]: number[]) => (a === 200 && b === 400) || (a === 404 && b === 200));
      if (added.status === 400) expect(added.body.message, detail).toBe(`${email} is already a member of this organization`);
      if (accepted.status === 404) expect(accepted.body, detail).toMatchObject({ type: 'NotFound' });
      expect(state, detail).toEqual({ users: 1, members: 1, pending: 0 });
    }
    expect(secondLogs).not.toMatch(/deadlock/);
  });

  it(`a direct add racing an invite of the same email, ${ROUNDS} rounds over two replicas: never a member with a pending invite`, async () => {
    const rounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const email = freshEmail('add-vs-invite');
      const answers = await Promise.all([
        call(h.gh, 'POST', `${orgPath()}/members`, { email, role: 'view' }),
        call(second, 'POST', `${orgPath()}/invites?perPage=1`, { email, role: 'edit' }),
      ]);
      const statuses = await rows<{ status: string }>('select status from invites where org_id = ? and email = ?', [h.orgId, email]);
      rounds.push({ email, answers, state: { ...(await stateOf(email)), invites: statuses.map((r) => r.status) } });
    }
    report('add vs invite (add/invite)', rounds);
    for (const { email, answers, state } of rounds) {
      const [added, invited] = answers;
      const detail = `${email}: ${JSON.stringify(answers)}`;
      expect(added.status, detail).toBe(200);
      // The invite either came second and was refused, or came first and was replaced by the add.
      expect([201, 400], detail).toContain(invited.status);
      if (invited.status === 400) expect(invited.body.message, detail).toBe(`${email} is already a member of this organization`);
      expect(state, detail).toEqual({ users: 1, members: 1, pending: 0, invites: invited.status === 201 ? ['replaced'] : [] });
    }
  });

  it(`a direct add by user id racing the accept of that user's invite, ${ROUNDS} rounds over two replicas: one membership, never a 500`, async () => {
    const rounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const email = freshEmail('accept-vs-add-id');
      const user = await h.gh.admin.createUser({ email });
      const token = await invite(email);
      const answers = await Promise.all([
        call(second, 'POST', '/invites', { email, token, accept: true }, null),
        call(h.gh, 'POST', `${orgPath()}/members`, { userId: user.id, role: 'view' }),
      ]);
      rounds.push({ email, answers, state: await stateOf(email) });
    }
    report('accept vs add by id (accept/add)', rounds);
    for (const { email, answers, state } of rounds) {
      const detail = `${email}: ${JSON.stringify(answers)}`;
      expect(answers.map((a) => a.status), detail).toSatisfy(([a, b]: number[]) => (a === 200 && b === 400) || (a === 404 && b === 200));
      expect(state, detail).toEqual({ users: 1, members: 1, pending: 0 });
    }
  });
});
