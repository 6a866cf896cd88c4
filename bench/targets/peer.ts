/**
 * The peer: better-auth's organization plugin (bench/peer/server.mjs), on SQLite with the bearer
 * plugin. Its routes are the nearest better-auth has to each scenario; where they differ from
 * Gatehouse's, the comment at the scenario says how.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnServer } from '../lib/process.js';
import type { BenchRequest, ScenarioName, Seed, Target } from '../lib/types.js';

const peerDir = fileURLToPath(new URL('../peer/', import.meta.url));
const serverFile = fileURLToPath(new URL('../peer/server.mjs', import.meta.url));
const START_TIMEOUT_MS = 120_000;
/** better-sqlite3 12 aborts on Node >= 24.19 when a statement is garbage-collected (see src/store/sqlite-native.ts); the peer's Kysely leaves many. */
const nodeTooNew = () => {
  const [major, minor] = process.versions.node.split('.').map(Number);
  return major > 24 || (major === 24 && minor >= 19);
};

/** The line server.mjs prints once it has seeded and listens. */
interface Ready {
  url: string;
  adminToken: string;
  orgA: string;
  orgB: string;
  orgC: string;
  inviteA: string;
  inviteAToken: string;
  accepts: { token: string; invitationId: string }[];
}

/**
 * The peer as installed by default: its adapter answers at most 100 rows. `allRows` lifts that
 * cap (PEER_ALL_ROWS, see server.mjs) for the one scenario that asks for a whole list.
 */
const peerTarget = (allRows: boolean): Target => ({
  name: allRows ? 'peer-all-rows' : 'peer',

  async unavailable() {
    if (nodeTooNew()) return `better-sqlite3 12, which the peer shares with Gatehouse, aborts on Node ${process.version} when statements are garbage-collected (WiseLibs/better-sqlite3#1515); run the bench on Node 20`;
    if (existsSync(`${peerDir}node_modules/better-auth`)) return null;
    const result = spawnSync('npm', ['install', '--prefix', peerDir, '--no-audit', '--no-fund'], {
      // npm's stdout goes to stderr: the runner's stdout is its report.
      stdio: ['ignore', process.stderr, 'inherit'],
    });
    if (result.error) return `npm install for bench/peer failed: ${result.error.message}`;
    if (result.status !== 0) return `npm install for bench/peer exited with ${result.status}`;
    return null;
  },

  async start({ dir, seed }) {
    // peer-all-rows serves the whole list alone: org A's invites are all it needs.
    const server = await spawnServer<Ready>(process.execPath, [serverFile], { DATA: dir, PORT: '0', PEER_ALL_ROWS: allRows ? '1' : '0', ...seedEnv(allRows ? { ...seed, members: 0, acceptPool: 0 } : seed) }, START_TIMEOUT_MS);
    const ready = server.ready;
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    const post = (path: string, token: string, body: unknown): BenchRequest => ({
      method: 'POST',
      path: `/api/auth/organization/${path}`,
      headers: auth(token),
      body: JSON.stringify(body),
    });

    return {
      url: ready.url,
      pid: server.child.pid!,
      request(scenario: ScenarioName, i: number): BenchRequest | null {
        // Each peer serves the scenarios of its configuration: the whole list only without the cap.
        if ((scenario === 'list-invites-all') !== allRows) return null;
        switch (scenario) {
          // better-auth reads one invitation by id only for its invitee (the session's email must
          // match, get-invitation answers 403 to the org's owner), and has no admin-side read. So
          // seed0@example.com, the invitee of inviteA, holds a session and reads it: the same
          // work (bearer session, invitation by id, its org and inviter) from the other side.
          case 'get-invite':
            return {
              method: 'GET',
              path: `/api/auth/organization/get-invitation?id=${ready.inviteA}`,
              headers: auth(ready.inviteAToken),
            };
          // No filter, sort or paging here: org A's invitations whatever their status, as many as
          // the adapter's cap lets through (100 by default, all 1,000 for peer-all-rows).
          case 'list-invites':
          case 'list-invites-all':
            return {
              method: 'GET',
              path: `/api/auth/organization/list-invitations?organizationId=${ready.orgA}`,
              headers: auth(ready.adminToken),
            };
          case 'list-members':
            return {
              method: 'GET',
              path: `/api/auth/organization/list-members?organizationId=${ready.orgA}&limit=100`,
              headers: auth(ready.adminToken),
            };
          // Bearer requests carry no cookie, so better-auth's origin (CSRF) check does not apply
          // and no origin header is needed.
          case 'create-invite':
            return post('invite-member', ready.adminToken, {
              email: `new${i}@example.com`,
              role: 'member',
              organizationId: ready.orgC,
            });
          case 'accept-invite': {
            const entry = ready.accepts[i];
            return entry ? post('accept-invitation', entry.token, { invitationId: entry.invitationId }) : null;
          }
          default:
            return null;
        }
      },
      stop: server.stop,
    };
  },
});

export const peer = peerTarget(false);
export const peerAllRows = peerTarget(true);

function seedEnv(seed: Seed): Record<string, string> {
  return {
    SEED_INVITES: String(seed.invites),
    SEED_MEMBERS: String(seed.members),
    SEED_ACCEPT_POOL: String(seed.acceptPool),
  };
}
