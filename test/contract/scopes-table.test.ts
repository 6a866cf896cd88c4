import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTION_SCOPES, type Action } from '../../src/contract/scopes.js';

/**
 * The scope table of src/contract/scopes.ts against its sources: the endpoint table of
 * CONTRACT.md, the text below it (instanceOrgMember.*), the seed documents, and the `auth`
 * entries of the upstream request table.
 */

/** Copies of the upstream facts (test/fixtures/README.md says where they come from). */
const FIXTURES = new URL('../fixtures/', import.meta.url);
const CONTRACT = readFileSync(new URL('CONTRACT.md', FIXTURES), 'utf8');
const SEEDS_DIR = new URL('seeds/', FIXTURES);
const API_INFO: Record<string, { path: string; auth?: string[]; actions: Record<string, { method: string; auth?: string[] }> }> = JSON.parse(
  readFileSync(new URL('losant-schemas/apiInfo.invites-members.json', FIXTURES), 'utf8'),
);

const sorted = (xs: readonly string[]) => [...xs].sort();
/** Actions beyond the seeds, at upstream paths with upstream scope names. */
const ADDITIONS = ['instanceOrgs.get', 'instanceOrgs.post', 'instanceOrg.get', 'instanceOrg.patch', 'instanceApiTokens.get', 'instanceApiTokens.post', 'instanceApiToken.get', 'instanceApiToken.delete'] as const;
const WEBHOOK_ACTIONS = [
  'instanceWebhooks.get',
  'instanceWebhooks.post',
  'instanceWebhook.get',
  'instanceWebhook.patch',
  'instanceWebhook.delete',
  'instanceWebhook.rotate',
  'instanceWebhook.deliveries',
  'instanceWebhook.redeliver',
  'instanceOrgJoinLinks.get',
  'instanceOrgJoinLinks.post',
  'instanceOrgJoinLink.get',
  'instanceOrgJoinLink.patch',
  'instanceOrgJoinLink.delete',
  'instanceOrgJoinLink.rotate',
  'instanceMail.get',
  'instanceMailMessage.retry',
  'instanceBranding.get',
  'instanceBranding.patch',
  'instanceOrgBranding.get',
  'instanceOrgBranding.patch',
] as const;
/** The organization's own side, upstream's `org` resource (its scopes are checked against upstream's docs below). */
const ORG_SIDE = ['org.inviteMember', 'org.pendingInvites', 'org.revokeInvite', 'org.modifyMember', 'org.removeMember'] as const;
/** The invited user's side, upstream's `me` invite actions (losant-rest 2.8.1 predates them: their scopes are from upstream's later docs, less the `only.User*` and `*.bounded` kinds Gatehouse does not have). */
const USER_SIDE: Record<string, string[]> = {
  'me.invites': ['all.User', 'all.User.read', 'me.*', 'me.invites'],
  'me.invite': ['all.User', 'all.User.read', 'me.*', 'me.invite'],
  'me.respondToInvite': ['all.User', 'me.*', 'me.respondToInvite'],
};
const tableScopes = (action: string): readonly string[] | undefined => (ACTION_SCOPES as Record<string, readonly string[]>)[action];

interface ContractRow {
  call: string;
  method: string;
  path: string;
  /** Empty for the public endpoints ("none"). */
  scopes: string[];
  success: string;
}

/** The markdown table under "## Endpoints from the seeds (must)". */
function contractSection(): string {
  const start = CONTRACT.indexOf('## Endpoints from the seeds (must)');
  if (start < 0) throw new Error('CONTRACT.md has no "Endpoints from the seeds" section');
  const end = CONTRACT.indexOf('\n## ', start + 3);
  return CONTRACT.slice(start, end < 0 ? undefined : end);
}

function parseContractTable(): ContractRow[] {
  const lines = contractSection()
    .split('\n')
    .filter((l) => l.trim().startsWith('|'));
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((c) => c.trim());
  const header = cells(lines[0]);
  expect(header).toEqual(['client call', 'method and path', 'scopes (any one)', 'success']);
  expect(cells(lines[1]).every((c) => /^-+$/.test(c))).toBe(true);

  const rows: ContractRow[] = [];
  let lastPath = '';
  for (const line of lines.slice(2)) {
    const [call, methodAndPath, scopes, success] = cells(line);
    const m = /^(GET|POST|PATCH|DELETE)\s+(same path|\/\S*)/.exec(methodAndPath);
    if (!m) throw new Error(`cannot read "${methodAndPath}"`);
    // "POST /x, body = invite", "GET /invites?token=…": the path alone.
    const path = m[2] === 'same path' ? lastPath : m[2].replace(/[?,].*$/, '');
    if (!path) throw new Error(`"${methodAndPath}" refers to a previous path, and there is none`);
    lastPath = path;
    rows.push({
      call,
      method: m[1],
      path,
      scopes: scopes === 'none' ? [] : scopes.split(',').map((s) => s.trim()),
      success,
    });
  }
  return rows;
}

