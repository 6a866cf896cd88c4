import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNT_CAP } from '../../src/contract/common.js';
import { newId } from '../../src/domain/ids.js';
import { type Harness, startHarness } from '../helpers/harness.js';

let h: Harness;
const invitesUrl = () => `/instances/${h.instanceId}/orgs/${h.orgId}/invites`;
const membersUrl = () => `/instances/${h.instanceId}/orgs/${h.orgId}/members`;
const get = (url: string) => h.request({ method: 'GET', url, token: h.tokens.admin });
const emails = (res: { body: { items: { email: string }[] } }) => res.body.items.map((i) => i.email);

const INVITES = [
  ['carol@example.com', 'view'],
  ['alice@example.com', 'admin'],
  ['bob@other.org', 'edit'],
  ['a_b%c@example.com', 'view'],
  ['axbxc@example.com', 'none'],
  ['dave@example.com', 'collaborate'],
] as const;

beforeAll(async () => {
  h = await startHarness();
  for (const [email, role] of INVITES) {
    await h.request({ method: 'POST', url: invitesUrl(), token: h.tokens.admin, body: { email, role } });
    h.advance(1000); // distinct invite dates, in insertion order
  }
  for (const [email, role] of [['zed@example.com', 'view'], ['amy@example.com', 'admin'], ['max@corp.example', 'edit']]) {
    await h.request({ method: 'POST', url: membersUrl(), token: h.tokens.admin, body: { email, role } });
  }
});
afterAll(() => h.close());

