/**
 * The same client code in a real browser: the client bundled for the web (esbuild) runs in
 * headless Chromium on a page of the Gatehouse origin and talks to the live server.
 */
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_SKIPPED, launchChromium } from '../helpers/browser.js';
import { type Harness, startHarness } from '../helpers/harness.js';

describe.skipIf(BROWSER_SKIPPED !== null)(BROWSER_SKIPPED ? `client in a browser — SKIPPED: ${BROWSER_SKIPPED}` : 'client in a browser', () => {
  let h: Harness;
  let url: string;
  let browser: Browser;
  let bundle: string;

  beforeAll(async () => {
    h = await startHarness();
    url = await h.gh.app.listen({ port: 0, host: '127.0.0.1' });
    const out = await build({
      entryPoints: ['client/src/index.ts'],
      bundle: true,
      format: 'iife',
      globalName: 'GatehouseClient',
      platform: 'browser',
      target: 'es2022',
      write: false,
    });
    bundle = out.outputFiles[0].text;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('invites, lists, reads errors and uses callbacks from a page', async () => {
    const page = await browser.newPage();
    // A page of the server's origin, so the calls are same-origin as the admin console's will be.
    await page.goto(`${url}/healthz`);
    await page.addScriptTag({ content: bundle });
    const result = await page.evaluate(
      async ({ token, instanceId, orgId }) => {
        const { createClient, GatehouseError } = (window as unknown as { GatehouseClient: typeof import('../../client/src/index.js') }).GatehouseClient;
        const client = createClient({ url: location.origin, accessToken: token });
        const created = await client.instanceOrgInvites.post({ instanceId, orgId, invite: { email: 'browser@example.com', role: 'edit' }, perPage: 1 });
        const listed = await client.instanceOrgInvites.get({ instanceId, orgId, filterField: 'email', filter: 'browser@*' });
        const error = await client.instanceOrgInvite.get({ instanceId, orgId, inviteId: 'ffffffffffffffffffffffff' }).catch((e: unknown) => e);
        const viaCallback = await new Promise((resolve) =>
          client.instanceOrgMembers.get({ instanceId, orgId }, (err, members) => resolve(err ? err.message : members?.count)),
        );
        return {
          created: created.items[0].email,
          listed: listed.count,
          isGatehouseError: error instanceof GatehouseError,
          status: (error as { statusCode: number }).statusCode,
          type: (error as { type: string }).type,
          viaCallback,
          userAgent: navigator.userAgent,
        };
      },
      { token: h.tokens.admin, instanceId: h.instanceId, orgId: h.orgId },
    );
    expect(result).toMatchObject({ created: 'browser@example.com', listed: 1, isGatehouseError: true, status: 404, type: 'NotFound', viaCallback: 0 });
    expect(result.userAgent).toMatch(/HeadlessChrome|Chrome/);
  });
});
