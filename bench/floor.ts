/**
 * The floor: the least any server can do for the benchmark's five requests on this machine. A
 * bare node:http server on the same SQLite file as Gatehouse, running the statements Gatehouse
 * runs for each request (captured from its store; auth lookup, org check, count and page,
 * mail status, the write transaction begun immediate with its outbox, audit and event rows and
 * its webhook and branding look-ups), prepared once, and JSON.stringify. No framework, no
 * validation, no logging, no rate limits, and no mail sent (Gatehouse's worker renders and
 * writes each invitation it queues): what is left is the HTTP parser, SQLite and JSON, which
 * bounds what a framework can reach.
 *
 * `tsx bench/floor.ts <database>`; prints `{"url": …}` on stdout once listening on 127.0.0.1:PORT.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import SQLite from 'better-sqlite3';

const db = new SQLite(process.argv[2]);
db.exec('pragma journal_mode = WAL; pragma busy_timeout = 5000; pragma foreign_keys = on; pragma synchronous = normal');

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const q = {
  token: db.prepare('select * from "api_tokens" where "token_hash" = ?'),
  org: db.prepare('select * from "orgs" where "id" = ?'),
  invite: db.prepare('select * from "invites" where "id" = ? and "org_id" = ?'),
  countInvites: db.prepare(`select count(*) as "n" from "invites" where "invites"."org_id" = ? and "invites"."status" = ? and "email" like ? escape '\\'`),
  pageInvites: db.prepare(
    `select * from "invites" where "invites"."org_id" = ? and "invites"."status" = ? and "email" like ? escape '\\' order by "email" asc, "id" asc limit ? offset ?`,
  ),
  // Counted as Gatehouse counts a page's total: up to its cap (COUNT_CAP, 10,000).
  countPending: db.prepare('select count(*) as "n" from (select 1 as "one" from "invites" where "invites"."org_id" = ? and "invites"."status" = ? limit ?) as "matches"'),
  newestPending: db.prepare('select * from "invites" where "invites"."org_id" = ? and "invites"."status" = ? order by "invite_date" desc, "id" desc limit ? offset ?'),
  countMembers: db.prepare('select count(*) as "n" from "org_members" where "org_members"."org_id" = ?'),
  pageMembers: db.prepare(
    'select "org_members".*, "users"."first_name", "users"."last_name", "users"."avatar_url", "users"."two_factor_auth_enabled", "users"."sso_linked" from "org_members" inner join "users" on "users"."id" = "org_members"."user_id" where "org_members"."org_id" = ? order by "org_members"."email" asc limit ? offset ?',
  ),
  userByEmail: db.prepare('select * from "users" where "email" = ?'),
  replaceExpired: db.prepare('update "invites" set "status" = ? where "org_id" = ? and "email" = ? and "status" = ? and "expires_at" < ? returning "id"'),
  insertInvite: db.prepare(
    'insert into "invites" ("id", "org_id", "email", "role", "application_roles", "dashboard_roles", "disallow_transfer", "token_hash", "invite_date", "ttl", "expires_at", "status", "invited_by_token_id") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ),
  insertMail: db.prepare(
    'insert into "outbox" ("id", "invite_id", "to_address", "subject", "text_body", "html_body", "status", "attempts", "next_attempt_at", "last_error", "created_at", "sent_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ),
  insertAudit: db.prepare(
    'insert into "audit_log" ("id", "instance_id", "org_id", "at", "action", "token_id", "user_id", "address", "target_id", "email", "details") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ),
  // Each change's events: the instance's next sequence numbers, the rows, and the
  // webhooks to deliver them to; the invitation mail is rendered with the instance's branding.
  nextSeq: db.prepare(
    'insert into "event_counters" ("instance_id", "last_seq") values (?, ?) on conflict ("instance_id") do update set "last_seq" = event_counters.last_seq + ? returning "last_seq"',
  ),
  insertEvent: db.prepare('insert into "events" ("id", "instance_id", "seq", "org_id", "type", "at", "data") values (?, ?, ?, ?, ?, ?, ?)'),
  insertTwoEvents: db.prepare('insert into "events" ("id", "instance_id", "seq", "org_id", "type", "at", "data") values (?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?)'),
  webhooks: db.prepare('select * from "webhooks" where "instance_id" = ? and "enabled" = 1'),
  branding: db.prepare(
    'select "owner_id", "instance_id", "product_name", "accent_color", "continue_url", "continue_origins", "logo_type", "logo_hash", "updated_at" from "brandings" where "owner_id" in (?, ?)',
  ),
  inviteByToken: db.prepare('select * from "invites" where "token_hash" = ?'),
  claim: db.prepare('update "invites" set "status" = ? where "id" = ? and "status" = ? and "token_hash" = ? returning *'),
  ensureUser: db.prepare(
    'insert into "users" ("id", "email", "first_name", "last_name", "avatar_url", "two_factor_auth_enabled", "sso_linked", "created_at") values (?, ?, ?, ?, ?, ?, ?, ?) on conflict ("email") do nothing',
  ),
  insertMember: db.prepare(
    'insert into "org_members" ("org_id", "user_id", "email", "role", "application_roles", "dashboard_roles", "disallow_transfer", "created_at") values (?, ?, ?, ?, ?, ?, ?, ?)',
  ),
};
// One statement per list length, kept: better-sqlite3 12 aborts on Node >= 24.19 when a statement is garbage-collected.
const mailStatements = new Map<number, SQLite.Statement>();
const mailOf = (ids: string[]) => {
  let statement = mailStatements.get(ids.length);
  if (!statement) {
    statement = db.prepare(`select * from "outbox" where "invite_id" in (${ids.map(() => '?').join(', ')}) order by "created_at", "id"`);
    mailStatements.set(ids.length, statement);
  }
  return statement.all(...ids);
};

type Row = Record<string, any>;
let counter = 0;
const id = () => Math.floor(Date.now() / 1000).toString(16).padStart(8, '0') + randomBytes(5).toString('hex') + (++counter % 0xffffff).toString(16).padStart(6, '0').slice(-6);
const invite = (r: Row) => ({
  id: r.id,
  email: r.email,
  role: r.role,
  applicationRoles: JSON.parse(r.application_roles),
  dashboardRoles: JSON.parse(r.dashboard_roles),
  inviteDate: r.invite_date,
  ttl: Number(r.ttl),
  hasExpired: r.expires_at < new Date().toISOString(),
  disallowTransfer: !!r.disallow_transfer,
});
const member = (r: Row, instanceId: string) => ({ instanceId, orgId: r.org_id, userId: r.user_id, email: r.email, role: r.role, twoFactorAuthEnabled: !!r.two_factor_auth_enabled, ssoLinked: !!r.sso_linked });

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Row> {
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (text += c));
    req.on('end', () => resolve(text ? JSON.parse(text) : {}));
  });
}

const grant = (r: Row) => `"role":"${r.role}","applicationRoles":[],"dashboardRoles":[],"disallowTransfer":false`;

// Begun IMMEDIATE (`.immediate()`), as Gatehouse's write transactions are.
const create = db.transaction((org: Row, token: Row, email: string) => {
  const now = new Date().toISOString();
  q.org.all(org.id);
  q.branding.all(org.instance_id, org.id);
  q.userByEmail.all(email);
  q.replaceExpired.all('replaced', org.id, email, 'pending', now);
  const inviteId = id();
  q.insertInvite.run(inviteId, org.id, email, 'view', '[]', '[]', 0, sha256(randomBytes(24).toString('base64url')), now, 604800000, new Date(Date.now() + 604800000).toISOString(), 'pending', token.id);
  q.insertMail.run(id(), inviteId, email, `You are invited to join ${org.name}`, `An administrator invited you to join "${org.name}".`, '<p>…</p>', 'queued', 0, now, null, now, null);
  q.insertAudit.run(id(), org.instance_id, org.id, now, 'instanceOrgInvites.post', token.id, null, '127.0.0.1', inviteId, email, '{"role":"view"}');
  const seq = Number((q.nextSeq.all(org.instance_id, 1, 1)[0] as Row).last_seq);
  q.insertEvent.run(id(), org.instance_id, seq, org.id, 'invite.created', now, `{"inviteId":"${inviteId}","email":"${email}",${grant({ role: 'view' })}}`);
  q.webhooks.all(org.instance_id);
});

const accept = db.transaction((email: string, secret: string) => {
  const hash = sha256(secret);
  const found = q.inviteByToken.all(hash)[0] as Row | undefined;
  if (!found || found.email !== email) return null;
  const claimed = q.claim.all('accepted', found.id, 'pending', hash)[0] as Row | undefined;
  if (!claimed) return null;
  const org = q.org.all(claimed.org_id)[0] as Row;
  const now = new Date().toISOString();
  q.ensureUser.run(id(), email, null, null, null, 0, 0, now);
  const user = q.userByEmail.all(email)[0] as Row;
  q.insertAudit.run(id(), org.instance_id, org.id, now, 'orgInvites.accept', null, user.id, '127.0.0.1', claimed.id, email, '{}');
  q.insertMember.run(org.id, user.id, email, claimed.role, claimed.application_roles, claimed.dashboard_roles, claimed.disallow_transfer, now);
  const last = Number((q.nextSeq.all(org.instance_id, 2, 2)[0] as Row).last_seq);
  const invited = `"inviteId":"${claimed.id}","email":"${email}",${grant(claimed)}`;
  q.insertTwoEvents.run(
    [id(), org.instance_id, last - 1, org.id, 'invite.accepted', now, `{${invited},"userId":"${user.id}"}`],
    [id(), org.instance_id, last, org.id, 'member.added', now, `{"userId":"${user.id}",${invited}}`],
  );
  q.webhooks.all(org.instance_id);
  return org.id as string;
});

async function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url!, 'http://x');
  if (req.method === 'POST' && url.pathname === '/invites') {
    const body = await readBody(req);
    const orgId = accept.immediate(body.email, body.token);
    return orgId ? send(res, 200, { accepted: true, orgId }) : send(res, 404, { type: 'NotFound', message: 'Invite was not found' });
  }
  const m = /^\/instances\/([0-9a-f]{24})\/orgs\/([0-9a-f]{24})\/(invites|members)(?:\/([0-9a-f]{24}))?$/.exec(url.pathname);
  const token = q.token.all(sha256((req.headers.authorization ?? '').replace(/^Bearer /, '')))[0] as Row | undefined;
  if (!m || !token) return send(res, 404, { type: 'NotFound', message: 'Not found' });
  const [, instanceId, orgId, kind, inviteId] = m;
  const org = q.org.all(orgId)[0] as Row;
  const perPage = url.searchParams.has('perPage') ? Number(url.searchParams.get('perPage')) : null;
  if (kind === 'members') {
    const total = (q.countMembers.all(orgId)[0] as Row).n;
    const items = q.pageMembers.all(orgId, perPage ?? -1, 0).map((r) => member(r as Row, instanceId));
    return send(res, 200, { items, instanceId, orgId, count: items.length, totalCount: total, perPage, page: 0, sortField: 'email', sortDirection: 'asc' });
  }
  if (inviteId) {
    const row = q.invite.all(inviteId, orgId)[0] as Row;
    mailOf([row.id]);
    return send(res, 200, invite(row));
  }
  if (req.method === 'POST') {
    const body = await readBody(req);
    create.immediate(org, token, body.email);
    const total = (q.countPending.all(orgId, 'pending', 10_001)[0] as Row).n;
    const rows = q.newestPending.all(orgId, 'pending', perPage ?? -1, 0) as Row[];
    mailOf(rows.map((r) => r.id));
    const items = rows.map((r) => ({ ...invite(r), mailStatus: 'queued' }));
    return send(res, 201, { items, instanceId, orgId, count: items.length, totalCount: total, perPage, page: 0, sortField: 'inviteDate', sortDirection: 'desc' });
  }
  const like = (url.searchParams.get('filter') ?? '*').toLowerCase().replace(/\*/g, '%');
  // A paged list counts its matches; the whole list (no perPage) is its own count, as Gatehouse's.
  const total = perPage === null ? undefined : (q.countInvites.all(orgId, 'pending', like)[0] as Row).n;
  const rows = q.pageInvites.all(orgId, 'pending', like, perPage ?? -1, 0) as Row[];
  mailOf(rows.map((r) => r.id));
  const items = rows.map(invite);
  const paging = perPage === null ? {} : { totalCount: total, perPage, page: 0 };
  return send(res, 200, { items, instanceId, orgId, count: items.length, ...paging, sortField: 'email', sortDirection: 'asc', filterField: 'email', filter: url.searchParams.get('filter') });
}

const server = createServer((req, res) => {
  handle(req, res).catch((error) => send(res, 500, { type: 'ServerError', message: String(error) }));
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
const stop = () => server.close(() => (db.close(), process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
