/**
 * Crash safety on the embedded SQLite store: a child `gatehouse serve` under a concurrent mixed
 * write load (invites, re-invites, member adds, accepts and rejects of mailed links, revokes) is
 * SIGKILLed mid-load several times and restarted on the same file. Afterwards every write that
 * was answered 2xx is there, the file passes its integrity check after every kill, and no invite
 * is half-accepted: an accepted invite without its membership, a membership that came from an
 * accept without its accepted invite, or a pending invite whose email is already a member.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sqlite-native.js';
import { BIN, killAll, run, type Server, serve } from '../helpers/cli.js';
import { call, describeFailure, loadEnv, MailLinks } from '../helpers/load.js';
import { sleep } from '../helpers/wait.js';

const ROUNDS = 4;
const WORKERS = 12;
/**
 * The answers each kind of write may get: success, or 400 for an invite or add of a member (or
 * of an email with a pending invite), or 404 for a link or invite no longer pending.
 */
const EXPECTED: Record<string, number[]> = { invite: [201, 400], add: [200, 400], accept: [200, 404], reject: [200, 404], revoke: [200, 404] };

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-crash-'));
const database = join(dir, 'gatehouse.db');
const mailFolder = join(dir, 'mail');
const env = loadEnv(database, mailFolder);

afterAll(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

/** What the server acknowledged, and the writes whose outcome is unknown but possible. */
const ledger = {
  /** 201 invite creates: invite id → org and email (the id as the answer's filtered list shows it). */
  invites: new Map<string, { org: string; email: string }>(),
  /** Emails of 201 invite creates, with their org (one org per email: the email names it). */
  invited: new Map<string, string>(),
  /** 200 member adds: user id → org and email. */
  members: new Map<string, { org: string; email: string }>(),
  /** `org|email` of every member add sent, answered or not: a member may come from any of them. */
  addsSent: new Set<string>(),
  /** 200 accepts: email → the org the answer named. */
  accepted: new Map<string, string>(),
  rejected: new Set<string>(),
  revoked: new Set<string>(),
};
const unexpected: string[] = [];
let interrupted = 0;
const perRound: { ms: number; requests: number; acknowledged: number; interrupted: number }[] = [];

/** Integrity of the file as it is (read-only), with the server killed or running. */
function integrity(): { check: string[]; foreignKeys: unknown[] } {
  const db = openDatabase(database, { readonly: true });
  try {
    const check = db.prepare('pragma integrity_check').pluck().all() as string[];
    const foreignKeys = db.prepare('pragma foreign_key_check').all();
    return { check, foreignKeys };
  } finally {
    db.close();
  }
}

it(`${ROUNDS} SIGKILLs under a mixed write load lose no acknowledged write and leave no half-accepted invite`, { timeout: 120_000 }, async () => {
  let server: Server = await serve(env);
  const { instanceId, orgId, token } = server.summary.created!;
  const second = await run(process.execPath, [BIN, 'org', 'create', '--instance', instanceId, '--name', 'Second', '--json'], env);
  expect(second.code, second.stderr).toBe(0);
  const orgs = [orgId, (JSON.parse(second.stdout) as { id: string }).id];
  const orgPath = (org: string) => `/instances/${instanceId}/orgs/${org}`;
  const links = new MailLinks(mailFolder);
  const scanner = setInterval(() => links.scan(), 100);
  /** Invite ids and emails the load may still revoke or add as members (taken once each). */
  const pendingIds: { id: string; org: string }[] = [];
  const pendingEmails: string[] = [];
  let serial = 0;

  try {
    for (let round = 0; round < ROUNDS; round++) {
      const base = server.summary.url;
      const started = Date.now();
      let killedAt = Infinity;
      let requests = 0;
      let acknowledged = 0;
      let cut = 0;

      /** One request of the load; a failure without an answer only counts once the kill is under way. */
      const send = async (what: string, path: string, method: string, body?: unknown, auth = true) => {
        const begun = Date.now();
        requests++;
        try {
          const answer = await call(`${base}${path}`, method, { token: auth ? token : undefined, body });
          if (!EXPECTED[what.split(' ')[0]].includes(answer.status)) unexpected.push(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
          if (answer.status < 300) acknowledged++;
          return answer;
        } catch (error) {
          if (begun <= killedAt && Date.now() >= killedAt) cut++;
          else if (begun <= killedAt) unexpected.push(`${what}: no answer before the kill: ${describeFailure(error)}`);
          return null;
        }
      };

      const invite = async (org: string, email: string) => {
        const path = `${orgPath(org)}/invites?perPage=1&filterField=email&filter=${encodeURIComponent(email)}`;
        const answer = await send(`invite ${email}`, path, 'POST', { email, role: 'view' });
        if (answer?.status !== 201) return;
        ledger.invited.set(email, org);
        const id = (answer.body.items as { id: string }[])[0]?.id; // absent if a member add replaced it at once
        if (id) ledger.invites.set(id, { org, email });
        if (id) pendingIds.push({ id, org });
        pendingEmails.push(email);
      };

      const step = async () => {
        const org = orgs[serial % 2];
        const fresh = `o${serial % 2}-r${round}-${serial++}@example.com`;
        const r = Math.random();
        const link = r >= 0.55 && r < 0.85 ? links.take() : undefined;
        if (r < 0.3 || (r >= 0.55 && r < 0.85 && !link)) return invite(org, fresh);
        if (r < 0.4) {
          const again = [...ledger.invited.keys()][Math.floor(Math.random() * ledger.invited.size)];
          return again ? invite(ledger.invited.get(again)!, again) : invite(org, fresh);
        }
        if (r < 0.55) {
          // One add in three is of an invited email: its pending invite ends as replaced.
          const email = Math.random() < 0.34 && pendingEmails.length ? pendingEmails.shift()! : fresh;
          const target = ledger.invited.get(email) ?? org;
          ledger.addsSent.add(`${target}|${email}`);
          const answer = await send(`add ${email}`, `${orgPath(target)}/members`, 'POST', { email, role: 'edit' });
          if (answer?.status === 200) ledger.members.set(answer.body.userId as string, { org: target, email });
          return;
        }
        if (link) {
          const accept = r < 0.75;
          const answer = await send(`${accept ? 'accept' : 'reject'} ${link.email}`, '/invites', 'POST', { email: link.email, token: link.token, accept }, false);
          if (answer?.status !== 200) return;
          expect(answer.body.accepted).toBe(accept);
          if (accept) ledger.accepted.set(link.email, answer.body.orgId as string);
          else ledger.rejected.add(link.email);
          return;
        }
        const target = pendingIds.splice(Math.floor(Math.random() * pendingIds.length), 1)[0];
        if (!target) return invite(org, fresh);
        const answer = await send(`revoke ${target.id}`, `${orgPath(target.org)}/invites/${target.id}`, 'DELETE');
        if (answer?.status === 200) ledger.revoked.add(target.id);
      };

      const workers = Array.from({ length: WORKERS }, async () => {
        while (killedAt === Infinity) await step();
      });
      // Kill at a random moment 1.5 to 3 s in, while the workers have requests in flight.
      await sleep(1500 + Math.random() * 1500);
      const exited = new Promise((r) => server.child.once('exit', r));
      killedAt = Date.now();
      server.child.kill('SIGKILL');
      await exited;
      expect(server.child.signalCode).toBe('SIGKILL');
      await Promise.all(workers);
      interrupted += cut;
      perRound.push({ ms: killedAt - started, requests, acknowledged, interrupted: cut });
      expect(acknowledged, `acknowledged writes in round ${round}`).toBeGreaterThan(20);

      // The file as the kill left it (its write-ahead log included) is sound.
      expect(integrity(), `the file after kill ${round + 1}`).toEqual({ check: ['ok'], foreignKeys: [] });
      server = await serve(env);
      expect(server.summary.created, 'a restart on the same file bootstraps nothing').toBeUndefined();
      // Under load the mail worker gets little of the one connection; idle, it catches up in a
      // second or two, and the next round has links to accept and reject.
      for (let before = -1, waited = 0; links.files !== before && waited < 8000; waited += 400) {
        before = links.files;
        await sleep(400);
        await links.scan();
      }
    }
    expect(unexpected, 'unexpected answers, or no answer while the server ran').toEqual([]);
    expect(interrupted, 'requests in flight that the kills cut off').toBeGreaterThan(0);
    expect([ledger.accepted.size, ledger.rejected.size, ledger.revoked.size, ledger.members.size].every((n) => n > 0), 'every kind of write was acknowledged').toBe(true);

    // ---- Through the API of the restarted server.
    const base = server.summary.url;
    expect((await call(`${base}/readyz`, 'GET')).status).toBe(200);
    const apiMembers = new Set<string>();
    const apiPending = new Set<string>();
    for (const org of orgs) {
      const members = await call(`${base}${orgPath(org)}/members`, 'GET', { token });
      expect(members.status).toBe(200);
      for (const m of members.body.items as { userId: string; email: string }[]) apiMembers.add(`${org}|${m.userId}`).add(`${org}|${m.email}`);
      const invites = await call(`${base}${orgPath(org)}/invites`, 'GET', { token });
      expect(invites.status).toBe(200);
      for (const i of invites.body.items as { id: string }[]) apiPending.add(i.id);
    }
    const missing = (keys: string[]) => keys.filter((k) => !apiMembers.has(k));
    expect(missing([...ledger.members].map(([userId, m]) => `${m.org}|${userId}`)), 'added members the API does not list').toEqual([]);
    expect(missing([...ledger.accepted].map(([email, org]) => `${org}|${email}`)), 'accepted emails the API does not list').toEqual([]);
    expect([...ledger.revoked].filter((id) => apiPending.has(id)), 'revoked invites still listed').toEqual([]);

    // ---- In the file.
    expect(integrity(), 'the file after the last restart').toEqual({ check: ['ok'], foreignKeys: [] });
    const db = openDatabase(database, { readonly: true });
    try {
      const invites = db.prepare('select id, org_id, email, status from invites').all() as { id: string; org_id: string; email: string; status: string }[];
      const members = db.prepare('select org_id, user_id, email from org_members').all() as { org_id: string; user_id: string; email: string }[];
      const audits = db.prepare('select action, target_id from audit_log').all() as { action: string; target_id: string }[];
      const byId = new Map(invites.map((i) => [i.id, i]));
      const member = new Set(members.map((m) => `${m.org_id}|${m.email}`));
      const accepted = invites.filter((i) => i.status === 'accepted');
      const acceptedKeys = accepted.map((i) => `${i.org_id}|${i.email}`);

      // Every acknowledged write is there.
      for (const [id, { org, email }] of ledger.invites) expect(byId.get(id), `invite ${id}`).toMatchObject({ org_id: org, email });
      for (const [email, org] of ledger.invited) expect(invites.some((i) => i.org_id === org && i.email === email), `an invite of ${email}`).toBe(true);
      for (const [userId, { org }] of ledger.members) expect(members.some((m) => m.org_id === org && m.user_id === userId), `member ${userId}`).toBe(true);
      for (const [email, org] of ledger.accepted) expect(acceptedKeys, `the accepted invite of ${email}`).toContain(`${org}|${email}`);
      for (const email of ledger.rejected) expect(invites.some((i) => i.email === email && i.status === 'rejected'), `a rejected invite of ${email}`).toBe(true);
      for (const id of ledger.revoked) expect(byId.get(id)?.status, `revoked invite ${id}`).toBe('revoked');

      // No invite is half-accepted.
      expect(acceptedKeys.filter((k) => !member.has(k)), 'accepted invites without their membership').toEqual([]);
      expect(new Set(acceptedKeys).size, 'emails accepted twice into one org').toBe(acceptedKeys.length);
      const fromNowhere = members.map((m) => `${m.org_id}|${m.email}`).filter((k) => !ledger.addsSent.has(k) && !acceptedKeys.includes(k));
      expect(fromNowhere, 'members neither added directly nor by an accepted invite').toEqual([]);
      const pendingMembers = invites.filter((i) => i.status === 'pending' && member.has(`${i.org_id}|${i.email}`));
      expect(pendingMembers, 'pending invites of members').toEqual([]);
      // Each change wrote its audit row in its own transaction: no more, no fewer.
      const audited = (action: string) => audits.filter((a) => a.action === action).map((a) => a.target_id).sort();
      expect(audited('instanceOrgInvites.post'), 'invite audit rows').toEqual(invites.map((i) => i.id).sort());
      expect(audited('orgInvites.accept'), 'accept audit rows').toEqual(accepted.map((i) => i.id).sort());
      expect(audited('orgInvites.reject')).toEqual(invites.filter((i) => i.status === 'rejected').map((i) => i.id).sort());
      expect(audited('instanceOrgMembers.post').length + accepted.length, 'members: direct adds plus accepts').toBe(members.length);

      // And the API's pending invites are the file's.
      expect([...apiPending].sort()).toEqual(invites.filter((i) => i.status === 'pending').map((i) => i.id).sort());
      const counts = Object.fromEntries(['pending', 'accepted', 'rejected', 'revoked', 'replaced'].map((s) => [s, invites.filter((i) => i.status === s).length]));
      console.log(`crash: ${JSON.stringify({ rounds: perRound, interrupted, invites: counts, members: members.length, mails: links.files })}`);
    } finally {
      db.close();
    }
    expect(await server.stop(), `exit code of the last serve; stderr: ${server.stderr().slice(-2000)}`).toBe(0);
  } finally {
    clearInterval(scanner);
  }
});