/** The paragraph below the table: instanceOrgMember get / patch / delete. */
function parseMemberParagraph() {
  const section = contractSection();
  const text = section.slice(section.indexOf('Expected by users though not in the seeds'));
  expect(text.length).toBeGreaterThan(0);
  const path = /`(\/instances\/\{instanceId\}\/orgs\/\{orgId\}\/members\/\{userId\})`/.exec(text)?.[1];
  const wildcard = /`(instanceOrgMember\.\*)`/.exec(text)?.[1];
  const actions = /`instanceOrgMember\.((?:\w+\|)+\w+)`/.exec(text)?.[1].split('|');
  const ops = /instanceOrgMember\s+((?:\w+\s*\/\s*)+\w+)\s+at/.exec(text)?.[1].split('/').map((s) => s.trim());
  if (!path || !wildcard || !actions || !ops) throw new Error('cannot read the instanceOrgMember paragraph of CONTRACT.md');
  expect(text).toMatch(/plus the `all\.\*` ones as above/);
  return { path, wildcard, actions, ops };
}

const snakeToCamel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

interface SeedEntry {
  file: string;
  action: string;
  /** null: "No api access token is required". */
  scopes: string[] | null;
}

const AUTH_SENTENCE = 'The token must include at least one of the following scopes:';
const NO_AUTH_SENTENCE = 'No api access token is required';

/**
 * Every client call in a seed (Ruby, Python or JavaScript: `client.instance_org_invite.resend_invite(`,
 * `client.instanceOrgInvites.get(`) and the authentication sentence that follows it.
 */
