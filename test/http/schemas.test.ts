import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OPERATIONS } from '../../src/contract/operations.js';
import { type Harness, startHarness } from '../helpers/harness.js';

/**
 * The server compiles a route's validators and serializers on the route's first use
 * (src/http/compile-lazily.ts): a schema that cannot compile would only show when its route is
 * first asked. Here every one is compiled as the server starts, so that none can.
 */
const compiled = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/http/compile-lazily.js', () => ({
  compileLazily: <F>(compile: () => F): F => {
    compiled.count++;
    return compile();
  },
}));

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.gh.app.ready();
});
afterAll(() => h.close());

describe('every schema of every route', () => {
  it('compiles: the server starts with all of them compiled up front', () => {
    // Each operation has at least its path, success and error schemas (2xx, 4xx, 5xx).
    expect(compiled.count).toBeGreaterThan(Object.keys(OPERATIONS).length * 3);
  });

  it('validates and serializes as the lazily compiled ones do', async () => {
    const bad = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${h.orgId}/invites?perPage=0x10`, token: h.tokens.admin });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/perPage/);
    const list = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${h.orgId}/invites`, token: h.tokens.admin });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ items: [], count: 0 });
  });
});
