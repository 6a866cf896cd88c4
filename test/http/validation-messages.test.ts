/**
 * What the API says when a request does not fit its schema: plain words that name the field by
 * its name (`allowedDomains[0]`, not `body/allowedDomains/0`), and the field itself in `field`,
 * so that a page can put the message next to the input. One table, operation by operation, of
 * the mistakes people make; each refused with 400 `invalid_request` and nothing stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATTERN_MEANINGS } from '../../src/contract/canonical.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { addMember, createInvite, createJoinLink, createWebhook } from '../helpers/routes.js';

let h: Harness;
let ids: { invite: string; member: string; joinLink: string; webhook: string };
let before: string;

beforeAll(async () => {
  h = await startHarness();
  ids = {
    invite: (await createInvite(h)).id,
    member: (await addMember(h)).userId,
    joinLink: (await createJoinLink(h)).id,
    webhook: (await createWebhook(h)).id,
  };
  before = await h.snapshot();
});
afterAll(() => h.close());

const ROLES = 'admin, edit, collaborate, view, none';
const HEX = '6b0250dd95ea51363e95bbad';
const EMAIL = 'someone@example.com';
const DATE = 'a date and time like 2030-01-31T09:00:00Z';

interface Case {
  /** The mistake, as the test's name. */
  what: string;
  method: 'GET' | 'POST' | 'PATCH';
  /** The path below the harness org (`org/…`), its instance (`instance/…`), or from the root. */
  path: string;
  body?: unknown;
  /** Public operations are called without a token. */
  public?: true;
  message: string;
  field?: string;
}

