import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, which .ci/run installs; the browser suites skip loudly without it. */
export const CHROMIUM = '/usr/bin/chromium';
export const BROWSER_SKIPPED = existsSync(CHROMIUM) ? null : `no browser at ${CHROMIUM} (Debian package "chromium")`;

/** Headless Chromium with the flags this closed network needs (no background connections). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A new page opened at `link`; its uncaught errors are pushed to `errors` for the test to check. */
export async function openPage(browser: Browser, link: string, errors: string[], viewport = { width: 1280, height: 800 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(link);
  return page;
}
