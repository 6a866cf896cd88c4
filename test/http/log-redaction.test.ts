/**
 * The invite token never reaches a log line, whatever spelling of its query parameter a
 * request uses (issue 12, point 7): the query parser decodes `%74oken` to `token`, so the
 * redaction must too.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

it('a live token in any spelling of the token parameter never appears in the log', async () => {
  const created = await h.request({
    method: 'POST',
    url: `/instances/${h.instanceId}/orgs/${h.orgId}/invites`,
    token: h.tokens.admin,
    body: { email: 'logged@example.com', role: 'view' },
  });
  expect(created.status).toBe(201);
  const { token, email } = await h.inviteLink('logged@example.com');
  const t = encodeURIComponent(token);
  const e = encodeURIComponent(email);
  const urls = [
    `/invites?%74oken=${t}&email=${e}`,
    `/invites?email=${e}&%74%6F%6B%65%6E=${t}`,
    `/invites?TOKEN=${t}&email=${e}`,
    `/invites?token=${t}&token=${t}&email=${e}`,
    `/invites?access_token=${t}&email=${e}`,
    `/invites?tok%en=${t}&email=${e}`,
    `/accept?token=${t}&email=${e}`,
    `/no-such-route?token=${t}`,
  ];
  const answers = [];
  for (const url of urls) answers.push((await h.request({ method: 'GET', url })).status);
  // The first one is read as the live token: the parser decodes the name.
  expect(answers[0]).toBe(200);
  expect(h.logs()).toContain('incoming request');
  expect(h.logs()).not.toContain(token);
  expect(h.logs()).not.toContain(t);
});
