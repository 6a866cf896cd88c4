// better-auth's organization plugin as the benchmark's peer: seeds the data set of
// bench/lib/types.ts straight through better-auth's adapter, prints one JSON line with the URL,
// ids and bearer tokens the runner needs, then serves until SIGTERM/SIGINT. Logs go to stderr.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import { bearer, organization } from 'better-auth/plugins';

const int = (name) => {
  const value = Number(process.env[name] ?? 0);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
};
const seed = { invites: int('SEED_INVITES'), members: int('SEED_MEMBERS'), acceptPool: int('SEED_ACCEPT_POOL') };
const port = int('PORT');
const dataDir = process.env.DATA;
if (!dataDir) throw new Error('DATA (a folder) is required');
mkdirSync(dataDir, { recursive: true });

const db = new Database(join(dataDir, 'peer.sqlite'));
// The same pragmas Gatehouse's SQLite store sets, so the comparison is of the servers, not of
// SQLite's journal settings.
db.exec('pragma journal_mode = WAL; pragma busy_timeout = 5000; pragma foreign_keys = on; pragma synchronous = normal');

// Listening first gives better-auth its baseURL (else it warns and derives it per request); no
// one knows the port, so nothing arrives before the handler is set.
let handle;
const server = createServer((req, res) => handle(req, res));
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}`;

const LOTS = 1_000_000;
const secret = randomBytes(32).toString('hex');
const options = {
  baseURL: url,
  database: db,
  secret,
  telemetry: { enabled: false },
  rateLimit: { enabled: false },
  // The adapter caps every findMany at 100 rows unless told otherwise, so list-invitations (no
  // paging) answers 100 of org A's invitations, and invite-member's invitation-limit check loads
  // at most 100 pending ones. PEER_ALL_ROWS lifts the cap: the whole list, as Gatehouse answers
  // a list without perPage, and a limit check that loads every pending invitation of the org.
  ...(process.env.PEER_ALL_ROWS === '1' && { advanced: { database: { defaultFindManyLimit: LOTS } } }),
  // The limits are raised (their defaults are 100), or org B could not take the accept
  // scenario's 30,000 members nor org C the created invitations.
  plugins: [
    bearer(),
    organization({
      membershipLimit: LOTS,
      invitationLimit: LOTS,
      organizationLimit: LOTS,
      sendInvitationEmail: async () => {},
    }),
  ],
};
const auth = betterAuth(options);
const { runMigrations } = await getMigrations(options);
await runMigrations();

const started = performance.now();
const ctx = await auth.$context;
const inDays = (days) => new Date(Date.now() + days * 86_400_000);
// What the bearer plugin hands a client in set-auth-token: the session token signed as the
// session cookie is, so each request pays one HMAC check, as a real client's would.
const bearerOf = (token) => `${token}.${createHmac('sha256', secret).update(token).digest('base64')}`;

const seeded = await ctx.adapter.transaction(async (trx) => {
  const now = () => new Date();
  const user = async (email, withSession) => {
    const row = await trx.create({
      model: 'user',
      data: { name: email.split('@')[0], email, emailVerified: true, createdAt: now(), updatedAt: now() },
    });
    if (!withSession) return { id: row.id };
    const session = await trx.create({
      model: 'session',
      data: {
        userId: row.id,
        token: ctx.generateId({ model: 'session', size: 32 }),
        expiresAt: inDays(7),
        ipAddress: '',
        userAgent: '',
        createdAt: now(),
        updatedAt: now(),
      },
    });
    return { id: row.id, token: bearerOf(session.token) };
  };
  const org = async (name) => {
    const row = await trx.create({ model: 'organization', data: { name, slug: name.toLowerCase(), createdAt: now() } });
    await trx.create({ model: 'member', data: { organizationId: row.id, userId: admin.id, role: 'owner', createdAt: now() } });
    return row.id;
  };
  const invite = (organizationId, email) =>
    trx.create({
      model: 'invitation',
      data: { organizationId, email, role: 'member', status: 'pending', expiresAt: inDays(7), inviterId: admin.id, createdAt: now() },
    });

  const admin = await user('admin@example.com', true);
  const [orgA, orgB, orgC] = [await org('A'), await org('B'), await org('C')];

  let inviteA;
  for (let i = 0; i < seed.invites; i++) {
    const { id } = await invite(orgA, `seed${i}@example.com`);
    if (i === 0) inviteA = id;
  }
  // get-invitation answers only the invitee (see bench/targets/peer.ts), so seed0 gets a session.
  const invitee = seed.invites > 0 ? await user('seed0@example.com', true) : undefined;
  for (let i = 0; i < seed.members; i++) {
    const member = await user(`member${i}@example.com`, false);
    await trx.create({ model: 'member', data: { organizationId: orgA, userId: member.id, role: 'member', createdAt: now() } });
  }
  const accepts = [];
  for (let i = 0; i < seed.acceptPool; i++) {
    const email = `accept${i}@example.com`;
    const invitation = await invite(orgB, email);
    accepts.push({ token: (await user(email, true)).token, invitationId: invitation.id });
  }
  return { adminToken: admin.token, orgA, orgB, orgC, inviteA, inviteAToken: invitee?.token, accepts };
});
console.error(`peer: seeded ${JSON.stringify(seed)} in ${Math.round(performance.now() - started)} ms`);

handle = toNodeHandler(auth);
process.stdout.write(`${JSON.stringify({ url, ...seeded })}\n`);

const shutdown = () => {
  server.close(() => {
    db.close();
    process.exit(0);
  });
  // Keep-alive sockets from the load generator would otherwise hold close() open.
  server.closeAllConnections();
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