function parseSeed(file: string, text: string): SeedEntry[] {
  const entries: SeedEntry[] = [];
  const calls = [...text.matchAll(/client\.(\w+)\.(\w+)\(/g)];
  for (const [i, call] of calls.entries()) {
    const action = `${snakeToCamel(call[1])}.${snakeToCamel(call[2])}`;
    const from = call.index! + call[0].length;
    const nextCall = i + 1 < calls.length ? calls[i + 1].index! : text.length;
    const auth = text.indexOf(AUTH_SENTENCE, from);
    const noAuth = text.indexOf(NO_AUTH_SENTENCE, from);
    const candidates = [auth, noAuth].filter((x) => x >= 0);
    if (!candidates.length) throw new Error(`${file}: no authentication sentence after ${action}`);
    const at = Math.min(...candidates);
    // The sentence belongs to this call only if no other action's call comes first.
    if (at > nextCall) {
      const next = calls[i + 1];
      if (`${snakeToCamel(next[1])}.${snakeToCamel(next[2])}` !== action) {
        throw new Error(`${file}: ${action} has no authentication sentence of its own`);
      }
    }
    if (at === noAuth) {
      entries.push({ file, action, scopes: null });
      continue;
    }
    const list = /^\s*([\s\S]*?)\.(?=\s|$)/.exec(text.slice(at + AUTH_SENTENCE.length))?.[1];
    if (!list) throw new Error(`${file}: cannot read the scopes of ${action}`);
    const scopes = list
      .split(/\s*,\s*(?:or\s+)?|\s+or\s+/)
      .map((s) => s.trim())
      .filter(Boolean);
    entries.push({ file, action, scopes });
  }
  return entries;
}

function parseSeeds(): Map<string, { scopes: string[] | null; files: Set<string> }> {
  const files = readdirSync(SEEDS_DIR).filter((f) => f.endsWith('.txt'));
  expect(files.length).toBeGreaterThan(0);
  const byAction = new Map<string, { scopes: string[] | null; files: Set<string> }>();
  for (const file of files) {
    for (const entry of parseSeed(file, readFileSync(new URL(file, SEEDS_DIR), 'utf8'))) {
      const known = byAction.get(entry.action);
      if (known) {
        expect(entry.scopes === null ? null : sorted(entry.scopes), `${entry.file} agrees with ${[...known.files]} on ${entry.action}`).toEqual(
          known.scopes === null ? null : sorted(known.scopes),
        );
        known.files.add(file);
      } else {
        byAction.set(entry.action, { scopes: entry.scopes, files: new Set([file]) });
      }
    }
  }
  return byAction;
}

const ROWS = parseContractTable();
const MEMBER = parseMemberParagraph();
const SEEDS = parseSeeds();
const AUTHENTICATED_ROWS = ROWS.filter((r) => r.scopes.length > 0);
const isGet = (action: string) => action.endsWith('.get');

/** The `all.*` scopes the table gives to reads and to writes; the member actions follow them. */
function allScopesOf(reads: boolean): string[] {
  const sets = AUTHENTICATED_ROWS.filter((r) => isGet(r.call) === reads).map((r) => sorted(r.scopes.filter((s) => s.startsWith('all.'))));
  expect(sets.length).toBeGreaterThan(0);
  for (const s of sets) expect(s, `all.* scopes of the ${reads ? 'reads' : 'writes'} agree`).toEqual(sets[0]);
  return sets[0];
}

/** What CONTRACT.md says each authenticated action allows, table and paragraph together. */
function expectedScopes(): Map<string, string[]> {
  const expected = new Map<string, string[]>();
  for (const row of AUTHENTICATED_ROWS) expected.set(row.call, row.scopes);
  for (const op of MEMBER.actions) {
    expected.set(`instanceOrgMember.${op}`, [...allScopesOf(op === 'get'), MEMBER.wildcard, `instanceOrgMember.${op}`]);
  }
  return expected;
}

describe('CONTRACT.md endpoint table', () => {
  it('parses into the nine seeded calls', () => {
    expect(ROWS.map((r) => r.call)).toEqual([
      'instanceOrgInvites.get',
      'instanceOrgInvites.post',
      'instanceOrgInvite.get',
      'instanceOrgInvite.delete',
      'instanceOrgInvite.resendInvite',
      'instanceOrgMembers.get',
      'instanceOrgMembers.post',
      'orgInvites.get',
      'orgInvites.post',
    ]);
    for (const row of ROWS) {
      expect(row.path, row.call).toMatch(/^\//);
      for (const s of row.scopes) expect(s, row.call).toMatch(/^[A-Za-z]+(\.[A-Za-z]+|\.\*)*$/);
      expect(new Set(row.scopes).size, `${row.call} lists no scope twice`).toBe(row.scopes.length);
    }
  });

  it('has the same method and path as the upstream request table', () => {
    for (const row of ROWS) {
      const [resource, action] = row.call.split('.');
      const upstream = API_INFO[resource]?.actions[action];
      expect(upstream, `${row.call} is in apiInfo`).toBeDefined();
      expect(row.method, row.call).toBe(upstream.method);
      expect(row.path, row.call).toBe(API_INFO[resource].path);
    }
    expect(API_INFO.instanceOrgMember.path).toBe(MEMBER.path);
    expect(sorted(Object.keys(API_INFO.instanceOrgMember.actions))).toEqual(sorted(MEMBER.actions));
  });

  it('names the same member actions in the paragraph below it, in both spellings', () => {
    expect(sorted(MEMBER.ops)).toEqual(sorted(MEMBER.actions));
    expect(MEMBER.wildcard).toBe('instanceOrgMember.*');
  });

  it('gives reads and writes consistent all.* scopes, read scopes only to gets', () => {
    expect(allScopesOf(true)).toEqual(['all.Instance', 'all.Instance.read', 'all.User', 'all.User.read']);
    expect(allScopesOf(false)).toEqual(['all.Instance', 'all.User']);
  });

  it('gives each authenticated call its resource wildcard and its own action scope', () => {
    for (const row of AUTHENTICATED_ROWS) {
      const resource = row.call.split('.')[0];
      expect(row.scopes, row.call).toContain(`${resource}.*`);
      expect(row.scopes, row.call).toContain(row.call);
    }
  });
});

describe('seed documents', () => {
  it('describe exactly the calls of the CONTRACT table', () => {
    expect(sorted([...SEEDS.keys()])).toEqual(sorted(ROWS.map((r) => r.call)));
  });

  it.each(ROWS.map((r) => [r.call, r] as const))('%s: the seed scopes equal the CONTRACT table', (call, row) => {
    const seed = SEEDS.get(call)!;
    expect(seed, `a seed documents ${call}`).toBeDefined();
    if (row.scopes.length === 0) expect(seed.scopes, `${call} needs no token in the seeds`).toBeNull();
    else expect(sorted(seed.scopes ?? []), `${call} in ${[...seed.files]}`).toEqual(sorted(row.scopes));
  });
});

describe('ACTION_SCOPES (src/contract/scopes.ts)', () => {
  const expected = expectedScopes();

  it('has exactly the authenticated actions of CONTRACT.md plus the instanceOrgs, audit, event, webhook, join link, mail and branding additions, the org side, and none of the public ones', () => {
    expect(sorted(Object.keys(ACTION_SCOPES))).toEqual(sorted([...expected.keys(), ...ADDITIONS, 'instanceAuditLogs.get', 'instanceEvents.get', ...WEBHOOK_ACTIONS, ...ORG_SIDE, ...Object.keys(USER_SIDE)]));
    for (const row of ROWS.filter((r) => r.scopes.length === 0)) expect(tableScopes(row.call), row.call).toBeUndefined();
    expect(Object.keys(ACTION_SCOPES)).toHaveLength(48);
  });

  it.each(Object.entries(USER_SIDE))("%s lists upstream's scopes for a user's own invitations", (action, scopes) => {
    expect(sorted(tableScopes(action)!)).toEqual(sorted(scopes));
  });

  it('the event feed is open to the scopes of the audit log and to its own', () => {
    const scopes = ['all.Instance', 'all.Instance.read', 'all.User', 'all.User.read', 'instanceAuditLogs.*', 'instanceAuditLogs.get', 'instanceEvents.*', 'instanceEvents.get'];
    expect(sorted(tableScopes('instanceEvents.get')!)).toEqual(sorted(scopes));
  });

  it.each(WEBHOOK_ACTIONS)('%s: its resource, its own scope and the instance scopes; reads for read-only tokens, writes not', (action) => {
    const [resource, name] = action.split('.');
    const read = ['get', 'deliveries'].includes(name);
    const scopes = ['all.Instance', 'all.User', `${resource}.*`, action, ...(read ? ['all.Instance.read', 'all.User.read'] : [])];
    expect(sorted(tableScopes(action)!)).toEqual(sorted(scopes));
  });

  it('instanceAuditLogs.get lists exactly the scopes its issue names', () => {
    const scopes = ['all.Instance', 'all.Instance.read', 'all.User', 'all.User.read', 'instanceAuditLogs.*', 'instanceAuditLogs.get'];
    expect(sorted(tableScopes('instanceAuditLogs.get')!)).toEqual(sorted(scopes));
  });

  // The additions (for the admin console) take upstream's scope names: the doc comments of
  // the official JavaScript client's instanceOrgs resource list them.
  it.each([...ADDITIONS, ...ORG_SIDE])('%s lists exactly the scopes the official client documents', (action) => {
    const [resource, method] = action.split('.');
    const source = readFileSync(new URL(`../../node_modules/losant-rest/lib/api/${resource}.js`, import.meta.url), 'utf8');
    const doc = source.slice(0, source.indexOf(`internals.${method} = function`));
    const scopes = /must include at least one of the following scopes:\s*\n\s*\*\s*([^\n]+)\.\n/g;
    const found = [...doc.matchAll(scopes)].at(-1)![1].replace(', or ', ', ').split(', ');
    expect(sorted(tableScopes(action)!)).toEqual(sorted(found));
  });

  it.each([...expected.entries()])('%s lists exactly the scopes CONTRACT.md gives it', (action, scopes) => {
    const actual = tableScopes(action);
    expect(actual, `${action} is in ACTION_SCOPES`).toBeDefined();
    expect(new Set(actual).size, `${action} lists no scope twice`).toBe(actual!.length);
    expect(sorted(actual!)).toEqual(sorted(scopes));
  });

  it.each([...SEEDS.entries()].filter(([, s]) => s.scopes !== null))('%s lists exactly the scopes of its seed', (action, seed) => {
    expect(sorted(tableScopes(action) ?? [])).toEqual(sorted(seed.scopes!));
  });

  it('includes every scope the upstream request table names for an action (resource and action auth)', () => {
    for (const [resource, info] of Object.entries(API_INFO)) {
      for (const [name, spec] of Object.entries(info.actions)) {
        const action = `${resource}.${name}`;
        const upstream = [...(info.auth ?? []), ...(spec.auth ?? [])];
        if (upstream.length === 0) {
          expect(tableScopes(action), `${action} is public upstream`).toBeUndefined();
          continue;
        }
        for (const scope of upstream) expect(tableScopes(action as Action), action).toContain(scope);
      }
    }
  });
});