/** The path of a case, with the harness's ids in place. */
const url = (path: string) =>
  path
    .replace(/^org\//, `/instances/${h.instanceId}/orgs/${h.orgId}/`)
    .replace(/^instance\//, `/instances/${h.instanceId}/`)
    .replace('{inviteId}', ids.invite)
    .replace('{userId}', ids.member)
    .replace('{joinLinkId}', ids.joinLink)
    .replace('{webhookId}', ids.webhook);

const TABLE: Record<string, Case[]> = {
  'instanceOrgs.post': [
    { what: 'no name', method: 'POST', path: 'instance/orgs', body: {}, message: 'name is required', field: 'name' },
    { what: 'an empty name', method: 'POST', path: 'instance/orgs', body: { name: '' }, message: 'name must not be empty', field: 'name' },
    { what: 'a long name', method: 'POST', path: 'instance/orgs', body: { name: 'x'.repeat(256) }, message: 'name must be at most 255 characters long', field: 'name' },
    { what: 'a name that is a number', method: 'POST', path: 'instance/orgs', body: { name: 5 }, message: 'name must be text', field: 'name' },
    { what: 'a member limit of 0', method: 'POST', path: 'instance/orgs', body: { name: 'Acme', limits: { member: 0 } }, message: 'limits.member must be a whole number of 1 or more', field: 'limits.member' },
    { what: 'a limit Gatehouse does not keep', method: 'POST', path: 'instance/orgs', body: { name: 'Acme', limits: { device: 10 } }, message: 'Unknown field "limits.device"', field: 'limits.device' },
    { what: 'members given with the org', method: 'POST', path: 'instance/orgs', body: { name: 'Acme', members: [] }, message: 'Unknown field "members"', field: 'members' },
  ],
  'instanceOrgs.get': [
    { what: 'perPage=0', method: 'GET', path: 'instance/orgs?perPage=0', message: 'perPage must be a whole number of 1 or more', field: 'perPage' },
    { what: 'perPage=1001', method: 'GET', path: 'instance/orgs?perPage=1001', message: 'perPage must be a whole number of at most 1000', field: 'perPage' },
    { what: 'perPage=ten', method: 'GET', path: 'instance/orgs?perPage=ten', message: 'perPage must be a whole number from 1 to 1000', field: 'perPage' },
    { what: 'perPage=0x10', method: 'GET', path: 'instance/orgs?perPage=0x10', message: 'perPage must be a whole number from 1 to 1000', field: 'perPage' },
    { what: 'an unknown sort field', method: 'GET', path: 'instance/orgs?sortField=size', message: 'sortField must be one of name, id, creationDate, lastUpdated', field: 'sortField' },
    { what: 'an unknown filter field', method: 'GET', path: 'instance/orgs?filterField=email', message: 'filterField must be name or empty', field: 'filterField' },
    { what: 'a bad instance id', method: 'GET', path: '/instances/acme/orgs', message: 'instanceId must be a 24-character hex id', field: 'instanceId' },
  ],
  'instanceOrgInvites.post': [
    { what: 'an unknown role', method: 'POST', path: 'org/invites', body: { email: EMAIL, role: 'owner' }, message: `role must be one of ${ROLES}`, field: 'role' },
    { what: 'a role that is a number', method: 'POST', path: 'org/invites', body: { email: EMAIL, role: 1 }, message: `role must be one of ${ROLES}`, field: 'role' },
    { what: 'no role', method: 'POST', path: 'org/invites', body: { email: EMAIL }, message: 'role is required', field: 'role' },
    { what: 'no email', method: 'POST', path: 'org/invites', body: { role: 'view' }, message: 'email is required', field: 'email' },
    { what: 'a bad email', method: 'POST', path: 'org/invites', body: { email: 'not an email', role: 'view' }, message: 'email must be an email address', field: 'email' },
    { what: 'an unknown field', method: 'POST', path: 'org/invites', body: { email: EMAIL, role: 'view', code: 'x' }, message: 'Unknown field "code"', field: 'code' },
    { what: 'disallowTransfer as text', method: 'POST', path: 'org/invites', body: { email: EMAIL, role: 'view', disallowTransfer: 'yes' }, message: 'disallowTransfer must be true or false', field: 'disallowTransfer' },
    {
      what: 'an override with a bad id',
      method: 'POST',
      path: 'org/invites',
      body: { email: EMAIL, role: 'view', applicationRoles: [{ resourceId: 'xyz', role: 'view' }] },
      message: 'applicationRoles[0].resourceId must be a 24-character hex id',
      field: 'applicationRoles[0].resourceId',
    },
    {
      what: 'an override with an org role',
      method: 'POST',
      path: 'org/invites',
      body: { email: EMAIL, role: 'view', dashboardRoles: [{ resourceId: HEX, role: 'admin' }] },
      message: 'dashboardRoles[0].role must be one of collaborate, view, none',
      field: 'dashboardRoles[0].role',
    },
    { what: 'overrides that are not a list', method: 'POST', path: 'org/invites', body: { email: EMAIL, role: 'view', applicationRoles: {} }, message: 'applicationRoles must be a list', field: 'applicationRoles' },
    { what: 'a body that is a list', method: 'POST', path: 'org/invites', body: [], message: 'Body must be a JSON object' },
    { what: 'a NUL in the email', method: 'POST', path: 'org/invites', body: { email: 'a\u0000@example.com', role: 'view' }, message: 'email must be an email address', field: 'email' },
  ],
  'instanceOrgInvites.get': [
    { what: 'an unknown filter field', method: 'GET', path: 'org/invites?filterField=name', message: 'filterField must be one of email, role (or empty)', field: 'filterField' },
    { what: 'an unknown sort direction', method: 'GET', path: 'org/invites?sortDirection=up', message: 'sortDirection must be one of asc, desc, ASC, DESC', field: 'sortDirection' },
    { what: 'a negative page', method: 'GET', path: 'org/invites?page=-1', message: 'page must be a whole number of 0 or more', field: 'page' },
    { what: 'a NUL in the filter', method: 'GET', path: 'org/invites?filter=a%00', message: 'filter must not contain the NUL character', field: 'filter' },
    { what: 'a bad org id', method: 'GET', path: `/instances/{instanceId}/orgs/${'g'.repeat(24)}/invites`, message: 'orgId must be a 24-character hex id', field: 'orgId' },
  ],
  'instanceOrgInvite.*': [
    { what: 'a bad invite id', method: 'GET', path: 'org/invites/123', message: 'inviteId must be a 24-character hex id', field: 'inviteId' },
    { what: 'resent with an unknown role', method: 'POST', path: 'org/invites/{inviteId}', body: { role: 'owner' }, message: `role must be one of ${ROLES}`, field: 'role' },
    { what: 'resent with a misspelt field', method: 'POST', path: 'org/invites/{inviteId}', body: { roles: 'view' }, message: 'Unknown field "roles"', field: 'roles' },
  ],
  'instanceOrgMembers.post': [
    { what: 'neither a user nor an email', method: 'POST', path: 'org/members', body: { role: 'view' }, message: 'userId or email is required', field: 'userId' },
    { what: 'an email but no role', method: 'POST', path: 'org/members', body: { email: EMAIL }, message: 'role is required', field: 'role' },
    { what: 'a bad email', method: 'POST', path: 'org/members', body: { email: 'bad', role: 'view' }, message: 'email must be an email address', field: 'email' },
    { what: 'an unknown role', method: 'POST', path: 'org/members', body: { email: EMAIL, role: 'owner' }, message: `role must be one of ${ROLES}`, field: 'role' },
    { what: 'a bad user id', method: 'POST', path: 'org/members', body: { userId: 'xyz', role: 'view' }, message: 'userId must be a 24-character hex id', field: 'userId' },
    { what: 'both a user and an email', method: 'POST', path: 'org/members', body: { userId: HEX, email: EMAIL, role: 'view' }, message: 'Give userId or email, not both', field: 'userId' },
    { what: 'an unknown field', method: 'POST', path: 'org/members', body: { email: EMAIL, role: 'view', name: 'Ann' }, message: 'Unknown field "name"', field: 'name' },
    { what: 'a body that is a list', method: 'POST', path: 'org/members', body: [1], message: 'Body must be a JSON object' },
  ],
  'instanceOrgMember.patch': [
    { what: 'an unknown role', method: 'PATCH', path: 'org/members/{userId}', body: { role: 'owner' }, message: `role must be one of ${ROLES}`, field: 'role' },
    { what: 'overrides that are text', method: 'PATCH', path: 'org/members/{userId}', body: { dashboardRoles: 'view' }, message: 'dashboardRoles must be a list', field: 'dashboardRoles' },
    {
      what: 'two overrides for one resource',
      method: 'PATCH',
      path: 'org/members/{userId}',
      body: { applicationRoles: [{ resourceId: HEX, role: 'view' }, { resourceId: HEX.toUpperCase(), role: 'none' }] },
      message: 'applicationRoles must not name the same resourceId twice',
      field: 'applicationRoles',
    },
  ],
  'instanceOrgJoinLinks.post': [
    { what: 'no role', method: 'POST', path: 'org/join-links', body: {}, message: 'role is required', field: 'role' },
    { what: 'maxUses of 0', method: 'POST', path: 'org/join-links', body: { role: 'view', maxUses: 0 }, message: 'maxUses must be a whole number of 1 or more', field: 'maxUses' },
    { what: 'maxUses over the cap', method: 'POST', path: 'org/join-links', body: { role: 'view', maxUses: 1_000_001 }, message: 'maxUses must be a whole number of at most 1000000', field: 'maxUses' },
    { what: 'a fractional maxUses', method: 'POST', path: 'org/join-links', body: { role: 'view', maxUses: 1.5 }, message: 'maxUses must be a whole number from 1 to 1000000', field: 'maxUses' },
    { what: 'a domain with an @', method: 'POST', path: 'org/join-links', body: { role: 'view', allowedDomains: ['@acme.com'] }, message: 'allowedDomains[0] must be an email domain like acme.com', field: 'allowedDomains[0]' },
    { what: 'a second domain without a dot', method: 'POST', path: 'org/join-links', body: { role: 'view', allowedDomains: ['acme.com', 'acme'] }, message: 'allowedDomains[1] must be an email domain like acme.com', field: 'allowedDomains[1]' },
    { what: 'an expiry that is not a date', method: 'POST', path: 'org/join-links', body: { role: 'view', expiresAt: 'next tuesday' }, message: `expiresAt must be ${DATE}`, field: 'expiresAt' },
    { what: 'an unknown state', method: 'POST', path: 'org/join-links', body: { role: 'view', state: 'paused' }, message: 'state must be one of active, disabled', field: 'state' },
    { what: 'a long description', method: 'POST', path: 'org/join-links', body: { role: 'view', description: 'x'.repeat(201) }, message: 'description must be at most 200 characters long', field: 'description' },
    { what: 'a code of its own', method: 'POST', path: 'org/join-links', body: { role: 'view', code: 'mine' }, message: 'Unknown field "code"', field: 'code' },
  ],
  'instanceOrgJoinLink.patch': [
    // These fields also take null (to remove the limit): that must not be what the message is about.
    { what: 'maxUses of 0', method: 'PATCH', path: 'org/join-links/{joinLinkId}', body: { maxUses: 0 }, message: 'maxUses must be a whole number of 1 or more', field: 'maxUses' },
    { what: 'maxUses as text', method: 'PATCH', path: 'org/join-links/{joinLinkId}', body: { maxUses: 'ten' }, message: 'maxUses must be a whole number from 1 to 1000000, or null', field: 'maxUses' },
    { what: 'a description that is a number', method: 'PATCH', path: 'org/join-links/{joinLinkId}', body: { description: 5 }, message: 'description must be text, or null', field: 'description' },
    { what: 'an expiry that is not a date', method: 'PATCH', path: 'org/join-links/{joinLinkId}', body: { expiresAt: 'soon' }, message: `expiresAt must be ${DATE}`, field: 'expiresAt' },
    { what: 'an unknown role', method: 'PATCH', path: 'org/join-links/{joinLinkId}', body: { role: 'owner' }, message: `role must be one of ${ROLES}`, field: 'role' },
    { what: 'a bad join link id', method: 'PATCH', path: 'org/join-links/nope', body: { state: 'disabled' }, message: 'joinLinkId must be a 24-character hex id', field: 'joinLinkId' },
  ],
  'instanceWebhooks.post': [
    { what: 'no URL', method: 'POST', path: 'instance/webhooks', body: {}, message: 'url is required', field: 'url' },
    { what: 'no event types', method: 'POST', path: 'instance/webhooks', body: { url: 'https://hooks.example.com', events: [] }, message: 'events must not be empty', field: 'events' },
    {
      what: 'an unknown event type',
      method: 'POST',
      path: 'instance/webhooks',
      body: { url: 'https://hooks.example.com', events: ['member.added', 'invite.exploded'] },
      message: expect.stringMatching(/^events\[1\] must be one of invite\.created, invite\.resent, .*, join_link\.deleted$/) as unknown as string,
      field: 'events[1]',
    },
    { what: 'an event type twice', method: 'POST', path: 'instance/webhooks', body: { url: 'https://hooks.example.com', events: ['member.added', 'member.added'] }, message: 'events must not list the same value twice', field: 'events' },
    { what: 'a bad org id', method: 'POST', path: 'instance/webhooks', body: { url: 'https://hooks.example.com', orgId: 'acme' }, message: 'orgId must be a 24-character hex id', field: 'orgId' },
    { what: 'enabled as text', method: 'POST', path: 'instance/webhooks', body: { url: 'https://hooks.example.com', enabled: 'yes' }, message: 'enabled must be true or false', field: 'enabled' },
  ],
  'instanceWebhook.*': [
    { what: 'events that are not a list', method: 'PATCH', path: 'instance/webhooks/{webhookId}', body: { events: 'all' }, message: 'events must be a list, or null', field: 'events' },
    { what: 'a bad org id', method: 'PATCH', path: 'instance/webhooks/{webhookId}', body: { orgId: 'acme' }, message: 'orgId must be a 24-character hex id', field: 'orgId' },
    { what: 'an empty URL', method: 'PATCH', path: 'instance/webhooks/{webhookId}', body: { url: '' }, message: 'url must not be empty', field: 'url' },
    { what: 'redeliver without an event', method: 'POST', path: 'instance/webhooks/{webhookId}/redeliver', body: {}, message: 'eventId is required', field: 'eventId' },
    { what: 'redeliver with a bad event id', method: 'POST', path: 'instance/webhooks/{webhookId}/redeliver', body: { eventId: 'x' }, message: 'eventId must be a 24-character hex id', field: 'eventId' },
    { what: 'deliveries with perPage=0', method: 'GET', path: 'instance/webhooks/{webhookId}/deliveries?perPage=0', message: 'perPage must be a whole number of 1 or more', field: 'perPage' },
  ],
  'instanceAuditLogs.get / instanceEvents.get': [
    { what: 'a since that is not a date', method: 'GET', path: 'instance/audit-logs?since=yesterday', message: `since must be ${DATE}`, field: 'since' },
    { what: 'a bad org id', method: 'GET', path: 'instance/audit-logs?orgId=acme', message: 'orgId must be a 24-character hex id', field: 'orgId' },
    { what: 'an event limit of 0', method: 'GET', path: 'instance/events?limit=0', message: 'limit must be a whole number of 1 or more', field: 'limit' },
  ],
  'orgInvites.* (the invitation link)': [
    { what: 'no token', method: 'GET', path: `/invites?email=${EMAIL}`, public: true, message: 'token is required', field: 'token' },
    { what: 'an empty email', method: 'GET', path: '/invites?token=abc&email=', public: true, message: 'email must not be empty', field: 'email' },
    { what: 'accept as text', method: 'POST', path: '/invites', public: true, body: { email: EMAIL, token: 'abc', accept: 'true' }, message: 'accept must be true or false', field: 'accept' },
    { what: 'no answer', method: 'POST', path: '/invites', public: true, body: { email: EMAIL, token: 'abc' }, message: 'accept is required', field: 'accept' },
  ],
  'joinLinks.* (the join link)': [
    { what: 'no code', method: 'GET', path: '/join', public: true, message: 'code is required', field: 'code' },
    { what: 'a bad email', method: 'POST', path: '/join', public: true, body: { code: 'abc', email: 'me at acme' }, message: 'email must be an email address', field: 'email' },
  ],
};

describe.each(Object.entries(TABLE))('%s', (_operation, cases) => {
  it.each(cases)('$what', async ({ method, path, body, message, field, ...rest }) => {
    const res = await h.request({ method, url: url(path).replace('{instanceId}', h.instanceId), body, token: rest.public ? null : h.tokens.admin });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body).toStrictEqual({ type: 'Validation', message, code: 'invalid_request', ...(field === undefined ? {} : { field }) });
    expect(await h.snapshot()).toBe(before);
  });
});

it('a message never shows a JSON pointer, a schema keyword or a pattern', async () => {
  for (const cases of Object.values(TABLE)) {
    for (const { method, path, body, ...rest } of cases) {
      const res = await h.request({ method, url: url(path).replace('{instanceId}', h.instanceId), body, token: rest.public ? null : h.tokens.admin });
      expect(res.body.message).not.toMatch(/body\/|querystring\/|params\/|must NOT|must be equal|must match|anyOf|allowed values|\^|\$/);
    }
  }
});

it('every pattern in the API has words for its message (a pattern means nothing to the person who broke it)', async () => {
  const patterns = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'pattern' && typeof value === 'string') patterns.add(value);
        else walk(value);
      }
    }
  };
  walk((await h.request({ method: 'GET', url: '/openapi.json' })).body);
  expect(patterns.size).toBeGreaterThan(0);
  for (const pattern of patterns) expect(PATTERN_MEANINGS[pattern], pattern).toBeTruthy();
});
