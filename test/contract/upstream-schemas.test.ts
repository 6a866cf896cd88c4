import { readdirSync, readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, type Harness, startHarness } from '../helpers/harness.js';
import { addMember, createInvite, freshEmail } from '../helpers/routes.js';
import { ERROR_CODES, type ErrorCode } from '../../src/contract/errors.js';

/**
 * Real answers of every endpoint, checked against the upstream JSON Schemas in
 * test/fixtures/losant-schemas, and the upstream request table (apiInfo) checked against
 * the routes the server actually has.
 */

const SCHEMA_DIR = new URL('../fixtures/losant-schemas/', import.meta.url);
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

type JsonSchema = Record<string, any>;

interface ApiParam {
  name: string;
  in: 'path' | 'query' | 'body';
  required?: boolean;
  pattern?: string;
  enum?: string[];
  schema?: { $ref: string };
}
interface ApiAction {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  auth?: string[];
  params?: ApiParam[];
  responses: Record<string, { description: string; schema: { $ref: string } }>;
}
interface ApiResource {
  path: string;
  auth?: string[];
  params?: ApiParam[];
  actions: Record<string, ApiAction>;
}

const readJson = (name: string): any => JSON.parse(readFileSync(new URL(name, SCHEMA_DIR), 'utf8'));

const API_INFO: Record<string, ApiResource> = readJson('apiInfo.invites-members.json');
const SCHEMA_FILES = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json') && !f.startsWith('apiInfo.'));
const RAW_SCHEMAS: Record<string, JsonSchema> = Object.fromEntries(SCHEMA_FILES.map((f) => [f.replace(/\.json$/, ''), readJson(f)]));

/** The schema names (file names without `.json`) the tests rely on. */
type SchemaName =
  | 'error'
  | 'success'
  | 'orgInvite'
  | 'orgInviteCollection'
  | 'orgInviteInfo'
  | 'orgInviteResult'
  | 'instanceOrgMember'
  | 'instanceOrgMembers';

/**
 * Upstream `instanceOrgMembers.json` points its items at `#/definitions/instanceOrgMembers`,
 * which does not exist; its items are members (CONTRACT.md), so they are checked against
 * `instanceOrgMember.json`, strict as upstream has it.
 */
function fixedSchemas(): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = structuredClone(RAW_SCHEMAS);
  schemas.instanceOrgMembers.properties.items.items = { $ref: 'instanceOrgMember.json' };
  return schemas;
}

function newAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return ajv;
}

const ajv = newAjv();
const SCHEMAS = fixedSchemas();
for (const [name, schema] of Object.entries(SCHEMAS)) ajv.addSchema({ ...schema, $id: `${name}.json` });
const validators = new Map<string, ValidateFunction>();
function validatorFor(name: string): ValidateFunction {
  let v = validators.get(name);
  if (!v) {
    v = ajv.getSchema(`${name}.json`);
    if (!v) throw new Error(`no upstream schema ${name}.json`);
    validators.set(name, v);
  }
  return v;
}

/** Asserts that `body` satisfies the upstream schema `name`, with Ajv's errors as the message. */
function expectSchema(name: SchemaName | string, body: unknown, label: string): void {
  const validate = validatorFor(name);
  const ok = validate(body);
  expect(ok, `${label}: does not match ${name}.json: ${ajv.errorsText(validate.errors)}; body ${JSON.stringify(body)}`).toBe(true);
}