describe('invite lists', () => {
  it('default to inviteDate, newest first, and echo the parameters', async () => {
    const res = await get(invitesUrl());
    expect(emails(res)).toEqual(INVITES.map(([e]) => e).reverse());
    expect(res.body).toMatchObject({ count: 6, totalCount: 6, sortField: 'inviteDate', sortDirection: 'desc', instanceId: h.instanceId, orgId: h.orgId });
    expect(res.body).not.toHaveProperty('filter');
    expect(res.body).not.toHaveProperty('page');
  });

  it('sort by email and role in both directions', async () => {
    const byEmail = [...INVITES.map(([e]) => e)].sort();
    expect(emails(await get(`${invitesUrl()}?sortField=email&sortDirection=asc`))).toEqual(byEmail);
    expect(emails(await get(`${invitesUrl()}?sortField=email&sortDirection=DESC`))).toEqual([...byEmail].reverse());
    const roles = (await get(`${invitesUrl()}?sortField=role&sortDirection=asc`)).body.items.map((i: { role: string }) => i.role);
    expect(roles).toEqual([...roles].sort());
  });

  it('filter with a case-insensitive whole-field glob', async () => {
    const f = (field: string, glob: string) => get(`${invitesUrl()}?sortField=email&sortDirection=asc&filterField=${field}&filter=${encodeURIComponent(glob)}`);
    expect(emails(await f('email', '*@EXAMPLE.com'))).toEqual(['a_b%c@example.com', 'alice@example.com', 'axbxc@example.com', 'carol@example.com', 'dave@example.com']);
    expect(emails(await f('email', 'a?b?c@example.com'))).toEqual(['a_b%c@example.com', 'axbxc@example.com']);
    // Whole field: no implicit wildcards at either end.
    expect(emails(await f('email', 'alice'))).toEqual([]);
    expect(emails(await f('email', 'alice@example.com'))).toEqual(['alice@example.com']);
    // SQL wildcards are literal characters in a glob.
    expect(emails(await f('email', 'a_b%c@example.com'))).toEqual(['a_b%c@example.com']);
    expect(emails(await f('email', '%'))).toEqual([]);
    expect(emails(await f('email', 'a_b*'))).toEqual(['a_b%c@example.com']);
    expect(emails(await f('role', 'VIEW'))).toEqual(['a_b%c@example.com', 'carol@example.com']);
    const echo = (await f('email', '*@other.org')).body;
    expect(echo).toMatchObject({ filterField: 'email', filter: '*@other.org', count: 1 });
  });

  it('treat a blank filter or filterField as no filter', async () => {
    expect((await get(`${invitesUrl()}?filterField=email&filter=`)).body.count).toBe(6);
    expect((await get(`${invitesUrl()}?filterField=&filter=zzz`)).body.count).toBe(6);
  });

  it('page with page and perPage, and report totalCount', async () => {
    const all = emails(await get(`${invitesUrl()}?sortField=email&sortDirection=asc`));
    const p0 = await get(`${invitesUrl()}?sortField=email&sortDirection=asc&perPage=4`);
    const p1 = await get(`${invitesUrl()}?sortField=email&sortDirection=asc&perPage=4&page=1`);
    expect(emails(p0)).toEqual(all.slice(0, 4));
    expect(emails(p1)).toEqual(all.slice(4));
    expect(p1.body).toMatchObject({ count: 2, totalCount: 6, page: 1, perPage: 4 });
    const filtered = await get(`${invitesUrl()}?filterField=email&filter=*example.com&perPage=2`);
    expect(filtered.body).toMatchObject({ count: 2, totalCount: 5 });
    expect((await get(`${invitesUrl()}?page=9&perPage=4`)).body).toMatchObject({ count: 0, totalCount: 6 });
  });

  it(`count a paged list up to ${COUNT_CAP} matches and say so: totalCountCapped, a lower bound`, async () => {
    const org = await h.request({ method: 'POST', url: `/instances/${h.instanceId}/orgs`, token: h.tokens.admin, body: { name: 'Crowded' } });
    const url = `/instances/${h.instanceId}/orgs/${org.body.id}/invites`;
    const now = new Date().toISOString();
    await h.gh.store.transaction(async (s) => {
      for (let n = 0; n <= COUNT_CAP; n++) {
        const invite = { id: newId(), orgId: org.body.id, email: `crowd${n}@example.com`, role: 'view' as const, applicationRoles: [], dashboardRoles: [] };
        await s.insertInvite({ ...invite, disallowTransfer: false, inviteDate: now, ttl: 3_600_000, expiresAt: '2999-01-01T00:00:00.000Z', status: 'pending', invitedByTokenId: null, joinLinkId: null, locale: null }, `crowd-${n}`);
      }
    });
    expect((await get(`${url}?perPage=10`)).body).toMatchObject({ count: 10, totalCount: COUNT_CAP, totalCountCapped: true });
    const last = await get(`${url}?perPage=100&page=${COUNT_CAP / 100}`);
    expect(last.body).toMatchObject({ count: 1, totalCount: COUNT_CAP + 1 });
    expect(last.body).not.toHaveProperty('totalCountCapped');
    const few = await get(`${url}?perPage=10&filterField=email&filter=crowd1?@example.com`);
    expect(few.body).toMatchObject({ count: 10, totalCount: 10 });
    expect(few.body).not.toHaveProperty('totalCountCapped');
  });

  it('the 201 of a new invite honours the list parameters of its query string', async () => {
    const res = await h.request({
      method: 'POST',
      url: `${invitesUrl()}?perPage=1&sortField=inviteDate&sortDirection=desc`,
      token: h.tokens.admin,
      body: { email: 'newest@example.com', role: 'view' },
    });
    expect(res.status).toBe(201);
    expect(emails(res)).toEqual(['newest@example.com']);
    expect(res.body).toMatchObject({ count: 1, totalCount: 7 });
    await h.request({ method: 'DELETE', url: `${invitesUrl()}/${res.body.items[0].id}`, token: h.tokens.admin });
  });

  it('refuse bad list parameters with 400', async () => {
    for (const q of [
      'sortField=id',
      'sortDirection=up',
      'filterField=id&filter=x',
      `filter=${'*'.repeat(300)}&filterField=email`,
      'perPage=0',
      'perPage=100000',
      'page=-1',
      'page=abc',
      'sortField=email&sortField=role',
    ]) {
      const res = await get(`${invitesUrl()}?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.type).toBe('Validation');
    }
  });
});

describe('member lists', () => {
  it('default to email ascending', async () => {
    const res = await get(membersUrl());
    expect(emails(res)).toEqual(['amy@example.com', 'max@corp.example', 'zed@example.com']);
    expect(res.body).toMatchObject({ sortField: 'email', sortDirection: 'asc', count: 3, totalCount: 3 });
  });

  it('sort by role, filter by glob and page', async () => {
    expect(emails(await get(`${membersUrl()}?sortField=role&sortDirection=desc`))).toEqual(['zed@example.com', 'max@corp.example', 'amy@example.com']);
    expect(emails(await get(`${membersUrl()}?filterField=email&filter=*@EXAMPLE.COM`))).toEqual(['amy@example.com', 'zed@example.com']);
    expect(emails(await get(`${membersUrl()}?filterField=role&filter=ad*`))).toEqual(['amy@example.com']);
    const page = await get(`${membersUrl()}?perPage=1&page=2`);
    expect(emails(page)).toEqual(['zed@example.com']);
    expect(page.body).toMatchObject({ count: 1, totalCount: 3, page: 2, perPage: 1 });
    expect((await get(`${membersUrl()}?sortField=inviteDate`)).status).toBe(400);
  });
});
