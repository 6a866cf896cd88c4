import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS, type OperationId } from '../../src/contract/operations.js';
import { type Harness, startHarness } from '../helpers/harness.js';

/** The operation table against the server: every operation is served, at its path, under its id. */

let h: Harness;
let doc: { paths: Record<string, Record<string, { operationId: string; security?: unknown }>> };
beforeAll(async () => {
  h = await startHarness();
  doc = (await h.request({ method: 'GET', url: '/openapi.json' })).body;
});
afterAll(() => h.close());

describe('the operation table', () => {
  it.each(Object.keys(OPERATIONS) as OperationId[])('%s is a route of the server, documented under its id', (id) => {
    const { method, path, access } = OPERATIONS[id];
    expect(h.gh.app.hasRoute({ method, url: path.replace(/\{(\w+)\}/g, ':$1') })).toBe(true);
    const op = doc.paths[path]?.[method.toLowerCase()];
    expect(op?.operationId).toBe(id);
    expect(Boolean(op?.security)).toBe(access !== 'public');
  });
});
