/** /docs/static/index.html with any query string redirected to itself for ever (issue 12). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

it.each(['/docs/static/index.html', '/docs/static/index.html?x=1', '/docs/static/index.html?url=%2Fother&y'])(
  '%s redirects once to the reference page',
  async (url) => {
    const seen = [url];
    let res = await h.request({ method: 'GET', url });
    while (res.status >= 300 && res.status < 400 && seen.length <= 5) {
      const next = new URL(String(res.headers.location), 'http://gatehouse.test');
      seen.push(next.pathname + next.search);
      res = await h.request({ method: 'GET', url: seen.at(-1)! });
    }
    expect(seen).toEqual([url, '/docs/']);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  },
);
