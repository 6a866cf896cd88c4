import type { Browser, BrowserContext, Page } from 'playwright-core';

/**
 * A fresh console tab signed in with `token` at `/admin<hash>`, in a context of its own (pushed
 * on `contexts`, for the test file to close), with the page's errors and its refused requests
 * collected in `problems`.
 */
export async function signedInConsole(browser: Browser, contexts: BrowserContext[], url: string, token: string, hash = ''): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext();
  context.setDefaultTimeout(5_000);
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('response', (res) => void (res.status() >= 400 && problems.push(`${res.status()} ${res.request().method()} ${res.url()}`)));
  await page.goto(`${url}/admin${hash}`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Console' }).waitFor();
  return { page, problems };
}