const refName = (ref: string) => ref.replace(/^#\/definitions\//, '');

/** The schema the request table names for this action and status. */
function tableSchema(resource: string, action: string, status: number): string {
  const response = API_INFO[resource]?.actions[action]?.responses[String(status)];
  if (!response) throw new Error(`apiInfo has no ${status} answer for ${resource}.${action}`);
  return refName(response.schema.$ref);
}

/** The one success status the request table documents for an action. */
function tableSuccess(resource: string, action: string): number {
  const codes = Object.keys(API_INFO[resource].actions[action].responses)
    .map(Number)
    .filter((c) => c >= 200 && c < 300);
  expect(codes, `${resource}.${action} documents one success status`).toHaveLength(1);
  return codes[0];
}

type Res = Awaited<ReturnType<Harness['request']>>;

/** Status as the request table documents, and a body matching the table's schema for it. */
function expectTableAnswer(resource: string, action: string, res: Res, status = tableSuccess(resource, action)): void {
  expect(res.status, `${resource}.${action}: ${JSON.stringify(res.body)}`).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  expectSchema(tableSchema(resource, action, status), res.body, `${resource}.${action} ${status}`);
}

/**
 * An error answer: the error schema, and the `{type, message, code}` shape every error shares
 * (with `field`, a string, when the request did not fit the schema).
 */
function expectError(res: Res, status: number, label: string): void {
  expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(status);
  expect(String(res.headers['content-type']), label).toMatch(/^application\/json/);
  expectSchema('error', res.body, `${label} ${status}`);
  const { field, ...shared } = res.body;
  expect(Object.keys(shared).sort(), label).toEqual(['code', 'message', 'type']);
  if (field !== undefined) expect({ code: res.body.code, field: typeof field }, label).toEqual({ code: 'invalid_request', field: 'string' });
  expect(ERROR_CODES[res.body.code as ErrorCode]?.type, `${label}: code ${res.body.code}`).toBe(res.body.type);
  expect(typeof res.body.type, label).toBe('string');
  expect(res.body.type.length, label).toBeGreaterThan(0);
  expect(typeof res.body.message, label).toBe('string');
  expect(res.body.message.length, label).toBeGreaterThan(0);
}

// The shapes CONTRACT.md lists; upstream leaves these schemas open, the contract does not.
const INVITE_KEYS = ['applicationRoles', 'dashboardRoles', 'disallowTransfer', 'email', 'hasExpired', 'id', 'inviteDate', 'role', 'ttl'];
const INVITE_INFO_KEYS = ['disallowTransfer', 'email', 'inviteDate', 'orgName', 'role', 'ttl'];
const MEMBER_REQUIRED = ['email', 'instanceId', 'orgId', 'role', 'ssoLinked', 'twoFactorAuthEnabled', 'userId'];
const COLLECTION_REQUIRED = ['count', 'instanceId', 'items', 'orgId', 'sortDirection', 'sortField'];

/** Gatehouse's documented additions to an invite: the delivery state of its mail. */
const INVITE_EXTENSIONS = ['mailError', 'mailStatus'];

function expectInviteShape(invite: any, label: string) {
  expect(Object.keys(invite).filter((k) => !INVITE_EXTENSIONS.includes(k)).sort(), label).toEqual(INVITE_KEYS);
  expect(['queued', 'sent', 'failed'], label).toContain(invite.mailStatus);
}
function expectMemberShape(member: any, label: string) {
  for (const key of MEMBER_REQUIRED) expect(member, `${label} has ${key}`).toHaveProperty(key);
}
function expectCollectionShape(body: any, h: Harness, label: string) {
  for (const key of COLLECTION_REQUIRED) expect(body, `${label} has ${key}`).toHaveProperty(key);
  expect(body.instanceId, label).toBe(h.instanceId);
  expect(body.orgId, label).toBe(h.orgId);
  expect(body.count, label).toBe(body.items.length);
}

/** What every Losant client adds to a request. */
const CLIENT_QUERY = '_actions=false&_links=true&_embedded=true';
const CLIENT_HEADERS = { 'accept-version': '^1.x', losantdomain: 'example.com' };

let h: Harness;
const orgUrl = () => `/instances/${h.instanceId}/orgs/${h.orgId}`;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe('the upstream schema files', () => {
  it('are draft-07 JSON Schemas that compile with Ajv in strict mode', () => {
    expect(SCHEMA_FILES.length).toBeGreaterThanOrEqual(13);
    for (const [name, schema] of Object.entries(SCHEMAS)) {
      expect(schema.$schema, name).toBe(DRAFT_07);
      expect(() => validatorFor(name), name).not.toThrow();
    }
  });

  it('include every schema the request table refers to', () => {
    const refs = new Set<string>();
    for (const resource of Object.values(API_INFO)) {
      for (const action of Object.values(resource.actions)) {
        for (const r of Object.values(action.responses)) refs.add(refName(r.schema.$ref));
        for (const p of action.params ?? []) if (p.schema) refs.add(refName(p.schema.$ref));
      }
    }
    for (const ref of refs) expect(Object.keys(SCHEMAS), ref).toContain(ref);
  });

  it('have the known instanceOrgMembers self-reference, which the tests replace by instanceOrgMember', () => {
    expect(RAW_SCHEMAS.instanceOrgMembers.properties.items.items).toEqual({ $ref: '#/definitions/instanceOrgMembers' });
    expect(() => newAjv().compile(RAW_SCHEMAS.instanceOrgMembers)).toThrow();
    expect(RAW_SCHEMAS.instanceOrgMember.additionalProperties).toBe(false);
  });

  it('are strict where upstream is: an extra member property fails, as does a bad id or role', () => {
    const member = {
      instanceId: '575ec8687ae143cd83dc4a95',
      orgId: '575ec8687ae143cd83dc4a97',
      userId: '575ec8687ae143cd83dc4a94',
      email: 'a@example.com',
      role: 'view',
      twoFactorAuthEnabled: false,
      ssoLinked: false,
    };
    expect(validatorFor('instanceOrgMember')(member)).toBe(true);
    expect(validatorFor('instanceOrgMember')({ ...member, applicationRoles: [] })).toBe(false);
    expect(validatorFor('instanceOrgMember')({ ...member, userId: 'nope' })).toBe(false);
    expect(validatorFor('instanceOrgMembers')({ items: [{ ...member, extra: 1 }] })).toBe(false);
    expect(validatorFor('orgInvite')({ id: '575ec8687ae143cd83dc4a94', role: 'owner' })).toBe(false);
    expect(validatorFor('orgInvite')({ inviteDate: 'yesterday' })).toBe(false);
    expect(validatorFor('success')({ success: false })).toBe(false);
  });
});

describe('invite collection (orgInviteCollection)', () => {
  let emails: string[];
  beforeAll(async () => {
    emails = [];
    for (let i = 0; i < 3; i++) emails.push((await createInvite(h, freshEmail('listed'))).email);
    // One with role overrides, so that item arrays are checked with content.
    const res = await h.request({
      method: 'POST',
      url: `${orgUrl()}/invites`,
      token: h.tokens.admin,
      body: {
        email: freshEmail('overrides'),
        role: 'collaborate',
        applicationRoles: [{ resourceId: '575ec8687ae143cd83dc4a90', role: 'view' }],
        dashboardRoles: [{ resourceId: '575ec8687ae143cd83dc4a91', role: 'collaborate' }],
        disallowTransfer: true,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('GET without parameters', async () => {
    const res = await h.request({ method: 'GET', url: `${orgUrl()}/invites`, token: h.tokens.admin });
    expectTableAnswer('instanceOrgInvites', 'get', res, 200);
    expectCollectionShape(res.body, h, 'GET invites');
    expect(res.body.items.length).toBeGreaterThanOrEqual(4);
    for (const item of res.body.items) expectInviteShape(item, 'invite list item');
    expect(res.body.items.some((i: any) => i.applicationRoles.length === 1 && i.dashboardRoles.length === 1)).toBe(true);
    expect(res.body.sortField).toBe('inviteDate');
    expect(res.body.sortDirection).toBe('desc');
  });

  it.each([
    ['client parameters', CLIENT_QUERY],
    ['sort', 'sortField=email&sortDirection=asc'],
    ['sort by role desc', 'sortField=role&sortDirection=desc'],
    ['filter by email', 'filterField=email&filter=listed-*'],
    ['filter by role', 'filterField=role&filter=collaborate'],
    ['blank filter', 'filterField=&filter='],
    ['page', 'page=0&perPage=2'],
    ['second page', 'page=1&perPage=2'],
    ['everything', `sortField=inviteDate&sortDirection=asc&filterField=email&filter=*@example.com&page=0&perPage=3&${CLIENT_QUERY}`],
  ])('GET with %s', async (_label, query) => {
    const res = await h.request({ method: 'GET', url: `${orgUrl()}/invites?${query}`, token: h.tokens.admin, headers: CLIENT_HEADERS });
    expectTableAnswer('instanceOrgInvites', 'get', res, 200);
    expectCollectionShape(res.body, h, query);
    expect(res.body.items.length, query).toBeGreaterThan(0);
    for (const item of res.body.items) expectInviteShape(item, query);
    const params = new URLSearchParams(query);
    for (const key of ['sortField', 'sortDirection'] as const) {
      if (params.get(key)) expect(res.body[key], `${query} echoes ${key}`).toBe(params.get(key));
    }
    if (params.get('filterField') && params.get('filter')) {
      expect(res.body.filterField, `${query} echoes filterField`).toBe(params.get('filterField'));
      expect(res.body.filter, `${query} echoes filter`).toBe(params.get('filter'));
    }
  });

  it('201 of POST without list parameters: the whole list, the new invite included', async () => {
    const email = freshEmail('posted');
    const res = await h.request({ method: 'POST', url: `${orgUrl()}/invites`, token: h.tokens.admin, body: { email, role: 'edit' } });
    expectTableAnswer('instanceOrgInvites', 'post', res, 201);
    expectCollectionShape(res.body, h, 'POST invites');
    for (const item of res.body.items) expectInviteShape(item, 'POST invites item');
    expect(res.body.items.map((i: any) => i.email)).toContain(email);
    expect(res.body.items.length).toBeGreaterThanOrEqual(5);
  });

  it.each([
    ['client parameters', CLIENT_QUERY],
    ['a filter on the new email', 'filterField=email&filter=EMAIL'],
    ['sort and page', 'sortField=email&sortDirection=asc&page=0&perPage=1'],
  ])('201 of POST with %s', async (_label, template) => {
    const email = freshEmail('posted');
    const query = template.replace('EMAIL', encodeURIComponent(email));
    const res = await h.request({
      method: 'POST',
      url: `${orgUrl()}/invites?${query}`,
      token: h.tokens.admin,
      headers: CLIENT_HEADERS,
      body: { email, role: 'view', disallowTransfer: false },
    });
    expectTableAnswer('instanceOrgInvites', 'post', res, 201);
    expectCollectionShape(res.body, h, query);
    for (const item of res.body.items) expectInviteShape(item, query);
    if (query.includes('filter=')) expect(res.body.items.map((i: any) => i.email)).toEqual([email]);
    if (query.includes('perPage=1')) expect(res.body.items).toHaveLength(1);
  });
});

describe('single invite (orgInvite) and success', () => {
  it('GET an invite', async () => {
    const invite = await createInvite(h);
    const res = await h.request({ method: 'GET', url: `${orgUrl()}/invites/${invite.id}?${CLIENT_QUERY}`, token: h.tokens.admin, headers: CLIENT_HEADERS });
    expectTableAnswer('instanceOrgInvite', 'get', res, 200);
    expectInviteShape(res.body, 'GET invite');
    expect(res.body.id).toBe(invite.id);
    expect(res.body.hasExpired).toBe(false);
  });

  it('GET an invite with role overrides', async () => {
    const email = freshEmail('overrides');
    const post = await h.request({
      method: 'POST',
      url: `${orgUrl()}/invites`,
      token: h.tokens.admin,
      body: { email, role: 'none', applicationRoles: [{ resourceId: '575ec8687ae143cd83dc4a90', role: 'none' }], disallowTransfer: true },
    });
    const id = post.body.items.find((i: any) => i.email === email).id;
    const res = await h.request({ method: 'GET', url: `${orgUrl()}/invites/${id}`, token: h.tokens.read });
    expectTableAnswer('instanceOrgInvite', 'get', res, 200);
    expect(res.body.applicationRoles).toEqual([{ resourceId: '575ec8687ae143cd83dc4a90', role: 'none' }]);
    expect(res.body.disallowTransfer).toBe(true);
  });

  it('resendInvite answers 201 with the invite', async () => {
    const invite = await createInvite(h);
    const res = await h.request({
      method: 'POST',
      url: `${orgUrl()}/invites/${invite.id}?${CLIENT_QUERY}`,
      token: h.tokens.admin,
      headers: CLIENT_HEADERS,
      body: { role: 'admin', dashboardRoles: [{ resourceId: '575ec8687ae143cd83dc4a93', role: 'view' }] },
    });
    expectTableAnswer('instanceOrgInvite', 'resendInvite', res, 201);
    expectInviteShape(res.body, 'resend');
    expect(res.body.role).toBe('admin');
    expect(res.body.dashboardRoles).toHaveLength(1);
  });

  it('resendInvite with an empty role info', async () => {
    const invite = await createInvite(h);
    const res = await h.request({ method: 'POST', url: `${orgUrl()}/invites/${invite.id}`, token: h.tokens.admin, body: {} });
    expectTableAnswer('instanceOrgInvite', 'resendInvite', res, 201);
    expectInviteShape(res.body, 'resend {}');
  });

  it('DELETE an invite answers success', async () => {
    const invite = await createInvite(h);
    // losant-rest sends Content-Type: application/json with no body on DELETE.
    const res = await h.request({
      method: 'DELETE',
      url: `${orgUrl()}/invites/${invite.id}?${CLIENT_QUERY}`,
      token: h.tokens.admin,
      headers: { ...CLIENT_HEADERS, 'content-type': 'application/json' },
    });
    expectTableAnswer('instanceOrgInvite', 'delete', res, 200);
    expect(res.body).toEqual({ success: true });
  });
});

describe('members (instanceOrgMember, instanceOrgMembers)', () => {
  it('POST by email answers the member', async () => {
    const email = freshEmail('member');
    const res = await h.request({
      method: 'POST',
      url: `${orgUrl()}/members?${CLIENT_QUERY}`,
      token: h.tokens.admin,
      headers: CLIENT_HEADERS,
      body: { email, role: 'edit', applicationRoles: [{ resourceId: '575ec8687ae143cd83dc4a90', role: 'view' }], disallowTransfer: true },
    });
    expectTableAnswer('instanceOrgMembers', 'post', res, 200);
    expectMemberShape(res.body, 'POST member by email');
    expect(res.body.email).toBe(email);
    expect(res.body.role).toBe('edit');
  });

  it('POST by userId answers the member, names included', async () => {
    const user = await h.gh.admin.createUser({ email: freshEmail('named'), firstName: 'Grace', lastName: 'Hopper' });
    await h.gh.admin.addInstanceMember(h.instanceId, user.id, 'view');
    const res = await h.request({
      method: 'POST',
      url: `${orgUrl()}/members`,
      token: h.tokens.admin,
      body: { userId: user.id, role: 'collaborate', dashboardRoles: [{ resourceId: '575ec8687ae143cd83dc4a91', role: 'none' }] },
    });
    expectTableAnswer('instanceOrgMembers', 'post', res, 200);
    expectMemberShape(res.body, 'POST member by userId');
    expect(res.body.userId).toBe(user.id);
    expect(res.body.firstName).toBe('Grace');
    expect(res.body.lastName).toBe('Hopper');
  });

  it('POST by userId of a user with no names', async () => {
    const user = await h.gh.admin.createUser({ email: freshEmail('nameless'), firstName: '', lastName: '' });
    await h.gh.admin.addInstanceMember(h.instanceId, user.id, 'view');
    const res = await h.request({ method: 'POST', url: `${orgUrl()}/members`, token: h.tokens.admin, body: { userId: user.id, role: 'none' } });
    expectTableAnswer('instanceOrgMembers', 'post', res, 200);
    expectMemberShape(res.body, 'POST nameless member');
  });

  it('GET a member', async () => {
    const member = await addMember(h);
    const res = await h.request({ method: 'GET', url: `${orgUrl()}/members/${member.userId}?${CLIENT_QUERY}`, token: h.tokens.read, headers: CLIENT_HEADERS });
    expectTableAnswer('instanceOrgMember', 'get', res, 200);
    expectMemberShape(res.body, 'GET member');
    expect(res.body.userId).toBe(member.userId);
  });

  it('PATCH a member', async () => {
    const member = await addMember(h);
    const res = await h.request({
      method: 'PATCH',
      url: `${orgUrl()}/members/${member.userId}?${CLIENT_QUERY}`,
      token: h.tokens.admin,
      headers: CLIENT_HEADERS,
      body: { role: 'admin', applicationRoles: [{ resourceId: '575ec8687ae143cd83dc4a90', role: 'collaborate' }], dashboardRoles: [] },
    });
    expectTableAnswer('instanceOrgMember', 'patch', res, 200);
    expectMemberShape(res.body, 'PATCH member');
    expect(res.body.role).toBe('admin');
  });

  it('DELETE a member answers success', async () => {
    const member = await addMember(h);
    const res = await h.request({
      method: 'DELETE',
      url: `${orgUrl()}/members/${member.userId}?${CLIENT_QUERY}`,
      token: h.tokens.admin,
      headers: { ...CLIENT_HEADERS, 'content-type': 'application/json' },
    });
    expectTableAnswer('instanceOrgMember', 'delete', res, 200);
    expect(res.body).toEqual({ success: true });
  });

  it.each([
    ['no parameters', ''],
    ['client parameters', CLIENT_QUERY],
    ['sort by role', 'sortField=role&sortDirection=desc'],
    ['filter by email', 'filterField=email&filter=member-*'],
    ['filter by role', 'filterField=role&filter=?dit'],
    ['page', 'page=0&perPage=2'],
    ['everything', `sortField=email&sortDirection=asc&filterField=email&filter=*&page=0&perPage=10&${CLIENT_QUERY}`],
  ])('GET the collection with %s', async (_label, query) => {
    await addMember(h, freshEmail('member'), 'edit');
    await addMember(h, freshEmail('member'), 'view');
    const res = await h.request({ method: 'GET', url: `${orgUrl()}/members${query ? `?${query}` : ''}`, token: h.tokens.admin, headers: CLIENT_HEADERS });
    expectTableAnswer('instanceOrgMembers', 'get', res, 200);
    expectCollectionShape(res.body, h, `members ${query}`);
    expect(res.body.items.length, query).toBeGreaterThan(0);
    for (const item of res.body.items) {
      expectSchema('instanceOrgMember', item, `members ${query} item`);
      expectMemberShape(item, `members ${query} item`);
    }
    if (!query) {
      expect(res.body.sortField).toBe('email');
      expect(res.body.sortDirection).toBe('asc');
    }
    // Names and overrides must be in the list too: a member with names is listed.
    if (!query) expect(res.body.items.some((m: any) => m.firstName === 'Grace')).toBe(true);
  });
});

describe('public invite endpoints (orgInviteInfo, orgInviteResult)', () => {
  it('GET /invites?token&email answers the invite info', async () => {
    const invite = await createInvite(h);
    const link = await h.inviteLink(invite.email);
    const query = new URLSearchParams({ token: link.token, email: link.email });
    const res = await h.request({ method: 'GET', url: `/invites?${query}&${CLIENT_QUERY}`, headers: CLIENT_HEADERS });
    expectTableAnswer('orgInvites', 'get', res, 200);
    expect(Object.keys(res.body).sort()).toEqual(INVITE_INFO_KEYS);
    expect(res.body.orgName).toBe('Acme');
    expect(res.body.email).toBe(invite.email);
  });

  it('POST /invites accepting answers {accepted: true, orgId}', async () => {
    const invite = await createInvite(h);
    const link = await h.inviteLink(invite.email);
    const res = await h.request({ method: 'POST', url: `/invites?${CLIENT_QUERY}`, headers: CLIENT_HEADERS, body: { email: link.email, token: link.token, accept: true } });
    expectTableAnswer('orgInvites', 'post', res, 200);
    expect(res.body).toEqual({ accepted: true, orgId: h.orgId });
  });

  it('POST /invites rejecting answers {accepted: false, orgId}', async () => {
    const invite = await createInvite(h);
    const link = await h.inviteLink(invite.email);
    const res = await h.request({ method: 'POST', url: '/invites', body: { email: link.email, token: link.token, accept: false } });
    expectTableAnswer('orgInvites', 'post', res, 200);
    expect(res.body).toEqual({ accepted: false, orgId: h.orgId });
  });
});

describe('error bodies (error.json)', () => {
  const missing = 'ffffffffffffffffffffffff';

  it('400: malformed ids, bodies and queries', async () => {
    const invite = await createInvite(h);
    const member = await addMember(h);
    const cases: Array<[string, Parameters<Harness['request']>[0]]> = [
      ['bad instance id', { method: 'GET', url: `/instances/not-an-id/orgs/${h.orgId}/invites`, token: h.tokens.admin }],
      ['bad org id', { method: 'GET', url: `/instances/${h.instanceId}/orgs/123/members`, token: h.tokens.admin }],
      ['bad invite id', { method: 'DELETE', url: `${orgUrl()}/invites/xyz`, token: h.tokens.admin }],
      ['bad user id', { method: 'PATCH', url: `${orgUrl()}/members/${'g'.repeat(24)}`, token: h.tokens.admin, body: { role: 'view' } }],
      ['unknown body property', { method: 'POST', url: `${orgUrl()}/invites`, token: h.tokens.admin, body: { email: freshEmail(), role: 'view', owner: true } }],
      ['bad role', { method: 'POST', url: `${orgUrl()}/members`, token: h.tokens.admin, body: { email: freshEmail(), role: 'owner' } }],
      ['bad email', { method: 'POST', url: `${orgUrl()}/invites`, token: h.tokens.admin, body: { email: 'not an email', role: 'view' } }],
      ['not JSON', { method: 'POST', url: `${orgUrl()}/invites`, token: h.tokens.admin, body: '{"email":' }],
      ['resend with unknown property', { method: 'POST', url: `${orgUrl()}/invites/${invite.id}`, token: h.tokens.admin, body: { email: 'x@example.com' } }],
      ['patch with unknown property', { method: 'PATCH', url: `${orgUrl()}/members/${member.userId}`, token: h.tokens.admin, body: { email: 'x@example.com' } }],
      ['bad sortField', { method: 'GET', url: `${orgUrl()}/invites?sortField=token`, token: h.tokens.admin }],
      ['existing member invited', { method: 'POST', url: `${orgUrl()}/invites`, token: h.tokens.admin, body: { email: member.email, role: 'view' } }],
      ['pending invite invited again', { method: 'POST', url: `${orgUrl()}/invites`, token: h.tokens.admin, body: { email: invite.email, role: 'view' } }],
      ['GET /invites without token and email', { method: 'GET', url: '/invites' }],
      ['POST /invites without accept', { method: 'POST', url: '/invites', body: { email: 'a@example.com', token: 'abc' } }],
      ['POST /invites with accept as text', { method: 'POST', url: '/invites', body: { email: 'a@example.com', token: 'abc', accept: 'true' } }],
    ];
    for (const [label, req] of cases) expectError(await h.request(req), 400, label);
  });

  it('401: no token, unknown, revoked or expired token', async () => {
    const tokens: Array<[string, string | null]> = [
      ['no token', null],
      ['unknown token', 'gh_unknown'],
      ['revoked token', h.tokens.revoked],
      ['expired token', h.tokens.expired],
    ];
    for (const [label, token] of tokens) {
      expectError(await h.request({ method: 'GET', url: `${orgUrl()}/invites`, token }), 401, label);
      expectError(await h.request({ method: 'POST', url: `${orgUrl()}/members`, token, body: { email: freshEmail(), role: 'view' } }), 401, label);
    }
  });

  it('403: a read-only token writing, a token of another instance', async () => {
    const invite = await createInvite(h);
    expectError(await h.request({ method: 'POST', url: `${orgUrl()}/invites`, token: h.tokens.read, body: { email: freshEmail(), role: 'view' } }), 403, 'read token POST');
    expectError(await h.request({ method: 'DELETE', url: `${orgUrl()}/invites/${invite.id}`, token: h.tokens.read }), 403, 'read token DELETE');
    expectError(await h.request({ method: 'GET', url: `${orgUrl()}/members`, token: h.tokens.otherInstance }), 403, 'other instance');
  });

  it('404: unknown org, invite, member, invite token, route', async () => {
    const invite = await createInvite(h);
    const link = await h.inviteLink(invite.email);
    const cases: Array<[string, Parameters<Harness['request']>[0]]> = [
      ['unknown org', { method: 'GET', url: `/instances/${h.instanceId}/orgs/${missing}/invites`, token: h.tokens.admin }],
      ['unknown invite', { method: 'GET', url: `${orgUrl()}/invites/${missing}`, token: h.tokens.admin }],
      ['resend unknown invite', { method: 'POST', url: `${orgUrl()}/invites/${missing}`, token: h.tokens.admin, body: { role: 'view' } }],
      ['delete unknown invite', { method: 'DELETE', url: `${orgUrl()}/invites/${missing}`, token: h.tokens.admin }],
      ['unknown member', { method: 'GET', url: `${orgUrl()}/members/${missing}`, token: h.tokens.admin }],
      ['patch unknown member', { method: 'PATCH', url: `${orgUrl()}/members/${missing}`, token: h.tokens.admin, body: { role: 'view' } }],
      ['delete unknown member', { method: 'DELETE', url: `${orgUrl()}/members/${missing}`, token: h.tokens.admin }],
      ['add unknown user', { method: 'POST', url: `${orgUrl()}/members`, token: h.tokens.admin, body: { userId: missing, role: 'view' } }],
      ['invite info, wrong token', { method: 'GET', url: `/invites?${new URLSearchParams({ token: 'wrong', email: invite.email })}` }],
      ['invite info, wrong email', { method: 'GET', url: `/invites?${new URLSearchParams({ token: link.token, email: 'other@example.com' })}` }],
      ['respond, wrong token', { method: 'POST', url: '/invites', body: { email: invite.email, token: 'wrong', accept: true } }],
      ['no such route', { method: 'GET', url: '/nowhere' }],
    ];
    for (const [label, req] of cases) {
      const res = await h.request(req);
      expectError(res, 404, label);
      // Only an unknown route gets the generic answer the request-table check looks for.
      expect(res.body.message.startsWith('No route for'), label).toBe(label === 'no such route');
    }
  });

  it('404 for a revoked invite on the public endpoints', async () => {
    const invite = await createInvite(h);
    const link = await h.inviteLink(invite.email);
    await h.request({ method: 'DELETE', url: `${orgUrl()}/invites/${invite.id}`, token: h.tokens.admin });
    const query = new URLSearchParams({ token: link.token, email: link.email });
    expectError(await h.request({ method: 'GET', url: `/invites?${query}` }), 404, 'info on revoked');
    expectError(await h.request({ method: 'POST', url: '/invites', body: { email: link.email, token: link.token, accept: true } }), 404, 'accept revoked');
  });
});

describe('expired invites (a harness of their own, since the clock moves)', () => {
  let hx: Harness;
  beforeAll(async () => {
    hx = await startHarness();
  });
  afterAll(() => hx?.close());

  it('410 on the public endpoints; listed and read with hasExpired; resendable', async () => {
    const invite = await createInvite(hx);
    const link = await hx.inviteLink(invite.email);
    hx.advance(8 * DAY);
    const query = new URLSearchParams({ token: link.token, email: link.email });
    expectError(await hx.request({ method: 'GET', url: `/invites?${query}` }), 410, 'expired info');
    expectError(await hx.request({ method: 'POST', url: '/invites', body: { email: link.email, token: link.token, accept: true } }), 410, 'expired accept');

    const base = `/instances/${hx.instanceId}/orgs/${hx.orgId}`;
    const list = await hx.request({ method: 'GET', url: `${base}/invites`, token: hx.tokens.admin });
    expectTableAnswer('instanceOrgInvites', 'get', list, 200);
    const listed = list.body.items.find((i: any) => i.id === invite.id);
    expect(listed).toBeDefined();
    expect(listed.hasExpired).toBe(true);

    const one = await hx.request({ method: 'GET', url: `${base}/invites/${invite.id}`, token: hx.tokens.admin });
    expectTableAnswer('instanceOrgInvite', 'get', one, 200);
    expect(one.body.hasExpired).toBe(true);

    const resent = await hx.request({ method: 'POST', url: `${base}/invites/${invite.id}`, token: hx.tokens.admin, body: {} });
    expectTableAnswer('instanceOrgInvite', 'resendInvite', resent, 201);
    expect(resent.body.hasExpired).toBe(false);
  });
});

describe('the request table (apiInfo.invites-members.json) matches the server', () => {
  /** Real ids and a valid request for every action of the table. */
  async function validRequest(resource: string, action: string): Promise<{ url: string; body?: unknown; token?: string }> {
    const info = API_INFO[resource];
    const spec = info.actions[action];
    const ids: Record<string, string> = { instanceId: h.instanceId, orgId: h.orgId };
    const pathNames = (info.params ?? []).filter((p) => p.in === 'path').map((p) => p.name);
    if (pathNames.includes('inviteId')) ids.inviteId = (await createInvite(h)).id;
    if (pathNames.includes('userId')) ids.userId = (await addMember(h)).userId;
    const url = info.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (!ids[name]) throw new Error(`no id for {${name}}`);
      return ids[name];
    });
    const query = new URLSearchParams();
    let body: unknown;
    for (const p of spec.params ?? []) {
      if (p.in === 'body') {
        const schema = refName(p.schema!.$ref);
        if (schema === 'orgInvitePost') body = { email: freshEmail('table'), role: 'view' };
        else if (schema === 'orgRoleInfo') body = { role: 'edit' };
        else if (schema === 'instanceOrgMemberPost') body = { email: freshEmail('table'), role: 'view' };
        else if (schema === 'instanceOrgMemberPatch') body = { role: 'edit' };
        else if (schema === 'orgInviteAction') {
          const link = await h.inviteLink((await createInvite(h)).email);
          body = { email: link.email, token: link.token, accept: true };
        } else throw new Error(`no sample body for ${schema}`);
      }
      if (p.in === 'query' && p.required) {
        if (p.name !== 'token' && p.name !== 'email') throw new Error(`no sample value for ${p.name}`);
        if (!query.has('token')) {
          const link = await h.inviteLink((await createInvite(h)).email);
          query.set('token', link.token);
          query.set('email', link.email);
        }
      }
    }
    const token = info.auth ? h.tokens.admin : undefined;
    return { url: query.size ? `${url}?${query}` : url, body, token };
  }

  const ACTIONS = Object.entries(API_INFO).flatMap(([resource, info]) =>
    Object.entries(info.actions).map(([action, spec]) => ({ name: `${resource}.${action}`, resource, action, method: spec.method, path: info.path, spec, info })),
  );

  it('lists the expected resources and actions', () => {
    expect(ACTIONS.map((a) => a.name).sort()).toEqual([
      'instanceOrgInvite.delete',
      'instanceOrgInvite.get',
      'instanceOrgInvite.resendInvite',
      'instanceOrgInvites.get',
      'instanceOrgInvites.post',
      'instanceOrgMember.delete',
      'instanceOrgMember.get',
      'instanceOrgMember.patch',
      'instanceOrgMembers.get',
      'instanceOrgMembers.post',
      'orgInvites.get',
      'orgInvites.post',
    ]);
  });

  describe.each(ACTIONS)('$name: $method $path', ({ resource, action, method, spec, info }) => {
    it('reaches a route, and a valid request gets the documented answer', async () => {
      const req = await validRequest(resource, action);
      const res = await h.request({ method, ...req, headers: CLIENT_HEADERS });
      const noRoute = res.status === 404 && typeof res.body?.message === 'string' && res.body.message.startsWith('No route for');
      expect(noRoute, `${method} ${req.url} has no route`).toBe(false);
      expectTableAnswer(resource, action, res);
    });

    it(info.auth ? 'needs a token (401 without)' : 'needs no token', async () => {
      const req = await validRequest(resource, action);
      const res = await h.request({ method, url: req.url, body: req.body });
      if (info.auth) expectError(res, 401, `${resource}.${action} without token`);
      else expectTableAnswer(resource, action, res);
    });

    const pathParams = (info.params ?? []).filter((p) => p.in === 'path');
    if (pathParams.length) {
      it.each(pathParams.map((p) => [p.name, p] as const))('path parameter %s outside its pattern is a 400', async (_name, param) => {
        expect(param.pattern).toBe('^[A-Fa-f\\d]{24}$');
        const req = await validRequest(resource, action);
        for (const bad of ['abc', 'g'.repeat(24), 'a'.repeat(25), '%20']) {
          expect(new RegExp(param.pattern!).test(decodeURIComponent(bad))).toBe(false);
          const ids = req.url.split('?')[0].split('/');
          const template = info.path.split('/');
          const url = template.map((seg, i) => (seg === `{${param.name}}` ? bad : ids[i])).join('/');
          expectError(await h.request({ method, url, token: req.token, body: req.body }), 400, `${method} ${url}`);
        }
      });
    }

    const enumParams = (spec.params ?? []).filter((p) => p.in === 'query' && p.enum);
    if (enumParams.length) {
      it.each(enumParams.map((p) => [p.name, p] as const))('query parameter %s accepts each enum value and rejects others', async (name, param) => {
        const req = await validRequest(resource, action);
        // A filter field filters (and is echoed) together with a filter.
        const withValue = (value: string) => new URLSearchParams({ [name]: value, ...(name === 'filterField' ? { filter: '*' } : {}) });
        for (const value of param.enum!) {
          const res = await h.request({ method, url: `${req.url}?${withValue(value)}`, token: req.token, body: req.body });
          expectTableAnswer(resource, action, res);
          expect(res.body[name], `${name}=${value} is echoed`).toBe(value);
        }
        // Values from the same parameter of the other actions of the table that this one lacks.
        const others = ACTIONS.flatMap((a) => (a.spec.params ?? []).filter((p) => p.name === name && p.enum).flatMap((p) => p.enum!));
        const bad = new Set(['sideways', 'token', '1', ...others.filter((v) => !param.enum!.includes(v))]);
        for (const value of bad) {
          const res = await h.request({ method, url: `${req.url}?${withValue(value)}`, token: req.token, body: req.body });
          expectError(res, 400, `${resource}.${action} ${name}=${value}`);
        }
      });
    }
  });
});
